"""An import must never stop the hotline: intake latency while a large roster is checked and
imported, on SQLite and PostgreSQL, beside the same load with no import; and the memory a
shared-strings bomb costs before it is refused.

    python bench/import_intake_bench.py [--rows 600000] [--rate 5] [--no-sqlite] [--no-postgres]
                                        [--as-before] [--bomb-mb 1000] [--no-bomb]

For each database: `linli serve` (2 workers × 4 threads) on a register of 20 compounds; two
paced clients, one sending the public form (GET for its CSRF token, then POST, as a browser
does) and one the API (`POST /api/v1/requests` with an Idempotency-Key), `--rate` requests a
second each, through four phases: no import; `linli import residents --dry-run` of the roster
(the check); the import itself (check, then write in short transactions, publish); no import
again. A monitor reads the import's status, so that the import's samples are split into its
check and its write. Afterwards the database is counted: every acknowledged request stored once,
and every row of the roster imported.

With `--as-before`, one more phase per database: the same import run inside one transaction, as
the importer did before (issue 17, finding 2), for a side-by-side figure.

Targets (issue 17): intake p99 <= 1 s and 0 errors while the roster is checked and imported,
on SQLite and on PostgreSQL; a 1 GB shared-strings bomb refused with a clear message and at most
500 MB peak memory.
"""

import argparse
import http.client
import json
import os
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.import_bench import generate, setup_register  # noqa: E402
from bench.intake_bench import free_port, psql, start_server  # noqa: E402

PG = os.environ.get("LINLI_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
COMMUNITY = "C1"
MARK = "bench-intake"  # in every request's description, to count them afterwards
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
# An import run as the importer did before this issue: every pass in one transaction.
AS_BEFORE = """
import django, sys, time, json
django.setup()
from pathlib import Path
from django.db import transaction
from linli.core.models import Community, User
from linli.people.importer import Importer
import linli.people.importer.write as importer
importer.SQLITE_PAUSE = 0
started = time.monotonic()
try:
    with transaction.atomic():
        outcome = Importer(Community.objects.get(code="C1"), User.objects.get(username="admin")).run(Path(sys.argv[1]))
        transaction.set_rollback(True)
except Exception as exc:
    print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
print(json.dumps({"seconds": time.monotonic() - started}))
"""


class Load:
    """Paced clients; every sample labelled with the phase it was sent in."""

    def __init__(self, port: int, token: str, rate: float) -> None:
        self.port, self.token, self.interval = port, token, 1 / rate
        self.phase = "warm-up"
        self.samples: list[tuple[str, str, float, int]] = []  # phase, channel, seconds, status
        self.acknowledged: set[str] = set()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._run, args=(channel,)) for channel in ("form", "api")
        ]

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def finish(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join()

    def _conn(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def _form(self, conn: http.client.HTTPConnection, key: str) -> int:
        conn.request("GET", f"/r/{COMMUNITY}/")
        page = conn.getresponse()
        body = page.read()
        cookies = "; ".join(c.split(";", 1)[0] for c in page.headers.get_all("Set-Cookie") or [])
        found = CSRF.search(body)
        if page.status != 200 or found is None:
            return page.status or 599
        fields = {
            "csrfmiddlewaretoken": found.group(1).decode(),
            "phone": "13812345678",
            "room": "3-502",
            "category": "groceries",
            "description": f"买菜 {MARK} {key}",
        }
        conn.request(
            "POST",
            f"/r/{COMMUNITY}/",
            body=urlencode(fields),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies},
        )
        answer = conn.getresponse()
        answer.read()
        return 200 if answer.status == 302 else answer.status

    def _api(self, conn: http.client.HTTPConnection, key: str) -> int:
        body = json.dumps(
            {"category": "groceries", "description": f"胸口疼 {MARK} {key}", "phone": "13812345679"}
        ).encode()
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        }
        conn.request("POST", "/api/v1/requests", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status

    def _run(self, channel: str) -> None:
        conn = self._conn()
        next_at = time.monotonic()
        while not self.stop.is_set():
            key = uuid.uuid4().hex
            phase = self.phase
            started = time.perf_counter()
            try:
                status = (self._form if channel == "form" else self._api)(conn, key)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = self._conn()
                status = 0
            elapsed = time.perf_counter() - started
            with self.lock:
                self.samples.append((phase, channel, elapsed, status))
                if 200 <= status < 300:
                    self.acknowledged.add(key)
            next_at += self.interval
            time.sleep(max(0.0, next_at - time.monotonic()))
            next_at = max(next_at, time.monotonic() - self.interval)

    def figures(self, phase: str) -> dict[str, float]:
        lat = sorted(s[2] for s in self.samples if s[0] == phase)
        if not lat:
            return {"requests": 0, "p50_ms": 0, "p99_ms": 0, "max_ms": 0, "errors": 0}
        return {
            "requests": len(lat),
            "p50_ms": statistics.median(lat) * 1000,
            "p99_ms": lat[max(0, int(len(lat) * 0.99) - 1)] * 1000,
            "max_ms": lat[-1] * 1000,
            "errors": sum(1 for s in self.samples if s[0] == phase and not 200 <= s[3] < 300),
        }


class Monitor(threading.Thread):
    """Labels the load's phase with the status of the import in progress."""

    def __init__(self, load: Load, query: Callable[[str], list], prefix: str) -> None:
        super().__init__(daemon=True)
        self.load, self.query, self.prefix = load, query, prefix
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            rows = self.query("SELECT status FROM people_residentimport ORDER BY id DESC LIMIT 1")
            status = rows[0][0] if rows else "running"
            self.load.phase = self.prefix + (
                ": writing" if status in ("writing", "applying") else ": checking"
            )
            time.sleep(0.1)


def linli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "linli.cli", *args], env=env, capture_output=True, text=True, check=False
    )  # fmt: skip


