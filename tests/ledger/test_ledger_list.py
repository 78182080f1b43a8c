"""The ledger (台账): filters, keyset pages, late rows, masking, who may see it."""

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from linli.core.models import Community, User
from linli.core.policy import SYSTEM, VISITOR, Actor
from linli.core.roles import Role
from linli.ledger.actions import do_assign, do_claim, do_complete, do_open_request
from linli.ledger.models import Channel, Request, Urgency
from linli.lib.keyset import Cursor
from tests.factories import make_area, make_resident, make_room, make_user
from tests.ledger.factories import make_category, make_request
from tests.people.list_factories import in_english

URL = reverse("ledger:ledger")
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=SHANGHAI)


def shown(client: Client, **params: Any) -> list[int]:
    """The pks of the ledger's rows, in the order shown."""
    response = client.get(URL, params)
    assert response.status_code == 200
    return [row.request.pk for row in response.context["rows"]]


def opened_at(community: Community, actor: Actor, at: datetime, **kwargs: Any) -> Request:
    return do_open_request(
        community,
        actor=actor,
        channel=kwargs.pop("channel", Channel.HOTLINE),
        category=make_category(kwargs.pop("code", "groceries")),
        description=kwargs.pop("description", "需要买菜 / needs groceries"),
        at=at,
        **kwargs,
    ).request


@pytest.fixture
def operator_a(community_a: Community) -> User:
    return make_user(Role.OPERATOR, community_a)


@pytest.fixture
def official(community_a: Community) -> User:
    return make_user(Role.OFFICIAL, street=community_a.street)


def test_ledger_shows_newest_first_and_nothing_of_another_community(
    client: Client, community_a: Community, community_b: Community, worker_a: User
) -> None:
    first = opened_at(community_a, worker_a, NOON)
    second = opened_at(community_a, worker_a, NOON + timedelta(minutes=5))
    opened_at(community_b, SYSTEM, NOON + timedelta(minutes=1), description="别人的诉求")
    client.force_login(worker_a)
    assert shown(client) == [second.pk, first.pk]
    assert "别人的诉求" not in client.get(URL).content.decode()


def test_street_official_sees_every_community_of_the_street(
    client: Client, community_a: Community, community_b: Community, official: User
) -> None:
    mine = opened_at(community_a, SYSTEM, NOON)
    theirs = opened_at(community_b, SYSTEM, NOON + timedelta(minutes=1))
    elsewhere = opened_at(make_area("别的街道的居委"), SYSTEM, NOON + timedelta(minutes=2))
    client.force_login(official)
    assert shown(client) == [theirs.pk, mine.pk]
    assert elsewhere.pk not in shown(client)


@pytest.fixture
def other_worker(community_a: Community) -> User:
    return make_user(Role.WORKER, community_a)


@pytest.fixture
def varied(community_a: Community, worker_a: User, other_worker: User) -> dict[str, Request]:
    """Requests differing in one respect each, opened an hour apart; two in compound 岐山村."""
    resident = make_resident(community_a, "王奶奶", phone="13912345678")
    neighbours = make_room(community_a, "101").households.create(community=community_a)
    hour = timedelta(hours=1)
    found = {
        "plain": opened_at(community_a, worker_a, NOON),
        "medicine": opened_at(
            community_a, worker_a, NOON + hour, code="medicine", description="代配降压药"
        ),
        "urgent": opened_at(
            community_a,
            worker_a,
            NOON + 2 * hour,
            urgency=Urgency.URGENT,
            urgency_reason="没有米了",
        ),
        "resident": opened_at(community_a, worker_a, NOON + 3 * hour, resident=resident),
        "assigned": opened_at(community_a, worker_a, NOON + 4 * hour),
        "done": opened_at(community_a, worker_a, NOON + 5 * hour),
        "next day": opened_at(community_a, worker_a, NOON + 24 * hour, description="停水了"),
        "household": opened_at(community_a, worker_a, NOON + 6 * hour, household=neighbours),
    }
    do_assign(found["assigned"], actor=worker_a, assignee=other_worker)
    claimed = do_claim(found["done"].pk, actor=worker_a)
    assert claimed is not None
    do_complete(claimed, actor=worker_a, result="送到了")
    return found


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "done"}, {"done"}),
        ({"status": "assigned"}, {"assigned"}),
        ({"category": "medicine"}, {"medicine"}),
        ({"urgency": "urgent"}, {"urgent"}),
        ({"q": "降压"}, {"medicine"}),
        ({"from": "2026-03-03"}, {"next day"}),
        ({"to": "2026-03-02"}, {"plain", "medicine", "urgent", "resident", "assigned", "done",
                                "household"}),
        ({"from": "2026-03-02", "to": "2026-03-02", "category": "medicine"}, {"medicine"}),
        ({"status": "bogus", "urgency": "bogus"}, None),  # unknown values are dropped
    ],
)  # fmt: skip
def test_filters_narrow_the_ledger(
    client: Client,
    varied: dict[str, Request],
    worker_a: User,
    params: dict[str, str],
    expected: set[str] | None,
) -> None:
    names = {r.pk: name for name, r in varied.items()}
    client.force_login(worker_a)
    got = {names[pk] for pk in shown(client, **params)}
    assert got == (expected if expected is not None else set(names.values()))


