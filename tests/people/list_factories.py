"""Hand-made places and people for the tests of the register's lists, counts, exports, rosters."""

import itertools
from datetime import date, timedelta

from django.conf import settings
from django.test import Client
from django.utils import timezone

from linli.core.models import Building, Community, Compound, Room, Unit
from linli.people.models import Household, Resident, Vulnerability
from linli.people.selectors import years_ago

_phones = itertools.count(13800000001)


def aged(years: int, *, days: int = 0) -> date:
    """A date of birth making someone exactly `years` old today (`days` older still)."""
    return years_ago(timezone.localdate(), years) - timedelta(days=days)


def in_english(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def compound(community: Community, name: str = "岐山村") -> Compound:
    return Compound.objects.get_or_create(community=community, name=name)[0]


def building(place: Compound, number: str = "3", *, units: tuple[str, ...] = ("1",)) -> Building:
    b = Building.objects.get_or_create(compound=place, number=number)[0]
    for unit in units:
        Unit.objects.get_or_create(building=b, number=unit)
    return b


def room(
    b: Building,
    number: str = "101",
    *,
    unit: str = "1",
    floor: int | None = None,
    occupancy: str = Room.Occupancy.OWNER,
) -> Room:
    u = Unit.objects.get_or_create(building=b, number=unit)[0]
    if floor is None:
        floor = int(number[:-2] or 1) if number.isdigit() else 1
    return Room.objects.get_or_create(
        unit=u, number=number, defaults={"floor": floor, "occupancy": occupancy}
    )[0]


def household(r: Room) -> Household:
    community = r.unit.building.compound.community
    return Household.objects.create(community=community, room=r)


def person(
    home: Household,
    name: str,
    *,
    born: date | None = None,
    phone: str | None = None,
    id_number: str = "",
    sex: str = Resident.Sex.FEMALE,
    active: bool = True,
    tags: tuple[str, ...] = (),
    ended_tags: tuple[str, ...] = (),
) -> Resident:
    """A resident of `home`; `tags` are in force, `ended_tags` ended yesterday."""
    resident = Resident.objects.create(
        community=home.community,
        household=home,
        name=name,
        sex=sex,
        date_of_birth=born or aged(40),
        id_number=id_number,
        phone=phone if phone is not None else str(next(_phones)),
        is_active=active,
    )
    today = timezone.localdate()
    for kind in tags:
        Vulnerability.objects.create(
            community=home.community, resident=resident, kind=kind, since=date(2020, 1, 1)
        )
    for kind in ended_tags:
        Vulnerability.objects.create(
            community=home.community,
            resident=resident,
            kind=kind,
            since=date(2020, 1, 1),
            until=today - timedelta(days=1),
        )
    return resident
