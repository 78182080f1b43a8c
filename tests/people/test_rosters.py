from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from linli.core.models import Building, Community, Room, User
from linli.core.roles import Role
from linli.people.list_selectors import RosterLine, UnitRoster
from linli.people.models import Resident, Vulnerability
from tests.factories import make_user
from tests.people.list_factories import (
    aged,
    building,
    compound,
    household,
    in_english,
    person,
    room,
)

Kind = Vulnerability.Kind


def roster_url(b: Building) -> str:
    return reverse("people:roster-building", args=[b.pk])


def person_lines(roster: UnitRoster) -> dict[str, RosterLine]:
    return {line.person.resident.name: line for line in roster.lines if line.person}


@pytest.fixture
def block(community_a: Community) -> Building:
    """Building 3 of 岐山村: unit 1 with three floors, unit 2 with one room."""
    b = building(compound(community_a, "岐山村"), "3", units=("1", "2"))
    person(
        household(room(b, "302")),
        "独居老人",
        born=aged(85),
        phone="13912345678",
        sex=Resident.Sex.MALE,
        tags=(Kind.CHRONIC,),
    )
    family = household(room(b, "101"))
    person(family, "张父", born=aged(62))
    person(family, "张女", born=aged(30), tags=(Kind.PREGNANT,))
    person(family, "张母", born=aged(60), active=False)  # moved away: not on the roster
    person(household(room(b, "102")), "九十岁", born=aged(93), phone="13700001234")
    person(household(room(b, "102")), "九十岁的女儿", born=aged(64))  # second household, same room
    room(b, "201")  # nobody registered
    room(b, "202", occupancy=Room.Occupancy.VACANT)
    person(household(room(b, "101", unit="2")), "二单元", born=aged(45))
    return b


def test_roster_flags_an_85_year_old_living_alone(
    client: Client, block: Building, worker_a: User
) -> None:
    client.force_login(worker_a)
    in_english(client)
    response = client.get(roster_url(block))
    assert response.status_code == 200
    unit_1 = response.context["rosters"][0]
    lonely = person_lines(unit_1)["独居老人"].person
    assert lonely is not None
    assert lonely.age == 85
    assert lonely.flags == ["80+", "Lives alone", "Chronic disease"]
    body = response.content.decode()
    assert "139****5678" in body
    assert "13912345678" not in body


def test_roster_flags_90_plus_but_not_alone_when_the_room_holds_two_households(
    client: Client, block: Building, worker_a: User
) -> None:
    client.force_login(worker_a)
    in_english(client)
    lines = person_lines(client.get(roster_url(block)).context["rosters"][0])
    nonagenarian = lines["九十岁"].person
    assert nonagenarian is not None
    assert nonagenarian.flags == ["90+", "Lives alone"]  # a household of her own in the room
    family = [lines[name].person for name in ("张父", "张女")]
    assert [p.flags for p in family if p] == [[], ["Pregnant"]]


def test_roster_lists_each_unit_floor_by_floor_with_empty_rooms(
    client: Client, block: Building, worker_a: User
) -> None:
    client.force_login(worker_a)
    rosters = client.get(roster_url(block)).context["rosters"]
    assert [str(r.unit.number) for r in rosters] == ["1", "2"]
    unit_1 = rosters[0]
    assert [(line.room.number, line.person.resident.name if line.person else None)
            for line in unit_1.lines] == [
        ("101", "张父"),
        ("101", "张女"),
        ("102", "九十岁"),
        ("102", "九十岁的女儿"),
        ("201", None),
        ("202", None),
        ("302", "独居老人"),
    ]  # fmt: skip
    # The first line of a floor spans the floor's lines, the first of a room the room's.
    assert [line.floor_span for line in unit_1.lines] == [4, 0, 0, 0, 2, 0, 1]
    assert [line.room_span for line in unit_1.lines] == [2, 0, 2, 0, 1, 1, 1]
    assert (unit_1.residents, unit_1.over_80, unit_1.alone) == (5, 2, 3)
    assert "张母" not in {line.person.resident.name for line in unit_1.lines if line.person}


