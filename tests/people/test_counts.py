from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.core.models import Community, User
from linli.core.roles import Role
from linli.people.list_selectors import CountTable, count_table
from linli.people.models import Vulnerability
from tests.factories import make_user
from tests.people.list_factories import aged, building, compound, household, person, room

Kind = Vulnerability.Kind
URL = reverse("people:counts")


def by_place(table: CountTable) -> dict[str, dict[str, int]]:
    """Row label → column key → figure (zeros left out, to compare with hand-made figures)."""
    out = {}
    for row in table.rows:
        label = f"{row.compound} {row.building}".strip()
        out[label] = {c.key: v for c, v in zip(table.columns, row.values, strict=True) if v}
    return out


def totals(table: CountTable) -> dict[str, int]:
    return {c.key: v for c, v in zip(table.columns, table.totals, strict=True) if v}


@pytest.fixture
def register(community_a: Community, community_b: Community) -> None:
    """Community A: two compounds with people and one empty compound; B: a 95-year-old."""
    qishan, huashan = compound(community_a, "岐山村"), compound(community_a, "华山坊")
    compound(community_a, "空小区")
    b3, b5 = building(qishan, "3"), building(qishan, "5")
    family = household(room(b3, "101"))
    person(family, "张", born=aged(85), tags=(Kind.DISABLED, Kind.DISABLED))  # tagged twice
    person(family, "李", born=aged(40))
    person(household(room(b3, "102")), "王", born=aged(92), tags=(Kind.CHRONIC, Kind.LIVES_ALONE))
    widow = household(room(b5, "201"))
    person(widow, "赵", born=aged(81))
    person(widow, "钱", born=aged(83), active=False)  # moved out: 赵 now lives alone
    young = household(room(b5, "202"))
    person(young, "孙", born=aged(30), ended_tags=(Kind.HARDSHIP,))
    person(young, "周", born=aged(1), tags=(Kind.INFANT,))
    loner = household(room(building(huashan, "1"), "301"))
    person(loner, "吴", born=aged(60), tags=(Kind.CHRONIC, Kind.DISABLED))
    elsewhere = household(room(building(compound(community_b, "别人的小区"), "9"), "101"))
    person(elsewhere, "郑", born=aged(95))


@pytest.mark.usefixtures("register")
def test_count_table_per_compound_matches_the_register(worker_a: User) -> None:
    table = count_table(worker_a, timezone.localdate())
    assert by_place(table) == {
        "华山坊": {"disabled": 1, "chronic": 1, "alone_households": 1, "total": 1},
        "岐山村": {
            "alone_households": 2,  # households of 王 and of 赵 (whose husband moved out)
            Kind.LIVES_ALONE.value: 1,
            "disabled": 1,
            "chronic": 1,
            "infant": 1,
            "80+": 3,
            "90+": 1,
            "total": 6,
        },
        "空小区": {},
    }
    assert totals(table) == {
        "alone_households": 3,
        Kind.LIVES_ALONE.value: 1,
        "disabled": 2,
        "chronic": 2,
        "infant": 1,
        "80+": 3,
        "90+": 1,
        "total": 7,
    }
    assert not table.several_communities


@pytest.mark.usefixtures("register")
def test_count_table_per_building(worker_a: User) -> None:
    table = count_table(worker_a, timezone.localdate(), by_building=True)
    assert by_place(table) == {
        "华山坊 1": {"disabled": 1, "chronic": 1, "alone_households": 1, "total": 1},
        "岐山村 3": {
            Kind.LIVES_ALONE.value: 1,
            "disabled": 1,
            "chronic": 1,
            "80+": 2,
            "90+": 1,
            "alone_households": 1,
            "total": 3,
        },
        "岐山村 5": {"infant": 1, "80+": 1, "alone_households": 1, "total": 3},
    }
    assert totals(table)["total"] == 7


@pytest.mark.usefixtures("register")
def test_street_official_gets_a_row_per_compound_of_every_community(
    community_a: Community,
) -> None:
    official = make_user(Role.OFFICIAL, street=community_a.street)
    table = count_table(official, timezone.localdate())
    assert table.several_communities
    rows = [(r.community, r.compound) for r in table.rows]
    ours = [("岐山居民区", "华山坊"), ("岐山居民区", "岐山村"), ("岐山居民区", "空小区")]
    theirs = ("华山居民区", "别人的小区")
    assert rows in ([*ours, theirs], [theirs, *ours])
    assert totals(table)["total"] == 8
    assert totals(table)["90+"] == 2


@pytest.mark.usefixtures("register")
def test_count_page_shows_figures_and_totals_of_the_own_community_only(
    client: Client, worker_a: User
) -> None:
    client.force_login(worker_a)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "岐山村" in body
    assert "别人的小区" not in body
    assert 'data-testid="count-totals"' in body
    assert response.context["place_span"] == 1
    by_building = client.get(URL, {"by": "building"})
    assert [r.building for r in by_building.context["table"].rows] == ["1", "3", "5"]


def test_count_page_costs_the_same_queries_however_many_compounds(
    client: Client,
    community_a: Community,
    worker_a: User,
    django_assert_max_num_queries: Any,
) -> None:
    for c in range(6):
        for b in range(3):
            home = household(room(building(compound(community_a, f"小区{c}"), str(b + 1)), "101"))
            person(home, f"老人{c}-{b}", born=aged(85), tags=(Kind.CHRONIC,))
            person(home, f"家属{c}-{b}", born=aged(50))
    client.force_login(worker_a)
    for by in ("compound", "building"):
        # session, user, groups, the figures, the list of places, the user's area for the heading
        with django_assert_max_num_queries(6):
            response = client.get(URL, {"by": by})
        assert response.context["table"].totals[-1] == 36


def test_count_table_holds_nothing_for_a_user_without_an_area(community_a: Community) -> None:
    person(household(room(building(compound(community_a)))), "张", born=aged(85))
    nobody = User.objects.create_user("nobody")
    table = count_table(nobody, timezone.localdate())
    assert table.rows == []
    assert set(table.totals) == {0}


def test_volunteer_may_not_see_the_count_table(client: Client, community_a: Community) -> None:
    client.force_login(make_user(Role.VOLUNTEER, community_a))
    assert client.get(URL).status_code == 403
