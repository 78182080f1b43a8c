from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0001_initial'),
        ('ledger', '0005_teams_and_api_clients_moved'),
    ]

    operations = [
        migrations.AlterModelTable(name='apiclient', table=None),
        migrations.AlterModelTable(name='idempotentresponse', table=None),
    ]
