"""The quarantine app's lists and home panels read the database a bounded number of times: the
same number with a few rows as with many (no query per row), and never more than a ceiling."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linli.core.models import User
from linli.core.roles import Role
from linli.quarantine import actions
from linli.quarantine.models import HomeQuarantine, Hotel, HotelRoom, Reception
from tests.factories import make_resident, make_user
from tests.quarantine.factories import Gates, at, make_gates, traveller

pytestmark = pytest.mark.django_db

CEILING = 25


def fill(gates: Gates, hotel: Hotel, official: User, start: int, n: int) -> None:
    """`n` travellers arriving tomorrow (every other one decided: home quarantine, with a
    check every third), and `n` hotel guests with a call each."""
    staff = hotel.staff.get()
    for i in range(start, start + n):
        t = traveller(gates, f"Traveller {i}", arrives=at(1, 8 + i % 14), room=str(100 + i))
        if i % 2:
            quarantine = actions.do_decide(
                Reception.objects.get(traveller=t), actor=gates.worker, decision="home"
            )
            assert isinstance(quarantine, HomeQuarantine)
            if i % 3 == 0:
                actions.do_record_check(
                    quarantine, actor=gates.care.doctor, temperature="36.5", symptoms=[]
                )
        guest = make_resident(gates.community, f"住客{i}", room=str(900 + i), id_number="")
        room = HotelRoom.objects.create(hotel=hotel, floor=3 + i % 3, number=f"R{i}", beds=1)
        stay = actions.do_check_in(guest, actor=official, room=room, diet="halal" if i % 4 else "")
        actions.do_record_guest_call(stay, actor=staff, outcome="well")


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def test_quarantine_pages_read_the_database_a_bounded_number_of_times() -> None:
    gates = make_gates()
    settings = actions.settings_of(gates.community)
    actions.do_save_settings(  # checks due from midnight: the overdue list is full all day
        gates.community,
        actor=gates.worker,
        day_team=settings.day_team,
        night_team=settings.night_team,
        day_shift_from=settings.day_shift_from,
        night_shift_from=settings.night_shift_from,
        checks_due_by=time(0),
        **gates.care.seats(),
    )
    street = gates.community.street
    official = make_user(Role.OFFICIAL, street=street)
    hotel_staff = make_user(Role.HOTEL, street=street)
    hotel = actions.do_add_hotel(street, actor=official, name="锦江之星", staff=[hotel_staff])
    pages = [
        (gates.worker, "/"),
        (official, "/"),
        (hotel_staff, "/"),
        (
            gates.worker,
            f"/quarantine/?day={(timezone.localdate() + timedelta(days=1)).isoformat()}",
        ),
        (official, f"/quarantine/?day={(timezone.localdate() + timedelta(days=1)).isoformat()}"),
        (gates.worker, "/quarantine/home/"),
        (gates.care.doctor, "/quarantine/home/"),
        (gates.worker, "/quarantine/home/overdue/"),
        (official, "/quarantine/home/overdue/"),
        (official, "/quarantine/hotels/"),
        (gates.worker, "/quarantine/hotels/"),
        (hotel_staff, f"/quarantine/hotels/{hotel.pk}/"),
        (official, f"/quarantine/hotels/{hotel.pk}/"),
        (gates.worker, f"/quarantine/hotels/{hotel.pk}/"),
        (hotel_staff, f"/quarantine/hotels/{hotel.pk}/diet/"),
    ]
    clients = {}
    for user, _url in pages:
        if user.pk not in clients:
            clients[user.pk] = Client()
            clients[user.pk].force_login(user)

    def measure() -> dict[tuple[str, str], int]:
        return {(u.username, url): count(clients[u.pk], url) for u, url in pages}

    fill(gates, hotel, official, 0, 4)
    few = measure()
    fill(gates, hotel, official, 4, 16)
    many = measure()
    growing = {page: (few[page], many[page]) for page in few if many[page] != few[page]}
    assert not growing, f"queries that grow with the rows (4 rows, 20 rows): {growing}"
    over = {page: n for page, n in many.items() if n > CEILING}
    assert not over, f"over the ceiling: {over}"
