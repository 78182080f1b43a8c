"""Open311 GeoReport v2 on the request ledger, at /open311/v2/ (docs/open311.md).

XML (`.xml`, the format the spec requires) and JSON (`.json`, the spec's Spark convention: the
root element becomes a list, or an object for a service definition). Plain Django views: the
spec's form-encoded POST and its error documents do not fit the JSON API.
"""

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from linli.api import actions
from linli.api.auth import bearer_token, client_for_token
from linli.api.models import ApiClient
from linli.api.selectors import (
    NotFoundError,
    UnknownReference,
    can_name,
    can_read,
    client_requests,
    resolve_community,
    with_details,
)
from linli.core.models import Community
from linli.ledger.models import Category, Request
from linli.ledger.taxonomy import category_by_code
from linli.ledger.triage import questions
from linli.ledger.views_public import limits, visitor_address
from linli.lib import ratelimit
from linli.lib.numbers import digits_only, whole_number

Value = str | bool | int | None
Record = dict[str, Any]
FORMATS = ("xml", "json")
WINDOW = timedelta(days=90)  # the spec's default and largest span of GET requests
MAX_REQUESTS = 1000  # the spec's default volume of GET requests
CLOSED = ("done", "confirmed", "cancelled", "merged")


class Open311Error(Exception):
    """A refusal with its HTTP status, naming the field at fault."""

    def __init__(self, status: int, field: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.description = f"{field}: {message}"


# Rendering ----------------------------------------------------------------------------------


# Characters XML 1.0 cannot hold, even escaped (a pasted control character in a description).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML.sub("", str(value))


def _append(parent: ET.Element, tag: str, value: Any, item_tags: dict[str, str]) -> None:
    element = ET.SubElement(parent, tag)
    if isinstance(value, list):
        for item in value:
            _append_record(element, item_tags[tag], item, item_tags)
    else:
        element.text = _text(value)


def _append_record(parent: ET.Element, tag: str, record: Record, item_tags: dict[str, str]) -> None:
    element = ET.SubElement(parent, tag)
    for key, value in record.items():
        _append(element, key, value, item_tags)


# The element of each list: <services><service>, <attributes><attribute>, …
ITEM_TAGS = {
    "endpoints": "endpoint",
    "formats": "format",
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
}


def render(fmt: str, root: str, data: list[Record] | Record, status: int = 200) -> HttpResponse:
    """`data` as the spec's XML (`<root>` holding one element per record) or as JSON."""
    if fmt == "json":
        return JsonResponse(
            data,
            status=status,
            safe=False,
            json_dumps_params={"ensure_ascii": False},
            content_type="application/json; charset=utf-8",
        )
    element = ET.Element(root)
    if isinstance(data, list):
        for record in data:
            _append_record(element, ITEM_TAGS[root], record, ITEM_TAGS)
    else:
        for key, value in data.items():
            _append(element, key, value, ITEM_TAGS)
    ET.indent(element)
    body = '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="unicode")
    return HttpResponse(body.encode(), status=status, content_type="text/xml; charset=utf-8")


def render_error(fmt: str, status: int, description: str) -> HttpResponse:
    fmt = fmt if fmt in FORMATS else "xml"
    return render(fmt, "errors", [{"code": status, "description": description}], status)


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


View = Callable[..., HttpResponse]


def open311_view(methods: tuple[str, ...]) -> Callable[[View], View]:
    """Check the format and the method; turn every refusal into the spec's error document."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            if fmt not in FORMATS:
                return render_error("xml", 400, _("unknown format: use .xml or .json"))
            if request.method not in methods:
                response = render_error(fmt, 405, _("method not allowed"))
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, fmt, **kwargs)
            except Open311Error as exc:
                return render_error(fmt, exc.status, exc.description)
            except PermissionDenied as exc:
                return render_error(fmt, 403, str(exc) or _("not allowed"))
            except (NotFoundError, UnknownReference) as exc:
                return render_error(fmt, 404, _messages(exc))
            except ValidationError as exc:
                return render_error(fmt, 400, _messages(exc))

        return csrf_exempt(wrapper)

    return decorate


def w3(at: datetime | None) -> str | None:
    """W3C date and time with its offset: 2026-02-01T09:30:00+08:00."""
    return timezone.localtime(at).isoformat(timespec="seconds") if at is not None else None


# Services -------------------------------------------------------------------------------------


def _names(category: Category) -> tuple[str, str]:
    """The category's name in the reader's language, and in the other one."""
    if (get_language() or "").startswith("en"):
        return category.name_en, category.name_zh
    return category.name_zh, category.name_en


def service_record(category: Category) -> Record:
    name, other = _names(category)
    return {
        "service_code": category.code,
        "service_name": name,
        "description": other,
        "metadata": True,  # the key questions (`key_questions`), asked of every service
        "type": "realtime",
        "keywords": ", ".join([category.code, category.name_zh, category.name_en]),
        "group": _("Medical") if category.medical else _("Daily needs"),
    }


def _known_jurisdiction(request: HttpRequest) -> None:
    """A jurisdiction_id that names no community is a 404, on every method."""
    code = request.GET.get("jurisdiction_id", "").strip()
    if code and not (can_name(code) and Community.objects.filter(code=code).exists()):
        raise NotFoundError({"jurisdiction_id": _("no such jurisdiction")})


@open311_view(("GET",))
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    _known_jurisdiction(request)
    categories = Category.objects.filter(active=True).order_by("order", "code")
    return render(fmt, "services", [service_record(c) for c in categories])


@open311_view(("GET",))
def service_definition(request: HttpRequest, fmt: str, service_code: str) -> HttpResponse:
    category = (
        Category.objects.filter(code=service_code, active=True).first()
        if can_name(service_code)
        else None
    )
    if category is None:
        raise NotFoundError({"service_code": _("unknown category")})
    _known_jurisdiction(request)
    return render(
        fmt, "service_definition", {"service_code": category.code, "attributes": key_questions()}
    )


def key_questions() -> list[Record]:
    """The dispatcher's two key questions as the spec's attributes: a client may send
    `attribute[awake]=no`, and a *no* (or "unknown") makes the request an emergency."""
    values = [{"key": key, "name": str(name)} for key, name in questions.ANSWERS.items()]
    return [
        {
            "variable": True,
            "code": code,
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": _("yes, no or unknown; leave out when not asked"),
            "order": order,
            "description": str(questions.QUESTIONS[code]),
            "values": values,
        }
        for order, code in enumerate(questions.LIFE_QUESTIONS, start=1)
    ]


# Discovery ------------------------------------------------------------------------------------


@open311_view(("GET",))
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    """Where the GeoReport v2 endpoint is and what it speaks (the spec's service discovery)."""
    endpoint = request.build_absolute_uri("/open311/v2/")
    return render(
        fmt,
        "discovery",
        {
            "changeset": "2026-12-01T00:00:00+08:00",
            "contact": _("The community's hotline"),
            "key_service": _("Ask Linli's administrator for an API client and its key."),
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": endpoint,
                    "changeset": "2026-12-01T00:00:00+08:00",
                    "type": "production",
                    "formats": [{"format": "text/xml"}, {"format": "application/json"}],
                }
            ],
        },
    )


