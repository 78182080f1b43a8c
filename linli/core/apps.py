from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "linli.core"
    label = "core"
    verbose_name = _("Tenancy and roles")

    def ready(self) -> None:
        from linli.core.roles import sync_role_groups

        post_migrate.connect(sync_role_groups, sender=self)
