"""Care plans and their service items: made, changed, paused, resumed and ended by the
planners of the community (`PLANS`), each action checking the policy first."""

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.care.models import SEATS, CarePlan, ServiceItem
from linli.care.policy import ITEMS, PLANS, may_hold_seat
from linli.care.schedule import ScheduleError, parse_schedule
from linli.core.models import Community
from linli.core.policy import Actor
from linli.core.writes import raise_errors, save_with_history
from linli.ledger.taxonomy import category_by_code
from linli.people.models import Household

# Days a generation looks back for the days it missed (the worker stopped, the server was
# down): a missed medicine run still becomes a request, late, rather than being forgotten.
CATCH_UP_DAYS = 14
TEXT_LIMITS = {"reason_note": 200, "language": 50, "mobility": 200, "equipment": 200}
PLAN_FIELDS = (
    "reason", "reason_note", "goals", "starts_on", "review_on", "ends_on", "doctor",
    "social_worker", "property_staff", "diets", "language", "mobility", "equipment",
    "daily_contact",
)  # fmt: skip
SEAT_MISSING = {
    "doctor": gettext_lazy("name the community doctor of the team"),
    "social_worker": gettext_lazy("name the social worker or language volunteer of the team"),
    "property_staff": gettext_lazy("name the property staff of the team"),
}


