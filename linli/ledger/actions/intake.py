"""How work enters the ledger: the one open door (`do_open_request`), planned work in batches
(`do_open_planned`), and a call with the requests it brought (`do_take_call`).

Each checks `REQUESTS` first: whoever opens a request, a view, the API, another app or Linli
itself (`SYSTEM`), is asked whether they may open it for that community.
"""

from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.models import Community, User
from linli.core.policy import Actor, as_user
from linli.ledger.actions.common import E, S, check_owner, deadline_for, username
from linli.ledger.models import Call, Category, Channel, Request, RequestEvent, Urgency
from linli.ledger.policy import REQUESTS
from linli.ledger.selectors import possible_duplicates
from linli.ledger.signals import request_opened, send_on_commit
from linli.ledger.triage import questions, triage, triage_households
from linli.lib.sql import insert_rows, one_statement, reserve_pk
from linli.people import phones
from linli.people.models import Household, Resident


@transaction.atomic
def do_log_call(
    community: Community,
    *,
    actor: User,
    caller_number: str,
    kind: str = Call.Kind.REQUEST,
    duration_seconds: int = 0,
    notes: str = "",
    at: datetime | None = None,
) -> Call:
    REQUESTS.check_create(actor, community)
    if kind not in Call.Kind.values:
        raise ValidationError({"kind": _("unknown kind of call")})
    household, resident = phones.caller(community, caller_number)
    return Call.objects.create(
        community=community,
        at=at or timezone.now(),
        caller_number=caller_number.strip()[:20],
        household=household,
        resident=resident,
        operator=actor,
        kind=kind,
        duration_seconds=duration_seconds,
        notes=notes,
    )


@dataclass
class Opened:
    request: Request
    duplicates: list[int]  # numbers of possible duplicates


@dataclass(frozen=True)
class Triaged:
    urgency: str  # the one the request gets: the triage's, or the operator's with a reason
    suggested: str  # the triage's own
    reasons: list[dict[str, object]]


def _checked_source(source: Model | None) -> tuple[ContentType | None, int | None]:
    if source is None:
        return None, None
    if source.pk is None:
        raise ValidationError({"source": _("the source of a request must be saved first")})
    return ContentType.objects.get_for_model(source), source.pk


def _check_entry(
    community: Community,
    *,
    channel: str,
    category: Category,
    description: str,
    household: Household | None,
    resident: Resident | None,
    call: Call | None,
    urgency: str | None,
) -> None:
    """Everything the request needs before it may be written, with the field at fault."""
    if not description:
        raise ValidationError({"description": _("say what is needed")})
    if channel not in Channel.values:
        raise ValidationError({"channel": _("unknown channel")})
    if not category.active:
        raise ValidationError({"category": _("this category is no longer in use")})
    for obj, name in ((household, "household"), (resident, "resident"), (call, "call")):
        if obj is not None and obj.community_id != community.pk:
            raise ValidationError({name: _("belongs to another community")})
    if urgency is not None and urgency not in Urgency.values:
        raise ValidationError({"urgency": _("unknown urgency")})


def _triaged(
    description: str,
    category: Category,
    *,
    resident: Resident | None,
    household: Household | None,
    now: datetime,
    urgency: str | None,
    urgency_reason: str,
    actor: Actor,
    answers: dict[str, str],
) -> Triaged:
    """The triage's urgency and reasons, and the operator's own urgency when they chose one."""
    result = triage(
        description, category, resident=resident, household=household, today=now.date(),
        answers=answers,
    )  # fmt: skip
    if urgency is None or urgency == result.urgency:
        return Triaged(result.urgency, result.urgency, result.reasons)
    if not urgency_reason.strip():
        raise ValidationError({"urgency_reason": _("say why the urgency differs")})
    override: dict[str, object] = {
        "code": "override",
        "reason": urgency_reason,
        "user": username(actor),
    }
    return Triaged(urgency, result.urgency, [*result.reasons, override])


