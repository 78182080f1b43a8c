from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "linli.ledger"
    label = "ledger"
    verbose_name = _("Hotline and request ledger")

    def ready(self) -> None:
        from linli.ledger.taxonomy import top_up_after_migrate

        post_migrate.connect(top_up_after_migrate, sender=self)
