"""Writes made by integrations: API clients, requests opened through the JSON API or Open311,
and the transitions of requests. Every request still enters the ledger through
`linli.ledger.actions.do_open_request`; this module adds the client's scope, the idempotency of
retries and the mapping of Open311's fields.
"""

import hashlib
import json
from collections.abc import Callable
from contextlib import nullcontext, suppress
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from linli.api.auth import hash_token, new_token
from linli.api.models import ApiClient, IdempotentResponse, Open311Location
from linli.api.selectors import (
    can_name,
    can_read,
    get_client_request,
    resolve_category,
    resolve_community,
    without_nul,
)
from linli.core.models import Community, User
from linli.core.roles import Cap
from linli.core.scoping import scoped
from linli.ledger import actions as ledger
from linli.ledger.models import Channel, Request
from linli.ledger.policy import REQUESTS
from linli.lib.validation import Invalid, normalize_phone
from linli.people import phones

MAX_DESCRIPTION = 4000  # Open311's limit, kept by both APIs
MAX_KEY = 200  # IdempotentResponse.key


@transaction.atomic
def do_create_api_client(
    name: str, community_codes: list[str], acting_user: User
) -> tuple[ApiClient, str]:
    """A client for these communities, acting as `acting_user`; returns it and its token, which
    is stored only as a hash and cannot be shown again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("give the client a name")})
    codes = sorted({code.strip() for code in community_codes if code.strip()})
    if not codes:
        raise ValidationError({"communities": _("name at least one community")})
    communities = list(Community.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {c.code for c in communities})
    if missing:
        raise ValidationError(
            {"communities": _("no community with code %(codes)s") % {"codes": ", ".join(missing)}}
        )
    if not acting_user.is_active:
        raise ValidationError({"acting_user": _("this user is not active")})
    if not acting_user.can(Cap.TAKE_CALLS):
        raise ValidationError({"acting_user": _("this user cannot open requests")})
    reachable = set(
        scoped(
            acting_user, Community.objects.filter(pk__in=[c.pk for c in communities])
        ).values_list("code", flat=True)
    )
    outside = sorted(set(codes) - reachable)
    if outside:
        raise ValidationError(
            {
                "communities": _("%(user)s cannot reach %(codes)s")
                % {"user": acting_user.username, "codes": ", ".join(outside)}
            }
        )
    token = new_token()
    client = ApiClient.objects.create(
        name=name[:100], token_hash=hash_token(token), acting_user=acting_user
    )
    client.communities.set(communities)
    return client, token


# Idempotency -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What the API answers; `replayed` when it is the stored answer to an earlier attempt."""

    status_code: int
    body: dict[str, Any]
    replayed: bool = False


