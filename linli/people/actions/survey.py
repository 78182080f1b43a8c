"""Door-knocking survey (敲门行动): open a round through a building, record each knock, close it.

A visit whose result is "corrected" carries the corrections found at the door; they are written to
the register through each model's own save, so that every change leaves a history row with the
reason "door-knocking survey".
"""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.models import Building, User
from linli.lib.validation import Invalid, normalize_phone
from linli.people.models import Household, Resident, SurveyRound, SurveyVisit
from linli.people.policy import SURVEYS
from linli.people.survey_import import SurveyImporter, SurveyOutcome

CHANGE_REASON = "door-knocking survey"
HOUSEHOLD_FIELDS = ("phone", "home_quarantine_ok")
RESIDENT_FIELDS = ("phone", "mobility", "is_active")
SURVEY_SUFFIXES = (".xlsx", ".xlsm")


@transaction.atomic
def do_open_survey_round(building: Building, *, actor: User, name: str) -> SurveyRound:
    """Start a door-knocking round through `building`; a building has one open round at a time."""
    SURVEYS.check_create(actor, building.compound.community)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("the name of the round is empty")})
    if len(name) > 100:
        raise ValidationError({"name": _("the name of the round is longer than 100 characters")})
    if SurveyRound.objects.filter(building=building, closed_at__isnull=True).exists():
        raise ValidationError(
            {"building": _("%(building)s already has an open round") % {"building": building}}
        )
    return SurveyRound.objects.create(
        community=building.compound.community, building=building, name=name, created_by=actor
    )


@transaction.atomic
def do_close_survey_round(round: SurveyRound, *, actor: User) -> SurveyRound:
    """Close a round: after this it takes no more visits."""
    SURVEYS.check(actor, round, "close")
    locked = _lock_open_round(round)
    locked.closed_at = timezone.now()
    locked.save(update_fields=["closed_at"])
    round.closed_at = locked.closed_at
    return locked


@dataclass
class _Change:
    obj: Household | Resident
    fields: list[str]


@transaction.atomic
def do_record_visit(
    round: SurveyRound,
    household: Household,
    *,
    actor: User,
    result: str,
    notes: str = "",
    corrections: dict[str, Any] | None = None,
    visited_at: datetime | None = None,
) -> SurveyVisit:
    """Record one knock on `household`'s door; a corrected visit updates the register.

    `corrections` (only with result "corrected") has up to two parts:
    ``{"household": {"phone": …, "home_quarantine_ok": True/False/None},
    "residents": {resident_pk: {"phone": …, "mobility": …, "is_active": False}}}``
    (``is_active=False``: the resident has moved out).
    """
    SURVEYS.check(actor, round, "visit")
    round = _lock_open_round(round)
    if result not in SurveyVisit.Result.values:
        raise ValidationError({"result": _("%(value)s is not a visit result") % {"value": result}})
    if (
        household.community_id != round.community_id
        or not Household.objects.filter(
            pk=household.pk, room__unit__building_id=round.building_id
        ).exists()
    ):
        raise ValidationError(
            {
                "household": _("this household does not live in %(building)s of this round")
                % {"building": round.building}
            }
        )
    if visited_at is not None and visited_at > timezone.now():
        raise ValidationError({"visited_at": _("the visit date is in the future")})
    changes: list[_Change] = []
    if result == SurveyVisit.Result.CORRECTED:
        changes = _corrections(household, corrections or {})
        if not changes:
            raise ValidationError(
                {"corrections": _("a corrected visit must carry at least one correction")}
            )
    elif corrections and any(corrections.values()):
        raise ValidationError(
            {"corrections": _("only a visit with the result “corrected” carries corrections")}
        )
    for change in changes:
        change.obj._change_reason = CHANGE_REASON  # type: ignore[union-attr]
        change.obj._history_user = actor  # type: ignore[union-attr]
        change.obj.save(update_fields=change.fields)
    return SurveyVisit.objects.create(
        community=round.community,
        round=round,
        household=household,
        visited_at=visited_at or timezone.now(),
        visitor=actor,
        result=result,
        notes=notes.strip(),
    )


