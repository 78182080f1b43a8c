"""Navigation by role: each entry shows only to roles holding its capability."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from linli.core.models import User
from linli.core.roles import Cap
from linli.core.selectors import can_review_access


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    cap: Cap | tuple[Cap, ...] | None = None  # any one of them
    staff_only: bool = False
    also: Callable[[User], bool] | None = None  # a further condition beyond the capability

    def shown_to(self, user: User) -> bool:
        if self.staff_only and not user.is_staff:
            return False
        if self.also is not None and not self.also(user):
            return False
        if self.cap is None:
            return True
        caps = self.cap if isinstance(self.cap, tuple) else (self.cap,)
        return any(user.can(cap) for cap in caps)


NAV: tuple[NavItem, ...] = (
    NavItem("core:home", _("Home")),
    # A call is registered to the operator's own community: the desk is for community staff.
    NavItem(
        "ledger:desk", _("Take a call"), Cap.TAKE_CALLS, also=lambda u: u.community_id is not None
    ),
    NavItem("ledger:work", _("Worklists"), (Cap.TAKE_CALLS, Cap.HANDLE_REQUESTS)),
    NavItem("ledger:ledger", _("Request ledger"), (Cap.TAKE_CALLS, Cap.HANDLE_REQUESTS)),
    NavItem("people:resident-list", _("Register"), Cap.VIEW_REGISTER),
    NavItem("people:vulnerable-list", _("Vulnerable groups"), Cap.VIEW_REGISTER),
    NavItem("people:counts", _("Count table"), Cap.VIEW_REGISTER),
    NavItem("people:rosters", _("Stairwell rosters"), Cap.VIEW_ROSTERS),
    NavItem("people:survey-rounds", _("Door knocking"), Cap.EDIT_REGISTER),
    NavItem("people:import-start", _("Import"), Cap.EDIT_REGISTER),
    NavItem("core:pii-log", _("Access log"), Cap.REVIEW_ACCESS, also=can_review_access),
    NavItem("admin:index", _("Administration"), staff_only=True),
)


def nav_for(user: User) -> list[tuple[str, str | Promise]]:
    return [(reverse(item.url_name), item.label) for item in NAV if item.shown_to(user)]
