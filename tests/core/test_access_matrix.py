"""The access matrix: every route, as every role, as nobody, and with other communities' objects.

Routes are found by walking the URL configuration, so a new route is covered the day it lands:
without a declared access policy (linli/core/access.py) or without the objects its URL takes
(`OBJECTS` below), the first test fails and names it.

Three communities: A (where the users work), B (same street as A: none of a community user's
business) and C (another district: nobody's business here but the administrator's). Each holds
a resident, a request, a call, a door-knocking round, an import, a visit pass; their names,
phones, identity numbers and request texts are the markers that must never show up in a page
served to someone outside.
"""

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import FileResponse, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from linli.api.actions import do_create_api_client
from linli.care.actions import do_create_plan
from linli.care.models import CarePlan
from linli.care.selectors import covered
from linli.core.access import Kind, Policy, policy_of
from linli.core.actions import do_save_team
from linli.core.models import Building, Community, PiiAlert, Street, Team, User
from linli.core.plugins import route_objects
from linli.core.policy import ObjectPolicy
from linli.core.roles import Cap, Role
from linli.core.scoping import scoped
from linli.ledger.actions import do_assign, do_take_call
from linli.ledger.models import Call, Request, RequestEvent, VisitPass
from linli.ledger.policy import REQUESTS
from linli.ledger.views import HANDLERS
from linli.lib.idcard import make_id_number
from linli.people.actions.health import do_add_health_note
from linli.people.actions.register import do_add_tag
from linli.people.actions.survey import do_open_survey_round
from linli.people.models import Household, Resident, ResidentImport, SurveyRound, Vulnerability
from linli.quarantine.actions import do_add_traveller, do_check_in, do_start_home_quarantine
from linli.quarantine.models import HomeQuarantine, Hotel, HotelRoom, Stay, Traveller
from linli.quarantine.policy import QUARANTINES, RECEPTIONS, STAYS
from tests.factories import make_area, make_resident, make_user
from tests.ledger.factories import make_medical_request, make_request, make_visit_pass

ARTIFACT = Path(__file__).resolve().parents[2] / "test-artifacts" / "access-matrix.json"


# --- Routes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    view: Callable[..., Any]
    policy: Policy | None

    @property
    def params(self) -> list[str]:
        converters = re.findall(r"<(?:\w+:)?(\w+)>", self.pattern.replace("(?P<", "(?P["))
        named = re.findall(r"\(\?P<(\w+)>", self.pattern)
        return converters + named

    def path(self, values: dict[str, str]) -> str:
        """A concrete URL: each parameter replaced by its value ("1" for the admin's own)."""
        out = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values.get(m.group(1), "1"), self.pattern)
        out = re.sub(r"\([^)]*\)", "1", out)
        out = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), "1"), out)
        return "/" + out.replace("^", "").replace("$", "").replace("\\", "")


def _walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
            yield Route(name, prefix + str(entry.pattern), entry.callback, None)


def all_routes() -> list[Route]:
    return [
        Route(r.name, r.pattern, r.view, policy_of(r.name, r.view))
        for r in _walk(get_resolver().url_patterns, "", "")
    ]


# What each parameter of a route stands for: a kind of object of `Place`, or a fixed value. Each
# app declares its own (`LinliAppConfig.route_objects`).
OBJECTS: dict[str, dict[str, str]] = route_objects()


# --- Three communities and the people who work in A ---------------------------------------------


