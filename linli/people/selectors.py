"""Permission-checked reads of the register."""

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from linli.core.models import Building, Community, User
from linli.core.roles import Cap
from linli.core.scoping import get_for_user, scoped
from linli.lib import ratelimit
from linli.lib.paging import Page, page_of
from linli.lib.sql import hot_cursor, placeholders
from linli.people import phones
from linli.people.models import (
    Household,
    Resident,
    Vulnerability,
    published_q,
    published_sql,
)
from linli.people.search import search, whole_number


def years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def residents_for(user: User | AnonymousUser) -> QuerySet[Resident]:
    return scoped(user, Resident.objects.filter(is_active=True))


def natural(path: str) -> tuple[Length, F]:
    """Order numbers stored as text as numbers: 2 before 10, 3号楼 before 12号楼 (shorter
    first, then by the text itself), in the database, for lists of any length."""
    return Length(path), F(path)


def building_order(prefix: str = "") -> tuple[str | Length | F, ...]:
    """Buildings (or rows by their building, `prefix` "…__building__") as a roster lists them:
    compound by compound, each one's buildings by number."""
    return (f"{prefix}compound__name", *natural(f"{prefix}number"), f"{prefix}pk")


def buildings_for(user: User | AnonymousUser) -> QuerySet[Building]:
    """The buildings of the user's area with their compounds, in `building_order`: what every
    list or choice of buildings offers."""
    return scoped(user, Building.objects.select_related("compound")).order_by(*building_order())


MAX_MATCHES = 1000


# Searches by a whole number, per user: (searches, per how many seconds). Settings may override
# it with LINLI_NUMBER_SEARCHES. An operator looks up callers all day; guessing the hidden digits
# of a masked number takes far more.
NUMBER_SEARCHES = (300, 3600)


def number_search_refusal(user: User, query: str) -> str:
    """Why a search by a whole number (`whole_number`) is refused to `user`, or "" when it may
    go on (and is counted against the user's allowance)."""
    if whole_number(query) is None:
        return ""
    if not user.can(Cap.VIEW_PII):
        return str(
            _("Searching by a whole identity number or phone needs the right to see full numbers.")
        )
    limit, window = getattr(settings, "LINLI_NUMBER_SEARCHES", NUMBER_SEARCHES)
    if not ratelimit.hit(f"people:number-search:{user.pk}", limit, window):
        return str(_("Too many searches by whole numbers in the last hour. Try again later."))
    return ""


def register_page(user: User | AnonymousUser, query: str, page: str | int | None) -> Page[Resident]:
    """One page of the register as the list shows it: searched, with addresses, in id order.
    A search by a whole number that the user may not make finds nobody (`page.refused` says
    why).

    Residents were entered household by household, so id order keeps households together and
    lets the database walk its primary-key index instead of sorting every match."""
    residents = residents_for(user)
    matches: list[int] = []
    refused = number_search_refusal(user, query) if isinstance(user, User) else ""
    if refused:
        result: Page[Resident] = page_of(Resident.objects.none(), page)
        result.refused = refused
        return result
    if query.strip():
        # The matches are found through their own index first, unordered: asking the database
        # for "matches in id order, first 50" makes it walk the id index and test every row.
        # A search shows at most MAX_MATCHES people; beyond that the query needs narrowing.
        matches = list(search(residents, query).values_list("pk", flat=True)[:MAX_MATCHES])
        residents = Resident.objects.filter(pk__in=matches)
    residents = residents.select_related("household__room__unit__building__compound", "community")
    result = page_of(residents.order_by("pk"), page)
    result.capped = len(matches) == MAX_MATCHES
    return result


def get_resident_for_user(user: User | AnonymousUser, pk: int) -> Resident:
    return get_for_user(
        user,
        Resident.objects.select_related("household__room__unit__building__compound", "community"),
        Cap.VIEW_REGISTER,
        pk=pk,
    )


@dataclass
class RegisterSummary:
    households: int
    residents: int
    over_60: int
    over_80: int
    vulnerable: int


def register_summary(user: User, today: date) -> RegisterSummary:
    residents = residents_for(user)
    counts = residents.aggregate(
        total=Count("pk"),
        over_60=Count("pk", filter=Q(date_of_birth__lte=years_ago(today, 60))),
        over_80=Count("pk", filter=Q(date_of_birth__lte=years_ago(today, 80))),
    )
    return RegisterSummary(
        households=scoped(user, Household.objects.all()).count(),
        residents=counts["total"],
        over_60=counts["over_60"],
        over_80=counts["over_80"],
        vulnerable=scoped(user, Vulnerability.objects.filter(until__isnull=True))
        .values("resident")
        .distinct()
        .count(),
    )


