"""Quarantine benchmark: a street of 10 communities with 20,000 people in home quarantine, 13
hotels holding 904 guests and 5,000 travellers over 14 days; the latency of the arrivals
board, the overdue-checks list and the hotels' boards, read through the selectors the views
call; and a city list of 5,000 travellers (xlsx) imported beside openpyxl's own read-only
parse of the same file.

    python bench/quarantine_bench.py [--quarantines 20000] [--travellers 5000] [--samples 30]
                                     [--rows 5000] [--runs 3] [--backend sqlite|postgresql]
                                     [--profile] [--reader calamine|openpyxl]

Without --backend it runs itself once per backend (SQLite in a temporary directory, PostgreSQL
in a fresh database on LINLI_BENCH_PG) and prints both. Targets (issue 16): every list p95
<= 100 ms on PostgreSQL; the city list's import <= 2x openpyxl's parse of the same file.
The import runs once untimed (a server has its modules loaded), then --runs times beside the
parse and beside the import's own parse and checks (`read_city_list`, nothing written), in
rotating order; the imported travellers, their receptions, requests and history rows are
deleted after each import. With --profile, one more import runs under cProfile and its top
functions are printed.

Per community: 2 compounds of 25 buildings (2 units, 8 floors, 4 rooms a floor), 3,200
households of two; the first 1,000 households (both members) in home quarantine since 0-13
days, each household with its care plan (a doctor of two); at 15:00, 60% were checked today,
30% yesterday, 5% the day before, 5% never: 8,000 checks overdue on the street. 13 hotels of
70-82 rooms (every fourth room has two beds) hold 904 guests of the street's communities, one
in five elderly, one in ten chronic, some infants, pregnant or on a diet, and 400 past stays.
5,000 travellers arrive over 14 days (a week before today to a week after), each with their
reception by the shift's team; 2% have no known household. Today is the local date in
Asia/Shanghai when the bench runs.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG = os.environ.get("LINLI_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
ZONE = ZoneInfo("Asia/Shanghai")
COMMUNITIES = 10
COMPOUNDS = 2  # per community
BUILDINGS = 25  # per compound: 2 units, 8 floors, 4 rooms a floor = 1,600 households
HOTELS = 13
GUESTS = 904
PAST_STAYS = 400
HEADER = ["姓名", "性别", "证件号码", "国籍", "航班/车次", "出发地", "预计到达时间", "小区", "楼号",
          "单元", "房号", "联系电话"]  # fmt: skip
ORIGINS = [("MU588", "London", "GB"), ("NH921", "Tokyo", "JP"), ("KE893", "Seoul", "KR"),
           ("UA857", "San Francisco", "US"), ("G102", "北京", "CN"), ("D3125", "武汉", "CN"),
           ("CA930", "Frankfurt", "DE"), ("SQ830", "Singapore", "SG")]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"


def rooms_of() -> list[tuple[int, int, int, int, str]]:
    """(compound, building, unit, floor, room) of one community's households, in order."""
    return [
        (k, b, u, f, f"{f}{r:02d}")
        for k in range(1, COMPOUNDS + 1)
        for b in range(1, BUILDINGS + 1)
        for u in (1, 2)
        for f in range(1, 9)
        for r in range(1, 5)
    ]