def test_assignee_and_compound_filters(
    client: Client, varied: dict[str, Request], worker_a: User, other_worker: User
) -> None:
    client.force_login(worker_a)
    assert shown(client, assignee=other_worker.pk) == [varied["assigned"].pk]
    household = varied["resident"].household
    assert household is not None
    compound = household.room.unit.building.compound
    assert set(shown(client, compound=compound.pk)) == {
        varied["resident"].pk,
        varied["household"].pk,
    }


def test_the_tracking_code_finds_its_request(
    client: Client, varied: dict[str, Request], worker_a: User
) -> None:
    client.force_login(worker_a)
    code = varied["medicine"].tracking_code
    assert shown(client, q=code.lower()) == [varied["medicine"].pk]


@pytest.mark.parametrize("q", ["王奶奶", "5678", "13912345678", "139 1234 5678", "3-502"])
def test_a_person_named_as_the_register_is_searched_finds_their_households_requests(
    client: Client, varied: dict[str, Request], worker_a: User, q: str
) -> None:
    client.force_login(worker_a)
    assert shown(client, q=q) == [varied["resident"].pk]


def test_a_phone_left_on_the_public_form_finds_its_request(
    client: Client, community_a: Community, worker_a: User
) -> None:
    theirs = opened_at(
        community_a, VISITOR, NOON, channel=Channel.ONLINE, contact_phone="13700001111"
    )
    opened_at(community_a, VISITOR, NOON, channel=Channel.ONLINE, contact_phone="13700002222")
    client.force_login(worker_a)
    assert shown(client, q="137 0000 1111") == [theirs.pk]


def test_a_name_of_another_community_finds_nothing(
    client: Client, community_a: Community, community_b: Community, worker_a: User
) -> None:
    elsewhere = make_resident(community_b, "李四", phone="13600001234")
    opened_at(community_b, SYSTEM, NOON, resident=elsewhere)
    client.force_login(worker_a)
    assert shown(client, q="李四") == []


def test_another_communitys_compound_is_404(
    client: Client, community_a: Community, community_b: Community, worker_a: User
) -> None:
    theirs = make_room(community_b).unit.building.compound
    client.force_login(worker_a)
    assert client.get(URL, {"compound": theirs.pk}).status_code == 404


def test_late_only_keeps_open_requests_past_their_deadline(
    client: Client, community_a: Community, worker_a: User
) -> None:
    with time_machine.travel(NOON, tick=False):
        late = make_request(community_a, worker_a).request  # groceries: 24 h
        finished = make_request(community_a, worker_a).request
        claimed = do_claim(finished.pk, actor=worker_a)
        assert claimed is not None
        do_complete(claimed, actor=worker_a, result="送到了")
    with time_machine.travel(NOON + timedelta(hours=12), tick=False):
        fresh = make_request(community_a, worker_a).request
    client.force_login(worker_a)
    with time_machine.travel(NOON + timedelta(hours=27), tick=False):
        assert shown(client, late="1") == [late.pk]
        assert set(shown(client)) == {late.pk, finished.pk, fresh.pk}


def pages(client: Client, **params: str) -> list[list[int]]:
    """Every page, following the "Older" links from the first."""
    result = []
    query: dict[str, Any] = dict(params)
    while True:
        response = client.get(URL, query)
        assert response.status_code == 200
        result.append([row.request.pk for row in response.context["rows"]])
        older = response.context["older_query"]
        if not older:
            return result
        assert 'data-testid="older"' in response.content.decode()
        query = {k: v[0] for k, v in parse_qs(older).items()}


def test_keyset_pages_hold_each_request_exactly_once_despite_equal_times(
    client: Client, community_a: Community, worker_a: User
) -> None:
    with time_machine.travel(NOON, tick=False):  # every request has the same created_at
        made = [make_request(community_a, worker_a).request.pk for _ in range(55)]
    with time_machine.travel(NOON - timedelta(minutes=1), tick=False):
        made += [make_request(community_a, worker_a).request.pk for _ in range(50)]
    client.force_login(worker_a)
    got = pages(client)
    assert [len(p) for p in got] == [50, 50, 5]
    flat = [pk for page in got for pk in page]
    assert len(flat) == len(set(flat)) == 105
    assert set(flat) == set(made)
    assert flat[:55] == sorted(made[:55], reverse=True)  # ties broken by id, newest first


