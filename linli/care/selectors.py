"""Every read of the care app, from `scoped`: plans, today's contact lists, the day's
compliance, the coverage of the households that need a plan, birthdays."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from linli.care.models import (
    SEATS,
    CarePlan,
    Contact,
    ContactRule,
    OnCall,
    ServiceItem,
    ServiceRun,
    Trip,
    Vehicle,
)
from linli.care.policy import on_team
from linli.core.models import Community, User
from linli.core.roles import Cap
from linli.core.scoping import get_for_user, scoped
from linli.ledger.models import Request
from linli.lib.names import WEEKDAY_CODES, weekday_name
from linli.lib.paging import Page, page_of
from linli.people.models import Household, Resident, Vulnerability
from linli.people.selectors import (
    aged_at_least,
    due_by,
    lives_alone,
    members_of,
    tagged,
    years_ago,
)

KEY_PATIENTS = (
    Vulnerability.Kind.PREGNANT,
    Vulnerability.Kind.DIALYSIS,
    Vulnerability.Kind.CHEMO,
    Vulnerability.Kind.SEVERE,
)
NEAR_TERM = timedelta(weeks=8)  # a pregnancy due within it needs a plan
# What makes a household need a plan, by the register: (reason, condition on a member, given the
# day and the communities looked at).
NEEDS_A_PLAN: tuple[tuple[CarePlan.Reason, Callable[[date, list[int]], Q]], ...] = (
    (CarePlan.Reason.DIALYSIS, lambda day, ids: tagged("dialysis", community_ids=ids)),
    (CarePlan.Reason.CHEMO, lambda day, ids: tagged("chemo", community_ids=ids)),
    (CarePlan.Reason.PREGNANT, lambda day, ids: due_by(day + NEAR_TERM, community_ids=ids)),
    (CarePlan.Reason.ALONE_80, lambda day, ids: aged_at_least(80, day) & lives_alone()),
)
OPEN = (CarePlan.Status.ACTIVE, CarePlan.Status.PAUSED)


# The ledger's categories of escorts, which take a vehicle.
ESCORT_CATEGORIES = ("dialysis", "medical_visit", "prenatal", "emergency")


def plans_for(user: User) -> QuerySet[CarePlan]:
    return scoped(user, CarePlan.objects.all())


def opens_plan(user: User, plan: CarePlan) -> bool:
    """Whether the plan's page opens for `user` (the care app's pages are for its planners and
    teams), so that another app links to it only then."""
    return (user.can(Cap.PLAN_CARE) or user.can(Cap.CARE_FOR)) and plans_for(user).filter(
        pk=plan.pk
    ).exists()


def get_plan(user: User, pk: int) -> CarePlan:
    return get_for_user(
        user,
        CarePlan.objects.select_related(
            "community", "household__room__unit__building__compound", *(s for s, _l in SEATS)
        ),
        pk=pk,
    )


def plan_items(plan: CarePlan) -> QuerySet[ServiceItem]:
    return plan.items.select_related("category").order_by("pk")


def plan_members(plan: CarePlan) -> QuerySet[Resident]:
    return members_of([plan.household_id]).order_by("date_of_birth", "pk")


def plan_list(user: User, page: str | int | None, status: str = "open") -> Page[CarePlan]:
    plans = plans_for(user).select_related(
        "household__room__unit__building__compound", *(s for s, _l in SEATS)
    )
    plans = plans.filter(status__in=OPEN) if status == "open" else plans
    return page_of(plans.order_by("-status", "review_on", "pk"), page)


# Daily contact --------------------------------------------------------------------------------


def running_q(day: date) -> Q:
    """Plans in force on `day`: active, started, not ended."""
    return Q(status=CarePlan.Status.ACTIVE, starts_on__lte=day) & (
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )


def running(day: date) -> QuerySet[CarePlan]:
    return CarePlan.objects.filter(running_q(day))


def _rule_groups(community_ids: list[int]) -> dict[int, list[str]]:
    return dict(
        ContactRule.objects.filter(community_id__in=community_ids).values_list(
            "community_id", "groups"
        )
    )


def _covered_q(community_ids: list[int], day: date) -> Q:
    """Residents under daily contact in these communities: everyone of a household whose plan
    is active and asks for it, and the groups of each community's rule."""
    under_plan = Q(Exists(running(day).filter(household=OuterRef("household"), daily_contact=True)))
    by_rule = Q(pk__in=[])
    groups_of = _rule_groups(community_ids)
    for community_id in community_ids:
        groups = groups_of.get(community_id, [])
        condition = Q(pk__in=[])
        if ContactRule.Group.ALONE_80 in groups:
            condition |= aged_at_least(80, day) & lives_alone()
        if ContactRule.Group.KEY_PATIENTS in groups:
            condition |= tagged(*KEY_PATIENTS, community_ids=[community_id])
        if groups:
            by_rule |= Q(community_id=community_id) & condition
    return under_plan | by_rule


