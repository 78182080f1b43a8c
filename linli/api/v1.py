"""The JSON API, /api/v1/: requests of the ledger for integrations (django-ninja).

Every error has one shape, `{"detail": [{"field": …, "message": …}]}`: 401 without a valid
token, 403 when the client's user lacks the capability, 404 for what is not the client's, 422
for bad input (the field named).
"""

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, P, Query
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.params import HeaderEx
from ninja.parser import Parser
from ninja.security import HttpBearer
from ninja.types import DictStrAny

from linli.api import actions
from linli.api.auth import client_communities_by_code, client_for_token
from linli.api.models import ApiClient
from linli.api.schemas import (
    ErrorOut,
    RequestCreated,
    RequestFilters,
    RequestIn,
    RequestOut,
    RequestPage,
    TransitionIn,
    created_body,
    request_out,
)
from linli.api.selectors import (
    NotFoundError,
    can_name,
    can_read,
    client_requests,
    get_client_request,
    updated_since,
    with_details,
)
from linli.ledger.models import Category, Request, Urgency


class ClientToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiClient | None:
        return client_for_token(token)


class UnicodeJSON(Parser):
    """JSON bodies whose strings are text: JSON lets a lone surrogate (`"\\ud800"`) through,
    which no database can store; such a body is refused with 400, as malformed JSON is."""

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        data = super().parse_body(request)
        json.dumps(data, ensure_ascii=False).encode()  # UnicodeEncodeError on a lone surrogate
        return data


api = NinjaAPI(
    title="Linli API",
    version="1",
    description=(
        "The request ledger for integrations (city hotline, hotel systems). "
        "Authenticate with `Authorization: Bearer <token>`; see docs/api.md."
    ),
    urls_namespace="api-v1",
    auth=ClientToken(),
    parser=UnicodeJSON(),
)

ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def error_body(items: list[tuple[str, str]]) -> dict[str, Any]:
    return {"detail": [{"field": field, "message": message} for field, message in items]}


def _error(request: HttpRequest, status: int, items: list[tuple[str, str]]) -> HttpResponse:
    return api.create_response(request, error_body(items), status=status)


@api.exception_handler(DjangoValidationError)
def _django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        items = [(field, str(m)) for field, msgs in exc.message_dict.items() for m in msgs]
    else:
        items = [("__all__", str(m)) for m in exc.messages]
    return _error(request, 404 if isinstance(exc, NotFoundError) else 422, items)


# Parameter names of the operations, left out of the field names of errors.
_LOCATIONS = {"body", "query", "path", "header", "payload", "filters", "form"}


@api.exception_handler(NinjaValidationError)
def _input_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    items = []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ()) if str(part) not in _LOCATIONS]
        items.append((".".join(loc) or "body", str(error.get("msg", ""))))
    return _error(request, 422, items)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _error(
        request, 401, [("Authorization", _("a valid token is needed: Authorization: Bearer …"))]
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, [("body" if exc.status_code == 400 else "", str(exc))])


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, [("Authorization", str(exc) or _("not allowed"))])


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, [("id", _("not found"))])


def _client(request: HttpRequest) -> ApiClient:
    client = getattr(request, "auth", None)
    if not isinstance(client, ApiClient):  # pragma: no cover - every operation needs the token
        raise AuthenticationError
    return client


def _reader(request: HttpRequest) -> ApiClient:
    client = _client(request)
    if not can_read(client.acting_user):
        raise PermissionDenied(_("this client's user does not work the ledger"))
    return client


