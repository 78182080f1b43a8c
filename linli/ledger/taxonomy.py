"""The seeded request categories and deadline rules.

Created by a data migration and topped up after every migrate (a test database flushed between
tests, a new release adding a category); an existing category is never changed here, so what
administrators configure stays as they left it.
"""

from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from linli.ledger.models import Category

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


def ensure_taxonomy(category_model: Any, rule_model: Any) -> None:
    by_code = {}
    for code, zh, en, medical, urgency, order in CATEGORIES:
        by_code[code], _ = category_model.objects.get_or_create(
            code=code,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "medical": medical,
                "default_urgency": urgency,
                "order": order,
            },
        )
    for code, urgency, hours in RULES:
        rule_model.objects.get_or_create(
            category=by_code[code], urgency=urgency, defaults={"hours": hours}
        )


def top_up_after_migrate(**kwargs: Any) -> None:
    from linli.ledger.models import Category, DeadlineRule

    ensure_taxonomy(Category, DeadlineRule)


# Categories and deadline rules are read by every request opened and change a few times a year:
# each process keeps them for CACHE_SECONDS (an edit in the admin shows within that time).
CACHE_SECONDS = 30.0
_cache: dict[str, Any] = {"at": -CACHE_SECONDS}


def _tables() -> dict[str, Any]:
    import time

    from linli.ledger.models import Category, DeadlineRule

    now = time.monotonic()
    if now - _cache["at"] >= CACHE_SECONDS:
        _cache["categories"] = {c.code: c for c in Category.objects.all()}
        _cache["hours"] = {(r.category_id, r.urgency): r.hours for r in DeadlineRule.objects.all()}
        _cache["at"] = now
    return _cache


def forget_cached_taxonomy(**kwargs: Any) -> None:
    _cache["at"] = -CACHE_SECONDS


def category_by_code(code: str) -> "Category | None":
    """The category with this code, or None."""
    found: Category | None = _tables()["categories"].get(code)
    return found


def category_by_pk(pk: int) -> "Category | None":
    """The category with this primary key, or None."""
    return next((c for c in _tables()["categories"].values() if c.pk == pk), None)


def rule_hours(category_id: int, urgency: str) -> "Decimal | None":
    """The hours of the deadline rule for this category and urgency, or None."""
    found: Decimal | None = _tables()["hours"].get((category_id, urgency))
    return found
