"""A date or a number the care pages cannot read — typed into the address, or posted by hand —
is told on the page with a 400, or named on its field: never a 500."""

from datetime import date, time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.care.actions import do_add_vehicle
from linli.care.models import CarePlan, OnCall, Trip, Vehicle
from linli.core.models import Community
from linli.ledger.actions import do_open_request
from linli.ledger.models import Channel
from tests.care.factories import Team, make_patient, make_plan, make_team
from tests.ledger.factories import make_category
from tests.people.list_factories import in_english

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(community_a: Community) -> Team:
    return make_team(community_a)


@pytest.fixture
def planner(client: Client, team: Team) -> Client:
    client.force_login(team.planner)
    client.raise_request_exception = False  # a 500 is an answer to assert on, not an error
    in_english(client)
    return client


@pytest.mark.parametrize("day", ["2026-99-99", "2026-02-30", "9999-12-31", "0001-01-01", "x"])
def test_an_unreadable_day_of_the_vehicles_page_is_told_and_today_shown(
    planner: Client, day: str
) -> None:
    response = planner.get(reverse("care:vehicles"), {"day": day})
    body = response.content.decode()

    assert response.status_code == 400
    assert f"{day} in the address is not a date (YYYY-MM-DD)" in body
    assert timezone.localdate().isoformat() in body


def test_a_readable_day_of_the_vehicles_page_is_that_day(planner: Client) -> None:
    response = planner.get(reverse("care:vehicles"), {"day": "2026-12-24"})

    assert response.status_code == 200
    assert "2026-12-24" in response.content.decode()


@pytest.mark.parametrize("number", ["²", "abc", "0", "99999999999999999999999"])
@pytest.mark.parametrize("name", ["care:plans", "care:today", "care:coverage"])
def test_an_unreadable_page_number_is_told_and_the_first_page_shown(
    planner: Client, name: str, number: str
) -> None:
    response = planner.get(reverse(name), {"page": number})

    assert response.status_code == 400
    assert "in the address is not a page number" in response.content.decode()


def test_an_unreadable_end_of_a_plan_is_told_and_the_plan_goes_on(
    planner: Client, team: Team, community_a: Community
) -> None:
    plan = make_plan(team, make_patient(community_a), starts_on=date(2026, 1, 5))
    url = reverse("care:plan-action", args=[plan.pk, "end"])

    response = planner.post(url, {"reason": "搬走了", "on": "2026-02-30"}, follow=True)

    assert "not a date (YYYY-MM-DD)" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status != CarePlan.Status.ENDED


def test_an_unreadable_referral_is_refused_without_a_500(
    planner: Client, team: Team, community_a: Community
) -> None:
    plan = make_plan(team, make_patient(community_a), starts_on=date(2026, 1, 5))
    url = reverse("care:plan-action", args=[plan.pk, "refer"])

    response = planner.post(url, {"resident": "abc", "note": "情绪低落"})

    assert response.status_code == 404


@pytest.mark.parametrize(
    "posted",
    [
        {"starts_at": "2026-02-30T08:00"},
        {"ends_at": "2026-12-08T25:00"},
        {"compound": "abc"},
    ],
)
def test_an_unreadable_on_call_shift_is_refused_naming_the_field(
    planner: Client, posted: dict[str, str]
) -> None:
    shift = {"name": "王医生", "role": "GP", "phone": "13912345678",
             "starts_at": "2026-12-08T08:00", "ends_at": "2026-12-08T20:00", **posted}  # fmt: skip

    response = planner.post(reverse("care:on-call"), shift)

    assert response.status_code in (302, 400)
    if "compound" not in posted:
        assert response.status_code == 400
        assert "not a date and time" in response.content.decode()
        assert not OnCall.objects.exists()


@pytest.mark.parametrize("posted", [{"on_duty_from": "25:00"}, {"on_duty_until": "7:99"}])
def test_unreadable_hours_of_a_vehicle_are_refused_naming_the_field(
    planner: Client, posted: dict[str, str]
) -> None:
    vehicle = {"plate": "沪A12345", "driver": "老张", "phone": "13912345678",
               "on_duty_from": "07:00", "on_duty_until": "19:00", **posted}  # fmt: skip

    response = planner.post(reverse("care:vehicles"), vehicle)

    assert response.status_code == 400
    assert "is not a time of day" in response.content.decode()
    assert not Vehicle.objects.exists()


def test_an_unreadable_pick_up_time_is_refused_naming_the_field(
    planner: Client, team: Team, community_a: Community
) -> None:
    van = do_add_vehicle(
        community_a, actor=team.planner, plate="沪A12345", driver="刘师傅",
        phone="13700001111", on_duty_from=time(6), on_duty_until=time(18),
    )  # fmt: skip
    escort = do_open_request(
        community_a, actor=team.planner, channel=Channel.PLANNED,
        category=make_category("dialysis"),
        description="血透接送", resident=make_patient(community_a),
    ).request  # fmt: skip

    response = planner.post(
        reverse("care:vehicles"),
        {"form": "trip", "request": escort.pk, "vehicle": van.pk, "at": "2026-02-30T07:00"},
    )

    assert response.status_code == 400
    assert "not a date and time" in response.content.decode()
    assert not Trip.objects.exists()