def fill(quarantines: int, travellers: int, today: date) -> dict[str, int]:
    from django.contrib.auth.models import Group

    from linli.care.models import CarePlan
    from linli.core.models import (
        Building,
        Community,
        Compound,
        District,
        Room,
        Street,
        Team,
        Unit,
        User,
    )
    from linli.people.models import Household, Resident
    from linli.quarantine.models import (
        HealthCheck,
        HomeQuarantine,
        Hotel,
        HotelRoom,
        Reception,
        Settings,
        Stay,
        Traveller,
    )

    rng = random.Random(16)
    groups = {g.name: g for g in Group.objects.all()}
    district = District.objects.create(name="静安区", code="QD1")
    street = Street.objects.create(district=district, name="江苏路街道", code="QS1")
    official = User.objects.create_user("official", street=street)
    official.groups.add(groups["official"])
    per_community = quarantines // COMMUNITIES
    plan_households = (per_community + 1) // 2  # both members of a household in quarantine
    layout = rooms_of()
    households_of: dict[int, list[Household]] = {}
    residents_of: dict[int, list[Resident]] = {}
    communities: list[Community] = []
    teams: dict[int, tuple[Team, Team]] = {}
    first_worker = 0
    for c in range(1, COMMUNITIES + 1):
        community = Community.objects.create(street=street, name=f"居委{c:02}", code=f"QC{c}")
        communities.append(community)
        worker = User.objects.create_user(f"c{c}-worker", community=community)
        worker.groups.add(groups["worker"])
        first_worker = first_worker or worker.pk
        seats = {}
        for role in ("doctor", "social_worker", "property_staff", "volunteer"):
            seats[role] = [User.objects.create_user(f"c{c}-{role}{n}", community=community)
                           for n in range(2)]  # fmt: skip
            for user in seats[role]:
                user.groups.add(groups[role])
        day_team = Team.objects.create(
            community=community, name="白班接待组", lead=seats["volunteer"][0]
        )
        night_team = Team.objects.create(
            community=community, name="夜间应急组", lead=seats["volunteer"][1]
        )
        for team in (day_team, night_team):
            team.members.set([worker, *seats["volunteer"], seats["doctor"][0]])
        teams[community.pk] = (day_team, night_team)
        Settings.objects.create(
            community=community, day_team=day_team, night_team=night_team,
            doctor=seats["doctor"][0], social_worker=seats["social_worker"][0],
            property_staff=seats["property_staff"][0],
        )  # fmt: skip
        compounds = Compound.objects.bulk_create(
            Compound(community=community, name=f"{name}{c}") for name in ("静安新村", "华山花园")
        )
        buildings = Building.objects.bulk_create(
            Building(compound=k, number=str(b), floors=8)
            for k in compounds
            for b in range(1, BUILDINGS + 1)
        )
        units = Unit.objects.bulk_create(
            Unit(building=b, number=str(u)) for b in buildings for u in (1, 2)
        )
        rooms = Room.objects.bulk_create(
            (Room(unit=units[i // 32], number=number, floor=floor)
             for i, (_k, _b, _u, floor, number) in enumerate(layout)),
            batch_size=2000,
        )  # fmt: skip
        households = Household.objects.bulk_create(
            (Household(community=community, room=room) for room in rooms), batch_size=2000
        )
        residents = Resident.objects.bulk_create(
            (
                Resident(
                    community=community, household=h,
                    name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    sex="F" if k else "M", date_of_birth=date(1940 + i % 60, 1 + k, 1 + i % 28),
                    id_number="", phone=f"139{c:02d}{i:05d}{k}",
                )
                for i, h in enumerate(households)
                for k in (0, 1)
            ),
            batch_size=2000,
        )  # fmt: skip
        households_of[community.pk], residents_of[community.pk] = households, residents
        planned = households[:plan_households]
        plans = CarePlan.objects.bulk_create(
            (
                CarePlan(
                    community=community, household=h, reason=CarePlan.Reason.QUARANTINE,
                    starts_on=today - timedelta(days=i % 14),
                    review_on=today - timedelta(days=i % 14) + timedelta(days=14),
                    doctor=seats["doctor"][i % 2], social_worker=seats["social_worker"][i % 2],
                    property_staff=seats["property_staff"][i % 2],
                )
                for i, h in enumerate(planned)
            ),
            batch_size=2000,
        )  # fmt: skip
        rows = []
        for i, plan in enumerate(plans):
            for resident in residents[2 * i : 2 * i + 2][: per_community - 2 * i]:
                share = rng.random()
                last = (today if share < 0.6 else today - timedelta(days=1) if share < 0.9
                        else today - timedelta(days=2) if share < 0.95 else None)  # fmt: skip
                starts = plan.starts_on
                if last is not None and last < starts:
                    last = starts if starts < today else None
                rows.append(HomeQuarantine(
                    community=community, resident=resident, household_id=plan.household_id,
                    plan=plan, starts_on=starts, days=14, planned_end=starts + timedelta(days=14),
                    last_check_on=last,
                ))  # fmt: skip
        rows = HomeQuarantine.objects.bulk_create(rows, batch_size=2000)
        HealthCheck.objects.bulk_create(
            (
                HealthCheck(
                    community=community, quarantine=q, day=q.last_check_on,
                    at=datetime.combine(q.last_check_on, clock(9, 30), tzinfo=ZONE),
                    temperature="36.6", by=seats["doctor"][0],
                )
                for q in rows
                if q.last_check_on is not None
            ),
            batch_size=2000,
        )  # fmt: skip
    # Hotels: 13 of 70-82 rooms on floors of 20, every fourth room with two beds.
    staff = User.objects.create_user("hotel-staff", street=street)
    staff.groups.add(groups["hotel_staff"])
    hotel_rooms: list[list[tuple[HotelRoom, int]]] = []
    hotels = []
    for n in range(HOTELS):
        hotel = Hotel.objects.create(
            street=street, name=f"隔离酒店{n + 1:02}", address=f"江苏路{100 + n}号"
        )
        hotels.append(hotel)
        colleague = User.objects.create_user(f"hotel-staff{n}", street=street)
        colleague.groups.add(groups["hotel_staff"])
        hotel.staff.set([colleague, staff] if n == 0 else [colleague])
        count = 70 + (n * 7) % 13
        made = HotelRoom.objects.bulk_create(
            HotelRoom(hotel=hotel, floor=3 + i // 20, number=f"{3 + i // 20}{i % 20 + 1:02d}",
                      beds=2 if i % 4 == 3 else 1, accessible=i % 20 == 0)
            for i in range(count)
        )  # fmt: skip
        hotel_rooms.append([(room, bed) for room in made for bed in range(room.beds)])
    # The guests: members of households 2,000 on, round-robin over the street's communities.
    guests = []
    for g in range(GUESTS + PAST_STAYS):
        community = communities[g % COMMUNITIES]
        guests.append((community, residents_of[community.pk][4000 + g // COMMUNITIES]))
    stays = []
    beds_used = [0] * HOTELS
    now = datetime.combine(today, clock(15), tzinfo=ZONE)
    for g, (community, resident) in enumerate(guests):
        n = g % HOTELS
        current = g < GUESTS
        room, _bed = hotel_rooms[n][beds_used[n] % len(hotel_rooms[n])]
        if current:
            beds_used[n] += 1
        since = now - timedelta(days=(g % 14) + (14 if not current else 0), hours=g % 10)
        diet = (
            rng.choice(["halal", "diabetic", "soft", "infant_formula"])
            if rng.random() < 0.1
            else ""
        )
        stays.append(Stay(
            community=community, hotel=hotels[n], room=room, resident=resident,
            checked_in_at=since, planned_end=since.date() + timedelta(days=14),
            checked_out_at=None if current else since + timedelta(days=14),
            elderly=rng.random() < 0.2, chronic=rng.random() < 0.1, infant=rng.random() < 0.02,
            pregnant=rng.random() < 0.01, diet=diet,
        ))  # fmt: skip
    Stay.objects.bulk_create(stays, batch_size=2000)
    # Travellers: a week before today to a week after, with their reception.
    people = []
    for t in range(travellers):
        community = communities[t % COMMUNITIES]
        on = today - timedelta(days=7) + timedelta(days=t * 14 // travellers)
        arrives = datetime.combine(on, clock(rng.randrange(24), rng.randrange(60)), tzinfo=ZONE)
        flight, origin, country = rng.choice(ORIGINS)
        household = None if rng.random() < 0.02 else rng.choice(households_of[community.pk][2000:])
        past = arrives.date() < today
        status = (rng.choice(["home", "home", "home", "hotel"]) if past and household
                  else "cancelled" if rng.random() < 0.02 else "expected")  # fmt: skip
        people.append(Traveller(
            community=community, household=household,
            address_given="" if household else "3号楼2单元? 未核实",
            name=rng.choice(SURNAMES) + rng.choice(GIVEN) if country == "CN" else f"Traveller {t}",
            sex=rng.choice("MF"), id_type="passport", id_number=f"E{t:08d}", nationality=country,
            transport=flight, origin=origin, arrives_at=arrives, phone=f"138{t:08d}",
            source=rng.choice(["worker", "family"]), status=status,
            created_at=arrives - timedelta(days=3),
        ))  # fmt: skip
    people = Traveller.objects.bulk_create(people, batch_size=2000)
    receptions = []
    for traveller in people:
        local = traveller.arrives_at.astimezone(ZONE).time()
        day = clock(8) <= local < clock(20)
        decided = traveller.status in ("home", "hotel")
        receptions.append(Reception(
            community=traveller.community, traveller=traveller, shift="day" if day else "night",
            team=teams[traveller.community.pk][0 if day else 1],
            decision=traveller.status if decided else "",
            decided_at=traveller.arrives_at + timedelta(hours=1) if decided else None,
            picked_up_at=traveller.arrives_at if decided else None,
        ))  # fmt: skip
    Reception.objects.bulk_create(receptions, batch_size=2000)
    return {"worker": first_worker, "official": official.pk, "hotel_staff": staff.pk,
            "hotel": hotels[0].pk}  # fmt: skip


def timed(samples: int, run: Callable[[], object]) -> dict[str, float]:
    for _ in range(3):
        run()
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    at = min(len(times) - 1, max(0, round(len(times) * 0.95) - 1))  # 30 samples: the 28th
    return {"p50": statistics.median(times), "p95": times[at]}


PHONES = {"GB": ("+44 77", 8), "JP": ("+81 90", 8), "KR": ("+82 10", 8), "US": ("+1 415", 7)}


def foreign_phone(rng: random.Random, country: str) -> str:
    """A valid number of the traveller's country (a Chinese mobile for the others)."""
    import phonenumbers

    prefix, digits = PHONES.get(country, ("13", 9))
    while True:
        phone = f"{prefix}{rng.randrange(10**digits):0{digits}d}"
        if phonenumbers.is_valid_number(phonenumbers.parse(phone, "CN")):
            return phone


def city_list(path: Path, rows: int, community_id: int, start: datetime) -> None:
    """The city's list for one community: every address a household of the register, arrivals
    over the coming week, the nationalities and documents of a real list."""
    from openpyxl import Workbook

    from linli.lib.idcard import make_id_number

    rng = random.Random(1)
    layout = rooms_of()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("入境人员名单")
    sheet.append(["上海市入境人员社区转运名单（江苏路街道）"])
    sheet.append([])
    sheet.append(HEADER)
    for n in range(rows):
        k, b, u, _floor, room = layout[rng.randrange(len(layout))]
        flight, origin, country = rng.choice(ORIGINS)
        male = rng.random() < 0.5
        born = date(1950 + rng.randrange(60), 1 + rng.randrange(12), 1 + rng.randrange(28))
        if country == "CN":
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            document = make_id_number("310106", born, n, male)
            phone = f"13{rng.randrange(5, 9)}{rng.randrange(10**8):08d}"
        else:
            name = f"{rng.choice(['John', 'Mary', 'Yui', 'Min-jun', 'Anna', 'Wei'])} {origin} {n}"
            document = f"{country}{rng.randrange(10**7):07d}"
            phone = foreign_phone(rng, country)
        arrives = start + timedelta(minutes=rng.randrange(7 * 24 * 60))
        local = arrives.astimezone(ZONE).replace(second=0, microsecond=0)  # as typed, or a date
        sheet.append([
            name, "男" if male else "女", document, country, flight, origin,
            local.strftime("%Y-%m-%d %H:%M") if n % 2 else local.replace(tzinfo=None),
            f"{('静安新村', '华山花园')[k - 1]}{community_id}", f"{b}", f"{u}", room, phone,
        ])  # fmt: skip
    workbook.save(path)


def parse(path: Path) -> int:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    n = sum(1 for _row in workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    return n


def child(backend: str, args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from linli.core.models import User
    from linli.ledger.models import Request, RequestEvent
    from linli.quarantine import selectors
    from linli.quarantine.city_list import import_city_list, read_city_list
    from linli.quarantine.models import Hotel, Reception, Traveller

    if args.reader == "openpyxl":
        import linli.quarantine.city_list as city_list_module
        from linli.lib.uploads import xlsx_rows

        city_list_module.xlsx_rows_fast = xlsx_rows  # type: ignore[attr-defined]
    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    started = time.monotonic()
    who = fill(args.quarantines, args.travellers, today)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    filled = time.monotonic() - started
    worker = User.objects.select_related("community").get(pk=who["worker"])
    official = User.objects.get(pk=who["official"])
    staff = User.objects.get(pk=who["hotel_staff"])
    hotel = Hotel.objects.get(pk=who["hotel"])
    now = datetime.combine(today, clock(15), tzinfo=ZONE)  # past 12:00: today's checks are due

    def board_of(user: User, day: date) -> int:
        page = selectors.arrivals(user, day, 1)
        shown = 0
        for t in page.items:
            _where = t.household.room.address() if t.household else t.address_given
            reception = t.reception
            _how = (reception.get_shift_display(), reception.team.name if reception.team else "")
            shown += 1
        return shown

    def overdue_of(user: User) -> int:
        page = selectors.overdue_checks(user, now, 1)
        for q in page.items:
            _line = (q.resident.name, q.household.room.address(), q.last_check_on,
                     q.plan.doctor.username if q.plan and q.plan.doctor else "")  # fmt: skip
        return len(page.items)

    def hotel_board() -> int:
        floors = selectors.board(staff, hotel)
        selectors.hotel_counts([hotel.pk])
        names = 0
        for _floor, lines in floors:
            for line in lines:
                for bed in line.beds:
                    if bed.stay is not None:
                        _name, _star = bed.stay.resident.name, bed.stay.special
                        names += 1
        return names

    def hotel_page() -> None:  # every read of the hotel's page besides the board
        hotel_board()
        selectors.floors_of(hotel)
        for s in selectors.guests(staff, hotel, today):
            _line = (s.room.number, s.resident.name, s.community.name, s.called)
        selectors.free_rooms(hotel)

    def hotel_list() -> int:
        hotels = selectors.hotel_list(official)
        selectors.hotel_counts([h.pk for h in hotels])
        return len(hotels)

    def home_list(user: User) -> int:
        page = selectors.quarantine_list(user, 1)
        for q in page.items:
            _line = (q.resident.name, q.household.room.address(), q.planned_end)
        return len(page.items)

    shown = {
        "worker_arrivals": board_of(worker, today), "official_arrivals": board_of(official, today),
        "worker_overdue": overdue_of(worker), "official_overdue": overdue_of(official),
        "board_guests": hotel_board(), "hotels": hotel_list(),
        "overdue_total": selectors.overdue(official, now).count(),
        "arriving_today": selectors.arrival_counts(official, today)["total"],
    }  # fmt: skip
    n = args.samples
    lists = {
        "arrivals_worker": timed(n, lambda: board_of(worker, today)),
        "arrivals_official": timed(n, lambda: board_of(official, today)),
        "overdue_worker": timed(n, lambda: overdue_of(worker)),
        "overdue_official": timed(n, lambda: overdue_of(official)),
        "board_staff": timed(n, hotel_board),
        "hotels_official": timed(n, hotel_list),
        # beside the targets: the other reads of the same pages
        "arrival_counts_official": timed(n, lambda: selectors.arrival_counts(official, today)),
        "hotel_page_staff": timed(n, hotel_page),
        "figures_official": timed(n, lambda: selectors.figures(official, now)),
        "home_list_worker": timed(n, lambda: home_list(worker)),
        "home_list_official": timed(n, lambda: home_list(official)),
    }

    # The city list, into the first community.
    community = worker.community
    assert community is not None
    path = Path(os.environ["LINLI_VAR_DIR"]) / "city_list.xlsx"
    city_list(path, args.rows, community.pk, timezone.now() + timedelta(hours=1))
    last_request = Request.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def reset() -> None:
        imported = Traveller.objects.filter(source=Traveller.Source.CITY)
        ids = list(imported.values_list("pk", flat=True))
        Reception.objects.filter(traveller__in=ids).delete()
        RequestEvent.objects.filter(request__gt=last_request).delete()
        Request.objects.filter(pk__gt=last_request).delete()
        Traveller.history.model.objects.filter(id__in=ids).delete()
        imported.delete()

    import_city_list(community, path, actor=worker)  # warm-up: a server has loaded it all
    reset()
    parse(path)
    imports, parses, reads, outcomes = [], [], [], []
    for run in range(args.runs):
        order = [
            ("import", "parse", "read"),
            ("parse", "read", "import"),
            ("read", "import", "parse"),
        ][run % 3]
        for what in order:
            started = time.perf_counter()
            if what == "read":  # the import's parse and checks alone, nothing written
                read_city_list(community, path, now=timezone.now())
                reads.append(time.perf_counter() - started)
            elif what == "import":
                outcome = import_city_list(community, path, actor=worker)
                imports.append(time.perf_counter() - started)
                outcomes.append({
                    "committed": outcome.committed, "created": outcome.created,
                    "rows": outcome.rows, "errors": outcome.error_count,
                    "first_errors": [str(e) for e in outcome.errors[:5]],
                    "unknown_columns": outcome.unknown_columns,
                    "requests": Request.objects.filter(pk__gt=last_request).count(),
                })  # fmt: skip
                reset()
            else:
                rows = parse(path)
                parses.append(time.perf_counter() - started)
    profile = ""
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        import_city_list(community, path, actor=worker)
        profiler.disable()
        reset()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(25)
        profile = out.getvalue()
    print(json.dumps({
        "backend": backend, "filled_s": filled, "today": today.isoformat(), "shown": shown,
        "lists": lists, "imports_s": imports, "parses_s": parses, "reads_s": reads,
        "outcomes": outcomes, "sheet_rows": rows, "profile": profile,
    }))  # fmt: skip


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, object]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "linli.settings", "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as var:
        env["LINLI_VAR_DIR"] = var
        created = None
        if backend == "postgresql":
            created = f"linli_bench_quarantine_{os.getpid()}"
            subprocess.run(
                ["psql", f"{PG}/postgres", "-qc", f"CREATE DATABASE {created}"], check=True
            )
            env["DATABASE_URL"] = f"{PG}/{created}"
        else:
            env.pop("DATABASE_URL", None)
        try:
            out = subprocess.run(
                [sys.executable, __file__, "--child", backend,
                 "--quarantines", str(args.quarantines), "--travellers", str(args.travellers),
                 "--samples", str(args.samples),
                 "--rows", str(args.rows), "--runs", str(args.runs),
                 "--reader", args.reader, *(["--profile"] if args.profile else [])],
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


LISTS = (
    ("arrivals board, community worker (page 1)", "arrivals_worker", True),
    ("arrivals board, street official (page 1)", "arrivals_official", True),
    ("overdue checks, community worker (page 1)", "overdue_worker", True),
    ("overdue checks, street official (page 1)", "overdue_official", True),
    ("one hotel's board + counts, hotel staff", "board_staff", True),
    ("hotel list + counts, street official", "hotels_official", True),
    ("arrival counts, street official", "arrival_counts_official", False),
    ("the hotel's whole page (board, counts, floors, guests, free rooms), hotel staff",
     "hotel_page_staff", False),
    ("home figures (overdue count …), street official", "figures_official", False),
    ("home-quarantine list (page 1), community worker", "home_list_worker", False),
    ("home-quarantine list (page 1), street official", "home_list_official", False),
)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quarantines", type=int, default=20_000)
    parser.add_argument("--travellers", type=int, default=5_000)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--rows", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"])
    parser.add_argument("--profile", action="store_true")
    # The import as it would be with openpyxl as its reader (the register's), side by side.
    parser.add_argument("--reader", choices=["calamine", "openpyxl"], default="calamine")
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        return child(args.child, args)
    backends = [args.backend] if args.backend else ["sqlite", "postgresql"]
    results = {}
    for backend in backends:
        r = run_backend(backend, args)
        results[backend] = r
        shown = r["shown"]
        assert isinstance(shown, dict)
        print(f"\n{backend}: filled in {r['filled_s']:.0f} s (today {r['today']})")
        print(f"  shown: {json.dumps(shown)}")
        lists = r["lists"]
        assert isinstance(lists, dict)
        for name, key, target in LISTS:
            t = lists[key]
            goal = " (target 100 ms)" if target else ""
            print(f"  {name}: p50 {t['p50']:.1f} ms, p95 {t['p95']:.1f} ms{goal}")
        imports, parses = r["imports_s"], r["parses_s"]
        assert isinstance(imports, list) and isinstance(parses, list)
        ratios = [i / p for i, p in zip(imports, parses, strict=True)]
        print(f"  city list of {args.rows:,} ({r['sheet_rows']} sheet rows): import "
              + ", ".join(f"{s:.2f}" for s in imports) + " s; openpyxl parse "
              + ", ".join(f"{s:.2f}" for s in parses) + " s; ratio "
              + ", ".join(f"{x:.2f}" for x in ratios)
              + f" (median {statistics.median(ratios):.2f}, target 2)")  # fmt: skip
        reads = r["reads_s"]
        assert isinstance(reads, list)
        print(
            "  its parse and checks alone (read_city_list, nothing written): "
            + ", ".join(f"{s:.2f}" for s in reads)
            + " s; ratio to the parse "
            + ", ".join(f"{x / p:.2f}" for x, p in zip(reads, parses, strict=True))
        )
        outcomes = r["outcomes"]
        assert isinstance(outcomes, list)
        for outcome in outcomes:
            print(f"    {outcome}")
        if r["profile"]:
            print(r["profile"])
    print(
        json.dumps({k: {x: v for x, v in r.items() if x != "profile"} for k, r in results.items()})
    )


if __name__ == "__main__":
    main()
