from collections.abc import Sequence
from typing import Any

from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from linli.core.plugins import HomePanel, LinliAppConfig, NavItem
from linli.core.roles import Cap

# Django's own form punctuation, listed so that our catalogue gives Chinese readers full-width
# marks (Django's zh-hans catalogue keeps ASCII ones): the suffix after a label, and the marks
# after which a label ("您需要什么帮助？") gets none.
FORM_PUNCTUATION = (gettext_noop(":"), gettext_noop(":?.!"))


class CoreConfig(LinliAppConfig):
    default = True  # beside LinliAppConfig, which this module imports
    name = "linli.core"
    label = "core"
    verbose_name = _("Tenancy and roles")
    route_objects = {"core:pii-alert-review": {"pk": "pii_alert"}, "core:team-edit": {"pk": "team"}}

    def nav_items(self) -> Sequence[NavItem]:
        from linli.core.selectors import can_review_access

        return (
            NavItem("core:home", _("Home"), order=0),
            NavItem(
                "core:teams",
                _("Teams"),
                Cap.HANDLE_REQUESTS,
                order=85,
                also=lambda u: u.community_id is not None,
            ),
            NavItem(
                "core:pii-log",
                _("Access log"),
                Cap.REVIEW_ACCESS,
                order=900,
                also=can_review_access,
            ),
            NavItem("admin:index", _("Administration"), order=1000, staff_only=True),
        )

    def home_panels(self) -> Sequence[HomePanel]:
        from django.db.models import Count

        from linli.core.models import User
        from linli.core.roles import Role
        from linli.core.selectors import can_review_access, open_alerts

        def users_by_role(request: Any) -> dict[str, Any]:
            by_group = dict(
                User.objects.values_list("groups__name").annotate(n=Count("pk")).order_by()
            )
            return {"users_by_role": [(label, by_group.get(v, 0)) for v, label in Role.choices]}

        return (
            HomePanel(
                "pii-alerts",
                "core/home/_alerts.html",
                can_review_access,
                lambda request: {"open_alerts": open_alerts(request.user).count()},
                order=10,
            ),
            HomePanel(
                "users", "core/home/_users.html", lambda u: u.is_superuser, users_by_role, order=900
            ),
        )

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from linli.core.middleware import mark_session_start
        from linli.core.roles import sync_role_groups

        post_migrate.connect(sync_role_groups, sender=self)
        user_logged_in.connect(mark_session_start, dispatch_uid="linli-session-start")
