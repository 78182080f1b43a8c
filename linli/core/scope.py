"""How each model's rows are scoped: what a model declares, and `linli.core.scoping` enforces.

Every model a user can reach declares `scope = Scope(...)`:

- the row's place: `community` (a path to its community; "" for Community itself) or `street`
  (a path to its street, for what belongs to a street: hotels, supply points, kitchens, street
  teams);
- `whole_area`: the capabilities whose holders see every row of their area. Everyone else sees
  only the rows that `relations` tie to them (hotel staff their hotel's guests, a courier the
  stops of their rounds, a care team its households, a volunteer the requests handed to them),
  and nothing when no relation applies: it fails closed. None means every role that reaches the
  model sees its whole area.
"""

from dataclasses import dataclass, replace

from linli.core.roles import Cap


@dataclass(frozen=True)
class Relation:
    """Rows a holder of `cap` sees beyond their area's: those whose `path` leads to the user."""

    cap: Cap
    path: str


@dataclass(frozen=True)
class Scope:
    community: str | None = None
    street: str | None = None
    whole_area: frozenset[Cap] | None = None
    relations: tuple[Relation, ...] = ()

    def __post_init__(self) -> None:
        if (self.community is None) == (self.street is None):
            raise ValueError("a scope names either the row's community or its street")


def in_community(path: str, *whole_area: Cap, relations: tuple[Relation, ...] = ()) -> Scope:
    """Rows of a community (`path` leads to it), seen by the holders of `whole_area` (all
    roles when none are named) and, by relation, by others."""
    return Scope(community=path, whole_area=frozenset(whole_area) or None, relations=relations)


def in_street(path: str, *whole_area: Cap, relations: tuple[Relation, ...] = ()) -> Scope:
    """Rows of a street (`path` leads to it): seen by the street's staff, by the staff of its
    communities, and by the district."""
    return Scope(street=path, whole_area=frozenset(whole_area) or None, relations=relations)


def add_relations(model: type, *relations: Relation) -> None:
    """Let an app that plugs in add who else sees `model`'s rows (a care team the households of
    its plans), without the model's app knowing of it. Called from the app's `ready()`."""
    scope: Scope = model.scope  # type: ignore[attr-defined]
    model.scope = replace(scope, relations=(*scope.relations, *relations))  # type: ignore[attr-defined]
