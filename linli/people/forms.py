import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.models import Building
from linli.core.widgets import DateInput
from linli.lib.masking import mask_id_number, mask_phone
from linli.people.actions.register import RESIDENT_FIELDS, Departure
from linli.people.models import Resident, Vulnerability

if TYPE_CHECKING:
    from django.db.models import QuerySet

LANGUAGES_SPLIT = re.compile(r"[\s,，;；、]+")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    dry_run = forms.BooleanField(
        label=_("Check only: show what would change, write nothing"), required=False, initial=True
    )


class ResidentForm(forms.Form):
    """A resident's fields as a worker types them; `do_add_resident` / `do_change_resident` check
    them as an import does, and their errors come back on these fields."""

    name = forms.CharField(label=_("Name"), max_length=200)
    id_type = forms.ChoiceField(label=_("Identity document"), choices=Resident.IdType.choices)
    id_number = forms.CharField(label=_("Identity number"), max_length=60, required=False)
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=[("", _("from the identity number")), *Resident.Sex.choices],
        required=False,
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=DateInput(),
        help_text=_("Not needed with a PRC identity number"),
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    nationality = forms.CharField(label=_("Nationality (two letters)"), max_length=2, initial="CN")
    languages = forms.CharField(
        label=_("Languages (codes, comma-separated: zh, en, ja …)"), max_length=100, required=False
    )
    mobility = forms.ChoiceField(label=_("Mobility"), choices=Resident.Mobility.choices)
    ltc_level = forms.IntegerField(label=_("Long-term-care level"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(label=_("Reason for the change"), max_length=200, required=False)

    # The numbers a correction page shows masked, as the resident's page does.
    MASKED = {"phone": mask_phone, "id_number": mask_id_number}

    def values(self, resident: Resident | None = None) -> dict[str, Any]:
        """The fields to save; a number of `resident` left as the page showed it, masked,
        stays as it is."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "reason"}
        data["languages"] = [x for x in LANGUAGES_SPLIT.split(data["languages"] or "") if x]
        if resident is not None:
            data.update(self.unmasked(resident, data))
        return data

    @classmethod
    def unmasked(cls, resident: Resident, shown: dict[str, Any]) -> dict[str, str]:
        """`resident`'s full numbers where `shown` holds them masked (or not at all); a number
        typed over the masked one, or cleared, is what was typed."""
        return {
            name: current
            for name, mask in cls.MASKED.items()
            if (current := getattr(resident, name))
            and shown.get(name, mask(current)) == mask(current)
        }

    @classmethod
    def initial_for(cls, resident: Resident, *, masked: bool = False) -> dict[str, Any]:
        initial = {f: getattr(resident, f) for f in RESIDENT_FIELDS}
        initial["languages"] = ", ".join(resident.languages or [])
        if masked:
            initial.update({name: mask(initial[name]) for name, mask in cls.MASKED.items()})
        return initial


class AddressForm(forms.Form):
    """Where a new household lives, or where a household moves: a building of the community, a
    unit and a room (added to the register if new, as an import adds them)."""

    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none())
    unit = forms.CharField(label=_("Unit"), max_length=20, initial="1")
    room = forms.CharField(label=_("Room"), max_length=20)

    def __init__(self, *args: Any, buildings: "QuerySet[Building]", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["building"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = buildings
        field.label_from_instance = lambda b: f"{b.compound.name} {b.number}"  # type: ignore[method-assign,assignment]


class TagForm(forms.Form):
    kind = forms.ChoiceField(label=_("Group"), choices=Vulnerability.Kind.choices)
    since = forms.DateField(label=_("Since"), widget=DateInput())
    hospital = forms.CharField(label=_("Hospital"), max_length=100, required=False)
    schedule = forms.CharField(
        label=_("Schedule (e.g. Tue/Thu/Sat 07:00)"), max_length=100, required=False
    )
    due = forms.DateField(
        label=_("Due date (pregnancy)"),
        required=False,
        widget=DateInput(),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    DETAILS = ("hospital", "schedule", "due", "note")

    def details(self, kept: dict[str, Any] | None = None) -> dict[str, Any]:
        """The attributes typed, over those of `kept` the form does not show (an import's
        weekdays, conditions, medicines …), which stay as they were."""
        data = self.cleaned_data
        details = {k: v for k, v in (kept or {}).items() if k not in self.DETAILS}
        details.update(
            {k: str(data[k]).strip() for k in ("hospital", "schedule", "note") if data[k]}
        )
        if data["due"]:
            details["due"] = data["due"].isoformat()
        return details

    @classmethod
    def initial_for(cls, tag: Vulnerability) -> dict[str, Any]:
        shown = {k: v for k, v in tag.details.items() if k in cls.DETAILS and isinstance(v, str)}
        return {"kind": tag.kind, "since": tag.since, **shown}


class EndTagForm(forms.Form):
    until = forms.DateField(label=_("Ended on"), widget=DateInput())
    reason = forms.CharField(label=_("Why"), max_length=200, required=False)


class DepartureForm(forms.Form):
    why = forms.ChoiceField(
        label=_("What happened"),
        choices=[(Departure.MOVED, _("Moved out")), (Departure.DECEASED, _("Deceased"))],
    )
    on = forms.DateField(label=_("On"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
