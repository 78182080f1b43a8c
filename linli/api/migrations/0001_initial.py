# The API clients and the kept answers move here from the ledger: the state moves, the tables
# stay (renamed in 0002).
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('core', '0004_pii_alerts'),
        ('ledger', '0004_drop_redundant_request_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ApiClient',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('token_hash', models.CharField(max_length=64, unique=True)),
                        ('active', models.BooleanField(default=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('acting_user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('communities', models.ManyToManyField(related_name='+', to='core.community')),
                    ],
                    options={
                        'verbose_name': 'API client',
                        'verbose_name_plural': 'API clients',
                        'db_table': 'ledger_apiclient',
                    },
                ),
                migrations.CreateModel(
                    name='IdempotentResponse',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=200)),
                        ('fingerprint', models.CharField(max_length=64)),
                        ('status_code', models.PositiveSmallIntegerField()),
                        ('body', models.JSONField()),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='api.apiclient')),
                    ],
                    options={'db_table': 'ledger_idempotentresponse'},
                ),
                migrations.AddConstraint(
                    model_name='idempotentresponse',
                    constraint=models.UniqueConstraint(fields=('client', 'key'), name='idempotency_unique'),
                ),
            ],
            database_operations=[],
        ),
    ]