# Requests -------------------------------------------------------------------------------------


def _key(request: HttpRequest) -> str:
    """The api_key: a form field or query parameter as the spec has it, or, kept out of URLs
    and their logs, an `X-API-Key` header or a Bearer token."""
    key = request.POST.get("api_key", "") if request.method == "POST" else ""
    return (
        key
        or request.GET.get("api_key", "")
        or request.headers.get("X-API-Key", "").strip()
        or bearer_token(request)
    )


def _client(request: HttpRequest) -> ApiClient:
    key = _key(request)
    if not key:
        raise Open311Error(403, "api_key", _("missing"))
    client = client_for_token(key)
    if client is None:
        raise Open311Error(403, "api_key", _("invalid"))
    return client


def _reader(request: HttpRequest) -> ApiClient | None:
    """The client of the key, which reads whole records; None for a read without a key, which
    the spec allows: it gets the public fields only."""
    if not _key(request):
        return None
    client = _client(request)
    if not can_read(client.acting_user):
        raise PermissionDenied(_("this client's user does not work the ledger"))
    return client


def status_of(item: Request) -> str:
    return "open" if item.status in Request.OPEN_STATUSES else "closed"


def status_notes(item: Request) -> str:
    if item.status in (Request.Status.DONE, Request.Status.CONFIRMED):
        return item.result
    if item.status == Request.Status.CANCELLED:
        return getattr(item, "cancel_reason", None) or ""
    if item.status == Request.Status.MERGED and item.merged_into_id:
        return _("merged into request %(n)s") % {"n": item.merged_into_id}
    return ""


