import threading

import pytest
from django.db import connection, connections

from linli.core.models import Community, User
from linli.core.roles import Role
from linli.ledger import actions
from linli.ledger.models import Request
from tests.factories import make_area, make_user
from tests.ledger.factories import make_request


@pytest.mark.django_db
def test_second_claim_loses(community_a: Community, worker_a: User) -> None:
    other = make_user(Role.WORKER, community_a)
    item = make_request(community_a, worker_a).request
    assert actions.do_claim(item.pk, actor=worker_a) is not None
    assert actions.do_claim(item.pk, actor=other) is None
    item.refresh_from_db()
    assert item.assignee == worker_a
    assert item.events.filter(kind="claimed").count() == 1


@pytest.mark.django_db
def test_claim_next_takes_the_most_pressing(community_a: Community, worker_a: User) -> None:
    later = make_request(community_a, worker_a, code="repair", description="修水管").request
    sooner = make_request(community_a, worker_a, code="medicine", description="断药").request
    assert actions.do_claim_next(community_a, actor=worker_a) == sooner
    assert actions.do_claim_next(community_a, actor=worker_a) == later
    assert actions.do_claim_next(community_a, actor=worker_a) is None


@pytest.mark.django_db(transaction=True)
def test_many_threads_claiming_the_same_requests_each_get_one_owner() -> None:
    """On PostgreSQL (SELECT … FOR UPDATE SKIP LOCKED); SQLite serialises writers itself."""
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions need PostgreSQL")
    community = make_area()
    workers = [make_user(Role.WORKER, community) for _ in range(8)]
    items = [make_request(community, workers[0]).request.pk for _ in range(20)]
    wins: list[tuple[int, int]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(workers))

    def claim_all(worker: User) -> None:
        try:
            barrier.wait()
            for pk in items:
                if actions.do_claim(pk, actor=worker) is not None:
                    with lock:
                        wins.append((pk, worker.pk))
            for _ in range(20):
                taken = actions.do_claim_next(community, actor=worker)
                if taken is None:
                    break
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim_all, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(pk for pk, _ in wins) == sorted(items)  # every request won exactly once
    owners = dict(Request.objects.filter(pk__in=items).values_list("pk", "assignee"))
    assert owners == dict(wins)
    for pk in items:
        assert Request.objects.get(pk=pk).events.filter(kind="claimed").count() == 1