def _write(
    request: Request, triaged: Triaged, extra: Callable[[Request], Model | None] | None
) -> None:
    """The request, its first two timeline lines and the row `extra` makes once the request's
    key is known (the API's answer kept for retries), written together: in one statement on
    PostgreSQL, since this is the path every intake takes; elsewhere in one transaction without
    a savepoint, since everything was checked before and only a database error, which ends a
    caller's transaction anyway, can stop these writes."""
    together = one_statement()
    actor, now = request.created_by, request.created_at
    with nullcontext() if together else transaction.atomic(savepoint=False):
        if together:
            reserve_pk(request)
        else:
            request.save(force_insert=True)
        rows: list[Model] = [
            RequestEvent(
                request=request,
                kind=E.CREATED,
                actor=actor,
                data={"channel": request.channel},
                at=now,
            ),
            RequestEvent(
                request=request,
                kind=E.TRIAGED,
                actor=actor,
                data={
                    "suggested": triaged.suggested,
                    "chosen": triaged.urgency,
                    "reasons": triaged.reasons,
                },
                at=now,
            ),
        ]
        kept = extra(request) if extra is not None else None
        if kept is not None:
            rows.append(kept)
        insert_rows([request, *rows] if together else rows)


def do_open_request(
    community: Community,
    *,
    actor: Actor,
    channel: str,
    category: Category,
    description: str,
    household: Household | None = None,
    resident: Resident | None = None,
    call: Call | None = None,
    urgency: str | None = None,
    urgency_reason: str = "",
    answers: Mapping[str, object] | None = None,
    contact_phone: str = "",
    address_text: str = "",
    at: datetime | None = None,
    source: Model | None = None,
    deadline: datetime | None = None,
    keep: Callable[[Request, list[int]], Model | None] | None = None,
) -> Opened:
    """The ledger's one open door: every request enters here, whatever its source.

    A call, the public form, a door visit, a hotel's green line, the API, Open311 — and the apps
    to come: `source` is the object that caused the request (a care plan's service item, a
    failed delivery stop, a positive test), kept with it without a channel of its own. The
    request is checked, triaged, given its deadline and written with the first two lines of its
    timeline; `request_opened` is sent once it is committed. Street-level staff open requests
    for the community of the person concerned: `community` is that community, within their area.

    `deadline` is for planned work, due at its hour (a dialysis escort at 07:00, generated at
    midnight), not within the hours its category's urgency gives from now.

    `answers` are the key questions as the caller answered them (awake? breathing normally? the
    main problem: `triage.questions`), kept with the request and read by its triage.

    `keep`, given the request about to be written (its primary key known) and its possible
    duplicates, may return one more new row to be written with it, all or nothing."""
    REQUESTS.check_create(actor, community)
    description = description.strip()
    asked = asked_answers(answers)
    if resident is not None and household is None:
        household = resident.household
    _check_entry(
        community, channel=channel, category=category, description=description,
        household=household, resident=resident, call=call, urgency=urgency,
    )  # fmt: skip
    source_type, source_id = _checked_source(source)
    now = at or timezone.now()
    triaged = _triaged(
        description, category, resident=resident, household=household, now=now,
        urgency=urgency, urgency_reason=urgency_reason, actor=actor, answers=asked,
    )  # fmt: skip
    request = Request(
        community=community,
        household=household,
        resident=resident,
        call=call,
        channel=channel,
        category=category,
        description=description,
        urgency=triaged.urgency,
        triage_reasons=triaged.reasons,
        key_answers=asked,
        created_at=now,
        created_by=as_user(actor),
        deadline=deadline or deadline_for(category, triaged.urgency, now),
        contact_phone=contact_phone[:20],
        address_text=address_text[:200],
        source_type=source_type,
        source_id=source_id,
    )
    duplicates = possible_duplicates(request)
    _write(request, triaged, (lambda r: keep(r, duplicates)) if keep is not None else None)
    send_on_commit(request_opened, request)
    return Opened(request, duplicates)


def asked_answers(answers: Mapping[str, object] | None) -> dict[str, str]:
    """The key questions' answers, checked: an unknown answer is refused on its question."""
    try:
        return questions.cleaned(answers)
    except ValueError as exc:
        raise ValidationError({str(exc): _("answer yes, no or don't know")}) from None


@dataclass(frozen=True)
class Planned:
    """A request of planned work, for `do_open_planned`: what, for whom, when it is due, what
    caused it, and who it is handed to."""

    community: Community
    category: Category
    description: str
    household: Household | None
    deadline: datetime
    source: Model
    assignee: User | None = None


