"""`linli backup` and `linli restore`: the whole database to one file and back, verified.

SQLite is copied with its online backup API (consistent, and safe while the server writes: WAL
readers do not block writers); PostgreSQL with `pg_dump --format=custom` and restored with
`pg_restore --single-transaction --exit-on-error`. Beside each backup a manifest (PATH + ".json")
records the file's SHA-256 and, per table, the row count and a checksum of the rows
(`table_checksums`). A restore refuses a file that is not a Linli backup or does not match its
manifest, and afterwards checks every table of the restored database against the manifest.

The checksums compare a database with its own backup: values are rendered as the database driver
returns them, so the same data in SQLite and in PostgreSQL gives different checksums.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.sqlite3.creation import DatabaseCreation as SQLiteCreation
from django.db.utils import load_backend

MANIFEST_FORMAT = "linli-backup"
MANIFEST_VERSION = 1
EXTENSIONS = {"sqlite": "sqlite3", "postgresql": "dump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
# The migration every Linli database has: a database without it is not Linli's.
LINLI_MARK = ("core", "0001_initial")

Checksums = dict[str, tuple[int, str]]


class BackupError(Exception):
    """A backup or restore that cannot go ahead or went wrong; the message says why."""


@dataclass(frozen=True)
class _Copy:
    path: Path
    vendor: str
    size: int
    checksums: Checksums

    @property
    def tables(self) -> int:
        return len(self.checksums)

    @property
    def rows(self) -> int:
        return sum(rows for rows, _ in self.checksums.values())


@dataclass(frozen=True)
class BackupResult(_Copy):
    manifest: Path


@dataclass(frozen=True)
class RestoreResult(_Copy):
    database: str
    verified: bool  # True when a manifest was present and every table matched it


# --- checksums ----------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A deterministic stand-in for a value json.dumps cannot render itself."""
    if isinstance(value, bytes | bytearray | memoryview):
        return {"hex": bytes(value).hex()}
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)  # Decimal, timedelta, UUID, and anything else a driver may return


