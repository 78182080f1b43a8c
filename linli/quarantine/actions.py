"""Every write of the quarantine app: the settings, the three gates and the hotels. One
transaction each; bad input is a ValidationError naming the field (or, for the city list, the
row), and nothing is written."""

import unicodedata
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.care import actions as care
from linli.care.models import CarePlan, Contact
from linli.care.policy import may_hold_seat
from linli.core.models import Community, Street, User
from linli.core.policy import SYSTEM, Actor, as_user
from linli.core.roles import Cap
from linli.core.writes import clean_phone, raise_errors, save_with_history
from linli.ledger import actions as ledger
from linli.ledger.models import Channel, Request, Urgency
from linli.ledger.policy import REQUESTS
from linli.ledger.taxonomy import category_by_code
from linli.lib.sql import copy_rows, copy_values, reserve_pks
from linli.lib.validation import Invalid, validate_prc_id
from linli.people.actions.register import do_add_resident
from linli.people.models import Household, Resident, Vulnerability
from linli.quarantine.city_list import CityListOutcome, read_city_list
from linli.quarantine.models import (
    CHECKLIST,
    EndChange,
    GuestCall,
    HealthCheck,
    HomeQuarantine,
    Hotel,
    HotelRoom,
    Reception,
    Settings,
    Stay,
    Traveller,
)
from linli.quarantine.policy import (
    CITY_LIST,
    HOTELS,
    QUARANTINES,
    RECEPTIONS,
    SETTINGS,
    STAYS,
    TRAVELLERS,
)

# How long before an arrival its reception becomes a request in the ledger: the night team
# sees tonight's arrivals, not next month's (a city list may run weeks ahead).
RECEPTION_LEAD = timedelta(hours=24)
# An arrival more than this in the past is a mistyped date (the past year), not a late entry.
ARRIVAL_GRACE = timedelta(hours=24)
FEVER = Decimal("37.3")
TEMPERATURE_RANGE = (Decimal("34.0"), Decimal("43.0"))
# What a home quarantine's care plan promises (category, what, when, seat): the service pack at
# the start, garbage and deliveries to the door each day, disinfection weekly.
HOME_SERVICES = (
    ("garbage", "上门收垃圾", "每天 09:00", "property_staff"),
    ("groceries", "物资送到门口", "每天 17:00", "property_staff"),
    ("other", "环境消毒", "每周一 10:00", "property_staff"),
)
SEAT_FIELDS = ("doctor", "social_worker", "property_staff")


def _text(value: Any, field: str, limit: int, errors: dict[str, str]) -> str:
    text = " ".join(unicodedata.normalize("NFKC", str(value or "")).split())
    if len(text) > limit:
        errors[field] = _("at most %(n)s characters") % {"n": limit}
    return text


def settings_of(community: Community) -> Settings:
    """The community's settings, or the defaults (unsaved) until it sets its own."""
    return Settings.objects.filter(community=community).first() or Settings(community=community)


def policy_days(community: Community) -> int:
    """The days of a home quarantine starting now, by the community's policy."""
    days = Settings.objects.filter(community=community).values_list("days", flat=True).first()
    return days or Settings._meta.get_field("days").default


# Settings ----------------------------------------------------------------------------------


@transaction.atomic
def do_save_settings(community: Community, *, actor: User, **values: Any) -> Settings:
    """Shifts, teams, default seats and the hour checks are due by (not the policy's days:
    `do_set_policy_days`)."""
    settings = settings_of(community)
    SETTINGS.check(actor, settings, "edit")
    errors: dict[str, str] = {}
    for name in ("day_team", "night_team"):
        team = values.get(name)
        if team is not None and team.community_id != community.pk:
            errors[name] = _("not a team of this community")
    for name in SEAT_FIELDS:
        user = values.get(name)
        if user is not None and not may_hold_seat(community, user):
            errors[name] = _("%(user)s cannot hold a seat on this community's care teams") % {
                "user": user
            }
    day_from, night_from = values.get("day_shift_from"), values.get("night_shift_from")
    if day_from is None:
        errors["day_shift_from"] = _("say when the day shift starts")
    if night_from is None:
        errors["night_shift_from"] = _("say when the night shift starts")
    elif day_from is not None and night_from <= day_from:
        errors["night_shift_from"] = _("the night shift starts after the day shift")
    if values.get("checks_due_by") is None:
        errors["checks_due_by"] = _("say by when the daily check is due")
    raise_errors(errors)
    for name in (
        "day_team",
        "night_team",
        *SEAT_FIELDS,
        "day_shift_from",
        "night_shift_from",
        "checks_due_by",
    ):
        setattr(settings, name, values.get(name))
    save_with_history(settings, actor=actor, reason="changed")
    return settings


