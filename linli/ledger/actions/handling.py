"""A request's life after it is opened: handed over, claimed, worked, done, called back,
cancelled, merged, raised or lowered, linked to the register, noted, escalated when late.

Each action checks `REQUESTS` first, on the request as it stands under its lock: whoever calls
(a view, the API, another app, Linli itself as `SYSTEM`) is asked like a view would be, and
refused with PermissionDenied. Bad input, or a change the request's state does not allow, is a
ValidationError naming the field.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.models import Community, Team, User
from linli.core.policy import SYSTEM, Actor
from linli.ledger.actions.common import E, S, check_owner, deadline_for, event, lock, require
from linli.ledger.actions.intake import asked_answers
from linli.ledger.models import URGENCY_RANK, Request, RequestEvent, Urgency
from linli.ledger.policy import REQUESTS
from linli.ledger.signals import request_closed, request_done, send_on_commit
from linli.ledger.triage import questions, triage
from linli.people import phones
from linli.people.actions import register
from linli.people.models import Household, Resident


def _locked(request: Request, actor: Actor, action: str) -> Request:
    """The request under its lock, once `actor` may take `action` on it as it now stands."""
    request = lock(request)
    REQUESTS.check(actor, request, action)
    return request


@transaction.atomic
def do_assign(
    request: Request,
    *,
    actor: Actor,
    assignee: User | None = None,
    team: Team | None = None,
    reason: str = "",
) -> Request:
    """Hand a request to a person and/or a team (交办); re-handing or taking back needs a reason.
    `actor` `SYSTEM`: handed by Linli itself (a planned service, to the seat of its team)."""
    request = _locked(request, actor, "assign")
    require(request, (S.NEW, S.ASSIGNED, S.IN_PROGRESS), _("assign"))
    check_owner(request.community_id, assignee, team)
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
    event(
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


def _claim_first(awaiting: QuerySet[Request], actor: User) -> Request | None:
    """The first request of `awaiting` given to `actor`, skipping rows another claim holds:
    under any number of simultaneous claims each request goes to exactly one of them."""
    qs = awaiting
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True)
    request: Request | None = qs.first()
    if request is None:
        return None
    REQUESTS.check(actor, request, "claim")
    before = request.status
    request.assignee = actor
    request.status = S.ASSIGNED
    request.save(update_fields=["assignee", "status"])
    event(request, E.CLAIMED, actor, before=before)
    return request


@transaction.atomic
def do_claim(request_id: int, *, actor: User) -> Request | None:
    """Take a request nobody has taken: an unassigned one, or one handed to a team (which
    keeps it: the taker works it for the team). Under any number of simultaneous claims
    exactly one wins; the others get None."""
    return _claim_first(Request.objects.filter(Request.awaiting_taker(), pk=request_id), actor)


@transaction.atomic
def do_claim_next(community: Community, *, actor: User) -> Request | None:
    """Take the most urgent unassigned request of the community, skipping ones being claimed."""
    unassigned = Q(community=community, status=S.NEW, assignee__isnull=True)
    return _claim_first(Request.objects.filter(unassigned).order_by("deadline", "pk"), actor)


@transaction.atomic
def do_start(request: Request, *, actor: User) -> Request:
    request = _locked(request, actor, "start")
    require(request, (S.ASSIGNED,), _("start"))
    before, request.status = request.status, S.IN_PROGRESS
    request.save(update_fields=["status"])
    event(request, E.STARTED, actor, before=before)
    return request


@transaction.atomic
def do_complete(request: Request, *, actor: User, result: str) -> Request:
    request = _locked(request, actor, "complete")
    require(request, (S.ASSIGNED, S.IN_PROGRESS), _("complete"))
    if not REQUESTS.may_close(actor, request):
        raise ValidationError(
            {"assignee": _("only the owner, their team lead or the community head can do this")}
        )
    if not result.strip():
        raise ValidationError({"result": _("say what was done")})
    before = request.status
    request.status, request.result, request.closed_at = S.DONE, result.strip(), timezone.now()
    request.save(update_fields=["status", "result", "closed_at"])
    event(request, E.DONE, actor, before=before, note=result)
    send_on_commit(request_done, request)
    return request


@transaction.atomic
def do_record_callback(
    request: Request, *, actor: User, confirmed: bool, note: str = ""
) -> Request:
    """The callback to the resident: confirmed closes the request, otherwise it reopens."""
    request = _locked(request, actor, "confirm" if confirmed else "reopen")
    require(request, (S.DONE,), _("call back on"))
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
    event(request, kind, actor, before=before, note=note)
    if confirmed:
        send_on_commit(request_closed, request, outcome=E.CONFIRMED)
    return request


@transaction.atomic
def do_cancel(request: Request, *, actor: User, reason: str) -> Request:
    request = _locked(request, actor, "cancel")
    require(request, Request.OPEN_STATUSES, _("cancel"))
    if not reason.strip():
        raise ValidationError({"reason": _("say why the request is cancelled")})
    before, request.status, request.closed_at = request.status, S.CANCELLED, timezone.now()
    request.save(update_fields=["status", "closed_at"])
    event(request, E.CANCELLED, actor, before=before, note=reason)
    send_on_commit(request_closed, request, outcome=E.CANCELLED)
    return request


@transaction.atomic
def do_merge(duplicate: Request, *, into: Request, actor: User) -> Request:
    duplicate = _locked(duplicate, actor, "merge")
    require(duplicate, Request.OPEN_STATUSES, _("merge"))
    if into.pk == duplicate.pk or into.community_id != duplicate.community_id:
        raise ValidationError({"into": _("choose another request of the same community")})
    if not into.is_open:
        raise ValidationError({"into": _("a request can only be merged into an open one")})
    before = duplicate.status
    duplicate.status, duplicate.merged_into, duplicate.closed_at = S.MERGED, into, timezone.now()
    duplicate.save(update_fields=["status", "merged_into", "closed_at"])
    event(duplicate, E.MERGED, actor, before=before, data={"into": into.pk})
    event(into, E.NOTE, actor, note=_("request #%(n)s merged into this one") % {"n": duplicate.pk})
    send_on_commit(request_closed, duplicate, outcome=E.MERGED)
    return duplicate


@transaction.atomic
def do_change_urgency(request: Request, *, actor: User, urgency: str, reason: str) -> Request:
    """The operator's override of the triage, with a reason; the deadline follows."""
    request = _locked(request, actor, "urgency")
    require(request, Request.OPEN_STATUSES, _("change the urgency of"))
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
    event(request, E.URGENCY, actor, note=reason, data={"from": old, "to": urgency})
    return request


