"""Import of door-knocking results written on paper, typed into an xlsx sheet afterwards.

Columns (recognised by their header, in Chinese or English): 楼号/building, 单元/unit, 室号/room,
结果/result (核实 verified, 更正 corrected, 无人 nobody home, 拒绝 refused), 日期/date, 备注/notes.
The sheet is streamed (openpyxl read-only) and every row is checked; the visits are written in one
transaction only when no row is bad, so a sheet is recorded whole or not at all, with a report of
every bad row (row number, column, reason).

A paper sheet cannot carry the corrected values themselves: a "corrected" row must say in its notes
what was corrected (the register is then brought up to date on the round page). A row names a door,
so it records the visit for every household registered behind that door.
"""

import re
from collections.abc import Callable, Generator
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.models import Room, User
from linli.lib.numbers import address_number
from linli.lib.uploads import Refused, xlsx_rows
from linli.people.importer import ErrorReport
from linli.people.models import Household, SurveyRound, SurveyVisit

MAX_ERRORS_KEPT = 1000

HEADERS: dict[str, tuple[str, ...]] = {
    "building": ("楼号", "楼栋", "幢", "楼", "楼栋号", "building", "buildingno", "block"),
    "unit": ("单元", "单元号", "门洞", "unit", "stairwell", "entrance"),
    "room": ("室号", "房号", "门牌号", "室", "房间号", "room", "roomno", "flat", "apartment"),
    "result": ("结果", "敲门结果", "走访结果", "result", "outcome"),
    "date": ("日期", "敲门日期", "走访日期", "date", "visitdate", "visited"),
    "notes": ("备注", "说明", "notes", "remarks", "note"),
}  # fmt: skip
REQUIRED = ("room", "result")
RESULTS: dict[str, str] = {
    "核实": SurveyVisit.Result.VERIFIED, "已核实": SurveyVisit.Result.VERIFIED,
    "核实无误": SurveyVisit.Result.VERIFIED, "verified": SurveyVisit.Result.VERIFIED,
    "更正": SurveyVisit.Result.CORRECTED, "已更正": SurveyVisit.Result.CORRECTED,
    "corrected": SurveyVisit.Result.CORRECTED,
    "无人": SurveyVisit.Result.NOBODY_HOME, "无人在家": SurveyVisit.Result.NOBODY_HOME,
    "nobody": SurveyVisit.Result.NOBODY_HOME, "nobodyhome": SurveyVisit.Result.NOBODY_HOME,
    "拒绝": SurveyVisit.Result.REFUSED, "拒访": SurveyVisit.Result.REFUSED,
    "refused": SurveyVisit.Result.REFUSED,
}  # fmt: skip
NORMALISE = re.compile(r"[\s_\-\*:：()（）/\.]|必填")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


def _normalise(text: object) -> str:
    return NORMALISE.sub("", str(text or "")).lower()


ALIASES = {_normalise(alias): col for col, names in HEADERS.items() for alias in names}
RESULT_WORDS = {_normalise(word): result for word, result in RESULTS.items()}
Fail = Callable[[str, str], None]


@dataclass
class SurveyOutcome(ErrorReport):
    rows: int = 0
    visits: int = 0
    committed: bool = False
    max_kept: int = MAX_ERRORS_KEPT


class _Stop(Exception):
    """The whole sheet is unusable (not a workbook, no header, missing columns, closed round)."""


@dataclass
class _Row:
    households: list[int]
    result: str
    visited_at: datetime
    notes: str


