"""Who may reach each route: every URL pattern has one access policy, enforced where it is declared.

Linli's own views declare theirs with `@access(...)`, which also enforces it: sign-in first (the
login page for a page, 401 for htmx), then the capability and, where the policy says so, a
community of one's own (403). Views do not check again. Routes that come from Django or a
library are declared here by URL name. The access-matrix test (tests/core/test_access_matrix.py)
walks every URL pattern and fails on one without a policy, then tries each route as every role,
as nobody, and with objects of other communities. So a new route is covered by construction:
it cannot land undeclared.

The policy says who may reach the route at all. Which objects they then see is the business of
`linli.core.scoping` (another community's object is always a 404).
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from linli.core.roles import ROLE_CAPABILITIES, Cap, Role

V = TypeVar("V", bound=Callable[..., Any])


class Kind(StrEnum):
    PUBLIC = "public"  # no login; shows no personal data
    SIGNED_IN = "signed-in"  # any signed-in user, about themselves
    CAPABILITY = "capability"  # a role holding any of `caps`
    REQUEST_PARTY = "request-party"  # the ledger roles, and those a request is tied to
    INTEGRATION = "integration"  # an integration with its token (/api/v1/)
    # Anyone reads the public fields; a token reads whole records and writes (Open311 requests).
    OPEN_DATA = "open-data"
    STAFF = "staff"  # Django admin: administrators only


@dataclass(frozen=True)
class Policy:
    kind: Kind
    caps: frozenset[Cap] = frozenset()
    # Only for the staff of one community (pages that write into "my community").
    in_community: bool = False

    def admits(self, role: Role | None, *, in_community: bool) -> bool:
        """Whether a signed-in user of `role` passes the route's gate (objects aside)."""
        if self.kind in (Kind.PUBLIC, Kind.SIGNED_IN):
            return True
        if role is None or (self.in_community and not in_community):
            return False
        held = ROLE_CAPABILITIES[role]
        if self.kind is Kind.CAPABILITY:
            return bool(held & self.caps)
        if self.kind is Kind.REQUEST_PARTY:
            return bool(held & REQUEST_PARTY_CAPS)
        if self.kind is Kind.STAFF:
            return role is Role.ADMIN
        return False  # API routes take a token, not a session

    def refusal(self, request: HttpRequest) -> HttpResponseBase | None:
        """How `request` is turned away, or None when it may go on. A user without the
        capability gets PermissionDenied (Django's 403 page)."""
        if self.kind in (Kind.PUBLIC, Kind.OPEN_DATA):  # OPEN_DATA: the view judges the key
            return None
        user = request.user
        if not user.is_authenticated:
            if request.headers.get("HX-Request") == "true":
                return HttpResponse(status=401)
            return redirect_to_login(request.get_full_path())
        if self.kind is Kind.SIGNED_IN:
            return None
        if not user.is_active:
            raise PermissionDenied
        role = getattr(user, "role", None)
        if user.is_superuser:
            role = Role.ADMIN
        if not self.admits(role, in_community=getattr(user, "community_id", None) is not None):
            raise PermissionDenied
        return None

    def describe(self) -> str:
        text = self.kind.value
        if self.kind is Kind.CAPABILITY:
            text = " or ".join(sorted(c.value for c in self.caps))
        return text + (" (in a community)" if self.in_community else "")


LEDGER_CAPS = frozenset({Cap.TAKE_CALLS, Cap.HANDLE_REQUESTS})
# Who may open a request's page at all: the ledger's roles, and those who reach requests by a
# relation (a volunteer or team member the tasks handed to them, hotel staff their guests').
REQUEST_PARTY_CAPS = LEDGER_CAPS | {Cap.DO_TASKS, Cap.RUN_HOTEL}
PUBLIC = Policy(Kind.PUBLIC)
SIGNED_IN = Policy(Kind.SIGNED_IN)
REQUEST_PARTY = Policy(Kind.REQUEST_PARTY)
INTEGRATION = Policy(Kind.INTEGRATION)
OPEN_DATA = Policy(Kind.OPEN_DATA)
STAFF = Policy(Kind.STAFF)


def needs(*caps: Cap, in_community: bool = False) -> Policy:
    """A role holding any one of `caps` (and working in one community, if `in_community`)."""
    return Policy(Kind.CAPABILITY, frozenset(caps), in_community)


def access(policy: Policy) -> Callable[[V], V]:
    """Declare the access policy of a view and enforce it before the view runs."""

    def declare(view: V) -> V:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            refused = policy.refusal(request)
            if refused is not None:
                return refused
            return view(request, *args, **kwargs)  # type: ignore[no-any-return]

        guarded.access_policy = policy  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return declare


# Routes that Django and the libraries bring, by URL name; a namespace stands for all its routes.
LIBRARY_ROUTES: dict[str, Policy] = {
    "login": PUBLIC,
    "logout": PUBLIC,
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    "set_language": PUBLIC,
    "favicon": PUBLIC,
    "admin:": STAFF,
    "admin:login": PUBLIC,
    "admin:logout": PUBLIC,
    # The API's schema and its root describe operations, never data.
    "api-v1:openapi-json": PUBLIC,
    "api-v1:openapi-view": PUBLIC,
    "api-v1:api-root": PUBLIC,
    "api-v1:ping": INTEGRATION,
    "api-v1:create_request": INTEGRATION,
    "api-v1:list_requests": INTEGRATION,
    "api-v1:get_request": INTEGRATION,
    "api-v1:transition": INTEGRATION,
    # Open311: the service list is public by the spec; requests are read by anyone in their
    # public fields, whole with the client's api_key, which posting needs.
    "open311-discovery": PUBLIC,
    "open311-services": PUBLIC,
    "open311-service": PUBLIC,
    "open311-requests": OPEN_DATA,
    "open311-request": OPEN_DATA,
    "open311-token": OPEN_DATA,
}


def policy_of(name: str, view: Callable[..., Any]) -> Policy | None:
    """The declared policy of the route called `name` (namespaced) serving `view`, or None."""
    declared = getattr(view, "access_policy", None)
    if isinstance(declared, Policy):
        return declared
    if name in LIBRARY_ROUTES:
        return LIBRARY_ROUTES[name]
    namespace = name.split(":", 1)[0] + ":"
    return LIBRARY_ROUTES.get(namespace) if ":" in name else None
