"""Roster import (xlsx or csv): recognise the headers, validate every row, write all or nothing.

One pass over the file, streamed (csv.reader / openpyxl read-only), that never holds the
database's write lock for long (on SQLite there is one, and the hotline, the public form and the
API all need it): rows are read and checked outside any transaction, and every BATCH clean rows
are matched against the register (a re-import updates the residents it finds, by identity
number, else by name and room) and written in one short transaction of their own, through the
fastest path of the database (COPY on PostgreSQL, executemany on SQLite). Reading and checking
the next batch is the pause in which everyone else writes.

All or nothing as anyone sees it: the rows are written under the import's mark. New households,
residents and groups carry `imported_by`, and the register hides them while their import is
WRITING; changes to residents already there are staged as `ImportChange` rows. After the first
bad row nothing more is written but every row is still checked, so the report is complete, and
the rows written so far are deleted. A clean file is published in one short step (the import's
status leaves WRITING), and its staged changes are then applied batch by batch, each batch
deleting what it applied, so that an import stopped there is resumed where it was (published, it
rolls forward). An import stopped before publishing is CRASHED: its rows were never seen, and a
periodic job deletes them. A dry run writes nothing at all.
"""

import itertools
import json
import re
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.models import Building, Community, Compound, Room, Unit, User, floor_of
from linli.lib.masking import mask_id_number, mask_phone
from linli.lib.uploads import Refused, csv_rows, excerpt, xlsx_rows
from linli.lib.validation import (
    Invalid,
    excel_serial,
    normalize_phone,
    parse_date,
    parse_sex,
    validate_prc_id,
)
from linli.people.actions.register import alone_among_several
from linli.people.models import (
    Household,
    ImportChange,
    Resident,
    ResidentImport,
    Vulnerability,
)
from linli.people.search import fill_search_keys, name_keys

# Rows written in one transaction: short enough that a request waiting for the write lock
# behind one is served well within a second (bench/import_intake_bench.py). SQLite has one write
# lock for everybody, which a batch of 5,000 rows into a register of 600,000 holds for up to
# half a second: there, half as many.
BATCH = 5000
SQLITE_BATCH = 2500
# A SQLite writer that finds the lock taken retries at most every 100 ms (its busy handler): a
# gap longer than that between two write transactions lets every waiting request in. Checking
# the next batch of a file takes longer than that; applying staged changes does not, and waits.
SQLITE_PAUSE = 0.1
# After this many new or changed rows the database's statistics are refreshed: without them a
# planner that still thinks a community has a few hundred residents picks the wrong index.
ANALYZE_AFTER = 10_000
# The errors kept (all are counted): enough to fix a file by, not a copy of a hostile one.
MAX_WARNINGS = 50
MAX_CHANGES_SHOWN = 500
MAX_ERRORS_KEPT = 1000
MAX_REASON = 200  # characters of a reason, whatever value it quotes