def test_one_unit_can_be_printed_alone(client: Client, block: Building, worker_a: User) -> None:
    unit_2 = block.units.get(number="2")
    client.force_login(worker_a)
    response = client.get(roster_url(block), {"unit": unit_2.pk})
    assert [r.unit for r in response.context["rosters"]] == [unit_2]
    body = response.content.decode()
    assert "二单元" in body
    assert "独居老人" not in body


def test_roster_page_links_its_print_stylesheet(
    client: Client, block: Building, worker_a: User
) -> None:
    client.force_login(worker_a)
    body = client.get(roster_url(block)).content.decode()
    assert "people/print.css" in body
    assert body.count('data-testid="roster-unit"') == 2
    assert client.get("/static/people/print.css").status_code == 200


def test_another_communitys_building_and_units_are_404(
    client: Client, block: Building, community_b: Community, worker_a: User
) -> None:
    theirs = building(compound(community_b, "别人的小区"), "9")
    person(household(room(theirs, "101")), "别处老人", born=aged(88))
    client.force_login(worker_a)
    assert client.get(roster_url(theirs)).status_code == 404
    their_unit = theirs.units.get()
    assert client.get(roster_url(block), {"unit": their_unit.pk}).status_code == 404
    picker = reverse("people:rosters")
    assert client.get(picker, {"compound": theirs.compound_id}).status_code == 404
    assert "别人的小区" not in client.get(picker).content.decode()


def test_picking_a_compound_lists_its_buildings_and_units(
    client: Client, block: Building, worker_a: User
) -> None:
    other = building(block.compound, "10")
    client.force_login(worker_a)
    response = client.get(reverse("people:rosters"), {"compound": block.compound_id})
    assert response.status_code == 200
    assert list(response.context["buildings"]) == [block, other]  # 3 before 10
    body = response.content.decode()
    assert roster_url(block) in body
    assert f"{roster_url(block)}?unit={block.units.get(number='2').pk}" in body


def test_a_roster_costs_the_same_queries_for_a_bigger_building(
    client: Client,
    community_a: Community,
    worker_a: User,
    django_assert_max_num_queries: Any,
) -> None:
    b = building(compound(community_a), "7", units=("1", "2", "3"))
    for unit in ("1", "2", "3"):
        for floor in range(1, 7):
            for side in ("01", "02"):
                home = household(room(b, f"{floor}{side}", unit=unit))
                person(home, f"{unit}-{floor}{side}", born=aged(81), tags=(Kind.CHRONIC,))
                person(home, f"{unit}-{floor}{side}家属", born=aged(50))
    client.force_login(worker_a)
    # session, user, groups, building, units, rooms, households, residents, tags, user's area
    with django_assert_max_num_queries(10):
        response = client.get(roster_url(b))
    assert sum(r.residents for r in response.context["rosters"]) == 72


def test_volunteer_sees_the_roster_they_carry_with_masked_phones_only(
    client: Client, block: Building, community_a: Community
) -> None:
    client.force_login(make_user(Role.VOLUNTEER, community_a))
    assert client.get(reverse("people:rosters")).status_code == 200
    body = client.get(roster_url(block)).content.decode()
    assert "独居老人" in body
    assert "139****5678" in body
    assert "13912345678" not in body
    assert "310" not in body  # no identity numbers on a roster
    assert client.get(reverse("people:resident-list")).status_code == 403


def test_hotel_staff_have_no_rosters(
    client: Client, block: Building, community_a: Community
) -> None:
    client.force_login(make_user(Role.HOTEL, street=community_a.street))
    assert client.get(roster_url(block)).status_code == 403


def test_roster_names_the_language_a_foreign_resident_needs(
    client: Client, block: Building, worker_a: User
) -> None:
    visitor = person(household(room(block, "301")), "Tanaka Yuki", born=aged(70))
    Vulnerability.objects.create(
        community=visitor.community,
        resident=visitor,
        kind=Kind.LANGUAGE,
        since=date(2000, 1, 1),
        details={"languages": ["ja", "en"]},
    )
    client.force_login(worker_a)
    in_english(client)

    lines = person_lines(client.get(roster_url(block)).context["rosters"][0])

    line = lines["Tanaka Yuki"].person
    assert line is not None
    assert line.flags == ["Lives alone", "Foreign resident needing a language (Japanese, English)"]
