from django import template

from linli.lib.masking import mask_id_number, mask_phone
from linli.lib.names import country_name, language_name, pii_field_names

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


@register.filter
def language_names(values: list[str] | None) -> str:
    return ", ".join(language_name(v) for v in values or [])


@register.filter
def pii_fields(value: str) -> str:
    return pii_field_names(value or "")
