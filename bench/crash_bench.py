"""Crash bench: `kill -9` of the whole `linli serve` under intake load on PostgreSQL, restart, count.

    python bench/crash_bench.py [--runs 3] [--seconds 5] [--concurrency 16] [--workers 2]

The server (gunicorn master and workers, in a process group of their own) takes
`POST /api/v1/requests` with an Idempotency-Key from `--concurrency` client threads on loopback,
as in `intake_bench.py`. Every `--seconds` (plus up to a second, so that the kill falls at another
moment of a request each time) the whole process group gets SIGKILL, and the server is started
again; `--runs` kills in all, then the load runs `--seconds` more and stops.

The clients behave like a careful integration: an attempt that gets no answer (refused or reset
connection, timeout) or a 5xx is not an acknowledgement, and the client sends the same request
with the same Idempotency-Key again, after a short pause, until it is answered. Only a 2xx answer
counts as acknowledged. When the load stops, each client still finishes the request it holds.
Then a sample of acknowledged requests is sent once more (same key, same body): the answer must
carry the same id.

Afterwards the database is counted: every acknowledged request must be stored exactly once (its
id, its tracking code, and the unique key written into its description), no Idempotency-Key may
have produced two requests. Exit status 1 on any loss, duplicate or mismatch.
The load goes to 127.0.0.1 only and is bounded in time and count.
"""

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ is not a package
from intake_bench import (
    bench_env,
    django_child,
    free_port,
    prepare,
    psql,
    request_body,
    send,
    start_server,
    wait_for_port,
)

PATH = "/api/v1/requests"
MAX_REQUESTS = 200_000
FINISH_SECONDS = 60  # after the load stops, how long a client keeps trying its last request
REPLAY_SAMPLE = 300


@dataclass
class Pending:
    key: str
    body: bytes
    attempts: int = 0
    unanswered: int = 0  # attempts that got no answer at all


