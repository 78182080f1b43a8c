"""Countries and languages by name, in the reader's language, for codes the register stores."""

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.functional import Promise
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

# The nationalities a Chinese community's foreign residents most often hold; any other code is
# shown as it is stored.
COUNTRIES: dict[str, Promise] = {
    "CN": _("China"),
    "JP": _("Japan"),
    "KR": _("South Korea"),
    "US": _("United States"),
    "GB": _("United Kingdom"),
    "FR": _("France"),
    "DE": _("Germany"),
    "IT": _("Italy"),
    "ES": _("Spain"),
    "RU": _("Russia"),
    "SG": _("Singapore"),
    "MY": _("Malaysia"),
    "TH": _("Thailand"),
    "VN": _("Vietnam"),
    "PH": _("Philippines"),
    "ID": _("Indonesia"),
    "IN": _("India"),
    "PK": _("Pakistan"),
    "AU": _("Australia"),
    "CA": _("Canada"),
    "BR": _("Brazil"),
    "NL": _("Netherlands"),
    "CH": _("Switzerland"),
}

# Spoken languages Django names only as scripts ("Simplified Chinese").
SPOKEN: dict[str, Promise] = {"zh": _("Chinese"), "yue": _("Cantonese")}


def country_name(code: str) -> str:
    code = (code or "").upper()
    return str(COUNTRIES.get(code, code))


def language_name(code: str) -> str:
    """Django's own translated name of a language ("ja" → 日语 / Japanese); else the code."""
    key = (code or "").strip().lower()
    if key in SPOKEN:
        return str(SPOKEN[key])
    try:
        return str(get_language_info(key)["name_translated"])
    except KeyError:
        return code


def language_names(codes: list[str] | None) -> str:
    return ", ".join(language_name(c) for c in codes or [])


# What a look at personal data saw, as the PII access log names it.
PII_FIELDS: dict[str, Promise] = {
    "name": _("name"),
    "phone": _("phone"),
    "id_number": _("identity number"),
    "contact_phone": _("contact phone"),
    "health_notes": _("health notes"),
    "visit_pass": _("medical visit pass"),
    "masked": _("masked"),
    "export:register": _("register export"),
    "export:vulnerable": _("vulnerable-groups export"),
    "export:ledger": _("ledger export"),
}


def _pii_field_name(field: str) -> str:
    if field.startswith("search:"):  # a search that showed whoever it found
        searched = field.removeprefix("search:")
        if searched in PII_FIELDS:
            return _("search by %(field)s") % {"field": PII_FIELDS[searched]}
        return _("search for %(value)s") % {"value": searched}
    return str(PII_FIELDS.get(field, field))


def pii_field_names(fields: str) -> str:
    return ", ".join(_pii_field_name(f) for f in fields.split(",") if f)


# The reasons Linli itself gives a change in a history (a worker's own reason is shown as typed).
HISTORY_REASONS: dict[str, Promise] = {
    "added": _("added"),
    "created": _("created"),
    "changed": _("changed"),
    "corrected": _("corrected"),
    "moved": _("moved"),
    "deceased": _("deceased"),
    "import": _("import"),
    "started": _("started"),
    "stopped": _("stopped"),
    "resumed": _("resumed"),
    "checked in": _("checked in"),
    "daily contact": _("daily contact"),
    "destination": _("destination"),
    "quarantine released": _("quarantine released"),
    "phone of a call": _("number kept from a call"),
}


def history_reason(reason: str | None) -> str:
    """A history row's reason in the user's language: Linli's own words translated, "moved:
    to her daughter's" with its code translated, a worker's words as they were typed."""
    text = reason or ""
    code, sep, rest = text.partition(": ")
    if code in HISTORY_REASONS:
        return f"{HISTORY_REASONS[code]}{sep}{rest}"
    return text


# A weekday as an import keeps it (Mon, Tue … as the rosters' English columns wrote it).
WEEKDAY_CODES = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def weekday_name(value: object) -> str:
    """Mon, Tue … in the user's language (周一 …); any other value as it is."""
    text = str(value)
    day = WEEKDAY_CODES.get(text[:3].lower()) if text.isascii() and text.isalpha() else None
    return text if day is None else str(WEEKDAYS_ABBR[day])
