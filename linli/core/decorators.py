from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from linli.core.access import access, needs
from linli.core.models import User
from linli.core.roles import Cap

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)


def capability_required(
    cap: Cap,
) -> Callable[[Callable[..., R]], Callable[..., HttpResponseBase]]:
    """Log in first; then 403 unless the user's role has `cap`."""

    def decorator(view: Callable[..., R]) -> Callable[..., HttpResponseBase]:
        @access(needs(cap))
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not isinstance(user, User) or not user.can(cap):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