@transaction.atomic
def do_set_policy_days(
    community: Community,
    *,
    actor: User,
    days: int,
    apply_to_running: bool = False,
    reason: str = "",
) -> int:
    """The policy's days of home quarantine, for the quarantines that start from now on; with
    `apply_to_running`, the running ones too (each end change kept with the policy as reason).
    The number of running quarantines changed."""
    settings = settings_of(community)
    SETTINGS.check(actor, settings, "edit")
    if not isinstance(days, int) or not 1 <= days <= 60:
        raise ValidationError({"days": _("a whole number of days from 1 to 60")})
    settings.days = days
    save_with_history(settings, actor=actor, reason=reason or f"policy {days} days")
    if not apply_to_running:
        return 0
    why = (reason.strip() or _("the policy changed to %(n)s days") % {"n": days})[:200]
    changed = 0
    running = HomeQuarantine.objects.filter(community=community, status="active")
    for quarantine in running.select_for_update().order_by("pk"):
        new_end = quarantine.starts_on + timedelta(days=days)
        if new_end != quarantine.planned_end:
            _change_end(quarantine, actor=actor, new_end=new_end, reason=why)
            changed += 1
    return changed


# The pre-arrival gate: travellers -----------------------------------------------------------

ID_TYPES = frozenset(Resident.IdType.values)
SEXES = frozenset(Resident.Sex.values)
TRAVELLER_TEXT = {
    "name": 100,
    "address_given": 200,
    "id_number": 40,
    "language": 20,
    "transport": 40,
    "origin": 100,
    "notes": 300,
}


def clean_traveller(
    community: Community, values: dict[str, Any], *, now: datetime, new: bool = True
) -> dict[str, Any]:
    """A traveller's fields as stored, or a ValidationError naming each bad field."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {
        name: _text(values.get(name), name, limit, errors) for name, limit in TRAVELLER_TEXT.items()
    }
    if not clean["name"]:
        errors["name"] = _("the name is empty")
    clean["id_number"] = clean["id_number"].upper().replace(" ", "")
    id_type = values.get("id_type") or Resident.IdType.PASSPORT
    if id_type not in ID_TYPES:
        errors["id_type"] = _("not a kind of identity document")
    clean["id_type"] = id_type
    sex = values.get("sex") or ""
    born = values.get("date_of_birth")
    if id_type == Resident.IdType.PRC_ID and clean["id_number"]:
        # The register reads the birth date and sex from the number; so does the gate.
        try:
            clean["id_number"], born, sex = validate_prc_id(clean["id_number"], now.date())
        except Invalid as exc:
            errors["id_number"] = str(exc)
    if sex not in SEXES and "id_number" not in errors:
        # At the decision the traveller joins the register, which needs it.
        errors["sex"] = _("say the sex (M or F): the register needs it")
    clean["sex"] = sex
    if born is not None and (born > now.date() or born.year < 1890):
        errors["date_of_birth"] = _("%(date)s is an impossible birth date") % {"date": born}
    elif born is None and community.residents_need_identity and "id_number" not in errors:
        errors["date_of_birth"] = _(
            "this community needs a birth date when there is no PRC identity number"
        )
    clean["date_of_birth"] = born
    nationality = str(values.get("nationality") or "CN").strip().upper()
    if len(nationality) != 2 or not nationality.isascii() or not nationality.isalpha():
        errors["nationality"] = _(
            "write the nationality as a two-letter country code (CN, JP, US …)"
        )
    clean["nationality"] = nationality
    clean["phone"] = clean_phone(values.get("phone", ""), "phone", errors)
    arrives = values.get("arrives_at")
    if not isinstance(arrives, datetime):
        errors["arrives_at"] = _("say when the traveller arrives (date and time)")
    else:
        if timezone.is_naive(arrives):
            arrives = arrives.replace(tzinfo=ZoneInfo(community.time_zone))
        if new and arrives < now - ARRIVAL_GRACE:
            local = timezone.localtime(arrives, ZoneInfo(community.time_zone))
            errors["arrives_at"] = _(
                "%(when)s is in the past: check the date (and the year) of the arrival"
            ) % {"when": local.strftime("%Y-%m-%d %H:%M")}
    clean["arrives_at"] = arrives
    household = values.get("household")
    if household is not None and household.community_id != community.pk:
        errors["household"] = _("belongs to another community")
    clean["household"] = household
    raise_errors(errors)
    return clean


def _shift_of(settings: Settings, arrives_at: datetime) -> tuple[str, Any]:
    """The shift an arrival falls in, by its local hour, and that shift's team."""
    local = timezone.localtime(arrives_at, ZoneInfo(settings.community.time_zone)).time()
    day = _as_time(settings.day_shift_from) <= local < _as_time(settings.night_shift_from)
    if day:
        return Reception.Shift.DAY, settings.day_team
    return Reception.Shift.NIGHT, settings.night_team


def _as_time(value: Any) -> time:
    return value if isinstance(value, time) else time.fromisoformat(str(value))


@transaction.atomic
def do_add_traveller(
    community: Community,
    *,
    actor: Actor,
    source: str = Traveller.Source.WORKER,
    now: datetime | None = None,
    **values: Any,
) -> Traveller:
    """A traveller before arrival, and their reception by the team of the arrival's shift."""
    TRAVELLERS.check_create(actor, community)
    now = now or timezone.now()
    clean = clean_traveller(community, values, now=now)
    traveller = Traveller(community=community, source=source, created_by=as_user(actor), **clean)
    save_with_history(traveller, actor=actor, reason="added")
    settings = settings_of(community)
    shift, team = _shift_of(settings, traveller.arrives_at)
    reception = Reception.objects.create(
        community=community, traveller=traveller, shift=shift, team=team
    )
    open_reception_requests([reception], now=now)
    return traveller