def request_record(item: Request) -> Record:
    """A request in the spec's fields (`item` from `linli.api.selectors.with_details`), with
    the location and picture it was posted with."""
    posted = getattr(item, "open311", None)
    name, _other = _names(item.category)
    return {
        "service_request_id": str(item.pk),
        "status": status_of(item),
        "status_notes": status_notes(item) or None,
        "service_name": name,
        "service_code": item.category.code,
        "description": item.description,
        "agency_responsible": item.community.name,
        "service_notice": None,
        "requested_datetime": w3(item.created_at),
        "updated_datetime": w3(getattr(item, "last_event_at", None) or item.created_at),
        "expected_datetime": w3(item.deadline),
        "address": (posted.address_string if posted else item.address_text) or None,
        "address_id": (posted and posted.address_id) or None,
        "zipcode": None,
        "lat": posted.lat if posted else None,
        "long": posted.long if posted else None,
        "media_url": (posted and posted.media_url) or None,
    }


# What anyone may read without a key: no description, notes, address or location (residents'
# personal data), and no expected time, which tells the urgency the words were triaged to.
PUBLIC_FIELDS = (
    "service_request_id",
    "status",
    "service_name",
    "service_code",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
)


def public_record(item: Request) -> Record:
    name, _other = _names(item.category)
    return {
        "service_request_id": str(item.pk),
        "status": status_of(item),
        "service_name": name,
        "service_code": item.category.code,
        "agency_responsible": item.community.name,
        "service_notice": None,
        "requested_datetime": w3(item.created_at),
        "updated_datetime": w3(getattr(item, "last_event_at", None) or item.created_at),
    }


def _records(client: ApiClient | None, items: QuerySet[Request]) -> list[Record]:
    if client is None:
        return [public_record(item) for item in with_details(items)]
    return [request_record(item) for item in with_details(items).select_related("open311")]


def _coordinate(request: HttpRequest, name: str) -> float | None:
    raw = request.POST.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ValidationError({name: _("not a number")}) from None
    if not math.isfinite(value):
        raise ValidationError({name: _("out of range")})
    return value


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    client = _client(request)
    form = request.POST
    category = category_by_code(form.get("service_code", "").strip())
    # The spec makes the description optional: the service's name stands in for it.
    description = form.get("description", "").strip() or (
        _names(category)[0] if category is not None else ""
    )
    item = actions.do_open311_request(
        client,
        actions.NewRequest(
            community=form.get("jurisdiction_id", "").strip() or None,
            category=form.get("service_code", ""),
            description=description,
            phone=form.get("phone", ""),
            answers={q: form.get(f"attribute[{q}]", "") for q in questions.LIFE_QUESTIONS},
        ),
        actions.Posted(
            reporter=" ".join(
                part for part in (form.get("last_name", ""), form.get("first_name", "")) if part
            ),
            email=form.get("email", ""),
            media_url=form.get("media_url", ""),
            lat=_coordinate(request, "lat"),
            long=_coordinate(request, "long"),
            address_string=form.get("address_string", ""),
            address_id=form.get("address_id", ""),
        ),
    )
    return render(
        fmt,
        "service_requests",
        [{"service_request_id": str(item.pk), "service_notice": None, "account_id": None}],
    )


def _when(request: HttpRequest, name: str) -> datetime | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    # An unescaped '+' of the offset arrives as a space.
    raw = re.sub(r" (\d\d:?\d\d)$", r"+\1", raw)
    try:
        at = parse_datetime(raw)
        if at is None:
            day = parse_date(raw)
            at = datetime.combine(day, time()) if day is not None else None
    except ValueError:
        at = None
    if at is None:
        raise ValidationError({name: _("use the w3 format, e.g. 2026-01-01T00:00:00Z")})
    at = timezone.make_aware(at) if timezone.is_naive(at) else at
    try:
        at.astimezone(UTC)  # within years 1 to 9999 in UTC too, as the database needs it
    except OverflowError:
        raise ValidationError({name: _("out of range")}) from None
    return at


