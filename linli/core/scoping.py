"""The one scoping function: every queryset a user can reach passes through `scoped`.

It fails closed: a model that does not declare `community_field` cannot be scoped at all, and a
user without an area sees nothing.
"""

from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404

from linli.core.models import User
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
    prefix = f"{path}__" if path else ""
    if user.community_id is not None:
        return qs.filter(**{path or "pk": user.community_id})
    if user.street_id is not None:
        return qs.filter(**{f"{prefix}street": user.street_id})
    if user.district_id is not None:
        return qs.filter(**{f"{prefix}street__district": user.district_id})
    return qs.none()


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