def _reception_text(traveller: Traveller) -> str:
    local = timezone.localtime(traveller.arrives_at, ZoneInfo(traveller.community.time_zone))
    # Written in the community's language, as a worker writes a request (its category names it
    # in the reader's): no English glued on.
    parts = [f"接站入户：{traveller.name}", local.strftime("%m-%d %H:%M")]
    parts += [p for p in (traveller.transport, traveller.origin) if p]
    if traveller.household_id is None:
        parts.append(f"住址待核：{traveller.address_given or '？'}")
    return " · ".join(parts)


def open_reception_requests(receptions: list[Reception], *, now: datetime) -> int:
    """The ledger requests of the receptions due within `RECEPTION_LEAD`, handed to their
    team's lead, through the ledger's door for planned work (one batch)."""
    due = [
        r
        for r in receptions
        if r.request_id is None
        and r.traveller.arrives_at <= now + RECEPTION_LEAD
        and r.traveller.status == Traveller.Status.EXPECTED
    ]
    if not due:
        return 0
    other = category_by_code("other")
    assert other is not None  # noqa: S101 - part of every taxonomy
    entries = [
        ledger.Planned(
            community=r.community,
            category=other,
            description=_reception_text(r.traveller),
            household=r.traveller.household,
            deadline=r.traveller.arrives_at,
            source=r,
            assignee=_lead(r),
        )
        for r in due
    ]
    requests = ledger.do_open_planned(entries, actor=SYSTEM, at=now)
    for reception, request in zip(due, requests, strict=True):
        reception.request = request
    Reception.objects.bulk_update(due, ["request"])
    return len(due)


def _lead(reception: Reception) -> User | None:
    team = reception.team
    lead = team.lead if team is not None else None
    return lead if lead is not None and lead.is_active else None


def do_open_due_receptions(now: datetime | None = None) -> int:
    """The worker's round: receptions whose arrival comes within `RECEPTION_LEAD` become
    requests in the ledger (a city list imported weeks ahead reaches the team on the eve)."""
    now = now or timezone.now()
    due = list(
        Reception.objects.filter(
            request__isnull=True,
            decision="",
            traveller__status=Traveller.Status.EXPECTED,
            traveller__arrives_at__lte=now + RECEPTION_LEAD,
        )
        .select_related("community", "traveller__community", "traveller__household", "team__lead")
        .order_by("pk")[:2000]
    )
    with transaction.atomic():
        return open_reception_requests(due, now=now)


@transaction.atomic
def do_set_destination(traveller: Traveller, *, actor: User, household: Household) -> Traveller:
    """The household a flagged traveller goes to, once found."""
    TRAVELLERS.check(actor, traveller, "destination")
    if household.community_id != traveller.community_id:
        raise ValidationError({"household": _("belongs to another community")})
    traveller.household = household
    save_with_history(traveller, actor=actor, reason="destination")
    return traveller


@transaction.atomic
def do_cancel_traveller(traveller: Traveller, *, actor: User, reason: str) -> Traveller:
    TRAVELLERS.check(actor, traveller, "cancel")
    if traveller.status != Traveller.Status.EXPECTED:
        raise ValidationError({"status": _("only an expected traveller can be called off")})
    if not reason.strip():
        raise ValidationError({"reason": _("say why the traveller is not coming")})
    traveller.status = Traveller.Status.CANCELLED
    save_with_history(traveller, actor=actor, reason=reason.strip())
    request = Reception.objects.get(traveller=traveller).request
    if request is not None and request.is_open:
        ledger.do_cancel(request, actor=actor, reason=reason.strip())
    return traveller


# The reception gate --------------------------------------------------------------------------


@transaction.atomic
def do_tick(
    reception: Reception, *, actor: User, step: str, now: datetime | None = None
) -> Reception:
    """Tick a step of the checklist (again is once)."""
    RECEPTIONS.check(actor, reception, "tick")
    fields = dict((name, field) for field, name in CHECKLIST)
    if step not in fields:
        raise ValidationError({"step": _("not a step of the checklist")})
    if getattr(reception, fields[step]) is None:
        setattr(reception, fields[step], now or timezone.now())
        save_with_history(reception, actor=actor, reason=step)
    return reception