def _area_communities(user: User) -> list[int]:
    return list(scoped(user, Community.objects.all()).values_list("pk", flat=True))


def covered(user: User, day: date) -> QuerySet[Resident]:
    """Everyone `user` is to contact today: a planner, everyone covered in their area; a team
    member, the people of their own plans' households."""
    if user.can(Cap.PLAN_CARE):
        ids = _area_communities(user)
        return Resident.objects.filter(community_id__in=ids, is_active=True).filter(
            _covered_q(ids, day)
        )
    if not user.can(Cap.CARE_FOR):
        return Resident.objects.none()
    households = plans_for(user).filter(running_q(day), daily_contact=True)
    return members_of(households.values("household_id"))


@dataclass
class ContactLine:
    resident: Resident
    plan: CarePlan | None
    today: list[Contact] = field(default_factory=list)
    missed_yesterday: bool = False

    @property
    def reached(self) -> bool:
        return any(c.reached for c in self.today)

    @property
    def last(self) -> Contact | None:
        return self.today[-1] if self.today else None


def contact_list(
    user: User, day: date, page: str | int | None = None, *, pending_only: bool = False
) -> Page[ContactLine]:
    """Today's list of `user`, those not reached yet first, then by address."""
    reached_today = Exists(
        Contact.objects.filter(resident=OuterRef("pk"), day=day).exclude(outcome="unreachable")
    )
    people = covered(user, day).annotate(done=reached_today)
    if pending_only:
        people = people.filter(done=False)
    people = people.select_related("household__room__unit__building__compound").order_by(
        "done",
        "household__room__unit__building__number",
        "household__room__number",
        "pk",
    )
    shown = page_of(people, page)
    ids = [r.pk for r in shown.items]
    contacts: dict[int, list[Contact]] = {}
    for c in Contact.objects.filter(resident_id__in=ids, day=day).order_by("at", "pk"):
        contacts.setdefault(c.resident_id, []).append(c)
    missed = _unreachable_on(ids, day - timedelta(days=1))
    plans = {
        p.household_id: p
        for p in running(day).filter(household_id__in=[r.household_id for r in shown.items])
    }
    lines = [
        ContactLine(r, plans.get(r.household_id), contacts.get(r.pk, []), r.pk in missed)
        for r in shown.items
    ]
    return Page(items=lines, number=shown.number, has_next=shown.has_next)


def _unreachable_on(resident_ids: list[int], day: date) -> set[int]:
    """Those of `resident_ids` tried on `day` and never reached."""
    tried = Contact.objects.filter(resident_id__in=resident_ids, day=day)
    reached = set(tried.exclude(outcome="unreachable").values_list("resident_id", flat=True))
    return set(tried.values_list("resident_id", flat=True)) - reached


def on_contact_list(user: User, resident: Resident, day: date) -> tuple[bool, CarePlan | None]:
    """Whether `resident` is on `user`'s list today, and the plan they are on it by (None: by
    the community's rule)."""
    if not covered(user, day).filter(pk=resident.pk).exists():
        return False, None
    plan = running(day).filter(household_id=resident.household_id).first()
    if plan is not None and not user.can(Cap.PLAN_CARE) and not on_team(user, plan):
        return False, None
    return True, plan


@dataclass(frozen=True)
class Compliance:
    community: Community
    covered: int
    reached: int

    @property
    def share(self) -> float | None:
        return self.reached / self.covered if self.covered else None


def compliance(user: User, day: date) -> list[Compliance]:
    """Per community of the area: people under daily contact, and how many were reached."""
    ids = _area_communities(user) if user.can(Cap.PLAN_CARE) else []
    found = []
    for community in Community.objects.filter(pk__in=ids).order_by("name"):
        people = Resident.objects.filter(community=community, is_active=True).filter(
            _covered_q([community.pk], day)
        )
        reached = people.filter(
            Exists(
                Contact.objects.filter(resident=OuterRef("pk"), day=day).exclude(
                    outcome="unreachable"
                )
            )
        )
        found.append(Compliance(community, people.count(), reached.count()))
    return found