def _row_text(row: tuple[Any, ...]) -> bytes:
    text = json.dumps(
        list(row), default=_plain, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return text.encode() + b"\n"


def table_checksums(conn: BaseDatabaseWrapper | None = None) -> Checksums:
    """Per table of the database: (row count, SHA-256 of its column names and of its rows in
    primary-key order, each row rendered as one line of JSON)."""
    conn = connection if conn is None else conn
    quote_name = conn.ops.quote_name
    result: Checksums = {}
    with conn.cursor() as cursor:
        for table in sorted(conn.introspection.table_names(cursor)):
            columns = [c.name for c in conn.introspection.get_table_description(cursor, table)]
            order = conn.introspection.get_primary_key_columns(cursor, table) or columns
            # Names from introspection, quoted: no user input reaches this SQL.
            sql = "SELECT {} FROM {} ORDER BY {}".format(  # noqa: S608
                ", ".join(quote_name(c) for c in columns),
                quote_name(table),
                ", ".join(quote_name(c) for c in order),
            )
            cursor.execute(sql)
            digest = hashlib.sha256(_row_text(tuple(columns)))
            count = 0
            while rows := cursor.fetchmany(2000):
                for row in rows:
                    digest.update(_row_text(tuple(row)))
                count += len(rows)
            result[table] = (count, digest.hexdigest())
    return result


# --- helpers ------------------------------------------------------------------------------------


def _vendor() -> str:
    if connection.vendor not in EXTENSIONS:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {connection.vendor}")
    return connection.vendor


def _outside_transaction(action: str) -> None:
    if connection.in_atomic_block:
        raise BackupError(f"cannot {action} inside a database transaction")


def _database_label() -> str:
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and SQLiteCreation.is_in_memory_db(name):
        return "in-memory SQLite database"
    return name


def _default_path(vendor: str) -> Path:
    folder = Path(settings.VAR_DIR) / "backups"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"linli-{vendor}-{stamp}.{EXTENSIONS[vendor]}"
    n = 1
    while path.exists() or _manifest_path(path).exists():
        n += 1
        path = folder / f"linli-{vendor}-{stamp}-{n}.{EXTENSIONS[vendor]}"
    return path


def _manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def _private_file(path: Path) -> None:
    """An empty file only its owner can read, made before anything is written to it: backups
    hold the register's personal data."""
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _file_digest(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return path.stat().st_size, digest.hexdigest()


def _linli_version() -> str:
    try:
        return metadata.version("linli")
    except metadata.PackageNotFoundError:
        return "unknown"


def _require_linli(path: Path, applied: set[tuple[str, str]]) -> None:
    if LINLI_MARK not in applied:
        raise BackupError(f"{path} is not a Linli backup: it holds no Linli tables")


def _sqlite_uri(path: Path) -> str:
    return "file:" + quote(str(path.resolve())) + "?mode=ro"


@contextmanager
def _sqlite_file_connection(path: Path) -> Iterator[BaseDatabaseWrapper]:
    """A Django connection to a SQLite file, read-only and without the live database's pragmas
    (which would switch the file to WAL), so checksums read it exactly as they read the live one.
    It is not registered in `connections`: a private connection, closed after use."""
    settings_dict = {**connection.settings_dict, "NAME": _sqlite_uri(path), "OPTIONS": {}}
    backend = load_backend(settings_dict["ENGINE"])
    wrapper: BaseDatabaseWrapper = backend.DatabaseWrapper(settings_dict, alias="linli_backup")
    # Django finds this out in a transaction looked up by alias, which an unregistered
    # connection has not; the answer is the live connection's (the same SQLite library).
    wrapper.features.supports_json_field = connection.features.supports_json_field
    try:
        yield wrapper
    finally:
        wrapper.close()


def _sniff(path: Path) -> str:
    with path.open("rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(
        f"{path} is not a Linli backup: neither a SQLite database nor a PostgreSQL "
        "custom-format dump"
    )


# --- PostgreSQL ---------------------------------------------------------------------------------


def _pg_binary(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found on PATH; install the PostgreSQL client tools")
    return found


def _pg_connection() -> tuple[list[str], dict[str, str]]:
    """Command-line options and environment that connect pg_dump/pg_restore to our database."""
    s = connection.settings_dict
    args = [f"--dbname={s['NAME']}", "--no-password"]
    for key, option in (("HOST", "--host"), ("PORT", "--port"), ("USER", "--username")):
        if s.get(key):
            args.append(f"{option}={s[key]}")
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    options = s.get("OPTIONS") or {}
    for key, var in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
    ):
        if options.get(key):
            env[var] = str(options[key])
    return args, env


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        tool = Path(args[0]).name
        raise BackupError(f"{tool} failed (exit {done.returncode}): {done.stderr.strip()}")
    return done.stdout


def _pg_backup(partial: Path) -> Checksums:
    """pg_dump and the checksums read one and the same snapshot: the dump imports the snapshot
    of the transaction that computes the checksums."""
    pg_dump = _pg_binary("pg_dump")
    args, env = _pg_connection()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
        _run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={partial}", *args],
            env,
        )
        return table_checksums()


def _pg_applied_migrations(path: Path) -> set[tuple[str, str]]:
    """The rows of django_migrations in a custom-format dump, read from its COPY data."""
    pg_restore = _pg_binary("pg_restore")
    env = dict(os.environ)
    try:
        _run([pg_restore, "--list", str(path)], env)
        text = _run(
            [pg_restore, "--data-only", "--table=django_migrations", "--file=-", str(path)], env
        )
    except BackupError as exc:
        raise BackupError(f"{path} is not a readable PostgreSQL dump: {exc}") from None
    applied: set[tuple[str, str]] = set()
    lines = iter(text.splitlines())
    for line in lines:
        if not (line.startswith("COPY ") and "django_migrations" in line and "(" in line):
            continue
        columns = [c.strip().strip('"') for c in line.split("(", 1)[1].split(")", 1)[0].split(",")]
        if "app" not in columns or "name" not in columns:
            continue
        app, name = columns.index("app"), columns.index("name")
        for row in lines:
            if row == "\\.":
                break
            values = row.split("\t")
            applied.add((values[app], values[name]))
    return applied


def _pg_restore(path: Path) -> None:
    pg_restore = _pg_binary("pg_restore")
    args, env = _pg_connection()
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(path),
        ],
        env,
    )


# --- SQLite -------------------------------------------------------------------------------------


def _sqlite_backup(partial: Path) -> Checksums:
    connection.ensure_connection()
    live: sqlite3.Connection = connection.connection
    target = sqlite3.connect(partial)
    try:
        live.backup(target)
        # One self-contained file: no -wal or -shm beside it.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
    with _sqlite_file_connection(partial) as backup:
        return table_checksums(backup)


