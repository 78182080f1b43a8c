"""A roster import killed with SIGKILL halfway leaves nothing anyone can see.

`linli import residents` runs as a child process against a database of its own (a SQLite file,
or a fresh PostgreSQL database on the server of DATABASE_URL, as the suite's second run uses).
The import writes its rows in short transactions under its mark and publishes them in one step
at the end (`linli.people.importer`); it is killed once two write batches of it are committed
and before it has written them all. The register as everyone sees it must then be exactly as
before, the database sound, a second import of the same file must bring every row in exactly
once, and the periodic clean-up must then delete the killed import's rows, leaving the tables
as if it had never run (but for the units and rooms it created: addresses, which the second
import then uses).

The moment is taken from the database itself, read from outside: the rows committed under the
mark of an import that is still writing.
"""

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from linli.lib.idcard import make_id_number
from linli.people.importer import BATCH
from linli.people.models import published_sql

ROOT = Path(__file__).resolve().parents[2]
ROWS = 30_000
KILL_AFTER_ROWS = 2 * BATCH  # two batches committed, well before the end of the file
REGION = "650102"  # no seeded resident has it: the file's people are told apart by it
FROM_FILE = f"id_number LIKE '{REGION}%'"
HEADER = ["姓名", "性别", "身份证号", "联系电话", "小区", "楼号", "单元", "室号", "特殊人群"]
UNIT = "9"  # a unit the seed never makes: the import creates units and rooms as well
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华平刚桂兰"

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="watches the import through /proc"
)


@dataclass
class Database:
    """A database the child processes use and the test reads directly (committed data only)."""

    env: dict[str, str]
    sqlite_path: Path | None = None
    postgres_url: str = ""

    def query(self, sql: str) -> list[tuple[object, ...]]:
        if self.sqlite_path is not None:
            with closing(sqlite3.connect(self.sqlite_path)) as conn:
                return list(conn.execute(sql).fetchall())
        import psycopg

        with psycopg.connect(self.postgres_url) as conn:
            return list(conn.execute(sql.encode()).fetchall())

    def execute(self, sql: str) -> None:
        if self.sqlite_path is not None:
            with closing(sqlite3.connect(self.sqlite_path)) as conn, conn:
                conn.execute(sql)
            return
        import psycopg

        with psycopg.connect(self.postgres_url) as pg:
            pg.execute(sql.encode())

    def count(self, sql: str) -> int:
        value = self.query(sql)[0][0]
        assert isinstance(value, int)
        return value


def _linli(db: Database, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "linli.cli", *args],
        env=db.env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


@pytest.fixture
def crash_db(tmp_path: Path) -> Iterator[Database]:
    """A migrated database of its own, seeded with one community of 50 residents."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "linli.settings",
        "LINLI_VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": str(ROOT),
    }
    server = os.environ.get("DATABASE_URL", "")
    admin_url = ""
    name = ""
    if server.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(server)
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        name = f"linli_import_crash_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}".encode())
        url = urlunsplit(parts._replace(path=f"/{name}"))
        db = Database({**env, "DATABASE_URL": url}, postgres_url=url)
    elif server:
        pytest.skip(f"no crash test for this DATABASE_URL scheme: {urlsplit(server).scheme}")
    else:
        env.pop("DATABASE_URL", None)
        db = Database(env, sqlite_path=tmp_path / "var" / "linli.sqlite3")
    try:
        for args in (
            ("manage", "migrate", "-v0"),
            ("seed", "--residents", "50", "--communities", "1", "--password", "crash-test-pw"),
        ):
            done = _linli(db, *args)
            assert done.returncode == 0, f"linli {' '.join(args)} failed:\n{done.stderr}"
        yield db
    finally:
        if name:
            import psycopg

            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)".encode())


def write_roster(path: Path, compound: str, buildings: list[str]) -> int:
    """ROWS valid residents, two to a room, in a new unit of each seeded building; the number
    of rooms."""
    rooms: set[tuple[str, str]] = set()
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for i in range(ROWS):
            male = i % 2 == 0
            born = date(1940, 1, 1) + timedelta(days=i % 25_000)
            room_index = i // 2
            building = buildings[room_index % len(buildings)]
            room = str(101 + room_index // len(buildings))
            rooms.add((building, room))
            out.writerow(
                [
                    SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)],
                    "男" if male else "女",
                    make_id_number(REGION, born, 1 + 2 * (i // 25_000), male),
                    f"139{i:08d}",
                    compound,
                    building,
                    UNIT,
                    room,
                    "独居" if i % 10 == 0 else "",
                ]
            )
    return len(rooms)


WRITTEN_UNSEEN = (
    "SELECT COUNT(*) FROM people_resident WHERE imported_by_id IN"
    " (SELECT id FROM people_residentimport WHERE status = 'writing')"
)
MARKED = ("people_resident", "people_household", "people_vulnerability")


def register(db: Database, *, as_seen: bool = True) -> dict[str, int]:
    """Rows of the register's tables: as everyone sees them (published), or all there are."""
    tables = {
        "residents": "people_resident",
        "households": "people_household",
        "vulnerabilities": "people_vulnerability",
        "units": "core_unit",
        "rooms": "core_room",
    }

    def seen(table: str) -> str:
        return published_sql(table) if as_seen and table in MARKED else "1 = 1"

    counts = {
        name: db.count(f"SELECT COUNT(*) FROM {table} WHERE {seen(table)}")  # noqa: S608
        for name, table in tables.items()
    }
    counts["from the file"] = db.count(
        f"SELECT COUNT(*) FROM people_resident WHERE {FROM_FILE} AND {seen('people_resident')}"  # noqa: S608
    )
    return counts


