"""The register kept by hand: a resident added or corrected, a household added or moved, a
departure recorded, a vulnerability tag added, changed or ended.

Each is checked as the import checks a row (`linli.lib.validation`), names the field in its
ValidationError, writes a history row with its reason and never deletes: a resident who moved
out or died stays, no longer living here. A write that leaves the register contradicting itself
(a "lives alone" tag in a room of several) is made, and its warnings are returned to be shown.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.models import Building, Community, Room, Unit, User, floor_of
from linli.core.writes import save_with_history
from linli.lib.validation import Invalid, normalize_phone, validate_prc_id
from linli.people.models import Household, Resident, Vulnerability
from linli.people.policy import HOUSEHOLDS, RESIDENTS

# The fields a worker types for a resident; the rest (community, search keys) follow from them.
RESIDENT_FIELDS = (
    "name", "sex", "date_of_birth", "id_type", "id_number", "phone", "nationality", "languages",
    "mobility", "ltc_level", "notes",
)  # fmt: skip
MAX_REASON = 200
MAX_LISTED = 200


class Departure:
    MOVED = "moved"
    DECEASED = "deceased"
    ALL = (MOVED, DECEASED)


@dataclass
class Saved:
    """What a write made, and what in the register now contradicts itself."""

    obj: Any
    warnings: list[str] = field(default_factory=list)


def _errors(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def clean_resident(
    values: dict[str, Any], *, community_id: int, resident_pk: int | None = None
) -> dict[str, Any]:
    """The resident's fields as the register stores them, or a ValidationError naming each bad
    field: the import's checks (identity number, its birth date and sex, phone, lengths) and one
    of its own, the same identity number on somebody else of the community."""
    today = timezone.localdate()
    errors: dict[str, str] = {}
    clean = {k: values.get(k) for k in RESIDENT_FIELDS}
    name = " ".join(str(clean["name"] or "").split())
    if not name:
        errors["name"] = _("the name is empty")
    elif len(name) > 100:
        errors["name"] = _("the name is longer than 100 characters")
    clean["name"] = name
    id_type = clean["id_type"] or Resident.IdType.PRC_ID
    if id_type not in Resident.IdType.values:
        errors["id_type"] = _("not a kind of identity document")
    clean["id_type"] = id_type
    id_number = str(clean["id_number"] or "").strip().upper()
    born: date | None = clean["date_of_birth"]
    sex = clean["sex"] or ""
    if id_number and id_type == Resident.IdType.PRC_ID:
        try:
            id_number, id_born, id_sex = validate_prc_id(id_number, today)
        except Invalid as exc:
            errors["id_number"] = str(exc)
        else:
            if born and born != id_born:
                errors["date_of_birth"] = _(
                    "%(given)s differs from the birth date in the identity number (%(id)s)"
                ) % {"given": born, "id": id_born}
            if sex and sex != id_sex:
                errors["sex"] = _("differs from the sex in the identity number")
            born, sex = born or id_born, sex or id_sex
    elif len(id_number) > 40:
        errors["id_number"] = _("the document number is longer than 40 characters")
    clean["id_number"] = id_number
    if born is None:
        if "id_number" not in errors and needs_identity(community_id):
            errors.setdefault(
                "date_of_birth", _("a birth date is needed when there is no PRC identity number")
            )
    elif born > today or born.year < 1890:
        errors["date_of_birth"] = _("%(date)s is an impossible birth date") % {"date": born}
    clean["date_of_birth"] = born
    if sex not in Resident.Sex.values and "id_number" not in errors:
        errors.setdefault("sex", _("the sex is needed when there is no PRC identity number"))
    clean["sex"] = sex
    phone = str(clean["phone"] or "").strip()
    if phone:
        try:
            phone = normalize_phone(phone)
        except Invalid as exc:
            errors["phone"] = str(exc)
    clean["phone"] = phone
    nationality = str(clean["nationality"] or "CN").strip().upper()
    if len(nationality) != 2 or not nationality.isascii() or not nationality.isalpha():
        errors["nationality"] = _(
            "write the nationality as a two-letter country code (CN, JP, US …)"
        )
    clean["nationality"] = nationality
    clean["languages"] = [str(x).strip() for x in clean["languages"] or [] if str(x).strip()]
    clean["mobility"] = clean["mobility"] or Resident.Mobility.INDEPENDENT
    if clean["mobility"] not in Resident.Mobility.values:
        errors["mobility"] = _("not a mobility")
    level = clean["ltc_level"]
    if level == "":
        level = None  # not assessed
    if level is not None and (not isinstance(level, int) or not 0 <= level <= 6):
        errors["ltc_level"] = _("the long-term-care level is a whole number from 0 to 6")
    clean["ltc_level"] = level
    clean["notes"] = str(clean["notes"] or "").strip()
    if id_number and "id_number" not in errors:
        twin = Resident.objects.filter(community_id=community_id, id_number=id_number)
        if resident_pk is not None:
            twin = twin.exclude(pk=resident_pk)
        other = twin.first()
        if other is not None:
            errors["id_number"] = _("%(name)s of this community already has this number") % {
                "name": other.name
            }
    _errors(errors)
    return clean


def _reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if len(reason) > MAX_REASON:
        raise ValidationError(
            {"reason": _("the reason is longer than %(n)s characters") % {"n": MAX_REASON}}
        )
    return reason


def alone_among_several(household_ids: Iterable[int]) -> list[tuple[str, str]]:
    """(name, warning) of each resident of these households tagged "lives alone" who lives with
    others (two queries per 2,000 households: the tags, then their households' sizes)."""
    ids = list(household_ids)
    found: list[tuple[str, str]] = []
    for start in range(0, len(ids), 2000):
        tags = list(
            Vulnerability.objects.filter(
                kind=Vulnerability.Kind.LIVES_ALONE,
                until__isnull=True,
                resident__is_active=True,
                resident__household__in=ids[start : start + 2000],
            )
            .select_related("resident")
            .order_by("pk")
        )
        sizes = (
            dict(
                Resident.objects.filter(
                    household__in={t.resident.household_id for t in tags}, is_active=True
                )
                .values("household")
                .annotate(n=Count("pk"))
                .values_list("household", "n")
            )
            if tags
            else {}
        )
        found += [
            (
                tag.resident.name,
                _(
                    "%(name)s is tagged “lives alone”, but %(n)s people live in this household:"
                    " end the tag if it no longer holds"
                )
                % {"name": tag.resident.name, "n": sizes[tag.resident.household_id]},
            )
            for tag in tags
            if sizes.get(tag.resident.household_id, 0) > 1
        ]
        if len(found) >= MAX_LISTED:
            break
    return found[:MAX_LISTED]


def needs_identity(community_id: int) -> bool:
    """Whether the community requires a PRC identity number or a birth date of everyone."""
    return Community.objects.filter(pk=community_id, residents_need_identity=True).exists()


def birth_warnings(resident: Resident) -> list[str]:
    if resident.date_of_birth is not None:
        return []
    return [
        _(
            "%(name)s has no birth date on file: the age is unknown, so %(name)s is not counted"
            " among the elderly (60+, 80+). Ask for an identity document or the birth date."
        )
        % {"name": resident.name}
    ]


def household_warnings(household: Household) -> list[str]:
    """Where the household's people contradict its tags: "lives alone" among several."""
    return [warning for _name, warning in alone_among_several([household.pk])]


@transaction.atomic
def do_add_household(room: Room, *, actor: User, phone: str = "") -> Saved:
    """A new household in `room` (a room of the register); a warning when another household
    lives there already."""
    community = room.unit.building.compound.community
    HOUSEHOLDS.check_create(actor, community)
    try:
        phone = normalize_phone(phone) if phone.strip() else ""
    except Invalid as exc:
        raise ValidationError({"phone": str(exc)}) from None
    household = Household(community=community, room=room, phone=phone)
    save_with_history(household, actor=actor, reason="added")
    return Saved(household, shared_room_warnings(household))


def shared_room_warnings(household: Household) -> list[str]:
    """Another household living in `household`'s room: most often the same family added twice,
    which a worker should merge, sometimes a room really let to two households."""
    others = Resident.objects.filter(household__room_id=household.room_id, is_active=True).exclude(
        household=household
    )
    names = list(others.order_by("pk").values_list("name", flat=True)[:3])
    if not names:
        return []
    return [
        _(
            "Another household already lives in %(room)s (%(names)s). If they are one family,"
            " add the person to that household from its resident's page instead."
        )
        % {"room": household.room.address(), "names": "、".join(names)}
    ]


def room_at(building: Building, unit: str, room: str) -> Saved:
    """The room `unit`-`room` of `building`, added to the register (with its unit) if it is not
    there yet, as the import does: then with a warning, as a mistyped room is added so."""
    unit, room = unit.strip() or "1", room.strip()
    errors = {}
    if not room:
        errors["room"] = _("the room is empty")
    elif len(room) > 20:
        errors["room"] = _("the room or unit number is longer than 20 characters")
    if len(unit) > 20:
        errors["unit"] = _("the room or unit number is longer than 20 characters")
    _errors(errors)
    found_unit, _created = Unit.objects.get_or_create(building=building, number=unit)
    found, created = Room.objects.get_or_create(
        unit=found_unit, number=room, defaults={"floor": floor_of(room)}
    )
    if not created:
        return Saved(found)
    found.unit = found_unit
    found_unit.building = building
    added = _(
        "%(room)s was not in the register yet: it was added. Check the number if it was mistyped."
    )
    return Saved(found, [added % {"room": found.address()}])


@transaction.atomic
def do_add_resident(household: Household, *, actor: User, **values: Any) -> Saved:
    """A new resident of `household`, checked as an imported row is."""
    RESIDENTS.check_create(actor, household.community)
    clean = clean_resident(values, community_id=household.community_id)
    resident = Resident(community_id=household.community_id, household=household, **clean)
    save_with_history(resident, actor=actor, reason="added")
    return Saved(resident, household_warnings(household) + birth_warnings(resident))


@transaction.atomic
def do_change_resident(
    resident: Resident, *, actor: User, reason: str = "", **values: Any
) -> Saved:
    """Correct `resident`'s fields (those given; the others stay)."""
    RESIDENTS.check(actor, resident, "change")
    return _change_resident(resident, actor=actor, reason=reason, **values)


def _change_resident(resident: Resident, *, actor: User, reason: str, **values: Any) -> Saved:
    reason = _reason(reason) or "corrected"
    current = {k: getattr(resident, k) for k in RESIDENT_FIELDS}
    clean = clean_resident(
        {**current, **values}, community_id=resident.community_id, resident_pk=resident.pk
    )
    changed = [k for k in RESIDENT_FIELDS if clean[k] != current[k]]
    if changed:
        for k in changed:
            setattr(resident, k, clean[k])
        save_with_history(resident, actor=actor, reason=reason, update_fields=changed)
    return Saved(resident, household_warnings(resident.household) + birth_warnings(resident))


@transaction.atomic
def do_move_household(household: Household, *, room: Room, actor: User, reason: str = "") -> Saved:
    """The household (all its people) now lives in `room`, of the same community."""
    HOUSEHOLDS.check(actor, household, "move")
    reason = _reason(reason) or "moved"
    if room.unit.building.compound.community_id != household.community_id:
        raise ValidationError({"room": _("this room is not in the household's community")})
    if room.pk == household.room_id:
        raise ValidationError({"room": _("the household already lives in this room")})
    household.room = room
    save_with_history(household, actor=actor, reason=reason, update_fields=["room"])
    return Saved(household, shared_room_warnings(household))


@transaction.atomic
def do_remember_phone(
    household: Household, resident: Resident | None, *, phone: str, actor: User
) -> str:
    """Keep a caller's number, once a worker said whose it is, so that the next call from it
    finds them: on the resident when they have none, else on the household when it has none.
    Nothing when the number is no phone number or both have one already (a worker corrects
    a number on the resident's page). Returns the field it was kept in, or ""."""
    HOUSEHOLDS.check(actor, household, "phone")
    try:
        phone = normalize_phone(phone)
    except Invalid:
        return ""
    reason = "phone of a call"
    if resident is not None and not resident.phone:
        try:
            _change_resident(resident, actor=actor, reason=reason, phone=phone)
        except ValidationError:  # a resident the register holds as it was imported
            return ""
        return "resident"
    if not household.phone:
        household.phone = phone
        save_with_history(household, actor=actor, reason=reason, update_fields=["phone"])
        return "household"
    return ""


@transaction.atomic
def do_record_departure(
    resident: Resident, *, actor: User, why: str, on: date, note: str = ""
) -> Saved:
    """The resident moved out or died on `on`: no longer living here, their open tags ended that
    day. Nothing is deleted: their requests and history stay theirs."""
    RESIDENTS.check(actor, resident, "depart")
    if why not in Departure.ALL:
        raise ValidationError({"why": _("moved out or deceased")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("the date is in the future")})
    if not resident.is_active:
        raise ValidationError({"why": _("this resident no longer lives here")})
    note = _reason(note)
    reason = f"{why}: {note}" if note else why
    for tag in Vulnerability.objects.filter(resident=resident, until__isnull=True):
        tag.until = max(on, tag.since)
        save_with_history(tag, actor=actor, reason=reason, update_fields=["until"])
    resident.is_active = False
    if why == Departure.DECEASED:
        resident.notes = " ".join(
            x for x in (resident.notes, _("Deceased %(date)s") % {"date": on}) if x
        )
    save_with_history(resident, actor=actor, reason=reason, update_fields=["is_active", "notes"])
    return Saved(resident)


def _clean_tag(kind: str, since: date | None, until: date | None, details: Any) -> dict[str, Any]:
    errors = {}
    if kind not in Vulnerability.Kind.values:
        errors["kind"] = _("not a kind of vulnerability")
    if since is None:
        errors["since"] = _("the start date is needed")
    elif since > timezone.localdate():
        errors["since"] = _("the start date is in the future")
    if until is not None and since is not None and until < since:
        errors["until"] = _("the end date %(until)s is before the start %(since)s") % {
            "until": until,
            "since": since,
        }
    if not isinstance(details, dict):
        errors["details"] = _("the details are a list of names and values")
    _errors(errors)
    return {"kind": kind, "since": since, "until": until, "details": details}


@transaction.atomic
def do_add_tag(
    resident: Resident,
    *,
    actor: User,
    kind: str,
    since: date | None,
    details: dict[str, Any] | None = None,
) -> Saved:
    """A vulnerability tag for `resident` from `since`, with its attributes (hospital, days …)."""
    RESIDENTS.check(actor, resident, "tag")
    if not resident.is_active:
        raise ValidationError({"kind": _("this resident no longer lives here")})
    clean = _clean_tag(kind, since, None, details or {})
    if Vulnerability.objects.filter(resident=resident, kind=kind, until__isnull=True).exists():
        raise ValidationError({"kind": _("the resident already has this tag")})
    tag = Vulnerability(community_id=resident.community_id, resident=resident, **clean)
    save_with_history(tag, actor=actor, reason="added")
    return Saved(tag, household_warnings(resident.household))


@transaction.atomic
def do_change_tag(
    tag: Vulnerability,
    *,
    actor: User,
    since: date | None,
    details: dict[str, Any],
    reason: str = "",
) -> Saved:
    """Correct the start or the attributes of a tag."""
    RESIDENTS.check(actor, tag.resident, "tag")
    reason = _reason(reason) or "corrected"
    clean = _clean_tag(tag.kind, since, tag.until, details)
    tag.since, tag.details = clean["since"], clean["details"]
    save_with_history(tag, actor=actor, reason=reason, update_fields=["since", "details"])
    return Saved(tag, household_warnings(tag.resident.household))


@transaction.atomic
def do_end_tag(tag: Vulnerability, *, actor: User, until: date | None, reason: str = "") -> Saved:
    """The tag holds no longer from `until` (kept, with its dates: never deleted)."""
    RESIDENTS.check(actor, tag.resident, "tag")
    reason = _reason(reason) or "ended"
    if tag.until is not None:
        raise ValidationError({"until": _("this tag has already ended")})
    if until is None:
        raise ValidationError({"until": _("the end date is needed")})
    if until > timezone.localdate():
        raise ValidationError({"until": _("the end date is in the future")})
    _clean_tag(tag.kind, tag.since, until, tag.details)
    tag.until = until
    save_with_history(tag, actor=actor, reason=reason, update_fields=["until"])
    return Saved(tag)
