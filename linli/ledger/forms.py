from django import forms
from django.utils.translation import gettext_lazy as _

from linli.ledger.models import Call, Category, Urgency


class CallForm(forms.Form):
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


URGENCY_CHOICES = [("", _("As triaged")), *Urgency.choices]


class RequestRowForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(active=True), required=False
    )
    description = forms.CharField(
        label=_("What is needed"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=URGENCY_CHOICES, required=False)
    urgency_reason = forms.CharField(label=_("Why this urgency"), max_length=200, required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("description") and not data.get("category"):
            self.add_error("category", _("choose a category"))
        if data.get("category") and not (data.get("description") or "").strip():
            self.add_error("description", _("say what is needed"))
        return data


RequestRows = forms.formset_factory(RequestRowForm, extra=3, max_num=10)
