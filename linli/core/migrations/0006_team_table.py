from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_team'),
        ('ledger', '0005_teams_and_api_clients_moved'),
    ]

    operations = [
        migrations.AlterModelTable(name='team', table=None),
    ]
