from django import template

from linli.lib.masking import mask_id_number, mask_phone

register = template.Library()


@register.filter
def masked_phone(value: str) -> str:
    return mask_phone(value or "")


@register.filter
def masked_id(value: str) -> str:
    return mask_id_number(value or "")
