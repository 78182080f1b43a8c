from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.care import actions, selectors
from linli.care.forms import ContactForm, EndForm, ItemForm, PlanForm, ReasonForm, ReferForm
from linli.care.models import CarePlan, ContactRule, Vehicle
from linli.care.policy import PLANS, VEHICLES, plans_care
from linli.core.access import PUBLIC, access, needs
from linli.core.actions import do_record_export, do_record_pii_access
from linli.core.decorators import capability_required
from linli.core.dispatch import Handler, error_messages, run_action
from linli.core.forms import add_action_errors, labelled_errors
from linli.core.http import AuthedRequest
from linli.core.models import Community, Compound, User
from linli.core.policy import sees_full_numbers
from linli.core.roles import Cap
from linli.core.scoping import get_for_user
from linli.ledger.models import Category, Request
from linli.lib.masking import mask_phone
from linli.lib.numbers import whole_number
from linli.lib.params import QueryParams, posted_datetime, posted_time
from linli.lib.xlsx import Sheet
from linli.people.models import Household, Resident

works_care = access(needs(Cap.PLAN_CARE, Cap.CARE_FOR))


@works_care
def plan_list(request: AuthedRequest) -> HttpResponse:
    params = QueryParams(request)
    status = "all" if request.GET.get("status") == "all" else "open"
    page = selectors.plan_list(request.user, params.page(), status)
    return render(
        request,
        "care/plans.html",
        {"page": page, "status": status, "plans_care": plans_care(request.user)},
        status=params.status,
    )


