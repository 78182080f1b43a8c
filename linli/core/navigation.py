"""Navigation by role: each app's entries (`LinliAppConfig.nav_items`) that the user's role may
use, in their declared order."""

from django.urls import reverse
from django.utils.functional import Promise

from linli.core.models import User
from linli.core.plugins import nav_items


def nav_for(user: User) -> list[tuple[str, str | Promise]]:
    return [(reverse(item.url_name), item.label) for item in nav_items() if item.shown_to(user)]
