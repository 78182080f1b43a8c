"""Who is on call (`ON_CALL`), the community's transfer vehicles (`VEHICLES`) and the trips
they make for escorts (`TRIPS`)."""

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.care import selectors
from linli.care.models import OnCall, Trip, Vehicle
from linli.care.policy import ON_CALL, TRIPS, VEHICLES
from linli.care.selectors import ESCORT_CATEGORIES
from linli.core.models import Community, User
from linli.core.policy import Actor
from linli.core.writes import clean_phone, raise_errors
from linli.ledger import actions as ledger
from linli.ledger.models import Request

TRIP_GAP = timedelta(minutes=45)  # one vehicle, one trip at a time


@transaction.atomic
def do_add_on_call(
    community: Community,
    *,
    actor: Actor,
    name: str,
    role: str,
    phone: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    compound: Any = None,
) -> OnCall:
    """A shift on call, for a compound of the community or for all of it."""
    ON_CALL.check_create(actor, community)
    errors: dict[str, str] = {}
    name, role = name.strip(), role.strip()
    if not name:
        errors["name"] = _("say who is on call")
    if not role:
        errors["role"] = _("say their role (社区医生, nurse …)")
    number = clean_phone(phone, "phone", errors)
    if starts_at is None:
        errors["starts_at"] = _("say when the shift starts")
    if ends_at is None:
        errors["ends_at"] = _("say when the shift ends")
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = _("the shift ends before it starts")
    if compound is not None and compound.community_id != community.pk:
        errors["compound"] = _("not a compound of this community")
    raise_errors(errors)
    assert starts_at is not None and ends_at is not None  # noqa: S101 - checked
    return OnCall.objects.create(
        community=community, compound=compound, name=name[:100], role=role[:100], phone=number,
        starts_at=starts_at, ends_at=ends_at,
    )  # fmt: skip


@transaction.atomic
def do_add_vehicle(
    community: Community,
    *,
    actor: Actor,
    plate: str,
    driver: str,
    phone: str,
    on_duty_from: time | None,
    on_duty_until: time | None,
) -> Vehicle:
    VEHICLES.check_create(actor, community)
    errors: dict[str, str] = {}
    plate = "".join(plate.split()).upper()
    if not plate or len(plate) > 20:
        errors["plate"] = _("write the plate, e.g. 沪A12345")
    elif selectors.plate_listed(community, plate):
        errors["plate"] = _("this vehicle is already on the list")
    if not driver.strip():
        errors["driver"] = _("say who drives")
    number = clean_phone(phone, "phone", errors)
    if on_duty_from is None or on_duty_until is None:
        errors["on_duty_until"] = _("say the hours on duty")
    elif on_duty_until <= on_duty_from:
        errors["on_duty_until"] = _("the hours end before they start")
    raise_errors(errors)
    assert on_duty_from is not None and on_duty_until is not None  # noqa: S101 - checked
    return Vehicle.objects.create(
        community=community, plate=plate, driver=driver.strip()[:100], phone=number,
        on_duty_from=on_duty_from, on_duty_until=on_duty_until,
    )  # fmt: skip


@transaction.atomic
def do_book_trip(request: Request, *, actor: User, vehicle: Vehicle, at: datetime | None) -> Trip:
    """Give an escort request a vehicle and a pick-up time: within the vehicle's hours, not on
    top of another of its trips. Noted on the request's timeline."""
    TRIPS.check_create(actor, request.community)
    errors: dict[str, str] = {}
    if request.category.code not in ESCORT_CATEGORIES:
        errors["request"] = _(
            "only an escort (dialysis, medical visit, prenatal check) takes a vehicle"
        )
    elif not request.is_open:
        errors["request"] = _("this request is closed")
    elif selectors.has_trip(request):
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
        elif selectors.trip_near(vehicle, at, TRIP_GAP):
            errors["at"] = _("%(plate)s has another trip within 45 minutes") % {
                "plate": vehicle.plate
            }
    raise_errors(errors)
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
