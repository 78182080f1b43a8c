from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from linli.care.models import SEATS, CarePlan, Contact
from linli.core.models import User
from linli.core.widgets import DateInput
from linli.ledger.models import Category
from linli.lib.params import Unreadable, read_date


def _person(user: User) -> str:
    name = user.get_full_name()
    return f"{name} ({user.username})" if name else user.username


class PlanForm(forms.Form):
    """A plan's fields; `do_create_plan` / `do_change_plan` judge them."""

    reason = forms.ChoiceField(label=_("Why"), choices=CarePlan.Reason.choices)
    reason_note = forms.CharField(label=_("About the reason"), max_length=200, required=False)
    goals = forms.CharField(
        label=_("Goals"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    review_on = forms.DateField(label=_("Review on"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DateInput())
    doctor = forms.ModelChoiceField(label=SEATS[0][1], queryset=User.objects.none(), required=False)
    social_worker = forms.ModelChoiceField(
        label=SEATS[1][1], queryset=User.objects.none(), required=False
    )
    property_staff = forms.ModelChoiceField(
        label=SEATS[2][1], queryset=User.objects.none(), required=False
    )
    diets = forms.MultipleChoiceField(
        label=_("Diet"),
        choices=CarePlan.Diet.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.CharField(label=_("Language"), max_length=50, required=False)
    mobility = forms.CharField(label=_("Mobility"), max_length=200, required=False)
    equipment = forms.CharField(
        label=_("Equipment"),
        max_length=200,
        required=False,
        help_text=_("e.g. a computer for a child's online classes"),
    )
    daily_contact = forms.BooleanField(
        label=_("At least one contact a day"), required=False, initial=True
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for seat, _label in SEATS:
            field = self.fields[seat]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
            field.queryset = people
            field.label_from_instance = _person  # type: ignore[method-assign,assignment]


class ItemForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=())
    description = forms.CharField(label=_("What"), max_length=200)
    schedule = forms.CharField(
        label=_("When"),
        max_length=100,
        help_text=_("每天 / 每周一 / 二四六 07:00 / 周一至周五 / Tue/Thu/Sat 07:00"),
    )
    seat = forms.ChoiceField(label=_("Handed to"), choices=[(s, label) for s, label in SEATS])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = Category.objects.filter(active=True).order_by("order", "code")
        self.fields["category"].choices = [(c.code, str(c)) for c in categories]  # type: ignore[attr-defined]


class ContactForm(forms.Form):
    outcome = forms.ChoiceField(choices=Contact.Outcome.choices)
    need = forms.CharField(label=_("What is needed"), max_length=500, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReasonForm(forms.Form):
    """Pausing a plan: why (`do_pause_plan` judges it)."""

    reason = forms.CharField(label=_("Reason"), max_length=100, required=False)


class EndForm(ReasonForm):
    """Ending a plan: why, and on which day (today when left out)."""

    on = forms.CharField(label=_("On"), required=False)

    def clean_on(self) -> date | None:
        try:
            return read_date(self.cleaned_data["on"])
        except Unreadable:
            raise ValidationError(_("not a date (YYYY-MM-DD)")) from None


class ReferForm(forms.Form):
    """A referral: for whom of the household (a number, read by the view), about what."""

    resident = forms.CharField(label=_("Who"), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
