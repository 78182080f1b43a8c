"""A roster import killed with SIGKILL halfway leaves nothing half-imported.

`linli import residents` runs as a child process against a database of its own (a SQLite file,
or a fresh PostgreSQL database on the server of DATABASE_URL, as the suite's second run uses).
It is killed once it has read well past two write batches of the file, so rows have been written
inside its transaction; the register must then be exactly as before, the database sound, and a
second import of the same file must bring every row in exactly once.

The moment is taken from the child's read position in the file (/proc/PID/fdinfo): the importer
streams the file and writes each batch before reading on, so a read position past row 12,000
means at least two batches of 5,000 residents were written and not yet committed.
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

ROOT = Path(__file__).resolve().parents[2]
ROWS = 30_000
KILL_AFTER_ROW = 2 * BATCH + 2_000  # two batches written, well before the end of the file
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


def write_roster(path: Path, compound: str, buildings: list[str]) -> tuple[int, int]:
    """ROWS valid residents, two to a room, in a new unit of each seeded building; the byte
    offset where row KILL_AFTER_ROW starts, and the number of rooms."""
    offset = 0
    rooms: set[tuple[str, str]] = set()
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for i in range(ROWS):
            if i == KILL_AFTER_ROW:
                f.flush()
                offset = path.stat().st_size
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
    return offset, len(rooms)


def read_position(pid: int, path: Path) -> int | None:
    """Where the process is reading `path`, or None while it does not have it open."""
    fds = Path(f"/proc/{pid}/fd")
    try:
        entries = list(fds.iterdir())
    except OSError:
        return None
    for fd in entries:
        try:
            if os.readlink(fd) != str(path):
                continue
            for line in Path(f"/proc/{pid}/fdinfo/{fd.name}").read_text().splitlines():
                if line.startswith("pos:"):
                    return int(line.split()[1])
        except OSError:
            continue
    return None


def register(db: Database) -> dict[str, int]:
    tables = {
        "residents": "people_resident",
        "households": "people_household",
        "vulnerabilities": "people_vulnerability",
        "units": "core_unit",
        "rooms": "core_room",
    }
    counts = {name: db.count(f"SELECT COUNT(*) FROM {table}") for name, table in tables.items()}  # noqa: S608
    counts["from the file"] = db.count(f"SELECT COUNT(*) FROM people_resident WHERE {FROM_FILE}")  # noqa: S608
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


def test_a_killed_import_leaves_nothing_and_a_rerun_imports_every_row_once(
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
    kill_at, rooms = write_roster(roster, str(compound), buildings)
    size = roster.stat().st_size
    before = register(db)
    assert before["residents"] == 50
    assert before["from the file"] == 0

    command = ["import", "residents", str(roster), "--community", str(community)]
    log = (tmp_path / "import.log").open("w+")
    child = subprocess.Popen(
        [sys.executable, "-m", "linli.cli", *command],
        env=db.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    position: int | None = None
    deadline = time.monotonic() + 60
    try:
        while True:
            position = read_position(child.pid, roster)
            if position is not None and position >= kill_at:
                break
            if child.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(
                    f"the import was never caught mid-file (read position {position} of {size}, "
                    f"wanted {kill_at}; exit status {child.poll()}):\n{log.read()}"
                )
            time.sleep(0.005)
        # Not vacuous: the child is alive and has not read the whole file yet.
        assert child.poll() is None, "the import finished before it could be killed"
        assert position < size, (
            f"the import had read the whole file ({position} of {size} bytes) before the kill: "
            "make the roster bigger"
        )
        os.kill(child.pid, signal.SIGKILL)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=30)
        log.close()
    assert child.returncode == -signal.SIGKILL

    assert register(db) == before, "a killed import left rows behind"
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
