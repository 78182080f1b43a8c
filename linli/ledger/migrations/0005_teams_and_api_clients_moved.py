# Team now lives in core and the API clients in api (their migrations created them in state
# over the same tables): the ledger lets go of them, and a request's team is core's.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0001_initial'),
        ('core', '0005_team'),
        ('ledger', '0004_drop_redundant_request_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='request',
                    name='team',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='requests', to='core.team'),
                ),
                migrations.DeleteModel(name='IdempotentResponse'),
                migrations.DeleteModel(name='ApiClient'),
                migrations.DeleteModel(name='Team'),
            ],
            database_operations=[],
        ),
    ]
