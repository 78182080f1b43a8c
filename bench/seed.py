"""Seed benchmark: `linli seed` of N residents on SQLite and on PostgreSQL, side by side.

    python bench/seed.py [--residents 100000] [--communities 10] [--no-postgres]

Each backend gets a fresh database, is migrated, then seeded in a child process that reports its
wall time and peak RSS. The issue's target: 100,000 residents in minutes, not hours.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("LINLI_BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def child(residents: int, communities: int) -> None:
    import django

    django.setup()
    from linli.core.seeding import seed

    started = time.monotonic()
    result = seed(communities=communities, residents=residents, seed=1, password="bench")
    elapsed = time.monotonic() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "peak_mb": peak_mb, **result.counts}))


def run_backend(
    name: str, env: dict[str, str], residents: int, communities: int
) -> dict[str, object]:
    env = {**env, "DJANGO_SETTINGS_MODULE": "linli.settings", "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-m", "linli.cli", "manage", "migrate", "-v0"], env=env, check=True
    )
    out = subprocess.run(
        [sys.executable, __file__, "--child", "--residents", str(residents), "--communities", str(communities)],
        env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return {"backend": name, **json.loads(out.strip().splitlines()[-1])}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--communities", type=int, default=10)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.residents, args.communities)
        return
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    rows = []
    with tempfile.TemporaryDirectory() as var:
        rows.append(
            run_backend("sqlite", {**base, "LINLI_VAR_DIR": var}, args.residents, args.communities)
        )
        if not args.no_postgres:
            db = f"linli_bench_{os.getpid()}"
            subprocess.run(["psql", f"{PG}/postgres", "-qc", f"CREATE DATABASE {db}"], check=True)
            try:
                env = {**base, "LINLI_VAR_DIR": var, "DATABASE_URL": f"{PG}/{db}"}
                rows.append(run_backend("postgresql", env, args.residents, args.communities))
            finally:
                subprocess.run(["psql", f"{PG}/postgres", "-qc", f"DROP DATABASE {db}"], check=True)
    print(
        f"{'backend':<11} {'residents':>9} {'households':>10} {'tags':>7} {'seconds':>8} {'peak MB':>8}"
    )
    for r in rows:
        print(
            f"{r['backend']:<11} {r['residents']:>9} {r['households']:>10} {r['vulnerabilities']:>7}"
            f" {r['seconds']:>8.1f} {r['peak_mb']:>8.0f}"
        )


if __name__ == "__main__":
    main()
