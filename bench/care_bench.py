"""Care benchmark: a street of 10 communities with 10,000 care plans (three service items
each) and 100,000 people under daily contact; one day's generation of the services' requests,
its rerun, and the latency of a team member's list for today and of the community's coverage
list, read through the code the views use.

    python bench/care_bench.py [--plans 10000] [--samples 30] [--backend sqlite|postgresql]

Without --backend it runs itself once per backend (SQLite in a temporary directory, PostgreSQL
in a fresh database on LINLI_BENCH_PG) and prints both. Targets (issue 15): one day's
generation <= 30 s on each database, a rerun creates 0 rows; the team member's list and the
coverage list p95 <= 100 ms.

Per community: 5,000 households of two, 1,000 of them under a plan (dialysis, seats round-robin
among 10 doctors, 10 social workers, 10 property staff), each plan with a daily meal at 11:00, a
medicine run every Monday and a dialysis escort Tue/Thu/Sat at 07:00; the community's rule adds
the key patients (the other 4,000 households' residents are tagged), so all 10,000 residents
are under daily contact. The day generated is a Tuesday: a meal and an escort per plan.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG = os.environ.get("LINLI_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
COMMUNITIES = 10
HOUSEHOLDS = 5000  # per community, two people each
SEATS = 10  # holders of each seat per community
DAY = date(2026, 12, 8)  # a Tuesday


def fill(plans_per_community: int) -> dict[str, object]:
    from django.contrib.auth.models import Group

    from linli.care.models import CarePlan, ContactRule, ServiceItem
    from linli.care.schedule import parse_schedule
    from linli.core.models import Building, Community, Compound, District, Room, Street, Unit, User
    from linli.ledger.models import Category
    from linli.people.models import Household, Resident, Vulnerability

    groups = {g.name: g for g in Group.objects.all()}
    categories = {c.code: c for c in Category.objects.all()}
    district = District.objects.create(name="静安区", code="BD1")
    street = Street.objects.create(district=district, name="江苏路街道", code="BS1")
    items = [
        ("meals", "送午餐", "每天 11:00", "property_staff"),
        ("medicine", "代配药", "每周一", "social_worker"),
        ("dialysis", "血透接送", "二四六 07:00", "property_staff"),
    ]
    parsed = {schedule: parse_schedule(schedule) for _c, _d, schedule, _s in items}
    first: dict[str, object] = {}
    for c in range(1, COMMUNITIES + 1):
        community = Community.objects.create(street=street, name=f"居委{c:02}", code=f"BC{c}")
        worker = User.objects.create_user(f"c{c}-worker", community=community)
        worker.groups.add(groups["worker"])
        seats: dict[str, list[User]] = {}
        for seat, role in (("doctor", "doctor"), ("social_worker", "social_worker"),
                           ("property_staff", "property_staff")):  # fmt: skip
            seats[seat] = [
                User.objects.create_user(f"c{c}-{seat}{n}", community=community)
                for n in range(SEATS)
            ]
            for user in seats[seat]:
                user.groups.add(groups[role])
        compound = Compound.objects.create(community=community, name="小区")
        buildings = Building.objects.bulk_create(
            Building(compound=compound, number=str(b)) for b in range(1, 51)
        )
        units = Unit.objects.bulk_create(Unit(building=b, number="1") for b in buildings)
        rooms = Room.objects.bulk_create(
            Room(unit=u, number=f"{f}{r:02d}", floor=f)
            for u in units
            for f in range(1, 26)
            for r in range(1, 5)
        )
        households = Household.objects.bulk_create(
            Household(community=community, room=room) for room in rooms[:HOUSEHOLDS]
        )
        residents = Resident.objects.bulk_create(
            (
                Resident(
                    community=community, household=h, name=f"居民{c}-{i}-{k}",
                    sex="F" if k else "M", date_of_birth=date(1950 + i % 40, 1 + k, 1 + i % 28),
                    id_number="", phone=f"139{c:02d}{i:04d}{k}",
                )
                for i, h in enumerate(households)
                for k in (0, 1)
            ),
            batch_size=2000,
        )  # fmt: skip
        planned = households[:plans_per_community]
        plans = CarePlan.objects.bulk_create(
            CarePlan(
                community=community, household=h, reason="dialysis", starts_on=DAY - timedelta(days=30),
                doctor=seats["doctor"][i % SEATS], social_worker=seats["social_worker"][i % SEATS],
                property_staff=seats["property_staff"][i % SEATS],
            )
            for i, h in enumerate(planned)
        )  # fmt: skip
        ServiceItem.objects.bulk_create(
            (
                ServiceItem(
                    community=community, plan=p, category=categories[code], description=what,
                    schedule=schedule, weekdays=parsed[schedule].weekdays, at=parsed[schedule].at,
                    seat=seat, generated_through=DAY - timedelta(days=1),
                )
                for p in plans
                for code, what, schedule, seat in items
            ),
            batch_size=2000,
        )  # fmt: skip
        tagged = [r for r in residents if r.household_id not in {h.pk for h in planned}]
        Vulnerability.objects.bulk_create(
            (
                Vulnerability(community=community, resident=r, kind="dialysis", since=DAY)
                for r in tagged
            ),
            batch_size=2000,
        )
        ContactRule.objects.create(community=community, groups=["key"])
        if c == 1:
            first = {"worker": worker.pk, "doctor": seats["doctor"][0].pk}
    return first


def timed(samples: int, run: Callable[[], object]) -> dict[str, float]:
    for _ in range(3):
        run()
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"p50": statistics.median(times), "p95": times[int(len(times) * 0.95) - 1]}


def child(backend: str, plans: int, samples: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from linli.care.actions import do_generate_services
    from linli.care.models import ServiceRun
    from linli.care.selectors import contact_list, coverage
    from linli.core.models import User
    from linli.ledger.models import Request

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    who = fill(plans // COMMUNITIES)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    filled = time.monotonic() - started
    import time_machine

    with time_machine.travel(f"{DAY.isoformat()}T00:01:00+08:00", tick=True):
        started = time.monotonic()
        first = do_generate_services()
        generation = time.monotonic() - started
        started = time.monotonic()
        again = do_generate_services()
        rerun = time.monotonic() - started
        runs = ServiceRun.objects.count()
        requests = Request.objects.count()
        doctor = User.objects.get(pk=who["doctor"])
        worker = User.objects.get(pk=who["worker"])
        listed = len(contact_list(doctor, DAY).items)
        mine = timed(samples, lambda: contact_list(doctor, DAY))
        community_list = timed(samples, lambda: contact_list(worker, DAY))
        gaps = timed(samples, lambda: coverage(worker, DAY))
    print(json.dumps({
        "backend": backend, "filled_s": filled, "generation_s": generation,
        "opened": first.opened, "items": first.items, "rerun_s": rerun,
        "rerun_opened": again.opened, "runs": runs, "requests": requests,
        "doctor_lines": listed, "team_list": mine, "community_list": community_list,
        "coverage": gaps,
    }))  # fmt: skip


def run_backend(backend: str, plans: int, samples: int) -> dict[str, object]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "linli.settings", "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as var:
        env["LINLI_VAR_DIR"] = var
        created = None
        if backend == "postgresql":
            created = f"linli_care_bench_{os.getpid()}"
            subprocess.run(
                ["psql", f"{PG}/postgres", "-qc", f"CREATE DATABASE {created}"], check=True
            )
            env["DATABASE_URL"] = f"{PG}/{created}"
        else:
            env.pop("DATABASE_URL", None)
        try:
            out = subprocess.run(
                [sys.executable, __file__, "--child", backend, "--plans", str(plans),
                 "--samples", str(samples)],
                env=env, capture_output=True, text=True,
            )  # fmt: skip
        finally:
            if created:
                subprocess.run(
                    ["psql", f"{PG}/postgres", "-qc", f"DROP DATABASE IF EXISTS {created}"],
                    check=True,
                )
    if out.returncode:
        raise SystemExit(f"{backend} failed:\n{out.stdout}\n{out.stderr}")
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"])
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.plans, args.samples)
    backends = [args.backend] if args.backend else ["sqlite", "postgresql"]
    for backend in backends:
        r = run_backend(backend, args.plans, args.samples)
        print(f"\n{backend}: filled in {r['filled_s']:.0f} s")
        print(
            f"  generation of {DAY} (a Tuesday): {r['opened']:,} requests from {r['items']:,} "
            f"items in {r['generation_s']:.1f} s (target 30 s); rerun {r['rerun_s']:.2f} s, "
            f"{r['rerun_opened']} created; {r['runs']:,} runs, {r['requests']:,} requests"
        )
        for name, key in (("team member's list for today", "team_list"),
                          ("the community's list for today", "community_list"),
                          ("coverage list", "coverage")):  # fmt: skip
            t = r[key]
            assert isinstance(t, dict)
            print(f"  {name}: p50 {t['p50']:.1f} ms, p95 {t['p95']:.1f} ms (target 100 ms)")
        print(f"  (the doctor's list holds {r['doctor_lines']} people)")


if __name__ == "__main__":
    main()
