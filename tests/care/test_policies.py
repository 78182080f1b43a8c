"""Care's object policies for every role, and that care's actions ask them themselves: a
caller from another app (or a script) that skips the page is refused alike."""

from collections.abc import Callable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from linli.care import actions
from linli.care.models import CarePlan, OnCall, ServiceItem, Vehicle
from linli.care.policy import (
    CONTACT_RULES,
    CONTACTS,
    ITEMS,
    ON_CALL,
    PLANS,
    TRIPS,
    VEHICLES,
)
from linli.core.models import Community, User
from linli.core.policy import SYSTEM, VISITOR
from linli.core.roles import Role
from tests.care.factories import Team, make_item, make_patient, make_plan, make_team
from tests.factories import make_area, make_user
from tests.ledger.factories import make_request

pytestmark = pytest.mark.django_db

START = date(2026, 12, 7)
# Who makes a community's plans, its rota, vehicles and contact rule (plan_care).
PLANNERS = {Role.WORKER, Role.ADMIN}
# Who records the daily contacts: the planners and whoever holds seats on care teams.
CONTACTERS = PLANNERS | {Role.DOCTOR, Role.VOLUNTEER, Role.SOCIAL_WORKER, Role.PROPERTY}
# Who books a vehicle for an escort: the planners and those who handle requests.
BOOKERS = PLANNERS | {Role.OFFICIAL, Role.DOCTOR}


def user_of(role: Role, community: Community) -> User:
    if role == Role.OFFICIAL:
        return make_user(role, street=community.street)
    if role == Role.ADMIN:
        return make_user(role)
    return make_user(role, community)


def a_plan(community: Community) -> tuple[Team, CarePlan, ServiceItem]:
    team = make_team(community)
    plan = make_plan(team, make_patient(community), starts_on=START)
    return team, plan, make_item(team, plan, "每周一")


def a_vehicle(community: Community) -> Vehicle:
    return actions.do_add_vehicle(
        community, actor=SYSTEM, plate="沪A12345", driver="刘师傅", phone="13700001111",
        on_duty_from=time(0), on_duty_until=time(23, 59),
    )  # fmt: skip


def a_shift(community: Community) -> OnCall:
    zone = ZoneInfo(community.time_zone)
    return actions.do_add_on_call(
        community, actor=SYSTEM, name="王医生", role="GP", phone="13912345678",
        starts_at=datetime(2026, 12, 7, 8, tzinfo=zone),
        ends_at=datetime(2026, 12, 7, 20, tzinfo=zone),
    )  # fmt: skip


@pytest.mark.parametrize("role", list(Role))
def test_each_role_may_what_care_gives_it_on_a_plan_it_holds_no_seat_on(
    role: Role, community_a: Community
) -> None:
    _team, plan, item = a_plan(community_a)
    user = user_of(role, community_a)
    assert PLANS.may_create(user, community_a) is (role in PLANNERS)
    assert PLANS.allowed(user, plan) == dict.fromkeys(PLANS.actions, role in PLANNERS)
    assert ITEMS.may(user, item, "stop") is (role in PLANNERS)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_may_what_care_gives_it_on_contacts_rota_and_vehicles(
    role: Role, community_a: Community
) -> None:
    van, shift = a_vehicle(community_a), a_shift(community_a)
    user = user_of(role, community_a)
    assert CONTACTS.may_create(user, community_a) is (role in CONTACTERS)
    assert CONTACT_RULES.may_create(user, community_a) is (role in PLANNERS)
    assert ON_CALL.may_create(user, community_a) is (role in PLANNERS)
    assert ON_CALL.may(user, shift, "view")
    assert VEHICLES.may_create(user, community_a) is (role in PLANNERS)
    assert VEHICLES.may(user, van, "book") is (role in BOOKERS)
    assert TRIPS.may_create(user, community_a) is (role in BOOKERS)