@capability_required(Cap.PLAN_CARE, in_community=True)
def plan_new(request: AuthedRequest, household: int) -> HttpResponse:
    home = get_for_user(
        request.user,
        Household.objects.select_related("community__street", "room__unit__building__compound"),
        pk=household,
    )
    reason = request.GET.get("reason", "")
    form = PlanForm(
        request.POST if request.method == "POST" else None,
        people=selectors.seat_candidates(home.community),
        initial={
            "starts_on": timezone.localdate(),
            "daily_contact": True,
            "reason": reason if reason in CarePlan.Reason.values else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = actions.do_create_plan(home, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("The plan is made."))
            return redirect("care:plan-detail", plan.pk)
    return render(request, "care/plan_form.html", {"form": form, "household": home, "plan": None})


@capability_required(Cap.PLAN_CARE)
def plan_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan(request.user, pk)
    form = PlanForm(
        request.POST if request.method == "POST" else None,
        people=selectors.seat_candidates(plan.community),
        initial={name: getattr(plan, name) for name in PlanForm.base_fields},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_change_plan(
                plan,
                actor=request.user,
                why=request.POST.get("why", ""),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("care:plan-detail", plan.pk)
    return render(
        request, "care/plan_form.html", {"form": form, "household": plan.household, "plan": plan}
    )


def _detail(
    request: AuthedRequest, plan: CarePlan, item_form: ItemForm | None = None, status: int = 200
) -> HttpResponse:
    history = list(plan.history.select_related("history_user").order_by("-history_date")[:20])
    return render(
        request,
        "care/plan_detail.html",
        {
            "plan": plan,
            "allowed": PLANS.allowed(request.user, plan),
            "items": selectors.plan_items(plan),
            "members": selectors.plan_members(plan),
            "item_form": item_form or ItemForm(),
            "history": history,
        },
        status=status,
    )


@works_care
def plan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.get_plan(request.user, pk))


def _refer(user: User, plan: CarePlan, data: dict[str, Any]) -> object:
    resident = get_object_or_404(
        selectors.plan_members(plan), pk=whole_number(data["resident"]) or 0
    )
    return actions.do_refer_psychological(plan, actor=user, resident=resident, note=data["note"])


# The actions of a plan's page: each a form and a call (`run_action` checks `PLANS` first).
PLAN_ACTIONS: dict[str, Handler[CarePlan]] = {
    "pause": Handler(
        lambda user, plan, data: actions.do_pause_plan(plan, actor=user, reason=data["reason"]),
        ReasonForm,
    ),
    "resume": Handler(lambda user, plan, data: actions.do_resume_plan(plan, actor=user)),
    "end": Handler(
        lambda user, plan, data: actions.do_end_plan(
            plan, actor=user, reason=data["reason"], on=data["on"]
        ),
        EndForm,
    ),
    "add_item": Handler(
        lambda user, plan, data: actions.do_add_service_item(plan, actor=user, **data), ItemForm
    ),
    "refer": Handler(_refer, ReferForm),
}


@works_care
@require_POST
def plan_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    plan = selectors.get_plan(request.user, pk)
    ran = run_action(request, plan, action, PLAN_ACTIONS, PLANS)
    if ran.ok:
        messages.success(request, _("Done."))
    elif isinstance(ran.form, ItemForm):
        return _detail(request, plan, ran.form, status=400)
    else:
        error_messages(request, ran.form)
    return redirect("care:plan-detail", plan.pk)


@works_care
def today(request: AuthedRequest) -> HttpResponse:
    day = timezone.localdate()
    params = QueryParams(request)
    pending = request.GET.get("show") != "all"
    page = selectors.contact_list(request.user, day, params.page(), pending_only=pending)
    return render(
        request,
        "care/today.html",
        {
            "page": page,
            "day": day,
            "pending": pending,
            "form": ContactForm(),
            "categories": Category.objects.filter(active=True).order_by("order", "code"),
        },
        status=params.status,
    )


@works_care
@require_POST
def contact(request: AuthedRequest, resident: int) -> HttpResponse:
    day = timezone.localdate()
    person = get_object_or_404(selectors.covered(request.user, day), pk=resident)
    if request.POST.get("reveal"):
        # The number, to call: a look at personal data, recorded.
        do_record_pii_access(
            person, actor=request.user, community=person.community, fields=["phone"],
            reason="daily contact", request=request,
        )  # fmt: skip
        return render(request, "care/_phone.html", {"person": person})
    form = ContactForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what came of the contact."))
        return redirect("care:today")
    try:
        done = actions.do_record_contact(
            person,
            actor=request.user,
            outcome=form.cleaned_data["outcome"],
            need=form.cleaned_data["need"],
            note=form.cleaned_data["note"],
            category=request.POST.get("category", "other"),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        text = _("Recorded: %(name)s, %(outcome)s.") % {
            "name": person.name,
            "outcome": done.get_outcome_display(),
        }
        if done.request_id:
            text += " " + _("Request %(n)s is open in the ledger.") % {"n": done.request_id}
        messages.success(request, text)
    return redirect("care:today")


@capability_required(Cap.PLAN_CARE)
def coverage_list(request: AuthedRequest) -> HttpResponse:
    params = QueryParams(request)
    page = selectors.coverage(request.user, timezone.localdate(), params.page())
    return render(request, "care/coverage.html", {"page": page}, status=params.status)


@capability_required(Cap.PLAN_CARE, in_community=True)
def rule(request: AuthedRequest) -> HttpResponse:
    community = request.user.community
    assert community is not None  # noqa: S101 - the policy admits community staff only
    if request.method == "POST":
        try:
            actions.do_set_contact_rule(
                community, actor=request.user, groups=request.POST.getlist("groups")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
        return redirect("care:rule")
    current = ContactRule.objects.filter(community=community).first()
    day = timezone.localdate()
    return render(
        request,
        "care/rule.html",
        {
            "groups": ContactRule.Group.choices,
            "chosen": current.groups if current else [],
            "compliance": selectors.compliance(request.user, day),
            "birthdays": selectors.birthdays(request.user, day),
            "day": day,
        },
    )


@capability_required(Cap.VIEW_HEALTH)
def key_patient_list(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = selectors.key_patients(request.user, today)
    return render(request, "care/key_patients.html", {"rows": rows, "today": today})


@capability_required(Cap.VIEW_HEALTH)
def key_patient_export(request: AuthedRequest) -> FileResponse:
    """The key-patients list in its customary layout (重点人群名单), phones masked unless the
    role sees full numbers; the export is logged."""
    user = request.user
    today = timezone.localdate()
    rows = selectors.key_patients(user, today)
    full = sees_full_numbers(user)
    labels = [
        _("No."), _("Group"), _("Name"), _("Sex"), _("Age"), _("Address"), _("Contact phone"),
        _("Hospital"), _("Schedule"), _("Due date"), _("Next visit"),
        _("Escorts still needed this week"),
    ]  # fmt: skip
    sheet = Sheet(_("Key patients"), widths=[6, 14, 12, 6, 6, 24, 14, 18, 18, 12, 12, 14])
    sheet.header(labels)
    for number, row in enumerate(rows, start=1):
        person = row.resident
        phone = person.phone or person.household.phone
        needed = max(row.sessions_left - row.escorts, 0) if row.kind in selectors.ESCORTED else ""
        sheet.row([
            number, row.label, person.name, person.get_sex_display(), person.age(today),
            person.household.room.address(), phone if full else mask_phone(phone), row.hospital,
            row.schedule, row.due, row.next_visit, needed,
        ])  # fmt: skip
    response = sheet.response(f"linli-key-patients-{today}.xlsx")
    residents = Resident.objects.filter(pk__in=[r.resident.pk for r in rows])
    do_record_export(
        residents, actor=user, fields=["export:key-patients", "phone" if full else "masked"],
        request=request,
    )  # fmt: skip
    return response


@capability_required(Cap.PLAN_CARE, in_community=True)
def on_call(request: AuthedRequest) -> HttpResponse:
    community = request.user.community
    assert community is not None  # noqa: S101 - the policy admits community staff only
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = request.POST
        compound = None
        if data.get("compound"):
            compound = Compound.objects.filter(
                community=community, pk=whole_number(data["compound"]) or 0
            ).first()
        try:
            actions.do_add_on_call(
                community, actor=request.user, name=data.get("name", ""),
                role=data.get("role", ""), phone=data.get("phone", ""),
                starts_at=posted_datetime(data, "starts_at"),
                ends_at=posted_datetime(data, "ends_at"), compound=compound,
            )  # fmt: skip
        except ValidationError as exc:
            errors = labelled_errors(exc, "care", "core")
        else:
            messages.success(request, _("Saved."))
            return redirect("care:on-call")
    return render(
        request,
        "care/on_call.html",
        {
            "shifts": selectors.on_call_shifts(community, timezone.now()),
            "compounds": Compound.objects.filter(community=community).order_by("name"),
            "errors": errors,
            "data": request.POST,
        },
        status=400 if errors else 200,
    )


@access(PUBLIC)
def public_on_call(request: AuthedRequest, community_code: str) -> HttpResponse:
    """Who is on call now and next, for residents: name, role, phone; in Chinese and English."""
    community = get_object_or_404(Community, code=community_code)
    return render(
        request,
        "care/public_on_call.html",
        {"community": community, "shifts": selectors.on_call_shifts(community, timezone.now())},
    )


@access(needs(Cap.PLAN_CARE, Cap.HANDLE_REQUESTS, in_community=True))
def vehicles(request: AuthedRequest) -> HttpResponse:
    community = request.user.community
    assert community is not None  # noqa: S101 - the policy admits community staff only
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = request.POST
        try:
            if data.get("form") == "trip":
                escort = get_for_user(
                    request.user, Request.objects.select_related("community", "category"),
                    pk=whole_number(data.get("request", "")) or 0,
                )  # fmt: skip
                vehicle = get_for_user(
                    request.user,
                    Vehicle.objects.all(),
                    pk=whole_number(data.get("vehicle", "")) or 0,
                )
                actions.do_book_trip(
                    escort, actor=request.user, vehicle=vehicle, at=posted_datetime(data, "at")
                )
            else:
                actions.do_add_vehicle(
                    community, actor=request.user, plate=data.get("plate", ""),
                    driver=data.get("driver", ""), phone=data.get("phone", ""),
                    on_duty_from=posted_time(data, "on_duty_from"),
                    on_duty_until=posted_time(data, "on_duty_until"),
                )  # fmt: skip
        except ValidationError as exc:
            errors = labelled_errors(exc, "care", "core")
        else:
            messages.success(request, _("Saved."))
            return redirect(request.get_full_path())
    params = QueryParams(request)
    day = params.date("day") or timezone.localdate()
    return render(
        request,
        "care/vehicles.html",
        {
            "day": day,
            "fleet": selectors.vehicle_days(community, day),
            "waiting": selectors.escorts_without_vehicle(request.user, community, day),
            "may_add": VEHICLES.may_create(request.user, community),
            "errors": errors,
            "data": request.POST,
        },
        status=400 if errors else params.status,
    )