def do_import_survey(
    round: SurveyRound, *, actor: User, uploaded: UploadedFile[bytes]
) -> SurveyOutcome:
    """Record the visits of a paper survey sheet (xlsx): all of them, or none when a row is bad
    (the outcome then lists every bad row). The importer keeps its own transaction."""
    SURVEYS.check(actor, round, "import")
    suffix = Path(uploaded.name or "").suffix.lower()
    if suffix not in SURVEY_SUFFIXES:
        raise ValidationError({"file": _("a survey sheet is an .xlsx file")})
    if (uploaded.size or 0) > settings.IMPORT_MAX_MB * 1024 * 1024:
        raise ValidationError(
            {"file": _("the file is larger than %(mb)s MB") % {"mb": settings.IMPORT_MAX_MB}}
        )
    uploaded.seek(0)
    return SurveyImporter(round, actor).run(uploaded)


def _lock_open_round(round: SurveyRound) -> SurveyRound:
    """The round, read again under a lock; ValidationError when it is already closed."""
    locked = (
        SurveyRound.objects.select_for_update(of=("self",))
        .select_related("building__compound", "community")
        .get(pk=round.pk)
    )
    if locked.closed_at is not None:
        raise ValidationError(
            {"round": _("the round %(name)s is closed: it takes no more visits") % {"name": locked}}
        )
    return locked


def _corrections(household: Household, corrections: dict[str, Any]) -> list[_Change]:
    """The register changes asked for, validated; only the fields whose value really changes."""
    unknown = set(corrections) - {"household", "residents"}
    if unknown:
        raise ValidationError(
            {"corrections": _("unknown correction: %(names)s") % {"names": ", ".join(unknown)}}
        )
    changes: list[_Change] = []
    wanted = corrections.get("household") or {}
    if wanted:
        changed = _apply(household, wanted, HOUSEHOLD_FIELDS, _("household"))
        if changed:
            changes.append(_Change(household, changed))
    members = {r.pk: r for r in Resident.objects.filter(household=household)}
    for key, values in (corrections.get("residents") or {}).items():
        try:
            resident = members[int(key)]
        except (KeyError, TypeError, ValueError):
            raise ValidationError(
                {"resident": _("resident %(id)s is not a member of this household") % {"id": key}}
            ) from None
        changed = _apply(resident, values or {}, RESIDENT_FIELDS, resident.name)
        if changed:
            changes.append(_Change(resident, changed))
    return changes


def _apply(
    obj: Household | Resident, values: dict[str, Any], allowed: tuple[str, ...], whose: str
) -> list[str]:
    """Set the validated `values` on `obj`; the names of the fields that changed."""
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValidationError(
            {
                "corrections": _("%(fields)s of %(whose)s cannot be corrected at the door")
                % {"fields": ", ".join(sorted(unknown)), "whose": whose}
            }
        )
    changed: list[str] = []
    for field, raw in values.items():
        value = _clean(field, raw, whose)
        if getattr(obj, field) != value:
            setattr(obj, field, value)
            changed.append(field)
    return changed


def _clean(field: str, value: Any, whose: str) -> Any:
    if field == "phone":
        text = str(value or "").strip()
        if not text:
            return ""
        try:
            return normalize_phone(text)
        except Invalid as exc:
            raise ValidationError({"phone": f"{whose}: {exc}"}) from None
    if field == "mobility":
        if value not in Resident.Mobility.values:
            raise ValidationError({"mobility": _("%(value)s is not a mobility") % {"value": value}})
        return value
    if field == "is_active":
        if not isinstance(value, bool):
            raise ValidationError({"is_active": _("“lives here” is yes or no")})
        return value
    if field == "home_quarantine_ok":
        if value is not None and not isinstance(value, bool):
            raise ValidationError(
                {"home_quarantine_ok": _("“suitable for home quarantine” is yes, no or unknown")}
            )
        return value
    raise ValidationError({"corrections": _("unknown correction: %(names)s") % {"names": field}})
