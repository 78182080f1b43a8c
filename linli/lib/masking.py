"""Masking of personal data for roles that have no need to see it whole."""


def mask_phone(phone: str) -> str:
    """13812341234 → 138****1234; anything short keeps only its last two characters."""
    digits = phone.strip()
    if len(digits) >= 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) > 4:
        return "*" * (len(digits) - 4) + digits[-4:]
    return "*" * len(digits)


def mask_id_number(number: str) -> str:
    """310101199001011234 → 310***********1234 (region prefix and last four only)."""
    value = number.strip()
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