# Coverage -------------------------------------------------------------------------------------


@dataclass
class Gap:
    household: Household
    reasons: list[str]
    plan: CarePlan | None
    missing: list[str]


def coverage(user: User, today: date, page: str | int | None = None) -> Page[Gap]:
    """Households the register says need a plan and have none, or whose plan's team lacks a
    seat (empty, or its holder no longer active): nobody falls between chairs."""
    if not user.can(Cap.PLAN_CARE):
        return Page(items=[], number=1, has_next=False)
    ids = _area_communities(user)
    needs = Q(pk__in=[])
    for _reason, condition in NEEDS_A_PLAN:
        needs |= condition(today, ids)
    needy = Resident.objects.filter(community_id__in=ids, is_active=True).filter(needs)
    full_team = Q()
    for seat, _label in SEATS:
        full_team &= Q(**{f"{seat}__is_active": True})
    well_planned = CarePlan.objects.filter(household=OuterRef("pk"), status__in=OPEN).filter(
        full_team
    )
    households = (
        Household.objects.filter(community_id__in=ids, pk__in=needy.values("household_id"))
        .exclude(Exists(well_planned))
        .select_related("room__unit__building__compound")
        .order_by("community_id", "room__unit__building__number", "room__number", "pk")
    )
    shown = page_of(households, page)
    keys = [h.pk for h in shown.items]
    reasons = _reasons(keys, today)
    plans = {
        p.household_id: p
        for p in CarePlan.objects.filter(household_id__in=keys, status__in=OPEN).select_related(
            *(s for s, _l in SEATS)
        )
    }
    gaps = []
    for household in shown.items:
        plan = plans.get(household.pk)
        missing = [
            str(label)
            for seat, label in SEATS
            if plan is not None and not (getattr(plan, seat) and getattr(plan, seat).is_active)
        ]
        gaps.append(Gap(household, reasons.get(household.pk, []), plan, missing))
    return Page(items=gaps, number=shown.number, has_next=shown.has_next)


def _reasons(household_ids: list[int], today: date) -> dict[int, list[str]]:
    """Why each of these households needs a plan (the conditions of NEEDS_A_PLAN, read in two
    queries for the page rather than one per reason)."""
    members = list(
        Resident.objects.filter(household_id__in=household_ids, is_active=True).values_list(
            "pk", "household_id", "date_of_birth"
        )
    )
    kinds: dict[int, set[str]] = {}
    near = (today + NEAR_TERM).isoformat()
    for resident_id, kind, details in Vulnerability.objects.filter(
        resident_id__in=[m[0] for m in members], until__isnull=True
    ).values_list("resident_id", "kind", "details"):
        if (
            kind == Vulnerability.Kind.PREGNANT
            and not str((details or {}).get("due") or "9") <= near
        ):
            continue  # not near term
        kinds.setdefault(resident_id, set()).add(kind)
    size: dict[int, int] = {}
    for _pk, household_id, _born in members:
        size[household_id] = size.get(household_id, 0) + 1
    eighty = years_ago(today, 80)
    found: dict[int, list[str]] = {}
    for reason, _condition in NEEDS_A_PLAN:
        for pk, household_id, born in members:
            if reason == CarePlan.Reason.ALONE_80:
                hit = size[household_id] == 1 and born is not None and born <= eighty
            else:
                hit = reason.value in kinds.get(pk, set())
            if hit and str(reason.label) not in found.get(household_id, []):
                found.setdefault(household_id, []).append(str(reason.label))
    return found


def birthdays(user: User, today: date, days: int = 7) -> list[tuple[date, Resident]]:
    """Birthdays in the coming `days` among the people under a plan or daily contact (the
    committee sends a cake and longevity noodles)."""
    coming = [today + timedelta(days=n) for n in range(days)]
    on_a_coming_day = Q(pk__in=[])
    for day in coming:
        on_a_coming_day |= Q(date_of_birth__month=day.month, date_of_birth__day=day.day)
    by_day = {(d.month, d.day): d for d in coming}
    found = []
    for resident in covered(user, today).filter(on_a_coming_day).order_by("pk")[:200]:
        born = resident.date_of_birth
        assert born is not None  # noqa: S101 - matched on its month and day
        found.append((by_day[born.month, born.day], resident))
    return sorted(found, key=lambda pair: (pair[0], pair[1].name))