def _sqlite_applied_migrations(path: Path) -> set[tuple[str, str]]:
    try:
        source = sqlite3.connect(_sqlite_uri(path), uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{path} cannot be opened: {exc}") from None
    try:
        check = source.execute("PRAGMA quick_check").fetchone()
        if check != ("ok",):
            raise BackupError(f"{path} is damaged: SQLite quick_check says {check[0]!r}")
        tables = {r[0] for r in source.execute("SELECT name FROM sqlite_master")}
        if "django_migrations" not in tables:
            raise BackupError(f"{path} is not a Linli backup: it holds no Django tables")
        return {
            (app, name) for app, name in source.execute("SELECT app, name FROM django_migrations")
        }
    except sqlite3.Error as exc:
        raise BackupError(f"{path} is not a readable SQLite database: {exc}") from None
    finally:
        source.close()


def _sqlite_restore(path: Path) -> None:
    connection.ensure_connection()
    live: sqlite3.Connection = connection.connection
    source = sqlite3.connect(_sqlite_uri(path), uri=True)
    try:
        # One write transaction on the live database: readers see the old data or the new.
        source.backup(live)
    except sqlite3.Error as exc:
        raise BackupError(f"restore failed, the database is unchanged: {exc}") from None
    finally:
        source.close()


# --- backup and restore -------------------------------------------------------------------------


def do_backup(path: Path | str | None = None) -> BackupResult:
    """Back the database up to `path` (default: var/backups/linli-<vendor>-<UTC time>.<ext>),
    with its manifest beside it. Never overwrites a file."""
    vendor = _vendor()
    _outside_transaction("back up")
    target = _default_path(vendor) if path is None else Path(path).expanduser().absolute()
    manifest_path = _manifest_path(target)
    for existing in (target, manifest_path):
        if existing.exists():
            raise BackupError(f"{existing} already exists; choose another output file")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a directory")
    partial = target.with_name(f".{target.name}.partial")
    partial_manifest = target.with_name(f".{manifest_path.name}.partial")
    try:
        _private_file(partial)
        checksums = _sqlite_backup(partial) if vendor == "sqlite" else _pg_backup(partial)
        size, sha256 = _file_digest(partial)
        manifest = {
            "format": MANIFEST_FORMAT,
            "version": MANIFEST_VERSION,
            "linli": _linli_version(),
            "vendor": vendor,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "file": target.name,
            "size": size,
            "sha256": sha256,
            "tables": {t: {"rows": n, "checksum": c} for t, (n, c) in checksums.items()},
        }
        _private_file(partial_manifest)
        partial_manifest.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
        os.replace(partial, target)
        os.replace(partial_manifest, manifest_path)
    finally:
        partial.unlink(missing_ok=True)
        partial_manifest.unlink(missing_ok=True)
    return BackupResult(
        path=target, manifest=manifest_path, vendor=vendor, size=size, checksums=checksums
    )


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest beside backup `path`, checked to be one; BackupError when it is not."""
    manifest_path = _manifest_path(path)
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{manifest_path} is not a readable backup manifest: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(f"{manifest_path} is not a Linli backup manifest")
    if manifest.get("version") != MANIFEST_VERSION:
        raise BackupError(
            f"{manifest_path} has manifest version {manifest.get('version')!r}; "
            f"this Linli reads version {MANIFEST_VERSION}"
        )
    return manifest


def _manifest_checksums(manifest: dict[str, Any]) -> Checksums:
    return {t: (int(v["rows"]), str(v["checksum"])) for t, v in manifest["tables"].items()}


def _differences(expected: Checksums, actual: Checksums) -> list[str]:
    lines = []
    for table in sorted(expected.keys() | actual.keys()):
        if table not in actual:
            lines.append(f"{table}: missing")
        elif table not in expected:
            lines.append(f"{table}: not in the backup")
        elif expected[table] != actual[table]:
            (want_rows, _), (got_rows, _) = expected[table], actual[table]
            detail = "content differs" if want_rows == got_rows else f"{got_rows} rows"
            lines.append(f"{table}: {detail} (backup: {want_rows} rows)")
    return lines


def do_restore(path: Path | str) -> RestoreResult:
    """Replace the whole database with backup `path`, then verify it against the manifest beside
    the backup when there is one. Refuses (BackupError, database untouched) a file that is not a
    Linli backup of this database's kind or that does not match its manifest; raises BackupError
    after the fact if the restored database does not match the manifest."""
    vendor = _vendor()
    _outside_transaction("restore")
    source = Path(path).expanduser().absolute()
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    kind = _sniff(source)
    if kind != vendor:
        raise BackupError(
            f"{source} is a {VENDOR_NAMES[kind]} backup, but this Linli runs on "
            f"{VENDOR_NAMES[vendor]}; restore it into a {VENDOR_NAMES[kind]} Linli"
        )
    expected: Checksums | None = None
    size, sha256 = _file_digest(source)
    if _manifest_path(source).exists():
        manifest = read_manifest(source)
        if manifest.get("vendor") != vendor or (manifest.get("size"), manifest.get("sha256")) != (
            size,
            sha256,
        ):
            raise BackupError(
                f"{source} does not match its manifest {_manifest_path(source).name} (size or "
                "SHA-256 differ): the file is damaged or not the one the manifest describes; "
                "nothing was restored"
            )
        expected = _manifest_checksums(manifest)
    if vendor == "sqlite":
        _require_linli(source, _sqlite_applied_migrations(source))
        _sqlite_restore(source)
    else:
        _require_linli(source, _pg_applied_migrations(source))
        _pg_restore(source)

    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()  # its ids are the backup's now
    actual = table_checksums()
    if expected is not None:
        differences = _differences(expected, actual)
        if differences:
            raise BackupError(
                f"the restored database does NOT match the manifest of {source.name} in "
                f"{len(differences)} tables: " + "; ".join(differences)
            )
    return RestoreResult(
        path=source,
        vendor=vendor,
        database=_database_label(),
        size=size,
        checksums=actual,
        verified=expected is not None,
    )


def human_size(size: int) -> str:
    value, unit = float(size), "bytes"
    for larger in ("KB", "MB", "GB", "TB"):
        if value < 1024:
            break
        value, unit = value / 1024, larger
    return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
