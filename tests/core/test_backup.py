"""`linli backup` and `linli restore`: a round trip gives back every table, row for row; a file
that is not a Linli backup, or does not match its manifest, is refused and changes nothing.

Runs on SQLite (an in-memory test database, backed up through the live connection) and on
PostgreSQL (pg_dump / pg_restore into test_<NAME>). A restore cannot run inside the test's
transaction, hence `transaction=True`."""

import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.management import CommandError, call_command
from django.db import connection

from linli.core.backup import (
    BackupError,
    _pg_binary,
    _pg_connection,
    do_backup,
    do_restore,
    table_checksums,
)
from linli.core.models import Community, User
from linli.core.roles import Role
from linli.core.seeding import seed
from linli.people.models import Resident, Vulnerability
from tests.factories import make_area, make_resident, make_user
from tests.ledger.factories import make_request

restores = pytest.mark.django_db(transaction=True)
EXTENSION = "sqlite3" if connection.vendor == "sqlite" else "dump"


def make_data() -> None:
    seed(communities=1, residents=40, seed=5, password="p")
    community = make_area("岐山居民区")
    worker = make_user(Role.WORKER, community)
    resident = make_resident(community, "李四", phone="13900001111")
    make_request(community, worker, resident=resident)


def change_data() -> None:
    """Edit, add and delete rows: after this, a restore has something to undo."""
    Resident.objects.filter(name="李四").update(name="王五")
    make_area("华山居民区")
    User.objects.filter(username__startswith=Role.WORKER.value).update(first_name="changed")
    Vulnerability.objects.all().delete()


@restores
def test_round_trip_gives_back_every_table(tmp_path: Path) -> None:
    make_data()
    before = table_checksums()
    assert before["people_resident"][0] > 40
    result = do_backup(tmp_path / f"backup.{EXTENSION}")
    assert result.checksums == before
    assert (result.tables, result.rows) == (len(before), sum(n for n, _ in before.values()))

    change_data()
    changed = table_checksums()
    assert changed["people_resident"] != before["people_resident"]
    assert changed["core_community"][0] == before["core_community"][0] + 1
    assert changed["people_vulnerability"][0] == 0 < before["people_vulnerability"][0]

    restored = do_restore(result.path)
    assert restored.verified
    after = table_checksums()
    assert after == before  # every table: the same row count and the same content
    assert restored.checksums == before
    assert Resident.objects.filter(name="李四").exists()
    assert not Community.objects.filter(name="华山居民区").exists()
    # The restored database is a working one: new rows get fresh ids.
    make_area("新居民区")


@restores
def test_checksums_see_a_single_changed_value() -> None:
    make_data()
    before = table_checksums()
    resident = Resident.objects.get(name="李四")
    Resident.objects.filter(pk=resident.pk).update(phone="13900002222")  # no history row
    after = table_checksums()
    changed = {t for t in before if before[t] != after[t]}
    assert changed == {"people_resident"}
    assert after["people_resident"][0] == before["people_resident"][0]


@restores
def test_manifest_describes_the_backup(tmp_path: Path) -> None:
    make_data()
    result = do_backup(tmp_path / f"backup.{EXTENSION}")
    manifest = json.loads(result.manifest.read_text())
    assert result.manifest == tmp_path / f"backup.{EXTENSION}.json"
    assert manifest["format"] == "linli-backup"
    assert manifest["vendor"] == connection.vendor
    assert manifest["size"] == result.size == result.path.stat().st_size
    assert {t: (v["rows"], v["checksum"]) for t, v in manifest["tables"].items()} == (
        result.checksums
    )
    for path in (result.path, result.manifest):  # personal data: owner only
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    if connection.vendor == "sqlite":  # one self-contained file, not a WAL database
        with sqlite3.connect(result.path) as db:
            assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)


@restores
def test_default_file_is_in_var_backups_and_never_overwritten(
    settings: LazySettings, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path
    first = do_backup()
    second = do_backup()
    pattern = rf"linli-{connection.vendor}-\d{{8}}T\d{{6}}Z(-\d+)?\.{EXTENSION}"
    for result in (first, second):
        assert result.path.parent == tmp_path / "backups"
        assert re.fullmatch(pattern, result.path.name), result.path.name
    assert first.path != second.path
    with pytest.raises(BackupError, match="already exists"):
        do_backup(first.path)


@restores
def test_commands_back_up_and_restore_only_with_yes(tmp_path: Path) -> None:
    make_data()
    before = table_checksums()
    path = tmp_path / f"backup.{EXTENSION}"
    out = _call("backup", "--output", str(path))
    assert f"to {path}" in out and f"{len(before)} tables" in out
    change_data()
    changed = table_checksums()

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(path))
    assert table_checksums() == changed  # refused: nothing replaced

    out = _call("restore", str(path), "--yes")
    assert "verified against the manifest" in out
    assert table_checksums() == before


