"""Every worklist shows the most pressing first: emergencies, then urgent, normal and low
requests, each by deadline (the latest first); its pages walk that order forwards and back,
every request on exactly one page."""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from linli.core.models import Community, User
from linli.core.policy import SYSTEM
from linli.core.roles import Role
from linli.ledger.actions import do_open_request
from linli.ledger.models import Channel
from tests.factories import make_user
from tests.ledger.factories import make_category

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def opened(community: Community, urgency: str, code: str = "groceries") -> int:
    reason = "" if urgency == "normal" else "值班员判断"
    return do_open_request(
        community,
        actor=SYSTEM,
        channel=Channel.HOTLINE,
        category=make_category(code),
        description="来电说明情况",
        urgency=urgency,
        urgency_reason=reason,
    ).request.pk


def rows(client: Client, which: str, query: str = "") -> tuple[list[int], str, str]:
    response = client.get(reverse("ledger:worklist", args=[which]) + (f"?{query}" if query else ""))
    assert response.status_code == 200
    pks = [row.request.pk for row in response.context["rows"]]
    return pks, response.context["next_query"], response.context["previous_query"]


def test_a_fresh_emergency_heads_the_unassigned_and_late_lists(
    client: Client, community_a: Community, worker_a: User
) -> None:
    with time_machine.travel(NOON - timedelta(days=5), tick=False):
        old_low = opened(community_a, "low")
        old_normal = opened(community_a, "normal")
    with time_machine.travel(NOON, tick=False):
        urgent = opened(community_a, "urgent")
        emergency = opened(community_a, "emergency", code="emergency")
    client.force_login(worker_a)
    with time_machine.travel(NOON + timedelta(hours=7), tick=False):
        unassigned, _next, _previous = rows(client, "unassigned")
        late, _next, _previous = rows(client, "late")
    assert unassigned == [emergency, urgent, old_normal, old_low]
    assert late == [emergency, urgent, old_normal, old_low]


def test_the_pages_of_a_worklist_walk_urgency_by_urgency_forwards_and_back(
    client: Client, community_a: Community, worker_a: User
) -> None:
    with time_machine.travel(NOON, tick=False):
        low = [opened(community_a, "low") for _ in range(30)]
        normal = [opened(community_a, "normal") for _ in range(40)]
    # Called in a day later: due after the normal ones, shown before them.
    with time_machine.travel(NOON + timedelta(hours=30), tick=False):
        emergencies = [opened(community_a, "emergency", code="emergency") for _ in range(35)]
    client.force_login(worker_a)
    first, onward, previous = rows(client, "unassigned")
    second, onward2, back = rows(client, "unassigned", onward)
    third, onward3, back2 = rows(client, "unassigned", onward2)

    assert previous == "" and onward3 == ""
    assert first + second + third == emergencies + normal + low
    assert [len(first), len(second), len(third)] == [50, 50, 5]
    assert rows(client, "unassigned", back2)[0] == second
    assert rows(client, "unassigned", back)[0] == first


def test_the_street_late_list_puts_each_communitys_emergencies_first(
    client: Client, community_a: Community, community_b: Community
) -> None:
    with time_machine.travel(NOON - timedelta(days=5), tick=False):
        escalated = opened(community_a, "normal")
    with time_machine.travel(NOON, tick=False):
        emergency = opened(community_a, "emergency", code="emergency")
    client.force_login(make_user(Role.OFFICIAL, street=community_a.street))
    with time_machine.travel(NOON + timedelta(minutes=40), tick=False):
        response = client.get(reverse("ledger:worklist", args=["late"]))
    (group,) = response.context["groups"]
    assert [row.request.pk for row in group.rows] == [emergency, escalated]
    assert [row.escalation for row in group.rows] == [1, 2]


def test_an_emergency_badge_stands_out_above_a_street_escalation() -> None:
    found = finders.find("ledger/ledger.css")
    assert isinstance(found, str)
    css = Path(found).read_text(encoding="utf-8").splitlines()
    emergency = next(line for line in css if line.startswith(".badge.urgency-emergency"))
    escalated = next(line for line in css if line.startswith(".badge.escalation-2"))
    assert "background: var(--err)" in emergency
    assert "background: var(--err)" not in escalated
