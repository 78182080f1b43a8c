"""Health notes on residents: written by doctors and workers, read only by roles that need them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.core.models import User
from linli.people.models import HealthNote, Resident
from linli.people.policy import HEALTH_NOTES

MAX_NOTE_LENGTH = 5000


@transaction.atomic
def do_add_health_note(resident: Resident, *, actor: User, text: str) -> HealthNote:
    """Add a dated note by `actor` on `resident`'s health (kept with its history)."""
    HEALTH_NOTES.check_create(actor, resident.community)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("the note is empty")})
    if len(text) > MAX_NOTE_LENGTH:
        raise ValidationError(
            {"text": _("the note is longer than %(n)s characters") % {"n": MAX_NOTE_LENGTH}}
        )
    note = HealthNote(
        community_id=resident.community_id, resident=resident, author=actor, text=text
    )
    note._history_user = actor  # type: ignore[attr-defined]
    note.save()
    return note
