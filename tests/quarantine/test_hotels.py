"""The street's quarantine hotels: rooms and beds, check-in, room change, release; the board's
occupancy and special-group counts; the kitchen's diet sheet; the daily call and the green line;
hotel staff who see their own guests and nobody else."""

import random
import threading
from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from linli.core.models import Room, Street, User
from linli.core.roles import Role
from linli.core.scoping import scoped
from linli.ledger.models import Channel, Request
from linli.people.models import Household, Resident, Vulnerability
from linli.quarantine import actions, selectors
from linli.quarantine.models import GuestCall, Hotel, HotelRoom, Stay
from tests.factories import make_area, make_resident, make_room, make_user
from tests.people.list_factories import in_english

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def open_hotel(
    street: Street, name: str, floors: int = 2, per_floor: int = 10, beds: int = 1
) -> tuple[Hotel, User]:
    official = make_user(Role.OFFICIAL, street=street)
    staff = make_user(Role.HOTEL, street=street)
    hotel = actions.do_add_hotel(street, actor=official, name=name, staff=[staff])
    for floor in range(3, 3 + floors):
        actions.do_add_rooms(
            hotel,
            actor=official,
            floor=floor,
            numbers=f"{floor}01-{floor}{per_floor:02d}",
            beds=beds,
        )
    return hotel, official


def room(hotel: Hotel, number: str) -> HotelRoom:
    return HotelRoom.objects.get(hotel=hotel, number=number)


def test_two_people_in_a_one_bed_room_are_refused_naming_the_room() -> None:
    community = make_area()
    hotel, official = open_hotel(community.street, "锦江之星")
    first, second = (
        make_resident(community, "甲", room="501"),
        make_resident(community, "乙", room="502"),
    )
    actions.do_check_in(first, actor=official, room=room(hotel, "301"))
    with pytest.raises(ValidationError) as refused:
        actions.do_check_in(second, actor=official, room=room(hotel, "301"))
    assert "room" in refused.value.message_dict and "301" in refused.value.message_dict["room"][0]
    assert Stay.objects.count() == 1
    with pytest.raises(ValidationError):  # nor moved into it
        stay = actions.do_check_in(second, actor=official, room=room(hotel, "302"))
        actions.do_move_guest(stay, actor=official, room=room(hotel, "301"))
    with pytest.raises(ValidationError) as twice:
        actions.do_check_in(first, actor=official, room=room(hotel, "303"))
    assert "resident" in twice.value.message_dict


def test_a_check_in_to_another_streets_hotel_is_refused() -> None:
    community = make_area()
    elsewhere = make_area("远方居民区")
    far_hotel, _official = open_hotel(elsewhere.street, "远方宾馆")
    worker = make_user(Role.WORKER, community)
    guest = make_resident(community, "丙")
    with pytest.raises(ValidationError) as refused:
        actions.do_check_in(guest, actor=worker, room=room(far_hotel, "301"))
    assert "hotel" in refused.value.message_dict
    assert not Stay.objects.exists()


def test_hotel_staff_see_their_own_guests_and_nobody_else() -> None:
    community = make_area()
    ours, official = open_hotel(community.street, "锦江之星")
    theirs, _other = open_hotel(community.street, "如家")
    mine = make_resident(community, "我的住客", room="501")
    other = make_resident(community, "别家住客", room="502")
    actions.do_check_in(mine, actor=official, room=room(ours, "301"))
    actions.do_check_in(other, actor=official, room=room(theirs, "301"))
    staff = ours.staff.get()
    assert list(scoped(staff, Stay.objects.all()).values_list("resident__name", flat=True)) == [
        "我的住客"
    ]
    assert list(scoped(staff, Resident.objects.all()).values_list("name", flat=True)) == [
        "我的住客"
    ]
    assert list(selectors.hotels_for(staff)) == [ours]
    client = Client()
    client.force_login(staff)
    in_english(client)
    assert client.get(f"/quarantine/hotels/{theirs.pk}/").status_code == 404
    home = client.get("/").content.decode()
    assert "锦江之星" in home and 'data-testid="hotel-panel"' in home
    assert 'data-testid="calls-left">1 ' in home  # the one guest of theirs, not called yet
    board = client.get(f"/quarantine/hotels/{ours.pk}/").content.decode()
    assert "我的住客" in board and "别家住客" not in board
    assert 'href="/quarantine/home/"' not in board  # no links to pages the staff cannot open


