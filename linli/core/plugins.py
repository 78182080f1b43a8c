"""What each app brings to the whole: its navigation, its home-page panels, the jobs the worker
runs every minute, its steps of the demo data and what its routes' parameters stand for.

An app of Linli declares them on its AppConfig, a `LinliAppConfig`; core collects them from the
installed apps and imports none of them (tests/core/test_plugins.py holds core to that). A new
app plugs in by installing it: docs/architecture.md says how.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from django.apps import AppConfig, apps
from django.utils.functional import Promise

from linli.core.roles import Cap

if TYPE_CHECKING:
    from linli.core.http import AuthedRequest
    from linli.core.models import Community, User


@dataclass(frozen=True)
class NavItem:
    """An entry of the navigation, shown to the roles holding any one of its capabilities."""

    url_name: str
    label: str | Promise
    cap: Cap | tuple[Cap, ...] | None = None
    order: int = 500
    staff_only: bool = False
    also: "Callable[[User], bool] | None" = None  # a further condition beyond the capability

    def shown_to(self, user: "User") -> bool:
        if self.staff_only and not user.is_staff:
            return False
        if self.also is not None and not self.also(user):
            return False
        if self.cap is None:
            return True
        caps = self.cap if isinstance(self.cap, tuple) else (self.cap,)
        return any(user.can(cap) for cap in caps)


@dataclass(frozen=True)
class HomePanel:
    """A part of the home page: a template, shown to whom its test says, with its context."""

    name: str
    template: str
    shown_to: "Callable[[User], bool]"
    context: "Callable[[AuthedRequest], dict[str, Any]]" = field(default=lambda request: {})
    order: int = 500


@dataclass(frozen=True)
class PeriodicJob:
    """Work the background worker does every minute (`linli worker`)."""

    name: str
    run: Callable[[], object]


@dataclass
class SeedRun:
    """One run of `linli seed`: its arguments, and the counts each step reports."""

    seed: int
    foreign_share: float
    counts: dict[str, int] = field(default_factory=dict)


class SeedStep(Protocol):
    """An app's part of the demo data: made once per run, told of each community in turn (with
    its share of the residents), and able to delete the demo data it made."""

    def __init__(self, run: SeedRun) -> None: ...

    def community(self, community: "Community", residents: int) -> None: ...

    def finish(self) -> None:
        """Once every community is seeded: add the step's counts to `SeedRun.counts`."""

    @staticmethod
    def reset() -> None: ...


class LinliAppConfig(AppConfig):
    """An app of Linli. Override what the app contributes; the defaults contribute nothing."""

    # What each parameter of the app's routes stands for, by URL name: a kind of object of the
    # access matrix (tests/core/test_access_matrix.py) or a fixed value ("=mine").
    route_objects: ClassVar[dict[str, dict[str, str]]] = {}

    def nav_items(self) -> Sequence[NavItem]:
        return ()

    def home_panels(self) -> Sequence[HomePanel]:
        return ()

    def periodic_jobs(self) -> Sequence[PeriodicJob]:
        return ()

    def seed_steps(self) -> Sequence[type[SeedStep]]:
        return ()


def linli_apps() -> list[LinliAppConfig]:
    """The installed apps of Linli, in the order of INSTALLED_APPS."""
    return [c for c in apps.get_app_configs() if isinstance(c, LinliAppConfig)]


@cache
def nav_items() -> tuple[NavItem, ...]:
    return tuple(sorted((i for a in linli_apps() for i in a.nav_items()), key=lambda i: i.order))


@cache
def home_panels() -> tuple[HomePanel, ...]:
    found = (p for a in linli_apps() for p in a.home_panels())
    return tuple(sorted(found, key=lambda p: p.order))


def periodic_jobs() -> list[PeriodicJob]:
    return [job for a in linli_apps() for job in a.periodic_jobs()]


def seed_steps() -> list[type[SeedStep]]:
    return [step for a in linli_apps() for step in a.seed_steps()]


def route_objects() -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for app in linli_apps():
        found.update(app.route_objects)
    return found
