"""What the ledger's actions share: the timeline line, the row lock, the state a change needs,
who a request may be handed to, and the deadline its urgency gives."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.models import Team, User
from linli.core.policy import Actor, as_user
from linli.core.roles import Cap
from linli.ledger.models import Category, Request, RequestEvent, Urgency
from linli.ledger.taxonomy import rule_hours

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


def event(
    request: Request,
    kind: str,
    actor: Actor,
    *,
    before: str = "",
    note: str = "",
    data: dict[str, object] | None = None,
    at: datetime | None = None,
) -> RequestEvent:
    """A line on the request's timeline; by nobody when Linli itself did it (`SYSTEM`)."""
    return RequestEvent.objects.create(
        request=request,
        kind=kind,
        actor=as_user(actor),
        from_status=before,
        to_status=request.status if before else "",
        note=note,
        data=data or {},
        at=at or timezone.now(),
    )


def require(request: Request, allowed: tuple[str, ...], action: str) -> None:
    if request.status not in allowed:
        raise TransitionError(
            {
                "status": _("cannot %(action)s a request that is %(status)s")
                % {"action": action, "status": request.get_status_display()}
            }
        )


def lock(request: Request) -> Request:
    """The request re-read under a row lock (PostgreSQL) or the write lock (SQLite)."""
    return Request.objects.select_for_update().get(pk=request.pk)


def check_owner(community_id: int, assignee: User | None, team: Team | None) -> None:
    """Who a request of `community_id` may be handed to."""
    if assignee is not None and not (
        assignee.can(Cap.HANDLE_REQUESTS) or assignee.can(Cap.DO_TASKS)
    ):
        raise ValidationError({"assignee": _("this person cannot take requests")})
    for obj, name in ((assignee, "assignee"), (team, "team")):
        if obj is not None and getattr(obj, "community_id", None) not in (community_id, None):
            raise ValidationError({name: _("belongs to another community")})


def username(actor: Actor) -> str:
    """Who to name in a triage's override: the user, or nobody for Linli itself."""
    user = as_user(actor)
    return user.username if user is not None else ""
