"""Security headers Django does not set itself: a Content-Security-Policy and a Permissions-Policy.

Every page of Linli loads its scripts and styles from its own static files, with no inline script
or style and nothing from another site, so the policy can be strict: injected markup can neither
run a script nor send a form elsewhere. Only the Django admin keeps inline style attributes.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
ADMIN = STRICT.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.admin_prefix = "/admin/"

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        policy = ADMIN if request.path.startswith(self.admin_prefix) else STRICT
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


STARTED = "linli_session_started"
SEEN = "linli_session_seen"


def mark_session_start(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """On every login (connected to `user_logged_in`): the absolute timeout counts from here."""
    now = int(time.time())
    request.session[STARTED] = now
    request.session[SEEN] = now


class SessionTimeoutMiddleware:
    """Signs a user out after LINLI_SESSION_IDLE_MINUTES without a request (a desk left
    unattended) and LINLI_SESSION_HOURS after logging in, whatever they do (a stolen cookie).

    The last-seen time is written at most once a minute, so that browsing does not write the
    session on every page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = int(session.setdefault(STARTED, now))
            seen = int(session.get(SEEN, now))
            idle = int(settings.SESSION_IDLE_TIMEOUT.total_seconds())
            absolute = int(settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds())
            if now - seen > idle or now - started > absolute:
                return self._expired(request, idle=now - seen > idle)
            if now - seen >= 60 or SEEN not in session:
                session[SEEN] = now
        return self.get_response(request)

    def _expired(self, request: HttpRequest, *, idle: bool) -> HttpResponseBase:
        logout(request)
        if idle:
            minutes = int(settings.SESSION_IDLE_TIMEOUT.total_seconds() // 60)
            text = _("You were logged out after %(minutes)d minutes without activity.") % {
                "minutes": minutes
            }
        else:
            hours = int(settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds() // 3600)
            text = _("You were logged out: a session lasts %(hours)d hours at most.") % {
                "hours": hours
            }
        messages.info(request, text)
        # Back to this page after logging in again; a form's POST is not replayed.
        back = request.get_full_path() if request.method in ("GET", "HEAD") else request.path
        to_login = redirect_to_login(back)
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(to_login.url)
        return to_login
