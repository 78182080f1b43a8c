"""The import itself: one pass over the file, every BATCH clean rows matched and written in a
transaction of their own, then published or cleared (see the package's docstring)."""

import itertools
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.models import Community, User
from linli.lib.uploads import Refused
from linli.lib.validation import Invalid
from linli.people.importer import write
from linli.people.importer.headers import (
    HEADER_SEARCH_ROWS,
    HEADERS,
    REQUIRED,
    find_header,
    map_columns,
    unrecognised,
)
from linli.people.importer.match import Matching
from linli.people.importer.report import Outcome, Warnings
from linli.people.importer.rows import Row, RowChecks, read_rows
from linli.people.importer.write import Writing, batch_size, clear_rows, pause_for_others
from linli.people.models import ResidentImport


class Importer(RowChecks, Matching, Writing, Warnings):
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
                write.apply_changes(self.mark, self.actor, progress=self.progress)
                if self.record is None:
                    ResidentImport.objects.filter(pk=self.mark).update(finished_at=timezone.now())
            elif self.record is None:
                ResidentImport.objects.filter(pk=self.mark).update(
                    status=ResidentImport.Status.FAILED, finished_at=timezone.now()
                )
        if (
            self.outcome.committed
            and self.outcome.created + self.outcome.updated >= write.ANALYZE_AFTER
        ):
            write.refresh_planner_statistics()
        if not self.outcome.error_count:
            self.outcome.warnings = self._warnings()
        return self.outcome

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
