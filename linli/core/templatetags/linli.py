from django import template

from linli.lib.masking import mask_id_number, mask_phone
from linli.lib.names import (
    country_name,
    history_reason,
    language_names,
    pii_field_names,
    weekday_name,
)

register = template.Library()


@register.filter
def masked_phone(value: str) -> str:
    return mask_phone(value or "")


@register.filter
def masked_id(value: str) -> str:
    return mask_id_number(value or "")


@register.filter
def country(value: str) -> str:
    return country_name(value)


register.filter("language_names", language_names)
register.filter("history_reason", history_reason)


@register.filter
def pii_fields(value: str) -> str:
    return pii_field_names(value or "")


@register.filter
def detail_values(details: object) -> str:
    """A tag's attributes as one line (lists joined, weekdays named in the user's language):
    瑞金医院 · 星期二、星期四、星期六 · 08:00."""
    if not isinstance(details, dict):
        return ""
    values = (
        "、".join(map(weekday_name, v)) if isinstance(v, list) else str(v) for v in details.values()
    )
    return " · ".join(v for v in values if v)
