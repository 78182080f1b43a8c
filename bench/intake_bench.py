"""Intake benchmark: `linli serve` on PostgreSQL, loaded on loopback at a fixed concurrency.

    python bench/intake_bench.py [--seconds 20] [--rounds 4] [--concurrency 16] [--workers 2]
                                 [--known-callers 0.5] [--floor]

Phases against the same server, taking turns (`--rounds`) so that a slower minute of a shared
machine falls on each: `POST /api/v1/ping` (the same stack, auth and body validation, writes
nothing) and `POST /api/v1/requests` (opens a request: triage, deadline, two timeline rows, an
idempotency record). With `--floor`, two more from bench/floor/urls.py: the intake's write alone
(the same rows and statements, none of its own work) and one row alone (one INSERT, one
commit) — how near any intake that stores a request before answering could come to the no-op.
One request in ten is sent again with the same Idempotency-Key. With `--known-callers`, that
share of requests comes from the phone of a resident of the register (matched, and triaged
against their groups). Afterwards the database is counted: every acknowledged (2xx) request must
be stored exactly once, and no retry may have made a second one.

Targets (issue 4): intake >= 50% of the no-op throughput and >= 200 requests/s on 2 cores.
The load is bounded in time and count and goes to 127.0.0.1 only.
"""

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("LINLI_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
MAX_REQUESTS_PER_PHASE = 200_000
FLOOR = "/bench-write"  # bench/floor/urls.py
INBOX = "/bench-inbox"  # bench/floor/urls.py


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def django_child(env: dict[str, str], code: str) -> str:
    """Run `code` (after django.setup()) in a child with `env`; the last line it prints."""
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return out.stdout.strip().splitlines()[-1]


def prepare(env: dict[str, str]) -> str:
    """Migrate, seed a small street, and make an API client; return its token."""
    subprocess.run(
        [sys.executable, "-m", "linli.cli", "manage", "migrate", "-v0"], env=env, check=True
    )
    subprocess.run(
        [sys.executable, "-m", "linli.cli", "seed", "--residents", "2000", "--password", "bench-only-pw"],
        env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return django_child(
        env,
        "from linli.api.actions import do_create_api_client\n"
        "from linli.core.models import User\n"
        "client, token = do_create_api_client('bench', ['S001C001'], User.objects.get(username='c1-operator'))\n"
        "print(token)\n",
    )


def psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG}/postgres", "-qc", sql], check=True)


def bench_env(var: str, db: str) -> dict[str, str]:
    """The environment of every child: its own var/ directory and PostgreSQL database."""
    return {
        **os.environ,
        "LINLI_VAR_DIR": var,
        "DATABASE_URL": f"{PG}/{db}",
        "DJANGO_SETTINGS_MODULE": "linli.settings",
        "PYTHONPATH": str(ROOT),
    }


def start_server(
    env: dict[str, str], port: int, workers: int, threads: int, *, new_session: bool = False
) -> subprocess.Popen[bytes]:
    """`linli serve` (gunicorn, no background worker) on 127.0.0.1:port, once it listens.
    With `new_session` the master and its workers get a process group of their own (whose id is
    the master's pid), so that the whole server can be killed at once."""
    server = subprocess.Popen(
        [sys.executable, "-m", "linli.cli", "serve", "--port", str(port), "--workers", str(workers),
         "--threads", str(threads), "--no-worker"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=new_session,
    )  # fmt: skip
    wait_for_port(port)
    return server


def wait_for_port(port: int, tries: int = 100) -> bool:
    for _ in range(tries):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.2)
    return False


def request_body(key: str, phone: str = "13812345678", what: str = "买菜") -> bytes:
    # The key in the text makes every request distinct, so a duplicate row is visible. The
    # default phone is no one's in the seeded register.
    return json.dumps(
        {"category": "groceries", "description": f"{what} {key}", "phone": phone}
    ).encode()


def known_phones(env: dict[str, str]) -> list[str]:
    """Phones of active residents of the client's community, for callers the register knows."""
    code = (
        "import json\n"
        "from linli.people.models import Resident\n"
        "print(json.dumps(list(Resident.objects.filter(community__code='S001C001', is_active=True)"
        ".exclude(phone='').values_list('phone', flat=True)[:500])))\n"
    )
    return list(json.loads(django_child(env, code)))


def send(
    conn: http.client.HTTPConnection, path: str, token: str, body: bytes, key: str
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """POST `body` with the bearer token and Idempotency-Key: status, headers and body."""
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Idempotency-Key": key,
    }
    conn.request("POST", path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.headers, response.read()


class Phase:
    def __init__(
        self,
        path: str,
        token: str,
        port: int,
        concurrency: int,
        known: tuple[float, list[str]] = (0.0, []),
    ) -> None:
        self.path, self.token, self.port = path, token, port
        self.known_share, self.known_phones = known
        self.deadline = 0.0
        self.wall = 0.0  # summed over the runs of this phase
        self.concurrency = concurrency
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.acknowledged: dict[str, int] = {}  # idempotency key -> request id
        self.replays_mismatched = 0
        self.errors: dict[int, int] = {}
        self.sent = 0
        self.writes = not path.endswith("/ping")

    def body(self, key: str) -> bytes:
        pick = random.Random(key)
        what = "买菜" if self.path.endswith("/requests") else "floor"
        if self.known_phones and pick.random() < self.known_share:
            return request_body(key, pick.choice(self.known_phones), what)
        return request_body(key, what=what)

    def post(self, conn: http.client.HTTPConnection, body: bytes, key: str) -> tuple[int, bytes]:
        status, _headers, payload = send(conn, self.path, self.token, body, key)
        return status, payload

    def worker(self, index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        n = 0
        while time.monotonic() < self.deadline:
            with self.lock:
                if self.sent >= MAX_REQUESTS_PER_PHASE:
                    break
                self.sent += 1
            n += 1
            key = f"{index}-{n}-{uuid.uuid4().hex[:8]}"
            body = self.body(key)
            started = time.perf_counter()
            try:
                status, payload = self.post(conn, body, key)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                with self.lock:
                    self.errors[0] = self.errors.get(0, 0) + 1
                continue
            elapsed = time.perf_counter() - started
            with self.lock:
                self.latencies.append(elapsed)
                if 200 <= status < 300:
                    ident = json.loads(payload).get("id", 0) if self.writes else 0
                    self.acknowledged[key] = ident
                else:
                    self.errors[status] = self.errors.get(status, 0) + 1
            if n % 10 == 0 and 200 <= status < 300:  # a client retrying: same key, same body
                _status, again = self.post(conn, body, key)
                if self.writes and json.loads(again).get("id") != self.acknowledged[key]:
                    with self.lock:
                        self.replays_mismatched += 1
        conn.close()

    def run(self, seconds: float) -> None:
        """Load the endpoint for `seconds` more."""
        threads = [threading.Thread(target=self.worker, args=(i,)) for i in range(self.concurrency)]
        started = time.monotonic()
        self.deadline = started + seconds
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.wall += time.monotonic() - started

    def figures(self) -> dict[str, float]:
        """Of every run so far."""
        lat = sorted(self.latencies)
        return {
            "requests": len(lat),
            "per_second": len(lat) / self.wall,
            "p50_ms": statistics.median(lat) * 1000,
            "p99_ms": lat[int(len(lat) * 0.99) - 1] * 1000,
            "errors": sum(self.errors.values()),
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20, help="per phase, all rounds together")
    parser.add_argument("--rounds", type=int, default=4, help="turns the phases take")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--known-callers",
        type=float,
        default=0.0,
        help="share of requests from a resident's phone (matched, triaged against the register)",
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="two more phases: the intake's write alone, and one row alone (bench/floor/urls.py)",
    )
    args = parser.parse_args()
    db = f"linli_intake_{os.getpid()}"
    psql(f"CREATE DATABASE {db}")
    server = None
    try:
        with tempfile.TemporaryDirectory() as var:
            env = bench_env(var, db)
            if args.floor:
                env["DJANGO_SETTINGS_MODULE"] = "bench.floor.settings"
            token = prepare(env)
            known = (args.known_callers, known_phones(env) if args.known_callers else [])
            port = free_port()
            server = start_server(env, port, args.workers, args.threads)
            Phase("/api/v1/ping", token, port, 4).run(3)  # warm-up
            noop_phase = Phase("/api/v1/ping", token, port, args.concurrency, known)
            phase = Phase("/api/v1/requests", token, port, args.concurrency, known)
            floor_phase = (
                Phase("/api/v1" + FLOOR, token, port, args.concurrency) if args.floor else None
            )
            inbox_phase = (
                Phase("/api/v1" + INBOX, token, port, args.concurrency) if args.floor else None
            )
            # Taken in turns, so that a slower minute of a shared machine falls on every phase.
            for _round in range(args.rounds):
                for each in (noop_phase, phase, floor_phase, inbox_phase):
                    if each is not None:
                        each.run(args.seconds / args.rounds)
            noop, intake = noop_phase.figures(), phase.figures()
            floor = floor_phase.figures() if floor_phase is not None else {}
            inbox = inbox_phase.figures() if inbox_phase is not None else {}
            server.terminate()
            server.wait(timeout=30)
            server = None
            count = (
                "import json\n"
                "from linli.ledger.models import Request\n"
                "from django.db.models import Count\n"
                "rows = Request.objects.filter(channel='api', description__startswith='买菜')\n"
                "dupes = rows.values('description').annotate(n=Count('id')).filter(n__gt=1).count()\n"
                "print(json.dumps({'stored': rows.count(), 'ids': list(rows.values_list('id', flat=True)), 'dupes': dupes}))\n"
            )
            stored = json.loads(django_child(env, count))
    finally:
        if server is not None:
            server.terminate()
        psql(f"DROP DATABASE IF EXISTS {db}")

    acknowledged_ids = set(phase.acknowledged.values())
    missing = acknowledged_ids - set(stored["ids"])
    print(
        f"concurrency {args.concurrency}, {args.seconds:.0f} s per phase in {args.rounds} turns, gunicorn {args.workers}x{args.threads}, "
        f"known callers {args.known_callers:.0%}"
    )
    print(
        f"{'endpoint':<20} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
    )
    phases = [("POST /ping (no-op)", noop), ("POST /requests", intake)]
    if floor_phase is not None:
        phases += [("POST /bench-write", floor), ("POST /bench-inbox", inbox)]
    for name, r in phases:
        print(
            f"{name:<20} {r['requests']:>9} {r['per_second']:>8.0f} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} {r['errors']:>7}"
        )
    print(
        f"intake / no-op throughput: {intake['per_second'] / noop['per_second']:.0%} (target >= 50%)"
    )
    if floor_phase is not None:
        print(
            f"the write alone / no-op: {floor['per_second'] / noop['per_second']:.0%}; "
            f"intake / the write alone: {intake['per_second'] / floor['per_second']:.0%}; "
            f"one row alone / no-op: {inbox['per_second'] / noop['per_second']:.0%}"
        )
    print(
        f"acknowledged {len(phase.acknowledged)}, stored {stored['stored']}, acknowledged but missing "
        f"{len(missing)}, duplicate rows {stored['dupes']}, retries answered with another id "
        f"{phase.replays_mismatched}"
    )


if __name__ == "__main__":
    main()
