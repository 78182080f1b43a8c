"""An import never holds the write lock for long, and stays all-or-nothing as anyone sees it.

Finding 2 of the hostile-input review: the roster import parsed inside one transaction, so on
SQLite (IMMEDIATE transactions) the write lock was held for the whole parse, dry runs included,
and every request of the hotline failed behind it. Now the file is checked outside any
transaction, written in short ones under the import's mark, and published in one step.
The time a request waits is measured by `bench/import_bench.py --intake`.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from linli.core.models import Community, User
from linli.people import phones
from linli.people.actions.imports import (
    do_clear_crashed_imports,
    do_give_up_stalled_imports,
)
from linli.people.importer import Importer
from linli.people.importer import write as importer_module
from linli.people.models import Household, ImportChange, Resident, ResidentImport, Vulnerability
from linli.people.selectors import community_table, groups_of, vulnerability_counts
from tests.people.rosters import GOOD, make_compound, write_xlsx

# Outside the test's own transaction, so that "not in a transaction" can be seen.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("english")]

NEW = ["赵六", "男", "31010119800101123X", "13700001111", "岐山村", "3", "2", "101", "独居"]


def register_as_seen(user: User, community: Community) -> dict[str, object]:
    """What the register's pages and the hotline's lookups show of it."""
    (row,) = community_table(user, timezone.localdate())
    return {
        "residents": Resident.objects.count(),
        "households": Household.objects.count(),
        "groups": Vulnerability.objects.count(),
        "figures": (row.n_residents, row.n_over_80),  # type: ignore[attr-defined]
        "group counts": vulnerability_counts(user),
        "caller": phones.caller(community, NEW[3]),
        "room of 张三 counts": groups_of([], Household.objects.get(room__number="502").pk)[0]
        if Household.objects.filter(room__number="502").exists()
        else None,
    }


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer_module, "BATCH", 2)
    monkeypatch.setattr(importer_module, "SQLITE_PAUSE", 0)


def test_a_roster_is_checked_outside_any_transaction_and_written_in_short_ones(
    tmp_path: Path, community_a: Community, worker_a: User, small_batches: None
) -> None:
    make_compound(community_a)
    seen: list[tuple[str, bool, int, int]] = []

    def watch(_rows: int) -> None:
        status = ResidentImport.objects.values_list("status", flat=True).first() or "checking"
        seen.append(
            (
                status,
                connection.in_atomic_block,
                Resident.objects.count(),
                Resident.all_rows.count(),
            )
        )

    rows = [*GOOD, NEW, [*NEW[:2], "310101198001011256", *NEW[3:7], "102", ""]]
    outcome = Importer(community_a, worker_a, progress=watch).run(
        write_xlsx(tmp_path / "r.xlsx", rows)
    )
    assert outcome.committed and outcome.created == 5, outcome.errors
    assert seen, "the import reported no progress"
    assert not any(in_transaction for _s, in_transaction, _n, _all in seen)
    writing = [(n, total) for status, _t, n, total in seen if status == "writing"]
    # Three batches of two rows, each committed on its own, then the end of the file: none of
    # them seen until the import publishes them.
    assert [total for _n, total in writing] == [2, 4, 5, 5]
    assert {n for n, _total in writing} == {0}
    assert Resident.objects.count() == 5
    assert ResidentImport.objects.get().status == ResidentImport.Status.DONE


def test_a_bad_row_after_batches_were_written_leaves_nothing_behind(
    tmp_path: Path, community_a: Community, worker_a: User, small_batches: None
) -> None:
    make_compound(community_a)
    seen: list[int] = []
    bad = [*NEW[:2], "310101198001011257", *NEW[3:]]  # a wrong check digit, on the last row
    outcome = Importer(
        community_a, worker_a, progress=lambda _n: seen.append(Resident.all_rows.count())
    ).run(write_xlsx(tmp_path / "r.xlsx", [*GOOD, NEW, bad]))
    assert not outcome.committed and outcome.error_count == 1
    assert max(seen) == 4  # two batches were written …
    assert not Resident.all_rows.exists() and not Household.all_rows.exists()  # … and taken back
    assert not Vulnerability.all_rows.exists()
    assert ResidentImport.objects.get().status == ResidentImport.Status.FAILED


def test_a_dry_run_writes_nothing_at_all(
    tmp_path: Path, community_a: Community, worker_a: User
) -> None:
    make_compound(community_a)
    outcome = Importer(community_a, worker_a, dry_run=True).run(
        write_xlsx(tmp_path / "r.xlsx", [*GOOD, NEW])
    )
    assert (outcome.committed, outcome.created, outcome.error_count) == (False, 4, 0)
    assert not Resident.all_rows.exists() and not Household.all_rows.exists()
    assert not ResidentImport.objects.exists()


def test_rows_written_before_the_import_publishes_them_are_seen_nowhere(
    tmp_path: Path,
    community_a: Community,
    worker_a: User,
    small_batches: None,
) -> None:
    make_compound(community_a)
    Importer(community_a, worker_a).run(write_xlsx(tmp_path / "first.xlsx", GOOD))
    before = register_as_seen(worker_a, community_a)
    during: list[dict[str, object]] = []

    def watch(_rows: int) -> None:
        if ResidentImport.objects.filter(status="writing").exists():
            during.append(register_as_seen(worker_a, community_a))

    # A new resident in a new room and one in 张三's room (an existing household).
    joining = [*NEW[:2], "310101198001011256", "13700002222", "岐山村", "3", "1", "502", "慢性病"]
    outcome = Importer(community_a, worker_a, progress=watch).run(
        write_xlsx(tmp_path / "second.xlsx", [NEW, joining])
    )
    assert outcome.committed and outcome.created == 2, outcome.errors
    assert during, "never watched the import while it wrote"
    assert all(seen == before for seen in during)
    after = register_as_seen(worker_a, community_a)
    assert after["residents"] == 5 and after["caller"] != (None, None)
    assert after["room of 张三 counts"] == 3


def test_an_import_stopped_while_writing_shows_nothing_and_its_rows_are_cleared(
    tmp_path: Path,
    community_a: Community,
    worker_a: User,
    small_batches: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_compound(community_a)
    before = register_as_seen(worker_a, community_a)
    batches = 0
    write_batch = Importer._write_batch

    def dies_on_the_second_batch(self: Importer, entries: Any) -> bool:
        nonlocal batches
        batches += 1
        if batches == 2:
            raise MemoryError("the worker ran out of memory")
        return write_batch(self, entries)

    monkeypatch.setattr(Importer, "_write_batch", dies_on_the_second_batch)
    with pytest.raises(MemoryError):
        Importer(community_a, worker_a).run(write_xlsx(tmp_path / "r.xlsx", [*GOOD, NEW]))
    assert ResidentImport.objects.get().status == ResidentImport.Status.CRASHED
    assert Resident.all_rows.count() == 2  # the first batch was committed
    assert register_as_seen(worker_a, community_a) == before
    # Two residents of room 502 (one household), and the two groups of one of them.
    assert do_clear_crashed_imports() == 2 + 1 + 2
    assert not Resident.all_rows.exists() and not Household.all_rows.exists()
    assert not Vulnerability.all_rows.exists()


def test_a_reimport_stopped_while_applying_its_changes_is_finished_by_the_worker_round(
    tmp_path: Path,
    community_a: Community,
    worker_a: User,
    monkeypatch: pytest.MonkeyPatch,
    small_batches: None,
) -> None:
    make_compound(community_a)
    Importer(community_a, worker_a).run(write_xlsx(tmp_path / "first.xlsx", GOOD))
    moved = [[*row[:3], "13800000000", *row[4:]] for row in GOOD]

    def stopped(*_args: object, **_kwargs: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(importer_module, "apply_changes", stopped)
    started = timezone.now()
    with pytest.raises(KeyboardInterrupt):
        Importer(community_a, worker_a).run(write_xlsx(tmp_path / "second.xlsx", moved))
    monkeypatch.undo()
    second = ResidentImport.objects.order_by("pk").last()
    assert second is not None and second.status == ResidentImport.Status.APPLYING
    assert ImportChange.objects.count() == 3
    assert not Resident.objects.filter(phone="13800000000").exists()
    with time_machine.travel(started + timedelta(minutes=11), tick=False):
        assert do_give_up_stalled_imports() == 0  # published: resumed, not given up
    second.refresh_from_db()
    assert second.status == ResidentImport.Status.DONE
    assert Resident.objects.filter(phone="13800000000").count() == 3
    assert not ImportChange.objects.exists()
    assert Resident.history.filter(history_change_reason="import", phone="13800000000").count() == 3


def test_the_register_is_read_through_its_published_rows_only(
    tmp_path: Path, community_a: Community, worker_a: User
) -> None:
    """The raw-SQL lookups of the hotline say the same as the managers."""
    make_compound(community_a)
    Importer(community_a, worker_a).run(write_xlsx(tmp_path / "r.xlsx", [NEW]))
    assert phones.caller(community_a, NEW[3])[1] is not None
    ResidentImport.objects.update(status=ResidentImport.Status.WRITING)
    assert phones.caller(community_a, NEW[3]) == (None, None)
    assert not Resident.objects.exists() and Resident.all_rows.exists()