class SurveyImporter:
    def __init__(self, round: SurveyRound, actor: User) -> None:
        self.round = round
        self.actor = actor
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.outcome = SurveyOutcome()
        self.pending: list[_Row] = []

    def run(self, source: Path | IO[bytes]) -> SurveyOutcome:
        """Read and check the whole sheet outside any transaction (on SQLite a transaction that
        writes holds the database's one write lock: the hotline would wait on the parse), then
        write its visits in one short transaction, all or nothing."""
        try:
            self.round = self._open_round(lock=False)
            self._load_building()
            self._check_all(source)
            if self.outcome.error_count:
                return self.outcome
            with transaction.atomic():
                self.round = self._open_round(lock=True)  # not closed while the sheet was read
                self._write()
                self.outcome.committed = True
        except _Stop as exc:
            self.outcome.add_error(1, "", str(exc))
        return self.outcome

    def _open_round(self, *, lock: bool) -> SurveyRound:
        rounds = SurveyRound.objects.select_related("building")
        if lock:
            rounds = rounds.select_for_update(of=("self",))
        round = rounds.get(pk=self.round.pk)
        if round.closed_at is not None:
            raise _Stop(
                _("the round %(name)s is closed: it takes no more visits") % {"name": round}
            )
        return round

    def _load_building(self) -> None:
        building = self.round.building
        self.building_number = building.number
        rooms = Room.objects.filter(unit__building=building).values_list(
            "pk", "unit__number", "number"
        )
        self.rooms: dict[tuple[str, str], int] = {(u, n): pk for pk, u, n in rooms}
        self.units = sorted({u for u, _n in self.rooms})
        self.households: dict[int, list[int]] = {}
        for pk, room in (
            Household.objects.filter(
                community_id=self.round.community_id, room__unit__building=building
            )
            .order_by("pk")
            .values_list("pk", "room_id")
        ):
            self.households.setdefault(room, []).append(pk)

    def _check_all(self, source: Path | IO[bytes]) -> None:
        with closing(_read_rows(source)) as rows:
            header = next(rows, None)
            if header is None:
                raise _Stop(_("the file is empty"))
            self.columns: dict[str, int] = {}
            for index, cell in enumerate(header):
                column = ALIASES.get(_normalise(cell))
                if column and column not in self.columns:
                    self.columns[column] = index
            self.header_names = [str(c or "") for c in header]
            missing = [c for c in REQUIRED if c not in self.columns]
            if missing:
                names = ", ".join(f"{HEADERS[c][0]} ({c})" for c in missing)
                raise _Stop(_("missing columns: %(names)s") % {"names": names})
            for number, values in enumerate(rows, start=2):
                if not any(v not in (None, "") for v in values):
                    continue
                self.outcome.rows += 1
                row = self._check(number, values)
                if row is not None:
                    self.pending.append(row)

    def _cell(self, values: list[object], column: str) -> object:
        index = self.columns.get(column)
        if index is None or index >= len(values):
            return None
        value = values[index]
        if isinstance(value, str):
            return value.strip() or None
        return value

    def _header(self, column: str) -> str:
        index = self.columns.get(column)
        return (
            (self.header_names[index] or HEADERS[column][0])
            if index is not None
            else HEADERS[column][0]
        )

    def _check(self, number: int, values: list[object]) -> _Row | None:
        errors_before = self.outcome.error_count

        def fail(column: str, reason: str) -> None:
            self.outcome.add_error(number, self._header(column), reason)

        households = self._households(values, fail)
        result_raw = self._cell(values, "result")
        result = RESULT_WORDS.get(_normalise(result_raw)) if result_raw is not None else None
        if result_raw is None:
            fail("result", _("the result is empty"))
        elif result is None:
            fail(
                "result",
                _("%(value)s is not a result (核实 / 更正 / 无人 / 拒绝)") % {"value": result_raw},
            )
        notes = str(self._cell(values, "notes") or "")
        if result == SurveyVisit.Result.CORRECTED and not notes:
            fail("notes", _("a corrected row must say in the notes what was corrected"))
        visited_at = self._visited_at(values, fail)
        if self.outcome.error_count != errors_before or not households or result is None:
            return None
        return _Row(households, result, visited_at or self.now, notes)

    def _households(self, values: list[object], fail: Fail) -> list[int]:
        building = address_number(self._cell(values, "building"), ("号楼", "号", "幢", "栋"))
        if building and building != self.building_number:
            fail(
                "building",
                _("building %(number)s is not the building of this round (%(round)s)")
                % {"number": building, "round": self.building_number},
            )
            return []
        room = address_number(self._cell(values, "room"), ("室", "号"))
        if not room:
            fail("room", _("the room is empty"))
            return []
        unit = address_number(self._cell(values, "unit"), ("单元", "门洞"))
        if not unit:
            if len(self.units) > 1:
                fail(
                    "unit",
                    _("the unit is empty, and building %(number)s has several units")
                    % {"number": self.building_number},
                )
                return []
            unit = self.units[0] if self.units else "1"
        room_id = self.rooms.get((unit, room))
        if room_id is None:
            fail(
                "room",
                _("room %(unit)s-%(room)s is not in the register of building %(number)s")
                % {"unit": unit, "room": room, "number": self.building_number},
            )
            return []
        households = self.households.get(room_id, [])
        if not households:
            fail(
                "room",
                _("nobody is registered in room %(unit)s-%(room)s") % {"unit": unit, "room": room},
            )
        return households

    def _visited_at(self, values: list[object], fail: Fail) -> datetime | None:
        raw = self._cell(values, "date")
        if raw is None:
            return None
        found = _parse_date(raw)
        if found is None:
            fail("date", _("%(value)s is not a date (write it as 2026-03-21)") % {"value": raw})
            return None
        day = found.date() if isinstance(found, datetime) else found
        started = timezone.localdate(self.round.started_at)
        if day > self.today:
            fail("date", _("%(date)s is in the future") % {"date": day})
            return None
        if day < started:
            fail(
                "date",
                _("%(date)s is before the round started (%(started)s)")
                % {"date": day, "started": started},
            )
            return None
        if isinstance(found, datetime) and found.time() != time(0, 0):
            moment = timezone.make_aware(found) if timezone.is_naive(found) else found
        else:  # a day without a time: midday of that day, or now when that is still to come
            moment = timezone.make_aware(datetime.combine(day, time(12, 0)))
        return min(moment, self.now)

    def _write(self) -> None:
        visits = [
            SurveyVisit(
                community_id=self.round.community_id,
                round=self.round,
                household_id=household,
                visited_at=row.visited_at,
                visitor=self.actor,
                result=row.result,
                notes=row.notes,
            )
            for row in self.pending
            for household in row.households
        ]
        SurveyVisit.objects.bulk_create(visits, batch_size=1000)
        self.outcome.visits = len(visits)


def _read_rows(source: Path | IO[bytes]) -> Generator[list[object], None, None]:
    """Rows of the first sheet as lists of cell values, header first, streamed within the
    upload limits (`linli.lib.uploads`)."""
    try:
        yield from xlsx_rows(source)
    except Refused as exc:
        raise _Stop(str(exc)) from None


def _parse_date(value: object) -> date | datetime | None:
    """A date (or a date and time) from an Excel cell or text."""
    if isinstance(value, datetime | date):
        return value
    text = str(value).strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a day, no time)
        except ValueError:
            continue
    return None
