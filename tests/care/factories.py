"""Care plans for the tests, made through the app's own actions."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from linli.care.actions import do_add_service_item, do_create_plan
from linli.care.models import CarePlan, ServiceItem
from linli.core.models import Community, User
from linli.core.roles import Role
from linli.people.models import Resident
from tests.factories import make_resident, make_user


@dataclass
class Team:
    planner: User
    doctor: User
    social_worker: User
    property_staff: User

    def seats(self) -> dict[str, User]:
        return {
            "doctor": self.doctor,
            "social_worker": self.social_worker,
            "property_staff": self.property_staff,
        }


def make_team(community: Community) -> Team:
    return Team(
        planner=make_user(Role.WORKER, community),
        doctor=make_user(Role.DOCTOR, community),
        social_worker=make_user(Role.SOCIAL_WORKER, community),
        property_staff=make_user(Role.PROPERTY, community),
    )


def make_plan(
    team: Team,
    resident: Resident,
    *,
    starts_on: date,
    reason: str = CarePlan.Reason.DIALYSIS,
    **values: Any,
) -> CarePlan:
    return do_create_plan(
        resident.household,
        actor=team.planner,
        reason=reason,
        starts_on=starts_on,
        **{**team.seats(), **values},
    )


def make_item(
    team: Team,
    plan: CarePlan,
    schedule: str,
    category: str = "medicine",
    seat: str = "doctor",
    description: str = "",
) -> ServiceItem:
    return do_add_service_item(
        plan,
        actor=team.planner,
        category=category,
        description=description or f"{category} {schedule}",
        schedule=schedule,
        seat=seat,
    )


def make_patient(community: Community, name: str = "李透析", room: str = "502") -> Resident:
    return make_resident(
        community, name, phone=f"1381234{room.zfill(4)}", id_number="", born=date(1950, 3, 4),
        room=room,
    )  # fmt: skip
