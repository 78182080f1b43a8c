"""Test data built through the same models the app uses, with personas per role."""

import itertools
from datetime import date

from django.contrib.auth.models import Group

from linli.core.models import Building, Community, Compound, District, Room, Street, Unit, User
from linli.core.roles import Role
from linli.people.models import Household, Resident

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


def make_area(name: str = "岐山居民区", street: Street | None = None) -> Community:
    n = next(_seq)
    if street is None:
        district = District.objects.create(name="静安区", code=f"D{n}")
        street = Street.objects.create(district=district, name="江苏路街道", code=f"S{n}")
    return Community.objects.create(street=street, name=name, code=f"C{n}")


def make_room(community: Community, number: str = "502", building: str = "3") -> Room:
    compound, _ = Compound.objects.get_or_create(community=community, name="岐山村")
    b, _ = Building.objects.get_or_create(compound=compound, number=building)
    unit, _ = Unit.objects.get_or_create(building=b, number="1")
    room, _ = Room.objects.get_or_create(unit=unit, number=number)
    return room


def make_resident(
    community: Community,
    name: str = "张三",
    *,
    phone: str = "13812345678",
    id_number: str = "310101199001011237",
    born: date = date(1990, 1, 1),
    room: str = "502",
) -> Resident:
    household = Household.objects.create(
        community=community, room=make_room(community, room), phone=phone
    )
    return Resident.objects.create(
        community=community,
        household=household,
        name=name,
        sex=Resident.Sex.MALE,
        date_of_birth=born,
        id_number=id_number,
        phone=phone,
    )


def make_user(role: Role, community: Community | None = None, street: Street | None = None) -> User:
    n = next(_seq)
    user = User.objects.create_user(
        username=f"{role.value}-{n}",
        password=PASSWORD,
        community=community,
        street=street,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    user.groups.add(Group.objects.get(name=role.value))
    return user
