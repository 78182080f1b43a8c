"""The list of inbound travellers the city pushes down (xlsx), imported as the register's
rosters are: the header found below title rows, headers as the city writes them, every error of
every row reported with row, column and value, and all or nothing — one bad row and nothing is
written. A row whose household is not in the register is an error: the list is sent back, or
the address is corrected, before anyone is expected at a door that does not exist."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.models import Community
from linli.lib.uploads import Limits, Refused, xlsx_rows_fast
from linli.lib.validation import excerpt
from linli.people.importer import HEADERS, ID_TYPES, NORMALISE, ROOM_WITH_FLOOR, RowError
from linli.people.models import Household
from linli.quarantine.models import Traveller

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": HEADERS["name"] + ("旅客姓名", "入境人员姓名"),
    "sex": HEADERS["sex"],
    "id_number": HEADERS["id_number"] + ("护照号", "护照号码", "证件号码护照"),
    "id_type": HEADERS["id_type"],
    "date_of_birth": HEADERS["date_of_birth"],
    "nationality": HEADERS["nationality"],
    "language": ("语言", "语种", "language"),
    "transport": (
        "航班车次",
        "航班号",
        "航班",
        "车次",
        "交通方式",
        "flight",
        "train",
        "flighttrain",
    ),
    "origin": ("出发地", "始发地", "来源地", "来自", "出发城市", "origin", "from"),
    "arrives_at": (
        "预计到达时间",
        "预计抵达时间",
        "到达时间",
        "抵达时间",
        "预计到达",
        "arrival",
        "arrivaltime",
        "arrivesat",
        "eta",
    ),
    "compound": HEADERS["compound"],
    "building": HEADERS["building"],
    "unit": HEADERS["unit"],
    "room": HEADERS["room"],
    "address": (
        "目的地址",
        "目的地",
        "居住地址",
        "居住地",
        "住址",
        "地址",
        "address",
        "destination",
    ),
    "phone": HEADERS["phone"],
    "notes": HEADERS["notes"],
}
IGNORED = ("序号", "编号", "no", "年龄", "age")
HEADER_ROWS = 10
# A city's list is thousands of rows, read whole into memory (fast): a list's limits, not a
# register's.
LIMITS = Limits(unzipped_mb=100, strings_mb=50, rows=100_000, columns=60)
# 3号楼2单元502室, 3幢2-502, 3-2-502: building, unit, room (the compound's name may come first).
ADDRESS = re.compile(
    r"(\d+)\s*(?:号楼|号|幢|栋|楼|-)\s*(?:(\d+)\s*(?:单元|门洞|-)\s*)?(\d+[A-Za-z]?)\s*(?:室|号)?\s*$"
)
TIME_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y.%m.%d %H:%M",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M",
    "%Y年%m月%d日 %H时%M分",
    "%Y-%m-%dT%H:%M",
)


def _key(text: object) -> str:
    return NORMALISE.sub("", unicodedata.normalize("NFKC", str(text or ""))).lower()


ALIASES = {_key(a): col for col, names in COLUMNS.items() for a in names}


def _cell(value: object) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(value if value is not None else "")).split())


@dataclass
class CityListOutcome:
    rows: int = 0
    created: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    committed: bool = False

    def add_error(self, row: int, column: str, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < 1000:
            self.errors.append(RowError(row, excerpt(column, 40), excerpt(reason, 200)))


class Addresses:
    """The community's households by address, read once: (compound, building, unit, room) →
    household."""

    def __init__(self, community: Community) -> None:
        rows = (
            Household.objects.filter(community=community)
            .values_list(
                "pk",
                "room__unit__building__compound_id",
                "room__unit__building__compound__name",
                "room__unit__building__number",
                "room__unit__number",
                "room__number",
            )
            .order_by("pk")
        )
        self.by_address: dict[tuple[int, str, str, str], int] = {}
        self.compounds: dict[str, int] = {}
        for pk, compound_id, compound_name, building, unit, room in rows:
            self.by_address.setdefault((compound_id, building, unit, room), pk)
            self.compounds[_key(compound_name)] = compound_id
        from linli.core.models import Compound

        for pk, name in Compound.objects.filter(community=community).values_list("pk", "name"):
            self.compounds.setdefault(_key(name), pk)

    def find(self, compound: str, building: str, unit: str, room: str) -> tuple[int | None, str]:
        """The household, or None and what is wrong (the column to name)."""
        if compound:
            compound_id = self.compounds.get(_key(compound))
            if compound_id is None:
                return None, "compound"
        elif len(set(self.compounds.values())) == 1:
            compound_id = next(iter(self.compounds.values()))
        else:
            return None, "compound"
        room_match = ROOM_WITH_FLOOR.fullmatch(room)
        room = room_match.group(2) if room_match else room
        found = self.by_address.get((compound_id, building, unit or "1", room))
        return found, "" if found else "room"

    def split(self, address: str) -> tuple[str, str, str, str] | None:
        """(compound, building, unit, room) of an address written in one cell."""
        match = ADDRESS.search(address)
        if match is None:
            return None
        before = address[: match.start()].strip()
        compound = next((c for c in self.compounds if c and c in _key(before)), "")
        return compound, match.group(1), match.group(2) or "1", match.group(3)


def _arrival(value: object, zone: ZoneInfo) -> datetime | None:
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=zone)
    if isinstance(value, date):  # a date-and-time cell at midnight, as calamine reads it
        return datetime.combine(value, time.min, tzinfo=zone)
    text = _cell(value)
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=zone)
        except ValueError:
            continue
    return None


def _born(value: object) -> date | str | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _cell(value)
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC).date()
        except ValueError:
            continue
    return "bad"


def _header(rows: list[list[object]]) -> tuple[int, dict[str, int], list[str]]:
    for index, row in enumerate(rows):
        found: dict[str, int] = {}
        for i, cell in enumerate(row):
            column = ALIASES.get(_key(cell))
            if column and column not in found:
                found[column] = i
        if "name" in found and "arrives_at" in found:
            names = [_cell(c) for c in row]
            ignored = {_key(x) for x in IGNORED}
            unknown = [
                n
                for i, n in enumerate(names)
                if n and i not in found.values() and _key(n) not in ignored
            ]
            return index, found, unknown
    raise ValidationError(
        {
            "file": _(
                "no header found in the first %(n)s rows: the list needs at least 姓名 (name) and "
                "预计到达时间 (arrival)"
            )
            % {"n": HEADER_ROWS}
        }
    )


def read_city_list(
    community: Community, source: Path | IO[bytes], *, now: datetime
) -> tuple[CityListOutcome, list[Traveller]]:
    """The list's travellers, checked, and every error of every row."""
    from linli.quarantine.actions import clean_traveller

    zone = ZoneInfo(community.time_zone)
    outcome = CityListOutcome()
    try:
        rows = xlsx_rows_fast(source, LIMITS)
        first = [list(r) for _i, r in zip(range(HEADER_ROWS), rows, strict=False)]
    except Refused as exc:
        raise ValidationError({"file": str(exc)}) from None
    head, columns, outcome.unknown_columns = _header(first)
    header = [_cell(c) for c in first[head]]
    addresses = Addresses(community)
    travellers: list[Traveller] = []

    def named(column: str) -> str:
        return header[columns[column]] if column in columns else column

    def body() -> Any:
        yield from enumerate(first[head + 1 :], start=head + 2)
        yield from enumerate(rows, start=len(first) + 1)

    for number, row in body():
        cells = {c: (row[i] if i < len(row) else None) for c, i in columns.items()}
        if not any(_cell(v) for v in cells.values()):
            continue  # an empty row, as lists end
        outcome.rows += 1
        values: dict[str, Any] = {c: _cell(v) for c, v in cells.items()}
        row_errors: dict[str, str] = {}
        values["arrives_at"] = _arrival(cells.get("arrives_at"), zone)
        if values["arrives_at"] is None:
            row_errors["arrives_at"] = _("not a date and time (2026-12-02 14:30): %(v)s") % {
                "v": excerpt(values.get("arrives_at_raw", cells.get("arrives_at") or ""))
            }
        born = _born(cells.get("date_of_birth"))
        if born == "bad":
            row_errors["date_of_birth"] = _("not a date")
            born = None
        values["date_of_birth"] = born
        values["id_type"] = ID_TYPES.get(_key(values.get("id_type")), "") or (
            "prc_id" if re.fullmatch(r"\d{17}[\dXx]", values.get("id_number", "")) else "passport"
        )
        sex = values.get("sex", "")
        values["sex"] = {"男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F"}.get(
            sex.lower(), sex.upper() if sex else ""
        )
        if "address" in columns and values.get("address"):
            parts = addresses.split(values["address"])
        else:
            parts = (
                values.get("compound", ""),
                values.get("building", ""),
                values.get("unit", ""),
                values.get("room", ""),
            )
        household = None
        if parts is None or not parts[1] or not parts[3]:
            where = "address" if "address" in columns else "room"
            row_errors[where] = _("no address of the register (building, unit, room): %(v)s") % {
                "v": excerpt(values.get("address") or " ".join(p for p in (parts or ()) if p))
            }
        else:
            pk, wrong = addresses.find(*parts)
            if pk is None:
                where = "address" if "address" in columns else wrong
                row_errors[where] = _(
                    "no household of this community at %(v)s: correct the address or send the "
                    "row back to the city"
                ) % {"v": " ".join(p for p in parts if p)}
            else:
                household = pk
        values["address_given"] = values.get("address") or " ".join(p for p in parts or () if p)
        values["household"] = None
        try:
            clean = clean_traveller(community, values, now=now)
        except ValidationError as exc:
            for column, messages in exc.message_dict.items():
                row_errors.setdefault(column, "; ".join(messages))
        else:
            del clean["household"]
            if not row_errors:
                travellers.append(
                    Traveller(
                        community=community,
                        household_id=household,
                        source=Traveller.Source.CITY,
                        **clean,
                    )
                )
        for column, reason in row_errors.items():
            value = cells.get(column, "")
            shown = (
                f"{named(column)}: {reason}"
                if value in (None, "")
                else (f"{named(column)} “{excerpt(_cell(value))}”: {reason}")
            )
            outcome.add_error(number, named(column), shown)
    if outcome.rows == 0:
        raise ValidationError({"file": _("the list holds no traveller")})
    return outcome, travellers