# Column → the headers communities use for it (compared without spaces, case or punctuation).
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "居民姓名", "name", "fullname"),
    "sex": ("性别", "sex", "gender"),
    "id_number": ("身份证号", "身份证号码", "证件号码", "证件号", "身份证", "公民身份号码", "身份号码", "证照号码", "idnumber", "id", "identitynumber", "idno", "passport", "passportnumber"),
    "id_type": ("证件类型", "idtype", "documenttype"),
    "date_of_birth": ("出生日期", "出生年月", "生日", "dateofbirth", "birthdate", "dob", "born"),
    "phone": ("联系电话", "联系方式", "联系号码", "手机", "手机号", "手机号码", "电话", "电话号码", "本人电话", "phone", "mobile", "telephone", "tel", "contact"),
    "compound": ("小区", "小区名称", "小区名", "所在小区", "弄", "compound", "estate"),
    "building": ("楼号", "楼栋", "幢", "楼", "楼栋号", "号楼", "栋", "栋号", "幢号", "building", "buildingno", "block"),
    "unit": ("单元", "单元号", "门洞", "unit", "stairwell", "entrance"),
    "room": ("室号", "房号", "门牌号", "室", "房间号", "房间", "门牌", "room", "roomno", "flat", "apartment"),
    "nationality": ("国籍", "nationality", "country"),
    "languages": ("语言", "languages", "language"),
    "mobility": ("行动能力", "mobility"),
    "ltc_level": ("长护险等级", "长护险评估等级", "长护险", "ltclevel", "carelevel"),
    "tags": ("特殊人群", "人群类别", "特殊群体", "tags", "vulnerabilities", "groups"),
    "notes": ("备注", "notes", "remarks"),
}  # fmt: skip
# Columns rosters carry that the register does not keep (it derives them, or has no field):
# recognised, so that they are not reported as unknown, and left out.
NOT_KEPT = ("序号", "编号", "no", "年龄", "age", "户主", "与户主关系", "关系", "户主姓名", "民族", "政治面貌", "文化程度", "工作单位", "户籍地址", "户籍地", "住址", "地址", "address")  # fmt: skip
# A cell saying so clears the field on re-import; an empty cell or a missing column never does.
CLEAR_MARKS = frozenset({"清空", "[清空]", "【清空】", "(清空)", "[clear]"})
# How Excel shows a long number it stored as a number: its last digits are gone.
SCIENTIFIC = re.compile(r"\d(?:\.\d+)?[eE]\+?\d+")
# A room written with its floor: 5楼502, 5层502, 5-502 (floor 5, room 502).
ROOM_WITH_FLOOR = re.compile(r"(\d+)\s*(?:楼|层|-)\s*(\d+[A-Za-z]?)")
CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
HEADER_SEARCH_ROWS = 10  # title rows and notes above the header, as committees write them
REQUIRED = ("name", "building", "room")
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
NORMALISE = re.compile(r"[\s_\-\*:：()（）/\.]|必填")
RESIDENT_COLUMNS = (
    "id", "community_id", "household_id", "name", "sex", "date_of_birth", "id_type", "id_number",
    "phone", "nationality", "languages", "mobility", "ltc_level", "notes", "is_active",
    "name_pinyin", "name_initials", "phone_tail", "id_tail", "imported_by_id",
)  # fmt: skip
# Fields a re-import may change, in the order `Row.values()` gives them.
UPDATABLE = ("name", "sex", "date_of_birth", "id_type", "id_number", "phone", "nationality",
             "languages", "mobility", "ltc_level", "notes")  # fmt: skip


@dataclass
class RowError:
    row: int
    column: str
    reason: str

    def as_list(self) -> list[object]:
        return [self.row, self.column, self.reason]