def suitability(household: Household | None, today: date) -> list[str]:
    """What speaks against home quarantine in this household, from the register: someone
    elderly, pregnant or an infant living there; a shared (group-rented) flat; what the
    register says of its suitability."""
    if household is None:
        return [_("no known household: find it before deciding")]
    hints = []
    if household.home_quarantine_ok is False:
        hints.append(_("the register marks this household unsuitable for home quarantine"))
    if household.room.occupancy == household.room.Occupancy.GROUP:
        hints.append(_("a shared flat (group rental)"))
    members = Resident.objects.filter(household=household, is_active=True)
    elderly = members.filter(date_of_birth__lte=_years_before(today, 60)).count()
    if elderly:
        hints.append(_("lives with %(n)s person(s) aged 60+") % {"n": elderly})
    tags = set(
        Vulnerability.objects.filter(
            resident__household=household,
            resident__is_active=True,
            until__isnull=True,
            kind__in=("pregnant", "infant"),
        ).values_list("kind", flat=True)
    )
    if "pregnant" in tags:
        hints.append(_("someone pregnant lives there"))
    if "infant" in tags or members.filter(date_of_birth__gt=_years_before(today, 3)).exists():
        hints.append(_("an infant lives there"))
    return hints


def _years_before(day: date, years: int) -> date:
    from linli.people.selectors import years_ago

    return years_ago(day, years)


def _register(traveller: Traveller, actor: User) -> Resident:
    """The traveller as a resident of their household: the one already in the register with
    their document number, or a new one."""
    if traveller.resident_id is not None:
        return traveller.resident  # type: ignore[return-value]
    household = traveller.household
    assert household is not None  # noqa: S101 - the decision refuses otherwise
    found = None
    if traveller.id_number:
        found = Resident.objects.filter(
            community=traveller.community, id_number=traveller.id_number
        ).first()
    if found is None:
        found = do_add_resident(
            household,
            actor=actor,
            name=traveller.name,
            sex=traveller.sex,
            date_of_birth=traveller.date_of_birth,
            id_type=traveller.id_type,
            id_number=traveller.id_number,
            phone=traveller.phone,
            nationality=traveller.nationality,
            languages=[traveller.language] if traveller.language else [],
            notes=_("arrived %(when)s") % {"when": traveller.arrives_at.date()},
        ).obj
    traveller.resident = found
    return found


@transaction.atomic
def do_decide(
    reception: Reception,
    *,
    actor: User,
    decision: str,
    room: HotelRoom | None = None,
    now: datetime | None = None,
    **seats: Any,
) -> HomeQuarantine | Stay:
    """Home quarantine or hotel: the traveller joins their household in the register, then
    starts the quarantine (with its care plan) or checks in. The reception's request is done."""
    RECEPTIONS.check(actor, reception, "decide")
    reception = Reception.objects.select_for_update().get(pk=reception.pk)
    traveller = reception.traveller
    if reception.decision:
        raise ValidationError(
            {"decision": _("already decided: %(d)s") % {"d": reception.get_decision_display()}}
        )
    if decision not in Reception.Decision.values:
        raise ValidationError({"decision": _("choose home quarantine or a hotel")})
    if traveller.household_id is None:
        raise ValidationError({"household": _("find the traveller's household first")})
    if decision == Reception.Decision.HOTEL and room is None:
        raise ValidationError({"room": _("choose the hotel room")})
    now = now or timezone.now()
    try:
        resident = _register(traveller, actor)
    except ValidationError as exc:
        raise ValidationError(
            {k: [f"{_('traveller')}: {m}" for m in v] for k, v in exc.message_dict.items()}
        ) from None
    result: HomeQuarantine | Stay
    if decision == Reception.Decision.HOME:
        result = do_start_home_quarantine(
            resident, actor=actor, traveller=traveller, starts_on=timezone.localdate(now), **seats
        )
        traveller.status = Traveller.Status.HOME
    else:
        assert room is not None  # noqa: S101 - refused above
        result = do_check_in(resident, actor=actor, room=room, traveller=traveller, now=now)
        traveller.status = Traveller.Status.HOTEL
    save_with_history(traveller, actor=actor, reason=decision)
    reception.decision, reception.decided_at, reception.decided_by = decision, now, actor
    save_with_history(reception, actor=actor, reason=decision)
    _close_reception_request(reception, actor)
    return result


def _close_reception_request(reception: Reception, actor: User) -> None:
    request = reception.request
    if request is None or not request.is_open:
        return
    said = _("Received; decision: %(d)s") % {"d": reception.get_decision_display()}
    if request.status == Request.Status.NEW:
        ledger.do_assign(request, actor=actor, assignee=actor)
        request.refresh_from_db()
    if REQUESTS.may_close(actor, request):
        ledger.do_complete(request, actor=actor, result=said)
    else:
        ledger.do_add_note(request, actor=actor, note=said)


# Home quarantine ---------------------------------------------------------------------------


