from django.db import migrations

# code, 中文, English, medical, usual urgency, order
CATEGORIES = [
    ("medicine", "代配药", "Medicine purchase", False, "normal", 10),
    ("medical_visit", "就医", "Medical visit", True, "urgent", 20),
    ("dialysis", "血透", "Dialysis escort", True, "urgent", 30),
    ("prenatal", "产检", "Prenatal check", True, "urgent", 40),
    ("emergency", "急症", "Emergency", True, "emergency", 50),
    ("groceries", "生活物资", "Groceries", False, "normal", 60),
    ("meals", "爱心餐", "Meals", False, "normal", 70),
    ("home_testing", "上门核酸", "Home testing", False, "normal", 80),
    ("psychological", "心理疏导", "Psychological support", False, "normal", 90),
    ("repair", "维修", "Repair", False, "low", 100),
    ("garbage", "垃圾", "Garbage", False, "low", 110),
    ("enquiry", "咨询", "Enquiry", False, "low", 120),
    ("other", "其他", "Other", False, "normal", 130),
]
# Hours before a request is late, by category and urgency, where it differs from the defaults
# (emergency 0.5 h, urgent 4 h, normal 24 h, low 72 h).
RULES = [
    ("medicine", "urgent", 4), ("medicine", "normal", 12),
    ("dialysis", "urgent", 2), ("dialysis", "normal", 12),
    ("prenatal", "urgent", 4),
    ("medical_visit", "urgent", 2),
    ("meals", "normal", 4), ("meals", "urgent", 2),
    ("groceries", "normal", 24), ("groceries", "urgent", 6),
    ("psychological", "urgent", 2),
]  # fmt: skip


def seed(apps, schema_editor):
    Category = apps.get_model("ledger", "Category")
    DeadlineRule = apps.get_model("ledger", "DeadlineRule")
    by_code = {}
    for code, zh, en, medical, urgency, order in CATEGORIES:
        by_code[code], _ = Category.objects.get_or_create(
            code=code,
            defaults={"name_zh": zh, "name_en": en, "medical": medical, "default_urgency": urgency, "order": order},
        )
    for code, urgency, hours in RULES:
        DeadlineRule.objects.get_or_create(category=by_code[code], urgency=urgency, defaults={"hours": hours})


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
