from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.care import actions, selectors
from linli.care.forms import ContactForm, ItemForm, PlanForm
from linli.care.models import CarePlan, ContactRule
from linli.care.policy import PLANS
from linli.core.access import access, needs
from linli.core.actions import do_record_pii_access
from linli.core.decorators import capability_required
from linli.core.forms import add_action_errors
from linli.core.http import AuthedRequest
from linli.core.roles import Cap
from linli.core.scoping import get_for_user
from linli.ledger.models import Category
from linli.people.models import Household

works_care = access(needs(Cap.PLAN_CARE, Cap.CARE_FOR))


@works_care
def plan_list(request: AuthedRequest) -> HttpResponse:
    status = "all" if request.GET.get("status") == "all" else "open"
    page = selectors.plan_list(request.user, request.GET.get("page"), status)
    return render(request, "care/plans.html", {"page": page, "status": status})


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
    fields = [name for name in PlanForm.base_fields]
    form = PlanForm(
        request.POST if request.method == "POST" else None,
        people=selectors.seat_candidates(plan.community),
        initial={name: getattr(plan, name) for name in fields},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_change_plan(
                plan,
                actor=request.user,
                reason=request.POST.get("why", ""),
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


@works_care
@require_POST
def plan_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    plan = selectors.get_plan(request.user, pk)
    if action not in ("pause", "resume", "end", "add_item", "refer"):
        raise Http404
    PLANS.check(request.user, plan, action)
    data = request.POST
    item_form = None
    try:
        if action == "pause":
            actions.do_pause_plan(plan, actor=request.user, reason=data.get("reason", ""))
        elif action == "resume":
            actions.do_resume_plan(plan, actor=request.user)
        elif action == "end":
            actions.do_end_plan(
                plan,
                actor=request.user,
                reason=data.get("reason", ""),
                on=parse_date(data.get("on", "")) if data.get("on") else None,
            )
        elif action == "add_item":
            item_form = ItemForm(data)
            if not item_form.is_valid():
                return _detail(request, plan, item_form, status=400)
            actions.do_add_service_item(plan, actor=request.user, **item_form.cleaned_data)
        else:
            resident = get_object_or_404(selectors.plan_members(plan), pk=data.get("resident"))
            actions.do_refer_psychological(
                plan, actor=request.user, resident=resident, note=data.get("note", "")
            )
    except ValidationError as exc:
        if item_form is not None:
            add_action_errors(item_form, exc)
            return _detail(request, plan, item_form, status=400)
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Done."))
    return redirect("care:plan-detail", plan.pk)


@works_care
def today(request: AuthedRequest) -> HttpResponse:
    day = timezone.localdate()
    pending = request.GET.get("show") != "all"
    page = selectors.contact_list(request.user, day, request.GET.get("page"), pending_only=pending)
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
    page = selectors.coverage(request.user, timezone.localdate(), request.GET.get("page"))
    return render(request, "care/coverage.html", {"page": page})


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
