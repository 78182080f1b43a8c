"""Small helpers every app's actions share: one way to save with history, to gather field
errors and to read a phone number into them."""

from typing import Any

from django.core.exceptions import ValidationError

from linli.core.policy import Actor, as_user
from linli.lib.validation import Invalid, normalize_phone

# django-simple-history keeps a change's reason in 100 characters.
REASON_LIMIT = 100


def save_with_history(obj: Any, *, actor: Actor | None, reason: str, **kwargs: Any) -> None:
    """Save `obj`, its history row saying who (a user; none for an agent) and why."""
    obj._history_user = as_user(actor) if actor is not None else None
    obj._change_reason = reason[:REASON_LIMIT]
    obj.save(**kwargs)


def raise_errors(errors: dict[str, str]) -> None:
    """A ValidationError naming each field of `errors`, when there are any."""
    if errors:
        raise ValidationError(errors)


def clean_phone(raw: object, field: str, errors: dict[str, str]) -> str:
    """`raw` as a stored phone number ("" when blank), or its error under `field`."""
    text = str(raw or "").strip()
    if not text:
        return ""
    try:
        return normalize_phone(text)
    except Invalid as exc:
        errors[field] = str(exc)
        return ""
