"""Reads behind the register's lists: vulnerable groups, the count table, exports and rosters.

Every function starts from `linli.core.scoping.scoped` (directly or through
`selectors.residents_for`); views fetch single objects (compound, building) with `get_for_user`
before handing them here. Ages are derived from the date of birth on the day asked for, never
stored as tags.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from linli.core.models import Building, Community, Compound, Room, Unit, User
from linli.core.scoping import scoped
from linli.lib.names import language_names
from linli.people.models import Household, Resident, Vulnerability
from linli.people.selectors import building_order, natural, residents_for, years_ago

T = TypeVar("T")

#: Rows fetched from the database at a time when streaming an export.
CHUNK = 2000

#: Age groups offered next to the vulnerability kinds: tag value → minimum age.
AGE_GROUPS: dict[str, int] = {"80+": 80, "90+": 90}

ROOM = "household__room"
UNIT = f"{ROOM}__unit"
BUILDING = f"{UNIT}__building"
COMPOUND = f"{BUILDING}__compound"


#: A resident's address in the order a roster is read: compound, building, unit, floor, room.
ADDRESS_ORDER = (
    f"{COMPOUND}__name",
    *natural(f"{BUILDING}__number"),
    *natural(f"{UNIT}__number"),
    f"{ROOM}__floor",
    *natural(f"{ROOM}__number"),
    "household_id",
    "date_of_birth",
    "pk",
)


def active_tags() -> QuerySet[Vulnerability]:
    """Vulnerability tags in force (no end date)."""
    return Vulnerability.objects.filter(until__isnull=True)


def tag_choices() -> list[tuple[str, str | Promise]]:
    """What the vulnerable list can be filtered by: the age groups, then every kind of tag."""
    ages: list[tuple[str, str | Promise]] = [("80+", _("Aged 80+")), ("90+", _("Aged 90+"))]
    return ages + list(Vulnerability.Kind.choices)


def age_group(born: date | None, today: date) -> str:
    """'90+', '80+' or '' for a resident born on `born` (or of unknown birth date)."""
    if born is None:
        return ""
    if born <= years_ago(today, 90):
        return "90+"
    if born <= years_ago(today, 80):
        return "80+"
    return ""


def age_on(born: date | None, today: date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def in_place(
    residents: QuerySet[Resident],
    compound: Compound | None = None,
    building: Building | None = None,
) -> QuerySet[Resident]:
    """Residents living in `building`, else in `compound`, else all of `residents`."""
    if building is not None:
        return residents.filter(**{BUILDING: building})
    if compound is not None:
        return residents.filter(**{COMPOUND: compound})
    return residents


# --- Vulnerable-groups list (特殊群体名单) -------------------------------------------------------


@dataclass(frozen=True)
class VulnerableFilter:
    tag: str = ""
    compound: Compound | None = None
    building: Building | None = None


def vulnerable_residents(
    user: User | AnonymousUser, today: date, flt: VulnerableFilter | None = None
) -> QuerySet[Resident]:
    """Residents with a tag in force or aged 80 and over, in roster order.

    `flt.tag` is a `Vulnerability.Kind` value, '80+' or '90+'; an unknown tag matches nobody.
    """
    flt = flt or VulnerableFilter()
    tagged = Exists(active_tags().filter(resident=OuterRef("pk")))
    residents = residents_for(user).filter(Q(tagged) | Q(date_of_birth__lte=years_ago(today, 80)))
    if flt.tag in AGE_GROUPS:
        residents = residents.filter(date_of_birth__lte=years_ago(today, AGE_GROUPS[flt.tag]))
    elif flt.tag in Vulnerability.Kind.values:
        residents = residents.filter(
            Exists(active_tags().filter(resident=OuterRef("pk"), kind=flt.tag))
        )
    elif flt.tag:
        residents = residents.none()
    return in_place(residents, flt.compound, flt.building).order_by(*ADDRESS_ORDER)


def with_address_and_tags(residents: QuerySet[Resident]) -> QuerySet[Resident]:
    """Residents with their address joined and their tags in force in `tag_list`."""
    return residents.select_related(COMPOUND).prefetch_related(
        Prefetch("vulnerabilities", queryset=active_tags().order_by("kind"), to_attr="tag_list")
    )


def compounds_for(user: User | AnonymousUser) -> QuerySet[Compound]:
    return (
        scoped(user, Compound.objects.select_related("community"))
        .annotate(n_buildings=Count("buildings"))
        .order_by("community__code", "name", "pk")
    )


def buildings_of(user: User | AnonymousUser, compound: Compound) -> QuerySet[Building]:
    return scoped(user, Building.objects.filter(compound=compound)).order_by(*building_order())


def buildings_with_units(user: User | AnonymousUser, compound: Compound) -> QuerySet[Building]:
    """The buildings of `compound` with their units (`units.all()`) in number order."""
    return buildings_of(user, compound).prefetch_related(
        Prefetch("units", queryset=Unit.objects.order_by(*natural("number"), "pk"))
    )


def spans_several_communities(user: User | AnonymousUser) -> bool:
    """Whether the user's area holds more than one community (street, district, administrator)."""
    return not (isinstance(user, User) and user.community_id is not None)


