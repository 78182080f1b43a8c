from django.db import migrations

from linli.ledger.taxonomy import ensure_taxonomy


def seed(apps, schema_editor):
    ensure_taxonomy(apps.get_model("ledger", "Category"), apps.get_model("ledger", "DeadlineRule"))


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
