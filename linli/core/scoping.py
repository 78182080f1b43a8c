"""The one scoping function: every queryset a user can reach passes through `scoped`.

It fails closed: a model that does not declare `community_field` cannot be scoped at all, and a
user without an area sees nothing.
"""

from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404

from linli.core.models import Community, User
from linli.core.roles import Cap

M = TypeVar("M", bound=models.Model)


def community_path(model: type[models.Model]) -> str:
    try:
        return str(model.community_field)  # type: ignore[attr-defined]
    except AttributeError:
        raise TypeError(
            f"{model.__name__} declares no community_field: it cannot be scoped"
        ) from None


def scoped(user: User | AnonymousUser, qs: models.QuerySet[M]) -> models.QuerySet[M]:
    """Only the rows of `qs` inside the user's community, street or district."""
    path = community_path(qs.model)
    if not isinstance(user, User) or not user.is_active:
        return qs.none()
    if user.is_superuser:
        return qs
    if user.community_id is not None:
        return qs.filter(**{path or "pk": user.community_id})
    if user.street_id is not None or user.district_id is not None:
        # The area's communities as a list rather than a join: the database then knows how many
        # rows they hold, and can walk an index in order and stop early (a street's late list).
        return qs.filter(**{f"{path or 'pk'}__in": area_community_ids(user)})
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