def with_prefetched_items(plans: QuerySet[CarePlan]) -> QuerySet[CarePlan]:
    return plans.prefetch_related(
        Prefetch("items", queryset=ServiceItem.objects.select_related("category"))
    )


def seat_candidates(community: Community) -> QuerySet[User]:
    """Who may hold a seat on the community's care teams: its active staff, and its street's,
    whose role works care plans."""
    from linli.core.roles import ROLE_CAPABILITIES

    roles = [role.value for role, caps in ROLE_CAPABILITIES.items() if Cap.CARE_FOR in caps]
    return (
        User.objects.filter(is_active=True, groups__name__in=roles)
        .filter(Q(community=community) | Q(street=community.street_id))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


# Key patients (重点人群) ----------------------------------------------------------------------

ESCORTED: dict[str, str] = {
    Vulnerability.Kind.DIALYSIS: "dialysis",
    Vulnerability.Kind.PREGNANT: "prenatal",
}
EN_WEEKDAYS = WEEKDAY_CODES


@dataclass
class KeyPatient:
    resident: Resident
    kind: str
    label: str
    hospital: str
    schedule: str
    due: date | None
    next_visit: date | None
    sessions_left: int  # this week, from today on
    escorts: int  # escort requests already there for those days
    by_plan: bool = False  # a care plan's escort item makes them, day by day


def _weekdays_of(details: dict[str, object]) -> int:
    """The sessions' weekdays (bit mask) from a tag's details: `weekdays` ["Tue", …] as the
    import keeps them, or a `schedule` typed as committees write it."""
    from linli.care.schedule import ScheduleError, parse_schedule

    days = details.get("weekdays")
    if isinstance(days, list):
        return sum(
            1 << EN_WEEKDAYS[str(d)[:3].lower()] for d in days if str(d)[:3].lower() in EN_WEEKDAYS
        )
    try:
        return parse_schedule(str(details.get("schedule") or "")).weekdays
    except ScheduleError:
        return 0


def key_patients(user: User, today: date) -> list[KeyPatient]:
    """The doctor's list: pregnant women (due date, hospital), dialysis (days, time, hospital),
    chemo or radiotherapy (hospital, next session), severe illness — from the register's tags
    in force — with the next visit and, for dialysis and prenatal checks, the sessions left
    this week and the escort requests already there for them."""
    from linli.people.selectors import residents_for

    tags = (
        Vulnerability.objects.filter(
            until__isnull=True, kind__in=KEY_PATIENTS, resident__in=residents_for(user)
        )
        .select_related("resident__household__room__unit__building__compound")
        .order_by("kind", "resident__name", "pk")
    )
    week_end = today + timedelta(days=6 - today.weekday())
    rows = []
    for tag in tags[:2000]:
        details = tag.details or {}
        due = _as_day(details.get("due"))
        mask = _weekdays_of(details) if tag.kind == Vulnerability.Kind.DIALYSIS else 0
        days_left = [
            today + timedelta(days=n)
            for n in range((week_end - today).days + 1)
            if mask & (1 << (today + timedelta(days=n)).weekday())
        ]
        next_visit = days_left[0] if days_left else _as_day(details.get("next"))
        if not mask and next_visit is not None and today <= next_visit <= week_end:
            days_left = [next_visit]  # a prenatal check or a chemo session this week
        rows.append(
            KeyPatient(
                resident=tag.resident, kind=tag.kind, label=str(tag.get_kind_display()),
                hospital=str(details.get("hospital") or ""),
                schedule=_schedule_text(details),
                due=due, next_visit=next_visit, sessions_left=len(days_left), escorts=0,
            )
        )  # fmt: skip
    escorted = [r for r in rows if r.kind in ESCORTED]
    if escorted:
        counts: dict[tuple[int, str], int] = {}
        booked = Request.objects.filter(
            resident_id__in=[r.resident.pk for r in escorted],
            category__code__in=list(ESCORTED.values()),
            deadline__date__gte=today,
            deadline__date__lte=week_end,
        ).exclude(status__in=("cancelled", "merged"))
        for resident_id, code in booked.values_list("resident_id", "category__code"):
            counts[resident_id, code] = counts.get((resident_id, code), 0) + 1
        planned = set(
            ServiceItem.objects.filter(
                active=True,
                plan__status=CarePlan.Status.ACTIVE,
                category__code__in=list(ESCORTED.values()),
                plan__household_id__in=[r.resident.household_id for r in escorted],
            ).values_list("plan__household_id", "category__code")
        )
        for row in escorted:
            row.escorts = counts.get((row.resident.pk, ESCORTED[row.kind]), 0)
            if (row.resident.household_id, ESCORTED[row.kind]) in planned:
                row.by_plan, row.escorts = True, max(row.escorts, row.sessions_left)
    return rows


def _schedule_text(details: dict[str, object]) -> str:
    """The sessions as the register has them: a typed schedule, or weekdays and a time."""
    if details.get("schedule"):
        return str(details["schedule"])
    days = details.get("weekdays")
    text = "/".join(map(weekday_name, days)) if isinstance(days, list) else ""
    return f"{text} {details.get('time') or ''}".strip()


def _as_day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


# On call and vehicles --------------------------------------------------------------------------


def on_call_shifts(community: Community, now: datetime) -> QuerySet[OnCall]:
    """The shifts on now and coming, soonest first (public: no personal data of residents)."""
    return (
        OnCall.objects.filter(community=community, ends_at__gte=now)
        .select_related("compound")
        .order_by("starts_at", "pk")[:50]
    )


@dataclass
class VehicleDay:
    vehicle: Vehicle
    trips: list[Trip]


def vehicle_days(community: Community, day: date) -> list[VehicleDay]:
    """Each vehicle of the community in service, with its trips of `day`."""
    fleet = list(Vehicle.objects.filter(community=community, active=True).order_by("plate"))
    trips: dict[int, list[Trip]] = {}
    for trip in (
        Trip.objects.filter(vehicle__in=fleet, at__date=day)
        .select_related("request__household__room__unit__building__compound", "request__category")
        .order_by("at")
    ):
        trips.setdefault(trip.vehicle_id, []).append(trip)
    return [VehicleDay(v, trips.get(v.pk, [])) for v in fleet]


def escorts_without_vehicle(user: User, community: Community, day: date) -> list[Request]:
    """Open escort requests due from `day` to the day after that have no vehicle yet."""
    return list(
        scoped(user, Request.objects.filter(community=community))
        .filter(
            status__in=Request.OPEN_STATUSES,
            category__code__in=ESCORT_CATEGORIES,
            deadline__date__gte=day,
            deadline__date__lte=day + timedelta(days=1),
            trip__isnull=True,
        )
        .select_related("category", "household__room__unit__building__compound")
        .order_by("deadline", "pk")[:100]
    )


# What the actions read before they write ----------------------------------------------------


def generated_days(items: list[ServiceItem], earliest: date) -> set[tuple[int, date]]:
    """(item, day) of `items` already turned into requests since `earliest`."""
    runs = ServiceRun.objects.filter(item__in=[item.pk for item in items], day__gte=earliest)
    return set(runs.values_list("item_id", "day"))


def users_by_pk(ids: set[int]) -> dict[int, User]:
    """The users of `ids` (the seats' holders of a chunk of items), with their roles."""
    return User.objects.prefetch_related("groups").in_bulk(ids)


def contacted(resident: Resident, day: date) -> bool:
    """Whether anyone tried to reach `resident` on `day`."""
    return Contact.objects.filter(resident=resident, day=day).exists()


def unreachable_all_day(resident: Resident, day: date) -> bool:
    """Whether `resident` was tried on `day` and never reached."""
    tries = list(
        Contact.objects.filter(resident=resident, day=day).values_list("outcome", flat=True)
    )
    return bool(tries) and all(t == Contact.Outcome.UNREACHABLE for t in tries)


def plate_listed(community: Community, plate: str) -> bool:
    return Vehicle.objects.filter(community=community, plate=plate).exists()


def has_trip(request: Request) -> bool:
    return Trip.objects.filter(request=request).exists()


def trip_near(vehicle: Vehicle, at: datetime, gap: timedelta) -> bool:
    """Whether `vehicle` has another trip within `gap` of `at`."""
    return Trip.objects.filter(vehicle=vehicle, at__gt=at - gap, at__lt=at + gap).exists()
