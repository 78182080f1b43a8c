"""Recurring services become ledger requests on their days, as the worker runs: the clock is
moved with time-machine and the generation called as the worker calls it (no arguments)."""

from datetime import date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from linli.care.actions import do_generate_services, do_pause_plan, do_resume_plan
from linli.care.models import CarePlan, ServiceItem, ServiceRun
from linli.core.models import Community
from linli.core.policy import SYSTEM
from linli.ledger.models import Channel, Request
from tests.care.factories import Team, make_item, make_patient, make_plan, make_team

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 12, 7)


def at(day: date, hour: int = 0, minute: int = 5) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def run_on(day: date, hour: int = 0) -> int:
    with time_machine.travel(at(day, hour), tick=False):
        return do_generate_services(actor=SYSTEM).opened


class Setup(NamedTuple):
    team: Team
    plan: CarePlan
    medicine: ServiceItem
    escort: ServiceItem


@pytest.fixture
def setup(community_a: Community) -> Setup:
    team = make_team(community_a)
    with time_machine.travel(at(MONDAY.replace(day=6), 12), tick=False):  # the Sunday before
        plan = make_plan(team, make_patient(community_a), starts_on=MONDAY)
        medicine = make_item(team, plan, "每周一", "medicine", "social_worker")
        escort = make_item(team, plan, "二四六 07:00", "dialysis", "property_staff")
    return Setup(team, plan, medicine, escort)


def days_of(item: ServiceItem) -> list[str]:
    return [
        d.isoformat()
        for d in ServiceRun.objects.filter(item=item).order_by("day").values_list("day", flat=True)
    ]


def test_items_become_requests_on_their_days_with_owner_deadline_and_source(setup: Setup) -> None:
    monday = run_on(MONDAY)
    tuesday = run_on(date(2026, 12, 8))

    assert (monday, tuesday) == (1, 1)
    run = ServiceRun.objects.get(item=setup.escort)
    request = run.request
    assert request.channel == Channel.PLANNED and request.category.code == "dialysis"
    assert request.source == setup.escort and request.household == setup.plan.household
    assert request.assignee == setup.team.property_staff and request.status == "assigned"
    assert request.deadline.astimezone(SHANGHAI) == at(date(2026, 12, 8), 7, 0)
    assert ServiceRun.objects.get(item=setup.medicine).request.assignee == setup.team.social_worker


def test_running_the_generation_twice_creates_nothing_twice(setup: Setup) -> None:
    run_on(MONDAY)
    before = Request.objects.count()

    again = run_on(MONDAY, hour=9)

    assert again == 0 and Request.objects.count() == before == 1


def test_missed_days_are_caught_up_after_downtime(setup: Setup) -> None:
    caught = run_on(date(2026, 12, 12))  # the worker was down from Monday to Saturday

    assert caught == 4  # Monday's setup.medicine, and Tuesday's, Thursday's and Saturday's escorts
    assert days_of(setup.medicine) == ["2026-12-07"]
    assert days_of(setup.escort) == ["2026-12-08", "2026-12-10", "2026-12-12"]
    assert run_on(date(2026, 12, 12), hour=10) == 0


def test_a_paused_plan_generates_nothing_and_resuming_does_not_catch_up_the_pause(
    setup: Setup,
) -> None:
    run_on(MONDAY)
    with time_machine.travel(at(MONDAY, 10), tick=False):
        do_pause_plan(setup.plan, actor=setup.team.planner, reason="in hospital")

    paused = [run_on(date(2026, 12, d)) for d in (8, 9, 10)]
    with time_machine.travel(at(date(2026, 12, 11), 8), tick=False):
        setup.plan.refresh_from_db()
        do_resume_plan(setup.plan, actor=setup.team.planner)
    resumed = run_on(date(2026, 12, 12))

    assert paused == [0, 0, 0]
    assert resumed == 1  # Saturday's setup.escort only: Tuesday and Thursday fell in the pause
    assert days_of(setup.escort) == ["2026-12-12"]


def test_an_ended_plan_generates_nothing_after_its_end(setup: Setup) -> None:
    setup.plan.ends_on = date(2026, 12, 8)
    setup.plan.save()

    opened = run_on(date(2026, 12, 14))

    assert opened == 2  # Monday 7's setup.medicine and Tuesday 8's escort; nothing after the end
    assert days_of(setup.escort) == ["2026-12-08"]


def test_planned_requests_are_triaged_like_any_other(community_a: Community) -> None:
    team = make_team(community_a)
    with time_machine.travel(at(date(2026, 12, 6), 12), tick=False):
        plan = make_plan(team, make_patient(community_a), starts_on=MONDAY)
        make_item(team, plan, "每周一", "other", "doctor", "看看老人是否胸口痛、喘不上气")

    run_on(MONDAY)

    request = Request.objects.get()
    assert request.urgency == "emergency"  # the safety net reads planned words too
    assert request.events.filter(kind="triaged").exists()


def test_another_worker_generating_the_same_day_leaves_one_request_a_day(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    from linli.care import selectors
    from linli.care.actions import generation

    # The other worker wrote Monday's medicine after this one read which days were done.
    with time_machine.travel(at(MONDAY), tick=False):
        generation._open_run(setup.medicine, MONDAY, timezone.now())
    monkeypatch.setattr(selectors, "generated_days", lambda items, earliest: set())

    opened = run_on(MONDAY)

    assert days_of(setup.medicine) == ["2026-12-07"]
    assert ServiceRun.objects.count() == Request.objects.count() == 1
    assert opened == 0  # this worker's transaction gave way, then found the day done