@dataclass
class Place:
    community: Community
    resident: Resident
    household: Household
    building: Building
    request: Request
    medical_request: Request
    call: Call
    survey_round: SurveyRound
    resident_import: ResidentImport
    visit_pass: VisitPass
    pii_alert: PiiAlert
    tag: Vulnerability
    team: Team
    care_plan: CarePlan
    covered_resident: Resident
    traveller: Traveller
    home_quarantine: HomeQuarantine
    hotel: Hotel
    stay: Stay
    markers: list[str] = field(default_factory=list)

    def value(self, kind: str) -> str:
        if kind.startswith("="):
            return kind[1:]
        if kind == "community_code":
            return self.community.code
        if kind == "pass_code":
            return self.visit_pass.code
        if kind == "check_code":
            return self.home_quarantine.check_code
        obj = getattr(self, kind)
        return str(obj.pk)

    def values(self, route: Route) -> dict[str, str]:
        return {p: self.value(k) for p, k in OBJECTS.get(route.name, {}).items()}

    def out_of_reach(self, user: User, route: Route) -> list[str]:
        """The route's objects that `user` cannot reach (`scoped`): a 404 even where the
        route's policy admits the user's role (hotel staff and a resident not their guest)."""
        hidden = []
        for kind in OBJECTS.get(route.name, {}).values():
            if kind.startswith("=") or kind in ("community_code", "check_code"):
                continue
            obj = self.visit_pass if kind == "pass_code" else getattr(self, kind)
            if kind == "covered_resident":  # reached through the user's contact list
                if not covered(user, timezone.localdate()).filter(pk=obj.pk).exists():
                    hidden.append(kind)
                continue
            model = type(obj)
            if not scoped(user, model._default_manager.filter(pk=obj.pk)).exists():
                hidden.append(kind)
        return hidden

    def leaked(self, body: str) -> list[str]:
        return [m for m in self.markers if m in body]


def make_place(community: Community, n: int, staff: User) -> Place:
    name = f"欧阳秘{'一二三'[n]}"
    phone = f"1390077{n:04d}"
    id_number = make_id_number("310101", date(1950 + n, 3, 4), 77 + n, True)
    resident = make_resident(
        community, name, phone=phone, id_number=id_number, born=date(1950 + n, 3, 4)
    )
    do_add_health_note(resident, actor=staff, text=f"健康记录秘{n}")
    text = f"绝密诉求{n} secret-need-{n}"
    req = make_request(community, staff, description=text, resident=resident).request
    medical = make_medical_request(community, staff, resident)
    call, _opened = do_take_call(community, actor=staff, caller_number=phone, drafts=[])
    building = resident.household.room.unit.building
    survey = do_open_survey_round(building, actor=staff, name=f"第{n}轮")
    imported = ResidentImport.objects.create(
        community=community, uploaded_by=staff, file_name=f"roster-secret-{n}.xlsx"
    )
    issued = make_visit_pass(medical, staff)
    alert = PiiAlert.objects.create(
        kind=PiiAlert.Kind.MANY_VIEWS, user=staff, community=community, count=99, detail=name
    )
    tag = do_add_tag(resident, actor=staff, kind="dialysis", since=date(2020, 1, 1)).obj
    team = do_save_team(community, actor=staff, name=f"秘密小组{n}", members=[staff])
    seats = {
        "doctor": make_user(Role.DOCTOR, community),
        "social_worker": make_user(Role.SOCIAL_WORKER, community),
        "property_staff": make_user(Role.PROPERTY, community),
    }
    plan = do_create_plan(
        resident.household, actor=staff, reason="dialysis", starts_on=timezone.localdate(),
        goals=f"护理目标秘{n}", **seats,
    )  # fmt: skip
    traveller = do_add_traveller(
        community, actor=staff, name=f"旅客秘{n}", id_number=f"E9900{n}", nationality="GB", sex="M",
        arrives_at=timezone.now() + timedelta(hours=3), household=resident.household,
    )  # fmt: skip
    quarantine = do_start_home_quarantine(resident, actor=staff)
    # A hotel of the community's street; B's is of a street of its own, since a hotel belongs to
    # its street and A's staff rightly see A's street's hotels (B's guests stay B's, below).
    street = community.street
    if n == 1:
        street = Street.objects.create(district=street.district, name="别的街道", code="SX1")
    hotel = Hotel.objects.create(street=street, name=f"隔离酒店{n}")
    same_street = Hotel.objects.filter(street=community.street).order_by("pk").first()
    room = HotelRoom.objects.create(hotel=same_street or hotel, floor=3, number=f"30{n}", beds=2)
    guest = make_resident(community, f"住客秘{'一二三'[n]}", phone=f"1390088{n:04d}")
    stay = do_check_in(guest, actor=staff, room=room)
    return Place(
        community=community,
        resident=resident,
        household=resident.household,
        building=building,
        request=req,
        medical_request=medical,
        call=call,
        survey_round=survey,
        resident_import=imported,
        visit_pass=issued,
        pii_alert=alert,
        tag=tag,
        team=team,
        care_plan=plan,
        covered_resident=resident,
        traveller=traveller,
        home_quarantine=quarantine,
        hotel=hotel,
        stay=stay,
        markers=[
            f"旅客秘{n}",
            f"E9900{n}",
            f"住客秘{'一二三'[n]}",
            name,
            phone,
            id_number,
            text,
            req.tracking_code,
            f"健康记录秘{n}",
            f"护理目标秘{n}",
        ],
    )


