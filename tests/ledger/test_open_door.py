"""The ledger's one open door: a request from any source, for the community of the person
concerned, and what the ledger tells the rest of Linli once it is committed."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from linli.core.models import Community, Team, User
from linli.core.roles import Role
from linli.ledger import actions
from linli.ledger.models import Channel, Request, RequestEvent
from linli.ledger.signals import request_closed, request_done, request_opened
from tests.factories import make_area, make_resident, make_user
from tests.ledger.factories import make_category, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard() -> Iterator[list[tuple[str, Request, Any]]]:
    """What the ledger's signals said, in order."""
    said: list[tuple[str, Request, Any]] = []
    receivers = {
        "opened": lambda request, **kw: said.append(("opened", request, kw.get("outcome"))),
        "done": lambda request, **kw: said.append(("done", request, kw.get("outcome"))),
        "closed": lambda request, **kw: said.append(("closed", request, kw.get("outcome"))),
    }
    for name, signal in (
        ("opened", request_opened),
        ("done", request_done),
        ("closed", request_closed),
    ):
        signal.connect(receivers[name], weak=False, dispatch_uid=f"test-{name}")
    yield said
    for name, signal in (
        ("opened", request_opened),
        ("done", request_done),
        ("closed", request_closed),
    ):
        signal.disconnect(dispatch_uid=f"test-{name}")


def test_a_request_keeps_the_object_that_caused_it_without_a_channel_of_its_own(
    community_a: Community, worker_a: User
) -> None:
    cause = Team.objects.create(community=community_a, name="送药队")  # any saved object
    opened = actions.do_open_request(
        community_a,
        actor=worker_a,
        channel=Channel.DOOR,
        category=make_category("medicine"),
        description="每周一送降压药",
        source=cause,
    )
    stored = Request.objects.get(pk=opened.request.pk)
    assert stored.source == cause
    assert stored.channel == Channel.DOOR
    assert list(Request.objects.filter(source_type__model="team", source_id=cause.pk)) == [stored]


def test_the_source_must_be_saved(community_a: Community, worker_a: User) -> None:
    with pytest.raises(ValidationError) as error:
        actions.do_open_request(
            community_a,
            actor=worker_a,
            channel=Channel.DOOR,
            category=make_category("medicine"),
            description="x",
            source=Team(community=community_a, name="未保存"),
        )
    assert "source" in error.value.message_dict
    assert not Request.objects.exists()


def test_street_staff_open_requests_for_the_community_of_the_person_concerned(
    community_a: Community, community_b: Community
) -> None:
    official = make_user(Role.OFFICIAL, street=community_a.street)
    resident = make_resident(community_b, "李四")
    opened = actions.do_open_request(
        community_b,
        actor=official,
        channel=Channel.HOTEL,
        category=make_category("medical_visit"),
        description="隔离酒店住客需要就医",
        resident=resident,
    )
    assert opened.request.community == community_b
    elsewhere = make_area("远方居民区")
    # Outside their area it is a refusal (a 403), not bad input: the action asks the policy.
    with pytest.raises(PermissionDenied):
        actions.do_open_request(
            elsewhere,
            actor=official,
            channel=Channel.HOTEL,
            category=make_category("medical_visit"),
            description="不是本街道的",
        )
    community_worker = make_user(Role.WORKER, community_a)
    with pytest.raises(PermissionDenied):
        actions.do_open_request(
            community_b,
            actor=community_worker,
            channel=Channel.HOTLINE,
            category=make_category(),
            description="别的居委的事",
        )
    assert Request.objects.count() == 1


def test_opened_done_and_closed_are_told_once_committed(
    community_a: Community,
    worker_a: User,
    heard: list[tuple[str, Request, Any]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        item = make_request(community_a, worker_a).request
        claimed = actions.do_claim(item.pk, actor=worker_a)
        assert claimed is not None
        actions.do_complete(claimed, actor=worker_a, result="已送到")
        actions.do_record_callback(claimed, actor=worker_a, confirmed=True)
        other = make_request(community_a, worker_a, code="meals").request
        actions.do_cancel(other, actor=worker_a, reason="不需要了")
    assert [(what, r.pk, outcome) for what, r, outcome in heard] == [
        ("opened", item.pk, None),
        ("done", item.pk, None),
        ("closed", item.pk, RequestEvent.Kind.CONFIRMED),
        ("opened", other.pk, None),
        ("closed", other.pk, RequestEvent.Kind.CANCELLED),
    ]


def test_nothing_is_told_of_a_request_rolled_back(
    community_a: Community,
    worker_a: User,
    heard: list[tuple[str, Request, Any]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        make_request(community_a, worker_a)
        raise RuntimeError("the caller's transaction fails after the request")
    assert heard == []
    assert not Request.objects.exists()
