"""linli.lib.sql: the new rows of one thing written together, all or nothing."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linli.core.models import Community
from linli.ledger.models import Category, Channel, Request, RequestEvent, Urgency
from linli.lib.sql import insert_rows, one_statement, reserve_pk
from tests.ledger.factories import make_category

only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="one statement is PostgreSQL's way"
)


def new_request(community: Community) -> Request:
    now = timezone.now()
    return Request(
        community=community,
        category=make_category(),
        channel=Channel.API,
        description="rice and oil",
        urgency=Urgency.NORMAL,
        created_at=now,
        deadline=now + timedelta(hours=24),
    )


def events_of(request: Request) -> list[RequestEvent]:
    return [
        RequestEvent(request=request, kind=kind, data={"n": n}, at=request.created_at)
        for n, kind in enumerate([RequestEvent.Kind.CREATED, RequestEvent.Kind.TRIAGED])
    ]


def columns(obj: Request) -> dict[str, object]:
    return {f.attname: getattr(obj, f.attname) for f in Request._meta.concrete_fields}


@only_postgresql
@pytest.mark.django_db
def test_a_row_and_the_rows_referring_to_it_are_one_statement_on_postgresql(
    community_a: Community,
) -> None:
    request = new_request(community_a)
    reserve_pk(request)
    with CaptureQueriesContext(connection) as queries:
        insert_rows([request, *events_of(request)])
    assert len(queries) == 1
    stored = Request.objects.get(pk=request.pk)
    assert columns(stored) == columns(request)
    assert list(stored.events.order_by("data__n").values_list("kind", flat=True)) == [
        "created",
        "triaged",
    ]


@pytest.mark.django_db
def test_rows_are_written_in_their_order_on_every_database(community_a: Community) -> None:
    request = new_request(community_a)
    if one_statement():
        reserve_pk(request)
        insert_rows([request, *events_of(request)])
    else:
        insert_rows([request])
        insert_rows(events_of(request))
    assert Request.objects.get(pk=request.pk).events.count() == 2


@pytest.mark.django_db
def test_when_one_row_is_refused_none_is_written() -> None:
    taken = Category.objects.first()
    assert taken is not None
    rows = [
        Category(code="fresh-one", name_zh="新", name_en="new"),
        Category(code=taken.code, name_zh="重", name_en="again"),
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(rows)
    assert not Category.objects.filter(code="fresh-one").exists()


@only_postgresql
@pytest.mark.django_db
def test_rows_of_one_model_need_a_key_for_all_or_for_none(community_a: Community) -> None:
    first, second = new_request(community_a), new_request(community_a)
    reserve_pk(first)
    with pytest.raises(ValueError, match="all or for none"):
        insert_rows([first, second])
    assert not Request.objects.exists()


@only_postgresql
@pytest.mark.django_db
def test_the_intakes_own_statements_are_prepared_on_postgresql(community_a: Community) -> None:
    """PostgreSQL parses and plans them once per connection (`pg_prepared_statements` lists a
    session's prepared statements)."""
    for _ in range(2):
        request = new_request(community_a)
        reserve_pk(request)
        insert_rows([request, *events_of(request)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any(s.startswith('WITH w0 AS (INSERT INTO "ledger_request"') for s in prepared)
    assert any("nextval" in s for s in prepared)


@only_postgresql
@pytest.mark.django_db
def test_djangos_own_statements_are_not_prepared(community_a: Community) -> None:
    """A generic plan could not use the partial indexes of open requests: only the intake's
    statements are prepared."""
    for _ in range(6):
        list(Request.objects.filter(community=community_a, status="new")[:5])
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert not any('FROM "ledger_request"' in s for s in prepared)
