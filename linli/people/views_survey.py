"""Door-knocking survey (敲门行动) pages, and the health notes of a resident."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from linli.core.actions import do_record_pii_access
from linli.core.decorators import capability_required
from linli.core.forms import add_action_errors
from linli.core.http import AuthedRequest
from linli.core.models import Building, User
from linli.core.roles import Cap
from linli.core.scoping import get_for_user, scoped
from linli.people import survey_selectors as selectors
from linli.people.actions.health import MAX_NOTE_LENGTH, do_add_health_note
from linli.people.actions.survey import (
    do_close_survey_round,
    do_import_survey,
    do_open_survey_round,
    do_record_visit,
)
from linli.people.models import Household, Resident, SurveyRound, SurveyVisit
from linli.people.policy import HEALTH_NOTES
from linli.people.survey_import import SurveyOutcome

# Forms ----------------------------------------------------------------------------------------


class BuildingChoiceField(forms.ModelChoiceField[Building]):
    def label_from_instance(self, obj: Building) -> str:
        return f"{obj.compound.name} {obj}"


class OpenRoundForm(forms.Form):
    building = BuildingChoiceField(queryset=Building.objects.none(), label=gettext_lazy("Building"))
    name = forms.CharField(label=gettext_lazy("Name of the round"), max_length=100)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["building"]
        assert isinstance(field, BuildingChoiceField)  # noqa: S101 (narrows the type)
        field.queryset = scoped(user, Building.objects.select_related("compound")).order_by(
            "compound__name", "number"
        )


QUARANTINE_CHOICES = [
    ("", gettext_lazy("unchanged")),
    ("yes", gettext_lazy("yes")),
    ("no", gettext_lazy("no")),
]


class VisitForm(forms.Form):
    """The quick form of one household's row: the result, and what was corrected at the door."""

    # No result is chosen in advance: one careless tap must not record a household as verified.
    result = forms.ChoiceField(
        label=gettext_lazy("Result"),
        choices=[("", gettext_lazy("choose the result")), *SurveyVisit.Result.choices],
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    member = forms.TypedChoiceField(
        label=gettext_lazy("Member to correct"), required=False, coerce=int, empty_value=None
    )
    member_phone = forms.CharField(
        label=gettext_lazy("New phone of the member"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    member_mobility = forms.ChoiceField(
        label=gettext_lazy("Mobility of the member"),
        required=False,
        choices=[("", gettext_lazy("unchanged")), *Resident.Mobility.choices],
    )
    member_moved_out = forms.BooleanField(
        label=gettext_lazy("The member has moved out"), required=False
    )
    household_phone = forms.CharField(
        label=gettext_lazy("New household phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    home_quarantine_ok = forms.ChoiceField(
        label=gettext_lazy("Suitable for home quarantine"),
        required=False,
        choices=QUARANTINE_CHOICES,
    )

    def __init__(self, *args: Any, members: list[Resident], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 (narrows the type)
        field.choices = [("", "—"), *((m.pk, m.name) for m in members if m.is_active)]

    def corrections(self) -> dict[str, Any]:
        """The corrections asked for, in the shape `do_record_visit` takes."""
        data = self.cleaned_data
        household: dict[str, Any] = {}
        if data["household_phone"].strip():
            household["phone"] = data["household_phone"]
        if data["home_quarantine_ok"]:
            household["home_quarantine_ok"] = data["home_quarantine_ok"] == "yes"
        member: dict[str, Any] = {}
        if data["member_phone"].strip():
            member["phone"] = data["member_phone"]
        if data["member_mobility"]:
            member["mobility"] = data["member_mobility"]
        if data["member_moved_out"]:
            member["is_active"] = False
        found: dict[str, Any] = {}
        if household:
            found["household"] = household
        if member:
            found["residents"] = {data["member"]: member}
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        wants_member = (
            (data.get("member_phone") or "").strip()
            or data.get("member_mobility")
            or data.get("member_moved_out")
        )
        if wants_member and not data.get("member"):
            self.add_error("member", _("choose the member whose details you correct"))
        return data


class SurveyUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Survey sheet (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class HealthNoteForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("New note"),
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


# Survey ---------------------------------------------------------------------------------------


@capability_required(Cap.EDIT_REGISTER)
def round_list(request: AuthedRequest) -> HttpResponse:
    page = Paginator(selectors.rounds_for(request.user), 20).get_page(request.GET.get("page"))
    progress = selectors.progress_of_rounds(request.user, page)
    rounds = [(r, progress[r.pk]) for r in page]
    return render(
        request,
        "people/survey/round_list.html",
        {
            "page": page,
            "rounds": rounds,
            "buildings": selectors.building_progress(request.user),
        },
    )


@capability_required(Cap.EDIT_REGISTER)
def round_open(request: AuthedRequest) -> HttpResponse:
    user = request.user
    initial = {
        "name": _("Door-knocking %(date)s") % {"date": timezone.localdate().isoformat()},
        "building": request.GET.get("building"),
    }
    data = request.POST if request.method == "POST" else None
    form = OpenRoundForm(data, user=user, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            survey_round = do_open_survey_round(
                form.cleaned_data["building"], actor=user, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Round %(name)s opened.") % {"name": survey_round})
            return redirect("people:survey-round", pk=survey_round.pk)
    return render(request, "people/survey/round_open.html", {"form": form})


def _round_page(
    request: AuthedRequest,
    survey_round: SurveyRound,
    *,
    bound: VisitForm | None = None,
    bound_household: int | None = None,
) -> HttpResponse:
    only_to_visit = request.GET.get("show") == "to-visit"
    rows = selectors.round_rows(request.user, survey_round, only_to_visit=only_to_visit)
    table = [
        (
            row,
            bound
            if bound is not None and row.household.pk == bound_household
            else VisitForm(members=row.members, prefix=f"h{row.household.pk}"),
        )
        for row in rows
    ]
    return render(
        request,
        "people/survey/round_detail.html",
        {
            "round": survey_round,
            "progress": selectors.round_progress(request.user, survey_round),
            "table": table,
            "only_to_visit": only_to_visit,
            "is_open": survey_round.closed_at is None,
            "bound_household": bound_household,
        },
    )


@capability_required(Cap.EDIT_REGISTER)
def round_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _round_page(request, selectors.get_round_for_user(request.user, pk))


@require_POST
@capability_required(Cap.EDIT_REGISTER)
def record_visit(request: AuthedRequest, pk: int, household_pk: int) -> HttpResponse:
    user = request.user
    survey_round = selectors.get_round_for_user(user, pk)
    household: Household = selectors.get_household_for_user(user, household_pk)
    if household.room.unit.building_id != survey_round.building_id:
        raise Http404
    members = list(household.members.order_by("-is_active", "date_of_birth", "pk"))
    form = VisitForm(request.POST, members=members, prefix=f"h{household.pk}")
    if form.is_valid():
        try:
            do_record_visit(
                survey_round,
                household,
                actor=user,
                result=form.cleaned_data["result"],
                notes=form.cleaned_data["notes"],
                corrections=form.corrections(),
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(
                request,
                _("Visit to %(address)s recorded.") % {"address": household.room.address()},
            )
            url = reverse("people:survey-round", args=[survey_round.pk])
            if request.GET.get("show") == "to-visit":
                url += "?show=to-visit"
            return HttpResponseRedirect(f"{url}#h{household.pk}")
    messages.error(
        request,
        _("The visit to %(address)s was not recorded: see its form below.")
        % {"address": household.room.address()},
    )
    return _round_page(request, survey_round, bound=form, bound_household=household.pk)


@capability_required(Cap.EDIT_REGISTER)
def round_import(request: AuthedRequest, pk: int) -> HttpResponse:
    survey_round = selectors.get_round_for_user(request.user, pk)
    if request.method == "POST":
        form = SurveyUploadForm(request.POST, request.FILES)
    else:
        form = SurveyUploadForm()
    outcome: SurveyOutcome | None = None
    if form.is_bound and form.is_valid():
        try:
            outcome = do_import_survey(
                survey_round, actor=request.user, uploaded=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            if outcome.committed:
                message = ngettext(
                    "%(visits)s visit recorded from the sheet.",
                    "%(visits)s visits recorded from the sheet.",
                    outcome.visits,
                )
                messages.success(request, message % {"visits": outcome.visits})
                return redirect("people:survey-round", pk=survey_round.pk)
    return render(
        request,
        "people/survey/round_import.html",
        {"round": survey_round, "form": form, "outcome": outcome},
    )


@require_POST
@capability_required(Cap.EDIT_REGISTER)
def round_close(request: AuthedRequest, pk: int) -> HttpResponse:
    survey_round = selectors.get_round_for_user(request.user, pk)
    try:
        do_close_survey_round(survey_round, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Round %(name)s closed.") % {"name": survey_round})
    return redirect("people:survey-round", pk=survey_round.pk)


# Health notes ---------------------------------------------------------------------------------


@capability_required(Cap.VIEW_HEALTH)
def health_notes(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    resident = get_for_user(
        user,
        Resident.objects.select_related("household__room__unit__building__compound", "community"),
        Cap.VIEW_HEALTH,
        pk=pk,
    )
    form = HealthNoteForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            do_add_health_note(resident, actor=user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Health note added."))
            return redirect("people:resident-health", pk=resident.pk)
    notes = scoped(
        user, resident.health_notes.select_related("author").order_by("-written_at", "-pk")
    )
    do_record_pii_access(
        resident,
        actor=user,
        community=resident.community,
        fields=["health_notes"],
        request=request,
    )
    return render(
        request,
        "people/health/notes.html",
        {
            "resident": resident,
            "notes": notes,
            "form": form,
            "can_view_register": HEALTH_NOTES.sees_register(user),
        },
    )
