from dataclasses import replace
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.access import PUBLIC, SIGNED_IN, access
from linli.core.actions import client_ip, do_review_pii_alert, do_save_team
from linli.core.decorators import capability_required
from linli.core.forms import TeamForm, add_action_errors
from linli.core.http import AuthedRequest
from linli.core.models import PiiAlert, Team, User
from linli.core.plugins import home_panels
from linli.core.roles import ROLE_TITLES, Cap
from linli.core.scoping import get_for_user, scoped
from linli.core.selectors import AccessFilters, access_log, can_review_access, open_alerts
from linli.lib import ratelimit
from linli.lib.params import QueryParams
from linli.lib.xlsx import Sheet


@access(SIGNED_IN)
def home(request: AuthedRequest) -> HttpResponse:
    """The panels the apps offer this user's capabilities, in their order."""
    user = request.user
    role = user.role
    if role is None:
        return render(request, "core/home/none.html")
    panels = [
        render_to_string(panel.template, panel.context(request), request)
        for panel in home_panels()
        if panel.shown_to(user)
    ]
    return render(
        request,
        "core/home.html",
        {"title": ROLE_TITLES[role], "panels": [mark_safe(p) for p in panels]},  # noqa: S308
    )


def _reviewer(request: AuthedRequest) -> User:
    if not can_review_access(request.user):
        raise PermissionDenied
    return request.user


def _access_filters(params: QueryParams) -> AccessFilters:
    """The log's filters, its dates read by `params`: a date it cannot read is told, not only
    dropped (the log of every day is not the log of the day that was meant)."""
    filters = AccessFilters.from_query(params.request.GET)
    return replace(filters, since=params.date("since"), until=params.date("until"))


@capability_required(Cap.REVIEW_ACCESS)
def pii_log(request: AuthedRequest) -> HttpResponse:
    """Who looked at whose personal data: filterable, exportable, with the alerts on top."""
    user = _reviewer(request)
    params = QueryParams(request)
    filters = _access_filters(params)
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
    return render(request, "core/pii_log.html", ctx, status=params.status)


@capability_required(Cap.REVIEW_ACCESS)
def pii_log_export(request: AuthedRequest) -> FileResponse | HttpResponseBadRequest:
    """The access log as filtered, in xlsx (for an inspection or a complaint)."""
    user = _reviewer(request)
    params = QueryParams(request, tell=False)
    filters = _access_filters(params)
    if params.bad:
        return HttpResponseBadRequest(
            "\n".join(params.bad), content_type="text/plain; charset=utf-8"
        )
    sheet = Sheet(_("Access log"), widths=[17, 14, 14, 16, 20, 8, 30, 15])
    sheet.header(
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
    sheet.rows(
        [a.at, a.user.username, a.community.name, a.subject_label, a.fields, a.rows, a.path, a.ip]
        for a in access_log(user, filters).iterator(chunk_size=2000)
    )
    return sheet.response(f"linli-access-log-{timezone.localdate()}.xlsx")


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


# --- Teams --------------------------------------------------------------------------------------

manages_teams = capability_required(Cap.HANDLE_REQUESTS, in_community=True)


def _team_form(request: AuthedRequest, team: Team | None) -> TeamForm:
    community = request.user.community
    initial = (
        {"name": team.name, "lead": team.lead, "members": list(team.members.all())}
        if team is not None
        else {}
    )
    return TeamForm(
        request.POST or None,
        initial=initial,
        people=User.objects.filter(community=community, is_active=True).order_by("username"),
    )


def _save_team(request: AuthedRequest, team: Team | None) -> HttpResponse:
    form = _team_form(request, team)
    community = request.user.community
    assert community is not None  # noqa: S101 - the policy admits community staff only
    if request.method == "POST" and form.is_valid():
        try:
            do_save_team(
                community,
                actor=request.user,
                name=form.cleaned_data["name"],
                lead=form.cleaned_data["lead"],
                members=list(form.cleaned_data["members"]),
                team=team,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("core:teams")
    return render(request, "core/team_form.html", {"form": form, "team": team})


@manages_teams
def teams(request: AuthedRequest) -> HttpResponse:
    found = (
        scoped(request.user, Team.objects.filter(community=request.user.community_id))
        .select_related("lead")
        .prefetch_related("members")
        .order_by("name")
    )
    return render(request, "core/teams.html", {"teams": found})


@manages_teams
def team_new(request: AuthedRequest) -> HttpResponse:
    return _save_team(request, None)


@manages_teams
def team_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    team = get_for_user(
        request.user, Team.objects.filter(community=request.user.community_id), pk=pk
    )
    return _save_team(request, team)