def test_newer_links_walk_back_to_the_first_page(
    client: Client, community_a: Community, worker_a: User
) -> None:
    with time_machine.travel(NOON, tick=False):
        made = [make_request(community_a, worker_a).request.pk for _ in range(120)]
    newest_first = sorted(made, reverse=True)
    client.force_login(worker_a)
    first = client.get(URL)
    assert first.context["newer_query"] == ""
    second = client.get(URL + "?" + first.context["older_query"])
    third = client.get(URL + "?" + second.context["older_query"])
    assert [r.request.pk for r in third.context["rows"]] == newest_first[100:]
    back = client.get(URL + "?" + third.context["newer_query"])
    assert [r.request.pk for r in back.context["rows"]] == newest_first[50:100]
    assert back.context["newer_query"]
    top = client.get(URL + "?" + back.context["newer_query"])
    assert [r.request.pk for r in top.context["rows"]] == newest_first[:50]
    assert top.context["newer_query"] == ""  # the first page again, with no newer link


def test_keyset_pages_across_communities_hold_each_request_once(
    client: Client, community_a: Community, community_b: Community, official: User
) -> None:
    with time_machine.travel(NOON, tick=False):
        made = [make_request(community_a, SYSTEM).request.pk for _ in range(30)]
        made += [make_request(community_b, SYSTEM).request.pk for _ in range(40)]
    client.force_login(official)
    got = pages(client)
    flat = [pk for page in got for pk in page]
    assert [len(p) for p in got] == [50, 20]
    assert flat == sorted(made, reverse=True)


def test_filters_survive_paging(client: Client, community_a: Community, worker_a: User) -> None:
    with time_machine.travel(NOON, tick=False):
        meds = [make_request(community_a, worker_a, code="medicine").request.pk for _ in range(52)]
        for _ in range(10):
            make_request(community_a, worker_a)
    client.force_login(worker_a)
    got = pages(client, category="medicine")
    assert sorted(pk for page in got for pk in page) == sorted(meds)


def test_an_unreadable_cursor_gives_the_first_page(
    client: Client, community_a: Community, worker_a: User
) -> None:
    made = opened_at(community_a, worker_a, NOON)
    client.force_login(worker_a)
    assert shown(client, before="yesterday,x") == [made.pk]
    assert shown(client, before=str(Cursor(NOON + timedelta(seconds=1), 0))) == [made.pk]
    assert shown(client, before=str(Cursor(NOON, made.pk))) == []


def test_late_requests_are_red_with_their_lateness_and_escalation(
    client: Client, community_a: Community, worker_a: User
) -> None:
    with time_machine.travel(NOON, tick=False):
        late = make_request(community_a, worker_a).request  # groceries, normal: 24 h
    client.force_login(worker_a)
    in_english(client)
    with time_machine.travel(NOON + timedelta(hours=12), tick=False):
        response = client.get(URL)
        assert response.context["rows"][0].late == ""
        assert 'class="late"' not in response.content.decode()
    with time_machine.travel(NOON + timedelta(hours=27, minutes=10), tick=False):
        response = client.get(URL)
        html = response.content.decode()
        row = response.context["rows"][0]
        assert row.request.pk == late.pk
        assert row.late == "late by 3 h"
        assert row.escalation == 1
        assert f'data-request="{late.pk}" class="late"' in html
        assert "late by 3 h" in html
        assert 'data-level="1"' in html
    with time_machine.travel(NOON + timedelta(hours=48), tick=False):
        row = client.get(URL).context["rows"][0]
        assert row.escalation == 2  # twice the time allowed: up to the street
        assert row.late == "late by 24 h"


def test_a_done_request_is_never_late(
    client: Client, community_a: Community, worker_a: User
) -> None:
    with time_machine.travel(NOON, tick=False):
        opened = make_request(community_a, worker_a).request
        claimed = do_claim(opened.pk, actor=worker_a)
        assert claimed is not None
        do_complete(claimed, actor=worker_a, result="送到了")
    client.force_login(worker_a)
    with time_machine.travel(NOON + timedelta(days=3), tick=False):
        row = client.get(URL).context["rows"][0]
    assert (row.late, row.escalation) == ("", 0)