def assert_sound(db: Database) -> None:
    if db.sqlite_path is not None:
        assert db.query("PRAGMA integrity_check") == [("ok",)]
        assert db.query("PRAGMA foreign_key_check") == []
    orphans = {
        "residents without household": "SELECT COUNT(*) FROM people_resident r "
        "LEFT JOIN people_household h ON h.id = r.household_id "
        "WHERE r.household_id IS NOT NULL AND h.id IS NULL",
        "households without room": "SELECT COUNT(*) FROM people_household h "
        "LEFT JOIN core_room r ON r.id = h.room_id WHERE h.room_id IS NOT NULL AND r.id IS NULL",
        "rooms without unit": "SELECT COUNT(*) FROM core_room r "
        "LEFT JOIN core_unit u ON u.id = r.unit_id WHERE u.id IS NULL",
    }
    for what, sql in orphans.items():
        assert db.count(sql) == 0, what


def test_a_killed_import_shows_nothing_a_rerun_imports_every_row_once_and_its_rows_are_cleared(
    crash_db: Database, tmp_path: Path
) -> None:
    db = crash_db
    ((community,),) = db.query("SELECT code FROM core_community")
    compound_id, compound = db.query("SELECT id, name FROM core_compound ORDER BY id")[0]
    buildings = [
        str(number)
        for (number,) in db.query(
            f"SELECT number FROM core_building WHERE compound_id = {compound_id} ORDER BY id"  # noqa: S608
        )
    ]
    roster = (tmp_path / "roster.csv").resolve()
    rooms = write_roster(roster, str(compound), buildings)
    before = register(db)
    assert before["residents"] == 50
    assert before["from the file"] == 0

    command = ["import", "residents", str(roster), "--community", str(community)]
    log = (tmp_path / "import.log").open("w+")
    child = subprocess.Popen(
        [sys.executable, "-m", "linli.cli", *command],
        env=db.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    written = 0
    deadline = time.monotonic() + 120
    try:
        while True:
            written = db.count(WRITTEN_UNSEEN)
            if written >= KILL_AFTER_ROWS:
                break
            if child.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(
                    f"the import was never caught writing ({written} rows written unseen, "
                    f"wanted {KILL_AFTER_ROWS}; exit status {child.poll()}):\n{log.read()}"
                )
            time.sleep(0.01)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=30)
        log.close()
    assert child.returncode == -signal.SIGKILL

    # Not vacuous: rows were committed, and not all of them.
    written = db.count(WRITTEN_UNSEEN)
    assert KILL_AFTER_ROWS <= written < ROWS, written
    seen = register(db)
    assert seen.pop("units") >= before["units"] and seen.pop("rooms") >= before["rooms"]
    assert seen == {k: v for k, v in before.items() if k not in ("units", "rooms")}, (
        "a killed import left rows that are seen"
    )
    assert_sound(db)

    done = _linli(db, *command)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{ROWS} rows: {ROWS} new" in done.stdout
    after = register(db)
    assert after["from the file"] == ROWS
    assert after["residents"] == before["residents"] + ROWS
    assert after["households"] == before["households"] + rooms
    assert after["units"] == before["units"] + len(buildings)
    assert after["rooms"] == before["rooms"] + rooms
    assert after["vulnerabilities"] == before["vulnerabilities"] + ROWS // 10
    distinct = f"SELECT COUNT(DISTINCT id_number) FROM people_resident WHERE {FROM_FILE}"  # noqa: S608
    assert db.count(distinct) == ROWS
    assert_sound(db)

    # The worker's round gives up the killed import (its heartbeat stopped), then clears it.
    db.execute("UPDATE people_residentimport SET status = 'crashed' WHERE status = 'writing'")
    cleared = _linli(db, "manage", "shell", "-c", CLEAR)
    assert cleared.returncode == 0, cleared.stderr
    assert int(cleared.stdout.split()[-1]) >= written
    assert register(db, as_seen=False) == after
    assert_sound(db)


CLEAR = (
    "from linli.people.actions.imports import do_clear_crashed_imports;"
    "print(do_clear_crashed_imports())"
)
