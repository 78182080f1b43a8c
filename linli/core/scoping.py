"""The one scoping function: every queryset a user can reach passes through `scoped`.

Each model declares its `scope` (`linli.core.scope`): where its rows belong (a community or a
street) and who sees which of them (the whole area, or only the rows related to them). It fails
closed: a model that declares no scope cannot be scoped at all, a user without an area sees
nothing, and a user whose role is neither among the model's whole-area roles nor in one of its
relations sees no row.
"""

from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.shortcuts import get_object_or_404

from linli.core.models import Community, User
from linli.core.roles import STREET_LEVEL, Cap
from linli.core.scope import Scope

M = TypeVar("M", bound=models.Model)


def scope_of(model: type[models.Model]) -> Scope:
    scope = getattr(model, "scope", None)
    if not isinstance(scope, Scope):
        raise TypeError(f"{model.__name__} declares no scope: it cannot be scoped")
    return scope


def community_path(model: type[models.Model]) -> str:
    """The path from `model` to its community ("" for Community itself)."""
    scope = scope_of(model)
    if scope.community is None:
        raise TypeError(f"{model.__name__} belongs to a street, not to a community")
    return scope.community


def scoped(user: User | AnonymousUser, qs: models.QuerySet[M]) -> models.QuerySet[M]:
    """Only the rows of `qs` inside the user's community, street or district, and of those only
    the ones the user's role may see (`Scope.whole_area`, `Scope.relations`)."""
    scope = scope_of(qs.model)
    if not isinstance(user, User) or not user.is_active:
        return qs.none()
    if user.is_superuser:
        return qs
    qs = _in_area(user, qs, scope)
    by_area = scope.whole_area is None or any(user.can(cap) for cap in scope.whole_area)
    if by_area and user.role not in STREET_LEVEL:
        return qs
    related = [r for r in scope.relations if user.can(r.cap)]
    if not related:
        return qs.none()
    by_relation = Q()
    for relation in related:
        by_relation |= Q(**{relation.path: user})
    if any("__" in r.path for r in related):  # through a to-many relation: one row each
        return qs.filter(pk__in=qs.model._default_manager.filter(by_relation).values("pk"))
    return qs.filter(by_relation)


def _in_area(user: User, qs: models.QuerySet[M], scope: Scope) -> models.QuerySet[M]:
    if scope.street is not None:
        # A street's own rows: its staff's, its communities' staff's, its district's.
        if user.community_id is not None:
            community = user.community
            assert community is not None  # noqa: S101 - loaded by its id just above
            return qs.filter(**{scope.street: community.street_id})
        if user.street_id is not None:
            return qs.filter(**{scope.street: user.street_id})
        if user.district_id is not None:
            return qs.filter(**{f"{scope.street}__district": user.district_id})
        return qs.none()
    path = scope.community or "pk"
    if user.community_id is not None:
        return qs.filter(**{path: user.community_id})
    if user.street_id is not None or user.district_id is not None:
        # The area's communities as a list rather than a join: the database then knows how many
        # rows they hold, and can walk an index in order and stop early (a street's late list).
        return qs.filter(**{f"{path}__in": area_community_ids(user)})
    return qs.none()


def area_community_ids(user: User) -> list[int]:
    """The communities of a street or district user's area, read once per user object."""
    cached: list[int] | None = user.__dict__.get("_area_community_ids")
    if cached is None:
        area = Community.objects.order_by("pk")
        if user.street_id is not None:
            area = area.filter(street=user.street_id)
        else:
            area = area.filter(street__district=user.district_id)
        cached = list(area.values_list("pk", flat=True))
        user.__dict__["_area_community_ids"] = cached
    return cached


def get_for_user(
    user: User | AnonymousUser,
    qs: models.QuerySet[M],
    cap: Cap | None = None,
    **lookup: Any,
) -> M:
    """The object inside the user's area, or 404; PermissionDenied when the role lacks `cap`.

    Outside the area it is always 404, never 403, so that a URL does not even tell whether the
    object exists in another community.
    """
    obj = get_object_or_404(scoped(user, qs), **lookup)
    if cap is not None and not (isinstance(user, User) and user.can(cap)):
        raise PermissionDenied
    return obj
