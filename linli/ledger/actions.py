"""Every write to the ledger: one transaction each, each leaving a line on the request's timeline.

`do_open_request` is the one way a request enters the ledger, whatever its source: a call, the
public form, a door visit, a hotel's green line, the API or Open311.
"""

from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.models import Community, Team, User
from linli.core.roles import Cap
from linli.ledger.models import (
    URGENCY_RANK,
    Call,
    Category,
    Channel,
    Request,
    RequestEvent,
    Urgency,
    VisitPass,
)
from linli.ledger.policy import REQUESTS
from linli.ledger.signals import request_closed, request_done, request_opened, send_on_commit
from linli.ledger.taxonomy import rule_hours
from linli.ledger.triage import questions, triage, triage_households
from linli.lib.sql import hot_cursor, insert_rows, one_statement, placeholders, reserve_pk
from linli.people import phones
from linli.people.actions import register
from linli.people.models import Household, Resident

S = Request.Status
E = RequestEvent.Kind
# A call-back is a call to make, not a task: due in ten minutes whatever the category's rules.
CALL_BACK_WITHIN = timedelta(minutes=10)
DEFAULT_HOURS = {
    Urgency.EMERGENCY: Decimal("0.5"),
    Urgency.CALL_BACK: Decimal(CALL_BACK_WITHIN.seconds) / 3600,
    Urgency.URGENT: Decimal(4),
    Urgency.NORMAL: Decimal(24),
    Urgency.LOW: Decimal(72),
}


class TransitionError(ValidationError):
    """A change the request's current state does not allow."""


def deadline_for(category: Category, urgency: str, start: datetime) -> datetime:
    if urgency == Urgency.CALL_BACK:
        return start + CALL_BACK_WITHIN
    hours = rule_hours(category.pk, urgency) or DEFAULT_HOURS[Urgency(urgency)]
    return start + timedelta(hours=float(hours))


def _event(
    request: Request,
    kind: str,
    actor: User | None,
    *,
    before: str = "",
    note: str = "",
    data: dict[str, object] | None = None,
    at: datetime | None = None,
) -> RequestEvent:
    return RequestEvent.objects.create(
        request=request,
        kind=kind,
        actor=actor,
        from_status=before,
        to_status=request.status if before else "",
        note=note,
        data=data or {},
        at=at or timezone.now(),
    )


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


def possible_duplicates(request: Request) -> list[int]:
    """The numbers of open requests of the same household and category from the last 24 hours
    (the latest five: enough to warn, and bounded however often a household calls)."""
    if request.household_id is None:
        return []
    # Written out, like the caller lookup: every intake of a known household asks this.
    statuses = Request.OPEN_STATUSES
    since = connection.ops.adapt_datetimefield_value(request.created_at - timedelta(hours=24))
    sql = (
        "SELECT id FROM ledger_request WHERE household_id = %s AND category_id = %s"  # noqa: S608
        f" AND status IN ({placeholders(len(statuses))}) AND created_at >= %s"
    )
    params: list[Any] = [request.household_id, request.category_id, *statuses, since]
    if request.pk is not None:
        sql += " AND id <> %s"
        params.append(request.pk)
    with hot_cursor() as cursor:
        cursor.execute(sql + " ORDER BY created_at DESC LIMIT 5", params)
        return [row[0] for row in cursor.fetchall()]


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
    actor: User | None,
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
    if actor is not None and not REQUESTS.may_open(actor, community):
        raise ValidationError({"community": _("you cannot open requests for this community")})