def api_token(env: dict[str, str]) -> str:
    code = (
        "import django; django.setup()\n"
        "from linli.api.actions import do_create_api_client\n"
        "from linli.core.models import User\n"
        f"client, token = do_create_api_client('bench', ['{COMMUNITY}'], User.objects.get(username='worker'))\n"
        "print(token)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)  # fmt: skip
    return out.stdout.strip().splitlines()[-1]


def timed_import(env: dict[str, str], roster: Path, *extra: str) -> tuple[float, str]:
    started = time.monotonic()
    done = linli(env, "import", "residents", str(roster), "--community", COMMUNITY, *extra)
    output = done.stdout.strip().splitlines()
    return time.monotonic() - started, output[-1] if output else done.stderr[-300:]


def run_backend(name: str, env: dict[str, str], roster: Path, args: argparse.Namespace) -> dict:
    setup_register(env)
    token = api_token(env)
    if env.get("DATABASE_URL"):
        import psycopg

        url = env["DATABASE_URL"]

        def query(sql: str) -> list:
            with psycopg.connect(url) as conn:
                return list(conn.execute(sql.encode()).fetchall())
    else:
        path = Path(env["LINLI_VAR_DIR"]) / "linli.sqlite3"

        def query(sql: str) -> list:
            conn = sqlite3.connect(path, timeout=60)
            try:
                return list(conn.execute(sql).fetchall())
            finally:
                conn.close()

    port = free_port()
    server = start_server(env, port, 2, 4)
    load = Load(port, token, args.rate)
    result: dict = {"backend": name}
    try:
        load.start()
        time.sleep(3)
        load.phase = "no import"
        time.sleep(args.quiet_seconds)
        monitor = Monitor(load, query, "dry run")
        monitor.start()
        result["dry run"] = timed_import(env, roster, "--dry-run")
        monitor.done.set()
        monitor.join()
        monitor = Monitor(load, query, "import")
        monitor.start()
        result["import"] = timed_import(env, roster)
        monitor.done.set()
        monitor.join()
        load.phase = "no import, after"
        time.sleep(args.quiet_seconds)
        if args.as_before:
            load.phase = "as before: one transaction"
            started = time.monotonic()
            before = subprocess.run(
                [sys.executable, "-c", AS_BEFORE, str(roster)], env=env, capture_output=True, text=True, check=False
            )  # fmt: skip
            result["as before"] = (time.monotonic() - started, before.stdout.strip()[-300:])
    finally:
        load.finish()
        server.terminate()
        server.wait(timeout=30)
    phases = []
    for phase, *_rest in load.samples:
        if phase not in phases and phase != "warm-up":
            phases.append(phase)
    result["phases"] = {phase: load.figures(phase) for phase in phases}
    stored = query(
        f"SELECT COUNT(*), COUNT(DISTINCT description) FROM ledger_request WHERE description LIKE '%{MARK}%'"
    )[0]
    keys = {
        row[0].rsplit(" ", 1)[-1]
        for row in query(
            f"SELECT description FROM ledger_request WHERE description LIKE '%{MARK}%'"
        )
    }
    result["acknowledged"] = len(load.acknowledged)
    result["stored"], result["distinct"] = stored
    result["acknowledged but missing"] = len(load.acknowledged - keys)
    result["imported"] = query("SELECT COUNT(*) FROM people_resident")[0][0]
    return result


SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)