@transaction.atomic
def do_open_planned(
    entries: Sequence[Planned], *, actor: Actor, at: datetime | None = None
) -> list[Request]:
    """The one open door for many requests of planned work at once (a day of a care plan's
    services): each checked and triaged as every request is, handed to its assignee, and
    written with its first lines in a few statements instead of a dozen each. Planned work gets
    no warning of possible duplicates: it is not a caller ringing twice (its source says which
    item and day it is). `request_opened` is sent for each once committed."""
    now = at or timezone.now()
    owners: set[tuple[int, int]] = set()  # (community, assignee) already checked
    for community in {entry.community.pk: entry.community for entry in entries}.values():
        REQUESTS.check_create(actor, community)
    for entry in entries:
        _check_entry(
            entry.community, channel=Channel.PLANNED, category=entry.category,
            description=entry.description.strip(), household=entry.household, resident=None,
            call=None, urgency=None,
        )  # fmt: skip
        if entry.assignee is not None and (entry.community.pk, entry.assignee.pk) not in owners:
            check_owner(entry.community.pk, entry.assignee, None)
            owners.add((entry.community.pk, entry.assignee.pk))
    triaged = triage_households(
        [(e.description.strip(), e.category, e.household) for e in entries], now.date()
    )
    requests = []
    for entry, result in zip(entries, triaged, strict=True):
        source_type, source_id = _checked_source(entry.source)
        requests.append(
            Request(
                community=entry.community, household=entry.household, channel=Channel.PLANNED,
                category=entry.category, description=entry.description.strip(),
                urgency=result.urgency, triage_reasons=result.reasons, created_at=now,
                deadline=entry.deadline, source_type=source_type, source_id=source_id,
                created_by=as_user(actor),
                assignee=entry.assignee, status=S.ASSIGNED if entry.assignee else S.NEW,
            )
        )  # fmt: skip
    Request.objects.bulk_create(requests, batch_size=500)
    events = []
    for request, result in zip(requests, triaged, strict=True):
        chosen = {"suggested": result.urgency, "chosen": result.urgency, "reasons": result.reasons}
        events.append(
            RequestEvent(request=request, kind=E.CREATED, data={"channel": request.channel}, at=now)
        )
        events.append(RequestEvent(request=request, kind=E.TRIAGED, data=chosen, at=now))
        if request.assignee is not None:
            handed = {"assignee": request.assignee.username, "team": None}
            events.append(
                RequestEvent(
                    request=request, kind=E.ASSIGNED, from_status=S.NEW,
                    to_status=S.ASSIGNED, data=handed, at=now,
                )
            )  # fmt: skip
    RequestEvent.objects.bulk_create(events, batch_size=1000)
    for request in requests:
        send_on_commit(request_opened, request)
    return requests


@dataclass
class RequestDraft:
    category: Category
    description: str
    urgency: str | None = None
    urgency_reason: str = ""
    answers: dict[str, str] = field(default_factory=dict)  # the key questions, as asked


class DraftError(ValidationError):
    """A request of a call that could not be opened: `index` says which of the drafts, so that
    the desk shows the error by the row it came from."""

    def __init__(self, index: int, error: ValidationError) -> None:
        super().__init__(error)
        self.index = index


@transaction.atomic
def do_take_call(
    community: Community,
    *,
    actor: User,
    caller_number: str,
    drafts: list[RequestDraft],
    kind: str = Call.Kind.REQUEST,
    duration_seconds: int = 0,
    notes: str = "",
    address_text: str = "",
) -> tuple[Call, list[Opened]]:
    """A call and the requests it brought, all kept or none."""
    call = do_log_call(
        community,
        actor=actor,
        caller_number=caller_number,
        kind=kind,
        duration_seconds=duration_seconds,
        notes=notes,
    )
    opened = []
    for index, draft in enumerate(drafts):
        try:
            opened.append(
                do_open_request(
                    community,
                    actor=actor,
                    channel=Channel.HOTLINE,
                    category=draft.category,
                    description=draft.description,
                    household=call.household,
                    resident=call.resident,
                    call=call,
                    urgency=draft.urgency,
                    urgency_reason=draft.urgency_reason,
                    answers=draft.answers,
                    contact_phone=caller_number,
                    address_text=address_text,
                )
            )
        except ValidationError as exc:
            raise DraftError(index, exc) from exc
    return call, opened
