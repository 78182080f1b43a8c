"""Every read of the quarantine app, from `scoped`: the arrivals board, the quarantines and
their overdue checks, the hotels' boards, diet sheets and calls, the figures, and the two
public reads (the resident's check link, the release notice's code)."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from linli.core.models import Community, User
from linli.core.scoping import get_for_user, scoped
from linli.lib.paging import Page, page_of
from linli.quarantine.models import (
    EndChange,
    GuestCall,
    HealthCheck,
    HomeQuarantine,
    Hotel,
    HotelRoom,
    Reception,
    Settings,
    Stay,
    Traveller,
)

ADDRESS = "household__room__unit__building__compound"


def zone_of(user: User) -> ZoneInfo:
    community = user.community
    return ZoneInfo(community.time_zone if community else django_settings.TIME_ZONE)


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, start + timedelta(days=1)


# The pre-arrival and reception gates -------------------------------------------------------


def travellers_for(user: User) -> QuerySet[Traveller]:
    return scoped(user, Traveller.objects.all())


def arrivals(
    user: User, day: date, page: str | int | None, *, flagged_only: bool = False
) -> Page[Traveller]:
    """The travellers arriving on `day`, by hour, with their reception's shift and progress."""
    start, end = day_bounds(day, zone_of(user))
    qs = travellers_for(user).filter(arrives_at__gte=start, arrives_at__lt=end)
    if flagged_only:
        qs = qs.filter(household__isnull=True)
    qs = qs.exclude(status=Traveller.Status.CANCELLED).select_related(
        "reception__team", f"{ADDRESS}", "household__room__unit__building"
    )
    return page_of(qs.order_by("arrives_at", "pk"), page)


def arrival_counts(user: User, day: date) -> dict[str, int]:
    start, end = day_bounds(day, zone_of(user))
    qs = (
        travellers_for(user)
        .filter(arrives_at__gte=start, arrives_at__lt=end)
        .exclude(status=Traveller.Status.CANCELLED)
    )
    return qs.aggregate(
        total=Count("pk"),
        flagged=Count("pk", filter=Q(household__isnull=True)),
        night=Count("pk", filter=Q(reception__shift=Reception.Shift.NIGHT)),
        decided=Count("pk", filter=~Q(reception__decision="")),
    )


def get_traveller(user: User, pk: int) -> Traveller:
    return get_for_user(
        user,
        Traveller.objects.select_related(
            "community",
            "reception__team__lead",
            "reception__request",
            "resident",
            f"{ADDRESS}__community",
            "household__room__unit__building",
        ),
        pk=pk,
    )


def settings_for(community: Community) -> Settings:
    from linli.quarantine.actions import settings_of

    return settings_of(community)


# Home quarantine ----------------------------------------------------------------------------


def quarantines_for(user: User) -> QuerySet[HomeQuarantine]:
    return scoped(user, HomeQuarantine.objects.all())


def _page_then_rows(
    qs: QuerySet[HomeQuarantine], page: str | int | None, *order: Any, related: tuple[str, ...]
) -> Page[HomeQuarantine]:
    """A page of a long list: the keys paged on the table alone (an index walk), then only
    the page's rows read with their joins (a street's 8,000 overdue checks are not joined to
    their addresses to show 50)."""
    keys: Page[Any] = page_of(qs.order_by(*order).values_list("pk", flat=True), page)
    rows = HomeQuarantine.objects.select_related(*related).in_bulk(list(keys.items))
    return Page(items=[rows[pk] for pk in keys.items], number=keys.number, has_next=keys.has_next)


def quarantine_list(
    user: User, page: str | int | None, status: str = "active"
) -> Page[HomeQuarantine]:
    qs = quarantines_for(user).filter(status=status)
    return _page_then_rows(qs, page, "planned_end", "pk", related=("resident", ADDRESS))


def _due_communities(user: User, now: datetime) -> list[int]:
    """The communities of the user's area whose daily check is due by now (one query)."""
    due_by = Settings.objects.filter(community=OuterRef("pk")).values("checks_due_by")[:1]
    rows = scoped(user, Community.objects.all()).annotate(due_by=Subquery(due_by))
    found = []
    for pk, zone, due in rows.values_list("pk", "time_zone", "due_by"):
        local = timezone.localtime(now, ZoneInfo(zone)).time()
        if local >= (due or time(12)):
            found.append(pk)
    return found


def overdue_q(user: User, now: datetime) -> Q:
    """Home quarantines with no check yet today although it is due (past the hour of the
    community's settings): one indexed filter on `last_check_on`."""
    today = timezone.localtime(now, zone_of(user)).date()
    return Q(
        community__in=_due_communities(user, now),
        status=HomeQuarantine.Status.ACTIVE,
        starts_on__lte=today,
    ) & (Q(last_check_on__isnull=True) | Q(last_check_on__lt=today))


def overdue(user: User, now: datetime) -> QuerySet[HomeQuarantine]:
    return quarantines_for(user).filter(overdue_q(user, now))