@transaction.atomic
def do_start_home_quarantine(
    resident: Resident,
    *,
    actor: User,
    starts_on: date | None = None,
    traveller: Traveller | None = None,
    **seats: Any,
) -> HomeQuarantine:
    """Home quarantine for the policy's days, and the household's care plan (reason home
    quarantine, its team and services; the household's open plan, if it has one, gets the
    services instead). The seats default to the community's settings."""
    community = resident.community
    QUARANTINES.check_create(actor, community)
    if HomeQuarantine.objects.filter(resident=resident, status="active").exists():
        raise ValidationError(
            {"resident": _("%(name)s is already in home quarantine") % {"name": resident.name}}
        )
    settings = settings_of(community)
    starts_on = starts_on or timezone.localdate()
    planned_end = starts_on + timedelta(days=settings.days)
    team = {s: seats.get(s) or getattr(settings, s) for s in SEAT_FIELDS}
    household = resident.household
    plan = CarePlan.objects.filter(household=household).exclude(status="ended").first()
    if plan is None:
        plan = care.do_create_plan(
            household,
            actor=actor,
            reason=CarePlan.Reason.QUARANTINE,
            starts_on=starts_on,
            review_on=planned_end,
            goals=_("Home quarantine until %(end)s: daily checks, services to the door")
            % {"end": planned_end},
            **team,
        )
    promised = set(plan.items.filter(active=True).values_list("description", flat=True))
    for code, what, when, seat in HOME_SERVICES:
        if what in promised:  # a second person of the household: the services are there
            continue
        care.do_add_service_item(
            plan, actor=actor, category=code, description=what, schedule=when, seat=seat
        )
    quarantine = HomeQuarantine(
        community=community,
        resident=resident,
        household=household,
        traveller=traveller,
        plan=plan,
        starts_on=starts_on,
        days=settings.days,
        planned_end=planned_end,
    )
    save_with_history(quarantine, actor=actor, reason="started")
    return quarantine


def _change_end(quarantine: HomeQuarantine, *, actor: User, new_end: date, reason: str) -> None:
    EndChange.objects.create(
        quarantine=quarantine,
        previous_end=quarantine.planned_end,
        new_end=new_end,
        reason=reason[:200],
        by=actor,
    )
    quarantine.planned_end = new_end
    save_with_history(quarantine, actor=actor, reason=reason)
    plan = quarantine.plan
    if plan is not None and plan.reason == CarePlan.Reason.QUARANTINE:
        care.do_set_review(plan, actor=actor, on=new_end, reason=reason)


@transaction.atomic
def do_change_end(
    quarantine: HomeQuarantine, *, actor: User, new_end: date | None, reason: str
) -> HomeQuarantine:
    """Extend or shorten a quarantine; the previous end and the reason are kept."""
    QUARANTINES.check(actor, quarantine, "end")
    errors: dict[str, str] = {}
    if quarantine.status != HomeQuarantine.Status.ACTIVE:
        errors["planned_end"] = _("this quarantine has ended")
    elif new_end is None:
        errors["planned_end"] = _("say the new end")
    elif new_end <= quarantine.starts_on:
        errors["planned_end"] = _("before the quarantine starts (%(d)s)") % {
            "d": quarantine.starts_on
        }
    elif new_end == quarantine.planned_end:
        errors["planned_end"] = _("that is the planned end already")
    if not reason.strip():
        errors["reason"] = _("say why the end changes")
    raise_errors(errors)
    assert new_end is not None  # noqa: S101 - checked
    _change_end(quarantine, actor=actor, new_end=new_end, reason=reason.strip())
    return quarantine


def _temperature(raw: Any, errors: dict[str, str]) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", ".").replace("℃", "").replace("°C", ""))
    except InvalidOperation:
        errors["temperature"] = _("write the temperature in °C, e.g. 36.6")
        return Decimal(0)
    low, high = TEMPERATURE_RANGE
    if not low <= value <= high:
        errors["temperature"] = _("%(t)s °C cannot be a body temperature: measure again") % {
            "t": value
        }
    return value.quantize(Decimal("0.1"))


@transaction.atomic
def do_record_check(
    quarantine: HomeQuarantine,
    *,
    actor: Actor,
    temperature: Any,
    symptoms: list[str],
    note: str = "",
    now: datetime | None = None,
) -> HealthCheck:
    """A daily check by the doctor (`actor`) or the resident on their link (`actor` None). A
    fever (37.3 °C or more) or any symptom opens an urgent request, handed to the plan's
    doctor."""
    QUARANTINES.check(actor, quarantine, "check")
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if quarantine.status != HomeQuarantine.Status.ACTIVE:
        errors["quarantine"] = _("this quarantine has ended")
    value = _temperature(temperature, errors)
    unknown = [s for s in symptoms if s not in HealthCheck.Symptom.values]
    if unknown:
        errors["symptoms"] = _("unknown symptom: %(s)s") % {"s": ", ".join(unknown)}
    note = _text(note, "note", 300, errors)
    raise_errors(errors)
    day = timezone.localtime(now, ZoneInfo(quarantine.community.time_zone)).date()
    abnormal = value >= FEVER or bool(symptoms)
    check = HealthCheck.objects.create(
        community=quarantine.community,
        quarantine=quarantine,
        day=day,
        at=now,
        temperature=value,
        symptoms=sorted(set(symptoms)),
        note=note,
        by=as_user(actor),
        abnormal=abnormal,
    )
    HomeQuarantine.objects.filter(pk=quarantine.pk).update(last_check_on=day)
    quarantine.last_check_on = day
    if abnormal:
        named = ", ".join(str(HealthCheck.Symptom(s).label) for s in check.symptoms)
        opened = ledger.do_open_request(
            quarantine.community,
            actor=SYSTEM,
            channel=Channel.PLANNED,
            category=category_by_code("medical_visit") or category_by_code("other"),  # type: ignore[arg-type]
            description=_("Home quarantine check: %(t)s °C %(s)s %(n)s — see the resident today")
            % {"t": value, "s": named, "n": note},
            resident=quarantine.resident,
            urgency=Urgency.URGENT,
            urgency_reason=_("abnormal quarantine check"),
            at=now,
            source=check,
        )
        doctor = quarantine.plan.doctor if quarantine.plan is not None else None
        if doctor is not None and doctor.is_active:
            ledger.do_assign(opened.request, actor=SYSTEM, assignee=doctor)
        check.request = opened.request
        check.save(update_fields=["request"])
    return check


