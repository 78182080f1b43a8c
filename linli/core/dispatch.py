"""One way a page runs an object's actions: a table of handlers, each a form and a call.

A view that offers several actions on one object (a request's page, a plan's, a reception's)
declares them as a table, `{"pause": Handler(do_pause, PauseForm), …}`, and posts to
`run_action`: the action's name is looked up (404 when unknown), the object's policy is asked
(PermissionDenied: a 403), the posted values go through the handler's form (errors on its
fields), and the action runs in one transaction, its ValidationError landing on the field it
names. No view parses `request.POST` by hand or chains `if action == …`.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest

from linli.core.forms import add_action_errors
from linli.core.models import User
from linli.core.policy import ObjectPolicy

T = TypeVar("T")


class NoFields(forms.Form):
    """An action that needs nothing posted but itself (resume a plan, start a request)."""


@dataclass(frozen=True)
class Handler(Generic[T]):
    """`run(user, obj, cleaned_data)` calls the action; `form` reads what was posted, built
    with `form_kwargs(obj)` when its choices depend on the object (the community's people)."""

    run: Callable[[User, T, dict[str, Any]], object]
    form: type[forms.Form] = NoFields
    form_kwargs: Callable[[T], dict[str, Any]] = field(default=lambda obj: {})


@dataclass(frozen=True)
class Ran:
    """What `run_action` did: `ok` when the action ran, else `form` holds the errors."""

    ok: bool
    form: forms.Form
    result: object = None


def run_action(
    request: HttpRequest,
    obj: T,
    action: str,
    handlers: Mapping[str, Handler[T]],
    policy: ObjectPolicy[T],
) -> Ran:
    """Look up `action`, check it against `policy`, read the form, run the action."""
    handler = handlers.get(action)
    if handler is None:
        raise Http404
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - every action page signs its visitor in first
    policy.check(user, obj, action)
    form = handler.form(request.POST, request.FILES or None, **handler.form_kwargs(obj))
    if not form.is_valid():
        return Ran(False, form)
    try:
        with transaction.atomic():
            result = handler.run(user, obj, form.cleaned_data)
    except ValidationError as exc:
        add_action_errors(form, exc)
        return Ran(False, form)
    return Ran(True, form, result)


def error_messages(request: HttpRequest, form: forms.Form) -> None:
    """A form's errors as messages above the page, each named by its field's label in the
    user's language (for actions posted from buttons rather than a form shown on the page)."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        text = " ".join(str(e) for e in errors)
        messages.error(request, f"{label}: {text}" if label else text)
