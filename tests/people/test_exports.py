from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from linli.core.models import Community, PiiAccess, User
from linli.core.roles import Role
from linli.people import list_selectors
from linli.people.models import Vulnerability
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
from tests.xlsx import sheet_rows

Kind = Vulnerability.Kind
HEADER_EN = [
    "No.",
    "Name",
    "Sex",
    "Date of birth",
    "Age",
    "Identity number",
    "Contact phone",
    "Compound",
    "Building no.",
    "Unit",
    "Room no.",
    "Vulnerable groups",
]


def by_name(rows: list[list[Any]]) -> dict[str, dict[str, Any]]:
    header = rows[0]
    return {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}


@pytest.fixture
def register(community_a: Community, community_b: Community) -> None:
    b = building(compound(community_a, "岐山村"), "3")
    person(
        household(room(b, "502")),
        "王奶奶",
        born=aged(91),
        phone="13912345678",
        id_number="310101193501011234",
        tags=(Kind.CHRONIC, Kind.LIVES_ALONE),
    )
    person(
        household(room(b, "101")),
        "张三",
        born=aged(40),
        phone="13812345678",
        id_number="310101198601011237",
    )
    theirs = building(compound(community_b, "别人的小区"), "9")
    person(household(room(theirs, "101")), "别处老人", born=aged(88), phone="13700001111")


@pytest.mark.usefixtures("register")
def test_worker_exports_the_register_with_full_numbers_and_it_is_logged_once(
    client: Client, community_a: Community, worker_a: User
) -> None:
    client.force_login(worker_a)
    in_english(client)
    rows = sheet_rows(client.get(reverse("people:export-register")))
    assert rows[0] == HEADER_EN
    people = by_name(rows)
    assert set(people) == {"王奶奶", "张三"}  # the other community's resident is not exported
    grandma = people["王奶奶"]
    assert grandma["Contact phone"] == "13912345678"
    assert grandma["Identity number"] == "310101193501011234"
    assert grandma["Age"] == 91
    assert grandma["Vulnerable groups"] == "Lives alone, Chronic disease"
    assert (grandma["Compound"], grandma["Building no."], grandma["Unit"]) == ("岐山村", "3", "1")
    assert grandma["Room no."] == "502"
    assert [r[0] for r in rows[1:]] == [1, 2]  # numbered in roster order: room 101 first
    access = PiiAccess.objects.get()
    assert (access.user, access.community, access.subject_id) == (
        worker_a,
        community_a,
        community_a.pk,
    )
    assert access.subject_type == ContentType.objects.get_for_model(Community)
    assert access.fields == "export:register,phone,id_number"


@pytest.mark.usefixtures("register")
def test_official_gets_masked_phones_and_no_identity_numbers_logged_per_community(
    client: Client, community_a: Community
) -> None:
    client.force_login(make_user(Role.OFFICIAL, street=community_a.street))
    in_english(client)
    rows = sheet_rows(client.get(reverse("people:export-register")))
    assert "Identity number" not in rows[0]
    assert "Community" in rows[0]  # a street official's register spans communities
    people = by_name(rows)
    assert set(people) == {"王奶奶", "张三", "别处老人"}
    assert people["王奶奶"]["Contact phone"] == "139****5678"
    flat = repr(rows)
    assert "13912345678" not in flat
    assert "310101193501011234" not in flat
    assert "310***********1234" not in flat  # not even masked
    # Names and addresses are personal data too: one entry per community the export covered.
    logged = {(a.community.name, a.fields, a.rows) for a in PiiAccess.objects.all()}
    assert logged == {
        (community_a.name, "export:register,masked", 2),
        ("华山居民区", "export:register,masked", 1),
    }


def test_register_page_says_which_export_has_full_numbers_and_is_logged(
    client: Client, community_a: Community, worker_a: User
) -> None:
    in_english(client)
    client.force_login(worker_a)
    worker_page = client.get(reverse("people:resident-list")).content.decode()
    client.force_login(make_user(Role.OFFICIAL, street=community_a.street))
    official_page = client.get(reverse("people:resident-list")).content.decode()

    assert "Export the register (.xlsx, full numbers, logged)" in worker_page
    assert f'href="{reverse("people:export-register")}?masked=1"' in worker_page
    assert "full numbers" not in official_page  # the street's export is masked anyway
    assert "Export the register (.xlsx)" in official_page


