"""`POST /api/v1/bench-write`: the intake's write and nothing else, on the same stack; and
`POST /api/v1/bench-inbox`: one row and nothing else.

Authenticates and validates the body as `POST /requests` and `POST /ping` do, then writes the
rows an intake of an unknown caller writes — the request, its two first timeline lines and the
answer kept for its Idempotency-Key — with the same statements (the key from the sequence, one
`INSERT … WITH`) and commits. No caller lookup, triage, deadline table, duplicate check or
rendering: what an intake would cost if all of its own work were free. Mounted only by
bench/floor/settings.py, never by Linli itself.
"""

from datetime import timedelta

from django.db import IntegrityError
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from ninja import P
from ninja.params import HeaderEx

from linli.api.auth import client_communities_by_code
from linli.api.models import IdempotentResponse
from linli.api.schemas import RequestIn
from linli.api.v1 import _client, api
from linli.ledger.models import Category, Channel, Request, RequestEvent, Urgency
from linli.lib.sql import insert_rows, reserve_pk


@api.post("/bench-write", include_in_schema=False)
def bench_write(
    request: HttpRequest,
    payload: RequestIn,
    idempotency_key: HeaderEx[str | None, P(alias="Idempotency-Key", max_length=200)] = None,
) -> JsonResponse:
    client = _client(request)
    community = next(iter(client_communities_by_code(client).values()))
    if payload.category not in _categories:  # read once, as the intake's category cache does
        _categories[payload.category] = Category.objects.get(code=payload.category)
    category = _categories[payload.category]
    now = timezone.now()
    new = Request(
        community=community, channel=Channel.API, category=category,
        description=payload.description, urgency=Urgency.NORMAL, triage_reasons=[],
        created_at=now, created_by=client.acting_user, deadline=now + timedelta(hours=24),
        contact_phone=payload.phone,
    )  # fmt: skip
    reserve_pk(new)
    body = {"id": new.pk, "tracking_code": new.tracking_code}
    kept = IdempotentResponse(
        client=client, key=idempotency_key or "", fingerprint="", status_code=201, body=body
    )
    try:
        insert_rows([
            new,
            RequestEvent(request=new, kind=RequestEvent.Kind.CREATED, actor=client.acting_user, data={}, at=now),
            RequestEvent(request=new, kind=RequestEvent.Kind.TRIAGED, actor=client.acting_user, data={}, at=now),
            kept])  # fmt: skip
    except IntegrityError:  # a retry: stopped by the key, answered as the intake answers it
        stored = IdempotentResponse.objects.get(client=client, key=idempotency_key or "")
        return JsonResponse(stored.body, status=stored.status_code)
    return JsonResponse(body, status=201)


@api.post("/bench-inbox", include_in_schema=False)
def bench_inbox(
    request: HttpRequest,
    payload: RequestIn,
    idempotency_key: HeaderEx[str | None, P(alias="Idempotency-Key", max_length=200)] = None,
) -> JsonResponse:
    """One row and nothing else: the body kept under its key, as an inbox that acknowledged
    before triage would keep it (one INSERT, one commit)."""
    client = _client(request)
    row = IdempotentResponse(
        client=client, key=idempotency_key or "", fingerprint="", status_code=202,
        body=payload.dict(),
    )  # fmt: skip
    try:
        row.save(force_insert=True)
    except IntegrityError:
        row = IdempotentResponse.objects.get(client=client, key=idempotency_key or "")
    return JsonResponse({"id": row.pk}, status=202)


_categories: dict[str, Category] = {}

from linli.urls import urlpatterns  # noqa: E402  (after the route is on the API)

__all__ = ["urlpatterns"]
