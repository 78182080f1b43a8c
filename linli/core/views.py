from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from linli.core.access import PUBLIC, SIGNED_IN, access
from linli.core.actions import client_ip, do_review_pii_alert
from linli.core.decorators import capability_required
from linli.core.http import AuthedRequest
from linli.core.models import PiiAlert, User
from linli.core.roles import Cap, Role
from linli.core.scoping import get_for_user
from linli.core.selectors import AccessFilters, access_log, can_review_access, open_alerts
from linli.ledger.selectors import worklist
from linli.lib import ratelimit
from linli.lib.xlsx import xlsx_response
from linli.people import selectors


@access(SIGNED_IN)
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
    if can_review_access(user):
        ctx["open_alerts"] = open_alerts(user).count()
    template = f"core/home/{role.value if role else 'none'}.html"
    return render(request, template, ctx)


def _reviewer(request: AuthedRequest) -> User:
    if not can_review_access(request.user):
        raise PermissionDenied
    return request.user


@capability_required(Cap.REVIEW_ACCESS)
def pii_log(request: AuthedRequest) -> HttpResponse:
    """Who looked at whose personal data: filterable, exportable, with the alerts on top."""
    user = _reviewer(request)
    filters = AccessFilters.from_query(request.GET)
    page = Paginator(access_log(user, filters), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "alerts": open_alerts(user)[:50],
        "several": user.community_id is None,
    }
    return render(request, "core/pii_log.html", ctx)


@capability_required(Cap.REVIEW_ACCESS)
def pii_log_export(request: AuthedRequest) -> FileResponse:
    """The access log as filtered, in xlsx (for an inspection or a complaint)."""
    user = _reviewer(request)
    filters = AccessFilters.from_query(request.GET)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Access log")[:31])
    sheet.append(
        [
            _("When"),
            _("Who"),
            _("Community"),
            _("Whose data"),
            _("What"),
            _("People"),
            _("Page"),
            _("IP address"),
        ]
    )
    for a in access_log(user, filters).iterator(chunk_size=2000):
        when = timezone.localtime(a.at).replace(tzinfo=None)
        row = [when, a.user.username, a.community.name, a.subject_label, a.fields, a.rows]
        sheet.append([*row, a.path, a.ip])
    return xlsx_response(workbook, f"linli-access-log-{timezone.localdate()}.xlsx")


@require_POST
@capability_required(Cap.REVIEW_ACCESS)
def pii_alert_review(request: AuthedRequest, pk: int) -> HttpResponse:
    user = _reviewer(request)
    alert = get_for_user(user, PiiAlert.objects.all(), pk=pk)
    try:
        do_review_pii_alert(alert, actor=user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("core:pii-log")


class LoginView(auth_views.LoginView):
    """Django's login with a brake per IP address on failed attempts. django-axes locks an
    account after its own failures; this stops one address from trying many accounts."""

    def _brake(self) -> tuple[str, int, int]:
        window = int(settings.LOGIN_IP_WINDOW.total_seconds())
        return f"login:{client_ip(self.request)}", settings.LOGIN_IP_FAILURES, window

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key, limit, window = self._brake()
        if ratelimit.exhausted(key, limit, window):
            ctx = {"minutes": window // 60}
            response = render(request, "registration/too_many.html", ctx, status=429)
            response["Retry-After"] = str(window)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        ratelimit.hit(*self._brake())
        return super().form_invalid(form)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: object
) -> HttpResponse:
    """What a locked-out login sees (django-axes calls this instead of its own page)."""
    ctx = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", ctx, status=429)


@access(PUBLIC)
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
