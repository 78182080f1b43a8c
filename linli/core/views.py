from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from linli.core.decorators import capability_required
from linli.core.http import AuthedRequest
from linli.core.models import PiiAccess, User
from linli.core.roles import Cap, Role
from linli.core.scoping import scoped
from linli.ledger.selectors import worklist
from linli.people import selectors


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    role = user.role
    today = timezone.localdate()
    ctx: dict[str, object] = {"role": role}
    if role in (Role.WORKER, Role.DOCTOR, Role.ADMIN):
        ctx["summary"] = selectors.register_summary(user, today)
        ctx["vulnerabilities"] = selectors.vulnerability_counts(user)
    if role in (Role.OFFICIAL, Role.ADMIN):
        ctx["communities"] = selectors.community_table(user, today)
    if role == Role.VOLUNTEER:
        ctx["tasks"] = worklist(user, "mine")
    if role == Role.OPERATOR:
        phone = request.GET.get("phone", "").strip()
        ctx["phone"] = phone
        ctx["matches"] = selectors.find_by_phone(user, phone) if phone else None
    if role == Role.ADMIN:
        ctx["users_by_role"] = [
            (label, User.objects.filter(groups__name=value).count())
            for value, label in Role.choices
        ]
    template = f"core/home/{role.value if role else 'none'}.html"
    return render(request, template, ctx)


@capability_required(Cap.REVIEW_ACCESS)
def pii_log(request: AuthedRequest) -> HttpResponse:
    accesses = scoped(request.user, PiiAccess.objects.select_related("user")).order_by("-at")
    page = Paginator(accesses, 50).get_page(request.GET.get("page"))
    return render(request, "core/pii_log.html", {"page": page})


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: object
) -> HttpResponse:
    """What a locked-out login sees (django-axes calls this instead of its own page)."""
    ctx = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", ctx, status=429)


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
