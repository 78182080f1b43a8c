"""Every write of the care app: plans, their service items and the generation of their
requests, the daily contact and the rule of whom it covers. One transaction each."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.care.models import (
    SEATS,
    CarePlan,
    Contact,
    ContactRule,
    OnCall,
    ServiceItem,
    ServiceRun,
    Trip,
    Vehicle,
)
from linli.care.policy import PLANS, may_hold_seat
from linli.care.schedule import ScheduleError, parse_schedule
from linli.core.models import Community, User
from linli.core.policy import SYSTEM
from linli.core.roles import Cap
from linli.ledger import actions as ledger
from linli.ledger.models import Category, Channel, Request, Urgency
from linli.ledger.taxonomy import category_by_code, category_by_pk
from linli.people.models import Household, Resident

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


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


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
    _raise(errors)
    return clean


def _save(obj: Any, *, actor: User | None, reason: str, **kwargs: Any) -> None:
    obj._history_user = actor
    obj._change_reason = reason
    obj.save(**kwargs)


@transaction.atomic
def do_create_plan(household: Household, *, actor: User, **values: Any) -> CarePlan:
    """A care plan for `household`, with its three seats filled; one open plan per household."""
    community = household.community
    if not PLANS.may_plan(actor, community):
        raise ValidationError({"household": _("you cannot make plans for this community")})
    clean = clean_plan(community, {"daily_contact": True, **values})
    if CarePlan.objects.filter(household=household).exclude(status="ended").exists():
        raise ValidationError({"household": _("this household already has a plan: change it")})
    plan = CarePlan(community=community, household=household, **clean)
    _save(plan, actor=actor, reason="created")
    return plan


@transaction.atomic
def do_change_plan(plan: CarePlan, *, actor: User, why: str = "", **values: Any) -> CarePlan:
    """Change the fields given; the plan keeps its earlier versions (history), each with `why`
    it changed (not `reason`: that is the plan's own field, why there is a plan)."""
    PLANS.check(actor, plan, "edit")
    current = {k: getattr(plan, k) for k in PLAN_FIELDS}
    clean = clean_plan(plan.community, {**current, **values})
    changed = [k for k in PLAN_FIELDS if clean[k] != current[k]]
    for k in changed:
        setattr(plan, k, clean[k])
    if changed:
        _save(plan, actor=actor, reason=why.strip()[:100] or "changed")
    return plan


@transaction.atomic
def do_pause_plan(plan: CarePlan, *, actor: User, reason: str) -> CarePlan:
    """Pause: no service becomes a request while paused (a stay in hospital)."""
    PLANS.check(actor, plan, "pause")
    if plan.status != CarePlan.Status.ACTIVE:
        raise ValidationError({"status": _("only an active plan can be paused")})
    if not reason.strip():
        raise ValidationError({"reason": _("say why the plan is paused")})
    plan.status = CarePlan.Status.PAUSED
    _save(plan, actor=actor, reason=reason.strip()[:100])
    return plan


@transaction.atomic
def do_resume_plan(plan: CarePlan, *, actor: User, today: date | None = None) -> CarePlan:
    """Resume from today: the paused days are not caught up."""
    PLANS.check(actor, plan, "resume")
    if plan.status != CarePlan.Status.PAUSED:
        raise ValidationError({"status": _("only a paused plan can be resumed")})
    today = today or timezone.localdate()
    plan.items.update(generated_through=today - timedelta(days=1))
    plan.status = CarePlan.Status.ACTIVE
    _save(plan, actor=actor, reason="resumed")
    return plan


@transaction.atomic
def do_end_plan(plan: CarePlan, *, actor: User, reason: str, on: date | None = None) -> CarePlan:
    PLANS.check(actor, plan, "end")
    if plan.status == CarePlan.Status.ENDED:
        raise ValidationError({"status": _("this plan has already ended")})
    if not reason.strip():
        raise ValidationError({"reason": _("say why the plan ends")})
    ends = on or timezone.localdate()
    if ends < plan.starts_on:
        raise ValidationError({"ends_on": _("before the plan starts")})
    plan.status, plan.ends_on = CarePlan.Status.ENDED, ends
    _save(plan, actor=actor, reason=reason.strip()[:100])
    return plan


@transaction.atomic
def do_set_review(plan: CarePlan, *, actor: User, on: date, reason: str) -> CarePlan:
    """Move the plan's review date (a home quarantine extended or shortened)."""
    PLANS.check(actor, plan, "edit")
    if on < plan.starts_on:
        raise ValidationError({"review_on": _("before the plan starts")})
    plan.review_on = on
    _save(plan, actor=actor, reason=reason.strip()[:100] or "review moved")
    return plan


# Service items and their requests ------------------------------------------------------------


@transaction.atomic
def do_add_service_item(
    plan: CarePlan,
    *,
    actor: User,
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
    _raise(errors)
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
    _save(item, actor=actor, reason="added")
    return item


@transaction.atomic
def do_stop_items(plan: CarePlan, *, actor: User, descriptions: Iterable[str]) -> int:
    """Stop the plan's active items of these descriptions: no more requests from them (the
    services of a home quarantine, at its release, on a plan that goes on)."""
    PLANS.check(actor, plan, "edit")
    stopped = 0
    for item in plan.items.filter(active=True, description__in=list(descriptions)):
        item.active = False
        _save(item, actor=actor, reason="stopped")
        stopped += 1
    return stopped


@dataclass(frozen=True)
class Generated:
    opened: int
    items: int


def _due(day: date, at: time | None, zone: ZoneInfo) -> datetime:
    """When the service of `day` is due: its hour, or the end of the day."""
    return datetime.combine(day, at or time(23, 59), tzinfo=zone)


def _plan_runs_on(plan: CarePlan, day: date) -> bool:
    return (
        plan.status == CarePlan.Status.ACTIVE
        and plan.starts_on <= day
        and (plan.ends_on is None or day <= plan.ends_on)
    )


def _open_run(item: ServiceItem, day: date, now: datetime) -> bool:
    """The request of `item` on `day`, once: False if that day was already generated."""
    plan = item.plan
    owner = _owner(item)
    zone = ZoneInfo(plan.community.time_zone)
    try:
        with transaction.atomic():
            if ServiceRun.objects.filter(item=item, day=day).exists():
                return False
            opened = ledger.do_open_request(
                plan.community,
                actor=SYSTEM,
                channel=Channel.PLANNED,
                category=item.category,
                description=f"{item.description}（{day:%m-%d}）",
                household=plan.household,
                at=now,
                source=item,
                deadline=_due(day, item.at, zone),
            )
            ServiceRun.objects.create(item=item, day=day, request=opened.request)
            if owner is not None:
                ledger.do_assign(opened.request, actor=SYSTEM, assignee=owner)
    except IntegrityError:  # another worker generated the same day at the same moment
        return False
    return True


GENERATION_CHUNK = 500  # items a transaction turns into requests


def _days_due(item: ServiceItem, today: date, earliest: date) -> list[date]:
    """The days from the one after `generated_through` up to `today` that `item` falls on while
    its plan runs."""
    day = max(earliest, item.plan.starts_on, _day_after(item.generated_through))
    found = []
    while day <= today:
        if item.weekdays & (1 << day.weekday()) and _plan_runs_on(item.plan, day):
            found.append(day)
        day += timedelta(days=1)
    return found


def generated_days(items: list[ServiceItem], earliest: date) -> set[tuple[int, date]]:
    """(item, day) of `items` already turned into requests since `earliest`."""
    runs = ServiceRun.objects.filter(item__in=[item.pk for item in items], day__gte=earliest)
    return set(runs.values_list("item_id", "day"))


def _generate_chunk(items: list[ServiceItem], today: date, earliest: date, now: datetime) -> int:
    """The requests of `items` up to `today`, in one transaction through the ledger's door for
    planned work. Days already generated (`ServiceRun`) are skipped; if another worker writes
    the same day meanwhile, the unique key stops this transaction and the chunk is done again
    day by day."""
    wanted = [(item, day) for item in items for day in _days_due(item, today, earliest)]
    done = generated_days(items, earliest)
    wanted = [(item, day) for item, day in wanted if (item.pk, day) not in done]
    # The seats' holders once per chunk (a few dozen people), with their roles.
    seat_ids = {getattr(item.plan, f"{item.seat}_id") for item in items} - {None}
    holders = User.objects.prefetch_related("groups").in_bulk(seat_ids)
    try:
        with transaction.atomic():
            entries = [
                ledger.Planned(
                    community=item.plan.community,
                    category=category_by_pk(item.category_id) or item.category,
                    description=f"{item.description}（{day:%m-%d}）",
                    household=item.plan.household,
                    deadline=_due(day, item.at, ZoneInfo(item.plan.community.time_zone)),
                    source=item,
                    assignee=_owner(item, holders),
                )
                for item, day in wanted
            ]
            requests = ledger.do_open_planned(entries, actor=SYSTEM, at=now)
            ServiceRun.objects.bulk_create(
                ServiceRun(item=item, day=day, request=request)
                for (item, day), request in zip(wanted, requests, strict=True)
            )
            ServiceItem.objects.filter(pk__in=[item.pk for item in items]).update(
                generated_through=today
            )
    except IntegrityError:
        opened = sum(_open_run(item, day, now) for item, day in wanted)
        ServiceItem.objects.filter(pk__in=[item.pk for item in items]).update(
            generated_through=today
        )
        return opened
    return len(requests)


def _owner(item: ServiceItem, holders: dict[int, User] | None = None) -> User | None:
    """The holder of the item's seat, if still active (else the request is nobody's yet)."""
    pk = getattr(item.plan, f"{item.seat}_id")
    owner: User | None = holders.get(pk) if holders is not None else getattr(item.plan, item.seat)
    return owner if owner is not None and owner.is_active else None


def do_generate_services(today: date | None = None, now: datetime | None = None) -> Generated:
    """Turn each active item's days up to `today` into ledger requests: the days since it was
    last generated (at most `CATCH_UP_DAYS` back), on its weekdays, while its plan is active.
    Twice is once (`ServiceRun` is unique per item and day); a paused or ended plan makes
    nothing. A transaction per `GENERATION_CHUNK` items, so a failure loses no other chunk."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    earliest = today - timedelta(days=CATCH_UP_DAYS - 1)
    items = (
        ServiceItem.objects.filter(active=True, plan__status=CarePlan.Status.ACTIVE)
        .exclude(generated_through__gte=today)
        .select_related("plan__community", "plan__household")
        .order_by("pk")
    )
    # The keys first, then each chunk read whole: the writes never change what is being read.
    keys = list(items.values_list("pk", flat=True))
    opened = 0
    for start in range(0, len(keys), GENERATION_CHUNK):
        chunk = list(items.filter(pk__in=keys[start : start + GENERATION_CHUNK]))
        opened += _generate_chunk(chunk, today, earliest, now)
    return Generated(opened=opened, items=len(keys))


def _day_after(day: date | None) -> date:
    return date.min if day is None else day + timedelta(days=1)


# Daily contact -------------------------------------------------------------------------------


@transaction.atomic
def do_set_contact_rule(community: Community, *, actor: User, groups: Iterable[str]) -> ContactRule:
    """Whom the community contacts daily besides the people under a plan."""
    if not PLANS.may_plan(actor, community):
        raise ValidationError({"community": _("you cannot change this community's rule")})
    chosen = sorted(set(groups))
    unknown = [g for g in chosen if g not in ContactRule.Group.values]
    if unknown:
        raise ValidationError(
            {"groups": _("unknown group: %(value)s") % {"value": ", ".join(unknown)}}
        )
    rule, _created = ContactRule.objects.get_or_create(community=community)
    rule.groups = chosen
    _save(rule, actor=actor, reason="changed")
    return rule


def _unreachable_all_day(resident: Resident, day: date) -> bool:
    tries = list(
        Contact.objects.filter(resident=resident, day=day).values_list("outcome", flat=True)
    )
    return bool(tries) and all(t == Contact.Outcome.UNREACHABLE for t in tries)


@transaction.atomic
def do_record_contact(
    resident: Resident,
    *,
    actor: User,
    outcome: str,
    note: str = "",
    need: str = "",
    category: str = "other",
    now: datetime | None = None,
) -> Contact:
    """Record a contact with someone on the actor's list for today. A need opens a request in
    the same step (its source the plan, or the contact for someone on the list by the rule);
    the second day running without reaching them opens an urgent door visit."""
    from linli.care.selectors import on_contact_list

    now = now or timezone.now()
    day = timezone.localdate(now)
    listed, plan = on_contact_list(actor, resident, day)
    if not listed:
        raise ValidationError({"resident": _("this person is not on your contact list for today")})
    if outcome not in Contact.Outcome.values:
        raise ValidationError({"outcome": _("choose what came of the contact")})
    need = need.strip()
    if outcome == Contact.Outcome.NEED and not need:
        raise ValidationError({"need": _("say what is needed")})
    if len(note) > 300:
        raise ValidationError({"note": _("at most %(n)s characters") % {"n": 300}})
    first_miss_today = (
        outcome == Contact.Outcome.UNREACHABLE
        and not Contact.objects.filter(resident=resident, day=day).exists()
    )
    contact = Contact.objects.create(
        community=resident.community,
        resident=resident,
        plan=plan,
        day=day,
        at=now,
        by=actor,
        outcome=outcome,
        note=note.strip(),
    )
    request: Request | None = None
    if outcome == Contact.Outcome.NEED:
        request = ledger.do_open_request(
            resident.community, actor=actor, channel=Channel.PLANNED,
            category=category_by_code(category) or _category("other"),
            description=need, resident=resident, at=now, source=plan or contact,
        ).request  # fmt: skip
    elif first_miss_today and _unreachable_all_day(resident, day - timedelta(days=1)):
        request = ledger.do_open_request(
            resident.community,
            actor=actor,
            channel=Channel.PLANNED,
            category=_category("other"),
            description=_("Unreachable two days running: visit the door and check on %(name)s")
            % {"name": resident.name},
            resident=resident,
            urgency=Urgency.URGENT,
            urgency_reason=_("unreachable two days running"),
            at=now,
            source=contact,
        ).request
    if request is not None:
        contact.request = request
        contact.save(update_fields=["request"])
    return contact


def _category(code: str) -> Category:
    """A category every taxonomy has ("other", "psychological")."""
    found = category_by_code(code)
    assert found is not None  # noqa: S101 - part of the taxonomy (ledger.taxonomy.CATEGORIES)
    return found


@transaction.atomic
def do_refer_psychological(
    plan: CarePlan, *, actor: User, resident: Resident, note: str
) -> Request:
    """A psychological-support referral: a request in the ledger, the plan as its source."""
    PLANS.check(actor, plan, "refer")
    if resident.household_id != plan.household_id:
        raise ValidationError({"resident": _("not of this plan's household")})
    if not note.strip():
        raise ValidationError({"note": _("say what the referral is about")})
    return ledger.do_open_request(
        plan.community, actor=actor, channel=Channel.PLANNED, category=_category("psychological"),
        description=note.strip(), resident=resident, source=plan,
    ).request  # fmt: skip


# On call, vehicles and trips -------------------------------------------------------------------

ESCORT_CATEGORIES = ("dialysis", "medical_visit", "prenatal", "emergency")
TRIP_GAP = timedelta(minutes=45)  # one vehicle, one trip at a time


def _phone(raw: str, field: str, errors: dict[str, str]) -> str:
    from linli.lib.validation import Invalid, normalize_phone

    try:
        return normalize_phone(raw)
    except Invalid as exc:
        errors[field] = str(exc)
        return ""


@transaction.atomic
def do_add_on_call(
    community: Community,
    *,
    actor: User,
    name: str,
    role: str,
    phone: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    compound: Any = None,
) -> OnCall:
    """A shift on call, for a compound of the community or for all of it."""
    if not PLANS.may_plan(actor, community):
        raise ValidationError({"community": _("you cannot change this community's rota")})
    errors: dict[str, str] = {}
    name, role = name.strip(), role.strip()
    if not name:
        errors["name"] = _("say who is on call")
    if not role:
        errors["role"] = _("say their role (社区医生, nurse …)")
    number = _phone(phone, "phone", errors)
    if starts_at is None:
        errors["starts_at"] = _("say when the shift starts")
    if ends_at is None:
        errors["ends_at"] = _("say when the shift ends")
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = _("the shift ends before it starts")
    if compound is not None and compound.community_id != community.pk:
        errors["compound"] = _("not a compound of this community")
    _raise(errors)
    assert starts_at is not None and ends_at is not None  # noqa: S101 - checked
    return OnCall.objects.create(
        community=community, compound=compound, name=name[:100], role=role[:100], phone=number,
        starts_at=starts_at, ends_at=ends_at,
    )  # fmt: skip


@transaction.atomic
def do_add_vehicle(
    community: Community,
    *,
    actor: User,
    plate: str,
    driver: str,
    phone: str,
    on_duty_from: time | None,
    on_duty_until: time | None,
) -> Vehicle:
    if not PLANS.may_plan(actor, community):
        raise ValidationError({"community": _("you cannot change this community's vehicles")})
    errors: dict[str, str] = {}
    plate = "".join(plate.split()).upper()
    if not plate or len(plate) > 20:
        errors["plate"] = _("write the plate, e.g. 沪A12345")
    elif Vehicle.objects.filter(community=community, plate=plate).exists():
        errors["plate"] = _("this vehicle is already on the list")
    if not driver.strip():
        errors["driver"] = _("say who drives")
    number = _phone(phone, "phone", errors)
    if on_duty_from is None or on_duty_until is None:
        errors["on_duty_until"] = _("say the hours on duty")
    elif on_duty_until <= on_duty_from:
        errors["on_duty_until"] = _("the hours end before they start")
    _raise(errors)
    assert on_duty_from is not None and on_duty_until is not None  # noqa: S101 - checked
    return Vehicle.objects.create(
        community=community, plate=plate, driver=driver.strip()[:100], phone=number,
        on_duty_from=on_duty_from, on_duty_until=on_duty_until,
    )  # fmt: skip


@transaction.atomic
def do_book_trip(request: Request, *, actor: User, vehicle: Vehicle, at: datetime | None) -> Trip:
    """Give an escort request a vehicle and a pick-up time: within the vehicle's hours, not on
    top of another of its trips. Noted on the request's timeline."""
    if not PLANS.may_plan(actor, request.community) and not actor.can(Cap.HANDLE_REQUESTS):
        raise ValidationError({"request": _("you cannot book vehicles")})
    errors: dict[str, str] = {}
    if request.category.code not in ESCORT_CATEGORIES:
        errors["request"] = _(
            "only an escort (dialysis, medical visit, prenatal check) takes a vehicle"
        )
    elif not request.is_open:
        errors["request"] = _("this request is closed")
    elif Trip.objects.filter(request=request).exists():
        errors["request"] = _("this request already has a vehicle")
    if vehicle.community_id != request.community_id or not vehicle.active:
        errors["vehicle"] = _("choose a vehicle of this community in service")
    if at is None:
        errors["at"] = _("say when to pick up")
    else:
        local = timezone.localtime(at, ZoneInfo(request.community.time_zone)).time()
        if not vehicle.on_duty_from <= local <= vehicle.on_duty_until:
            errors["at"] = _("%(plate)s is on duty %(start)s–%(end)s") % {
                "plate": vehicle.plate,
                "start": vehicle.on_duty_from.strftime("%H:%M"),
                "end": vehicle.on_duty_until.strftime("%H:%M"),
            }
        elif Trip.objects.filter(
            vehicle=vehicle, at__gt=at - TRIP_GAP, at__lt=at + TRIP_GAP
        ).exists():
            errors["at"] = _("%(plate)s has another trip within 45 minutes") % {
                "plate": vehicle.plate
            }
    _raise(errors)
    assert at is not None  # noqa: S101 - checked
    trip = Trip.objects.create(request=request, vehicle=vehicle, at=at, booked_by=actor)
    when = timezone.localtime(at, ZoneInfo(request.community.time_zone))
    ledger.do_add_note(
        request, actor=actor,
        note=_("Vehicle %(plate)s (%(driver)s, %(phone)s), pick-up %(at)s") % {
            "plate": vehicle.plate, "driver": vehicle.driver, "phone": vehicle.phone,
            "at": when.strftime("%m-%d %H:%M"),
        },
    )  # fmt: skip
    return trip
