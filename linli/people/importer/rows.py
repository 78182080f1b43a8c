"""The rows of a roster: reading the file (csv or xlsx, streamed), and checking each row into a
clean `Row` or the problems it has."""

import re
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import NamedTuple

from django.utils.translation import gettext as _

from linli.core.models import Community
from linli.lib.numbers import address_number
from linli.lib.uploads import csv_rows, excerpt, xlsx_rows
from linli.lib.validation import (
    Invalid,
    excel_serial,
    normalize_phone,
    parse_date,
    parse_sex,
    validate_prc_id,
)
from linli.people.importer.headers import HeaderColumns
from linli.people.importer.report import Outcome
from linli.people.models import Resident, Vulnerability

# A cell saying so clears the field on re-import; an empty cell or a missing column never does.
CLEAR_MARKS = frozenset({"清空", "[清空]", "【清空】", "(清空)", "[clear]"})
# How Excel shows a long number it stored as a number: its last digits are gone.
SCIENTIFIC = re.compile(r"\d(?:\.\d+)?[eE]\+?\d+")
# A room written with its floor: 5楼502, 5层502, 5-502 (floor 5, room 502).
ROOM_WITH_FLOOR = re.compile(r"(\d+)\s*(?:楼|层|-)\s*(\d+[A-Za-z]?)")
CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
ID_TYPES = {
    "身份证": Resident.IdType.PRC_ID, "居民身份证": Resident.IdType.PRC_ID, "prc_id": Resident.IdType.PRC_ID,
    "id": Resident.IdType.PRC_ID, "护照": Resident.IdType.PASSPORT, "passport": Resident.IdType.PASSPORT,
    "其他": Resident.IdType.OTHER, "other": Resident.IdType.OTHER,
}  # fmt: skip
MOBILITY = {
    "自理": Resident.Mobility.INDEPENDENT, "independent": Resident.Mobility.INDEPENDENT,
    "行动不便": Resident.Mobility.LIMITED, "半自理": Resident.Mobility.LIMITED, "limited": Resident.Mobility.LIMITED,
    "卧床": Resident.Mobility.BEDRIDDEN, "bedridden": Resident.Mobility.BEDRIDDEN,
}  # fmt: skip
TAGS = {
    "独居": Vulnerability.Kind.LIVES_ALONE, "残疾": Vulnerability.Kind.DISABLED, "孕妇": Vulnerability.Kind.PREGNANT,
    "孕产妇": Vulnerability.Kind.PREGNANT, "婴幼儿": Vulnerability.Kind.INFANT, "血透": Vulnerability.Kind.DIALYSIS,
    "透析": Vulnerability.Kind.DIALYSIS, "放化疗": Vulnerability.Kind.CHEMO, "化疗": Vulnerability.Kind.CHEMO,
    "慢性病": Vulnerability.Kind.CHRONIC, "慢病": Vulnerability.Kind.CHRONIC, "大重病": Vulnerability.Kind.SEVERE,
    "重病": Vulnerability.Kind.SEVERE, "困难": Vulnerability.Kind.HARDSHIP, "低保": Vulnerability.Kind.HARDSHIP,
    "经济困难": Vulnerability.Kind.HARDSHIP, "清真": Vulnerability.Kind.DIET, "民族饮食": Vulnerability.Kind.DIET,
    "外籍": Vulnerability.Kind.LANGUAGE, "语言": Vulnerability.Kind.LANGUAGE,
    **{k.value: k for k in Vulnerability.Kind},
    **{str(k.label).lower(): k for k in Vulnerability.Kind},
}  # fmt: skip
PRC_SHAPE = re.compile(r"\d{17}[\dXx]")
COUNTRY = re.compile(r"[A-Z]{2}")
LIST = re.compile(r"[,，;；、]+")
LIST_WITH_SPACES = re.compile(r"[,，;；、 ]+")
# Fields a re-import may change, in the order `Row.values()` gives them.
UPDATABLE = ("name", "sex", "date_of_birth", "id_type", "id_number", "phone", "nationality",
             "languages", "mobility", "ltc_level", "notes")  # fmt: skip


