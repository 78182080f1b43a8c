"""The quarantine pages' sub-navigation: which sections the policy offers the user."""

from typing import Any

from django import template

from linli.core.models import User
from linli.quarantine.policy import sections

register = template.Library()


@register.simple_tag(takes_context=True)
def quarantine_sections(context: dict[str, Any]) -> dict[str, bool]:
    user = context["request"].user
    return sections(user) if isinstance(user, User) else {}