def overdue_checks(user: User, now: datetime, page: str | int | None) -> Page[HomeQuarantine]:
    """The overdue list, longest unchecked first (never checked before all)."""
    order = (F("last_check_on").asc(nulls_first=True), "pk")
    return _page_then_rows(
        overdue(user, now), page, *order, related=("resident", ADDRESS, "plan__doctor")
    )


def get_quarantine(user: User, pk: int) -> HomeQuarantine:
    return get_for_user(
        user,
        HomeQuarantine.objects.select_related(
            "community",
            "resident",
            f"{ADDRESS}",
            "household__room__unit__building",
            "plan__doctor",
            "plan__social_worker",
            "plan__property_staff",
            "traveller",
            "released_by",
        ),
        pk=pk,
    )


def checks_of(quarantine: HomeQuarantine) -> QuerySet[HealthCheck]:
    return quarantine.checks.select_related("by", "request").order_by("-at")


def end_changes(quarantine: HomeQuarantine) -> QuerySet[EndChange]:
    return quarantine.changes.select_related("by").order_by("at")


def quarantine_by_check_code(code: str) -> HomeQuarantine | None:
    """The quarantine of a resident's check link: active only (public; shows no personal data
    beyond a masked name)."""
    return (
        HomeQuarantine.objects.filter(check_code=code.strip().upper(), status="active")
        .select_related("community", "resident")
        .first()
    )


def released_by_code(code: str) -> HomeQuarantine | None:
    """A release notice, by its code (public)."""
    clean = "".join(code.split()).upper()
    if not clean or len(clean) > 12:
        return None
    return (
        HomeQuarantine.objects.filter(release_code=clean, status="released")
        .select_related("community", "resident")
        .first()
    )


# Hotels -------------------------------------------------------------------------------------


def hotels_for(user: User) -> QuerySet[Hotel]:
    return scoped(user, Hotel.objects.all())


def hotel_list(user: User) -> list[Hotel]:
    """The user's open hotels with their beds and current guests, in one query."""
    beds = HotelRoom.objects.filter(hotel=OuterRef("pk")).order_by().values("hotel")
    guests = Stay.objects.filter(hotel=OuterRef("pk"), checked_out_at__isnull=True).order_by()
    return list(
        hotels_for(user)
        .filter(active=True)
        .annotate(
            beds=Coalesce(Subquery(beds.annotate(n=Sum("beds")).values("n")), 0),
            guests=Coalesce(
                Subquery(guests.values("hotel").annotate(n=Count("pk")).values("n")), 0
            ),
        )
        .order_by("name", "pk")
    )


def get_hotel(user: User, pk: int) -> Hotel:
    return get_for_user(user, Hotel.objects.select_related("street"), pk=pk)


@dataclass
class Counts:
    guests: int = 0
    beds: int = 0
    rooms: int = 0
    elderly: int = 0
    chronic: int = 0
    infant: int = 0
    pregnant: int = 0
    special: int = 0  # guests in at least one group, or with a diet
    diets: dict[str, int] = field(default_factory=dict)

    @property
    def free(self) -> int:
        return self.beds - self.guests


GROUP_FILTER = Q(elderly=True) | Q(chronic=True) | Q(infant=True) | Q(pregnant=True) | ~Q(diet="")


def hotel_counts(hotels: list[int]) -> Counts:
    """Occupancy and special groups of these hotels' current guests (numbers, no names)."""
    open_stays = Stay.objects.filter(hotel__in=hotels, checked_out_at__isnull=True)
    groups = ("elderly", "chronic", "infant", "pregnant")
    got = open_stays.aggregate(
        n_guests=Count("pk"),
        n_special=Count("pk", filter=GROUP_FILTER),
        **{f"n_{g}": Count("pk", filter=Q(**{g: True})) for g in groups},
    )
    got = {k[2:]: v for k, v in got.items()}
    rooms = HotelRoom.objects.filter(hotel__in=hotels).aggregate(
        n_beds=Sum("beds"), n_rooms=Count("pk")
    )
    diets = dict(
        open_stays.exclude(diet="")
        .values("diet")
        .annotate(n=Count("pk"))
        .values_list("diet", "n")
        .order_by()
    )
    return Counts(beds=rooms["n_beds"] or 0, rooms=rooms["n_rooms"], diets=diets, **got)


@dataclass
class Bed:
    stay: Stay | None  # None: free; a stay of someone out of the user's reach shows as taken
    taken: bool


@dataclass
class RoomLine:
    room: HotelRoom
    beds: list[Bed]


