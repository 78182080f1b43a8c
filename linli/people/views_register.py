"""The register kept by hand: add and correct residents, add and move households, record a
departure, add, change and end tags. Every write is an action of `actions.register`; these
views parse, call it and show its errors on the fields it names and its warnings above."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.actions import do_record_pii_access
from linli.core.decorators import capability_required
from linli.core.forms import add_action_errors
from linli.core.http import AuthedRequest
from linli.core.roles import Cap
from linli.core.scoping import get_for_user
from linli.people import selectors
from linli.people.actions import register
from linli.people.forms import (
    AddressForm,
    DepartureForm,
    EndTagForm,
    ResidentForm,
    TagForm,
)
from linli.people.models import Household, Resident, Vulnerability
from linli.people.policy import RESIDENTS

edits_register = capability_required(Cap.EDIT_REGISTER)


def _warn(request: AuthedRequest, saved: register.Saved) -> None:
    for warning in saved.warnings:
        messages.warning(request, warning)


def _resident(request: AuthedRequest, pk: int) -> Resident:
    return get_for_user(
        request.user,
        Resident.objects.select_related("household__room__unit__building__compound"),
        Cap.EDIT_REGISTER,
        pk=pk,
    )


@edits_register
def resident_add(request: AuthedRequest) -> HttpResponse:
    """A new resident: into a household of the register (`?household=`), or a new household at
    an address typed with the person."""
    household = None
    if pk := request.GET.get("household", "").strip():
        household = get_for_user(
            request.user,
            Household.objects.select_related("room__unit__building__compound"),
            Cap.EDIT_REGISTER,
            pk=int(pk) if pk.isdigit() else 0,
        )
    data = request.POST or None
    form = ResidentForm(data, initial={"nationality": "CN"})
    address = AddressForm(data, buildings=selectors.buildings_for(request.user), prefix="at")
    if request.method == "POST" and form.is_valid() and (household or address.is_valid()):
        try:
            saved = _add(request, form, address, household)
        except ValidationError as exc:
            add_action_errors(form, exc, address)
        else:
            _warn(request, saved)
            messages.success(request, _("Added to the register."))
            return redirect("people:resident-detail", pk=saved.obj.pk)
    return render(
        request,
        "people/register/resident_form.html",
        {"form": form, "address": None if household else address, "household": household},
    )


def _add(
    request: AuthedRequest, form: ResidentForm, address: AddressForm, household: Household | None
) -> register.Saved:
    warnings: list[str] = []
    with transaction.atomic():  # the new household and its first resident, or neither
        if household is None:
            place = register.room_at(
                address.cleaned_data["building"],
                address.cleaned_data["unit"],
                address.cleaned_data["room"],
            )
            added = register.do_add_household(
                place.obj, actor=request.user, phone=form.cleaned_data["phone"] or ""
            )
            household, warnings = added.obj, place.warnings + added.warnings
        saved = register.do_add_resident(household, actor=request.user, **form.values())
    saved.warnings[:0] = warnings
    return saved


@edits_register
def resident_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """The correction page shows the phone and identity number masked, as the resident's page
    does; "show" posts what was typed so far and shows it again with the full numbers, a look
    that is logged."""
    resident = _resident(request, pk)
    can_reveal = RESIDENTS.may(request.user, resident, "reveal")
    if request.method == "POST" and "reveal" in request.POST:
        shown = {name: request.POST.get(name, "") for name in ResidentForm.base_fields}
        if can_reveal:
            shown.update(ResidentForm.unmasked(resident, request.POST))
            do_record_pii_access(
                resident,
                actor=request.user,
                community=resident.community,
                fields=list(ResidentForm.MASKED),
                request=request,
            )
        form = ResidentForm(initial=shown)
        masked = False
    else:
        form = ResidentForm(
            request.POST or None, initial=ResidentForm.initial_for(resident, masked=True)
        )
        masked = any(getattr(resident, name) for name in ResidentForm.MASKED)
    if form.is_bound and form.is_valid():
        try:
            saved = register.do_change_resident(
                resident,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                **form.values(resident),
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            _warn(request, saved)
            messages.success(request, _("Saved."))
            return redirect("people:resident-detail", pk=resident.pk)
    return render(
        request,
        "people/register/resident_form.html",
        {
            "form": form,
            "resident": resident,
            "household": resident.household,
            "can_reveal": can_reveal and masked,
        },
    )


@edits_register
def resident_departure(request: AuthedRequest, pk: int) -> HttpResponse:
    resident = _resident(request, pk)
    form = DepartureForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            register.do_record_departure(resident, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Recorded: no longer lives here."))
            return redirect("people:resident-detail", pk=resident.pk)
    return render(request, "people/register/departure.html", {"form": form, "resident": resident})


@edits_register
def household_move(request: AuthedRequest, pk: int) -> HttpResponse:
    household = get_for_user(
        request.user,
        Household.objects.select_related("room__unit__building__compound"),
        Cap.EDIT_REGISTER,
        pk=pk,
    )
    form = AddressForm(request.POST or None, buildings=selectors.buildings_for(request.user))
    members = Resident.objects.filter(household=household, is_active=True).order_by("pk")
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # a room added for a move that is refused is not kept
                place = register.room_at(
                    form.cleaned_data["building"],
                    form.cleaned_data["unit"],
                    form.cleaned_data["room"],
                )
                moved = register.do_move_household(household, room=place.obj, actor=request.user)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            _warn(request, register.Saved(household, place.warnings + moved.warnings))
            messages.success(request, _("The household has moved."))
            first = members.first()
            if first is not None:
                return redirect("people:resident-detail", pk=first.pk)
            return redirect("people:resident-list")
    return render(
        request,
        "people/register/move.html",
        {"form": form, "household": household, "members": members},
    )


@edits_register
def tag_add(request: AuthedRequest, pk: int) -> HttpResponse:
    resident = _resident(request, pk)
    form = TagForm(request.POST or None, initial={"since": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            saved = register.do_add_tag(
                resident,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                since=form.cleaned_data["since"],
                details=form.details(),
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            _warn(request, saved)
            messages.success(request, _("Saved."))
            return redirect("people:resident-detail", pk=resident.pk)
    return render(request, "people/register/tag_form.html", {"form": form, "resident": resident})


@edits_register
def tag_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Correct a tag's start and attributes, or end it (the two forms of one page)."""
    tag = get_for_user(
        request.user, Vulnerability.objects.select_related("resident"), Cap.EDIT_REGISTER, pk=pk
    )
    ending = request.method == "POST" and request.POST.get("end") == "1"
    form = TagForm(
        request.POST if request.method == "POST" and not ending else None,
        initial=TagForm.initial_for(tag),
    )
    form.fields["kind"].disabled = True
    end = EndTagForm(
        request.POST if ending else None, initial={"until": timezone.localdate()}, prefix="end"
    )
    target: Form = end if ending else form
    if request.method == "POST" and target.is_valid():
        try:
            if ending:
                register.do_end_tag(tag, actor=request.user, **end.cleaned_data)
            else:
                saved = register.do_change_tag(
                    tag,
                    actor=request.user,
                    since=form.cleaned_data["since"],
                    details=form.details(kept=tag.details),
                )
                _warn(request, saved)
        except ValidationError as exc:
            add_action_errors(target, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("people:resident-detail", pk=tag.resident_id)
    return render(
        request,
        "people/register/tag_edit.html",
        {"form": form, "end": end, "tag": tag, "resident": tag.resident},
    )
