"""Search keys for the register, and the one search over it.

Residents are found by name, pinyin or pinyin initials (`zs` finds 张三), phone tail, room
(`3-502`, `3-2-502`) or identity-number tail. Each form is an indexed lookup led by the community,
so a search stays fast at a million residents.
"""

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from pypinyin import Style, pinyin

from linli.core.models import Room, Unit

if TYPE_CHECKING:
    from linli.people.models import Resident

NON_LETTERS = re.compile(r"[^a-z]")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=65536)
def _char_pinyin(ch: str) -> str:
    """The usual reading of one character ('' for anything that is not Chinese)."""
    if ch.isascii():
        return ch.lower() if ch.isalpha() else ""
    reading = pinyin(ch, style=Style.NORMAL, errors="ignore")
    return reading[0][0] if reading and reading[0] else ""


@lru_cache(maxsize=1 << 14)  # bounded: a million-row import must stay small
def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials): 张三 → ('zhangsan', 'zs'); 'John Miller' → ('johnmiller', 'jm').

    Readings are taken a character at a time and cached: a roster of a million people has only a
    few thousand distinct characters, so this costs a dictionary lookup per character.
    """
    if not CJK.search(name):
        folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        words = [NON_LETTERS.sub("", w.lower()) for w in folded.split()]
        words = [w for w in words if w]
        return "".join(words)[:200], "".join(w[0] for w in words)[:50]
    syllables = [s for s in (_char_pinyin(ch) for ch in name) if s]
    return "".join(syllables)[:200], "".join(s[0] for s in syllables)[:50]


def digits_tail(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit() or ch in "Xx")
    return digits[-4:].upper()


def fill_search_keys(resident: "Resident") -> None:
    resident.name_pinyin, resident.name_initials = name_keys(resident.name)
    resident.phone_tail = digits_tail(resident.phone)
    resident.id_tail = digits_tail(resident.id_number)


ROOM = re.compile(r"^(\d+[A-Za-z]?)(?:-(\d+))?-(\d+[A-Za-z]?)$")


def whole_number(query: str) -> str | None:
    """ "id_number" for a whole identity number, "phone" for more of a phone than its last four
    digits: what the masked numbers hide, and so what only a role that sees full numbers may
    search by (`linli.people.selectors.number_search_refusal`)."""
    compact = query.strip().replace(" ", "").replace("-", "")
    if re.fullmatch(r"\d{17}[\dXx]", compact):
        return "id_number"
    if re.fullmatch(r"\+?\d{5,15}", compact):
        return "phone"
    return None


def search(residents: "QuerySet[Resident]", query: str) -> "QuerySet[Resident]":
    """Residents of `residents` (already scoped) matching `query` in whichever form it takes."""
    q = query.strip()
    if not q:
        return residents
    room = ROOM.match(q)
    if room:
        from linli.people.models import Household

        # Buildings → units → rooms → households → residents, each step a short list through
        # its own index: a join led by the residents would walk the whole community.
        building, unit, number = room.groups()
        units = Unit.objects.filter(building__number=building)
        if unit:
            units = units.filter(number=unit)
        rooms = Room.objects.filter(
            unit__in=list(units.values_list("pk", flat=True)), number=number
        )
        households = Household.objects.filter(room__in=list(rooms.values_list("pk", flat=True)))
        return residents.filter(household__in=list(households.values_list("pk", flat=True)))
    compact = q.replace(" ", "")
    if re.fullmatch(r"\d{3}[\dXx]|\d{4}", compact):
        tail = compact.upper()
        # Two index lookups rather than one OR, which SQLite would answer with a full scan.
        by_phone = list(residents.filter(phone_tail=tail).values_list("pk", flat=True)[:1000])
        by_id = list(residents.filter(id_tail=tail).values_list("pk", flat=True)[:1000])
        return residents.filter(pk__in=by_phone + by_id)
    if re.fullmatch(r"\d{17}[\dXx]", compact):
        return residents.filter(id_number=compact.upper())
    if re.fullmatch(r"\+?\d{7,15}", compact):
        return residents.filter(phone_tail=compact[-4:], phone__endswith=compact.lstrip("+"))
    if q.isascii() and re.fullmatch(r"[A-Za-z ]+", q):
        letters = compact.lower()
        return residents.filter(
            Q(name_initials__startswith=letters) | Q(name_pinyin__startswith=letters)
        )
    return residents.filter(name__startswith=q)


ROOM_IN_TEXT = (
    # 3号楼1单元502室, 3栋502, 3幢2单元301
    re.compile(r"(\d+)\s*(?:号楼|号|幢|栋|楼)\s*(?:(\d+)\s*(?:单元|门洞|门))?\s*(\d{3,4})"),
    # 3-1-502, 3-502
    re.compile(r"(?<!\d)(\d{1,3})-(?:(\d{1,2})-)?(\d{3,4})(?!\d)"),
)


def room_in_text(text: str) -> str | None:
    """The room an address as a caller gave it names, as the register's search reads a room
    ("3-1-502", "3-502"), or None."""
    compact = unicodedata.normalize("NFKC", text).replace("—", "-").replace("－", "-")
    for pattern in ROOM_IN_TEXT:
        found = pattern.search(compact)
        if found:
            building, unit, room = found.groups()
            return f"{building}-{unit}-{room}" if unit else f"{building}-{room}"
    return None
