from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

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


def _person(user: User) -> str:
    name = user.get_full_name()
    return f"{name} ({user.username})" if name else user.username


class TeamForm(forms.Form):
    """A team's name, lead and members, chosen among the community's people;
    `do_save_team` checks the rest."""

    name = forms.CharField(label=_("Team name"), max_length=200)
    lead = forms.ModelChoiceField(label=_("Lead"), queryset=User.objects.none(), required=False)
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
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