class Load:
    """Client threads opening requests, each retrying its request until it is answered."""

    def __init__(self, token: str, port: int, concurrency: int) -> None:
        self.token, self.port, self.concurrency = token, port, concurrency
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.keys: list[str] = []  # every request a client started, in order
        self.acknowledged: dict[str, tuple[int, str]] = {}  # key -> (id, tracking code)
        self.answered_ids: dict[str, set[int]] = {}  # every id any 2xx answer gave for a key
        self.unanswered_attempts = 0  # connection errors and timeouts
        self.retry_answers = 0  # 5xx and 429 answers: not acknowledged, retried as well
        self.rejected: Counter[int] = Counter()  # 4xx answers (not retried, not acknowledged)
        self.retried = 0  # requests acknowledged after an attempt without an answer
        self.replayed = 0  # 2xx answers marked Idempotent-Replayed
        self.gave_up: list[str] = []  # never answered before FINISH_SECONDS ran out
        self.threads = [
            threading.Thread(target=self.worker, args=(i,), daemon=True) for i in range(concurrency)
        ]

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def finish(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join()

    def acknowledged_count(self) -> int:
        with self.lock:
            return len(self.acknowledged)

    def worker(self, index: int) -> None:
        rng = random.Random(index)
        conn: http.client.HTTPConnection | None = None
        pending: Pending | None = None
        n = 0
        give_up_at = 0.0
        while True:
            if pending is None:
                if self.stop.is_set():
                    break
                with self.lock:
                    if len(self.keys) >= MAX_REQUESTS:
                        break
                    n += 1
                    key = f"crash-{index}-{n}-{uuid.uuid4().hex[:12]}"
                    self.keys.append(key)
                pending = Pending(key, request_body(key))
            elif self.stop.is_set():
                give_up_at = give_up_at or time.monotonic() + FINISH_SECONDS
                if time.monotonic() > give_up_at:
                    with self.lock:
                        self.gave_up.append(pending.key)
                    break
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            pending.attempts += 1
            try:
                status, headers, payload = send(conn, PATH, self.token, pending.body, pending.key)
            except (OSError, http.client.HTTPException):
                # No answer: the request may or may not have been stored. Not acknowledged;
                # the same key goes again once the server is back.
                conn.close()
                conn = None
                pending.unanswered += 1
                with self.lock:
                    self.unanswered_attempts += 1
                time.sleep(0.1 + rng.random() * 0.2)
                continue
            if 200 <= status < 300:
                data = json.loads(payload)
                with self.lock:
                    self.acknowledged.setdefault(pending.key, (data["id"], data["tracking_code"]))
                    self.answered_ids.setdefault(pending.key, set()).add(data["id"])
                    self.retried += pending.unanswered > 0
                    self.replayed += headers.get("Idempotent-Replayed") == "true"
                pending = None
            elif status >= 500 or status == 429:
                with self.lock:
                    self.retry_answers += 1
                time.sleep(0.1 + rng.random() * 0.2)
            else:
                with self.lock:
                    self.rejected[status] += 1
                pending = None
        if conn is not None:
            conn.close()

    def replay(self, keys: list[str]) -> int:
        """Send acknowledged requests again (same key, same body); how many got another id."""
        mismatched = 0
        lock = threading.Lock()
        chunks = [keys[i :: self.concurrency] for i in range(self.concurrency)]

        def run(chunk: list[str]) -> None:
            nonlocal mismatched
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            for key in chunk:
                try:
                    status, headers, payload = send(conn, PATH, self.token, request_body(key), key)
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                    status, headers, payload = 0, http.client.HTTPMessage(), b""
                same = (
                    200 <= status < 300
                    and headers.get("Idempotent-Replayed") == "true"
                    and json.loads(payload)["id"] == self.acknowledged[key][0]
                )
                if not same:
                    with lock:
                        mismatched += 1
            conn.close()

        threads = [threading.Thread(target=run, args=(c,)) for c in chunks]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return mismatched


def refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    except OSError:
        pass
    return False


def kill_server(server: subprocess.Popen[bytes], port: int) -> None:
    """SIGKILL to the server's whole process group, and wait until nothing holds its socket."""
    os.killpg(server.pid, signal.SIGKILL)  # the master's pid is the group's id
    server.wait(timeout=30)
    deadline = time.monotonic() + 30
    while not refused(port):  # the workers share the listening socket: all of them are gone
        if time.monotonic() > deadline:
            raise SystemExit(f"port {port} still answers after kill -9 of the process group")
        time.sleep(0.05)


def stored_rows(env: dict[str, str]) -> dict[str, Any]:
    code = (
        "import json\n"
        "from linli.ledger.models import Request\n"
        "from linli.api.models import IdempotentResponse\n"
        "rows = Request.objects.filter(channel='api', description__contains=' crash-')\n"
        "rows = list(rows.values_list('id', 'tracking_code', 'description'))\n"
        "keys = [[k, b.get('id')] for k, b in IdempotentResponse.objects.values_list('key', 'body')]\n"
        "print(json.dumps({'rows': rows, 'keys': keys}))\n"
    )
    stored: dict[str, Any] = json.loads(django_child(env, code))
    return stored


def verify(load: Load, stored: dict[str, Any]) -> dict[str, int]:
    by_id = {pk: (code, description) for pk, code, description in stored["rows"]}
    rows_per_key = Counter(
        description.rsplit(" ", 1)[-1] for _pk, _c, description in stored["rows"]
    )
    lost = 0
    for key, (pk, code) in load.acknowledged.items():
        row = by_id.get(pk)
        if row is None or row[0] != code or not row[1].endswith(f" {key}"):
            lost += 1
    ids_per_key: dict[str, set[int]] = {}
    for key, pk in stored["keys"]:
        ids_per_key.setdefault(key, set()).add(pk)
    key_conflicts = sum(
        1
        for key, answered in load.answered_ids.items()
        if len(answered | ids_per_key.get(key, set())) > 1
    )
    return {
        "stored": len(stored["rows"]),
        "lost": lost,
        "duplicates": sum(n - 1 for n in rows_per_key.values() if n > 1),
        "keys_with_two_requests": key_conflicts,
        "stored_not_acknowledged": sum(1 for k in rows_per_key if k not in load.acknowledged),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="kill -9 and restarts (default 3)")
    parser.add_argument("--seconds", type=float, default=5, help="load between kills (default 5)")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1, help="seeds the moment of each kill")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    db = f"linli_crash_{os.getpid()}"
    psql(f"CREATE DATABASE {db}")
    server = None
    kills: list[dict[str, float]] = []
    try:
        with tempfile.TemporaryDirectory() as var:
            env = bench_env(var, db)
            token = prepare(env)
            port = free_port()
            server = start_server(env, port, args.workers, args.threads, new_session=True)
            load = Load(token, port, args.concurrency)
            started = time.monotonic()
            load.start()
            for _ in range(args.runs):
                time.sleep(args.seconds + rng.random())
                acknowledged = load.acknowledged_count()
                killed_at = time.monotonic()
                kill_server(server, port)
                server = None
                server = start_server(env, port, args.workers, args.threads, new_session=True)
                if refused(port) and not wait_for_port(port):
                    raise SystemExit("the server did not come back after the kill")
                kills.append(
                    {
                        "at_s": killed_at - started,
                        "acknowledged_before": acknowledged,
                        "down_s": time.monotonic() - killed_at,
                    }
                )
            time.sleep(args.seconds)
            load.finish()
            elapsed = time.monotonic() - started
            sample = random.Random(args.seed).sample(
                sorted(load.acknowledged), min(REPLAY_SAMPLE, len(load.acknowledged))
            )
            replay_mismatched = load.replay(sample)
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
            server = None
            stored = stored_rows(env)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
        psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")

    counts = verify(load, stored)
    result = {
        "bench": "crash",
        "runs": args.runs,
        "kills": len(kills),
        "seconds_between_kills": args.seconds,
        "concurrency": args.concurrency,
        "gunicorn": f"{args.workers}x{args.threads}",
        "wall_s": round(elapsed, 1),
        "requests_started": len(load.keys),
        "acknowledged": len(load.acknowledged),
        "acknowledged_after_unanswered_attempt": load.retried,
        "answered_from_stored_answer": load.replayed,
        "unanswered_attempts": load.unanswered_attempts,
        "retried_5xx_429": load.retry_answers,
        "rejected_4xx": sum(load.rejected.values()),
        "gave_up": len(load.gave_up),
        "replays_checked": len(sample),
        "replays_with_another_id": replay_mismatched,
        **counts,
        "mean_down_s": round(sum(k["down_s"] for k in kills) / len(kills), 1) if kills else 0,
    }
    print(
        f"crash bench: PostgreSQL, gunicorn {args.workers}x{args.threads}, {args.concurrency} "
        f"clients, kill -9 of the process group every ~{args.seconds:.0f} s, {len(kills)} kills"
    )
    print(f"{'kill':>4} {'at s':>7} {'acknowledged before':>20} {'down s':>7}")
    for i, k in enumerate(kills, 1):
        print(f"{i:>4} {k['at_s']:>7.1f} {k['acknowledged_before']:>20} {k['down_s']:>7.1f}")
    labels = [
        ("requests started", "requests_started"),
        ("acknowledged (2xx)", "acknowledged"),
        ("  of which after an attempt without answer", "acknowledged_after_unanswered_attempt"),
        ("  answered from the stored answer (replayed)", "answered_from_stored_answer"),
        ("attempts without an answer", "unanswered_attempts"),
        ("5xx or 429 answers (retried)", "retried_5xx_429"),
        ("other 4xx answers (dropped)", "rejected_4xx"),
        ("never answered (client gave up)", "gave_up"),
        ("stored rows", "stored"),
        ("stored but never acknowledged", "stored_not_acknowledged"),
        ("replays of acknowledged requests", "replays_checked"),
        ("LOST: acknowledged but missing", "lost"),
        ("DUPLICATE rows", "duplicates"),
        ("keys that produced two requests", "keys_with_two_requests"),
        ("replays answered with another id", "replays_with_another_id"),
    ]
    for label, key in labels:
        print(f"{label:<46} {result[key]:>8}")
    failed = any(
        result[k]
        for k in (
            "lost",
            "duplicates",
            "keys_with_two_requests",
            "replays_with_another_id",
        )
    )
    result["ok"] = not failed and len(kills) == args.runs
    print(json.dumps(result))
    if not result["ok"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
