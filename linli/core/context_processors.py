from typing import Any

from django.http import HttpRequest

from linli.core.models import User
from linli.core.navigation import nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_authenticated:
        return {"nav_items": nav_for(user), "user_role": user.role}
    return {"nav_items": [], "user_role": None}
