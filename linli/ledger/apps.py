from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "linli.ledger"
    label = "ledger"
    verbose_name = _("Hotline and request ledger")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from linli.ledger.models import Category, DeadlineRule
        from linli.ledger.taxonomy import forget_cached_taxonomy, top_up_after_migrate

        post_migrate.connect(top_up_after_migrate, sender=self)
        # This process sees its own edits at once; other processes within CACHE_SECONDS.
        for model in (Category, DeadlineRule):
            post_save.connect(forget_cached_taxonomy, sender=model)
            post_delete.connect(forget_cached_taxonomy, sender=model)