def test_the_daily_call_and_the_green_line_open_requests_for_the_guests_own_community() -> None:
    community = make_area()
    neighbour = make_area("华山居民区", street=community.street)
    hotel, official = open_hotel(community.street, "锦江之星")
    guest = make_resident(neighbour, "华山住客")
    stay = actions.do_check_in(guest, actor=official, room=room(hotel, "301"))
    staff = hotel.staff.get()
    call = actions.do_record_guest_call(stay, actor=staff, outcome="need", need="降压药只剩两天")
    request = Request.objects.get(pk=call.request_id or 0)
    assert (request.community, request.channel, request.resident) == (
        neighbour,
        Channel.HOTEL,
        guest,
    )
    assert (
        request.source == stay and "降压药" in request.description and "301" in request.description
    )
    assert [s.called for s in selectors.guests(staff, hotel, timezone.localdate())] == [True]
    green = actions.do_green_line(stay, actor=staff, category="medicine", description="胰岛素")
    assert green.category.code == "medicine" and green.community == neighbour
    stranger = make_user(Role.HOTEL, street=community.street)
    with pytest.raises(PermissionDenied):
        actions.do_record_guest_call(stay, actor=stranger, outcome="well")
    assert GuestCall.objects.count() == 1


def test_a_release_before_the_planned_end_needs_a_reason() -> None:
    community = make_area()
    hotel, official = open_hotel(community.street, "锦江之星")
    stay = actions.do_check_in(make_resident(community), actor=official, room=room(hotel, "301"))
    with pytest.raises(ValidationError) as refused:
        actions.do_check_out(stay, actor=official)
    assert "reason" in refused.value.message_dict
    assert Stay.objects.get(pk=stay.pk).checked_out_at is None
    actions.do_check_out(stay, actor=official, reason="转院")
    assert Stay.objects.get(pk=stay.pk).checked_out_at is not None
    # The bed is free again.
    actions.do_check_in(
        make_resident(community, "下一位", room="601"), actor=official, room=room(hotel, "301")
    )


# 904 guests across 13 hotels (seed 002: 13 hotels, 904 people, 191 of them elderly, chronically
# ill, infants or pregnant), from a generated list.

GUESTS = 904
HOTELS = 13


def _guest_list(rng: random.Random, today: date) -> list[dict[str, object]]:
    """A list as the street would draw it up: each guest's age, illness, pregnancy and diet."""
    people = []
    for n in range(GUESTS):
        roll = rng.random()
        age = rng.choice([1, 2, 67, 72, 81]) if roll < 0.12 else rng.randint(18, 59)
        people.append(
            {
                "name": f"住客{n:04d}",
                "born": date(today.year - age, 1, 1) - timedelta(days=rng.randint(0, 300)),
                "chronic": roll > 0.95,
                "pregnant": 0.90 < roll <= 0.93 and age < 50,
                "diet": rng.choice(["halal", "diabetic", "soft"]) if rng.random() < 0.08 else "",
            }
        )
    return people


