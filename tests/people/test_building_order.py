"""Buildings are listed and offered in the order a committee counts them: 2 before 10, 3号楼
before 12号楼, never 1, 10, 11 … 2 as text sorts."""

import pytest
from django.test import Client
from django.urls import reverse

from linli.core.models import Building, Community, User
from linli.people.selectors import buildings_for
from tests.people.list_factories import building, compound, household, in_english, person, room

NATURAL = ["1", "2", "3", "10", "11", "20"]
NAMED = ["3号楼", "12号楼"]


@pytest.fixture
def numbered(community_a: Community) -> list[Building]:
    """Buildings of one compound, made in text order (the order a plain sort would give)."""
    place = compound(community_a)
    return [building(place, number) for number in sorted(NATURAL)]


def test_the_register_s_buildings_are_in_number_order(
    community_a: Community, worker_a: User, numbered: list[Building]
) -> None:
    place = compound(community_a, "延安西路小区")
    for number in sorted(NAMED):
        building(place, number)

    found = [(b.compound.name, b.number) for b in buildings_for(worker_a)]

    assert found == [("岐山村", n) for n in NATURAL] + [("延安西路小区", n) for n in NAMED]


@pytest.mark.parametrize("page", ["add", "move"])
def test_the_address_forms_offer_buildings_in_number_order(
    client: Client, community_a: Community, worker_a: User, numbered: list[Building], page: str
) -> None:
    home = household(room(numbered[0]))
    person(home, "张三")
    client.force_login(worker_a)
    in_english(client)
    url = (
        reverse("people:resident-add")
        if page == "add"
        else reverse("people:household-move", args=[home.pk])
    )

    form = client.get(url).context["address" if page == "add" else "form"]

    offered = [b.number for b in form.fields["building"].queryset]
    assert offered == NATURAL


def test_the_lists_of_buildings_are_in_number_order(
    client: Client, community_a: Community, worker_a: User, numbered: list[Building]
) -> None:
    place = compound(community_a)
    client.force_login(worker_a)

    rosters = client.get(reverse("people:rosters"), {"compound": place.pk}).context["buildings"]
    vulnerable = client.get(reverse("people:vulnerable-list"), {"compound": place.pk}).context
    counts = client.get(reverse("people:counts"), {"by": "building"}).context["table"]

    assert [b.number for b in rosters] == NATURAL
    assert [b.number for b in vulnerable["buildings"]] == NATURAL
    assert [row.building for row in counts.rows] == NATURAL