@pytest.mark.usefixtures("register")
def test_worker_may_ask_for_a_masked_export_which_is_logged_as_masked(
    client: Client, worker_a: User
) -> None:
    client.force_login(worker_a)
    in_english(client)
    people = by_name(sheet_rows(client.get(reverse("people:export-register"), {"masked": "1"})))
    assert people["王奶奶"]["Contact phone"] == "139****5678"
    assert people["王奶奶"]["Identity number"] == "310***********1234"
    assert PiiAccess.objects.get().fields == "export:register,masked"


@pytest.mark.usefixtures("register")
def test_vulnerable_export_follows_the_filters_of_the_list(
    client: Client, community_a: Community, worker_a: User
) -> None:
    client.force_login(worker_a)
    url = reverse("people:export-vulnerable")
    assert set(by_name(sheet_rows(client.get(url)))) == {"王奶奶"}
    assert set(by_name(sheet_rows(client.get(url, {"tag": Kind.DISABLED.value})))) == set()
    assert set(by_name(sheet_rows(client.get(url, {"tag": "90+"})))) == {"王奶奶"}
    access = PiiAccess.objects.order_by("pk").first()
    assert access is not None
    assert access.fields == "export:vulnerable,phone,id_number"
    assert PiiAccess.objects.count() == 2  # one per export of somebody (none for the empty one)


@pytest.mark.usefixtures("register")
def test_street_official_exports_one_community_of_the_street(
    client: Client, community_b: Community
) -> None:
    client.force_login(make_user(Role.OFFICIAL, street=community_b.street))
    rows = sheet_rows(
        client.get(reverse("people:export-vulnerable"), {"community": community_b.pk})
    )
    assert set(by_name(rows)) == {"别处老人"}


def test_another_communitys_compound_cannot_be_exported(
    client: Client, community_b: Community, worker_a: User
) -> None:
    theirs = compound(community_b, "别人的小区")
    client.force_login(worker_a)
    response = client.get(reverse("people:export-vulnerable"), {"compound": theirs.pk})
    assert response.status_code == 404
    assert not PiiAccess.objects.exists()


def test_a_long_register_is_written_chunk_by_chunk_with_the_right_tags(
    client: Client,
    community_a: Community,
    worker_a: User,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_max_num_queries: Any,
) -> None:
    monkeypatch.setattr(list_selectors, "CHUNK", 3)
    b = building(compound(community_a), "3")
    for n in range(1, 11):
        tags = (Kind.DISABLED,) if n % 2 else ()
        person(household(room(b, f"{n}01")), f"居民{n:02}", tags=tags)
    client.force_login(worker_a)
    in_english(client)
    with django_assert_max_num_queries(20):
        rows = sheet_rows(client.get(reverse("people:export-register")))
    people = by_name(rows)
    assert len(people) == 10
    assert [r[1] for r in rows[1:]] == [f"居民{n:02}" for n in range(1, 11)]  # floor by floor
    assert all(
        people[f"居民{n:02}"]["Vulnerable groups"] == ("Disabled" if n % 2 else None)
        for n in range(1, 11)
    )


@pytest.mark.usefixtures("register")
def test_count_table_export_has_a_title_header_rows_and_totals(
    client: Client, worker_a: User
) -> None:
    client.force_login(worker_a)
    in_english(client)
    rows = sheet_rows(client.get(reverse("people:export-counts")))
    assert str(rows[0][0]).startswith("Count table of")
    header = rows[1]
    assert header[:2] == ["No.", "Compound"]
    assert header[-4:] == ["Aged 80+", "Aged 90+", "One-person households", "Residents"]
    figures = dict(zip(header, rows[2], strict=True))
    assert figures["Compound"] == "岐山村"
    assert (figures["Aged 90+"], figures["Residents"], figures["Chronic disease"]) == (1, 2, 1)
    assert figures["One-person households"] == 2
    assert rows[-1][0] == "Total"
    assert rows[-1][-1] == 2
    assert not PiiAccess.objects.exists()
    by_building = sheet_rows(client.get(reverse("people:export-counts"), {"by": "building"}))
    assert by_building[1][:3] == ["No.", "Compound", "Building no."]


@pytest.mark.parametrize("name", ["export-register", "export-vulnerable", "export-counts"])
def test_volunteer_may_not_export(client: Client, community_a: Community, name: str) -> None:
    client.force_login(make_user(Role.VOLUNTEER, community_a))
    assert client.get(reverse(f"people:{name}")).status_code == 403


def test_exports_ask_for_a_login(client: Client, db: None) -> None:
    response = client.get(reverse("people:export-register"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
