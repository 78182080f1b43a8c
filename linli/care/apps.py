from collections.abc import Sequence
from functools import partial
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.plugins import HomePanel, LinliAppConfig, NavItem, PeriodicJob, SeedStep
from linli.core.roles import Cap


class CareConfig(LinliAppConfig):
    default = True  # beside LinliAppConfig, which this module imports
    name = "linli.care"
    label = "care"
    verbose_name = _("Care plans")
    route_objects = {
        "care:plan-new": {"household": "household"},
        "care:plan-detail": {"pk": "care_plan"},
        "care:plan-edit": {"pk": "care_plan"},
        "care:plan-action": {"pk": "care_plan", "action": "=pause"},
        "care:contact": {"resident": "covered_resident"},
        "care:public-on-call": {"community_code": "community_code"},
    }

    def nav_items(self) -> Sequence[NavItem]:
        either = (Cap.PLAN_CARE, Cap.CARE_FOR)
        return (
            NavItem("care:today", _("Today's contacts"), either, order=35),
            NavItem("care:plans", _("Care plans"), either, order=36),
            NavItem(
                "care:key-patients",
                _("Key patients"),
                Cap.VIEW_HEALTH,
                order=37,
                also=lambda u: u.can(Cap.VIEW_REGISTER),
            ),
            NavItem("care:vehicles", _("Transfer vehicles"), (Cap.PLAN_CARE, Cap.HANDLE_REQUESTS),
                    order=38, also=lambda u: u.community_id is not None),
            NavItem("care:on-call", _("On call"), Cap.PLAN_CARE, order=39,
                    also=lambda u: u.community_id is not None),
        )  # fmt: skip

    def home_panels(self) -> Sequence[HomePanel]:
        def today(request: Any) -> dict[str, Any]:
            from linli.care.selectors import compliance, contact_list

            day = timezone.localdate()
            if request.user.can(Cap.PLAN_CARE):  # the community's figure; the list is a click away
                return {"compliance": compliance(request.user, day)}
            page = contact_list(request.user, day, pending_only=True)
            return {"pending": page.items[:5], "more": page.has_next or len(page.items) > 5}

        return (
            HomePanel("care-today", "care/home/_today.html",
                      lambda u: u.can(Cap.PLAN_CARE) or u.can(Cap.CARE_FOR), today, order=30),
        )  # fmt: skip

    def seed_steps(self) -> Sequence[type[SeedStep]]:
        from linli.care.seed import CareSeed

        return (CareSeed,)

    def periodic_jobs(self) -> Sequence[PeriodicJob]:
        from linli.care.actions import do_generate_services
        from linli.core.policy import SYSTEM

        return (PeriodicJob("care services", partial(do_generate_services, actor=SYSTEM)),)

    def ready(self) -> None:
        from linli.care.models import team_relations
        from linli.core.scope import add_relations
        from linli.people.models import Household, Resident

        # A care team sees the households of its plans and their people (an ended plan's
        # team too: its history is theirs to read).
        add_relations(Household, *team_relations("care_plans__"))
        add_relations(Resident, *team_relations("household__care_plans__"))
