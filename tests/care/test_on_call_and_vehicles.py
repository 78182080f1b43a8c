"""On-call doctors published for residents, transfer vehicles and their trips."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from linli.care.actions import do_add_on_call, do_add_vehicle, do_book_trip
from linli.care.models import OnCall, Trip
from linli.care.selectors import vehicle_days
from linli.core.models import Community
from linli.ledger.actions import do_open_request
from linli.ledger.models import Channel
from tests.care.factories import make_patient, make_team
from tests.factories import make_area
from tests.ledger.factories import make_category

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int = 0, days: int = 1) -> datetime:
    day = datetime.now(SHANGHAI).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def test_the_on_call_doctor_is_on_the_public_page_in_both_languages(
    client: Client, community_a: Community
) -> None:
    team = make_team(community_a)
    do_add_on_call(
        community_a, actor=team.planner, name="王医生", role="社区医生 GP", phone="13912345678",
        starts_at=at(8, days=0), ends_at=at(20),
    )  # fmt: skip

    page = client.get(reverse("care:public-on-call", args=[community_a.code])).content.decode()
    form = client.get(reverse("public:request-form", args=[community_a.code])).content.decode()

    assert "王医生" in page and "13912345678" in page
    assert "值班医生" in page and "On-call doctors" in page
    assert reverse("care:public-on-call", args=[community_a.code]) in form


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": ""}, "name"),
        ({"phone": "12345"}, "phone"),
        ({"ends_at": at(7)}, "ends_at"),
    ],
)
def test_a_bad_shift_is_refused_naming_the_field(
    community_a: Community, values: dict[str, object], field: str
) -> None:
    team = make_team(community_a)
    shift = {
        "name": "王医生",
        "role": "GP",
        "phone": "13912345678",
        "starts_at": at(8),
        "ends_at": at(20),
    }

    with pytest.raises(ValidationError) as refused:
        do_add_on_call(community_a, actor=team.planner, **{**shift, **values})  # type: ignore[arg-type]

    assert field in refused.value.message_dict
    assert not OnCall.objects.exists()


def test_an_escort_gets_a_vehicle_and_a_time_and_the_vehicle_s_day_shows_it(
    community_a: Community,
) -> None:
    team = make_team(community_a)
    van = do_add_vehicle(
        community_a, actor=team.planner, plate="沪A 12345", driver="刘师傅",
        phone="13700001111", on_duty_from=time(6), on_duty_until=time(18),
    )  # fmt: skip
    escort = do_open_request(
        community_a, actor=team.planner, channel=Channel.PLANNED,
        category=make_category("dialysis"),
        description="血透接送", resident=make_patient(community_a),
    ).request  # fmt: skip
    groceries = do_open_request(
        community_a, actor=team.planner, channel=Channel.HOTLINE,
        category=make_category("groceries"),
        description="买菜",
    ).request  # fmt: skip

    trip = do_book_trip(escort, actor=team.planner, vehicle=van, at=at(7))
    refusals = {}
    for name, request, when in (
        ("outside hours", escort, at(19)),
        ("not an escort", groceries, at(9)),
    ):
        with pytest.raises(ValidationError) as refused:
            do_book_trip(request, actor=team.planner, vehicle=van, at=when)
        refusals[name] = refused.value.message_dict
    second = do_open_request(
        community_a, actor=team.planner, channel=Channel.PLANNED,
        category=make_category("dialysis"),
        description="血透接送", resident=make_patient(community_a, "王透析", "601"),
    ).request  # fmt: skip
    with pytest.raises(ValidationError) as clash:
        do_book_trip(second, actor=team.planner, vehicle=van, at=at(7, 30))

    assert van.plate == "沪A12345"
    (day,) = vehicle_days(community_a, at(7).date())
    assert [t.request for t in day.trips] == [escort] and trip.vehicle == van
    assert "at" in refusals["outside hours"] and "request" in refusals["not an escort"]
    assert "within 45 minutes" in clash.value.message_dict["at"][0]
    assert Trip.objects.count() == 1
    assert escort.events.filter(kind="note", note__contains="沪A12345").exists()


def test_a_vehicle_of_another_community_cannot_be_booked(community_a: Community) -> None:
    team = make_team(community_a)
    elsewhere = make_area("别处居民区")
    other_team = make_team(elsewhere)
    van = do_add_vehicle(
        elsewhere, actor=other_team.planner, plate="沪B1", driver="赵", phone="13700002222",
        on_duty_from=time(0), on_duty_until=time(23, 59),
    )  # fmt: skip
    escort = do_open_request(
        community_a, actor=team.planner, channel=Channel.PLANNED,
        category=make_category("dialysis"),
        description="血透接送",
    ).request  # fmt: skip

    with pytest.raises(ValidationError) as refused:
        do_book_trip(escort, actor=team.planner, vehicle=van, at=at(9))

    assert "vehicle" in refused.value.message_dict