@transaction.atomic
def do_release(
    quarantine: HomeQuarantine, *, actor: User, on: date | None = None, reason: str = ""
) -> HomeQuarantine:
    """Release: on or after the planned end, or before it with a reason. The care plan made for
    the quarantine ends; the notice's code can then be verified by anyone."""
    QUARANTINES.check(actor, quarantine, "release")
    on = on or timezone.localdate()
    errors: dict[str, str] = {}
    if quarantine.status != HomeQuarantine.Status.ACTIVE:
        errors["quarantine"] = _("already released")
    elif on < quarantine.starts_on:
        errors["on"] = _("before the quarantine starts")
    elif on < quarantine.planned_end and not reason.strip():
        errors["reason"] = _("the planned end is %(end)s: say why the release comes before it") % {
            "end": quarantine.planned_end
        }
    raise_errors(errors)
    quarantine.status, quarantine.released_on = HomeQuarantine.Status.RELEASED, on
    quarantine.release_reason, quarantine.released_by = reason.strip()[:200], actor
    save_with_history(quarantine, actor=actor, reason=reason.strip() or "released")
    plan = quarantine.plan
    others = HomeQuarantine.objects.filter(plan=plan, status="active").exclude(pk=quarantine.pk)
    if (
        plan is not None
        and plan.reason == CarePlan.Reason.QUARANTINE
        and plan.status != CarePlan.Status.ENDED
        and not others.exists()
    ):
        care.do_end_plan(
            plan, actor=actor, reason="quarantine released", on=max(on, plan.starts_on)
        )
    elif plan is not None and not others.exists():
        # The household's own plan goes on; the quarantine's services stop.
        care.do_stop_items(plan, actor=actor, descriptions=[w for _c, w, _w, _s in HOME_SERVICES])
    if quarantine.traveller_id is not None:
        Traveller.objects.filter(pk=quarantine.traveller_id).update(
            status=Traveller.Status.RELEASED
        )
    return quarantine


# Hotels ------------------------------------------------------------------------------------


@transaction.atomic
def do_add_hotel(
    street: Street,
    *,
    actor: User,
    name: str,
    address: str = "",
    phone: str = "",
    staff: list[User] | None = None,
) -> Hotel:
    HOTELS.check_create(actor, street)
    errors: dict[str, str] = {}
    name = _text(name, "name", 100, errors)
    if not name:
        errors["name"] = _("name the hotel")
    elif Hotel.objects.filter(street=street, name=name).exists():
        errors["name"] = _("this street has a hotel of that name")
    address = _text(address, "address", 200, errors)
    number = clean_phone(phone, "phone", errors)
    _check_staff(street, staff or [], errors)
    raise_errors(errors)
    hotel = Hotel.objects.create(street=street, name=name, address=address, phone=number)
    hotel.staff.set(staff or [])
    return hotel


def _check_staff(street: Street, staff: list[User], errors: dict[str, str]) -> None:
    wrong = [u for u in staff if not u.can(Cap.RUN_HOTEL) or u.street_id != street.pk]
    if wrong:
        errors["staff"] = _("not hotel staff of this street: %(who)s") % {
            "who": ", ".join(str(u) for u in wrong)
        }


@transaction.atomic
def do_set_hotel_staff(hotel: Hotel, *, actor: User, staff: list[User]) -> Hotel:
    HOTELS.check(actor, hotel, "set_up")
    errors: dict[str, str] = {}
    _check_staff(hotel.street, staff, errors)
    raise_errors(errors)
    hotel.staff.set(staff)
    return hotel


def _room_numbers(numbers: str) -> list[str]:
    """ "301-320, 325" → the rooms; a range keeps its numbers' width."""
    found: list[str] = []
    text = unicodedata.normalize("NFKC", numbers).replace("，", ",").replace("~", "-")
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if "-" in part:
            first, last = (x.strip() for x in part.split("-", 1))
            if not (first.isdigit() and last.isdigit()) or int(last) < int(first):
                raise ValidationError({"numbers": _("not a range of rooms: %(p)s") % {"p": part}})
            if int(last) - int(first) > 500:
                raise ValidationError({"numbers": _("at most 500 rooms at a time")})
            found += [str(n).zfill(len(first)) for n in range(int(first), int(last) + 1)]
        else:
            found.append(part)
    return found


