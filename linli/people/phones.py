"""Phone numbers against the register: the one set of rules for who a number belongs to.

The register stores national digits (13812345678, 02162345678). A caller ID may carry +86; a
Shanghai landline may come without its area code; a resident may give only the last four digits.
Every part of Linli that asks "whose number is this?" asks here: the hotline's caller lookup,
the operator's search, the ledger's search by person and the tracking page's last four digits.
"""

import hmac
from collections.abc import Iterable

from django.db.models import Q

from linli.core.models import Community
from linli.lib.sql import hot_cursor
from linli.lib.validation import Invalid, normalize_phone
from linli.people.models import Household, Resident, published_sql

MIN_CALLER_DIGITS = 7  # fewer digits name nobody in particular
LOCAL_AREA_CODE = "021"


def is_complete(number: str) -> bool:
    """Whether `number` is a whole phone number, not one still being typed."""
    try:
        normalize_phone(number)
    except Invalid:
        return False
    return True


def digits_of(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


def stored_forms(number: str) -> list[str]:
    """The forms in which the register may hold the number `number` was dialled as."""
    digits = digits_of(number)
    # A foreign number is kept as +E.164 (linli.lib.validation.normalize_phone).
    foreign = f"+{digits[2:]}" if digits.startswith("00") else f"+{digits}"
    return [digits, digits[-11:], f"0{digits[-10:]}", f"{LOCAL_AREA_CODE}{digits[-8:]}", foreign]


def caller(community: Community, number: str) -> tuple[Household | None, Resident | None]:
    """The household and resident of a caller's number in this community, when it is known;
    a resident's own phone wins over a household's."""
    digits = digits_of(number)
    if len(digits) < MIN_CALLER_DIGITS:
        return None, None
    # Both lookups in one statement, written out: every intake with a phone asks this, and
    # building the two querysets cost more than the database took to answer them. No ORDER BY:
    # with one the database may walk the id index instead of the phone index.
    with hot_cursor() as cursor:
        cursor.execute(
            "SELECT id, household_id FROM (SELECT id, household_id FROM people_resident"  # noqa: S608
            " WHERE community_id = %s AND is_active AND phone_tail = %s AND phone LIKE %s AND "
            f"{published_sql('people_resident')} LIMIT 1) AS r UNION ALL SELECT NULL, id FROM"
            " (SELECT id FROM people_household WHERE community_id = %s AND phone IN"
            f" (%s, %s, %s, %s, %s) AND {published_sql('people_household')} LIMIT 1) AS h",
            [community.pk, digits[-4:], f"%{digits[-8:]}", community.pk, *stored_forms(number)],
        )
        found = cursor.fetchall()
    resident_id = next((row[0] for row in found if row[0] is not None), None)
    if resident_id is not None:
        resident = Resident.objects.select_related("household").get(pk=resident_id)
        return resident.household, resident
    if found:
        return Household.objects.get(pk=found[0][1]), None
    return None, None


def residents_reached_at(number: str) -> Q | None:
    """Residents whose own or household phone is `number` or ends with it (four digits or
    more, as an operator types a caller's number); None for fewer."""
    digits = digits_of(number)
    if len(digits) < 4:
        return None
    return Q(phone__endswith=digits) | Q(household__phone__endswith=digits)


def left_with(number: str) -> Q | None:
    """Requests left with this full number by someone the register does not know (7+ digits),
    for a query on requests' `contact_phone`."""
    digits = digits_of(number)
    if len(digits) < MIN_CALLER_DIGITS:
        return None
    return Q(contact_phone__endswith=digits[-11:])


def tail_matches(phones: Iterable[str], tail: str) -> bool:
    """Whether any of `phones` ends with the four digits `tail`, compared in constant time (the
    tracking page's proof that the visitor knows the phone)."""
    found = False
    for phone in phones:
        digits = digits_of(phone)
        if len(digits) >= 4 and hmac.compare_digest(digits[-4:], tail):
            found = True
    return found
