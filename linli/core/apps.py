from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# Django's own form punctuation, listed so that our catalogue gives Chinese readers full-width
# marks (Django's zh-hans catalogue keeps ASCII ones): the suffix after a label, and the marks
# after which a label ("您需要什么帮助？") gets none.
FORM_PUNCTUATION = (gettext_noop(":"), gettext_noop(":?.!"))


class CoreConfig(AppConfig):
    name = "linli.core"
    label = "core"
    verbose_name = _("Tenancy and roles")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from linli.core.middleware import mark_session_start
        from linli.core.roles import sync_role_groups

        post_migrate.connect(sync_role_groups, sender=self)
        user_logged_in.connect(mark_session_start, dispatch_uid="linli-session-start")