def fingerprint(body: bytes) -> str:
    """SHA-256 of the request body; a JSON body is taken in canonical form first, so that
    the same document with other spacing or key order is the same request."""
    try:
        canonical = json.dumps(
            json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


def _stored(client: ApiClient, key: str, print_: str) -> Answer | None:
    stored = IdempotentResponse.objects.filter(client=client, key=key).first()
    if stored is None:
        return None
    if stored.fingerprint != print_:
        raise ValidationError(
            {
                "Idempotency-Key": _(
                    "this key was already used with a different request body; "
                    "use a new key for a new request"
                )
            }
        )
    return Answer(stored.status_code, stored.body, replayed=True)


def _checked_key(key: str) -> str:
    key = key.strip()
    if len(key) > MAX_KEY:
        raise ValidationError({"Idempotency-Key": _("at most %(n)s characters") % {"n": MAX_KEY}})
    if key and not can_name(key):
        raise ValidationError({"Idempotency-Key": _("invalid")})
    return key


# Opening requests --------------------------------------------------------------------------


@dataclass(frozen=True)
class NewRequest:
    category: str
    description: str
    community: str | None = None
    phone: str = ""
    urgency: str | None = None
    urgency_reason: str = ""
    address: str = ""
    answers: dict[str, object] = field(default_factory=dict)  # the key questions, if asked


@dataclass(frozen=True)
class Fields:
    """The names the input fields have in each API, for error messages."""

    community: str = "community"
    category: str = "category"
    phone: str = "phone"


JSON_FIELDS = Fields()
OPEN311_FIELDS = Fields(community="jurisdiction_id", category="service_code")


def may_open(client: ApiClient) -> User:
    """The client's user, if it may open requests."""
    if not client.acting_user.can(Cap.TAKE_CALLS):
        raise PermissionDenied(_("this client's user cannot open requests"))
    return client.acting_user


def _open(
    client: ApiClient,
    new: NewRequest,
    channel: str,
    fields: Fields,
    keep: Callable[[Request, list[int]], IdempotentResponse | None] | None = None,
) -> ledger.Opened:
    user = may_open(client)
    community = resolve_community(client, new.community, fields.community)
    category = resolve_category(new.category, fields.category)
    description = without_nul(new.description)
    if len(description) > MAX_DESCRIPTION:
        raise ValidationError(
            {"description": _("at most %(n)s characters") % {"n": MAX_DESCRIPTION}}
        )
    phone = without_nul(new.phone).strip()
    if len(phone) > 20:
        raise ValidationError({fields.phone: _("at most %(n)s characters") % {"n": 20}})
    # Kept in the register's form when it is a number (so a retried post and the desk agree on
    # it); as sent otherwise: a city hotline relays what its caller said, and Open311's phone is
    # free text.
    with suppress(Invalid):
        phone = normalize_phone(phone) if phone else ""
    household, resident = phones.caller(community, phone) if phone else (None, None)
    return ledger.do_open_request(
        community,
        actor=user,
        channel=channel,
        category=category,
        description=description,
        household=household,
        resident=resident,
        urgency=new.urgency or None,
        urgency_reason=without_nul(new.urgency_reason),
        answers=new.answers,
        contact_phone=phone,
        address_text=without_nul(new.address).strip(),
        keep=keep,
    )


def do_api_open_request(
    client: ApiClient,
    new: NewRequest,
    *,
    render: Callable[[Request, list[int]], dict[str, Any]],
    idempotency_key: str = "",
    body_fingerprint: str = "",
) -> Answer:
    """Open a request through the JSON API: 201 and the request as `render` shows it.

    With an Idempotency-Key the answer is kept with the request, written together with it: a
    retry, or a simultaneous attempt, with the same key is stopped by the key's unique
    constraint, writes nothing and gets the first answer again. The key is not looked up
    first, as retries are rare and every first attempt would pay for the look. Errors are not
    kept (nothing is written on error), so a retry after an error runs again."""
    key = _checked_key(idempotency_key)
    body: dict[str, Any] = {}

    def keep(request: Request, duplicates: list[int]) -> IdempotentResponse | None:
        # Shown as just created: its category and community are the objects it is made with,
        # and its only events carry its creation time.
        request.last_event_at = request.created_at  # type: ignore[attr-defined]
        request.cancel_reason = None  # type: ignore[attr-defined]
        body.update(render(request, duplicates))
        if not key:
            return None
        return IdempotentResponse(
            client=client, key=key, fingerprint=body_fingerprint, status_code=201, body=body
        )

    # Inside a caller's transaction a savepoint keeps it usable after a key clash.
    try:
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            _open(client, new, Channel.API, JSON_FIELDS, keep=keep)
    except (IntegrityError, ValidationError, PermissionDenied):
        # The key's first answer, when there is one, even if this attempt could not run now.
        found = _stored(client, key, body_fingerprint) if key else None
        if found is None:
            raise
        return found
    return Answer(201, body)


@dataclass(frozen=True)
class Posted:
    """What an Open311 POST says beyond the request: who reported it, where it is, its picture."""

    reporter: str = ""
    email: str = ""
    media_url: str = ""
    lat: float | None = None
    long: float | None = None
    address_string: str = ""
    address_id: str = ""

    def cleaned(self) -> "Posted":
        """Checked as the spec has it: one location at least, lat and long together."""
        if (self.lat is None) != (self.long is None):
            raise ValidationError({"lat": _("send lat and long together")})
        if self.lat is not None and not -90 <= self.lat <= 90:
            raise ValidationError({"lat": _("out of range")})
        if self.long is not None and not -180 <= self.long <= 180:
            raise ValidationError({"long": _("out of range")})
        text = {
            name: without_nul(getattr(self, name)).strip()
            for name in ("reporter", "email", "media_url", "address_string", "address_id")
        }
        if self.lat is None and not text["address_string"] and not text["address_id"]:
            raise ValidationError(
                {"address_string": _("say where: lat and long, address_string or address_id")}
            )
        for name, limit in (("address_string", 200), ("address_id", 100), ("media_url", 500)):
            if len(text[name]) > limit:
                raise ValidationError({name: _("at most %(n)s characters") % {"n": limit}})
        if text["media_url"]:
            try:
                WEB_ADDRESS(text["media_url"])
            except ValidationError:
                raise ValidationError({"media_url": _("not a web address")}) from None
        return Posted(**text, lat=self.lat, long=self.long)

    def address_for_the_desk(self) -> str:
        """The address as the desk reads it: the text, the address id and the coordinates."""
        parts = [self.address_string]
        if self.address_id:
            parts.append(f"[{self.address_id}]")
        if self.lat is not None:
            parts.append(f"({self.lat:.6f}, {self.long:.6f})")
        return " ".join(part for part in parts if part)[:200]


WEB_ADDRESS = URLValidator(schemes=["http", "https"])


@transaction.atomic
def do_open311_request(client: ApiClient, new: NewRequest, posted: Posted) -> Request:
    """Open a request posted through Open311: where it is kept as posted, and who reported it
    goes on its timeline as a note."""
    # Who, where and what first, as the JSON API judges them; then the location.
    may_open(client)
    resolve_community(client, new.community, OPEN311_FIELDS.community)
    resolve_category(new.category, OPEN311_FIELDS.category)
    posted = posted.cleaned()
    opened = _open(
        client,
        replace(new, address=posted.address_for_the_desk()),
        Channel.OPEN311,
        OPEN311_FIELDS,
    )
    Open311Location.objects.create(
        request=opened.request,
        lat=posted.lat,
        long=posted.long,
        address_string=posted.address_string,
        address_id=posted.address_id,
        media_url=posted.media_url,
    )
    lines = []
    if posted.reporter:
        lines.append(_("Reported by: %(name)s") % {"name": posted.reporter})
    if posted.email:
        lines.append(_("Email: %(email)s") % {"email": posted.email})
    if posted.media_url:
        lines.append(_("Media: %(url)s") % {"url": posted.media_url})
    if lines:
        ledger.do_add_note(opened.request, actor=client.acting_user, note="\n".join(lines))
    return opened.request


# Transitions -------------------------------------------------------------------------------

TransitionName = Literal["start", "complete", "cancel", "confirm", "reopen"]


@transaction.atomic
def do_api_transition(
    client: ApiClient,
    pk: int,
    action: TransitionName,
    *,
    note: str = "",
    result: str = "",
    reason: str = "",
) -> Request:
    """Move a request of the client's communities on, through the ledger's own actions."""
    user = client.acting_user
    note, result, reason = without_nul(note), without_nul(result), without_nul(reason)
    item = get_client_request(client, pk)
    if not can_read(user):
        raise PermissionDenied(_("this client's user does not work the ledger"))
    if not REQUESTS.may(user, item, action):  # the ledger's one policy, as on its own pages
        raise PermissionDenied(_("this client's user cannot handle requests"))
    if action == "start":
        ledger.do_start(item, actor=user)
    elif action == "complete":
        ledger.do_complete(item, actor=user, result=result)
    elif action == "cancel":
        ledger.do_cancel(item, actor=user, reason=reason)
    elif action == "confirm":
        ledger.do_record_callback(item, actor=user, confirmed=True, note=note)
    elif action == "reopen":
        ledger.do_record_callback(item, actor=user, confirmed=False, note=note)
    else:  # pragma: no cover - the schema admits only the names above
        raise ValidationError({"action": _("unknown action")})
    return get_client_request(client, pk)