@transaction.atomic
def do_ask_key_questions(
    request: Request, *, actor: User, answers: Mapping[str, object]
) -> Request:
    """The key questions as the caller answered them when rung back (or asked later): kept with
    the request, which is triaged again with them and the register. A worse answer raises it (a
    *no* is an emergency); a call-back both of whose answers are yes takes the urgency its
    words and the register give, since the danger it half-named was asked about."""
    request = _locked(request, actor, "ask")
    require(request, Request.OPEN_STATUSES, _("ask the key questions of"))
    asked = asked_answers(answers)
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
        event(
            request, E.URGENCY, actor, note=str(_("key questions")),
            data={"from": old, "to": result.urgency, "answers": asked},
        )  # fmt: skip
    else:
        event(request, E.NOTE, actor, note=str(_("key questions")), data={"answers": asked})
    request.save(update_fields=fields)
    return request


@transaction.atomic
def do_record_emergency_call(request: Request, *, actor: User) -> Request:
    """The operator confirms they told the caller to ring 120, or rang it themselves."""
    request = _locked(request, actor, "call120")
    if request.urgency != Urgency.EMERGENCY:
        raise ValidationError({"urgency": _("only an emergency needs 120")})
    if request.emergency_call_at is None:
        request.emergency_call_at = timezone.now()
        request.save(update_fields=["emergency_call_at"])
        event(request, E.EMERGENCY_CALL, actor)
    return request


@transaction.atomic
def do_link_request(
    request: Request, *, actor: User, household: Household, resident: Resident | None = None
) -> Request:
    """Say whose request this is, after it was registered (an unknown caller, a typed room):
    the household of the register and, if known, the resident. An open request is triaged again
    with what the register says of them, and made more urgent if that calls for it, never less."""
    request = _locked(request, actor, "link")
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
    event(request, E.LINKED, actor, note=note, data=data)
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
            event(request, E.URGENCY, actor, data={"from": old, "to": result.urgency})
    request.save(update_fields=fields)
    return request


@transaction.atomic
def do_add_note(request: Request, *, actor: Actor, note: str) -> RequestEvent:
    """A line on the timeline; by nobody (`actor=SYSTEM`) when Linli itself notes something."""
    REQUESTS.check(actor, request, "note")
    if not note.strip():
        raise ValidationError({"note": _("the note is empty")})
    return event(request, E.NOTE, actor, note=note.strip())


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
                event(
                    request,
                    E.ESCALATED,
                    SYSTEM,
                    data={"level": due, "to": "street" if due == 2 else "community head"},
                    at=now,
                )
                raised += 1
    return raised