def _as_date(value: Any, field: str, errors: dict[str, str]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[field] = _("not a date (YYYY-MM-DD)")
        return None


def clean_plan(community: Community, values: dict[str, Any]) -> dict[str, Any]:
    """The plan's fields as stored, or a ValidationError naming each bad field."""
    errors: dict[str, str] = {}
    clean = {k: values.get(k) for k in PLAN_FIELDS}
    if clean["reason"] not in CarePlan.Reason.values:
        errors["reason"] = _("say why the household needs a plan")
    for name, limit in TEXT_LIMITS.items():
        text = str(clean[name] or "").strip()
        clean[name] = text
        if len(text) > limit:
            errors[name] = _("at most %(n)s characters") % {"n": limit}
    clean["goals"] = str(clean["goals"] or "").strip()
    starts = _as_date(clean["starts_on"], "starts_on", errors)
    if starts is None and "starts_on" not in errors:
        errors["starts_on"] = _("say when the plan starts")
    for name in ("review_on", "ends_on"):
        when = _as_date(clean[name], name, errors)
        if starts is not None and when is not None and when < starts:
            errors[name] = _("%(date)s is before the plan starts (%(start)s)") % {
                "date": when,
                "start": starts,
            }
        clean[name] = when
    clean["starts_on"] = starts
    for seat, _label in SEATS:
        if not may_hold_seat(community, clean[seat]):
            errors[seat] = (
                str(SEAT_MISSING[seat])
                if clean[seat] is None
                else _("%(user)s cannot hold a seat on this community's care teams")
                % {"user": clean[seat]}
            )
    diets = [str(d) for d in clean["diets"] or []]
    unknown = [d for d in diets if d not in CarePlan.Diet.values]
    if unknown:
        errors["diets"] = _("unknown diet: %(value)s") % {"value": ", ".join(unknown)}
    clean["diets"] = sorted(set(diets))
    clean["daily_contact"] = bool(clean["daily_contact"])
    raise_errors(errors)
    return clean


@transaction.atomic
def do_create_plan(household: Household, *, actor: Actor, **values: Any) -> CarePlan:
    """A care plan for `household`, with its three seats filled; one open plan per household."""
    community = household.community
    PLANS.check_create(actor, community)
    clean = clean_plan(community, {"daily_contact": True, **values})
    if CarePlan.objects.filter(household=household).exclude(status="ended").exists():
        raise ValidationError({"household": _("this household already has a plan: change it")})
    plan = CarePlan(community=community, household=household, **clean)
    save_with_history(plan, actor=actor, reason="created")
    return plan


@transaction.atomic
def do_change_plan(plan: CarePlan, *, actor: Actor, why: str = "", **values: Any) -> CarePlan:
    """Change the fields given; the plan keeps its earlier versions (history), each with `why`
    it changed (not `reason`: that is the plan's own field, why there is a plan)."""
    PLANS.check(actor, plan, "edit")
    current = {k: getattr(plan, k) for k in PLAN_FIELDS}
    clean = clean_plan(plan.community, {**current, **values})
    changed = [k for k in PLAN_FIELDS if clean[k] != current[k]]
    for k in changed:
        setattr(plan, k, clean[k])
    if changed:
        save_with_history(plan, actor=actor, reason=why.strip()[:100] or "changed")
    return plan


@transaction.atomic
def do_pause_plan(plan: CarePlan, *, actor: Actor, reason: str) -> CarePlan:
    """Pause: no service becomes a request while paused (a stay in hospital)."""
    PLANS.check(actor, plan, "pause")
    if plan.status != CarePlan.Status.ACTIVE:
        raise ValidationError({"status": _("only an active plan can be paused")})
    if not reason.strip():
        raise ValidationError({"reason": _("say why the plan is paused")})
    plan.status = CarePlan.Status.PAUSED
    save_with_history(plan, actor=actor, reason=reason.strip()[:100])
    return plan


@transaction.atomic
def do_resume_plan(plan: CarePlan, *, actor: Actor, today: date | None = None) -> CarePlan:
    """Resume from today: the paused days are not caught up."""
    PLANS.check(actor, plan, "resume")
    if plan.status != CarePlan.Status.PAUSED:
        raise ValidationError({"status": _("only a paused plan can be resumed")})
    today = today or timezone.localdate()
    plan.items.update(generated_through=today - timedelta(days=1))
    plan.status = CarePlan.Status.ACTIVE
    save_with_history(plan, actor=actor, reason="resumed")
    return plan


@transaction.atomic
def do_end_plan(plan: CarePlan, *, actor: Actor, reason: str, on: date | None = None) -> CarePlan:
    PLANS.check(actor, plan, "end")
    if plan.status == CarePlan.Status.ENDED:
        raise ValidationError({"status": _("this plan has already ended")})
    if not reason.strip():
        raise ValidationError({"reason": _("say why the plan ends")})
    ends = on or timezone.localdate()
    if ends < plan.starts_on:
        raise ValidationError({"ends_on": _("before the plan starts")})
    plan.status, plan.ends_on = CarePlan.Status.ENDED, ends
    save_with_history(plan, actor=actor, reason=reason.strip()[:100])
    return plan


@transaction.atomic
def do_set_review(plan: CarePlan, *, actor: Actor, on: date, reason: str) -> CarePlan:
    """Move the plan's review date (a home quarantine extended or shortened)."""
    PLANS.check(actor, plan, "edit")
    if on < plan.starts_on:
        raise ValidationError({"review_on": _("before the plan starts")})
    plan.review_on = on
    save_with_history(plan, actor=actor, reason=reason.strip()[:100] or "review moved")
    return plan


# Service items and their requests ------------------------------------------------------------


@transaction.atomic
def do_add_service_item(
    plan: CarePlan,
    *,
    actor: Actor,
    category: str,
    description: str,
    schedule: str,
    seat: str,
) -> ServiceItem:
    """A service the plan promises on a schedule, handed to one seat of its team."""
    PLANS.check(actor, plan, "add_item")
    errors: dict[str, str] = {}
    found = category_by_code(category.strip()) if category else None
    if found is None or not found.active:
        errors["category"] = _("choose a category of the ledger")
    description = description.strip()
    if not description:
        errors["description"] = _("say what the service is")
    elif len(description) > 200:
        errors["description"] = _("at most %(n)s characters") % {"n": 200}
    try:
        parsed = parse_schedule(schedule)
    except ScheduleError as exc:
        errors["schedule"] = str(exc)
    if seat not in dict(SEATS):
        errors["seat"] = _("hand it to one seat of the team")
    raise_errors(errors)
    assert found is not None  # noqa: S101 - refused above otherwise
    item = ServiceItem(
        community=plan.community,
        plan=plan,
        category=found,
        description=description,
        schedule=schedule.strip()[:100],
        weekdays=parsed.weekdays,
        at=parsed.at,
        seat=seat,
        # From the day it is added: the days before were not promised.
        generated_through=max(plan.starts_on, timezone.localdate()) - timedelta(days=1),
    )
    save_with_history(item, actor=actor, reason="added")
    return item


@transaction.atomic
def do_stop_items(plan: CarePlan, *, actor: Actor, descriptions: Iterable[str]) -> int:
    """Stop the plan's active items of these descriptions: no more requests from them (the
    services of a home quarantine, at its release, on a plan that goes on)."""
    PLANS.check(actor, plan, "edit")
    stopped = 0
    for item in plan.items.filter(active=True, description__in=list(descriptions)):
        ITEMS.check(actor, item, "stop")
        item.active = False
        save_with_history(item, actor=actor, reason="stopped")
        stopped += 1
    return stopped
