"""What an actor may do with one object: the base of every app's object policies.

Each app's `policy.py` has one `ObjectPolicy` per object type it writes (the ledger's requests
and visit passes, care's plans, quarantine's travellers and hotels …). The policy is asked by the
app's actions (`check` first thing, so a caller from another app is checked like a view), by the
views and templates (`allowed`: which buttons show), by the API and by the access-matrix test.

Who acts is a user, or, when no user does, an `Agent` passed explicitly: `SYSTEM` for Linli's
own work (the worker's rounds, the seed, a periodic job) and `VISITOR` for a resident on a
public page. An agent is never `None` by accident: an action's `actor` is required.
"""

from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar, get_args

from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from linli.core.models import (
    Building,
    Community,
    Compound,
    PiiAccess,
    PiiAlert,
    Room,
    Street,
    Team,
    Unit,
    User,
)
from linli.core.roles import STREET_LEVEL, Cap
from linli.core.scoping import area_community_ids
from linli.core.selectors import can_review_access

T = TypeVar("T")


@dataclass(frozen=True)
class Agent:
    """Who acts when no user does. `SYSTEM` may do everything (it is Linli's own rule being
    carried out); `VISITOR` (someone on a public page) only the actions a policy lists in
    `public_actions`."""

    name: str
    trusted: bool

    def __str__(self) -> str:
        return self.name


SYSTEM = Agent("system", trusted=True)
VISITOR = Agent("visitor", trusted=False)

Actor = User | Agent


def as_user(actor: Actor) -> User | None:
    """The user to record as having done it (a timeline line, a history row); none for an agent."""
    return actor if isinstance(actor, User) else None


def in_area(user: User, community: Community | int) -> bool:
    """Whether `community` (or the community of that id) is in the user's area: their own
    community, or for street and district staff any community of their street or district (an
    administrator: every one)."""
    community_id = community if isinstance(community, int) else community.pk
    if user.is_superuser or user.community_id == community_id:
        return True
    if user.community_id is not None:
        return False
    return community_id in area_community_ids(user)


def street_of(user: User) -> int | None:
    """The street a user works in: their community's, or their own as street staff."""
    if user.community_id is not None:
        return user.community.street_id  # type: ignore[union-attr]
    return user.street_id


def in_street_area(user: User, street: Street) -> bool:
    """Whether `street` is the user's as street or district staff (not as a community's)."""
    if user.is_superuser:
        return True
    if user.community_id is not None:
        return False
    if user.street_id is not None:
        return user.street_id == street.pk
    return user.district_id is not None and user.district_id == street.district_id


class ObjectPolicy(Generic[T]):
    """What an actor may do with an object of one type.

    A subclass names its `actions` and answers `user_may(user, obj, action)` for an active
    user; `user_may_create(user, place)` says whether the user may make a new one in a
    community or street. Agents are answered here: `SYSTEM` may, `VISITOR` only
    `public_actions` (and creating when `public_creates`)."""

    actions: ClassVar[tuple[str, ...]] = ()
    public_actions: ClassVar[frozenset[str]] = frozenset()
    public_creates: ClassVar[bool] = False
    # Models whose rows are parts of this type's objects, written only by its actions (a
    # request's timeline, a resident's tags): they need no policy of their own.
    parts: ClassVar[tuple[type[Any], ...]] = ()
    refusal: ClassVar[str | Promise] = _("you may not do this")
    create_refusal: ClassVar[str | Promise] = _("you may not do this")

    @classmethod
    def model(cls) -> type[Any]:
        """The model this policy is for: `ObjectPolicy[Request]` → Request."""
        for klass in cls.__mro__:
            for base in getattr(klass, "__orig_bases__", ()):
                args = get_args(base)
                if args and isinstance(args[0], type):
                    return args[0]
        raise TypeError(f"{cls.__name__} names no model: ObjectPolicy[Model]")

    def user_may(self, user: User, obj: T, action: str) -> bool:
        raise NotImplementedError

    def user_may_create(self, user: User, place: Community | Street) -> bool:
        return False

    def may(self, actor: Actor, obj: T, action: str) -> bool:
        if action not in self.actions:
            raise ValueError(f"{type(self).__name__} knows no action {action!r}")
        if isinstance(actor, Agent):
            return actor.trusted or action in self.public_actions
        return actor.is_active and self.user_may(actor, obj, action)

    def may_create(self, actor: Actor, place: Community | Street) -> bool:
        if isinstance(actor, Agent):
            return actor.trusted or self.public_creates
        return actor.is_active and self.user_may_create(actor, place)

    def allowed(self, actor: Actor, obj: T) -> dict[str, bool]:
        """Each action and whether `actor` may take it: the buttons a page shows."""
        return {action: self.may(actor, obj, action) for action in self.actions}

    def check(self, actor: Actor, obj: T, action: str) -> None:
        """PermissionDenied (a 403 on pages and in the API) unless `actor` may."""
        if not self.may(actor, obj, action):
            raise PermissionDenied(str(self.refusal))

    def check_create(self, actor: Actor, place: Community | Street) -> None:
        if not self.may_create(actor, place):
            raise PermissionDenied(str(self.create_refusal))


def sees_full_numbers(user: User) -> bool:
    """Whether pages and exports show the user full phone and identity numbers (each look
    logged) rather than masked ones."""
    return user.can(Cap.VIEW_PII)


def reaches_by_relation_only(user: User) -> bool:
    """A street-level role (hotel staff): rows of a community only by relation, none by area."""
    return user.role in STREET_LEVEL


def oversees(user: User) -> bool:
    """Street and district staff who read their area's figures: their lists group by
    community, their worklist starts from what is late."""
    return user.can(Cap.VIEW_FIGURES)


# --- Core's own object types ---------------------------------------------------------------------


class TeamPolicy(ObjectPolicy[Team]):
    """A community's teams: made and changed by those who hand its requests out (交办)."""

    actions = ("edit",)
    refusal = _("you may not change this team")
    create_refusal = _("you may not make teams for this community")

    def _manages(self, user: User, community_id: int) -> bool:
        return user.can(Cap.HANDLE_REQUESTS) and in_area(user, community_id)

    def user_may_create(self, user: User, place: Community | Street) -> bool:
        return isinstance(place, Community) and self._manages(user, place.pk)

    def user_may(self, user: User, team: Team, action: str) -> bool:
        return self._manages(user, team.community_id)


class AccessLogPolicy(ObjectPolicy[PiiAlert]):
    """Who looked at whose data, and the alerts it raised: reviewed by the community's head and
    those above it (`can_review_access`)."""

    actions = ("review",)
    parts = (PiiAccess,)
    refusal = _("you may not review this")

    def user_may(self, user: User, alert: PiiAlert, action: str) -> bool:
        return can_review_access(user) and in_area(user, alert.community_id)


class PlacePolicy(ObjectPolicy[Community]):
    """The places of a community (its compounds, buildings, units and rooms): read by whoever
    works there, written only by the register's import and `room_at` as people are added."""

    actions = ("view",)
    parts = (Compound, Building, Unit, Room)

    def user_may(self, user: User, community: Community, action: str) -> bool:
        return in_area(user, community)


TEAMS = TeamPolicy()
ACCESS_LOG = AccessLogPolicy()
PLACES = PlacePolicy()
