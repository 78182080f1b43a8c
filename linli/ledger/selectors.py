"""Permission-checked reads of the ledger: every one starts from `scoped`."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Case, Q, QuerySet, When
from django.utils import timezone

from linli.core.models import Community, Team, User
from linli.core.roles import Cap
from linli.core.scoping import get_for_user, scoped
from linli.ledger.models import LIST_RANK, URGENCY_ORDER, Category, Request
from linli.ledger.policy import REQUESTS
from linli.lib.keyset import Bands
from linli.lib.sql import hot_cursor, placeholders
from linli.people import phones
from linli.people.models import Household, Resident
from linli.people.search import room_in_text, search
from linli.people.selectors import MAX_MATCHES, number_search_refusal

OPEN = Request.OPEN_STATUSES
# The worklists of whoever does tasks without the ledger's roles.
TASK_LISTS = ("mine", "team")
TRACKING_CODE = re.compile(r"[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}")
PHONE = re.compile(r"\d{7,15}")


def possible_duplicates(request: Request) -> list[int]:
    """The numbers of open requests of the same household and category from the last 24 hours
    (the latest five: enough to warn, and bounded however often a household calls)."""
    if request.household_id is None:
        return []
    # Written out, like the caller lookup: every intake of a known household asks this.
    statuses = Request.OPEN_STATUSES
    since = connection.ops.adapt_datetimefield_value(request.created_at - timedelta(hours=24))
    sql = (
        "SELECT id FROM ledger_request WHERE household_id = %s AND category_id = %s"  # noqa: S608
        f" AND status IN ({placeholders(len(statuses))}) AND created_at >= %s"
    )
    params: list[Any] = [request.household_id, request.category_id, *statuses, since]
    if request.pk is not None:
        sql += " AND id <> %s"
        params.append(request.pk)
    with hot_cursor() as cursor:
        cursor.execute(sql + " ORDER BY created_at DESC LIMIT 5", params)
        return [row[0] for row in cursor.fetchall()]


def requests_for(user: User | AnonymousUser) -> QuerySet[Request]:
    return scoped(user, Request.objects.all())


def get_request_for_user(user: User | AnonymousUser, pk: int) -> Request:
    """The request, or 404 when the user cannot reach it (another area's, or not handed to
    them); PermissionDenied when they reach it but the policy does not let them see it."""
    request = get_for_user(
        user,
        Request.objects.select_related(
            "category",
            "community",
            "household__room__unit__building__compound",
            "resident",
            "assignee",
            "team",
        ),
        None,
        pk=pk,
    )
    if not isinstance(user, User) or not REQUESTS.may_view(user, request):
        raise PermissionDenied
    return request


def late_q(now: datetime) -> Q:
    return Q(status__in=OPEN, deadline__lt=now)


def most_pressing_first(qs: QuerySet[Request]) -> QuerySet[Request]:
    """Call-backs first, then emergencies, urgent, normal and low requests; in each, by deadline
    (so the latest first): the order of every worklist."""
    rank = Case(*(When(urgency=u, then=n) for u, n in LIST_RANK.items()), default=9)
    return qs.order_by(rank, "deadline", "pk")


# A worklist's pages walk it urgency by urgency, each by (deadline, id) on an index.
WORKLIST_BANDS = Bands("urgency", URGENCY_ORDER)


def teams_of(user: User) -> QuerySet[Team]:
    """The teams the user leads or is a member of."""
    return Team.objects.filter(Q(members=user) | Q(lead=user))


def worklist(user: User, which: str, now: datetime | None = None) -> QuerySet[Request]:
    """'mine', 'team', 'unassigned', 'late' (open requests) or 'callbacks' (done, not yet called
    back), most pressing first."""
    now = now or timezone.now()
    every = requests_for(user).select_related(
        "category", "household__room__unit__building__compound", "assignee", "team"
    )
    base = every.filter(status__in=OPEN)
    if which == "mine":
        qs = base.filter(assignee=user)
    elif which == "team":
        qs = base.filter(team__in=teams_of(user))
    elif which == "unassigned":
        qs = base.filter(assignee__isnull=True, team__isnull=True)
    elif which == "late":
        qs = base.filter(deadline__lt=now)
    elif which == "callbacks":
        # Done, waiting for the call that asks the resident whether it really was.
        qs = every.filter(status=Request.Status.DONE)
    else:
        raise ValueError(which)
    return most_pressing_first(qs)


def most_pressing_worklist(user: User, now: datetime | None = None) -> str:
    """The list a user's worklists open on: an unassigned emergency first, then what is late,
    then their own, their teams', the unassigned and the callbacks due, the first not empty."""
    now = now or timezone.now()
    if (user.can(Cap.TAKE_CALLS) or user.can(Cap.HANDLE_REQUESTS)) and worklist(
        user, "unassigned", now
    ).filter(urgency="emergency").exists():
        return "unassigned"
    if not (user.can(Cap.TAKE_CALLS) or user.can(Cap.HANDLE_REQUESTS)):
        order: tuple[str, ...] = TASK_LISTS
    elif user.can(Cap.HANDLE_REQUESTS):
        order = ("late", "mine", "team", "unassigned", "callbacks")
    else:
        order = ("unassigned", "late", "mine", "team")
    for which in order:
        if worklist(user, which, now).exists():
            return which
    return order[0] if order == TASK_LISTS else "unassigned"  # where new work comes in