@dataclass
class World:
    a: Place
    b: Place
    c: Place
    users: dict[Role, User]

    def foreign(self, role: Role) -> list[Place]:
        """The places outside the area of the user of `role`."""
        if role is Role.ADMIN:
            return []
        user = self.users[role]
        return [self.c] if user.community_id is None else [self.b, self.c]


STREET_ROLES = (Role.OFFICIAL, Role.HOTEL)


@pytest.fixture
def world(db: None) -> World:
    a = make_area("岐山居民区")
    b = make_area("华山居民区", street=a.street)
    c = make_area("远方居民区")
    users: dict[Role, User] = {}
    for role in Role:
        if role is Role.ADMIN:
            users[role] = make_user(role)
        elif role in STREET_ROLES:
            users[role] = make_user(role, street=a.street)
        else:
            users[role] = make_user(role, a)
    places = []
    for n, community in enumerate((a, b, c)):
        staff = make_user(Role.WORKER, community)
        places.append(make_place(community, n, staff))
    # A's worker is its head: who looked at personal data is the head's to review.
    a.head = users[Role.WORKER]
    a.save(update_fields=["head"])
    # A's street's hotel staff work at A's hotel.
    world_hotel = places[0].hotel
    world_hotel.staff.add(users[Role.HOTEL])
    # The volunteer carries A's request, so the request's own pages are theirs to see.
    do_assign(
        places[0].request, actor=users[Role.WORKER], assignee=users[Role.VOLUNTEER], reason="test"
    )
    return World(places[0], places[1], places[2], users)