def _triaged(
    description: str,
    category: Category,
    *,
    resident: Resident | None,
    household: Household | None,
    now: datetime,
    urgency: str | None,
    urgency_reason: str,
    actor: User | None,
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
        "user": actor.username if actor else "",
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
    actor: User | None,
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
    description = description.strip()
    asked = _asked(answers)
    if resident is not None and household is None:
        household = resident.household
    _check_entry(
        community, actor=actor, channel=channel, category=category, description=description,
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
        created_by=actor,
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


def _asked(answers: Mapping[str, object] | None) -> dict[str, str]:
    """The key questions' answers, checked: an unknown answer is refused on its question."""
    try:
        return questions.cleaned(answers)
    except ValueError as exc:
        raise ValidationError({str(exc): _("answer yes, no or don't know")}) from None


def _require(request: Request, allowed: tuple[str, ...], action: str) -> None:
    if request.status not in allowed:
        raise TransitionError(
            {
                "status": _("cannot %(action)s a request that is %(status)s")
                % {"action": action, "status": request.get_status_display()}
            }
        )


def _lock(request: Request) -> Request:
    """The request re-read under a row lock (PostgreSQL) or the write lock (SQLite)."""
    return Request.objects.select_for_update().get(pk=request.pk)


def _check_owner(community_id: int, assignee: User | None, team: Team | None) -> None:
    """Who a request of `community_id` may be handed to."""
    if assignee is not None and not (
        assignee.can(Cap.HANDLE_REQUESTS) or assignee.can(Cap.DO_TASKS)
    ):
        raise ValidationError({"assignee": _("this person cannot take requests")})
    for obj, name in ((assignee, "assignee"), (team, "team")):
        if obj is not None and getattr(obj, "community_id", None) not in (community_id, None):
            raise ValidationError({name: _("belongs to another community")})


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
def do_open_planned(entries: Sequence[Planned], *, at: datetime | None = None) -> list[Request]:
    """The one open door for many requests of planned work at once (a day of a care plan's
    services): each checked and triaged as every request is, handed to its assignee, and
    written with its first lines in a few statements instead of a dozen each. Planned work gets
    no warning of possible duplicates: it is not a caller ringing twice (its source says which
    item and day it is). `request_opened` is sent for each once committed."""
    now = at or timezone.now()
    owners: set[tuple[int, int]] = set()  # (community, assignee) already checked
    for entry in entries:
        _check_entry(
            entry.community, actor=None, channel=Channel.PLANNED, category=entry.category,
            description=entry.description.strip(), household=entry.household, resident=None,
            call=None, urgency=None,
        )  # fmt: skip
        if entry.assignee is not None and (entry.community.pk, entry.assignee.pk) not in owners:
            _check_owner(entry.community.pk, entry.assignee, None)
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


@transaction.atomic
def do_assign(
    request: Request,
    *,
    actor: User | None,
    assignee: User | None = None,
    team: Team | None = None,
    reason: str = "",
) -> Request:
    """Hand a request to a person and/or a team (交办); re-handing or taking back needs a reason.
    `actor` None: handed by Linli itself (a planned service, to the seat of its team)."""
    request = _lock(request)
    _require(request, (S.NEW, S.ASSIGNED, S.IN_PROGRESS), _("assign"))
    _check_owner(request.community_id, assignee, team)
    had_owner = request.assignee_id is not None or request.team_id is not None
    if had_owner and not reason.strip():
        raise ValidationError({"reason": _("say why the request changes hands")})
    before = request.status
    request.assignee, request.team = assignee, team
    if assignee is None and team is None:
        request.status = S.NEW
        kind = E.UNASSIGNED
    else:
        request.status = S.ASSIGNED if request.status == S.NEW else request.status
        kind = E.ASSIGNED
    request.save(update_fields=["assignee", "team", "status"])
    _event(
        request,
        kind,
        actor,
        before=before,
        note=reason,
        data={
            "assignee": assignee.username if assignee else None,
            "team": team.name if team else None,
        },
    )
    return request


def do_claim(request_id: int, *, actor: User) -> Request | None:
    """Take a request nobody has taken: an unassigned one, or one handed to a team (which
    keeps it: the taker works it for the team). Under any number of simultaneous claims
    exactly one wins; the others get None."""
    with transaction.atomic():
        qs = Request.objects.filter(Request.awaiting_taker(), pk=request_id)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        request = qs.first()
        if request is None:
            return None
        before = request.status
        request.assignee = actor
        request.status = S.ASSIGNED
        request.save(update_fields=["assignee", "status"])
        _event(request, E.CLAIMED, actor, before=before)
        return request


def do_claim_next(community: Community, *, actor: User) -> Request | None:
    """Take the most urgent unassigned request of the community, skipping ones being claimed."""
    with transaction.atomic():
        qs = Request.objects.filter(
            community=community, status=S.NEW, assignee__isnull=True
        ).order_by("deadline", "pk")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        request = qs.first()
        if request is None:
            return None
        request.assignee = actor
        request.status = S.ASSIGNED
        request.save(update_fields=["assignee", "status"])
        _event(request, E.CLAIMED, actor, before=S.NEW)
        return request


@transaction.atomic
def do_start(request: Request, *, actor: User) -> Request:
    request = _lock(request)
    _require(request, (S.ASSIGNED,), _("start"))
    before, request.status = request.status, S.IN_PROGRESS
    request.save(update_fields=["status"])
    _event(request, E.STARTED, actor, before=before)
    return request


@transaction.atomic
def do_complete(request: Request, *, actor: User, result: str) -> Request:
    request = _lock(request)
    _require(request, (S.ASSIGNED, S.IN_PROGRESS), _("complete"))
    if not REQUESTS.may_close(actor, request):
        raise ValidationError(
            {"assignee": _("only the owner, their team lead or the community head can do this")}
        )
    if not result.strip():
        raise ValidationError({"result": _("say what was done")})
    before = request.status
    request.status, request.result, request.closed_at = S.DONE, result.strip(), timezone.now()
    request.save(update_fields=["status", "result", "closed_at"])
    _event(request, E.DONE, actor, before=before, note=result)
    send_on_commit(request_done, request)
    return request


@transaction.atomic
def do_record_callback(
    request: Request, *, actor: User, confirmed: bool, note: str = ""
) -> Request:
    """The callback to the resident: confirmed closes the request, otherwise it reopens."""
    request = _lock(request)
    _require(request, (S.DONE,), _("call back on"))
    before = request.status
    if confirmed:
        request.status = S.CONFIRMED
        kind = E.CONFIRMED
    else:
        if not note.strip():
            raise ValidationError({"note": _("say what is still missing")})
        request.status = S.ASSIGNED if request.assignee_id or request.team_id else S.NEW
        request.closed_at = None
        kind = E.REOPENED
    request.save(update_fields=["status", "closed_at"])
    _event(request, kind, actor, before=before, note=note)
    if confirmed:
        send_on_commit(request_closed, request, outcome=E.CONFIRMED)
    return request


@transaction.atomic
def do_cancel(request: Request, *, actor: User, reason: str) -> Request:
    request = _lock(request)
    _require(request, Request.OPEN_STATUSES, _("cancel"))
    if not reason.strip():
        raise ValidationError({"reason": _("say why the request is cancelled")})
    before, request.status, request.closed_at = request.status, S.CANCELLED, timezone.now()
    request.save(update_fields=["status", "closed_at"])
    _event(request, E.CANCELLED, actor, before=before, note=reason)
    send_on_commit(request_closed, request, outcome=E.CANCELLED)
    return request


@transaction.atomic
def do_merge(duplicate: Request, *, into: Request, actor: User) -> Request:
    duplicate = _lock(duplicate)
    _require(duplicate, Request.OPEN_STATUSES, _("merge"))
    if into.pk == duplicate.pk or into.community_id != duplicate.community_id:
        raise ValidationError({"into": _("choose another request of the same community")})
    if not into.is_open:
        raise ValidationError({"into": _("a request can only be merged into an open one")})
    before = duplicate.status
    duplicate.status, duplicate.merged_into, duplicate.closed_at = S.MERGED, into, timezone.now()
    duplicate.save(update_fields=["status", "merged_into", "closed_at"])
    _event(duplicate, E.MERGED, actor, before=before, data={"into": into.pk})
    _event(into, E.NOTE, actor, note=_("request #%(n)s merged into this one") % {"n": duplicate.pk})
    send_on_commit(request_closed, duplicate, outcome=E.MERGED)
    return duplicate


@transaction.atomic
def do_change_urgency(request: Request, *, actor: User, urgency: str, reason: str) -> Request:
    """The operator's override of the triage, with a reason; the deadline follows."""
    request = _lock(request)
    _require(request, Request.OPEN_STATUSES, _("change the urgency of"))
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": _("unknown urgency")})
    if not reason.strip():
        raise ValidationError({"reason": _("say why the urgency changes")})
    old = request.urgency
    request.urgency = urgency
    request.deadline = deadline_for(request.category, urgency, request.created_at)
    request.triage_reasons = [
        *request.triage_reasons,
        {"code": "override", "reason": reason, "user": actor.username},
    ]
    request.save(update_fields=["urgency", "deadline", "triage_reasons"])
    _event(request, E.URGENCY, actor, note=reason, data={"from": old, "to": urgency})
    return request


@transaction.atomic
def do_ask_key_questions(
    request: Request, *, actor: User, answers: Mapping[str, object]
) -> Request:
    """The key questions as the caller answered them when rung back (or asked later): kept with
    the request, which is triaged again with them and the register. A worse answer raises it (a
    *no* is an emergency); a call-back both of whose answers are yes takes the urgency its
    words and the register give, since the danger it half-named was asked about."""
    request = _lock(request)
    _require(request, Request.OPEN_STATUSES, _("ask the key questions of"))
    asked = _asked(answers)
    if not asked:
        raise ValidationError({"awake": _("answer at least one question")})
    result = triage(
        request.description, request.category, resident=request.resident,
        household=request.household, today=timezone.localdate(), answers=asked,
    )  # fmt: skip
    worse = URGENCY_RANK[Urgency(result.urgency)] < URGENCY_RANK[Urgency(request.urgency)]
    settled = request.urgency == Urgency.CALL_BACK and questions.reassured(asked)
    request.key_answers = asked
    fields = ["key_answers"]
    if worse or settled:
        old = request.urgency
        request.urgency = result.urgency
        request.deadline = deadline_for(request.category, result.urgency, request.created_at)
        request.triage_reasons = result.reasons
        fields += ["urgency", "deadline", "triage_reasons"]
        _event(
            request, E.URGENCY, actor, note=str(_("key questions")),
            data={"from": old, "to": result.urgency, "answers": asked},
        )  # fmt: skip
    else:
        _event(request, E.NOTE, actor, note=str(_("key questions")), data={"answers": asked})
    request.save(update_fields=fields)
    return request


@transaction.atomic
def do_record_emergency_call(request: Request, *, actor: User) -> Request:
    """The operator confirms they told the caller to ring 120, or rang it themselves."""
    request = _lock(request)
    if request.urgency != Urgency.EMERGENCY:
        raise ValidationError({"urgency": _("only an emergency needs 120")})
    if request.emergency_call_at is None:
        request.emergency_call_at = timezone.now()
        request.save(update_fields=["emergency_call_at"])
        _event(request, E.EMERGENCY_CALL, actor)
    return request


@transaction.atomic
def do_link_request(
    request: Request, *, actor: User, household: Household, resident: Resident | None = None
) -> Request:
    """Say whose request this is, after it was registered (an unknown caller, a typed room):
    the household of the register and, if known, the resident. An open request is triaged again
    with what the register says of them, and made more urgent if that calls for it, never less."""
    request = _lock(request)
    if household.community_id != request.community_id:
        raise ValidationError({"household": _("this household is not in the request's community")})
    if resident is not None and resident.household_id != household.pk:
        raise ValidationError({"resident": _("this resident does not live in that household")})
    if request.household_id == household.pk and request.resident_id == (resident and resident.pk):
        raise ValidationError({"household": _("the request is already linked to them")})
    data: dict[str, Any] = {"household": household.pk}
    # An unknown caller's number, kept in the register so that their next call finds them.
    if request.contact_phone and phones.caller(request.community, request.contact_phone) == (
        None,
        None,
    ):
        kept = register.do_remember_phone(
            household, resident, phone=request.contact_phone, actor=actor
        )
        if kept:
            data["phone_kept_on"] = kept
    request.household, request.resident = household, resident
    fields = ["household", "resident"]
    note = resident.name if resident is not None else household.room.address()
    _event(request, E.LINKED, actor, note=note, data=data)
    if request.is_open:
        result = triage(
            request.description, request.category, resident=resident, household=household,
            today=timezone.localdate(),
        )  # fmt: skip
        if URGENCY_RANK[Urgency(result.urgency)] < URGENCY_RANK[Urgency(request.urgency)]:
            old = request.urgency
            request.urgency = result.urgency
            request.deadline = deadline_for(request.category, result.urgency, request.created_at)
            request.triage_reasons = result.reasons
            fields += ["urgency", "deadline", "triage_reasons"]
            _event(request, E.URGENCY, actor, data={"from": old, "to": result.urgency})
    request.save(update_fields=fields)
    return request


@transaction.atomic
def do_add_note(request: Request, *, actor: User | None, note: str) -> RequestEvent:
    """A line on the timeline; by nobody (`actor=None`) when Linli itself notes something."""
    if not note.strip():
        raise ValidationError({"note": _("the note is empty")})
    return _event(request, E.NOTE, actor, note=note.strip())


def do_escalate_late(now: datetime | None = None) -> int:
    """Raise every late open request to the escalation level its lateness calls for.

    Run by the worker; the lists compute the same level on read, so nothing waits for it."""
    now = now or timezone.now()
    raised = 0
    late = Request.objects.filter(
        status__in=Request.OPEN_STATUSES, deadline__lt=now, escalation__lt=2
    )
    for request_id in late.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            request = Request.objects.select_for_update().get(pk=request_id)
            due = request.escalation_due(now)
            if due > request.escalation:
                request.escalation = due
                request.save(update_fields=["escalation"])
                _event(
                    request,
                    E.ESCALATED,
                    None,
                    data={"level": due, "to": "street" if due == 2 else "community head"},
                    at=now,
                )
                raised += 1
    return raised


@transaction.atomic
def do_issue_visit_pass(
    request: Request,
    *,
    actor: User,
    destination: str,
    valid_from: datetime,
    valid_until: datetime,
) -> VisitPass:
    import secrets

    if not request.category.medical:
        raise ValidationError({"category": _("a visit pass is for medical requests")})
    if not destination.strip():
        raise ValidationError({"destination": _("say where the visit goes")})
    if valid_until <= valid_from:
        raise ValidationError({"valid_until": _("the pass must end after it starts")})
    if valid_until - valid_from > timedelta(days=3):
        raise ValidationError({"valid_until": _("a pass is valid for three days at most")})
    visit_pass = VisitPass.objects.create(
        request=request,
        code=secrets.token_hex(5).upper(),
        destination=destination.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        issued_by=actor,
    )
    _event(request, E.PASS, actor, data={"code": visit_pass.code})
    return visit_pass


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