def test_the_team_works_its_plan_and_does_not_change_it(community_a: Community) -> None:
    team, plan, item = a_plan(community_a)
    for member in team.seats().values():
        allowed = PLANS.allowed(member, plan)
        assert {a for a, ok in allowed.items() if ok} == {"contact", "refer"}
        assert not ITEMS.may(member, item, "stop")


@pytest.mark.parametrize("role", [Role.WORKER, Role.DOCTOR, Role.OFFICIAL, Role.SOCIAL_WORKER])
def test_no_role_reaches_care_of_a_community_outside_its_area(
    role: Role, community_a: Community
) -> None:
    elsewhere = make_area("远方居民区")
    _team, plan, item = a_plan(elsewhere)
    van = a_vehicle(elsewhere)
    user = user_of(role, community_a)
    assert not any(PLANS.allowed(user, plan).values())
    assert not ITEMS.may(user, item, "stop")
    assert not PLANS.may_create(user, elsewhere)
    assert not CONTACTS.may_create(user, elsewhere)
    assert not VEHICLES.may(user, van, "book")
    assert not TRIPS.may_create(user, elsewhere)


def test_a_visitor_reads_the_rota_and_nothing_else(community_a: Community) -> None:
    _team, plan, _item = a_plan(community_a)
    assert ON_CALL.may(VISITOR, a_shift(community_a), "view")
    assert not any(PLANS.allowed(VISITOR, plan).values())
    assert not PLANS.may_create(VISITOR, community_a)
    assert not VEHICLES.may_create(VISITOR, community_a)


def test_cares_actions_refuse_whoever_the_policy_refuses(community_a: Community) -> None:
    team, plan, _item = a_plan(community_a)
    van = a_vehicle(community_a)
    volunteer = make_user(Role.VOLUNTEER, community_a)
    stranger = make_user(Role.WORKER, make_area("远方居民区"))
    resident = make_patient(community_a, "王二", "601")
    escort = make_request(community_a, SYSTEM, code="dialysis", description="血透接送").request
    refused: list[Callable[[], object]] = [
        lambda: actions.do_create_plan(
            resident.household,
            actor=team.doctor,
            reason="other",
            starts_on=START,
            **team.seats(),
        ),
        lambda: actions.do_create_plan(
            resident.household, actor=VISITOR, reason="other", starts_on=START, **team.seats()
        ),
        lambda: actions.do_change_plan(plan, actor=team.social_worker, goals="mine now"),
        lambda: actions.do_pause_plan(plan, actor=team.doctor, reason="住院"),
        lambda: actions.do_end_plan(plan, actor=stranger, reason="搬走了"),
        lambda: actions.do_set_review(plan, actor=team.doctor, on=START, reason="延长"),
        lambda: actions.do_add_service_item(
            plan,
            actor=team.property_staff,
            category="medicine",
            description="送药",
            schedule="每周一",
            seat="doctor",
        ),
        lambda: actions.do_stop_items(plan, actor=team.doctor, descriptions=["送药"]),
        lambda: actions.do_refer_psychological(
            plan, actor=stranger, resident=resident, note="情绪低落"
        ),
        lambda: actions.do_set_contact_rule(community_a, actor=team.doctor, groups=["key"]),
        lambda: actions.do_record_contact(resident, actor=stranger, outcome="well"),
        lambda: actions.do_add_on_call(
            community_a,
            actor=team.doctor,
            name="王医生",
            role="GP",
            phone="13912345678",
            starts_at=None,
            ends_at=None,
        ),
        lambda: actions.do_add_vehicle(
            community_a,
            actor=team.doctor,
            plate="沪A1",
            driver="赵",
            phone="13700002222",
            on_duty_from=time(6),
            on_duty_until=time(18),
        ),
        lambda: actions.do_book_trip(escort, actor=volunteer, vehicle=van, at=None),
        lambda: actions.do_generate_services(actor=team.planner),
    ]
    for action in refused:
        with pytest.raises(PermissionDenied):
            action()
    plan.refresh_from_db()
    assert plan.goals == "" and plan.status == CarePlan.Status.ACTIVE
    assert plan.items.filter(active=True).count() == 1
