from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from linli.core.actions import do_record_pii_access
from linli.core.decorators import capability_required
from linli.core.http import AuthedRequest
from linli.core.roles import Cap
from linli.people import selectors


@capability_required(Cap.VIEW_REGISTER)
def resident_list(request: AuthedRequest) -> HttpResponse:
    residents = selectors.residents_for(request.user).select_related(
        "household__room__unit__building__compound"
    )
    q = request.GET.get("q", "").strip()
    if q:
        residents = residents.filter(Q(name__startswith=q) | Q(phone__endswith=q))
    page = Paginator(residents.order_by("household_id", "pk"), 50).get_page(request.GET.get("page"))
    return render(request, "people/resident_list.html", {"page": page, "q": q})


@capability_required(Cap.VIEW_REGISTER)
def resident_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    resident = selectors.get_resident_for_user(request.user, pk)
    reveal = request.method == "POST" and request.user.can(Cap.VIEW_PII)
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
            "can_reveal": request.user.can(Cap.VIEW_PII),
            "age": resident.age(timezone.localdate()),
            "vulnerabilities": resident.vulnerabilities.filter(until__isnull=True),
        },
    )
