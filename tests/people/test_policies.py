"""The register's object policies, for every role: who may change what, and that each action
refuses (PermissionDenied) whoever its policy refuses, however it is called."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from linli.core.models import Community, User
from linli.core.policy import SYSTEM, VISITOR
from linli.core.roles import Role
from linli.people.actions import health, register, survey
from linli.people.policy import HEALTH_NOTES, HOUSEHOLDS, IMPORTS, RESIDENTS, SURVEYS
from tests.factories import make_resident, make_user

pytestmark = pytest.mark.django_db

# Those who keep a community's register: its workers (and administrators).
KEEPERS = {Role.WORKER, Role.ADMIN}
# Those who may keep a caller's number on their household: the keepers and the ledger's roles
# (an operator links an unknown caller; a doctor or official handling the request too).
PHONE_KEEPERS = {Role.WORKER, Role.ADMIN, Role.OPERATOR, Role.DOCTOR, Role.OFFICIAL}
# Those who write health notes: who sees them and reaches the register.
HEALTH_WRITERS = {Role.WORKER, Role.ADMIN, Role.DOCTOR}
# Those who see a resident's full numbers (VIEW_PII), their health notes (VIEW_HEALTH: hotel
# staff by their guests' stays, which the quarantine app decides), and their requests (the
# ledger's roles).
REVEALERS = {Role.WORKER, Role.ADMIN, Role.OPERATOR, Role.DOCTOR}
HEALTH_READERS = {Role.WORKER, Role.ADMIN, Role.DOCTOR, Role.HOTEL}
LEDGER_ROLES = {Role.WORKER, Role.ADMIN, Role.OPERATOR, Role.DOCTOR, Role.OFFICIAL}


def user_of(role: Role, community: Community) -> User:
    """A user of `role` working for `community`: street staff through its street."""
    if role == Role.OFFICIAL:
        return make_user(role, street=community.street)
    if role == Role.ADMIN:
        return make_user(role)
    return make_user(role, community)


@pytest.mark.parametrize("role", list(Role))
def test_only_the_registers_keepers_change_households_residents_imports_and_surveys(
    role: Role, community_a: Community
) -> None:
    resident = make_resident(community_a)
    user = user_of(role, community_a)
    keeps = role in KEEPERS
    assert HOUSEHOLDS.may_create(user, community_a) is keeps
    assert HOUSEHOLDS.may(user, resident.household, "move") is keeps
    assert RESIDENTS.may_create(user, community_a) is keeps
    assert all(RESIDENTS.may(user, resident, a) is keeps for a in ("change", "depart", "tag"))
    assert RESIDENTS.may(user, resident, "reveal") is (role in REVEALERS)
    assert RESIDENTS.may(user, resident, "health") is (role in HEALTH_READERS)
    assert RESIDENTS.may(user, resident, "requests") is (role in LEDGER_ROLES)
    assert IMPORTS.may_create(user, community_a) is keeps
    assert SURVEYS.may_create(user, community_a) is keeps
    assert HOUSEHOLDS.may(user, resident.household, "phone") is (role in PHONE_KEEPERS)
    assert HEALTH_NOTES.may_create(user, community_a) is (role in HEALTH_WRITERS)


@pytest.mark.parametrize("role", [Role.WORKER, Role.OPERATOR, Role.DOCTOR])
def test_no_one_changes_another_communitys_register(
    role: Role, community_a: Community, community_b: Community
) -> None:
    resident = make_resident(community_b)
    user = make_user(role, community_a)
    assert not RESIDENTS.may(user, resident, "change")
    assert not HOUSEHOLDS.may(user, resident.household, "phone")
    assert not HEALTH_NOTES.may_create(user, community_b)


def test_the_actions_refuse_whom_the_policy_refuses_with_permission_denied(
    community_a: Community,
) -> None:
    resident = make_resident(community_a)
    operator = make_user(Role.OPERATOR, community_a)
    hotel = make_user(Role.HOTEL, community_a)
    with pytest.raises(PermissionDenied):
        register.do_change_resident(resident, actor=operator, name="李四")
    with pytest.raises(PermissionDenied):
        register.do_add_tag(resident, actor=operator, kind="alone", since=date(2026, 1, 1))
    with pytest.raises(PermissionDenied):
        register.do_record_departure(resident, actor=operator, why="moved", on=date(2026, 1, 1))
    with pytest.raises(PermissionDenied):
        health.do_add_health_note(resident, actor=hotel, text="高血压")
    building = resident.household.room.unit.building
    with pytest.raises(PermissionDenied):
        survey.do_open_survey_round(building, actor=operator, name="第一轮")
    resident.refresh_from_db()
    assert resident.name == "张三" and resident.is_active
    assert not resident.vulnerabilities.exists()


def test_an_operator_keeps_a_callers_number_but_corrects_nothing_else(
    community_a: Community,
) -> None:
    resident = make_resident(community_a, phone="")
    operator = make_user(Role.OPERATOR, community_a)
    kept = register.do_remember_phone(resident.household, None, phone="13900001111", actor=operator)
    assert kept == "household"
    resident.household.refresh_from_db()
    assert resident.household.phone == "13900001111"
    with pytest.raises(PermissionDenied):
        register.do_move_household(resident.household, room=resident.household.room, actor=operator)


def test_linli_itself_may_and_a_visitor_may_not_change_the_register(
    community_a: Community,
) -> None:
    resident = make_resident(community_a)
    assert RESIDENTS.may(SYSTEM, resident, "change")
    assert not RESIDENTS.may(VISITOR, resident, "change")
    assert not HOUSEHOLDS.may_create(VISITOR, community_a)
    with pytest.raises(PermissionDenied):
        register.do_change_resident(resident, actor=VISITOR, name="李四")  # type: ignore[arg-type]