class Row(NamedTuple):
    number: int
    name: str
    sex: str
    born: date | None  # None: no identity number, no birth date (where the community allows it)
    id_type: str
    id_number: str
    phone: str
    nationality: str
    languages: list[str]
    mobility: str
    ltc_level: int | None
    notes: str
    room_key: tuple[int, str, str]  # building id, unit number, room number
    tags: list[str]
    # The updatable fields the file says something about: a re-import changes those only (an
    # empty cell or a missing column keeps what the register has).
    given: frozenset[str] = frozenset(UPDATABLE)

    def values(self) -> tuple[object, ...]:
        return (self.name, self.sex, self.born, self.id_type, self.id_number, self.phone,
                self.nationality, self.languages, self.mobility, self.ltc_level, self.notes)  # fmt: skip

    def changes(self) -> dict[str, object]:
        """The fields a re-import sets on the resident it matches: those the file gave."""
        return {f: v for f, v in zip(UPDATABLE, self.values(), strict=True) if f in self.given}


# Reading --------------------------------------------------------------------------------------


def sniff_encoding(path: Path) -> str:
    head = path.open("rb").read(65536)
    try:
        head.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        return "utf-8-sig" if exc.start >= len(head) - 3 else "gb18030"


def count_rows(path: Path) -> int | None:
    """Data rows in the file (without the header), when that is cheap to know."""
    if path.suffix.lower() == ".csv":
        with path.open("rb") as f:
            return max(
                0, sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b"")) - 1
            )
    return None


