from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.plugins import HomePanel, LinliAppConfig, NavItem, PeriodicJob, SeedStep
from linli.core.roles import Cap

# Who reaches the gates' pages (each row is then scoped): the community's workers and doctors,
# the street and district, and the volunteers of a reception team.
AT_THE_GATES = (Cap.PLAN_CARE, Cap.HANDLE_REQUESTS, Cap.VIEW_FIGURES, Cap.DO_TASKS)
IN_QUARANTINE = (Cap.PLAN_CARE, Cap.HANDLE_REQUESTS, Cap.VIEW_FIGURES, Cap.CARE_FOR)
AT_THE_HOTELS = (Cap.VIEW_FIGURES, Cap.PLAN_CARE, Cap.RUN_HOTEL)


class QuarantineConfig(LinliAppConfig):
    default = True  # beside LinliAppConfig, which this module imports
    name = "linli.quarantine"
    label = "quarantine"
    verbose_name = _("Quarantine")
    route_objects = {
        "quarantine:traveller": {"pk": "traveller"},
        "quarantine:traveller-action": {"pk": "traveller", "action": "=tick"},
        "quarantine:quarantine": {"pk": "home_quarantine"},
        "quarantine:quarantine-action": {"pk": "home_quarantine", "action": "=check"},
        "quarantine:notice": {"pk": "home_quarantine"},
        "quarantine:start": {"resident": "resident"},
        "quarantine:hotel": {"pk": "hotel"},
        "quarantine:hotel-diet": {"pk": "hotel"},
        "quarantine:stay-action": {"pk": "stay", "action": "=call"},
        "quarantine:report": {"community_code": "community_code"},
        "quarantine:check": {"code": "check_code"},
    }

    def nav_items(self) -> Sequence[NavItem]:
        return (
            NavItem("quarantine:arrivals", _("Arrivals"), AT_THE_GATES, order=40),
            NavItem("quarantine:home", _("Home quarantine"), IN_QUARANTINE, order=41),
            NavItem("quarantine:hotels", _("Quarantine hotels"), AT_THE_HOTELS, order=42),
        )

    def home_panels(self) -> Sequence[HomePanel]:
        def gates(request: Any) -> dict[str, Any]:
            from linli.quarantine.selectors import figures

            return {"figures": figures(request.user, timezone.now())}

        def hotel(request: Any) -> dict[str, Any]:
            from linli.quarantine.selectors import calls_left, hotel_list

            hotels = hotel_list(request.user)
            left = calls_left(request.user, [h.pk for h in hotels], timezone.localdate())
            for found in hotels:
                found.calls_left = left.get(found.pk, 0)  # type: ignore[attr-defined]
            return {"hotels": hotels}

        return (
            HomePanel(
                "quarantine",
                "quarantine/home/_figures.html",
                lambda u: u.can(Cap.PLAN_CARE) or u.can(Cap.VIEW_FIGURES),
                gates,
                order=32,
            ),
            HomePanel(
                "hotel",
                "quarantine/home/_hotel.html",
                lambda u: u.can(Cap.RUN_HOTEL) and not u.is_superuser,
                hotel,
                order=5,
            ),
        )

    def periodic_jobs(self) -> Sequence[PeriodicJob]:
        from linli.quarantine.actions import do_open_due_receptions

        return (PeriodicJob("receptions due", do_open_due_receptions),)

    def seed_steps(self) -> Sequence[type[SeedStep]]:
        from linli.quarantine.seed import QuarantineSeed

        return (QuarantineSeed,)

    def ready(self) -> None:
        from linli.core.scope import Relation, add_relations
        from linli.ledger.models import Request
        from linli.people.models import Resident

        # Hotel staff see their guests in the register, and nobody else; in the ledger, the
        # requests their green line opened for their guests, and no other.
        add_relations(Resident, Relation(Cap.RUN_HOTEL, "stays__hotel__staff"))
        add_relations(Request, Relation(Cap.RUN_HOTEL, "hotel_stay__hotel__staff"))
