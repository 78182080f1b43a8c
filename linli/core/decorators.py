"""Shorthands of `linli.core.access.access` for the common policies."""

from collections.abc import Callable
from typing import TypeVar

from django.http import HttpResponseBase

from linli.core.access import access, needs
from linli.core.roles import Cap

V = TypeVar("V", bound=Callable[..., HttpResponseBase])


def capability_required(cap: Cap, *, in_community: bool = False) -> Callable[[V], V]:
    """Sign in first (the login page), then 403 unless the user's role has `cap`."""
    return access(needs(cap, in_community=in_community))
