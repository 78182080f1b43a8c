"""Countries and languages by name, in the reader's language, for codes the register stores."""

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


def pii_field_names(fields: str) -> str:
    return ", ".join(str(PII_FIELDS.get(f, f)) for f in fields.split(",") if f)