@api.post(
    "/requests",
    response={201: RequestCreated, **ERRORS},
    summary="Open a request",
    description=(
        "Registers a request through the ledger's one entry point (channel `api`), triaged "
        "and given its deadline. Send an `Idempotency-Key` header to make retries safe: a "
        "retry with the same key and body gets the first answer again (header "
        "`Idempotent-Replayed: true`) and never opens a second request; the same key with "
        "another body is refused with 422."
    ),
)
def create_request(
    request: HttpRequest,
    payload: RequestIn,
    idempotency_key: HeaderEx[str | None, P(alias="Idempotency-Key", max_length=200)] = None,
) -> HttpResponse:
    client = _client(request)
    answer = actions.do_api_open_request(
        client,
        actions.NewRequest(
            community=payload.community,
            category=payload.category,
            description=payload.description,
            phone=payload.phone,
            urgency=payload.urgency,
            urgency_reason=payload.urgency_reason,
            address=payload.address,
            answers={
                "awake": payload.awake,
                "breathing": payload.breathing,
                "problem": payload.problem,
            },
        ),
        render=created_body,
        idempotency_key=idempotency_key or "",
        body_fingerprint=actions.fingerprint(request.body),
    )
    response = JsonResponse(answer.body, status=answer.status_code)
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


@api.post(
    "/ping",
    response={200: dict[str, bool], **ERRORS},
    summary="Check a request without opening it",
    description=(
        "Authenticates and validates a request body exactly as `POST /requests` does, then "
        "answers at once without writing: a connection check for integrations, and the "
        "no-op baseline of bench/intake_bench.py."
    ),
)
def ping(request: HttpRequest, payload: RequestIn) -> dict[str, bool]:
    _client(request)
    return {"ok": True}


@api.get(
    "/requests",
    response={200: RequestPage, **ERRORS},
    summary="List requests",
    description="Newest first; filter by status, category, urgency, community and time.",
)
def list_requests(request: HttpRequest, filters: Query[RequestFilters]) -> RequestPage:
    client = _reader(request)
    qs = client_requests(client)
    problems: list[tuple[str, str]] = []
    if filters.status:
        if filters.status not in Request.Status.values:
            problems.append(("status", _("unknown status")))
        qs = qs.filter(status=filters.status)
    if filters.category:
        if not (
            can_name(filters.category) and Category.objects.filter(code=filters.category).exists()
        ):
            problems.append(("category", _("unknown category")))
        qs = qs.filter(category__code=filters.category)
    if filters.urgency:
        if filters.urgency not in Urgency.values:
            problems.append(("urgency", _("unknown urgency")))
        qs = qs.filter(urgency=filters.urgency)
    if filters.community:
        community = client_communities_by_code(client).get(filters.community)
        if community is None:
            problems.append(("community", _("no such community among this client's")))
        qs = qs.filter(community=community)
    if problems:
        raise DjangoValidationError({field: [message] for field, message in problems})
    if filters.created_since:
        qs = qs.filter(created_at__gte=filters.created_since)
    if filters.updated_since:
        qs = qs.filter(updated_since(filters.updated_since))
    qs = with_details(qs)
    start, limit = filters.offset, filters.limit
    rows = list(qs.order_by("-created_at", "-pk")[start : start + limit + 1])
    return RequestPage(
        items=[request_out(r) for r in rows[:limit]],
        limit=limit,
        offset=start,
        next_offset=start + limit if len(rows) > limit else None,
    )


@api.get("/requests/{id}", response={200: RequestOut, **ERRORS}, summary="One request")
def get_request(request: HttpRequest, id: int) -> RequestOut:
    return request_out(get_client_request(_reader(request), id))


@api.post(
    "/requests/{id}/transitions",
    response={200: RequestOut, **ERRORS},
    summary="Move a request on",
    description=(
        "`start` (assigned → in progress), `complete` with `result`, `cancel` with `reason`, "
        "`confirm` (callback: done → confirmed, optional `note`), `reopen` (callback: done → "
        "open again, `note` says what is missing). A transition the current status does not "
        "allow is refused with 422 on the field `status`."
    ),
)
def transition(request: HttpRequest, id: int, payload: TransitionIn) -> RequestOut:
    item = actions.do_api_transition(
        _client(request),
        id,
        payload.action,
        note=payload.note,
        result=payload.result,
        reason=payload.reason,
    )
    return request_out(item)