def read_rows(path: Path) -> Iterator[list[object]]:
    """Rows of a csv or xlsx file as lists of cell values, header first, streamed within the
    upload limits (`linli.lib.uploads`)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield from csv_rows(path, sniff_encoding(path))
    elif suffix in (".xlsx", ".xlsm"):
        yield from xlsx_rows(path)
    else:
        raise Invalid(_("a roster is an .xlsx or .csv file"))


def compact_key(id_number: str) -> int | str:
    """An 18-digit identity number as one int: a million of them take a third of the memory."""
    if len(id_number) == 18 and id_number[:17].isdigit():
        return int(id_number[:17]) * 11 + "0123456789X".find(id_number[17])
    return id_number


# Checking -------------------------------------------------------------------------------------


class RowChecks(HeaderColumns):
    """Each row checked against the register's places, once the header is read."""

    community: Community
    today: date
    outcome: Outcome
    compounds: dict[str, int]
    buildings: dict[tuple[int, str], int]
    seen_ids: dict[int | str, int]
    seen_names: dict[tuple[str, tuple[int, str, str]], int]
    unknown_births: list[int]
    serial_births: list[int]
    serial_example: tuple[int, object, date] | None

    def _cells(self, values: list[object]) -> dict[str, object]:
        """The row's non-empty cells by column, text stripped: read once, looked up often."""
        found: dict[str, object] = {}
        size = len(values)
        for column, index in self.columns.items():
            if index < size:
                value = values[index]
                if isinstance(value, str):
                    # Full-width digits, letters and spaces as committees type them to align.
                    value = unicodedata.normalize("NFKC", value).strip() or None
                if value is not None:
                    found[column] = value
        return found

    def _check(self, number: int, values: list[object]) -> Row | None:
        """A clean row, or None after recording each problem of the row."""
        errors_before = self.outcome.error_count

        def fail(column: str, reason: str) -> None:
            self.outcome.add_error(number, self._header(column), reason)

        cells = self._cells(values)
        cleared = {c for c, v in cells.items() if isinstance(v, str) and v in CLEAR_MARKS}
        for column in cleared:
            del cells[column]
        specified = {"name", *cleared, *(c for c in cells if c in UPDATABLE)}

        def cell(_values: object, column: str) -> object:
            return cells.get(column)

        name = " ".join(str(cell(values, "name") or "").split())
        name = CJK_SPACE.sub("", name)  # 陈 静, spaced to align a column, is 陈静
        if not name:
            fail("name", _("the name is empty"))
        elif len(name) > 100:
            fail("name", _("the name is longer than 100 characters"))
        id_type_raw = cell(values, "id_type")
        id_raw = cell(values, "id_number")
        id_number = "" if id_raw is None else str(id_raw).strip()
        # A mistyped or mangled identity number is its own error: the birth date and sex it
        # would have given are not asked for besides.
        id_failed = False
        if isinstance(id_raw, float | int) and not isinstance(id_raw, bool):
            fail("id_number", _("the identity number was stored as a number and lost digits: format the column as text"))  # fmt: skip
            id_number, id_failed = "", True
        elif SCIENTIFIC.fullmatch(id_number):
            fail("id_number", _("%(value)s is a number Excel shortened (its last digits are lost): format the column as text and type the number again") % {"value": excerpt(id_number)})  # fmt: skip
            id_number, id_failed = "", True
        if id_number:
            specified.add("id_type")
        id_type = Resident.IdType.PRC_ID
        if id_type_raw is not None:
            found_type = ID_TYPES.get(str(id_type_raw).strip().lower())
            if found_type is None:
                fail("id_type", _("%(value)s is not a kind of identity document") % {"value": excerpt(id_type_raw)})  # fmt: skip
            else:
                id_type = found_type
        elif id_number and not PRC_SHAPE.fullmatch(id_number):
            id_type = Resident.IdType.PASSPORT
        born: date | None = None
        sex = ""
        if id_number and id_type == Resident.IdType.PRC_ID:
            try:
                id_number, born, sex = validate_prc_id(id_number, self.today)
                specified.update(("date_of_birth", "sex"))
            except Invalid as exc:
                fail("id_number", str(exc))
                id_failed = True
        elif id_number and len(id_number) > 40:
            fail("id_number", _("the document number is longer than 40 characters"))
        dob_raw = cell(values, "date_of_birth")
        if dob_raw is not None:
            born = self._birth_date(number, dob_raw, born, fail)
        elif born is None and not id_failed and self.community.residents_need_identity:
            fail("date_of_birth", _("a birth date is needed when there is no PRC identity number"))
        sex_raw = cell(values, "sex")
        if sex_raw is not None:
            try:
                given_sex = parse_sex(sex_raw)
                if sex and given_sex != sex:
                    fail("sex", _("differs from the sex in the identity number"))
                sex = sex or given_sex
            except Invalid as exc:
                fail("sex", str(exc))
        elif not sex and not id_failed:
            fail("sex", _("the sex is needed when there is no PRC identity number"))
        phone = ""
        phone_raw = cell(values, "phone")
        if phone_raw is not None:
            try:
                phone = normalize_phone(phone_raw)
            except Invalid as exc:
                fail("phone", str(exc))
        room_key = self._room_key(cells, fail)
        nationality = str(cell(values, "nationality") or "CN").strip().upper()[:2]
        if cell(values, "nationality") is not None and not COUNTRY.fullmatch(nationality):
            nationality = {"中国": "CN", "日本": "JP", "韩国": "KR", "美国": "US", "法国": "FR", "德国": "DE", "英国": "GB"}.get(str(cell(values, "nationality")), "")  # fmt: skip
            if not nationality:
                fail(
                    "nationality",
                    _("write the nationality as a two-letter country code (CN, JP, US …)"),
                )
        languages_raw = cell(values, "languages")
        languages = [x.strip() for x in LIST_WITH_SPACES.split(str(languages_raw)) if x.strip()] if languages_raw else (["zh"] if nationality == "CN" else [])  # fmt: skip
        if "languages" in cleared:
            languages = []
        mobility_raw = cell(values, "mobility")
        mobility = Resident.Mobility.INDEPENDENT
        if mobility_raw is not None:
            found_mobility = MOBILITY.get(str(mobility_raw).lower())
            if found_mobility is None:
                fail("mobility", _("%(value)s is not a mobility (自理 / 行动不便 / 卧床)") % {"value": excerpt(mobility_raw)})  # fmt: skip
            else:
                mobility = found_mobility
        ltc_level: int | None = None
        ltc_raw = cell(values, "ltc_level")
        if ltc_raw is not None:
            try:
                ltc_level = int(float(str(ltc_raw).rstrip("级")))
                if not 0 <= ltc_level <= 6:
                    raise ValueError
            except ValueError:
                fail("ltc_level", _("the long-term-care level is a whole number from 0 to 6"))
        tags: list[str] = []
        tags_raw = cell(values, "tags")
        if tags_raw:
            for word in (w.strip() for w in LIST.split(str(tags_raw))):
                if not word:
                    continue
                kind = TAGS.get(word.lower())
                if kind is None:
                    fail("tags", _("%(value)s is not a known group") % {"value": excerpt(word)})
                elif kind not in tags:
                    tags.append(kind)
        notes = str(cell(values, "notes") or "")
        # The same person twice in one file is a mistake to point at, not to merge silently.
        if id_number:
            first = self.seen_ids.setdefault(compact_key(id_number), number)
            if first != number:
                fail(
                    "id_number",
                    _("the same identity number is already on row %(row)s") % {"row": first},
                )
        elif name and room_key:
            first = self.seen_names.setdefault((name, room_key), number)
            if first != number:
                fail("name", _("the same person is already on row %(row)s") % {"row": first})
        if self.outcome.error_count != errors_before or room_key is None:
            return None
        if born is None:
            self.unknown_births.append(number)
        return Row(number, name, sex, born, id_type, id_number, phone, nationality, languages,
                   mobility, ltc_level, notes, room_key, tags, frozenset(specified))  # fmt: skip

    def _birth_date(
        self, number: int, raw: object, from_id: date | None, fail: Callable[[str, str], None]
    ) -> date | None:
        """The row's birth date: the identity number's, which the column must agree with, else
        the column's. One read from an Excel date serial is noted for the preview, since the
        cell shows a number where the worker expects a date."""
        serial = excel_serial(raw, self.today)
        try:
            given = serial or parse_date(raw, self.today)
        except Invalid as exc:
            fail("date_of_birth", str(exc))
            return from_id
        if from_id and given != from_id:
            if serial:
                fail("date_of_birth", _("%(value)s is Excel's date serial number of %(given)s, which differs from the birth date in the identity number (%(id)s)") % {"value": raw, "given": given, "id": from_id})  # fmt: skip
            else:
                fail("date_of_birth", _("%(given)s differs from the birth date in the identity number (%(id)s)") % {"given": given, "id": from_id})  # fmt: skip
        elif serial:
            self.serial_births.append(number)
            self.serial_example = self.serial_example or (number, raw, serial)
        return from_id or given

    def _room_key(
        self, cells: dict[str, object], fail: Callable[[str, str], None]
    ) -> tuple[int, str, str] | None:
        compound_name = cells.get("compound")
        if compound_name is None:
            if len(self.compounds) != 1:
                fail("compound", _("the compound is empty"))
                return None
            compound_id = next(iter(self.compounds.values()))
        else:
            found = self.compounds.get(str(compound_name))
            if found is None:
                fail("compound", _("compound %(name)s is not in the register of this community") % {"name": excerpt(compound_name)})  # fmt: skip
                return None
            compound_id = found
        building = address_number(cells.get("building"), ("号楼", "号", "幢", "栋"))
        room = address_number(cells.get("room"), ("室", "号"))
        with_floor = ROOM_WITH_FLOOR.fullmatch(room)
        if with_floor:  # 5楼502, 5-502: room 502, on floor 5
            floor, room = with_floor.groups()
            if not room.startswith(floor) or len(room) - len(floor) not in (2, 3):
                fail("room", _("%(value)s: floor %(floor)s and room %(room)s do not agree") % {"value": excerpt(cells.get("room")), "floor": floor, "room": room})  # fmt: skip
                return None
        unit = address_number(cells.get("unit"), ("单元", "门洞")) or "1"
        if not building:
            fail("building", _("the building is empty"))
            return None
        building_id = self.buildings.get((compound_id, building))
        if building_id is None:
            fail("building", _("building %(number)s is not in the register of this compound") % {"number": excerpt(building)})  # fmt: skip
            return None
        if not room:
            fail("room", _("the room is empty"))
            return None
        if len(room) > 20 or len(unit) > 20:
            fail("room", _("the room or unit number is longer than 20 characters"))
            return None
        return (building_id, unit, room)
