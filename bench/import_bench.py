"""Import benchmark: a roster of N residents (csv and xlsx) imported on SQLite and PostgreSQL,
beside PostgreSQL COPY of the same rows and openpyxl's own read-only parse of the same file, in
the same run; then search latency over the imported register.

    python bench/import_bench.py [--residents 1000000] [--no-postgres] [--no-xlsx]
    python bench/import_bench.py --against 45ee7fb [--residents 100000] [--runs 2]

With --against, the same roster is imported on SQLite by the code of that commit (from a git
worktree) and by the working tree, alternating, run after run: the ratio says whether a change
made the import slower.

Targets (issue 3): csv import with full validation <= 5x the COPY time; xlsx import <= 2x the
openpyxl read-only parse; peak RSS <= 500 MB for both; search p95 <= 50 ms.
Each import runs in a child process, which reports its wall time and peak RSS.
"""

import argparse
import csv
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG = os.environ.get("LINLI_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
HEADER = ["姓名", "性别", "身份证号", "联系电话", "小区", "楼号", "单元", "室号", "特殊人群"]
COMPOUNDS = 20
BUILDINGS = 100  # per compound
TAGS = ["", "", "", "", "", "", "", "", "独居", "慢性病", "残疾", "血透", "独居,慢性病"]


def generate(path_csv: Path, path_xlsx: Path | None, residents: int) -> None:
    """A roster of valid rows: real check digits, real mobile prefixes, rooms of known buildings."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    django.setup()  # the seed's name and number generators live beside the models
    from linli.people.seed import Generator

    gen = Generator(seed=42, foreign_share=0)
    rng = gen.rng
    writer_xlsx = None
    if path_xlsx is not None:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        writer_xlsx = workbook.create_sheet("名单")
        writer_xlsx.append(HEADER)
    with path_csv.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        room_no = 0
        written = 0
        while written < residents:
            room_no += 1
            compound, rest = divmod(room_no, BUILDINGS * 4 * 60)
            building, rest = divmod(rest, 4 * 60)
            unit, rest = divmod(rest, 60)
            floor, door = divmod(rest, 4)
            for born, sex in gen.household_members():
                if written == residents:
                    break
                row = [
                    gen.chinese_name(sex, born),
                    "男" if sex == "M" else "女",
                    gen.id_number(born, sex == "M"),
                    gen.mobile(),
                    f"小区{compound % COMPOUNDS + 1}",
                    str(building + 1),
                    str(unit + 1),
                    f"{floor + 1}{door + 1:02d}",
                    rng.choice(TAGS),
                ]
                out.writerow(row)
                if writer_xlsx is not None:
                    writer_xlsx.append(row)
                written += 1
    if path_xlsx is not None:
        workbook.save(path_xlsx)


def setup_register(env: dict[str, str]) -> None:
    # From the code root being measured: `-m` and `-c` put the working directory first.
    cwd = env.get("PYTHONPATH", str(ROOT))
    subprocess.run(
        [sys.executable, "-m", "linli.cli", "manage", "migrate", "-v0"],
        env=env,
        check=True,
        cwd=cwd,
    )
    code = f"""
import django; django.setup()
from linli.core.models import *
d = District.objects.create(name="区", code="D1")
s = Street.objects.create(district=d, name="街道", code="S1")
c = Community.objects.create(street=s, name="居委", code="C1")
for i in range(1, {COMPOUNDS} + 1):
    comp = Compound.objects.create(community=c, name=f"小区{{i}}")
    Building.objects.bulk_create(Building(compound=comp, number=str(b)) for b in range(1, {BUILDINGS} + 1))
User.objects.create_superuser("admin", password="bench-only")
from django.contrib.auth.models import Group
worker = User.objects.create_user("worker", community=c)
worker.groups.add(Group.objects.get(name="worker"))
"""
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=cwd)


def child_import(path: str) -> None:
    import django

    django.setup()
    from linli.core.models import Community, User
    from linli.people.importer import Importer

    started = time.monotonic()
    outcome = Importer(Community.objects.get(code="C1"), User.objects.get(username="admin")).run(
        Path(path)
    )
    elapsed = time.monotonic() - started
    if outcome.error_count:
        print(json.dumps({"errors": [e.as_list() for e in outcome.errors[:5]]}))
        sys.exit(1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "peak_mb": peak, "created": outcome.created}))


def child_parse(path: str) -> None:
    from openpyxl import load_workbook

    started = time.monotonic()
    workbook = load_workbook(path, read_only=True, data_only=True)
    rows = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    elapsed = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "peak_mb": peak, "rows": rows}))


def child_checks(path: str) -> None:
    """Only the checks the issue names, on every row of the csv: the identity number's GB 11643
    check digit and birth date, the phone through libphonenumber, the name's pinyin keys. No
    headers, rooms, duplicates or database: the part of a csv import's time no storage could save.
    """
    import django

    django.setup()
    from django.utils import timezone

    from linli.lib.validation import normalize_phone, validate_prc_id
    from linli.people.search import name_keys

    today = timezone.localdate()
    started = time.monotonic()
    with open(path, encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        next(rows)
        for name, _sex, id_number, phone, *_rest in rows:
            validate_prc_id(id_number, today)
            normalize_phone(phone)
            name_keys(name)
    print(json.dumps({"seconds": time.monotonic() - started}))


def child_search(samples: int) -> None:
    import django

    django.setup()
    from linli.core.models import User
    from linli.people.selectors import register_page, residents_for

    # Search as the community's worker, as the register page does: within one community.
    admin = User.objects.get(username="worker")
    rng = random.Random(7)
    pool = list(
        residents_for(admin)
        .order_by("?")
        .values_list("name_initials", "name", "phone_tail", "id_tail", "name_pinyin")[:500]
    )
    kinds = {"initials": [], "name": [], "phone tail": [], "id tail": [], "pinyin": [], "room": []}
    for i in range(samples):
        initials, name, phone_tail, id_tail, pinyin = rng.choice(pool)
        kind, q = [
            ("initials", initials),
            ("name", name),
            ("phone tail", phone_tail),
            ("id tail", id_tail),
            ("pinyin", pinyin[:5]),
            ("room", f"{rng.randint(1, BUILDINGS)}-{rng.randint(1, 60)}{rng.randint(1, 4):02d}"),
        ][i % 6]
        started = time.perf_counter()
        page = list(register_page(admin, q, 1))
        kinds[kind].append((time.perf_counter() - started) * 1000)
        assert page or kind == "room", (kind, q)
    everything = [t for ts in kinds.values() for t in ts]
    result = {k: statistics.quantiles(v, n=20)[18] for k, v in kinds.items()}
    result["all"] = statistics.quantiles(everything, n=20)[18]
    result["median"] = statistics.median(everything)
    print(json.dumps(result))


# What a csv import writes, in an order its foreign keys allow.
WRITTEN = ["core_unit", "core_room", "people_household", "people_resident", "people_vulnerability"]


def storage_floor(imported_db: str, env: dict[str, str], work: Path) -> float:
    """The same rows the import wrote, copied into the same tables of a fresh register (their
    indexes, constraints and the closing ANALYZE included) without any checking: the part of an
    import's time that no validation could save."""
    import psycopg

    dumps = []
    with psycopg.connect(f"{PG}/{imported_db}") as conn:
        for table in WRITTEN:
            path = work / f"floor-{table}.txt"
            with conn.cursor().copy(f"COPY {table} TO STDOUT") as copy, path.open("wb") as f:
                for chunk in copy:
                    f.write(chunk)
            dumps.append((table, path))
    floor_db = f"{imported_db}_floor"
    subprocess.run(["psql", f"{PG}/postgres", "-qc", f"DROP DATABASE IF EXISTS {floor_db}"], check=True)  # fmt: skip
    subprocess.run(["psql", f"{PG}/postgres", "-qc", f"CREATE DATABASE {floor_db}"], check=True)
    setup_register({**env, "DATABASE_URL": f"{PG}/{floor_db}"})
    with psycopg.connect(f"{PG}/{floor_db}") as conn:
        started = time.monotonic()
        with conn.transaction():
            for table, path in dumps:
                with conn.cursor().copy(f"COPY {table} FROM STDIN") as copy, path.open("rb") as f:
                    while chunk := f.read(1 << 20):
                        copy.write(chunk)
        conn.execute("ANALYZE " + ", ".join(WRITTEN))
        elapsed = time.monotonic() - started
    subprocess.run(["psql", f"{PG}/postgres", "-qc", f"DROP DATABASE IF EXISTS {floor_db}"], check=True)  # fmt: skip
    for _table, path in dumps:
        path.unlink()
    return elapsed


def run_child(args: list[str], env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, *args], env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"child {args} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def copy_baseline(path: Path) -> float:
    """PostgreSQL COPY of the same csv rows into a table of the same columns."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_copy")
        conn.execute(
            "CREATE TABLE bench_copy (" + ", ".join(f"c{i} text" for i in range(len(HEADER))) + ")"
        )
        started = time.monotonic()
        with (
            conn.cursor().copy("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
            path.open("rb") as f,
        ):
            while chunk := f.read(1 << 20):
                copy.write(chunk)
        elapsed = time.monotonic() - started
        conn.execute("DROP TABLE bench_copy")
    return elapsed


def compare(
    against: str, residents: int, runs: int, base: dict[str, str], *, postgres: bool = False
) -> None:
    """The import by the code of `against` and by the working tree, side by side on SQLite (or on
    PostgreSQL, a fresh database for each import)."""
    db = f"linli_compare_{os.getpid()}"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        tree = work / "before"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(tree), against],
            check=True,
        )
        try:
            paths = {"csv": work / "roster.csv", "xlsx": work / "roster.xlsx"}
            generate(paths["csv"], paths["xlsx"], residents)
            seconds: dict[tuple[str, str], list[float]] = {}
            for run in range(runs):
                order = [("before", tree), ("after", ROOT)]
                for fmt, path in paths.items():
                    for label, root in order if run % 2 == 0 else order[::-1]:
                        var = work / f"var-{label}-{fmt}-{run}"
                        var.mkdir()
                        env = {**base, "LINLI_VAR_DIR": str(var), "PYTHONPATH": str(root)}
                        if postgres:
                            for sql in (f"DROP DATABASE IF EXISTS {db}", f"CREATE DATABASE {db}"):
                                subprocess.run(["psql", f"{PG}/postgres", "-qc", sql], check=True)
                            env["DATABASE_URL"] = f"{PG}/{db}"
                        setup_register(env)
                        child = [sys.executable, str(root / "bench" / "import_bench.py")]
                        out = subprocess.run(
                            [*child, "--child-import", str(path)],
                            env=env,
                            capture_output=True,
                            text=True,
                        )
                        if out.returncode:
                            raise SystemExit(f"{label} {fmt}:\n{out.stdout}\n{out.stderr}")
                        took = json.loads(out.stdout.strip().splitlines()[-1])["seconds"]
                        seconds.setdefault((fmt, label), []).append(took)
                        print(f"run {run + 1} {fmt} {label}: {took:.1f} s", flush=True)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True
            )
            if postgres:
                subprocess.run(["psql", f"{PG}/postgres", "-qc", f"DROP DATABASE IF EXISTS {db}"])
    backend = "PostgreSQL" if postgres else "SQLite"
    print(f"\n{residents} rows on {backend}, {against} (before) against the working tree (after)")
    print(f"{'file':<6} {'run':>3} {'before s':>9} {'after s':>8} {'after/before':>13}")
    ratios = []
    for fmt in paths:
        for run, (b, a) in enumerate(
            zip(seconds[fmt, "before"], seconds[fmt, "after"], strict=True)
        ):
            ratios.append(a / b)
            print(f"{fmt:<6} {run + 1:>3} {b:>9.1f} {a:>8.1f} {a / b:>13.2f}")
    print(f"mean ratio {statistics.mean(ratios):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-xlsx", action="store_true")
    parser.add_argument("--no-csv", action="store_true", help="xlsx only (no search either)")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--searches", type=int, default=600)
    parser.add_argument("--against", help="a commit to compare the import with (SQLite)")
    parser.add_argument("--postgres", action="store_true", help="--against on PostgreSQL")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--child-import")
    parser.add_argument("--child-parse")
    parser.add_argument("--child-search", type=int)
    parser.add_argument("--child-checks")
    args = parser.parse_args()
    if args.child_import:
        return child_import(args.child_import)
    if args.child_parse:
        return child_parse(args.child_parse)
    if args.child_search:
        return child_search(args.child_search)
    if args.child_checks:
        return child_checks(args.child_checks)

    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    base.update(DJANGO_SETTINGS_MODULE="linli.settings", PYTHONPATH=str(ROOT))
    if args.against:
        return compare(args.against, args.residents, args.runs, base, postgres=args.postgres)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        csv_path, xlsx_path = work / "roster.csv", work / "roster.xlsx"
        started = time.monotonic()
        generate(csv_path, None if args.no_xlsx else xlsx_path, args.residents)
        print(f"generated {args.residents} rows in {time.monotonic() - started:.0f} s", flush=True)
        results: list[tuple[str, str, dict[str, float]]] = []
        copy_s = None if args.no_postgres else copy_baseline(csv_path)
        parse = None if args.no_xlsx else run_child(["--child-parse", str(xlsx_path)], base)
        checks = None if args.no_csv else run_child(["--child-checks", str(csv_path)], base)
        backends = ([] if args.no_sqlite else [("sqlite", None)]) + (
            [] if args.no_postgres else [("postgresql", f"linli_bench_{os.getpid()}")]
        )
        search_results = {}
        floor_s: float | None = None
        for backend, db in backends:
            formats = [] if args.no_csv else [("csv", csv_path)]
            formats += [] if args.no_xlsx else [("xlsx", xlsx_path)]
            for fmt, path in formats:
                var = work / f"var-{backend}-{fmt}"
                var.mkdir()
                env = {**base, "LINLI_VAR_DIR": str(var)}
                if db:
                    subprocess.run(
                        ["psql", f"{PG}/postgres", "-qc", f"DROP DATABASE IF EXISTS {db}"],
                        check=True,
                    )
                    subprocess.run(
                        ["psql", f"{PG}/postgres", "-qc", f"CREATE DATABASE {db}"], check=True
                    )
                    env["DATABASE_URL"] = f"{PG}/{db}"
                setup_register(env)
                result = run_child(["--child-import", str(path)], env)
                results.append((backend, fmt, result))
                print(backend, fmt, result, flush=True)
                if db and fmt == "csv":
                    floor_s = storage_floor(db, env, work)
                    print(f"storage floor (COPY of the rows written): {floor_s:.1f} s", flush=True)
                if fmt == "csv":
                    search_results[backend] = run_child(["--child-search", str(args.searches)], env)
                    print(backend, "search", search_results[backend], flush=True)
            if db:
                subprocess.run(
                    ["psql", f"{PG}/postgres", "-qc", f"DROP DATABASE IF EXISTS {db}"], check=True
                )

    print()
    print(f"rows: {args.residents}")
    if copy_s is not None:
        print(f"PostgreSQL COPY of the csv rows: {copy_s:.1f} s")
    if parse is not None:
        print(
            f"openpyxl read-only parse of the xlsx: {parse['seconds']:.1f} s (peak {parse['peak_mb']:.0f} MB)"
        )
    if checks is not None:
        ratio = f" = {checks['seconds'] / copy_s:.1f}x COPY" if copy_s else ""
        print(
            f"the named checks alone (ID check digit, libphonenumber, pinyin) on every csv row: "
            f"{checks['seconds']:.1f} s{ratio}"
        )
    if floor_s is not None:
        print(
            f"PostgreSQL COPY of the rows the csv import wrote, into the register's own tables: "
            f"{floor_s:.1f} s (storage floor)"
        )
    print(f"{'backend':<11} {'format':<6} {'seconds':>8} {'peak MB':>8} {'ratio':>22}")
    for backend, fmt, r in results:
        if fmt == "csv" and copy_s:
            ratio = f"{r['seconds'] / copy_s:.1f}x COPY (target 5x)"
            if floor_s and backend == "postgresql":
                ratio += f", {r['seconds'] / floor_s:.1f}x floor"
        elif fmt == "xlsx" and parse:
            ratio = f"{r['seconds'] / parse['seconds']:.2f}x parse (target 2x)"
        else:
            ratio = ""
        print(f"{backend:<11} {fmt:<6} {r['seconds']:>8.1f} {r['peak_mb']:>8.0f} {ratio:>22}")
    for backend, s in search_results.items():
        kinds = ", ".join(f"{k} {v:.1f}" for k, v in s.items() if k not in ("all", "median"))
        print(
            f"search p95 on {backend}: {s['all']:.1f} ms (median {s['median']:.1f} ms; by kind: {kinds})"
        )


if __name__ == "__main__":
    main()
