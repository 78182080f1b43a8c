"""Street-level roles (hotel staff today; supply keepers, couriers and samplers to come) work
for a place of the street, not for a community: they reach a community's rows by relation only
(a stay in their hotel, and what hangs from it), never by area. The walk goes over every such
role, each of its capabilities and every scoped model, on a seeded street with hotels and
guests, and names each row a role reaches that no relation ties to it."""

import pytest
from django.apps import apps
from django.db import models

from linli.core import scoping
from linli.core.models import Street, User
from linli.core.roles import ROLE_CAPABILITIES, STREET_LEVEL, Role
from linli.core.scope import Scope
from linli.core.scoping import scoped
from linli.core.seeding import seed
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def community_models() -> list[type[models.Model]]:
    return sorted(
        (m for m in apps.get_models() if isinstance(getattr(m, "scope", None), Scope)),
        key=lambda m: m._meta.label,
    )


def reached_by_relation(user: User, model: type[models.Model]) -> set[int]:
    scope: Scope = model.scope  # type: ignore[attr-defined]
    pks: set[int] = set()
    for relation in scope.relations:
        if user.can(relation.cap):
            rows = model._default_manager.filter(**{relation.path: user})
            pks |= set(rows.values_list("pk", flat=True))
    return pks


def leaks(user: User) -> dict[str, int]:
    """Per model, how many rows `user` sees that no relation of theirs ties to them."""
    found = {}
    for model in community_models():
        seen = set(scoped(user, model._default_manager.all()).values_list("pk", flat=True))
        beyond = seen - reached_by_relation(user, model)
        if beyond:
            found[model._meta.label] = len(beyond)
    return found


@pytest.fixture
def street() -> Street:
    seed(communities=2, residents=300, seed=5, password="p")
    return Street.objects.get()


@pytest.mark.parametrize("role", sorted(STREET_LEVEL))
def test_street_level_roles_see_a_communitys_rows_only_by_relation(
    role: Role, street: Street, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded = list(User.objects.filter(street=street, groups__name=role.value))
    stranger = make_user(role, street=street)  # of the street, tied to nothing
    assert seeded, "the seed gives the street a user of this role"
    capabilities = ROLE_CAPABILITIES[role]
    found = {}
    for cap in sorted(capabilities):
        # The role holding this one capability alone: each capability is walked on its own.
        monkeypatch.setitem(ROLE_CAPABILITIES, role, frozenset({cap}))
        for user in [*seeded, stranger]:
            if beyond := leaks(user):
                found[f"{user.username} by {cap.value}"] = beyond
    monkeypatch.setitem(ROLE_CAPABILITIES, role, capabilities)
    assert found == {}
    assert all(not reached_by_relation(stranger, m) for m in community_models())
    # The walk is not vacuous: the seeded staff do reach rows, by their hotel's stays.
    assert any(reached_by_relation(user, m) for user in seeded for m in community_models())


def test_the_walk_finds_a_street_level_role_let_through_by_area(
    street: Street, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Planted: were hotel staff an ordinary role, the walk would name what they reach by area
    (a street's calls and timelines, whose scopes name no whole-area capability)."""
    monkeypatch.setattr(scoping, "STREET_LEVEL", frozenset())
    found = leaks(make_user(Role.HOTEL, street=street))
    assert "ledger.Call" in found
    assert "core.Community" in found