@dataclass
class ErrorReport:
    """Problems found row by row: all are counted, the first MAX_ERRORS_KEPT are kept."""

    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    max_kept: int = MAX_ERRORS_KEPT

    def add_error(self, row: int, column: str, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < self.max_kept:
            self.errors.append(RowError(row, excerpt(column, 40), excerpt(reason, MAX_REASON)))


@dataclass
class Outcome(ErrorReport):
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    committed: bool = False
    # What the file makes of the register that contradicts itself (not an error: the import
    # goes in), e.g. "lives alone" among several.
    warnings: list[str] = field(default_factory=list)
    # Per resident the file changes (the first MAX_CHANGES_SHOWN): [row, name, field, before,
    # after], numbers masked, so that a preview says what a re-import will do.
    changes: list[list[object]] = field(default_factory=list)


def _normalise_header(text: object) -> str:
    return NORMALISE.sub("", str(text or "")).lower()


ALIASES = {_normalise_header(alias): col for col, names in HEADERS.items() for alias in names}
IGNORED = {_normalise_header(name) for name in NOT_KEPT}


def _header_text(cell: object) -> str:
    return unicodedata.normalize("NFKC", str(cell or "")).strip()


def map_columns(header: list[object]) -> tuple[dict[str, int], list[str]]:
    """Column → index in the header, and the names of the headers as written (for reports)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        column = ALIASES.get(_normalise_header(_header_text(cell)))
        if column and column not in found:
            found[column] = index
    return found, [_header_text(c) for c in header]


def unrecognised(header: list[object], columns: dict[str, int]) -> list[str]:
    """The headers that name no column of the register nor one it knows to leave out."""
    used = set(columns.values())
    return [
        text
        for index, cell in enumerate(header)
        if (text := _header_text(cell))
        and index not in used
        and _normalise_header(text) not in IGNORED
        and _normalise_header(text) not in ALIASES
    ]


def find_header(first: list[list[object]]) -> tuple[int, list[object], bool]:
    """Where the header is among the first rows: its index, the header (a two-level header
    merged: the lower row's names under the upper's, 住址 over 幢 / 单元 / 房号), and whether it
    took two rows. The header is the first row naming a person's name and two more columns."""
    for index, row in enumerate(first):
        columns, _names = map_columns(row)
        if "name" not in columns or len(columns) < 3:
            continue
        below = first[index + 1] if index + 1 < len(first) else None
        if below is not None:
            lower, _ = map_columns(below)
            taken = set(columns.values())
            extra = {c: i for c, i in lower.items() if i not in taken and c not in columns}
            # A second header row names columns and holds no person (no name under 姓名).
            name_index = columns["name"]
            empty_name = name_index >= len(below) or not _header_text(below[name_index])
            if extra and empty_name:
                width = max(len(row), len(below))
                merged = [
                    below[i]
                    if i < len(below) and i in extra.values()
                    else (row[i] if i < len(row) else None)
                    for i in range(width)
                ]
                return index, merged, True
        return index, row, False
    return 0, first[0] if first else [], False


# Reading --------------------------------------------------------------------------------------


def _sniff_encoding(path: Path) -> str:
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
        yield from csv_rows(path, _sniff_encoding(path))
    elif suffix in (".xlsx", ".xlsm"):
        yield from xlsx_rows(path)
    else:
        raise Invalid(_("a roster is an .xlsx or .csv file"))


# Writing --------------------------------------------------------------------------------------


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


class IdAllocator:
    """Primary keys handed out before the rows are written, so that rows can refer to each other
    in one bulk write. PostgreSQL: from the table's own sequence (safe beside other writers);
    SQLite: after the largest id, read inside the batch's transaction, which holds the write
    lock (other writers may have added rows between two batches)."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model

    def take(self, n: int) -> list[int]:
        if n == 0:
            return []
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [self.model._meta.db_table, n],
                )
                return [row[0] for row in cursor.fetchall()]
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {_table(self.model)}")  # noqa: S608
            first = cursor.fetchone()[0]
        return list(range(first, first + n))


def refresh_planner_statistics() -> None:
    tables = [m._meta.db_table for m in (Resident, Household, Room, Unit, Vulnerability)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
        else:
            # A sample is enough for the planner, and a full ANALYZE of a million rows would
            # hold the write lock for seconds.
            cursor.execute("PRAGMA analysis_limit = 1000")
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def bulk_insert(model: type[Model], columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {_table(model)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {_table(model)} ({names}) VALUES ({marks})", rows)  # noqa: S608


# The import -----------------------------------------------------------------------------------


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


class Importer:
    def __init__(
        self,
        community: Community,
        actor: User,
        *,
        dry_run: bool = False,
        record: ResidentImport | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.community = community
        self.actor = actor
        self.dry_run = dry_run
        self.record = record
        self.progress = progress
        self.today = timezone.localdate()
        self.outcome = Outcome()
        self.pending: list[Row] = []
        self.path = Path()
        self.mark: int | None = None  # the import whose mark the written rows carry
        self.staged = False  # whether changes to residents already there wait to be applied
        self.last_commit = 0.0
        self.batch = batch_size()
        self.seen_ids: dict[int | str, int] = {}
        # Per room of the file: its rows, and the rows tagged "lives alone" (row, name).
        self.room_rows: dict[tuple[int, str, str], int] = {}
        self.alone_rows: dict[tuple[int, str, str], list[tuple[int, str]]] = {}
        self.households_written: set[int] = set()
        self.unrecognised: list[str] = []  # headers of the file naming no column
        self.new_rooms: set[tuple[int, str, str]] = set()  # rooms the register does not have
        self.unknown_births: list[int] = []  # rows with neither identity number nor birth date
        # Rows whose birth date was an Excel date serial, and the first (row, serial, date).
        self.serial_births: list[int] = []
        self.serial_example: tuple[int, object, date] | None = None
        self.seen_names: dict[tuple[str, tuple[int, str, str]], int] = {}

    # Register lookups, loaded once for the community.
    def _load_register(self) -> None:
        c = self.community
        self.compounds = {
            name: pk for pk, name in Compound.objects.filter(community=c).values_list("pk", "name")
        }
        self.buildings = {
            (compound, number): pk
            for pk, compound, number in Building.objects.filter(compound__community=c).values_list(
                "pk", "compound_id", "number"
            )
        }
        self.units = {
            (building, number): pk
            for pk, building, number in Unit.objects.filter(
                building__compound__community=c
            ).values_list("pk", "building_id", "number")
        }
        self.rooms = {
            (unit, number): pk
            for pk, unit, number in Room.objects.filter(
                unit__building__compound__community=c
            ).values_list("pk", "unit_id", "number")
        }
        self.households: dict[int, int] = {}
        for pk, room in (
            Household.objects.filter(community=c).values_list("pk", "room_id").order_by("pk")
        ):
            self.households.setdefault(room, pk)
        self.existing_by_id: dict[str, int] = {}
        self.existing_by_name: dict[tuple[str, int], int] = {}
        for pk, id_number, name, room in Resident.objects.filter(community=c).values_list(
            "pk", "id_number", "name", "household__room_id"
        ):
            if id_number:
                self.existing_by_id[id_number] = pk
            self.existing_by_name[(name, room)] = pk
        self.resident_ids = IdAllocator(Resident)
        self.household_ids = IdAllocator(Household)
        self.unit_ids = IdAllocator(Unit)
        self.room_ids = IdAllocator(Room)

    def run(self, path: Path) -> Outcome:
        self.path = path
        try:
            self._check_file(path)
        except (Invalid, Refused) as exc:
            self.outcome.add_error(1, "", str(exc))
        except BaseException:
            self._stopped()
            raise
        if self.mark is not None:
            try:
                if self.outcome.error_count:
                    clear_rows(self.mark)  # nobody saw them
                else:
                    self._publish(self.mark)
            except BaseException:
                self._stopped()
                raise
            if self.outcome.committed:
                apply_changes(self.mark, self.actor, progress=self.progress)
                if self.record is None:
                    ResidentImport.objects.filter(pk=self.mark).update(finished_at=timezone.now())
            elif self.record is None:
                ResidentImport.objects.filter(pk=self.mark).update(
                    status=ResidentImport.Status.FAILED, finished_at=timezone.now()
                )
        if self.outcome.committed and self.outcome.created + self.outcome.updated >= ANALYZE_AFTER:
            refresh_planner_statistics()
        if not self.outcome.error_count:
            self.outcome.warnings = self._warnings()
        return self.outcome

    def _note_room(self, row: "Row") -> None:
        self.room_rows[row.room_key] = self.room_rows.get(row.room_key, 0) + 1
        building, unit_number, room_number = row.room_key
        unit = self.units.get((building, unit_number))
        if unit is None or (unit, room_number) not in self.rooms:
            self.new_rooms.add(row.room_key)
        if Vulnerability.Kind.LIVES_ALONE in row.tags:
            self.alone_rows.setdefault(row.room_key, []).append((row.number, row.name))

    def _warnings(self) -> list[str]:
        """What goes in but is worth a look: the file's columns left out, the birth dates read
        from Excel date serials, the rooms that will be added, and a "lives alone" tag among
        several, in the file (a tagged row whose room has other rows) and, once imported, in
        the register (a tag kept in a household the file filled)."""
        found: list[str] = []
        if self.unrecognised:
            found.append(
                _(
                    "columns not recognised, left out (their values are not imported, and"
                    " nothing the register has for them changes): %(names)s"
                )
                % {"names": "、".join(excerpt(n, 20) for n in self.unrecognised[:20])}
            )
        if self.unknown_births:
            rows = "、".join(map(str, self.unknown_births[:30]))
            found.append(
                _(
                    "%(n)s people have neither identity number nor birth date: they go in with"
                    " their age unknown, so they are not counted among the elderly (60+, 80+)"
                    " until the committee asks for one. Rows %(rows)s"
                )
                % {
                    "n": len(self.unknown_births),
                    "rows": rows + (" …" if len(self.unknown_births) > 30 else ""),
                }
            )
        if self.serial_example:
            found.append(self._serial_births_warning(*self.serial_example))
        if self.new_rooms:
            numbers = {pk: number for (_c, number), pk in self.buildings.items()}
            rooms = sorted(f"{numbers.get(b, b)}-{u}-{r}" for b, u, r in self.new_rooms)
            found.append(
                _("%(n)s rooms are not in the register yet and will be added: %(rooms)s")
                % {
                    "n": len(rooms),
                    "rooms": "、".join(rooms[:30]) + (" …" if len(rooms) > 30 else ""),
                }
            )
        found += [
            _(
                "row %(row)s: %(name)s is tagged “lives alone”, but the file puts %(n)s people"
                " in the same room"
            )
            % {"row": number, "name": name, "n": self.room_rows[room]}
            for room, tagged in self.alone_rows.items()
            if self.room_rows[room] > 1
            for number, name in tagged
        ]
        if self.outcome.committed and self.households_written:
            noted = {name for _n, name in (t for ts in self.alone_rows.values() for t in ts)}
            found += [
                w for name, w in alone_among_several(self.households_written) if name not in noted
            ]
        if len(found) > MAX_WARNINGS:
            more = len(found) - MAX_WARNINGS
            found = [*found[:MAX_WARNINGS], _("… and %(n)s more") % {"n": more}]
        return found

    def _serial_births_warning(self, row: int, serial: object, read: date) -> str:
        """The rows whose birth date was an Excel date serial, with one serial and its date for
        the worker to see how it was read."""
        rows = "、".join(map(str, self.serial_births[:30]))
        return _(
            "rows %(rows)s: the birth date in column “%(column)s” was an Excel date serial"
            " number and was read as a date (row %(row)s: %(serial)s is %(date)s)"
        ) % {
            "rows": rows + (" …" if len(self.serial_births) > 30 else ""),
            "column": excerpt(self._header("date_of_birth"), 20),
            "row": row,
            "serial": serial,
            "date": read,
        }

    def _check_file(self, path: Path) -> None:
        rows = read_rows(path)
        first = list(itertools.islice(rows, HEADER_SEARCH_ROWS))  # past the limits: refused, unread
        if not first:
            raise Invalid(_("the file is empty"))
        at, header, two_rows = find_header(first)
        self._load_register()
        self.columns, self.header_names = map_columns(header)
        self.unrecognised = unrecognised(header, self.columns)
        start = at + (2 if two_rows else 1)  # rows before the data
        rows = itertools.chain(first[start:], rows)
        missing = [c for c in REQUIRED if c not in self.columns]
        # Without identity numbers the file must give the sex, and the birth date where the
        # community requires one or the other of everyone.
        needed = {"date_of_birth", "sex"} if self.community.residents_need_identity else {"sex"}
        if "id_number" not in self.columns and not needed <= self.columns.keys():
            missing.append("id_number")
        if missing:
            names = ", ".join(f"{HEADERS[c][0]} ({c})" for c in missing)
            raise Invalid(_("missing columns: %(names)s") % {"names": names})
        if "compound" not in self.columns and len(self.compounds) > 1:
            raise Invalid(_("this community has several compounds: add a 小区 (compound) column"))
        for number, values in enumerate(rows, start=start + 1):
            if not any(v not in (None, "") for v in values):
                continue  # blank lines between blocks of a hand-made roster
            self.outcome.rows += 1
            row = self._check(number, values)
            # After the first error nothing more is written: the rest is only checked.
            if row is not None:
                self._note_room(row)
            if row is not None and not self.outcome.error_count:
                self.pending.append(row)
                if len(self.pending) >= self.batch:
                    self._flush()
            if self.progress and self.outcome.rows % 2000 == 0:
                self.progress(self.outcome.rows)
        if not self.outcome.error_count:
            self._flush()
        if self.progress:
            self.progress(self.outcome.rows)

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

    def _header(self, column: str) -> str:
        index = self.columns.get(column)
        return self.header_names[index] if index is not None else HEADERS[column][0]

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
            first = self.seen_ids.setdefault(_compact_key(id_number), number)
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
        building = _number(cells.get("building"), ("号楼", "号", "幢", "栋"))
        room = _number(cells.get("room"), ("室", "号"))
        with_floor = ROOM_WITH_FLOOR.fullmatch(room)
        if with_floor:  # 5楼502, 5-502: room 502, on floor 5
            floor, room = with_floor.groups()
            if not room.startswith(floor) or len(room) - len(floor) not in (2, 3):
                fail("room", _("%(value)s: floor %(floor)s and room %(room)s do not agree") % {"value": excerpt(cells.get("room")), "floor": floor, "room": room})  # fmt: skip
                return None
        unit = _number(cells.get("unit"), ("单元", "门洞")) or "1"
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

    def _flush(self) -> None:
        rows, self.pending = self.pending, []
        if not rows:
            return
        entries = self._match(rows)
        if self.dry_run:
            return
        if self.mark is None:
            self._start_writing()
        pause_for_others(self.last_commit)
        with transaction.atomic():
            self.staged |= self._write_batch(entries)
        self.last_commit = time.monotonic()
        if self.progress:
            self.progress(self.outcome.rows)  # the heartbeat of an import that writes

    def _match(self, rows: list[Row]) -> list[tuple[Row, int, bool]]:
        """Each row with the resident it updates (0 for a new one) and whether that changes
        anything, counted as the outcome will be (a dry run's counts are a real run's)."""
        entries: list[tuple[Row, int, bool]] = []
        matched: list[tuple[int, Row, int | None]] = []
        for row in rows:
            building, unit_number, room_number = row.room_key
            unit = self.units.get((building, unit_number))
            room = self.rooms.get((unit, room_number)) if unit is not None else None
            match = (self.existing_by_id.get(row.id_number) if row.id_number else None) or (
                self.existing_by_name.get((row.name, room)) if room is not None else None
            )
            if match is None:
                entries.append((row, 0, False))
            else:
                matched.append(
                    (match, row, self.households.get(room) if room is not None else None)
                )
        current = Resident.objects.in_bulk([pk for pk, _row, _household in matched])
        for pk, row, household_id in matched:
            resident = current.get(pk)
            changed = (
                resident is None
                or household_id is None
                or resident.household_id != household_id
                or any(getattr(resident, f) != v for f, v in row.changes().items())
            )
            entries.append((row, pk, changed))
            if changed and resident is not None:
                self._note_changes(row, resident, household_id)
            if changed:
                self.outcome.updated += 1
            else:
                self.outcome.unchanged += 1
        self.outcome.created += len(rows) - len(matched)
        return entries

    def _note_changes(self, row: Row, resident: Resident, household_id: int | None) -> None:
        shown = self.outcome.changes
        if len(shown) >= MAX_CHANGES_SHOWN:
            return
        for name, after in row.changes().items():
            before = getattr(resident, name)
            if before != after:
                shown.append([row.number, resident.name, name, _shown(name, before), _shown(name, after)])  # fmt: skip
        if household_id is None or resident.household_id != household_id:
            shown.append([row.number, resident.name, "room", "", "-".join(row.room_key[1:])])

    def _start_writing(self) -> None:
        if self.record is None:  # called directly (tests, the demo seed): a record to mark by
            self.mark = ResidentImport.objects.create(
                community=self.community,
                uploaded_by=self.actor,
                file_name=self.path.name[:255],
                status=ResidentImport.Status.WRITING,
            ).pk
        else:
            ResidentImport.objects.filter(pk=self.record.pk).update(
                status=ResidentImport.Status.WRITING
            )
            self.mark = self.record.pk

    def _publish(self, mark: int) -> None:
        """Show everything the import wrote, in one step."""
        published = ResidentImport.objects.filter(
            pk=mark, status=ResidentImport.Status.WRITING
        ).update(
            status=ResidentImport.Status.APPLYING if self.staged else ResidentImport.Status.DONE,
            rows_done=self.outcome.rows,
            created=self.outcome.created,
            updated=self.outcome.updated,
            unchanged=self.outcome.unchanged,
        )
        if not published:
            raise RuntimeError("the import was given up while it was writing")
        self.outcome.committed = True

    def _stopped(self) -> None:
        """An import stopped by an error before publishing: what it wrote is never shown."""
        if self.mark is not None:
            ResidentImport.objects.filter(
                pk=self.mark, status=ResidentImport.Status.WRITING
            ).update(status=ResidentImport.Status.CRASHED, finished_at=timezone.now())

    def _write_batch(self, entries: list[tuple[Row, int, bool]]) -> bool:
        """Write one batch; whether it staged changes to residents already in the register."""
        rows = [row for row, _match, _changed in entries]
        room_ids = self._ensure_rooms(rows)
        household_ids = self._ensure_households(rows, room_ids)
        self.households_written.update(household_ids.values())
        new_rows = [row for row, match, _changed in entries if not match]
        resident_rows = []
        tag_rows: list[tuple[int, str]] = []
        for pk, row in zip(self.resident_ids.take(len(new_rows)), new_rows, strict=True):
            pinyin, initials = name_keys(row.name)
            resident_rows.append((
                pk, self.community.pk, household_ids[room_ids[row.room_key]], row.name, row.sex,
                row.born and row.born.isoformat(), row.id_type, row.id_number, row.phone, row.nationality,
                json.dumps(row.languages), row.mobility, row.ltc_level, row.notes, True,
                pinyin, initials, row.phone[-4:], row.id_number[-4:], self.mark,
            ))  # fmt: skip
            tag_rows.extend((pk, kind) for kind in row.tags)
        bulk_insert(Resident, RESIDENT_COLUMNS, resident_rows)
        insert_tags(self.community.pk, self.mark, sorted(set(tag_rows)), self.today)
        changes = [
            (self.mark, match, household_ids[room_ids[row.room_key]],
             json.dumps(_changes_json(row.changes())), json.dumps(row.tags))
            for row, match, changed in entries
            if match and (changed or row.tags)
        ]  # fmt: skip
        bulk_insert(
            ImportChange,
            ("resident_import_id", "resident_id", "household_id", "values", "tags"),
            changes,
        )
        return bool(changes)

    def _ensure_rooms(self, rows: list[Row]) -> dict[tuple[int, str, str], int]:
        """Room id of every row, creating the units and rooms the register does not have yet."""
        new_units = sorted({(r.room_key[0], r.room_key[1]) for r in rows} - self.units.keys())
        for key, pk in zip(new_units, self.unit_ids.take(len(new_units)), strict=True):
            self.units[key] = pk
        bulk_insert(Unit, ("id", "building_id", "number"), [(pk, b, n) for (b, n), pk in ((k, self.units[k]) for k in new_units)])  # fmt: skip
        keys = {
            r.room_key: (self.units[(r.room_key[0], r.room_key[1])], r.room_key[2]) for r in rows
        }
        new_rooms = sorted(set(keys.values()) - self.rooms.keys())
        for key, pk in zip(new_rooms, self.room_ids.take(len(new_rooms)), strict=True):
            self.rooms[key] = pk
        bulk_insert(
            Room,
            ("id", "unit_id", "number", "floor", "occupancy"),
            [(self.rooms[k], k[0], k[1], floor_of(k[1]), Room.Occupancy.OWNER) for k in new_rooms],
        )
        return {room_key: self.rooms[unit_room] for room_key, unit_room in keys.items()}

    def _ensure_households(
        self, rows: list[Row], room_ids: dict[tuple[int, str, str], int]
    ) -> dict[int, int]:
        """One household per room: the one living there, or a new one (under the mark)."""
        first_phone: dict[int, str] = {}
        for row in rows:
            first_phone.setdefault(room_ids[row.room_key], row.phone)
        new_rooms = sorted(set(first_phone) - self.households.keys())
        for room, pk in zip(new_rooms, self.household_ids.take(len(new_rooms)), strict=True):
            self.households[room] = pk
        bulk_insert(
            Household,
            ("id", "community_id", "room_id", "phone", "imported_by_id"),
            [
                (self.households[r], self.community.pk, r, first_phone[r], self.mark)
                for r in new_rooms
            ],
        )
        return {room: self.households[room] for room in first_phone}


def _shown(field_name: str, value: object) -> str:
    """A value as the preview of changes shows it: numbers masked, lists joined."""
    if value is None:
        return ""
    if field_name == "phone":
        return mask_phone(str(value))
    if field_name == "id_number":
        return mask_id_number(str(value))
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _changes_json(changes: dict[str, object]) -> dict[str, object]:
    return {f: v.isoformat() if isinstance(v, date) else v for f, v in changes.items()}


def batch_size() -> int:
    return min(BATCH, SQLITE_BATCH) if connection.vendor == "sqlite" else BATCH


def pause_for_others(since: float = 0.0) -> None:
    """Before the next write transaction on SQLite: a gap since the last one (committed at
    `since`, a monotonic time) long enough for every waiting writer to get in."""
    if connection.vendor == "sqlite":
        time.sleep(max(0.0, since + SQLITE_PAUSE - time.monotonic()))


def clear_rows(mark: int) -> int:
    """Delete the rows an unpublished import wrote, in short transactions; how many."""
    deleted = 0
    ImportChange.objects.filter(resident_import_id=mark).delete()
    for model in (Vulnerability, Resident, Household):
        while True:
            with transaction.atomic():
                pks = list(
                    model.all_rows.filter(imported_by=mark).values_list("pk", flat=True)[:BATCH]
                )
                if not pks:
                    break
                model.all_rows.filter(pk__in=pks).delete()
            deleted += len(pks)
            pause_for_others(time.monotonic())
    return deleted


def insert_tags(
    community_id: int, mark: int | None, tags: list[tuple[int, str]], since: date
) -> None:
    bulk_insert(
        Vulnerability,
        ("community_id", "resident_id", "kind", "details", "since", "imported_by_id"),
        [(community_id, pk, kind, "{}", since.isoformat(), mark) for pk, kind in tags],
    )


# Pass 3: apply the staged changes to residents already in the register.
def apply_changes(mark: int, actor: User, *, progress: Callable[[int], None] | None = None) -> int:
    """Apply what the published import `mark` staged, batch by batch (each in its own
    transaction, deleting what it applied), then mark it done; how many residents changed.
    Safe to call again on an import stopped halfway."""
    record = ResidentImport.objects.get(pk=mark)
    today = timezone.localdate()
    fields = [*UPDATABLE, "household_id", "name_pinyin", "name_initials", "phone_tail", "id_tail"]
    sql = (
        f"UPDATE {_table(Resident)} SET "  # noqa: S608
        + ", ".join(f"{connection.ops.quote_name(f)} = %s" for f in fields)
        + " WHERE id = %s"
    )
    prep = [
        f
        for f in (Resident._meta.get_field(name.removesuffix("_id")) for name in fields)
        if isinstance(f, Field)
    ]
    applied = 0
    while True:
        with transaction.atomic():
            batch = list(ImportChange.objects.filter(resident_import=record).order_by("pk")[:BATCH])
            if not batch:
                break
            residents = Resident.all_rows.in_bulk([c.resident_id for c in batch])
            changed: list[Resident] = []
            tag_rows: set[tuple[int, str]] = set()
            for change in batch:
                resident = residents.get(change.resident_id)
                if resident is None:
                    continue
                before = (*(getattr(resident, f) for f in UPDATABLE), resident.household_id)
                # The fields the file gave (a list of all of them, staged by an older version).
                values = (
                    change.values
                    if isinstance(change.values, dict)
                    else dict(zip(UPDATABLE, change.values, strict=True))
                )
                for field_name, value in values.items():
                    if field_name == "date_of_birth":
                        value = date.fromisoformat(value) if value else None
                    setattr(resident, field_name, value)
                resident.household_id = change.household_id
                if (*(getattr(resident, f) for f in UPDATABLE), resident.household_id) != before:
                    fill_search_keys(resident)
                    resident._change_reason = "import"  # type: ignore[attr-defined]
                    changed.append(resident)
                tag_rows.update((resident.pk, kind) for kind in change.tags)
            with connection.cursor() as cursor:
                cursor.executemany(
                    sql,
                    [
                        [
                            *(f.get_db_prep_save(getattr(r, f.attname), connection) for f in prep),
                            r.pk,
                        ]
                        for r in changed
                    ],
                )
            Resident.history.bulk_history_create(
                changed, default_user=actor, default_change_reason="import"
            )
            have = set(
                Vulnerability.all_rows.filter(
                    resident__in={pk for pk, _kind in tag_rows}, until__isnull=True
                ).values_list("resident_id", "kind")
            )
            insert_tags(record.community_id, record.pk, sorted(tag_rows - have), today)
            ImportChange.objects.filter(pk__in=[c.pk for c in batch]).delete()
            applied += len(changed)
        pause_for_others(time.monotonic())
        if progress:
            progress(record.rows_done)
    ResidentImport.objects.filter(pk=record.pk, status=ResidentImport.Status.APPLYING).update(
        status=ResidentImport.Status.DONE
    )
    return applied


def _compact_key(id_number: str) -> int | str:
    """An 18-digit identity number as one int: a million of them take a third of the memory."""
    if len(id_number) == 18 and id_number[:17].isdigit():
        return int(id_number[:17]) * 11 + "0123456789X".find(id_number[17])
    return id_number


def _number(value: object, suffixes: tuple[str, ...]) -> str:
    """'3号楼' → '3', 502.0 → '502'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    for suffix in suffixes:
        text = text.removesuffix(suffix)
    return text.strip()


def error_report_xlsx(
    errors: list[RowError] | list[list[object]], error_count: int | None = None
) -> bytes:
    """The per-row error report: row, column, reason; and how many more errors there were."""
    from linli.lib.xlsx import Sheet

    sheet = Sheet(_("Errors"), widths=[8, 16, 60])
    sheet.header([_("Row"), _("Column"), _("Reason")])
    sheet.rows(error.as_list() if isinstance(error, RowError) else list(error) for error in errors)
    more = (error_count or 0) - len(errors)
    if more > 0:
        sheet.row(["", "", _("… and %(n)s more errors, not listed: fix these first") % {"n": more}])
    return sheet.content()
