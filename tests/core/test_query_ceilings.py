"""Every role's home page and every list reads the database a bounded number of times: the same
number with five rows as with thirty (no query per row), and never more than its ceiling."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linli.care.actions import (
    do_add_service_item,
    do_create_plan,
    do_record_contact,
    do_set_contact_rule,
)
from linli.core.actions import do_save_team
from linli.core.models import Community, User
from linli.core.roles import Role
from linli.ledger.actions import do_assign
from linli.people.actions.health import do_add_health_note
from linli.people.actions.survey import do_open_survey_round
from linli.people.models import Vulnerability
from tests.factories import make_resident, make_user
from tests.ledger.factories import make_request

pytestmark = pytest.mark.django_db

# The administrator's home holds every app's panels, a few queries each (the quarantine's
# figures are four); what must never happen is a query per row.
HOME_CEILING = 24
LIST_CEILING = 25
# (role, page): the home page of each role, and each list as the roles that read it see it.
PAGES: list[tuple[Role, str]] = [
    *((role, "/") for role in Role),
    (Role.WORKER, "/people/residents/"),
    (Role.WORKER, "/people/residents/?q=张"),
    (Role.WORKER, "/people/vulnerable/"),
    (Role.WORKER, "/people/counts/"),
    (Role.VOLUNTEER, "/people/rosters/"),
    (Role.WORKER, "/people/survey/"),
    (Role.WORKER, "/ledger/"),
    (Role.OFFICIAL, "/ledger/"),
    (Role.WORKER, "/ledger/work/mine/"),
    (Role.WORKER, "/ledger/work/unassigned/"),
    (Role.WORKER, "/ledger/work/late/"),
    (Role.OFFICIAL, "/ledger/work/late/"),
    (Role.OPERATOR, "/ledger/work/mine/"),
    (Role.WORKER, "/access-log/"),
    (Role.WORKER, "/ledger/?sort=pressing"),
    (Role.WORKER, "/ledger/work/callbacks/"),
    (Role.WORKER, "/teams/"),
    (Role.WORKER, "/care/"),
    (Role.SOCIAL_WORKER, "/care/"),
    (Role.WORKER, "/care/today/?show=all"),
    (Role.DOCTOR, "/care/today/?show=all"),
    (Role.WORKER, "/care/coverage/"),
    (Role.WORKER, "/care/rule/"),
    (Role.DOCTOR, "/care/key-patients/"),
    (Role.WORKER, "/care/vehicles/"),
    (Role.WORKER, "/care/on-call/"),
]


def fill(
    community: Community, staff: User, volunteer: User, n: int, start: int, seats: dict[str, User]
) -> None:
    """`n` residents with a health note and a request each; every other request handed to the
    volunteer; the first time, a door-knocking round of their building; every third resident
    under a care plan (with a service and a contact), every fourth a dialysis patient."""
    for i in range(start, start + n):
        resident = make_resident(
            community, f"张{i}", phone=f"1380000{i:04d}", id_number="", room=str(100 + i)
        )
        do_add_health_note(resident, actor=staff, text=f"记录{i}")
        request = make_request(community, staff, description=f"诉求{i}", resident=resident)
        if i % 2:
            do_assign(request.request, actor=staff, assignee=volunteer)
        if i % 5 == 0:  # teams, for the teams page
            do_save_team(community, actor=staff, name=f"小组{i}", members=[staff, volunteer])
        if i % 3 == 0:
            plan = do_create_plan(
                resident.household,
                actor=staff,
                reason="other",
                starts_on=timezone.localdate(),
                **seats,
            )
            do_add_service_item(
                plan,
                actor=staff,
                category="meals",
                description="午餐",
                schedule="每天",
                seat="doctor",
            )
            do_record_contact(resident, actor=staff, outcome="well")
        if i % 4 == 0:
            Vulnerability.objects.create(
                community=community, resident=resident, kind="dialysis", since=timezone.localdate()
            )
    if start == 0:  # one open round a building
        do_open_survey_round(resident.household.room.unit.building, actor=staff, name="第1轮")


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.fixture
def users(community_a: Community) -> dict[Role, User]:
    made: dict[Role, User] = {}
    for role in Role:
        if role is Role.ADMIN:
            made[role] = make_user(role)
        elif role in (Role.OFFICIAL, Role.HOTEL):
            made[role] = make_user(role, street=community_a.street)
        else:
            made[role] = make_user(role, community_a)
    community_a.head = made[Role.WORKER]
    community_a.save(update_fields=["head"])
    return made


def test_home_pages_and_lists_read_the_database_a_bounded_number_of_times(
    community_a: Community, users: dict[Role, User]
) -> None:
    clients: dict[Role, Client] = {}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    staff, volunteer = users[Role.WORKER], users[Role.VOLUNTEER]
    measure: Callable[[], dict[tuple[Role, str], int]] = lambda: {  # noqa: E731
        (role, url): queries(clients[role], url) for role, url in PAGES
    }
    seats = {
        "doctor": users[Role.DOCTOR],
        "social_worker": users[Role.SOCIAL_WORKER],
        "property_staff": users[Role.PROPERTY],
    }
    do_set_contact_rule(community_a, actor=staff, groups=["key"])
    fill(community_a, staff, volunteer, 5, 0, seats)
    few = measure()
    fill(community_a, staff, volunteer, 25, 5, seats)
    many = measure()
    growing = {page: (few[page], many[page]) for page in PAGES if many[page] != few[page]}
    assert not growing, f"queries that grow with the rows (5 rows, 30 rows): {growing}"
    over: dict[Any, int] = {
        page: n
        for page, n in many.items()
        if n > (HOME_CEILING if page[1] == "/" else LIST_CEILING)
    }
    assert not over, f"over the ceiling: {over}"