# --- Count table (底数表) -------------------------------------------------------------------------


@dataclass(frozen=True)
class CountColumn:
    key: str
    label: str | Promise


def count_columns() -> list[CountColumn]:
    """Each kind of tag, then 80+, 90+, one-person households and all residents."""
    return [
        *(CountColumn(kind.value, kind.label) for kind in Vulnerability.Kind),
        CountColumn("80+", _("Aged 80+")),
        CountColumn("90+", _("Aged 90+")),
        CountColumn("alone_households", _("One-person households")),
        CountColumn("total", _("Residents")),
    ]


@dataclass
class CountRow:
    community: str
    compound: str
    building: str
    values: list[int]


@dataclass
class CountTable:
    by_building: bool
    several_communities: bool
    columns: list[CountColumn]
    rows: list[CountRow]
    totals: list[int] = field(default_factory=list)


def count_table(
    user: User | AnonymousUser, today: date, *, by_building: bool = False
) -> CountTable:
    """Residents counted per compound (or per building) in the database: two queries in all.

    A tag counts residents with a tag of that kind in force; 80+ and 90+ come from the date of
    birth; "one-person households" counts households with exactly one resident living there
    (counted as their one resident, who has no other active member in the household).
    """
    columns = count_columns()
    key = BUILDING if by_building else COMPOUND
    alone = ~Exists(
        Resident.objects.filter(household=OuterRef("household"), is_active=True).exclude(
            pk=OuterRef("pk")
        )
    )
    aggregates: dict[str, Count] = {
        f"k_{kind.value}": Count(
            "pk",
            distinct=True,
            filter=Q(vulnerabilities__kind=kind.value, vulnerabilities__until__isnull=True),
        )
        for kind in Vulnerability.Kind
    }
    aggregates["a_80"] = Count(
        "pk", distinct=True, filter=Q(date_of_birth__lte=years_ago(today, 80))
    )
    aggregates["a_90"] = Count(
        "pk", distinct=True, filter=Q(date_of_birth__lte=years_ago(today, 90))
    )
    aggregates["alone_households"] = Count("pk", distinct=True, filter=Q(alone))
    aggregates["total"] = Count("pk", distinct=True)
    counted = residents_for(user).order_by().values(key).annotate(**aggregates)
    by_key = {row[key]: row for row in counted}
    names = ["k_" + kind.value for kind in Vulnerability.Kind] + [
        "a_80",
        "a_90",
        "alone_households",
        "total",
    ]

    places: Iterable[tuple[int, str, str, str]]
    if by_building:
        places = (
            scoped(user, Building.objects.all())
            .order_by("compound__community__code", *building_order())
            .values_list("pk", "compound__community__name", "compound__name", "number")
        )
    else:
        places = (
            (pk, community, name, "")
            for pk, community, name in scoped(user, Compound.objects.all())
            .order_by("community__code", "name", "pk")
            .values_list("pk", "community__name", "name")
        )
    rows = [
        CountRow(
            community=community,
            compound=compound,
            building=building,
            values=[int(by_key.get(pk, {}).get(name, 0)) for name in names],
        )
        for pk, community, compound, building in places
    ]
    totals = [sum(row.values[i] for row in rows) for i in range(len(columns))]
    return CountTable(
        by_building=by_building,
        several_communities=len({row.community for row in rows}) > 1,
        columns=columns,
        rows=rows,
        totals=totals,
    )


# --- Exports ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterRow:
    name: str
    sex: str
    date_of_birth: date | None
    age: int | None
    id_number: str
    phone: str
    community: str
    compound: str
    building: str
    unit: str
    room: str
    tags: list[str]


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def register_rows(
    user: User | AnonymousUser, residents: QuerySet[Resident], today: date
) -> Iterator[RegisterRow]:
    """The rows of `residents` (already scoped) for an export, streamed `CHUNK` at a time.

    Plain tuples come out of the database, never model objects, and each chunk's tags are one
    more query: memory stays flat however long the register.
    """
    fields = (
        "pk",
        "name",
        "sex",
        "date_of_birth",
        "id_number",
        "phone",
        "community__name",
        f"{COMPOUND}__name",
        f"{BUILDING}__number",
        f"{UNIT}__number",
        f"{ROOM}__number",
    )
    sexes = dict(Resident.Sex.choices)
    kinds = dict(Vulnerability.Kind.choices)
    rows = residents.order_by(*ADDRESS_ORDER).values_list(*fields).iterator(chunk_size=CHUNK)
    for chunk in batched(rows, CHUNK):
        tags: dict[int, list[str]] = defaultdict(list)
        in_force = (
            scoped(user, active_tags())
            .filter(resident_id__in=[row[0] for row in chunk])
            .order_by("resident_id", "kind")
            .values_list("resident_id", "kind")
        )
        for resident_id, kind in in_force:
            tags[resident_id].append(str(kinds.get(kind, kind)))
        for pk, name, sex, born, id_number, phone, community, compound, bld, unit, room in chunk:
            yield RegisterRow(
                name=name,
                sex=str(sexes.get(sex, sex)),
                date_of_birth=born,
                age=age_on(born, today),
                id_number=id_number,
                phone=phone,
                community=community,
                compound=compound,
                building=bld,
                unit=unit,
                room=room,
                tags=tags.get(pk, []),
            )