@transaction.atomic
def do_add_rooms(
    hotel: Hotel,
    *,
    actor: User,
    floor: int | None,
    numbers: str,
    beds: int = 1,
    accessible: bool = False,
) -> list[HotelRoom]:
    """Rooms of a floor: "301-320" or "301, 302, 305"."""
    HOTELS.check(actor, hotel, "set_up")
    errors: dict[str, str] = {}
    if floor is None:
        errors["floor"] = _("say the floor")
    if not isinstance(beds, int) or not 1 <= beds <= 6:
        errors["beds"] = _("a room has 1 to 6 beds")
    raise_errors(errors)
    wanted = _room_numbers(numbers)
    if not wanted or any(len(n) > 20 for n in wanted):
        raise ValidationError({"numbers": _("write the rooms, e.g. 301-320")})
    there = set(
        HotelRoom.objects.filter(hotel=hotel, number__in=wanted).values_list("number", flat=True)
    )
    if there:
        raise ValidationError(
            {
                "numbers": _("already rooms of this hotel: %(n)s")
                % {"n": ", ".join(sorted(there)[:10])}
            }
        )
    assert floor is not None  # noqa: S101 - checked
    return HotelRoom.objects.bulk_create(
        HotelRoom(hotel=hotel, floor=floor, number=n, beds=beds, accessible=accessible)
        for n in wanted
    )


def special_groups(resident: Resident, today: date) -> dict[str, Any]:
    """The special groups of a guest, from the register: elderly (60+), chronic illness (a
    chronic, severe, dialysis or chemo tag), infant (under 3, or tagged), pregnant; the diet of
    a diet tag."""
    tags = {
        t.kind: t.details
        for t in Vulnerability.objects.filter(resident=resident, until__isnull=True)
    }
    age = resident.age(today)
    diet = str((tags.get("diet") or {}).get("diet", "")) if "diet" in tags else ""
    return {
        "elderly": age is not None and age >= 60,
        "chronic": bool({"chronic", "severe", "dialysis", "chemo"} & set(tags)),
        "infant": (age is not None and age < 3) or "infant" in tags,
        "pregnant": "pregnant" in tags,
        "diet": diet if diet in CarePlan.Diet.values else "",
    }


def _claim_bed(room: HotelRoom) -> None:
    """A ValidationError on `room` when its beds are all taken. Locks the room's row first, so
    that two check-ins (or moves) to its last bed give it to one."""
    HotelRoom.objects.select_for_update().filter(pk=room.pk).first()
    taken = Stay.objects.filter(room=room, checked_out_at__isnull=True).count()
    if taken >= room.beds:
        raise ValidationError(
            {
                "room": _(
                    "room %(room)s has %(beds)s bed(s) and %(taken)s guest(s): choose another room"
                )
                % {"room": room.number, "beds": room.beds, "taken": taken}
            }
        )


@transaction.atomic
def do_check_in(
    resident: Resident,
    *,
    actor: User,
    room: HotelRoom,
    planned_end: date | None = None,
    diet: str = "",
    notes: str = "",
    traveller: Traveller | None = None,
    now: datetime | None = None,
) -> Stay:
    """A guest into a free bed of a hotel of their community's street."""
    now = now or timezone.now()
    hotel = room.hotel
    errors: dict[str, str] = {}
    street_id = resident.community.street_id
    if hotel.street_id != street_id or not hotel.active:
        errors["hotel"] = _("%(hotel)s is not an open hotel of this resident's street") % {
            "hotel": hotel.name
        }
    elif not HOTELS.may_check_in(actor, hotel, resident.community):
        raise PermissionDenied(_("you cannot check guests in to %(hotel)s") % {"hotel": hotel.name})
    if diet and diet not in CarePlan.Diet.values:
        errors["diet"] = _("unknown diet: %(value)s") % {"value": diet}
    notes = _text(notes, "notes", 300, errors)
    raise_errors(errors)
    if Stay.objects.filter(resident=resident, checked_out_at__isnull=True).exists():
        raise ValidationError(
            {"resident": _("%(name)s is already staying in a hotel") % {"name": resident.name}}
        )
    _claim_bed(room)
    today = timezone.localtime(now, ZoneInfo(resident.community.time_zone)).date()
    groups = special_groups(resident, today)
    if diet:
        groups["diet"] = diet
    stay = Stay(
        community=resident.community,
        hotel=hotel,
        room=room,
        resident=resident,
        traveller=traveller,
        checked_in_at=now,
        planned_end=planned_end or today + timedelta(days=policy_days(resident.community)),
        notes=notes,
        **groups,
    )
    save_with_history(stay, actor=actor, reason="checked in")
    return stay


