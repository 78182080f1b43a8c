"""Numbers typed into addresses and forms: ids, filters, cursors."""

MAX_ID = 2**63 - 1  # the databases' largest integer: no row has a larger id


def digits_only(raw: str) -> bool:
    """Digits 0-9 only (str.isdigit also takes '²' and other digits int() refuses)."""
    return raw.isascii() and raw.isdigit()


def whole_number(raw: str) -> int | None:
    """`raw` (spaces around it aside) as a number an id or a filter can hold; None when it is not
    digits 0-9 only or is past the databases' largest integer (a 500 otherwise, and int() refuses
    to read numbers of more than 4300 digits)."""
    raw = raw.strip()
    if not digits_only(raw):
        return None
    digits = raw.lstrip("0") or "0"
    return int(digits) if len(digits) <= len(str(MAX_ID)) and int(digits) <= MAX_ID else None


def address_number(value: object, suffixes: tuple[str, ...]) -> str:
    """A building, unit or room number as a sheet gives it, without the word after it and as
    text: '3号楼' → '3', 502.0 (a cell Excel stored as a number) → '502'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    for suffix in suffixes:
        text = text.removesuffix(suffix)
    return text.strip()