def vulnerability_counts(user: User) -> list[tuple[str, int]]:
    rows = (
        scoped(user, Vulnerability.objects.filter(until__isnull=True))
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    labels = dict(Vulnerability.Kind.choices)
    return [(str(labels[r["kind"]]), r["n"]) for r in rows]


def community_table(user: User, today: date) -> QuerySet[Community]:
    """One row per community in the user's area with its register figures."""
    living = Q(residents__is_active=True) & published_q("residents__")
    return (
        scoped(user, Community.objects.all())
        .annotate(
            n_residents=Count("residents", filter=living, distinct=True),
            n_over_80=Count(
                "residents",
                filter=living & Q(residents__date_of_birth__lte=years_ago(today, 80)),
                distinct=True,
            ),
        )
        .order_by("code")
    )


def find_by_phone(user: User, digits: str) -> QuerySet[Resident]:
    """Residents whose own or household phone is `digits`, or ends with it (4+ digits)."""
    match = phones.residents_reached_at(digits)
    if match is None:
        return Resident.objects.none()
    return (
        residents_for(user)
        .filter(match)
        .select_related("household__room__unit__building__compound", "community")
        .order_by("household_id", "date_of_birth")[:50]
    )


def groups_of(
    people: list[Resident], household_id: int | None
) -> tuple[int, dict[int, dict[str, dict[str, object]]]]:
    """How many live in the household `household_id` (when given), and the current groups of
    `people` with their details (a due date, dialysis days), in one statement written out:
    triage asks it at every intake of a known caller."""
    parts, params = [], []
    if household_id is not None:
        parts.append(
            "SELECT NULL, NULL, COUNT(*), NULL FROM people_resident"  # noqa: S608
            f" WHERE household_id = %s AND is_active AND {published_sql('people_resident')}"
        )
        params.append(household_id)
    if people:
        parts.append(
            "SELECT resident_id, kind, NULL, details FROM people_vulnerability"  # noqa: S608
            f" WHERE until IS NULL AND resident_id IN ({placeholders(len(people))})"
        )
        params.extend(p.pk for p in people)
    size, groups = 0, dict[int, dict[str, dict[str, object]]]()
    if parts:
        with hot_cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for resident_id, kind, count, details in cursor.fetchall():
                if count is not None:
                    size = count
                else:
                    if isinstance(details, str):
                        details = json.loads(details or "{}")
                    groups.setdefault(resident_id, {})[kind] = details or {}
    return size, groups


# For the apps that pick people out of the register (care plans, quarantine …): conditions on
# Resident rows, and the members of households an app reached through its own scoped objects.


def lives_alone() -> Q:
    """The only active member of their household ("lives alone" is derived)."""
    others = Resident.objects.filter(household=OuterRef("household"), is_active=True).exclude(
        pk=OuterRef("pk")
    )
    return ~Q(Exists(others))


def aged_at_least(years: int, today: date) -> Q:
    return Q(date_of_birth__lte=years_ago(today, years))


def tagged(*kinds: str, community_ids: list[int] | None = None) -> Q:
    """A tag of one of `kinds` in force. Name the communities where the rows are of a few of
    them: PostgreSQL may turn the test into one set of every such tag, and the communities keep
    that set to theirs (a street's coverage list read a district's tags otherwise)."""
    tags = Vulnerability.objects.filter(resident=OuterRef("pk"), kind__in=kinds, until__isnull=True)
    if community_ids is not None:
        tags = tags.filter(community_id__in=community_ids)
    return Q(Exists(tags))


def members_of(household_ids: "QuerySet[Any] | list[int]") -> QuerySet[Resident]:
    """The active members of these households, which the caller reached through its own scoped
    objects (a care plan's household): no scoping of its own."""
    return Resident.objects.filter(household_id__in=household_ids, is_active=True)


def due_by(last_day: date, *, community_ids: list[int] | None = None) -> Q:
    """Pregnant, with a due date on file no later than `last_day` (near term)."""
    tags = Vulnerability.objects.filter(
        resident=OuterRef("pk"),
        kind=Vulnerability.Kind.PREGNANT,
        until__isnull=True,
        details__due__lte=last_day.isoformat(),
    )
    if community_ids is not None:
        tags = tags.filter(community_id__in=community_ids)
    return Q(Exists(tags))
