"""Deterministic demo data (`linli seed`): a district, its streets and communities, a demo user
of every role, and what each app adds community by community (`LinliAppConfig.seed_steps`:
the register's households and residents, …).
"""

import secrets
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, models, transaction

from linli.core.models import (
    Building,
    Community,
    Compound,
    District,
    PiiAccess,
    Room,
    Street,
    Unit,
    User,
)
from linli.core.plugins import SeedRun, seed_steps
from linli.core.roles import Role

COMMUNITY_NAMES = (
    "岐山",
    "华山",
    "愚园",
    "江苏",
    "长新",
    "镇宁",
    "万航",
    "西康",
    "曹家堰",
    "利西",
    "南京西",
    "静安寺",
    "康定",
    "武定",
    "延平",
    "昌平",
    "胶州",
    "余姚",
    "安远",
    "常德",
)


@dataclass
class SeedResult:
    password: str
    logins: list[dict[str, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def delete_all(*tables: type[models.Model]) -> None:
    """Plain DELETE statements, in the order given (children first): the ORM's cascading
    delete would load every one of a million rows into memory first."""
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608


def reset_demo_data() -> None:
    """Delete every area, person and area user (administrators who belong to no area stay):
    each app's demo data first, the latest installed first, then the areas."""
    for step in reversed(seed_steps()):
        step.reset()
    users = User.objects.exclude(community=None, street=None, district=None) | User.objects.filter(
        username="admin"
    )
    user_ids = list(users.values_list("pk", flat=True))
    User.groups.through.objects.filter(user_id__in=user_ids).delete()
    User.user_permissions.through.objects.filter(user_id__in=user_ids).delete()
    delete_all(PiiAccess)
    users.delete()
    delete_all(Room, Unit, Building, Compound, Community, Street, District)


@transaction.atomic
def seed(
    *,
    streets: int = 1,
    communities: int = 2,
    residents: int = 2000,
    seed: int = 1,
    password: str | None = None,
    foreign_share: float = 0.02,
    reset: bool = False,
) -> SeedResult:
    """Seed `streets` streets of `communities` communities each, `residents` residents in all."""
    if reset:
        reset_demo_data()
    elif District.objects.exists():
        raise ValueError(
            "the database already has areas; pass reset=True (--reset) to replace them"
        )
    run = SeedRun(seed=seed, foreign_share=foreign_share)
    steps = [step(run) for step in seed_steps()]
    result = SeedResult(password=password or secrets.token_urlsafe(9))
    hashed = make_password(result.password)  # hashed once: every demo user shares it
    groups = {g.name: g for g in Group.objects.all()}
    users: list[tuple[User, Role]] = []

    district = District.objects.create(name="静安区", code="310106")
    n_communities = streets * communities
    per_community, extra = divmod(residents, n_communities)
    index = 0
    for s in range(1, streets + 1):
        street = Street.objects.create(
            district=district,
            name=f"江苏路街道{s}" if streets > 1 else "江苏路街道",
            code=f"S{s:03d}",
        )
        users.append(
            (User(username=f"s{s}-official", first_name="街道干部", street=street), Role.OFFICIAL)
        )
        users.append(
            (User(username=f"s{s}-hotel", first_name="酒店专班", street=street), Role.HOTEL)
        )
        for c in range(1, communities + 1):
            index += 1
            name = COMMUNITY_NAMES[(index - 1) % len(COMMUNITY_NAMES)]
            community = Community.objects.create(
                street=street,
                name=f"{name}居民区" + (f"{index}" if index > len(COMMUNITY_NAMES) else ""),
                code=f"S{s:03d}C{c:03d}",
            )
            for role, title in (
                (Role.WORKER, "社工"),
                (Role.OPERATOR, "接线员"),
                (Role.DOCTOR, "社区医生"),
                (Role.VOLUNTEER, "志愿者"),
                (Role.SOCIAL_WORKER, "社会工作者"),
                (Role.PROPERTY, "物业"),
            ):
                users.append(
                    (
                        User(
                            username=f"c{index}-{role.value}",
                            first_name=f"{name}{title}",
                            community=community,
                        ),
                        role,
                    )
                )
            count = per_community + (1 if index <= extra else 0)
            for each in steps:
                each.community(community, count)
    users.append((User(username="admin", first_name="管理员", is_staff=True, is_superuser=True), Role.ADMIN))  # fmt: skip

    for user, _role in users:
        user.password = hashed
    User.objects.bulk_create([u for u, _r in users])
    Membership = User.groups.through
    Membership.objects.bulk_create(
        Membership(user_id=u.pk, group_id=groups[r.value].pk) for u, r in users
    )
    for user, role in users:
        area = user.community or user.street
        result.logins.append(
            {"role": role.value, "area": str(area) if area else "", "username": user.username}
        )
    result.counts = {"communities": n_communities}
    for each in steps:
        each.finish()
    result.counts.update(run.counts)
    return result
