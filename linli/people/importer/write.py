"""Writing an import: each batch of clean rows under the import's mark (new units, rooms,
households, residents and their tags, through `linli.lib.sql`'s COPY; changes to residents
already there staged), publishing it in one step, and then applying its staged changes batch by
batch, or deleting what an import that failed wrote."""

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone

from linli.core.models import Community, Room, Unit, User, floor_of
from linli.lib.sql import copy_values, reserve_pks
from linli.people.importer.report import Outcome
from linli.people.importer.rows import UPDATABLE, Row
from linli.people.models import Household, ImportChange, Resident, ResidentImport, Vulnerability
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
RESIDENT_COLUMNS = (
    "id", "community_id", "household_id", "name", "sex", "date_of_birth", "id_type", "id_number",
    "phone", "nationality", "languages", "mobility", "ltc_level", "notes", "is_active",
    "name_pinyin", "name_initials", "phone_tail", "id_tail", "imported_by_id",
)  # fmt: skip


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
    copy_values(
        Vulnerability,
        ("community_id", "resident_id", "kind", "details", "since", "imported_by_id"),
        [(community_id, pk, kind, {}, since, mark) for pk, kind in tags],
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
        f"UPDATE {connection.ops.quote_name(Resident._meta.db_table)} SET "  # noqa: S608
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


def changes_json(changes: dict[str, object]) -> dict[str, object]:
    return {f: v.isoformat() if isinstance(v, date) else v for f, v in changes.items()}


class Writing:
    community: Community
    actor: User
    record: ResidentImport | None
    path: Path
    mark: int | None
    staged: bool
    today: date
    outcome: Outcome
    units: dict[tuple[int, str], int]
    rooms: dict[tuple[int, str], int]
    households: dict[int, int]
    households_written: set[int]

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
        for pk, row in zip(reserve_pks(Resident, len(new_rows)), new_rows, strict=True):
            pinyin, initials = name_keys(row.name)
            resident_rows.append((
                pk, self.community.pk, household_ids[room_ids[row.room_key]], row.name, row.sex,
                row.born, row.id_type, row.id_number, row.phone, row.nationality,
                row.languages, row.mobility, row.ltc_level, row.notes, True,
                pinyin, initials, row.phone[-4:], row.id_number[-4:], self.mark,
            ))  # fmt: skip
            tag_rows.extend((pk, kind) for kind in row.tags)
        copy_values(Resident, RESIDENT_COLUMNS, resident_rows)
        insert_tags(self.community.pk, self.mark, sorted(set(tag_rows)), self.today)
        changes = [
            (self.mark, match, household_ids[room_ids[row.room_key]],
             changes_json(row.changes()), row.tags)
            for row, match, changed in entries
            if match and (changed or row.tags)
        ]  # fmt: skip
        copy_values(
            ImportChange,
            ("resident_import_id", "resident_id", "household_id", "values", "tags"),
            changes,
        )
        return bool(changes)

    def _ensure_rooms(self, rows: list[Row]) -> dict[tuple[int, str, str], int]:
        """Room id of every row, creating the units and rooms the register does not have yet."""
        new_units = sorted({(r.room_key[0], r.room_key[1]) for r in rows} - self.units.keys())
        for key, pk in zip(new_units, reserve_pks(Unit, len(new_units)), strict=True):
            self.units[key] = pk
        copy_values(Unit, ("id", "building_id", "number"), [(pk, b, n) for (b, n), pk in ((k, self.units[k]) for k in new_units)])  # fmt: skip
        keys = {
            r.room_key: (self.units[(r.room_key[0], r.room_key[1])], r.room_key[2]) for r in rows
        }
        new_rooms = sorted(set(keys.values()) - self.rooms.keys())
        for key, pk in zip(new_rooms, reserve_pks(Room, len(new_rooms)), strict=True):
            self.rooms[key] = pk
        copy_values(
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
        for room, pk in zip(new_rooms, reserve_pks(Household, len(new_rooms)), strict=True):
            self.households[room] = pk
        copy_values(
            Household,
            ("id", "community_id", "room_id", "phone", "imported_by_id"),
            [
                (self.households[r], self.community.pk, r, first_phone[r], self.mark)
                for r in new_rooms
            ],
        )
        return {room: self.households[room] for room in first_phone}