def test_the_name_is_the_residents_and_never_a_room(
    client: Client, community_a: Community, worker_a: User
) -> None:
    resident = make_resident(community_a, "王奶奶", phone="13912345678")
    opened_at(community_a, worker_a, NOON, resident=resident)
    opened_at(community_a, worker_a, NOON + timedelta(minutes=1), household=resident.household)
    # The public form: a room typed by the resident, no one of the register named.
    opened_at(
        community_a,
        SYSTEM,
        NOON + timedelta(minutes=2),
        channel=Channel.ONLINE,
        address_text="3-502",
    )
    client.force_login(worker_a)
    response = client.get(URL)
    online, by_household, by_resident = response.context["rows"]
    assert by_resident.name == "王奶奶"
    assert by_household.name == online.name == ""
    assert by_household.address == by_resident.address == resident.household.room.address()
    assert online.address == "3-502"
    html = response.content.decode()
    assert html.count(">3-502<") == 1  # under Address only; Name shows a dash
    work = client.get(reverse("ledger:worklist", args=["unassigned"]))
    assert {row.request.pk: row.name for row in work.context["rows"]} == {
        online.request.pk: "",
        by_household.request.pk: "",
        by_resident.request.pk: "王奶奶",
    }


def test_phones_are_masked_in_the_list_for_every_role(
    client: Client, community_a: Community, worker_a: User, official: User
) -> None:
    """A full number is a logged click on the request's own page, never a list of them."""
    resident = make_resident(community_a, "王奶奶", phone="13912345678")
    opened_at(community_a, worker_a, NOON, resident=resident)
    for user in (official, worker_a):
        client.force_login(user)
        html = client.get(URL).content.decode()
        assert "139****5678" in html
        assert "13912345678" not in html


def test_operators_see_the_ledger_volunteers_do_not(
    client: Client, community_a: Community, operator_a: User
) -> None:
    client.force_login(operator_a)
    assert client.get(URL).status_code == 200
    client.force_login(make_user(Role.VOLUNTEER, community_a))
    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


def test_ledger_page_costs_a_fixed_number_of_queries(
    client: Client,
    community_a: Community,
    worker_a: User,
    django_assert_max_num_queries: Any,
) -> None:
    resident = make_resident(community_a, "王奶奶")
    team_lead = make_user(Role.WORKER, community_a)
    with time_machine.travel(NOON, tick=False):
        made = [make_request(community_a, worker_a, resident=resident).request for _ in range(60)]
    for r in made[::2]:
        do_assign(r, actor=worker_a, assignee=team_lead)
    client.force_login(worker_a)
    client.get(URL)  # warm the content-type and category caches
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"status": "assigned"})
    assert len(response.context["rows"]) == 30
    older = client.get(URL).context["older_query"]
    with django_assert_max_num_queries(8):
        response = client.get(URL + "?" + older)
    assert len(response.context["rows"]) == 10


@pytest.mark.parametrize(
    "params",
    [
        {"before": "2026-03-02T12:00:00+08:00,99999999999999999999999"},
        {"after": "9999-12-31T23:59:59,1"},
        {"from": "0001-01-01", "to": "9999-12-31"},
        {"compound": "abc", "assignee": "-1", "late": "yes"},
    ],
)
def test_odd_query_strings_give_a_page_not_an_error(
    client: Client, community_a: Community, worker_a: User, params: dict[str, str]
) -> None:
    made = opened_at(community_a, worker_a, NOON)
    client.force_login(worker_a)
    assert shown(client, **params) == [made.pk]


def test_the_ledger_sorts_open_requests_by_urgency_then_deadline(
    client: Client, community_a: Community, worker_a: User
) -> None:
    groceries = make_request(community_a, worker_a, description="买菜").request
    medicine = make_request(community_a, worker_a, code="medicine", description="配降压药").request
    emergency = make_request(community_a, worker_a, code="medicine", description="呼吸困难").request
    urgent = do_open_request(
        community_a, actor=worker_a, channel=Channel.HOTLINE, category=make_category("medicine"),
        description="配药", urgency=Urgency.URGENT, urgency_reason="独居老人",
    ).request  # fmt: skip
    finished = do_claim(make_request(community_a, worker_a).request.pk, actor=worker_a)
    assert finished is not None
    do_complete(finished, actor=worker_a, result="好了")
    client.force_login(worker_a)

    listed = shown(client, sort="pressing")

    assert listed == [emergency.pk, urgent.pk, medicine.pk, groceries.pk]  # the done one: not open
    assert shown(client)[0] == finished.pk  # newest first, as before


def test_the_pressing_order_pages_by_number(
    client: Client, community_a: Community, worker_a: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from linli.ledger import views_lists

    monkeypatch.setattr(views_lists, "PER_PAGE", 2)
    made = [make_request(community_a, worker_a, description=f"第{n}件").request for n in range(5)]
    client.force_login(worker_a)

    first = client.get(URL, {"sort": "pressing"})
    assert "page=2" in first.context["older_query"] and first.context["newer_query"] == ""
    pages = [shown(client, sort="pressing", page=n) for n in (1, 2, 3)]

    assert [pk for page in pages for pk in page] == [r.pk for r in made]  # in the order they came
