from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.plugins import HomePanel, LinliAppConfig, NavItem, PeriodicJob, SeedStep
from linli.core.roles import Cap, takes_calls_only


class PeopleConfig(LinliAppConfig):
    default = True  # beside LinliAppConfig, which this module imports
    name = "linli.people"
    label = "people"
    verbose_name = _("Resident register")
    route_objects = {
        "people:resident-detail": {"pk": "resident"},
        "people:resident-health": {"pk": "resident"},
        "people:resident-edit": {"pk": "resident"},
        "people:resident-departure": {"pk": "resident"},
        "people:tag-add": {"pk": "resident"},
        "people:tag-edit": {"pk": "tag"},
        "people:household-move": {"pk": "household"},
        "people:import-detail": {"pk": "resident_import"},
        "people:import-errors": {"pk": "resident_import"},
        "people:import-confirm": {"pk": "resident_import"},
        "people:survey-round": {"pk": "survey_round"},
        "people:survey-visit": {"pk": "survey_round", "household_pk": "household"},
        "people:survey-import": {"pk": "survey_round"},
        "people:survey-round-close": {"pk": "survey_round"},
        "people:roster-building": {"pk": "building"},
    }

    def nav_items(self) -> Sequence[NavItem]:
        return (
            NavItem("people:resident-list", _("Register"), Cap.VIEW_REGISTER, order=40),
            NavItem("people:vulnerable-list", _("Vulnerable groups"), Cap.VIEW_REGISTER, order=50),
            NavItem("people:counts", _("Count table"), Cap.VIEW_REGISTER, order=60),
            NavItem("people:rosters", _("Stairwell rosters"), Cap.VIEW_ROSTERS, order=70),
            NavItem("people:survey-rounds", _("Door knocking"), Cap.EDIT_REGISTER, order=80),
            NavItem("people:import-start", _("Import"), Cap.EDIT_REGISTER, order=90),
        )

    def home_panels(self) -> Sequence[HomePanel]:
        from linli.people import selectors

        def summary(request: Any) -> dict[str, Any]:
            user = request.user
            return {
                "summary": selectors.register_summary(user, timezone.localdate()),
                "vulnerabilities": selectors.vulnerability_counts(user),
            }

        def communities(request: Any) -> dict[str, Any]:
            return {"communities": selectors.community_table(request.user, timezone.localdate())}

        def phone_lookup(request: Any) -> dict[str, Any]:
            from linli.core.actions import do_record_pii_access
            from linli.people.search import whole_number

            phone = request.GET.get("phone", "").strip()
            refused = selectors.number_search_refusal(request.user, phone) if phone else ""
            if not phone or refused:
                return {"phone": phone, "matches": None, "refused": refused}
            matches = list(selectors.find_by_phone(request.user, phone))
            if whole_number(phone):  # more than the last four digits: a look at who it finds
                for resident in matches:
                    do_record_pii_access(
                        resident, actor=request.user, community=resident.community,
                        fields=["search:phone"], request=request,
                    )  # fmt: skip
            return {"phone": phone, "matches": matches}

        return (
            HomePanel("phone-lookup", "people/home/_phone_lookup.html", takes_calls_only,
                      phone_lookup, order=30),
            # Those who look after people: the register's figures and its vulnerable groups.
            HomePanel("register-summary", "people/home/_summary.html",
                      lambda u: u.can(Cap.VIEW_REGISTER) and u.can(Cap.VIEW_HEALTH),
                      summary, order=50),
            HomePanel("communities", "people/home/_communities.html",
                      lambda u: u.can(Cap.VIEW_FIGURES), communities, order=60),
        )  # fmt: skip

    def periodic_jobs(self) -> Sequence[PeriodicJob]:
        from linli.people.actions.imports import (
            do_clear_crashed_imports,
            do_delete_old_uploads,
            do_give_up_stalled_imports,
        )

        return (
            PeriodicJob("stalled imports", do_give_up_stalled_imports),
            PeriodicJob("rows of stopped imports", do_clear_crashed_imports),
            PeriodicJob("old uploads", do_delete_old_uploads),
        )

    def seed_steps(self) -> Sequence[type[SeedStep]]:
        from linli.people.seed import RegisterSeed

        return (RegisterSeed,)