def client_for(user: User | None) -> Client:
    client = Client(REMOTE_ADDR="198.51.100.9", raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


@dataclass
class Tally:
    routes: set[str] = field(default_factory=set)
    requests: int = 0
    checks: int = 0
    problems: list[str] = field(default_factory=list)

    def check(self, ok: bool, what: str) -> None:
        self.checks += 1
        if not ok:
            self.problems.append(what)


def record(section: str, tally: Tally) -> None:
    """Keep the counts for docs/security.md (test-artifacts/access-matrix.json)."""
    ARTIFACT.parent.mkdir(exist_ok=True)
    data = json.loads(ARTIFACT.read_text()) if ARTIFACT.exists() else {}
    data[section] = {
        "routes": len(tally.routes),
        "requests": tally.requests,
        "checks": tally.checks,
    }
    ARTIFACT.write_text(json.dumps(data, indent=1, sort_keys=True))


def body(response: HttpResponseBase) -> str:
    if isinstance(response, StreamingHttpResponse | FileResponse):
        return b"".join(response.streaming_content).decode(errors="replace")  # type: ignore[arg-type]
    assert isinstance(response, HttpResponse)
    return response.content.decode(errors="replace")


POST_ONLY = {"ledger:request-action", "people:import-confirm", "people:survey-visit"}
POST_ONLY |= {"core:pii-alert-review"}
POST_ONLY |= {"people:survey-round-close", "logout"}
POST_ONLY |= {"ledger:desk-triage", "public:request-triage"}
POST_ONLY |= {"care:contact", "care:plan-action"}
POST_ONLY |= {"quarantine:traveller-action", "quarantine:quarantine-action"}
POST_ONLY |= {"quarantine:stay-action"}


# Object actions whose object's own policy may refuse a role the route admits: a 403 there, as
# every refusal is (the action posted is the route's, `route_objects`).
POLICED: dict[str, Callable[[Place], tuple[ObjectPolicy[Any], Any, str]]] = {
    "quarantine:traveller-action": lambda p: (RECEPTIONS, p.traveller.reception, "tick"),
    "quarantine:quarantine-action": lambda p: (QUARANTINES, p.home_quarantine, "check"),
    "quarantine:stay-action": lambda p: (STAYS, p.stay, "call"),
}


def policed_may(user: User, place: Place, route_name: str) -> bool:
    policy, obj, action = POLICED[route_name](place)
    return policy.may(user, obj, action)


def web_routes(routes: list[Route]) -> list[Route]:
    """The pages served to browsers (not the admin, not the integrations' API)."""
    return [
        r
        for r in routes
        if r.policy is not None
        and r.policy.kind not in (Kind.STAFF, Kind.INTEGRATION, Kind.OPEN_DATA)
        and not r.name.startswith(("api-v1:", "admin:"))
    ]


def is_login_redirect(response: HttpResponseBase) -> bool:
    return response.status_code == 302 and "/login/" in response.get("Location", "")


# --- The tests ----------------------------------------------------------------------------------


def test_every_route_declares_an_access_policy_and_its_objects() -> None:
    routes = all_routes()
    undeclared = [f"{r.name} ({r.pattern})" for r in routes if r.policy is None]
    assert not undeclared, f"routes without an access policy (linli/core/access.py): {undeclared}"
    unknown = [
        f"{r.name}: {sorted(set(r.params) - set(OBJECTS.get(r.name, {})))}"
        for r in routes
        if r.policy is not None
        and r.policy.kind is not Kind.STAFF
        and set(r.params) - set(OBJECTS.get(r.name, {}))
    ]
    assert not unknown, f"declare in OBJECTS what these URL parameters stand for: {unknown}"
    names = {r.name for r in routes}
    assert not set(OBJECTS) - names, f"OBJECTS names routes that are gone: {set(OBJECTS) - names}"


def test_nobody_signed_in_gets_only_the_public_pages(world: World) -> None:
    tally = Tally()
    anonymous = client_for(None)
    for route in all_routes():
        assert route.policy is not None
        url = route.path(world.a.values(route))
        for method in ("get", "post"):
            response = getattr(anonymous, method)(url)
            tally.requests += 1
            status = response.status_code
            what = f"{method.upper()} {url} ({route.name}) as nobody → {status}"
            tally.routes.add(route.name)
            tally.check(status < 500, what + ": server error")
            text = body(response)
            for place in (world.a, world.b, world.c):
                tally.check(not place.leaked(text), f"{what}: shows {place.leaked(text)}")
            if route.policy.kind is Kind.PUBLIC:
                tally.check(status not in (401, 403), what + ": a public page refused")
            elif route.policy.kind is Kind.INTEGRATION or (
                route.policy.kind is Kind.OPEN_DATA and method == "post"
            ):
                tally.check(status in (401, 403, 405), what + ": no token, yet not refused")
            elif route.policy.kind is Kind.OPEN_DATA:
                tally.check(status not in (401, 403), what + ": open data refused")
            else:
                refused = is_login_redirect(response) or status in (401, 403, 404, 405)
                tally.check(refused, what + ": not refused")
    record("anonymous", tally)
    assert not tally.problems, "\n".join(tally.problems)


def test_each_role_is_let_in_exactly_where_its_policy_admits_it(world: World) -> None:
    tally = Tally()
    for role, user in world.users.items():
        client = client_for(user)
        for route in web_routes(all_routes()):
            assert route.policy is not None
            if route.name in ("logout", "admin:logout"):
                continue  # would end the session the rest of the loop needs
            url = route.path(world.a.values(route))
            method = "post" if route.name in POST_ONLY else "get"
            response = getattr(client, method)(url)
            tally.requests += 1
            status = response.status_code
            what = f"{method.upper()} {url} ({route.name}) as {role.value} → {status}"
            tally.routes.add(route.name)
            tally.check(status < 500, what + ": server error")
            hidden = (
                world.a.out_of_reach(user, route) if route.policy.kind is not Kind.PUBLIC else []
            )
            if route.policy.admits(role, in_community=user.community_id is not None) and hidden:
                tally.check(status == 404, what + f": {hidden} out of the user's reach, not 404")
            elif route.policy.admits(role, in_community=user.community_id is not None):
                if route.name in POLICED and not policed_may(user, world.a, route.name):
                    tally.check(status == 403, what + ": the object's policy refuses, not 403")
                else:
                    tally.check(status < 400, what + f": refused, yet {route.policy.describe()}")
            elif route.policy.kind is not Kind.PUBLIC:
                tally.check(status == 403, what + f": let in without {route.policy.describe()}")
            if role is not Role.ADMIN:
                text = body(response)
                for place in world.foreign(role):
                    leaked = place.leaked(text)
                    tally.check(not leaked, f"{what}: shows another community's {leaked}")
    record("roles", tally)
    assert not tally.problems, "\n".join(tally.problems)


def _foreign_state(world: World) -> list[Any]:
    """What a refused request must not change: the other communities' requests and rounds."""
    places = (world.b, world.c)
    return [
        # The stubs trip over the generic `source` with a bare values(); the rows are what counts.
        list(Request.objects.filter(community__in=[p.community for p in places]).values()),  # type: ignore[misc]
        RequestEvent.objects.filter(request__community__in=[p.community for p in places]).count(),
        list(SurveyRound.objects.filter(community__in=[p.community for p in places]).values()),
        list(Resident.objects.filter(community__in=[p.community for p in places]).values()),
        VisitPass.objects.filter(request__community__in=[p.community for p in places]).count(),
    ]


def test_another_communitys_objects_are_not_found_and_not_shown(world: World) -> None:
    tally = Tally()
    before = _foreign_state(world)
    object_routes = [
        r
        for r in web_routes(all_routes())
        if any(not kind.startswith("=") for kind in OBJECTS.get(r.name, {}).values())
    ]
    object_routes = [r for r in object_routes if r.policy and r.policy.kind is not Kind.PUBLIC]
    for role in Role:
        if role is Role.ADMIN:
            continue
        client = client_for(world.users[role])
        for route in object_routes:
            assert route.policy is not None
            for place in world.foreign(role):
                actions = sorted(HANDLERS) if route.name == "ledger:request-action" else [""]
                for action in actions:
                    values = place.values(route) | ({"action": action} if action else {})
                    url = route.path(values)
                    for method in ("get", "post"):
                        response = getattr(client, method)(url)
                        tally.requests += 1
                        status = response.status_code
                        what = f"{method.upper()} {url} ({route.name}) as {role.value} → {status}"
                        tally.routes.add(route.name)
                        admitted = route.policy.admits(role, in_community=role not in STREET_ROLES)
                        expected = {404, 405} if admitted else {403, 404, 405}
                        tally.check(status in expected, what + f": expected {sorted(expected)}")
                        leaked = place.leaked(body(response))
                        tally.check(not leaked, f"{what}: shows {leaked}")
    tally.check(_foreign_state(world) == before, "a refused request changed another community")
    record("foreign objects", tally)
    assert not tally.problems, "\n".join(tally.problems)


def test_an_integration_reaches_its_own_communities_only(world: World) -> None:
    tally = Tally()
    before = _foreign_state(world)
    _client, token = do_create_api_client(
        "matrix", [world.a.community.code], world.users[Role.WORKER]
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", raise_request_exception=False)
    kinds = (Kind.INTEGRATION, Kind.OPEN_DATA)
    routes = [r for r in all_routes() if r.policy and r.policy.kind in kinds]
    for route in routes:
        for place in (world.b, world.c):
            url = route.path(place.values(route))
            for method in ("get", "post"):
                data = {"action": "start"} if route.name == "api-v1:transition" else {}
                response = getattr(client, method)(url, content_type="application/json", data=data)
                tally.requests += 1
                status = response.status_code
                what = f"{method.upper()} {url} ({route.name}) with A's token → {status}"
                tally.routes.add(route.name)
                tally.check(status < 500, what + ": server error")
                if "request" in OBJECTS.get(route.name, {}).values():
                    tally.check(status in (404, 405), what + ": another community's request")
                leaked = place.leaked(body(response))
                tally.check(not leaked, f"{what}: shows {leaked}")
    tally.check(_foreign_state(world) == before, "an integration changed another community")
    record("integrations", tally)
    assert not tally.problems, "\n".join(tally.problems)


def test_the_admin_site_is_for_administrators_only(world: World) -> None:
    tally = Tally()
    routes = [r for r in all_routes() if r.policy and r.policy.kind is Kind.STAFF]
    for role, user in world.users.items():
        client = client_for(user)
        for route in routes:
            url = route.path({"app_label": "core", "object_id": str(world.c.resident.pk)})
            response = client.get(url)
            tally.requests += 1
            what = f"GET {url} ({route.name}) as {role.value} → {response.status_code}"
            tally.routes.add(route.name)
            tally.check(response.status_code < 500, what + ": server error")
            if role is Role.ADMIN:
                continue
            tally.check(is_login_redirect(response), what + ": not sent to the admin's login")
            leaked = world.c.leaked(body(response))
            tally.check(not leaked, f"{what}: shows {leaked}")
    admin = client_for(world.users[Role.ADMIN])
    tally.check(admin.get("/admin/").status_code == 200, "the administrator cannot open /admin/")
    record("admin", tally)
    assert not tally.problems, "\n".join(tally.problems)


def test_a_route_without_a_policy_is_caught() -> None:
    """The first test's net has no hole: an undeclared view has no policy."""

    def undeclared_view(request: Any) -> None:  # pragma: no cover - never called
        return None

    assert policy_of("people:brand-new", undeclared_view) is None
    assert policy_of("admin:anything", undeclared_view) is not None
    assert AnonymousUser().is_authenticated is False


def test_every_action_on_a_request_is_allowed_exactly_where_the_request_policy_allows_it(
    world: World,
) -> None:
    """Each role tries each action of the request's page on a request of its area, once handed
    to it (for the roles that can take one) and once not: refused with 403 exactly where
    `REQUESTS` (linli/ledger/policy.py) says no, 404 where the request is out of its reach."""
    tally = Tally()
    head = world.users[Role.WORKER]
    for role, user in world.users.items():
        client = client_for(user)
        handed = (
            [False, True] if user.can(Cap.HANDLE_REQUESTS) or user.can(Cap.DO_TASKS) else [False]
        )
        for to_them in handed:
            for action in sorted(HANDLERS):
                item = make_request(world.a.community, head, description=f"policy {action}").request
                if to_them:
                    item = do_assign(item, actor=head, assignee=user)
                item = Request.objects.select_related("community", "team", "category").get(
                    pk=item.pk
                )
                reachable = scoped(user, Request.objects.filter(pk=item.pk)).exists()
                allowed = reachable and REQUESTS.may(user, item, action)
                url = f"/ledger/requests/{item.pk}/{action}/"
                response = client.post(url, {"note": "n", "reason": "r", "result": "done"})
                tally.requests += 1
                status = response.status_code
                what = f"POST {url} as {role.value} (handed to them: {to_them}) → {status}"
                if not reachable:
                    tally.check(status == 404, what + ": out of reach, not 404")
                elif allowed:
                    tally.check(status == 302, what + ": the policy allows it, yet refused")
                else:
                    tally.check(status == 403, what + ": the policy refuses it, yet not 403")
    record("request actions", tally)
    assert not tally.problems, "\n".join(tally.problems)