@dataclass
class LedgerFilters:
    status: str = ""
    category: str = ""
    urgency: str = ""
    compound: int | None = None
    assignee: int | None = None
    day_from: date | None = None
    day_to: date | None = None
    late: bool = False
    q: str = ""
    # Open requests only, most pressing first (urgency, then deadline), instead of newest first.
    pressing: bool = False


def ledger(user: User, f: LedgerFilters, now: datetime | None = None) -> QuerySet[Request]:
    """The ledger (台账), newest first, filtered."""
    now = now or timezone.now()
    qs = requests_for(user)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.category:
        qs = qs.filter(category__code=f.category)
    if f.urgency:
        qs = qs.filter(urgency=f.urgency)
    if f.compound:
        qs = qs.filter(household__room__unit__building__compound=f.compound)
    if f.assignee:
        qs = qs.filter(assignee=f.assignee)
    if f.day_from:
        qs = qs.filter(created_at__date__gte=f.day_from)
    if f.day_to:
        qs = qs.filter(created_at__date__lte=f.day_to)
    if f.late:
        qs = qs.filter(late_q(now))
    if f.q:
        code = f.q.strip().upper()
        if TRACKING_CODE.fullmatch(code):
            # A tracking code is looked up on its unique index alone: OR-ed with a text search
            # it would make the database read every request of the area.
            qs = qs.filter(tracking_code=code)
        else:
            # Words that name people of the register find their requests through the
            # households' index; only words that name nobody are looked for in the texts.
            qs = qs.filter(asked_by(user, f.q) or Q(description__contains=f.q))
    qs = qs.select_related(
        "category", "household__room__unit__building__compound", "resident", "assignee", "team"
    )
    if f.pressing:
        # Open requests are a sliver of the ledger (their own partial index): sorting them by
        # urgency is cheap where sorting the whole ledger would not be.
        return most_pressing_first(qs.filter(status__in=OPEN))
    return qs.order_by("-created_at", "-pk")


def asked_by(user: User, query: str) -> Q | None:
    """Requests of the people the query names as the register's search reads it (a name, its
    pinyin or initials, a phone or its last four digits, a room, an ID number): their
    households' requests, and those left with that phone number by someone not registered.
    None when the query names nobody."""
    if number_search_refusal(user, query):
        return None  # a number the user may not search by names nobody to them
    people = search(scoped(user, Resident.objects.all()), query)
    households = set(people.values_list("household_id", flat=True)[:MAX_MATCHES]) - {None}
    found = Q(household_id__in=households) if households else None
    digits = query.replace(" ", "").replace("-", "").lstrip("+")
    by_phone = phones.left_with(digits) if PHONE.fullmatch(digits) else None
    if by_phone is not None:
        found = by_phone if found is None else found | by_phone
    return found


def categories() -> QuerySet[Category]:
    return Category.objects.filter(active=True)


@dataclass
class Suggestion:
    household: Household
    members: list[Resident]
    why: str


def link_candidates(user: User, request: Request, query: str = "") -> list[Suggestion]:
    """Households of the request's community it may belong to: the one whose phone it was left
    with, those of the room its address names, or those the user's search finds."""
    found: dict[int, str] = {}
    community = request.community
    if query.strip():
        for pk in _households_matching(user, request, query)[:20]:
            found.setdefault(pk, "search")
    else:
        if request.contact_phone:
            household, _resident = phones.caller(community, request.contact_phone)
            if household is not None:
                found[household.pk] = "phone"
        room = room_in_text(request.address_text) if request.address_text else None
        if room is not None:
            for pk in _households_matching(user, request, room)[:10]:
                found.setdefault(pk, "room")
    households = Household.objects.filter(pk__in=found, community=community).select_related(
        "room__unit__building__compound"
    )
    members: dict[int, list[Resident]] = {}
    for r in Resident.objects.filter(household__in=households, is_active=True).order_by("pk"):
        members.setdefault(r.household_id, []).append(r)
    return [Suggestion(h, members.get(h.pk, []), found[h.pk]) for h in households]


def _households_matching(user: User, request: Request, query: str) -> list[int]:
    if number_search_refusal(user, query):
        return []
    residents = search(scoped(user, Resident.objects.filter(community=request.community_id)), query)
    return list(dict.fromkeys(residents.values_list("household_id", flat=True)[:MAX_MATCHES]))


@dataclass
class OpenCounts:
    community_id: int
    name: str
    open: int = 0
    emergency: int = 0
    late: int = 0
    unassigned: int = 0
    call_back: int = 0


def open_counts(user: User, now: datetime | None = None) -> list[OpenCounts]:
    """Per community of the user's area: its open requests, how many are emergencies or to be
    rung back now, late, handed to nobody; in one query over the open requests (a sliver of
    the ledger)."""
    from django.db.models import Count

    now = now or timezone.now()
    rows = (
        requests_for(user)
        .filter(status__in=OPEN)
        .values("community_id")
        .annotate(
            open=Count("pk"),
            emergency=Count("pk", filter=Q(urgency="emergency")),
            call_back=Count("pk", filter=Q(urgency="call_back")),
            late=Count("pk", filter=Q(deadline__lt=now)),
            unassigned=Count("pk", filter=Q(assignee__isnull=True, team__isnull=True)),
        )
        .order_by()
    )
    found: dict[int, dict[str, int]] = {
        r["community_id"]: {
            k: r[k] for k in ("open", "emergency", "call_back", "late", "unassigned")
        }
        for r in rows
    }
    communities = scoped(user, Community.objects.order_by("name", "pk")).values_list("pk", "name")
    return [OpenCounts(pk, name, **found.get(pk, {})) for pk, name in communities]
