"""Worklists: mine, my teams, unassigned, late, callbacks due; the street's late list; the
htmx refresh; the list they open on."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from linli.core.models import Community, Team, User
from linli.core.policy import SYSTEM
from linli.core.roles import Role
from linli.ledger.actions import do_assign, do_claim, do_complete, do_record_callback
from linli.ledger.models import Request
from tests.factories import make_area, make_user
from tests.ledger.factories import make_request

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=SHANGHAI)


def fail() -> Request:
    raise AssertionError("the request was not claimed")


def url(which: str) -> str:
    return reverse("ledger:worklist", args=[which])


def listed(client: Client, which: str) -> list[int]:
    response = client.get(url(which))
    assert response.status_code == 200
    return [row.request.pk for row in response.context["rows"]]


def counts(client: Client, which: str = "mine") -> dict[str, int]:
    return {key: count for key, _label, count in client.get(url(which)).context["tabs"]}


@pytest.fixture
def colleague(community_a: Community) -> User:
    return make_user(Role.WORKER, community_a)


@pytest.fixture
def work(
    community_a: Community, community_b: Community, worker_a: User, colleague: User
) -> dict[str, Request]:
    """Requests of community A: one each mine, my team's, a colleague's, unassigned, done."""
    team = Team.objects.create(community=community_a, name="3号楼志愿者", lead=colleague)
    team.members.add(worker_a)
    with time_machine.travel(NOON, tick=False):
        mine = make_request(community_a, worker_a, description="我的").request
        teams = make_request(community_a, worker_a, description="团队的").request
        theirs = make_request(community_a, worker_a, description="同事的").request
        free = make_request(community_a, worker_a, description="没人管").request
        finished = make_request(community_a, worker_a, description="办完了").request
        make_request(community_b, SYSTEM, description="别的居委")
    claimed = do_claim(mine.pk, actor=worker_a)
    assert claimed is not None
    do_assign(teams, actor=worker_a, team=team)
    do_assign(theirs, actor=worker_a, assignee=colleague)
    done = do_claim(finished.pk, actor=worker_a)
    assert done is not None
    do_complete(done, actor=worker_a, result="好了")
    return {"mine": mine, "team": teams, "theirs": theirs, "free": free, "done": finished}


def test_each_worklist_holds_its_open_requests(
    client: Client, work: dict[str, Request], worker_a: User
) -> None:
    client.force_login(worker_a)
    with time_machine.travel(NOON + timedelta(hours=1), tick=False):
        assert listed(client, "mine") == [work["mine"].pk]
        assert listed(client, "team") == [work["team"].pk]
        assert listed(client, "unassigned") == [work["free"].pk]
        assert listed(client, "late") == []
        assert counts(client) == {
            "mine": 1, "team": 1, "unassigned": 1, "late": 0, "callbacks": 1,
        }  # fmt: skip


def test_tab_counts_leave_out_closed_requests_and_other_communities(
    client: Client, work: dict[str, Request], worker_a: User
) -> None:
    client.force_login(worker_a)
    with time_machine.travel(NOON + timedelta(days=2), tick=False):
        # everything open is late now; the finished one and community B's are not counted
        assert counts(client, "late")["late"] == 4
        assert set(listed(client, "late")) == {
            work[k].pk for k in ("mine", "team", "theirs", "free")
        }


def test_unassigned_requests_have_a_claim_button(
    client: Client, work: dict[str, Request], worker_a: User
) -> None:
    client.force_login(worker_a)
    html = client.get(url("unassigned")).content.decode()
    action = reverse("ledger:request-action", args=[work["free"].pk, "claim"])
    assert f'action="{action}"' in html
    assert "csrfmiddlewaretoken" in html
    assert html.count('data-testid="claim"') == 1
    assert 'data-testid="claim"' not in client.get(url("mine")).content.decode()


def test_operators_see_unassigned_requests_but_cannot_claim(
    client: Client, work: dict[str, Request], community_a: Community
) -> None:
    client.force_login(make_user(Role.OPERATOR, community_a))
    response = client.get(url("unassigned"))
    assert [row.request.pk for row in response.context["rows"]] == [work["free"].pk]
    assert 'data-testid="claim"' not in response.content.decode()


def test_most_pressing_first(client: Client, community_a: Community, worker_a: User) -> None:
    with time_machine.travel(NOON, tick=False):
        groceries = make_request(community_a, worker_a).request  # 24 h
        meals = make_request(community_a, worker_a, code="meals").request  # 4 h
        repair = make_request(community_a, worker_a, code="repair").request  # low: 72 h
    client.force_login(worker_a)
    assert listed(client, "unassigned") == [meals.pk, groceries.pk, repair.pk]


def test_late_rows_say_by_how_much(client: Client, community_a: Community, worker_a: User) -> None:
    with time_machine.travel(NOON, tick=False):
        meals = make_request(community_a, worker_a, code="meals").request  # 4 h
    client.force_login(worker_a)
    client.cookies["django_language"] = "en"
    with time_machine.travel(NOON + timedelta(hours=4, minutes=40), tick=False):
        response = client.get(url("late"))
    (row,) = response.context["rows"]
    assert row.request.pk == meals.pk
    assert row.late == "late by 40 min"
    assert row.escalation == 1
    assert "late by 40 min" in response.content.decode()


@pytest.fixture
def late_street(
    community_a: Community, community_b: Community, worker_a: User
) -> dict[str, Request]:
    """At NOON + 50 h: in A one request escalated to the street and an older-deadline one only
    to the head; in B one escalated to the head; in another street one escalated to the street."""
    with time_machine.travel(NOON - timedelta(hours=60), tick=False):
        head_a = make_request(community_a, worker_a, code="repair").request  # due NOON + 12 h
    with time_machine.travel(NOON, tick=False):
        street_a = make_request(community_a, worker_a).request  # due NOON + 24 h, x2 at + 48 h
        head_b = make_request(community_b, SYSTEM, code="repair", description="门坏了").request
        elsewhere = make_request(make_area("别处"), SYSTEM, description="别处的").request
    Request.objects.filter(pk=head_b.pk).update(deadline=NOON + timedelta(hours=30))
    return {"head_a": head_a, "street_a": street_a, "head_b": head_b, "elsewhere": elsewhere}


def test_street_officials_see_the_late_list_by_community_worst_first(
    client: Client,
    late_street: dict[str, Request],
    community_a: Community,
    community_b: Community,
) -> None:
    official = make_user(Role.OFFICIAL, street=community_a.street)
    client.force_login(official)
    with time_machine.travel(NOON + timedelta(hours=50), tick=False):
        response = client.get(url("late"))
    groups = response.context["groups"]
    assert [g.community for g in groups] == [community_a, community_b]
    assert [r.request.pk for r in groups[0].rows] == [
        late_street["street_a"].pk,
        late_street["head_a"].pk,
    ]
    assert [r.escalation for r in groups[0].rows] == [2, 1]
    assert [r.request.pk for r in groups[1].rows] == [late_street["head_b"].pk]
    html = response.content.decode()
    assert html.count('data-testid="community-group"') == 2
    assert "别处的" not in html
    assert 'data-level="2"' in html


def test_a_community_worker_sees_the_late_list_by_urgency_then_deadline(
    client: Client, late_street: dict[str, Request], worker_a: User
) -> None:
    client.force_login(worker_a)
    with time_machine.travel(NOON + timedelta(hours=50), tick=False):
        response = client.get(url("late"))
    assert response.context["groups"] is None
    # The groceries (normal) before the repair (low), though the repair is later by far.
    assert [r.request.pk for r in response.context["rows"]] == [
        late_street["street_a"].pk,
        late_street["head_a"].pk,
    ]


def test_the_list_refreshes_itself_through_htmx(
    client: Client, work: dict[str, Request], worker_a: User
) -> None:
    client.force_login(worker_a)
    page = client.get(url("unassigned"))
    html = page.content.decode()
    assert f'hx-get="{url("unassigned")}"' in html
    assert 'hx-trigger="every 30s"' in html
    partial = client.get(url("unassigned"), headers={"HX-Request": "true"})
    assert partial.status_code == 200
    body = partial.content.decode()
    assert "<html" not in body
    assert 'data-testid="work-table"' in body
    assert 'data-testid="tab-late"' in body
    assert "HX-Request" in partial["Vary"]


def test_the_worklists_entry_opens_the_right_list_for_each_role(
    client: Client, community_a: Community, worker_a: User
) -> None:
    entry = reverse("ledger:work")
    client.force_login(worker_a)
    assert client.get(entry)["Location"] == url("unassigned")  # nothing anywhere yet
    do_claim(make_request(community_a, worker_a).request.pk, actor=worker_a)
    assert client.get(entry)["Location"] == url("mine")
    client.force_login(make_user(Role.OPERATOR, community_a))
    assert client.get(entry)["Location"] == url("unassigned")
    client.force_login(make_user(Role.OFFICIAL, street=community_a.street))
    assert client.get(entry)["Location"] == url("late")


def test_the_worklists_open_on_an_unassigned_emergency_before_one_s_own_work(
    client: Client, community_a: Community, worker_a: User
) -> None:
    do_claim(make_request(community_a, worker_a).request.pk, actor=worker_a)
    make_request(community_a, worker_a, code="medicine", description="呼吸困难")
    client.force_login(worker_a)

    assert client.get(reverse("ledger:work"))["Location"] == url("unassigned")


def test_callbacks_due_lists_the_requests_done_and_not_yet_called_back(
    client: Client, community_a: Community, worker_a: User
) -> None:
    done, confirmed = (
        do_complete(
            do_claim(make_request(community_a, worker_a).request.pk, actor=worker_a) or fail(),
            actor=worker_a,
            result="送到了",
        )
        for _ in range(2)
    )
    do_record_callback(confirmed, actor=worker_a, confirmed=True)
    make_request(community_a, worker_a)
    client.force_login(worker_a)

    assert listed(client, "callbacks") == [done.pk]


@pytest.mark.parametrize(
    ("which", "status"),
    [("mine", 200), ("team", 200), ("unassigned", 403), ("late", 403), ("callbacks", 403)],
)
def test_volunteers_have_their_own_and_their_teams_lists_only(
    client: Client, community_a: Community, which: str, status: int
) -> None:
    client.force_login(make_user(Role.VOLUNTEER, community_a))
    assert client.get(url(which)).status_code == status
    assert client.get(reverse("ledger:work"))["Location"] == url("mine")


def test_an_unknown_worklist_is_404(client: Client, worker_a: User) -> None:
    client.force_login(worker_a)
    assert client.get(url("everything")).status_code == 404


def test_a_worklist_costs_a_fixed_number_of_queries(
    client: Client,
    community_a: Community,
    worker_a: User,
    django_assert_max_num_queries: Any,
) -> None:
    with time_machine.travel(NOON, tick=False):
        for _ in range(30):
            make_request(community_a, worker_a)
    client.force_login(worker_a)
    # Up to one query per urgency band for the page (call-backs, emergencies, urgent, normal, low):
    # as many with 30 rows as with 3.
    with django_assert_max_num_queries(14):
        response = client.get(url("unassigned"))
    assert len(response.context["rows"]) == 30


def walk(client: Client, which: str) -> list[list[int]]:
    """Every page of a worklist, following its "Next" links from the first."""
    pages = []
    address = url(which)
    while True:
        response = client.get(address)
        assert response.status_code == 200
        pages.append([row.request.pk for row in response.context["rows"]])
        following = response.context["next_query"]
        if not following:
            return pages
        assert 'data-testid="next"' in response.content.decode()
        address = url(which) + "?" + following


def test_every_late_request_is_on_exactly_one_page_of_the_street_late_list(
    client: Client, community_a: Community, community_b: Community
) -> None:
    with time_machine.travel(NOON, tick=False):  # equal deadlines: ties are settled by id
        made = [make_request(community_a, SYSTEM).request.pk for _ in range(40)]
        made += [make_request(community_b, SYSTEM).request.pk for _ in range(41)]
    with time_machine.travel(NOON + timedelta(minutes=1), tick=False):
        made += [make_request(community_a, SYSTEM).request.pk for _ in range(20)]
    client.force_login(make_user(Role.OFFICIAL, street=community_a.street))
    with time_machine.travel(NOON + timedelta(days=2), tick=False):
        got = walk(client, "late")
        assert [len(page) for page in got] == [50, 50, 1]
        flat = [pk for page in got for pk in page]
        assert len(flat) == len(set(flat)) == 101
        assert flat == made  # by deadline, then id
        assert counts(client, "late")["late"] == 101
        second = client.get(url("late") + "?" + client.get(url("late")).context["next_query"])
        html = second.content.decode()
        assert 'data-testid="previous"' in html
        assert "Showing the first" not in html


def test_previous_links_walk_back_to_the_first_page_of_a_worklist(
    client: Client, community_a: Community, worker_a: User
) -> None:
    with time_machine.travel(NOON, tick=False):
        made = [make_request(community_a, worker_a).request.pk for _ in range(120)]
    client.force_login(worker_a)
    first = client.get(url("unassigned"))
    assert first.context["previous_query"] == ""
    second = client.get(url("unassigned") + "?" + first.context["next_query"])
    third = client.get(url("unassigned") + "?" + second.context["next_query"])
    assert [row.request.pk for row in third.context["rows"]] == made[100:]
    back = client.get(url("unassigned") + "?" + third.context["previous_query"])
    assert [row.request.pk for row in back.context["rows"]] == made[50:100]
    top = client.get(url("unassigned") + "?" + back.context["previous_query"])
    assert [row.request.pk for row in top.context["rows"]] == made[:50]
    assert top.context["previous_query"] == ""


def test_a_later_page_refreshes_itself_not_the_first(
    client: Client, community_a: Community, worker_a: User
) -> None:
    with time_machine.travel(NOON, tick=False):
        for _ in range(51):
            make_request(community_a, worker_a)
    client.force_login(worker_a)
    following = client.get(url("unassigned")).context["next_query"]
    html = client.get(url("unassigned") + "?" + following).content.decode()
    assert f'hx-get="{url("unassigned")}?{following}"' in html
