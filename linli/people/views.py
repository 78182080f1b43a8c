from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.actions import do_record_pii_access
from linli.core.decorators import capability_required
from linli.core.http import AuthedRequest
from linli.core.policy import sees_full_numbers
from linli.core.roles import Cap
from linli.core.scoping import get_for_user, scoped
from linli.people import list_selectors, selectors
from linli.people.actions import register
from linli.people.actions.imports import (
    as_seen,
    do_confirm_resident_import,
    do_start_resident_import,
    rows_done,
)
from linli.people.forms import ImportForm
from linli.people.importer import error_report_xlsx
from linli.people.models import ResidentImport
from linli.people.policy import RESIDENTS
from linli.people.search import whole_number


@capability_required(Cap.VIEW_REGISTER)
def resident_list(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    page = selectors.register_page(request.user, q, request.GET.get("page"))
    kind = whole_number(q)
    if kind is not None:  # a search by a whole number is a look at the people it finds
        for resident in page:
            do_record_pii_access(
                resident,
                actor=request.user,
                community=resident.community,
                fields=[f"search:{kind}"],
                request=request,
            )
    return render(
        request,
        "people/resident_list.html",
        {
            "page": page,
            "q": q,
            # Whether the export button gives full numbers, by the export's own rule.
            "can_view_pii": sees_full_numbers(request.user)
            and list_selectors.export_community(request.user) is not None,
        },
    )


@capability_required(Cap.VIEW_REGISTER)
def resident_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    resident = selectors.get_resident_for_user(request.user, pk)
    allowed = RESIDENTS.allowed(request.user, resident)
    reveal = request.method == "POST" and allowed["reveal"]
    if reveal:
        do_record_pii_access(
            resident,
            actor=request.user,
            community=resident.community,
            fields=["phone", "id_number"],
            request=request,
        )
    return render(
        request,
        "people/resident_detail.html",
        {
            "resident": resident,
            "reveal": reveal,
            "can_reveal": allowed["reveal"],
            "can_see_health": allowed["health"],
            "age": resident.age(timezone.localdate()),
            "vulnerabilities": resident.vulnerabilities.order_by("until", "-since"),
            "can_edit": allowed["change"],
            "can_see_requests": allowed["requests"],
            "warnings": register.household_warnings(resident.household),
            "household_members": (
                selectors.residents_for(request.user)
                .filter(household=resident.household_id)
                .exclude(pk=resident.pk)
                if resident.household_id
                else []
            ),
        },
    )


@capability_required(Cap.EDIT_REGISTER)
def import_start(request: AuthedRequest) -> HttpResponse:
    community = request.user.community
    form = ImportForm(request.POST or None, request.FILES or None)
    refusal = _("Imports are made by a community's own staff.") if community is None else ""
    if community is not None and request.method == "POST" and form.is_valid():
        try:
            record = do_start_resident_import(
                community,
                actor=request.user,
                uploaded=form.cleaned_data["file"],
                dry_run=form.cleaned_data["dry_run"],
                language=translation.get_language() or "zh-hans",
            )
        except ValidationError as exc:
            form.add_error("file", exc.message_dict.get("file", exc.messages))
        else:
            return redirect("people:import-detail", pk=record.pk)
    recent = scoped(request.user, ResidentImport.objects.select_related("uploaded_by")).order_by(
        "-pk"
    )[:10]
    return render(
        request, "people/import_start.html", {"form": form, "recent": recent, "refusal": refusal}
    )


def _get_import(request: AuthedRequest, pk: int) -> ResidentImport:
    return get_for_user(request.user, ResidentImport.objects.all(), Cap.EDIT_REGISTER, pk=pk)


@capability_required(Cap.EDIT_REGISTER)
def import_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    record = as_seen(_get_import(request, pk))
    template = "people/_import_status.html" if request.htmx else "people/import_detail.html"
    return render(request, template, {"record": record, "done_rows": rows_done(record)})


@capability_required(Cap.EDIT_REGISTER)
def import_errors(request: AuthedRequest, pk: int) -> HttpResponse:
    record = _get_import(request, pk)
    response = HttpResponse(
        error_report_xlsx(record.errors, record.error_count),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="import-{record.pk}-errors.xlsx"'
    return response


@require_POST
@capability_required(Cap.EDIT_REGISTER)
def import_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    checked = _get_import(request, pk)
    try:
        record = do_confirm_resident_import(checked, actor=request.user)
    except ValidationError:
        return redirect("people:import-detail", pk=checked.pk)
    return redirect("people:import-detail", pk=record.pk)
