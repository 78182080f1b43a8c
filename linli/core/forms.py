from typing import Any

from django import forms
from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.core.models import User


def add_action_errors(form: forms.Form, exc: ValidationError, *others: forms.Form) -> None:
    """An action's errors on the field they name, of `form` or of one of the `others` shown
    with it; the errors that name no field of them above `form`."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        owner = next((f for f in (form, *others) if name in f.fields), None)
        (owner or form).add_error(name if owner else None, errors)


# Names an action gives its errors that are no model's field.
FORM_LABELS = {
    "reason": _("Reason"),
    "note": _("Note"),
    "numbers": _("Numbers"),
    "step": _("Step"),
}


def labelled_errors(exc: ValidationError, *app_labels: str) -> dict[str, list[str]]:
    """An action's errors keyed by the label of the field each names, in the user's language
    (the field's verbose name in a model of `app_labels`), never by its name in the code; the
    errors that name no field under "". For pages that list errors above a hand-written form."""
    if not hasattr(exc, "error_dict"):
        return {"": exc.messages}
    labels = {
        field.name: str(field.verbose_name).capitalize()
        for app_label in app_labels
        for model in apps.get_app_config(app_label).get_models()
        for field in model._meta.get_fields()
        if hasattr(field, "verbose_name")
    }
    labels.update({name: str(label) for name, label in FORM_LABELS.items()})
    found: dict[str, list[str]] = {}
    for name, errors in exc.message_dict.items():
        label = "" if name == NON_FIELD_ERRORS else labels.get(name, "")
        found.setdefault(label, []).extend(errors)
    return found


def _person(user: User) -> str:
    name = user.get_full_name()
    return f"{name} ({user.username})" if name else user.username


class TeamForm(forms.Form):
    """A team's name, lead and members, chosen among the community's people;
    `do_save_team` checks the rest."""

    name = forms.CharField(label=_("Team name"), max_length=200)
    lead = forms.ModelChoiceField(label=_("Lead"), queryset=User.objects.none(), required=False)
    members = forms.ModelMultipleChoiceField(
        label=pgettext_lazy("team", "Members"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lead", "members"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
            field.queryset = people
            field.label_from_instance = _person  # type: ignore[method-assign,assignment]
