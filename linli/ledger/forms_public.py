"""Forms of the residents' public pages: the self-service request form and request tracking."""

import re
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from linli.ledger.models import Category
from linli.ledger.selectors import categories
from linli.ledger.triage import questions
from linli.lib.validation import Invalid, normalize_phone


class CategoryChoiceField(forms.ModelChoiceField[Category]):
    def label_from_instance(self, obj: Category) -> str:
        # The category's name in the reader's language (Category.__str__ follows the language).
        return str(obj)


class PublicRequestForm(forms.Form):
    phone = forms.CharField(
        label=_("Your phone number"),
        max_length=30,
        help_text=_("We call you back on this number."),
        widget=forms.TelInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    room = forms.CharField(
        label=_("Building and room"),
        max_length=200,
        help_text=_("For example 3-502, or 3号楼502室."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    category = CategoryChoiceField(
        queryset=Category.objects.none(),
        label=_("What do you need?"),
        empty_label=_("Choose…"),
        to_field_name="code",
    )
    description = forms.CharField(
        label=_("Tell us more"),
        max_length=1000,
        help_text=_("What exactly, for whom, by when. Medicines: their names and doses."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # The dispatcher's two questions, in plain words; a *no* shows "call 120 now" at once.
    awake = forms.ChoiceField(
        label=_("If this is about someone's health: is the person awake and answering you?"),
        choices=list(questions.ANSWERS.items()),
        required=False,
        widget=forms.RadioSelect,
    )
    breathing = forms.ChoiceField(
        label=_("Are they breathing normally?"),
        choices=list(questions.ANSWERS.items()),
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, live_triage: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, CategoryChoiceField)  # noqa: S101 (declared just above)
        field.queryset = categories()
        if live_triage:
            # As the resident types, the page says at once when what they describe is an
            # emergency (the form is read by staff, not by an ambulance).
            self.fields["description"].widget.attrs.update(
                {
                    "hx-post": live_triage,
                    "hx-trigger": "input changed delay:400ms",
                    "hx-target": "#live-triage",
                    "hx-swap": "innerHTML",
                }
            )
            for name in ("awake", "breathing"):
                self.fields[name].widget.attrs.update(
                    {"hx-post": live_triage, "hx-trigger": "change", "hx-target": "#live-triage"}
                )

    def answers(self) -> dict[str, str]:
        data = self.cleaned_data
        return {q: data[q] for q in questions.LIFE_QUESTIONS if data.get(q)}

    def clean_phone(self) -> str:
        try:
            return normalize_phone(self.cleaned_data["phone"])
        except Invalid as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None

    def clean_room(self) -> str:
        room = " ".join(str(self.cleaned_data["room"]).split())
        if not room:
            raise forms.ValidationError(_("Say which building and room."), code="required")
        return room


TRACKING_NOISE = re.compile(r"[\s\-_]")


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    phone_tail = forms.CharField(
        label=_("Last 4 digits of your phone number"),
        min_length=4,
        max_length=4,
        validators=[RegexValidator(r"^\d{4}$", _("Type the last four digits, e.g. 5678."))],
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}
        ),
    )

    def clean_code(self) -> str:
        return TRACKING_NOISE.sub("", str(self.cleaned_data["code"])).upper()