# --- Stairwell rosters (楼组名单) -----------------------------------------------------------------


@dataclass
class RosterPerson:
    resident: Resident
    age: int | None
    flags: list[str]


@dataclass
class RosterLine:
    """One line of a printed roster: a resident (or an empty room) with the cells it opens."""

    floor: int
    room: Room
    person: RosterPerson | None
    floor_span: int = 0  # rows the floor cell spans; 0 on lines that continue a floor
    room_span: int = 0  # rows the room cell spans; 0 on lines that continue a room


@dataclass
class UnitRoster:
    unit: Unit
    lines: list[RosterLine]
    residents: int = 0
    over_80: int = 0
    alone: int = 0


def building_rosters(
    user: User | AnonymousUser, building: Building, today: date, unit: Unit | None = None
) -> list[UnitRoster]:
    """Every unit of `building` (or just `unit`), its rooms floor by floor, their residents.

    Five queries whatever the size of the building: units, rooms, households, residents, tags.
    """
    members = scoped(user, Resident.objects.filter(is_active=True)).order_by("date_of_birth", "pk")
    units = (
        scoped(user, Unit.objects.filter(building=building))
        .order_by(*natural("number"), "pk")
        .prefetch_related(
            Prefetch("rooms", queryset=Room.objects.order_by("floor", *natural("number"), "pk")),
            Prefetch("rooms__households", queryset=Household.objects.order_by("pk")),
            Prefetch("rooms__households__members", queryset=members),
            Prefetch(
                "rooms__households__members__vulnerabilities",
                queryset=active_tags().order_by("kind"),
            ),
        )
    )
    if unit is not None:
        units = units.filter(pk=unit.pk)
    return [_unit_roster(u, today) for u in units]


def _person_flags(resident: Resident, born_group: str, lives_alone: bool) -> list[str]:
    flags = [born_group] if born_group else []
    first_of_kind: dict[str, Vulnerability] = {}
    for v in resident.vulnerabilities.all():
        first_of_kind.setdefault(v.kind, v)
    if lives_alone or Vulnerability.Kind.LIVES_ALONE in first_of_kind:
        flags.append(str(Vulnerability.Kind.LIVES_ALONE.label))
    if resident.mobility != Resident.Mobility.INDEPENDENT:
        flags.append(resident.get_mobility_display())
    for kind, v in first_of_kind.items():
        if kind == Vulnerability.Kind.LIVES_ALONE:
            continue
        flag = str(Vulnerability.Kind(kind).label)
        # The volunteer at the door needs to know which language, not only that one is needed.
        if kind == Vulnerability.Kind.LANGUAGE and v.details.get("languages"):
            flag += f" ({language_names(v.details['languages'])})"
        flags.append(flag)
    return flags


def _unit_roster(unit: Unit, today: date) -> UnitRoster:
    roster = UnitRoster(unit=unit, lines=[])
    floor_start: RosterLine | None = None
    for room in unit.rooms.all():
        people: list[RosterPerson] = []
        for household in room.households.all():
            residents = list(household.members.all())
            for resident in residents:
                group = age_group(resident.date_of_birth, today)
                alone = len(residents) == 1
                people.append(
                    RosterPerson(
                        resident=resident,
                        age=age_on(resident.date_of_birth, today),
                        flags=_person_flags(resident, group, alone),
                    )
                )
                roster.residents += 1
                roster.over_80 += bool(group)
                roster.alone += alone
        lines = [RosterLine(room.floor, room, person) for person in people] or [
            RosterLine(room.floor, room, None)
        ]
        lines[0].room_span = len(lines)
        if floor_start is None or floor_start.floor != room.floor:
            floor_start = lines[0]
        floor_start.floor_span += len(lines)
        roster.lines.extend(lines)
    return roster


def export_community(
    user: User, compound: Compound | None = None, community: Community | None = None
) -> Community | None:
    """The one community an export covers, when it covers exactly one (else None).

    `compound` and `community` are the filters of the export, already fetched with
    `get_for_user`; a user of one community always exports that community.
    """
    if user.community is not None:
        return user.community
    if compound is not None:
        return compound.community
    return community
