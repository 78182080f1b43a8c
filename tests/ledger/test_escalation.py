from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from linli.core.models import Community, User
from linli.ledger import actions
from linli.ledger.models import RequestEvent
from tests.ledger.factories import make_request

pytestmark = pytest.mark.django_db


def test_late_request_escalates_to_head_then_street(community_a: Community, worker_a: User) -> None:
    item = make_request(community_a, worker_a).request  # groceries, normal: 24 h
    start = item.created_at
    assert item.escalation_due(start + timedelta(hours=23)) == 0
    assert actions.do_escalate_late(start + timedelta(hours=23)) == 0
    assert item.escalation_due(start + timedelta(hours=25)) == 1
    assert actions.do_escalate_late(start + timedelta(hours=25)) == 1
    item.refresh_from_db()
    assert item.escalation == 1
    assert actions.do_escalate_late(start + timedelta(hours=47)) == 0
    assert actions.do_escalate_late(start + timedelta(hours=49)) == 1
    item.refresh_from_db()
    assert item.escalation == 2
    levels = [e.data["level"] for e in RequestEvent.objects.filter(request=item, kind="escalated")]
    assert levels == [1, 2]


def test_done_requests_do_not_escalate(community_a: Community, worker_a: User) -> None:
    item = make_request(community_a, worker_a).request
    actions.do_assign(item, actor=worker_a, assignee=worker_a)
    actions.do_complete(item, actor=worker_a, result="好了")
    assert actions.do_escalate_late(item.created_at + timedelta(days=5)) == 0


def test_lateness_is_computed_on_read(community_a: Community, worker_a: User) -> None:
    item = make_request(community_a, worker_a).request
    with time_machine.travel(timezone.now() + timedelta(hours=30)):
        assert item.is_late()
        assert item.escalation_due() == 1
