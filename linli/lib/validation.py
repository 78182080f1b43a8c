"""Validation of the personal data communities type and import: each function returns the clean
value or raises `Invalid` with a reason a community worker can act on."""

import re
from datetime import date, datetime

import phonenumbers
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel
from phonenumbers import PhoneMetadata

from linli.lib.idcard import check_char


def excerpt(value: object, chars: int = 30) -> str:
    """A value as an error message quotes it: its first `chars` characters (a hostile file's
    10,000-character cell is not copied into every line of its error report)."""
    text = str(value)
    return text if len(text) <= chars else text[:chars] + "…"


class Invalid(ValueError):
    pass


ID_SHAPE = re.compile(r"^\d{17}[\dX]$")


def validate_prc_id(raw: str, today: date) -> tuple[str, date, str]:
    """(normalised number, birth date, sex 'M'/'F') of an 18-digit PRC identity number."""
    number = raw.strip().upper()
    if not ID_SHAPE.match(number):
        raise Invalid(_("an identity number has 18 characters: 17 digits and a digit or X"))
    if number[0] not in "12345678":
        raise Invalid(_("%(region)s is not a region code") % {"region": number[:6]})
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise Invalid(
            _("birth date %(date)s in the identity number is not a real date")
            % {"date": f"{number[6:10]}-{number[10:12]}-{number[12:14]}"}
        ) from None
    if born > today or born.year < 1890:
        raise Invalid(
            _("birth date %(date)s in the identity number is impossible") % {"date": born}
        )
    if check_char(number[:17]) != number[17]:
        raise Invalid(_("the check digit is wrong: the number was mistyped"))
    return number, born, "M" if int(number[16]) % 2 else "F"


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
# How a csv writes the number Excel keeps for a date in a column formatted General: digits, no
# leading zero (016138 was typed as text, and is no serial).
SERIAL_TEXT = re.compile(r"[1-9]\d*")
# Since 1900-03-01 Excel's serial of a day is its count of days since 1899-12-30: one more than
# since 1899-12-31, day 1, because Excel counts a 1900-02-29 that never was.
EXCEL_DAY_ZERO = date(1899, 12, 30)


def excel_serial(value: object, today: date) -> date | None:
    """The date an Excel date serial number stands for (1900 system), when `value` is one: a
    number cell, or the digits its csv holds; None for any other value.

    A number is read as a serial from above this year's number up to today's serial (five
    digits), so that what else a date column holds is read as before: an age or a year alone
    (85, 1950) is refused, an eight-digit 19500321 is yyyymmdd. The lowest serial read (2027,
    in 2026) is a day of 1905, before anyone on a roster today was born."""
    if isinstance(value, str) and SERIAL_TEXT.fullmatch(value.strip()):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not today.year < value <= (today - EXCEL_DAY_ZERO).days:
        return None
    # from_excel is Excel's own reading, its 1900-02-29 counted; a fraction is the time of day.
    found: datetime = from_excel(value)
    return found.date()


def parse_date(value: object, today: date) -> date:
    """A date from an Excel cell or text (2020-01-31, 2020/1/31, 20200131, 2020年1月31日), or
    Excel's date serial number of it (43861, see `excel_serial`)."""
    if isinstance(value, datetime):
        found = value.date()
    elif isinstance(value, date):
        found = value
    elif (serial := excel_serial(value, today)) is not None:
        found = serial
    else:
        text = str(value).strip()
        for fmt in DATE_FORMATS:
            try:
                found = datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a date, no time)
                break
            except ValueError:
                continue
        else:
            raise Invalid(
                _("%(value)s is not a date (write it as 1950-03-21)") % {"value": excerpt(text)}
            )
    if found > today or found.year < 1890:
        raise Invalid(_("%(date)s is an impossible birth date") % {"date": found})
    return found


SEX = {"男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F", "1": "M", "2": "F"}


def parse_sex(value: object) -> str:
    text = str(value).strip().lower()
    if text in SEX:
        return SEX[text]
    raise Invalid(_("%(value)s is not a sex (男/女, M/F)") % {"value": excerpt(value)})


MOBILE_CN = re.compile(r"^1\d{10}$")
# libphonenumber's own pattern for Chinese mobiles: a number it matches is valid by the library's
# rules (its type is "mobile"), so the common case needs no full parse.
_CN = PhoneMetadata.metadata_for_region("CN")
if _CN is None or _CN.mobile is None:  # pragma: no cover - the library ships CN metadata
    raise RuntimeError("phonenumbers has no metadata for Chinese mobiles")
CN_MOBILE_PATTERN = re.compile(f"(?:{_CN.mobile.national_number_pattern})")


def _callable(number: phonenumbers.PhoneNumber) -> bool:
    """A Chinese number must be one of the country's own (the register is matched on it); a
    foreign one, of a length its country dials: numbering plans change faster than the
    library's tables, and a foreign caller refused at the desk is a caller lost."""
    if number.country_code == 86:
        return bool(phonenumbers.is_valid_number(number))
    return bool(phonenumbers.is_possible_number(number))


def normalize_phone(raw: object) -> str:
    """National digits for a Chinese number (13812345678, 02155551234); +E.164 for others."""
    text = str(raw).strip()
    if isinstance(raw, float) and raw.is_integer():  # Excel stores digit-only cells as numbers
        text = str(int(raw))
    compact = re.sub(r"[\s\-()（）]", "", text)
    if MOBILE_CN.match(compact) and CN_MOBILE_PATTERN.fullmatch(compact):
        return compact
    try:
        number = phonenumbers.parse(compact, "CN")
    except phonenumbers.NumberParseException:
        raise Invalid(_("%(value)s is not a phone number") % {"value": excerpt(text)}) from None
    if not _callable(number):
        raise Invalid(_("%(value)s is not a phone number") % {"value": excerpt(text)})
    if number.country_code == 86:
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        return re.sub(r"\D", "", national)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
