from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.core.models import Community, User
from linli.core.roles import Role
from linli.people.models import Vulnerability
from linli.people.selectors import years_ago
from tests.factories import make_user
from tests.people.list_factories import aged, building, compound, household, person, room

Kind = Vulnerability.Kind
URL = reverse("people:vulnerable-list")


def names(client: Client, **params: Any) -> set[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return {row["resident"].name for row in response.context["rows"]}


@pytest.fixture
def street(community_a: Community) -> dict[str, Any]:
    """Two compounds of community A: a tagged, an 85-, a 92-year-old, and two who are neither."""
    qishan, huashan = compound(community_a, "岐山村"), compound(community_a, "华山坊")
    b3, b5 = building(qishan, "3"), building(qishan, "5")
    person(household(room(b3, "101")), "残疾甲", born=aged(40), tags=(Kind.DISABLED,))
    person(household(room(b3, "102")), "八五老人", born=aged(85))
    person(household(room(b5, "201")), "九二老人", born=aged(92), tags=(Kind.CHRONIC,))
    person(household(room(b5, "202")), "普通乙", born=aged(50))
    person(household(room(b5, "203")), "已摘帽", born=aged(45), ended_tags=(Kind.HARDSHIP,))
    person(household(room(building(huashan, "1"), "301")), "独居丙", tags=(Kind.LIVES_ALONE,))
    return {"qishan": qishan, "huashan": huashan, "b3": b3, "b5": b5}


def test_list_holds_tagged_residents_and_everyone_aged_80_and_over(
    client: Client, street: dict[str, Any], worker_a: User
) -> None:
    client.force_login(worker_a)
    assert names(client) == {"残疾甲", "八五老人", "九二老人", "独居丙"}


def test_someone_turns_80_on_their_birthday_not_the_day_before(
    client: Client, community_a: Community, worker_a: User
) -> None:
    home = household(room(building(compound(community_a))))
    person(home, "今天八十", born=aged(80))
    tomorrow = years_ago(timezone.localdate(), 80) + timedelta(days=1)
    person(home, "明天八十", born=tomorrow)
    client.force_login(worker_a)
    assert names(client) == {"今天八十"}


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("80+", {"八五老人", "九二老人"}),
        ("90+", {"九二老人"}),
        (Kind.DISABLED.value, {"残疾甲"}),
        (Kind.CHRONIC.value, {"九二老人"}),
        (Kind.HARDSHIP.value, set()),  # the only hardship tag has ended
        ("no-such-tag", {"残疾甲", "八五老人", "九二老人", "独居丙"}),
    ],
)
def test_filter_by_tag_and_age_group(
    client: Client, street: dict[str, Any], worker_a: User, tag: str, expected: set[str]
) -> None:
    client.force_login(worker_a)
    assert names(client, tag=tag) == expected


def test_filter_by_compound_and_building(
    client: Client, street: dict[str, Any], worker_a: User
) -> None:
    client.force_login(worker_a)
    assert names(client, compound=street["huashan"].pk) == {"独居丙"}
    assert names(client, compound=street["qishan"].pk) == {"残疾甲", "八五老人", "九二老人"}
    assert names(client, compound=street["qishan"].pk, building=street["b5"].pk) == {"九二老人"}
    both = {"compound": street["qishan"].pk, "building": street["b3"].pk, "tag": "80+"}
    assert names(client, **both) == {"八五老人"}


def test_building_of_another_compound_is_ignored(
    client: Client, street: dict[str, Any], worker_a: User
) -> None:
    client.force_login(worker_a)
    params = {"compound": street["huashan"].pk, "building": street["b3"].pk}
    assert names(client, **params) == {"独居丙"}


def test_another_communitys_residents_and_places_stay_out_of_reach(
    client: Client, street: dict[str, Any], community_b: Community, worker_a: User
) -> None:
    theirs = compound(community_b, "别人的小区")
    their_building = building(theirs, "9")
    person(household(room(their_building, "101")), "别处老人", born=aged(88))
    client.force_login(worker_a)
    body = client.get(URL).content.decode()
    assert "别处老人" not in body
    assert "别人的小区" not in body
    assert client.get(URL, {"compound": theirs.pk}).status_code == 404
    params = {"compound": street["qishan"].pk, "building": their_building.pk}
    assert client.get(URL, params).status_code == 404


def test_street_official_sees_both_communities_of_the_street(
    client: Client, street: dict[str, Any], community_b: Community
) -> None:
    person(
        household(room(building(compound(community_b, "华东小区"), "1"))), "乙区老人", born=aged(81)
    )
    client.force_login(make_user(Role.OFFICIAL, street=community_b.street))
    assert "乙区老人" in names(client)
    assert names(client, community=community_b.pk) == {"乙区老人"}


def test_rows_show_age_address_tags_and_a_masked_phone_even_to_a_worker(
    client: Client, community_a: Community, worker_a: User
) -> None:
    b = building(compound(community_a, "岐山村"), "3")
    person(household(room(b, "502")), "王奶奶", born=aged(91), phone="13912345678",
           tags=(Kind.CHRONIC,))  # fmt: skip
    client.force_login(worker_a)
    response = client.get(URL)
    body = response.content.decode()
    (row,) = response.context["rows"]
    assert (row["age"], row["age_group"]) == (91, "90+")
    assert row["tags"] == [Kind.CHRONIC.label]
    assert row["resident"].household.room.address() in body
    assert "139****5678" in body
    assert "13912345678" not in body


def test_a_page_costs_the_same_queries_for_many_residents(
    client: Client,
    community_a: Community,
    worker_a: User,
    django_assert_max_num_queries: Any,
) -> None:
    b = building(compound(community_a), "3")
    for n in range(30):
        person(household(room(b, f"{n + 1}01")), f"老人{n}", born=aged(85), tags=(Kind.CHRONIC,))
    client.force_login(worker_a)
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert len(response.context["rows"]) == 30


def test_pages_keep_the_filters(client: Client, community_a: Community, worker_a: User) -> None:
    b = building(compound(community_a), "3")
    for n in range(55):
        person(household(room(b, f"{n + 1}01")), f"老人{n}", born=aged(85))
    client.force_login(worker_a)
    body = client.get(URL, {"tag": "80+"}).content.decode()
    assert "?tag=80%2B&amp;page=2" in body


def test_volunteer_may_not_see_the_list(client: Client, community_a: Community) -> None:
    client.force_login(make_user(Role.VOLUNTEER, community_a))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("odd", ["²", "３", "99999999999999999999999"])
def test_a_place_filter_that_is_no_number_gives_the_list_not_an_error(
    client: Client, worker_a: User, odd: str
) -> None:
    client.force_login(worker_a)
    assert client.get(URL, {"compound": odd, "building": odd}).status_code == 200