@transaction.atomic
def do_move_guest(stay: Stay, *, actor: User, room: HotelRoom, reason: str = "") -> Stay:
    """Another room of the same hotel."""
    STAYS.check(actor, stay, "move")
    errors: dict[str, str] = {}
    if stay.checked_out_at is not None:
        errors["stay"] = _("this guest has left")
    elif room.hotel_id != stay.hotel_id:
        errors["room"] = _("not a room of %(hotel)s") % {"hotel": stay.hotel.name}
    elif room.pk == stay.room_id:
        errors["room"] = _("the guest is in this room already")
    raise_errors(errors)
    _claim_bed(room)
    stay.room = room
    save_with_history(stay, actor=actor, reason=reason.strip() or "moved")
    return stay


@transaction.atomic
def do_check_out(stay: Stay, *, actor: User, reason: str = "", now: datetime | None = None) -> Stay:
    """Release from the hotel: on or after the planned end, or before it with a reason."""
    STAYS.check(actor, stay, "out")
    now = now or timezone.now()
    today = timezone.localtime(now, ZoneInfo(stay.community.time_zone)).date()
    if stay.checked_out_at is not None:
        raise ValidationError({"stay": _("this guest has left")})
    if today < stay.planned_end and not reason.strip():
        raise ValidationError(
            {
                "reason": _("the planned end is %(end)s: say why the release comes before it")
                % {"end": stay.planned_end}
            }
        )
    stay.checked_out_at = now
    save_with_history(stay, actor=actor, reason=reason.strip() or "released")
    if stay.traveller_id is not None:
        Traveller.objects.filter(pk=stay.traveller_id).update(status=Traveller.Status.RELEASED)
    return stay


@transaction.atomic
def do_record_guest_call(
    stay: Stay,
    *,
    actor: User,
    outcome: str,
    note: str = "",
    need: str = "",
    now: datetime | None = None,
) -> GuestCall:
    """The daily call to a guest; a need goes to the green line (a request of the guest's own
    community)."""
    STAYS.check(actor, stay, "call")
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if stay.checked_out_at is not None:
        errors["stay"] = _("this guest has left")
    if outcome not in Contact.Outcome.values:
        errors["outcome"] = _("choose what came of the call")
    need = _text(need, "need", 500, errors)
    if outcome == Contact.Outcome.NEED and not need:
        errors["need"] = _("say what is needed")
    note = _text(note, "note", 300, errors)
    raise_errors(errors)
    day = timezone.localtime(now, ZoneInfo(stay.community.time_zone)).date()
    call = GuestCall.objects.create(
        stay=stay, day=day, at=now, by=actor, outcome=outcome, note=note
    )
    if outcome == Contact.Outcome.NEED:
        call.request = do_green_line(stay, actor=actor, category="other", description=need, now=now)
        call.save(update_fields=["request"])
    return call


@transaction.atomic
def do_green_line(
    stay: Stay, *, actor: User, category: str, description: str, now: datetime | None = None
) -> Request:
    """The hotel's green line: a request for the guest's own community, in the ledger."""
    STAYS.check(actor, stay, "green")
    found = category_by_code(category)
    if found is None or not found.active:
        raise ValidationError({"category": _("choose a category of the ledger")})
    return ledger.do_open_request(
        stay.community,
        actor=actor,
        channel=Channel.HOTEL,
        category=found,
        description=f"[{stay.hotel.name} {stay.room.number}] {description.strip()}"
        if description.strip()
        else "",
        resident=stay.resident,
        at=now,
        source=stay,
    ).request


# The city's list ------------------------------------------------------------------------------


def do_import_city_list(
    community: Community, source: Path | IO[bytes], *, actor: Actor, now: datetime | None = None
) -> CityListOutcome:
    """All or nothing: with one error, nothing is written and every error is reported. A clean
    list is written in one transaction, a few statements for all its rows (COPY on
    PostgreSQL): the travellers with their first history line, and their receptions. The
    receptions due within a day become requests in the ledger at the worker's next round
    (`receptions due`, every minute), as every reception does when its arrival nears."""
    CITY_LIST.check_create(actor, community)
    now = now or timezone.now()
    outcome, travellers = read_city_list(community, source, now=now)
    if outcome.error_count:
        return outcome
    settings = settings_of(community)
    with transaction.atomic():
        for pk, traveller in zip(reserve_pks(Traveller, len(travellers)), travellers, strict=True):
            traveller.pk, traveller.created_by, traveller.created_at = pk, as_user(actor), now
        copy_rows(travellers)
        names = [f.attname for f in Traveller._meta.concrete_fields]
        user = as_user(actor)
        first_line = (now, "+", user.pk if user else None, "city list")
        copy_values(
            Traveller.history.model,
            [*names, "history_date", "history_type", "history_user_id", "history_change_reason"],
            ([*(getattr(t, name) for name in names), *first_line] for t in travellers),
        )
        teams = {}
        for shift in Reception.Shift.values:
            team = settings.day_team if shift == Reception.Shift.DAY else settings.night_team
            teams[shift] = team.pk if team else None
        copy_values(
            Reception,
            ["community_id", "traveller_id", "shift", "team_id", "decision"],
            (
                (community.pk, t.pk, shift, teams[shift], "")
                for t in travellers
                for shift in [_shift_of(settings, t.arrives_at)[0]]
            ),
        )
    outcome.created, outcome.committed = len(travellers), True
    return outcome