def make_bomb(path: Path, megabytes: int) -> Path:
    """A workbook whose shared strings unpack to `megabytes`, streamed into the zip."""
    from openpyxl import Workbook

    seed = path.with_suffix(".seed.xlsx")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "楼号", "室号"])
    sheet.append(["张三", "1", "101"])
    workbook.save(seed)
    filler = ("<si><t>" + "A" * 1000 + "</t></si>").encode()
    count = megabytes * 1024 * 1024 // len(filler)
    with zipfile.ZipFile(seed) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":  # so that a reader looks for the strings
                data = data.replace(b"</Types>", SHARED_STRINGS_TYPE + b"</Types>")
            if info.filename != "xl/sharedStrings.xml":
                out.writestr(info.filename, data)
        with out.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            strings.write(
                b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                + f'spreadsheetml/2006/main" count="{count}" uniqueCount="{count}">'.encode()
            )
            block = filler * 1000
            for _ in range(count // 1000):
                strings.write(block)
            strings.write(b"</sst>")
    return path


BOMB_CHILD = """
import django, json, resource, sys, time
django.setup()
from pathlib import Path
from linli.core.models import Community, User
from linli.people.importer import Importer
started = time.monotonic()
outcome = Importer(Community.objects.get(code="C1"), User.objects.get(username="admin")).run(Path(sys.argv[1]))
print(json.dumps({
    "seconds": time.monotonic() - started,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "committed": outcome.committed,
    "message": outcome.errors[0].reason if outcome.errors else "",
}))
"""

OPENPYXL_CHILD = """
import json, resource, sys, time
from openpyxl import load_workbook
started = time.monotonic()
try:
    workbook = load_workbook(sys.argv[1], read_only=True)
    rows = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
    outcome = f"read {rows} rows"
except MemoryError:
    outcome = "MemoryError"
print(json.dumps({"seconds": time.monotonic() - started,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "outcome": outcome}))
"""


def bench_bomb(env: dict[str, str], directory: Path, megabytes: int) -> dict:
    path = make_bomb(directory / "bomb.xlsx", megabytes)
    result: dict = {"file_mb": path.stat().st_size / 1024 / 1024, "unpacks_mb": megabytes}
    done = subprocess.run([sys.executable, "-c", BOMB_CHILD, str(path)], env=env, capture_output=True, text=True, check=True)  # fmt: skip
    result["linli"] = json.loads(done.stdout.strip().splitlines()[-1])
    # openpyxl alone, as the importer opened the file before: capped at 3 GB of address space
    # so that the machine survives it.
    cap = "import resource; resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))\n"
    raw = subprocess.run([sys.executable, "-c", cap + OPENPYXL_CHILD, str(path)], capture_output=True, text=True, check=False)  # fmt: skip
    lines = raw.stdout.strip().splitlines()
    result["openpyxl alone"] = json.loads(lines[-1]) if lines else {"outcome": raw.stderr[-200:]}
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=600_000)
    parser.add_argument("--rate", type=float, default=5, help="requests a second, per channel")
    parser.add_argument("--quiet-seconds", type=float, default=20)
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--as-before", action="store_true")
    parser.add_argument("--bomb-mb", type=int, default=1000)
    parser.add_argument("--no-bomb", action="store_true")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as work:
        directory = Path(work)
        roster = directory / "roster.xlsx"
        started = time.monotonic()
        generate(directory / "roster.csv", roster, args.rows)
        print(f"roster: {args.rows} rows, {roster.stat().st_size / 1e6:.1f} MB xlsx, "
              f"made in {time.monotonic() - started:.0f} s", flush=True)  # fmt: skip
        base = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.intake_settings",
            "PYTHONPATH": str(ROOT),
        }
        base.pop("DATABASE_URL", None)
        backends = []
        if not args.no_sqlite:
            backends.append(("SQLite", None))
        if not args.no_postgres:
            backends.append(("PostgreSQL", f"linli_import_intake_{os.getpid()}"))
        bomb_env = None
        for name, db in backends:
            var = directory / f"var-{name}"
            env = {**base, "LINLI_VAR_DIR": str(var)}
            if db:
                psql(f"CREATE DATABASE {db}")
                env["DATABASE_URL"] = f"{PG}/{db}"
            try:
                result = run_backend(name, env, roster, args)
                results.append(result)
                print(json.dumps(result, ensure_ascii=False, indent=1), flush=True)
                if bomb_env is None and not args.no_bomb:
                    bomb_env = env
                    bomb = bench_bomb(env, directory, args.bomb_mb)
                    print(json.dumps({"bomb": bomb}, ensure_ascii=False, indent=1), flush=True)
            finally:
                if db:
                    psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    print()
    print(
        f"{'backend':<11} {'phase':<28} {'requests':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>6}"
    )
    for result in results:
        for phase, f in result["phases"].items():
            print(
                f"{result['backend']:<11} {phase:<28} {f['requests']:>8} {f['p50_ms']:>8.1f} "
                f"{f['p99_ms']:>8.1f} {f['max_ms']:>8.1f} {f['errors']:>6}"
            )
        print(
            f"{result['backend']:<11} dry run {result['dry run'][0]:.0f} s ({result['dry run'][1]}); "
            f"import {result['import'][0]:.0f} s ({result['import'][1]}); acknowledged "
            f"{result['acknowledged']}, stored {result['stored']} ({result['distinct']} distinct), "
            f"missing {result['acknowledged but missing']}; residents {result['imported']}"
        )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"largest child peak RSS: {peak:.0f} MB")


if __name__ == "__main__":
    main()
