import re
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.ledger.models import Call, Category, Channel, Urgency
from linli.ledger.taxonomy import category_by_code
from linli.ledger.triage import implied_category, questions, triage
from linli.lib.validation import Invalid, normalize_phone
from linli.people.models import Household, Resident

URGENCY_CHOICES = [("", _("As triaged")), *Urgency.choices]
ANSWER_CHOICES = list(questions.ANSWERS.items())
PROBLEM_CHOICES = [("", "—"), *((code, label) for code, (label, _f) in questions.PROBLEMS.items())]


class KeyQuestionsMixin(forms.Form):
    """The dispatcher's key questions, none required: not asked is not answered."""

    awake = forms.ChoiceField(
        label=questions.QUESTIONS["awake"],
        choices=ANSWER_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    breathing = forms.ChoiceField(
        label=questions.QUESTIONS["breathing"],
        choices=ANSWER_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    problem = forms.ChoiceField(
        label=questions.QUESTIONS["problem"], choices=PROBLEM_CHOICES, required=False
    )

    def answers(self) -> dict[str, str]:
        data = self.cleaned_data
        return {q: data[q] for q in questions.ALL if data.get(q)}


LOCAL_LANDLINE = re.compile(r"[2-9]\d{6,7}")


class KeyQuestionsForm(KeyQuestionsMixin, forms.Form):
    """The key questions alone, as the request's page asks them when the caller is rung back."""


class RequestRowForm(KeyQuestionsMixin, forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(active=True), required=False
    )
    description = forms.CharField(
        label=_("What is needed"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=URGENCY_CHOICES, required=False)
    urgency_reason = forms.CharField(label=_("Why this urgency"), max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        caller: tuple[Household | None, Resident | None] = (None, None),
        today: date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self._choose_implied_category(*caller, today or timezone.localdate())

    def _choose_implied_category(
        self, household: Household | None, resident: Resident | None, today: date
    ) -> None:
        """A row typed without a category gets the one its triage implies (an emergency is
        急症), as the desk's live triage chose it: the call is saved, and a form shown again
        shows it chosen."""
        name = self.add_prefix("category")
        description = str(self.data.get(self.add_prefix("description"), "")).strip()
        if not description or self.data.get(name):
            return
        other = category_by_code("other")
        assert other is not None  # noqa: S101 - the seeded taxonomy always has "other"
        found = triage(description, other, resident=resident, household=household, today=today)
        implied = implied_category(found)
        if implied is not None:
            # The row's own copy (one value a field: a QueryDict's items give the last).
            self.data = {**dict(self.data.items()), name: str(implied.pk)}

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("description") and not data.get("category"):
            self.add_error("category", _("choose a category"))
        if data.get("category") and not (data.get("description") or "").strip():
            self.add_error("description", _("say what is needed"))
        return data


RequestRows = forms.formset_factory(RequestRowForm, extra=3, max_num=10)


class CallForm(forms.Form):
    """The call itself; `rows` are the requests typed with it, which a call of kind "request"
    must have."""

    caller_number = forms.CharField(
        label=_("Caller's number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "off", "autofocus": True}
        ),
    )
    kind = forms.ChoiceField(label=_("Kind of call"), choices=Call.Kind.choices, initial="request")
    address_text = forms.CharField(label=_("Address as given"), max_length=200, required=False)
    notes = forms.CharField(
        label=_("Call notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    duration_seconds = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, rows: forms.BaseFormSet[RequestRowForm] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows

    def clean_caller_number(self) -> str:
        number: str = self.cleaned_data["caller_number"]
        # A local landline shows without its area code (62345678): it is dialled as it is, and
        # the caller lookup (linli.people.phones) tries it with the city's code.
        if LOCAL_LANDLINE.fullmatch(number.strip()):
            return number.strip()
        try:
            return normalize_phone(number)
        except Invalid as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rows = self.rows
        # Saved without a request, a call taken as one would drop what the caller asked for
        # without a word. Rows with errors of their own say so themselves.
        if (
            data.get("kind") == Call.Kind.REQUEST
            and rows is not None
            and rows.is_valid()
            and not any(row.get("category") for row in rows.cleaned_data)
        ):
            self.add_error(
                "kind",
                _(
                    "A call of kind Request needs at least one request: fill in a request "
                    "below, or choose another kind of call."
                ),
            )
        return data


class RequestForPersonForm(forms.Form):
    """A request opened from the resident's page: at the desk, at the door, on the phone."""

    channel = forms.ChoiceField(
        label=_("How it came"),
        choices=[(c.value, c.label) for c in (Channel.WALK_IN, Channel.DOOR, Channel.HOTLINE)],
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(active=True)
    )
    description = forms.CharField(
        label=_("What is needed"), widget=forms.Textarea(attrs={"rows": 3})
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=URGENCY_CHOICES, required=False)
    urgency_reason = forms.CharField(label=_("Why this urgency"), max_length=200, required=False)