def test_904_guests_across_13_hotels_match_counts_computed_from_the_list() -> None:
    rng = random.Random(2026)
    today = timezone.localdate()
    communities = [make_area("岐山居民区")]
    communities += [make_area(f"居民区{n}", street=communities[0].street) for n in range(3)]
    street = communities[0].street
    official = make_user(Role.OFFICIAL, street=street)
    hotels = []
    for h in range(HOTELS):
        hotel = actions.do_add_hotel(street, actor=official, name=f"隔离酒店{h:02d}")
        actions.do_add_rooms(hotel, actor=official, floor=3, numbers="301-340", beds=1)
        actions.do_add_rooms(hotel, actor=official, floor=4, numbers="401-420", beds=2)
        hotels.append(hotel)
    listed = _guest_list(rng, today)
    # The register's people of the list, written at once; each then checked in as a worker would.
    units = [make_room(c, "101").unit for c in communities]
    rooms = Room.objects.bulk_create(
        Room(unit=units[n % len(units)], number=str(1000 + n)) for n in range(GUESTS)
    )
    homes = Household.objects.bulk_create(
        Household(community=communities[n % len(communities)], room=r) for n, r in enumerate(rooms)
    )
    residents = Resident.objects.bulk_create(
        Resident(
            community_id=h.community_id,
            household=h,
            name=str(p["name"]),
            sex="F" if p["pregnant"] else "M",
            date_of_birth=p["born"],  # type: ignore[misc]
        )
        for h, p in zip(homes, listed, strict=True)
    )
    Vulnerability.objects.bulk_create(
        Vulnerability(community_id=r.community_id, resident=r, kind=kind, since=today)
        for r, p in zip(residents, listed, strict=True)
        for kind in ("chronic", "pregnant")
        if p[kind]
    )
    free = [
        r
        for h in hotels
        for r in HotelRoom.objects.filter(hotel=h).order_by("number")
        for _b in range(r.beds)
    ]
    expected: Counter[str] = Counter()
    per_hotel: Counter[int] = Counter()
    for resident, person in zip(residents, listed, strict=True):
        bed = free.pop(rng.randrange(len(free)))
        actions.do_check_in(resident, actor=official, room=bed, diet=str(person["diet"]))
        born = person["born"]
        assert isinstance(born, date)
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        groups = {
            "elderly": age >= 60,
            "infant": age < 3,
            "chronic": bool(person["chronic"]),
            "pregnant": bool(person["pregnant"]),
        }
        expected.update(g for g, on in groups.items() if on)
        expected["special"] += any(groups.values()) or bool(person["diet"])
        if person["diet"]:
            expected[f"diet:{person['diet']}"] += 1
        per_hotel[bed.hotel_id] += 1

    counts = selectors.hotel_counts([h.pk for h in hotels])
    assert (
        counts.guests == GUESTS
        and counts.beds == HOTELS * 80
        and counts.free == HOTELS * 80 - GUESTS
    )
    assert {
        g: getattr(counts, g) for g in ("elderly", "infant", "chronic", "pregnant", "special")
    } == {g: expected[g] for g in ("elderly", "infant", "chronic", "pregnant", "special")}
    assert counts.diets == {k[5:]: v for k, v in expected.items() if k.startswith("diet:")}
    assert 100 < expected["special"] < 300  # the list is like seed 002's (191 of 904)
    board = {h.pk: h.guests for h in selectors.hotel_list(official)}  # type: ignore[attr-defined]
    assert board == {h.pk: per_hotel[h.pk] for h in hotels}
    for hotel in hotels[:3]:  # each hotel's board: every bed, taken or free
        beds = [
            bed
            for _floor, lines in selectors.board(official, hotel)
            for line in lines
            for bed in line.beds
        ]
        assert len(beds) == 80 and sum(b.taken for b in beds) == per_hotel[hotel.pk]
        diet_counts, _rooms, total = selectors.diet_sheet(hotel)
        assert total == per_hotel[hotel.pk] and sum(diet_counts.values()) == total


@pytest.mark.django_db(transaction=True)
def test_two_check_ins_to_the_last_bed_at_once_give_it_to_exactly_one() -> None:
    """On PostgreSQL (the room's row is locked); SQLite serialises writers itself."""
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions need PostgreSQL")
    community = make_area()
    hotel, official = open_hotel(community.street, "锦江之星", floors=1, per_floor=1)
    guests = [make_resident(community, f"客{n}", room=str(500 + n)) for n in range(6)]
    barrier = threading.Barrier(len(guests))
    outcomes: list[str] = []

    def check_in(guest: Resident) -> None:
        try:
            barrier.wait()
            actions.do_check_in(guest, actor=official, room=room(hotel, "301"))
            outcomes.append("in")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=check_in, args=(g,)) for g in guests]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["in"] + ["refused"] * 5
    assert Stay.objects.filter(room__hotel=hotel, checked_out_at__isnull=True).count() == 1
