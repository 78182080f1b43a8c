"""A date or a number the quarantine pages cannot read — typed into the address, or posted by
hand — is told on the page with a 400, or named on its field: never a 500."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.core.roles import Role
from linli.quarantine import actions
from linli.quarantine.models import HomeQuarantine, Hotel, Traveller
from tests.factories import make_resident, make_user
from tests.people.list_factories import in_english
from tests.quarantine.factories import Gates, make_gates

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

BAD_DAYS = ["2026-99-99", "2026-02-30", "9999-12-31", "0001-01-01", "tomorrow"]
BAD_NUMBERS = ["²", "abc", "99999999999999999999999"]


@pytest.fixture
def gates() -> Gates:
    return make_gates()


@pytest.fixture
def worker(client: Client, gates: Gates) -> Client:
    client.force_login(gates.worker)
    client.raise_request_exception = False  # a 500 is an answer to assert on, not an error
    in_english(client)
    return client


def page(client: Client, url: str, query: dict[str, str]) -> tuple[int, str]:
    response = client.get(url, query)
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("day", BAD_DAYS)
def test_an_unreadable_day_of_the_arrivals_board_is_told_and_today_shown(
    worker: Client, day: str
) -> None:
    status, body = page(worker, reverse("quarantine:arrivals"), {"day": day})

    assert status == 400
    assert f"{day} in the address is not a date (YYYY-MM-DD)" in body
    assert timezone.localdate().isoformat() in body  # the board of today, instead


def test_a_readable_day_of_the_arrivals_board_is_shown_without_a_message(worker: Client) -> None:
    status, body = page(worker, reverse("quarantine:arrivals"), {"day": "2026-12-24"})

    assert status == 200
    assert "in the address" not in body and "2026-12-24" in body


@pytest.mark.parametrize("number", [*BAD_NUMBERS, "0"])
@pytest.mark.parametrize("name", ["quarantine:arrivals", "quarantine:home", "quarantine:overdue"])
def test_an_unreadable_page_number_is_told_and_the_first_page_shown(
    worker: Client, name: str, number: str
) -> None:
    status, body = page(worker, reverse(name), {"page": number})

    assert status == 400
    assert "in the address is not a page number" in body


@pytest.fixture
def hotel(gates: Gates) -> Hotel:
    official = make_user(Role.OFFICIAL, street=gates.community.street)
    found = actions.do_add_hotel(gates.community.street, actor=official, name="锦江之星")
    actions.do_add_rooms(found, actor=official, floor=3, numbers="301-302")
    return found


@pytest.mark.parametrize("floor", ["²", "-²", "99999999999999999999999"])
def test_an_unreadable_floor_of_a_hotel_board_is_told(
    worker: Client, hotel: Hotel, floor: str
) -> None:
    status, body = page(worker, reverse("quarantine:hotel", args=[hotel.pk]), {"floor": floor})

    assert status == 400
    assert "in the address is not a number this page can use" in body


def test_a_floor_below_ground_is_a_floor(worker: Client, hotel: Hotel) -> None:
    status, _body = page(worker, reverse("quarantine:hotel", args=[hotel.pk]), {"floor": "-1"})

    assert status == 200


def form_errors(body: str) -> str:
    start = body.find('data-testid="form-errors"')
    assert start != -1, "no errors on the page"
    return body[start : body.find("</div>", start)]


def test_an_unreadable_birth_date_or_arrival_of_a_new_traveller_is_named_on_its_field(
    worker: Client, gates: Gates
) -> None:
    make_resident(gates.community, "家属", room="502")
    response = worker.post(
        reverse("quarantine:traveller-new"),
        {"name": "John Smith", "sex": "M", "building": "3", "unit": "1", "room": "502",
         "date_of_birth": "1990-02-30", "arrives_at": "2026-13-01T10:00"},
    )  # fmt: skip

    assert response.status_code == 400
    errors = form_errors(response.content.decode())
    assert "not a date" in errors
    # Named by its label in the user's language, not by its name in the code.
    assert (
        "<strong>Date of birth</strong>" in errors or "<strong>Planned arrival</strong>" in errors
    )
    assert "date_of_birth" not in errors and "arrives_at" not in errors
    assert not Traveller.objects.exists()


def test_an_unreadable_new_end_of_a_quarantine_is_named_on_its_field(
    worker: Client, gates: Gates
) -> None:
    resident = make_resident(gates.community, "张三", room="601")
    quarantine: HomeQuarantine = actions.do_start_home_quarantine(resident, actor=gates.worker)
    url = reverse("quarantine:quarantine-action", args=[quarantine.pk, "end"])

    response = worker.post(url, {"planned_end": "2026-02-30", "reason": "复核"})

    assert response.status_code == 200  # the page again, its errors on it
    assert "not a date (YYYY-MM-DD)" in form_errors(response.content.decode())


@pytest.mark.parametrize(
    "posted",
    [
        {"day_shift_from": "25:00"},
        {"day_team": "abc"},
        {"doctor": "abc"},
        {"doctor": "99999999999999999999999"},
    ],
)
def test_unreadable_settings_are_refused_without_a_500(
    worker: Client, posted: dict[str, str]
) -> None:
    form: dict[str, Any] = {"day_shift_from": "08:00", "night_shift_from": "20:00",
                            "checks_due_by": "12:00", **posted}  # fmt: skip

    response = worker.post(reverse("quarantine:settings"), form)

    assert response.status_code in (302, 400)


@pytest.mark.parametrize("posted", [{"floor": "²", "numbers": "401"}, {"floor": "4", "beds": "²"}])
def test_unreadable_rooms_of_a_hotel_are_refused_without_a_500(
    client: Client, gates: Gates, hotel: Hotel, posted: dict[str, str]
) -> None:
    client.force_login(make_user(Role.OFFICIAL, street=gates.community.street))
    client.raise_request_exception = False
    in_english(client)

    response = client.post(reverse("quarantine:hotel", args=[hotel.pk]), posted)

    assert response.status_code == 400


def test_an_unreadable_room_or_seat_of_a_start_is_refused_without_a_500(
    worker: Client, gates: Gates
) -> None:
    resident = make_resident(gates.community, "李四", room="602")
    url = reverse("quarantine:start", args=[resident.pk])

    to_a_hotel = worker.post(url, {"decision": "hotel", "room": "abc"})
    at_home = worker.post(url, {"decision": "home", "doctor": "abc"})

    assert to_a_hotel.status_code == 400
    assert "choose the hotel room" in to_a_hotel.content.decode()
    assert at_home.status_code == 302  # no such person: the settings' doctor holds the seat