def board(user: User, hotel: Hotel, floor: int | None = None) -> list[tuple[int, list[RoomLine]]]:
    """The hotel's rooms by floor, each bed free or taken, with the guests the user may see
    (two queries, however many rooms)."""
    rooms = HotelRoom.objects.filter(hotel=hotel).order_by("floor", "number")
    if floor is not None:
        rooms = rooms.filter(floor=floor)
    stays = Stay.objects.filter(hotel=hotel, checked_out_at__isnull=True)
    if floor is not None:
        stays = stays.filter(room__floor=floor)
    visible = set(scoped(user, stays).values_list("pk", flat=True))
    by_room: dict[int, list[Stay]] = {}
    for stay in stays.select_related("resident").order_by("checked_in_at", "pk"):
        by_room.setdefault(stay.room_id, []).append(stay)
    floors: dict[int, list[RoomLine]] = {}
    for room in rooms:
        guests = by_room.get(room.pk, [])
        beds = [Bed(s if s.pk in visible else None, True) for s in guests]
        beds += [Bed(None, False) for _n in range(max(0, room.beds - len(guests)))]
        floors.setdefault(room.floor, []).append(RoomLine(room, beds))
    return sorted(floors.items())


def floors_of(hotel: Hotel) -> list[int]:
    return list(
        HotelRoom.objects.filter(hotel=hotel)
        .values_list("floor", flat=True)
        .distinct()
        .order_by("floor")
    )


def free_rooms(hotel: Hotel) -> list[Any]:
    rooms = (
        HotelRoom.objects.filter(hotel=hotel)
        .annotate(n=Count("stays", filter=Q(stays__checked_out_at__isnull=True)))
        .order_by("floor", "number")
    )
    return [r for r in rooms if r.n < r.beds]


def rooms_to_choose(user: User) -> list[Any]:
    """The free rooms of the user's street's hotels, for a decision or a check-in."""
    hotels = hotels_for(user).filter(active=True)
    rooms = (
        HotelRoom.objects.filter(hotel__in=hotels)
        .select_related("hotel")
        .annotate(n=Count("stays", filter=Q(stays__checked_out_at__isnull=True)))
        .order_by("hotel__name", "floor", "number")
    )
    return [r for r in rooms if r.n < r.beds][:500]


def get_stay(user: User, pk: int) -> Stay:
    return get_for_user(
        user, Stay.objects.select_related("hotel__street", "room", "resident", "community"), pk=pk
    )


def guests(user: User, hotel: Hotel, day: date) -> list[Any]:
    """The hotel's current guests the user may see, each with whether today's call is done."""
    called = GuestCall.objects.filter(stay=OuterRef("pk"), day=day)
    stays = scoped(user, Stay.objects.filter(hotel=hotel, checked_out_at__isnull=True))
    return list(
        stays.annotate(called=Exists(called))
        .select_related("resident", "room", "community")
        .order_by("called", "room__floor", "room__number", "pk")
    )


def calls_left(user: User, hotels: list[int], day: date) -> dict[int, int]:
    """Per hotel, the guests the user may see not called yet on `day` (one query)."""
    called = GuestCall.objects.filter(stay=OuterRef("pk"), day=day)
    stays = scoped(user, Stay.objects.filter(hotel__in=hotels, checked_out_at__isnull=True))
    left = stays.filter(~Exists(called)).values("hotel").annotate(n=Count("pk")).order_by()
    return dict(left.values_list("hotel", "n"))


def diet_sheet(hotel: Hotel) -> tuple[dict[str, int], list[tuple[str, str]], int]:
    """The kitchen's sheet: meals by diet, the rooms of each special diet, the guests."""
    stays = Stay.objects.filter(hotel=hotel, checked_out_at__isnull=True)
    lines = list(stays.values_list("diet", "room__number").order_by("room__number"))
    counts = Counter(d or "" for d, _r in lines)
    return dict(counts), [(d, r) for d, r in lines if d], len(lines)


# Figures ------------------------------------------------------------------------------------


@dataclass
class Figures:
    home: int
    arriving_today: int
    arriving_tomorrow: int
    released_today: int
    checks_overdue: int
    hotel_guests: int


def figures(user: User, now: datetime) -> Figures:
    """The day's figures of the user's area, in four queries: arrivals today and tomorrow;
    people in home quarantine, released today and with their check overdue; hotel guests (of
    the area's communities) and those released today."""
    zone = zone_of(user)
    today = timezone.localtime(now, zone).date()
    start, end = day_bounds(today, zone)
    arriving = (
        travellers_for(user)
        .exclude(status=Traveller.Status.CANCELLED)
        .aggregate(
            today=Count("pk", filter=Q(arrives_at__gte=start, arrives_at__lt=end)),
            tomorrow=Count(
                "pk", filter=Q(arrives_at__gte=end, arrives_at__lt=end + timedelta(days=1))
            ),
        )
    )
    home = quarantines_for(user).aggregate(
        active=Count("pk", filter=Q(status="active")),
        released=Count("pk", filter=Q(status="released", released_on=today)),
        overdue=Count("pk", filter=overdue_q(user, now)),
    )
    stays = scoped(user, Stay.objects.all()).aggregate(
        guests=Count("pk", filter=Q(checked_out_at__isnull=True)),
        released=Count("pk", filter=Q(checked_out_at__gte=start, checked_out_at__lt=end)),
    )
    return Figures(
        home=home["active"],
        arriving_today=arriving["today"],
        arriving_tomorrow=arriving["tomorrow"],
        released_today=home["released"] + stays["released"],
        checks_overdue=home["overdue"],
        hotel_guests=stays["guests"],
    )