def window(
    start: datetime | None, end: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    """The span of GET requests: the given one, at most 90 days; by default the last 90 days."""
    try:
        return _window(start, end, now)
    except OverflowError:  # 90 days before year 1 or after year 9999
        raise ValidationError(
            {"start_date" if end is None else "end_date": _("out of range")}
        ) from None


def _window(
    start: datetime | None, end: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    if start is not None and end is not None:
        if end < start:
            raise ValidationError({"end_date": _("before start_date")})
        if end - start > WINDOW:
            raise ValidationError({"end_date": _("more than 90 days after start_date")})
        return start, end
    if start is not None:
        return start, start + WINDOW
    if end is not None:
        return end - WINDOW, end
    return now - WINDOW, now


def _codes(request: HttpRequest, name: str) -> list[str]:
    return [part.strip() for part in request.GET.get(name, "").split(",") if part.strip()]


def _public_community(code: str) -> Community:
    """The community a keyless read names; with none named, the only one there is."""
    if code:
        found = Community.objects.filter(code=code).first() if can_name(code) else None
        if found is None:
            raise NotFoundError({"jurisdiction_id": _("no such jurisdiction")})
        return found
    only = list(Community.objects.all()[:2])
    if len(only) != 1:
        raise ValidationError({"jurisdiction_id": _("say which community: there are several")})
    return only[0]


def _readable(client: ApiClient | None, jurisdiction: str) -> QuerySet[Request]:
    """The requests this reader may read in the jurisdiction it names. Without one, a reader of
    several communities would get them all mixed: the spec's 400 where one is required."""
    if client is None:
        return Request.objects.filter(community=_public_community(jurisdiction))
    community = resolve_community(client, jurisdiction or None, "jurisdiction_id")
    return client_requests(client).filter(community=community)


def _search(request: HttpRequest, client: ApiClient | None) -> QuerySet[Request]:
    qs = _readable(client, request.GET.get("jurisdiction_id", "").strip())
    ids = _codes(request, "service_request_id")
    if ids:  # "This overrides all other arguments."
        if not all(digits_only(part) for part in ids):
            raise ValidationError({"service_request_id": _("a comma-separated list of numbers")})
        return qs.filter(pk__in=[pk for pk in map(whole_number, ids) if pk is not None])
    service_codes = _codes(request, "service_code")
    if service_codes:  # a code holding NUL names nothing
        qs = qs.filter(category__code__in=[code for code in service_codes if can_name(code)])
    statuses = set(_codes(request, "status"))
    if statuses - {"open", "closed"}:
        raise ValidationError({"status": _("use open, closed or both")})
    if statuses == {"open"}:
        qs = qs.filter(status__in=Request.OPEN_STATUSES)
    elif statuses == {"closed"}:
        qs = qs.filter(status__in=CLOSED)
    start, end = window(_when(request, "start_date"), _when(request, "end_date"), timezone.now())
    return qs.filter(created_at__gte=start, created_at__lte=end)


@open311_view(("GET", "POST"))
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    client = _reader(request)
    found = _search(request, client).order_by("-created_at", "-pk")[:MAX_REQUESTS]
    return render(fmt, "service_requests", _records(client, found))


def _pk(raw: str) -> int:
    pk = whole_number(raw)
    if pk is None:
        raise NotFoundError({"service_request_id": _("no such request")})
    return pk


@open311_view(("GET",))
def request_detail(request: HttpRequest, fmt: str, service_request_id: str) -> HttpResponse:
    client = _reader(request)
    pk = _pk(service_request_id)
    found = _records(client, _any_community(request, client).filter(pk=pk))
    if not found:
        raise NotFoundError({"service_request_id": _("no such request")})
    return render(fmt, "service_requests", found)


def _any_community(request: HttpRequest, client: ApiClient | None) -> QuerySet[Request]:
    """What a read of one request looks among: an id or a token names its own community, so
    the jurisdiction_id may be left out; named, it must be the request's."""
    jurisdiction = request.GET.get("jurisdiction_id", "").strip()
    if jurisdiction:
        return _readable(client, jurisdiction)
    return Request.objects.all() if client is None else client_requests(client)


@open311_view(("GET",))
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    """Our tracking code is the token: it gives the service_request_id."""
    client = _reader(request)
    limit, seconds = limits()["token_miss_ip"]
    misses = f"open311:token_miss_ip:{visitor_address(request)}"
    if client is None and ratelimit.exhausted(misses, limit, seconds):
        raise Open311Error(429, "token", _("too many unknown tokens from here: try in an hour"))
    code = token.strip().upper()
    among = _any_community(request, client)
    item = among.filter(tracking_code=code).first() if can_name(code) else None
    if item is None:
        if client is None:
            ratelimit.hit(misses, limit, seconds)
        raise NotFoundError({"token": _("no such token")})
    return render(
        fmt, "service_requests", [{"service_request_id": str(item.pk), "token": item.tracking_code}]
    )
