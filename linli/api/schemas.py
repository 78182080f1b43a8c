"""The shapes of the JSON API (django-ninja schemas, published in /api/v1/openapi.json)."""

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

from linli.ledger.models import Request, Urgency
from linli.ledger.triage import advice_for, explain
from linli.lib.masking import mask_phone


class ErrorItem(Schema):
    field: str = Field(description="the input field at fault ('Authorization', 'id', …)")
    message: str


class ErrorOut(Schema):
    detail: list[ErrorItem]


class RequestIn(Schema):
    category: str = Field(description="category code, as in the Open311 service list")
    description: str = Field(description="what is needed", max_length=4000)
    community: str | None = Field(
        None, description="community code; needed when the client serves several"
    )
    phone: str = Field("", description="caller's phone; matched to the household register")
    urgency: Literal["emergency", "urgent", "normal", "low"] | None = Field(
        None, description="overrides the triage; needs urgency_reason when it differs"
    )
    urgency_reason: str = ""
    address: str = Field("", description="the address as given", max_length=200)
    awake: Literal["yes", "no", "unknown"] | None = Field(
        None,
        description="key question: is the person awake and answering? no or unknown makes an "
        "emergency whatever the description says; leave out when not asked",
    )
    breathing: Literal["yes", "no", "unknown"] | None = Field(
        None, description="key question: breathing normally? as for awake"
    )
    problem: (
        Literal[
            "chest",
            "breathing",
            "bleeding",
            "fall",
            "fit",
            "pregnancy",
            "poisoning",
            "suicide",
            "other",
        ]
        | None
    ) = Field(None, description="key question: the main problem, as the caller said it")


class RequestOut(Schema):
    id: int
    tracking_code: str
    community: str
    category: str
    channel: str
    description: str
    status: str
    is_open: bool
    urgency: str
    deadline: datetime
    late: bool
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    result: str
    cancel_reason: str
    household_matched: bool
    contact_phone: str = Field(description="masked: 138****5678")
    address: str
    key_answers: dict[str, str] = Field(
        description="the key questions as answered (awake, breathing, problem); {} if not asked"
    )
    triage_reasons: list[str] = Field(
        description="why this urgency, in the language asked for (Accept-Language): the "
        "clinical signs matched and the words that matched them, what the register added"
    )


class RequestCreated(RequestOut):
    possible_duplicates: list[int] = Field(
        description="open requests of the same household and category from the last 24 hours"
    )
    emergency_advice: list[str] = Field(
        description="for an emergency, what to tell the caller now (ring 120, and for some "
        "signs more); empty otherwise"
    )


class RequestPage(Schema):
    items: list[RequestOut]
    limit: int
    offset: int
    next_offset: int | None = Field(description="offset of the next page; null on the last")


# A bare number, which pydantic would read as seconds since 1970 rather than refuse.
_SECONDS = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")


def _iso_only(value: Any) -> Any:
    if isinstance(value, int | float) or (isinstance(value, str) and _SECONDS.fullmatch(value)):
        raise PydanticCustomError(
            "datetime_type", "Input should be an ISO 8601 date-time, e.g. 2026-02-01T00:00:00+08:00"
        )
    return value


def _within_range(at: datetime) -> datetime:
    """Aware (local time when no offset is given), and in UTC still within years 1 to 9999, as
    the database needs it."""
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    try:
        at.astimezone(UTC)
    except OverflowError:
        raise PydanticCustomError(
            "datetime_range", "Input should be a date-time between the years 1 and 9999"
        ) from None
    return at


Moment = Annotated[datetime, BeforeValidator(_iso_only), AfterValidator(_within_range)]
MAX_OFFSET = 1_000_000_000  # far beyond any ledger, and within the databases' integers


class RequestFilters(Schema):
    status: str | None = Field(None, description="new, assigned, in_progress, done, …")
    category: str | None = None
    urgency: str | None = None
    community: str | None = None
    created_since: Moment | None = None
    updated_since: Moment | None = Field(None, description="last event at or after")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class TransitionIn(Schema):
    action: Literal["start", "complete", "cancel", "confirm", "reopen"]
    note: str = Field("", description="confirm: optional; reopen: what is still missing")
    result: str = Field("", description="complete: what was done")
    reason: str = Field("", description="cancel: why")


def _local(at: datetime | None) -> datetime | None:
    return timezone.localtime(at) if at is not None else None


def request_out(item: Request) -> RequestOut:
    """A request as the API shows it (`item` from `linli.api.selectors.with_details`)."""
    last: datetime = getattr(item, "last_event_at", None) or item.created_at
    return RequestOut(
        id=item.pk,
        tracking_code=item.tracking_code,
        community=item.community.code,
        category=item.category.code,
        channel=item.channel,
        description=item.description,
        status=item.status,
        is_open=item.is_open,
        urgency=item.urgency,
        deadline=timezone.localtime(item.deadline),
        late=item.is_late(),
        created_at=timezone.localtime(item.created_at),
        updated_at=timezone.localtime(last),
        closed_at=_local(item.closed_at),
        result=item.result,
        cancel_reason=getattr(item, "cancel_reason", None) or "",
        household_matched=item.household_id is not None,
        contact_phone=mask_phone(item.contact_phone),
        address=item.address_text,
        key_answers=item.key_answers or {},
        triage_reasons=[explain(r) for r in item.triage_reasons if r.get("code") != "category"],
    )


EMERGENCY_CALL = gettext_lazy("Emergency: tell the caller to ring 120 now, or ring 120 yourself.")


def created_body(item: Request, duplicates: list[int]) -> dict[str, Any]:
    """The JSON body of 201 Created, as stored for replays."""
    emergency = item.urgency == Urgency.EMERGENCY
    out = RequestCreated(
        **request_out(item).model_dump(),
        possible_duplicates=duplicates,
        emergency_advice=[str(EMERGENCY_CALL), *advice_for(item.triage_reasons)]
        if emergency
        else [],
    )
    return out.model_dump(mode="json")
