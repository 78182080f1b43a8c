from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from linli.core.models import User


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
