from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from linli.people.models import Resident

register = template.Library()


@register.filter
def import_field(name: str) -> str:
    """A resident's field as a worker reads it: 电话 for phone, 室号 for room."""
    if name == "room":
        return _("Room")
    try:
        found = Resident._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(found, "verbose_name", name))
