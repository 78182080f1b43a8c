"""Reads of the core app: the personal-data access log and its alerts, for those who review them."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.dateparse import parse_date

from linli.core.models import PiiAccess, PiiAlert, User
from linli.core.roles import Cap
from linli.core.scoping import scoped
from linli.lib.dates import day_start


def can_review_access(user: User) -> bool:
    """Who looked at whose data is for the community's head, and for the street, the district
    and administrators above it: not for every colleague."""
    if not user.can(Cap.REVIEW_ACCESS):
        return False
    if user.community_id is None:
        return True
    return user.community is not None and user.community.head_id == user.pk


@dataclass(frozen=True)
class AccessFilters:
    who: str = ""
    whose: str = ""
    since: date | None = None
    until: date | None = None
    exports: bool = False

    @classmethod
    def from_query(cls, query: QueryDict) -> "AccessFilters":
        return cls(
            who=query.get("who", "").strip()[:150],
            whose=query.get("whose", "").strip()[:100],
            since=_date(query.get("since", "")),
            until=_date(query.get("until", "")),
            exports=query.get("exports") == "1",
        )


def _date(raw: str) -> date | None:
    try:
        return parse_date(raw.strip())
    except ValueError:
        return None


def access_log(user: User, f: AccessFilters) -> QuerySet[PiiAccess]:
    """The looks at personal data in the user's area, newest first, as filtered."""
    qs = scoped(user, PiiAccess.objects.select_related("user", "community"))
    if f.who:
        qs = qs.filter(user__username__icontains=f.who)
    if f.whose:
        qs = qs.filter(subject_label__icontains=f.whose)
    if f.since:
        qs = qs.filter(at__gte=day_start(f.since))
    if f.until:
        qs = qs.filter(at__lt=day_start(f.until) + timedelta(days=1))
    if f.exports:
        qs = qs.filter(fields__startswith="export:")
    return qs.order_by("-at", "-pk")


def open_alerts(user: User) -> QuerySet[PiiAlert]:
    """The alerts of the user's area waiting for a review, newest first."""
    qs = scoped(user, PiiAlert.objects.select_related("user", "community"))
    return qs.filter(reviewed_at__isnull=True).order_by("-at", "-pk")


def holders(*caps: Cap) -> QuerySet[User]:
    """The active users whose role holds one of `caps` (and administrators): read from the
    groups the one matrix built, so no caller names a role."""
    codenames = [cap.value for cap in caps]
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__permissions__codename__in=codenames) | Q(is_superuser=True))
        .distinct()
    )