def _call(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _foreign_database(path: Path) -> Path:
    """A database of this server's kind that is not Linli's."""
    if connection.vendor == "sqlite":
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
            db.execute("INSERT INTO notes (body) VALUES ('hello')")
        return path
    args, env = _pg_connection()
    subprocess.run(
        [
            _pg_binary("pg_dump"),
            "--format=custom",
            "--exclude-table=django_migrations",
            f"--file={path}",
            *args,
        ],
        env=env,
        check=True,
    )
    return path


@restores
@pytest.mark.parametrize("kind", ["text", "foreign", "other-vendor", "truncated", "tampered"])
def test_a_file_that_is_not_a_good_backup_is_refused(tmp_path: Path, kind: str) -> None:
    make_data()
    backup = do_backup(tmp_path / f"good.{EXTENSION}")
    change_data()
    before = table_checksums()
    path = tmp_path / f"bad.{EXTENSION}"
    if kind == "text":
        path.write_text("id,name\n1,张三\n")
        message = "not a Linli backup"
    elif kind == "foreign":
        _foreign_database(path)
        message = "not a Linli backup"
    elif kind == "other-vendor":
        if connection.vendor == "sqlite":
            path.write_bytes(b"PGDMP" + os.urandom(200))
            message = "PostgreSQL backup, but this Linli runs on SQLite"
        else:
            with sqlite3.connect(path) as db:
                db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
            message = "SQLite backup, but this Linli runs on PostgreSQL"
    elif kind == "truncated":  # no manifest to catch it: the file itself must be checked
        data = backup.path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
        message = "not a readable|damaged"
    else:  # a damaged copy beside its manifest
        damaged = bytearray(backup.path.read_bytes())
        damaged[len(damaged) // 2] ^= 0xFF
        path.write_bytes(bytes(damaged))
        path.with_name(path.name + ".json").write_bytes(backup.manifest.read_bytes())
        message = "does not match its manifest"

    with pytest.raises(BackupError, match=message):
        do_restore(path)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), "--yes")
    assert table_checksums() == before  # nothing changed


@restores
def test_a_restore_that_does_not_match_the_manifest_fails_loudly(tmp_path: Path) -> None:
    make_data()
    backup = do_backup(tmp_path / f"backup.{EXTENSION}")
    manifest = json.loads(backup.manifest.read_text())
    manifest["tables"]["people_resident"]["checksum"] = "0" * 64
    manifest["tables"]["core_community"]["rows"] += 1
    backup.manifest.write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match="does NOT match the manifest") as failure:
        do_restore(backup.path)
    assert "people_resident: content differs" in str(failure.value)
    assert "core_community" in str(failure.value)


@restores
def test_without_a_manifest_the_restore_is_not_verified(tmp_path: Path) -> None:
    make_data()
    backup = do_backup(tmp_path / f"backup.{EXTENSION}")
    before = table_checksums()
    backup.manifest.unlink()
    change_data()
    restored = do_restore(backup.path)
    assert not restored.verified
    assert table_checksums() == before


@pytest.mark.django_db
def test_no_backup_inside_a_transaction(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="inside a database transaction"):
        do_backup(tmp_path / "backup")
    with pytest.raises(BackupError, match="inside a database transaction"):
        do_restore(tmp_path / "backup")
    assert not list(tmp_path.iterdir())


LINLI = str(Path(sys.executable).with_name("linli"))


def test_linli_backup_and_restore_a_live_sqlite_file(tmp_path: Path) -> None:
    """The real thing on a SQLite file in WAL mode, through the `linli` command."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["LINLI_VAR_DIR"] = str(tmp_path)

    def linli(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run([LINLI, *args], env=env, capture_output=True, text=True, check=check)

    checksums = (
        "import json; from linli.core.backup import table_checksums; "
        "print(json.dumps(table_checksums(), sort_keys=True))"
    )
    make = (
        "from linli.core.models import Community, District, Street; "
        "d = District.objects.create(name='静安区', code='D1'); "
        "s = Street.objects.create(district=d, name='江苏路街道', code='S1'); "
        "Community.objects.create(street=s, name='岐山居民区', code='C1'); "
    )
    change = (
        "from django.contrib.auth.models import Group; from linli.core.models import Community; "
        "Community.objects.update(name='华山居民区'); Group.objects.first().permissions.clear(); "
    )
    linli("manage", "migrate", "-v0")
    before = linli("manage", "shell", "-v0", "-c", make + checksums).stdout
    assert json.loads(before)["core_community"][0] == 1
    made = linli("backup").stdout
    backups = list((tmp_path / "backups").glob("linli-sqlite-*.sqlite3"))
    assert len(backups) == 1 and str(backups[0]) in made
    assert linli("manage", "shell", "-v0", "-c", change + checksums).stdout != before

    refused = linli("restore", str(backups[0]), check=False)
    assert refused.returncode != 0 and "--yes" in refused.stderr
    restored = linli("restore", str(backups[0]), "--yes")
    assert "verified against the manifest" in restored.stdout
    assert linli("manage", "shell", "-v0", "-c", checksums).stdout == before
