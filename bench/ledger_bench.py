"""Ledger benchmark: N requests in PostgreSQL, then the latency of the ledger's pages and the
worklists, read through the very code the views use (`linli.ledger.views_lists` on top of
`linli.ledger.selectors`).

    python bench/ledger_bench.py [--requests 5000000] [--samples 30] [--keep]

With DATABASE_URL set the bench fills that database (it must be empty or hold a previous fill,
which `--reuse` keeps); otherwise it creates a fresh database on LINLI_BENCH_PG and drops it at
the end (`--keep` keeps it and prints its URL, for `--reuse` next time).

Rows go in with COPY: 10 communities of one street, one year of requests, the most recent few
days partly open, a few stragglers open (and late) further back. Households are NULL.
Each case times one page as the view evaluates it (`list(qs[:51])` inside `ledger_page`, or the
first 200 rows of a worklist); p50 and p95 over --samples runs after 3 warm-up runs.
Target (issue "Hotline and request ledger"): a ledger page stays fast at 5,000,000 requests.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG = os.environ.get("LINLI_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
COMMUNITIES = 10
WORKERS = 6  # per community
TEAMS = 3  # per community
DAYS = 365
URGENCIES = [("emergency", 0.5, 3), ("urgent", 4, 17), ("normal", 24, 60), ("low", 72, 20)]
OPEN = [("new", 40), ("assigned", 40), ("in_progress", 20)]
CLOSED = [("confirmed", 70), ("done", 20), ("cancelled", 8), ("merged", 2)]
CHANNELS = ["hotline"] * 7 + ["walk_in", "online", "door", "api"]
PHRASES = {
    "medicine": ["代配降压药", "胰岛素快用完了", "代配降糖药"],
    "groceries": ["需要买菜", "家里没米了", "需要鸡蛋和油"],
    "meals": ["独居老人需要送餐", "爱心餐两份"],
    "repair": ["水管漏水", "门锁坏了", "楼道灯不亮"],
    "garbage": ["楼下垃圾没人收"],
}
COLUMNS = (
    "community_id", "household_id", "resident_id", "call_id", "channel", "category_id",
    "description", "urgency", "triage_reasons", "created_at", "created_by_id", "deadline",
    "status", "assignee_id", "team_id", "escalation", "merged_into_id", "emergency_call_at",
    "tracking_code", "contact_phone", "address_text", "result", "closed_at",
)  # fmt: skip


def weighted(rng: random.Random, table: list[tuple[str, int]]) -> str:
    return rng.choices([value for value, _w in table], [w for _v, w in table])[0]


def setup_places() -> dict[str, object]:
    """A street of COMMUNITIES communities, their workers and teams, the street's official."""
    from django.contrib.auth.models import Group

    from linli.core.models import Community, District, Street, Team, User

    district = District.objects.create(name="静安区", code="BD1")
    street = Street.objects.create(district=district, name="江苏路街道", code="BS1")
    worker_group = Group.objects.get(name="worker")
    communities, workers, teams = [], {}, {}
    for c in range(1, COMMUNITIES + 1):
        community = Community.objects.create(street=street, name=f"居委{c:02}", code=f"BC{c}")
        communities.append(community)
        people = []
        for w in range(1, WORKERS + 1):
            user = User.objects.create_user(f"c{c}-worker{w}", community=community)
            user.groups.add(worker_group)
            people.append(user)
        workers[community.pk] = [u.pk for u in people]
        team_list = []
        for t in range(1, TEAMS + 1):
            team = Team.objects.create(community=community, name=f"{t}号楼小组", lead=people[-1])
            team.members.add(people[0], people[1])
            team_list.append(team.pk)
        teams[community.pk] = team_list
    official = User.objects.create_user("street-official", street=street)
    official.groups.add(Group.objects.get(name="official"))
    return {"communities": [c.pk for c in communities], "workers": workers, "teams": teams}


def rows(
    n: int, places: dict[str, object], categories: list[tuple[int, str]], now: datetime
) -> Iterator[str]:
    """COPY text lines of `n` requests, oldest first (so ids grow with created_at)."""
    rng = random.Random(42)
    communities: list[int] = places["communities"]  # type: ignore[assignment]
    workers: dict[int, list[int]] = places["workers"]  # type: ignore[assignment]
    teams: dict[int, list[int]] = places["teams"]  # type: ignore[assignment]
    hours = {u: h for u, h, _w in URGENCIES}
    urgency_table = [(u, w) for u, _h, w in URGENCIES]
    start = now - timedelta(days=DAYS)
    span = (now - start).total_seconds()
    for i in range(n):
        created = start + timedelta(seconds=int(span * i / n))
        age = now - created
        community = rng.choice(communities)
        category_id, code = rng.choice(categories)
        urgency = weighted(rng, urgency_table)
        deadline = created + timedelta(hours=hours[urgency])
        p_open = 0.4 if age < timedelta(days=3) else 0.01 if age < timedelta(days=30) else 0.0005
        is_open = rng.random() < p_open
        status = weighted(rng, OPEN if is_open else CLOSED)
        assignee = team = r"\N"
        if status not in ("new", "cancelled", "merged"):
            assignee = str(rng.choice(workers[community]))
            if rng.random() < 0.15:
                team = str(rng.choice(teams[community]))
        closed = r"\N" if is_open else (created + timedelta(hours=rng.uniform(0.2, 30))).isoformat()
        result = "已办结" if status in ("done", "confirmed") else ""
        description = rng.choice(PHRASES.get(code, ["需要帮助"]))
        yield "\t".join(
            (
                str(community), r"\N", r"\N", r"\N", rng.choice(CHANNELS), str(category_id),
                f"{description}（{i}）", urgency, "[]", created.isoformat(), r"\N",
                deadline.isoformat(), status, assignee, team, "0", r"\N", r"\N",
                tracking_code(i), f"138{rng.randrange(10**8):08d}",
                f"岐山村{rng.randint(1, 40)}号{rng.randint(1, 6)}0{rng.randint(1, 4)}室",
                result, closed,
            )
        ) + "\n"  # fmt: skip


CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def tracking_code(i: int) -> str:
    """The i-th code in the shape the app issues (8 characters of its alphabet), unique per i."""
    chars = []
    for _ in range(8):
        i, digit = divmod(i, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[digit])
    return "".join(chars)


def fill(n: int, places: dict[str, object], now: datetime) -> float:
    from django.db import connection

    from linli.ledger.models import Category

    # Read before the COPY starts: the connection does nothing else while it copies.
    categories = list(Category.objects.values_list("pk", "code"))
    started = time.monotonic()
    block: list[str] = []
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        sql = f"COPY ledger_request ({', '.join(COLUMNS)}) FROM STDIN"
        with raw.copy(sql) as copy:
            for line in rows(n, places, categories, now):
                block.append(line)
                if len(block) == 20_000:
                    copy.write("".join(block))
                    block = []
            if block:
                copy.write("".join(block))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE ledger_request")
        filled = time.monotonic() - started
        # Written out now, so that the checkpoint of a 5M-row fill does not land on the first
        # pages measured (it took one first page's p95 from ~20 to 159 ms).
        cursor.execute("CHECKPOINT")
    return filled


def timed(run: Callable[[], object], samples: int) -> tuple[float, float, int]:
    for _ in range(3):
        run()
    times = []
    size = 0
    for _ in range(samples):
        started = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - started) * 1000)
        size = len(result) if hasattr(result, "__len__") else 0
    p95 = statistics.quantiles(times, n=20)[18] if len(times) >= 2 else times[0]
    return statistics.median(times), p95, size


def measure(samples: int) -> list[tuple[str, float, float, int]]:
    from django.utils import timezone

    from linli.core.models import Community, User
    from linli.ledger import selectors, views_lists
    from linli.ledger.models import Request
    from linli.ledger.views_lists import ledger_page, ledger_queryset
    from linli.lib.keyset import Cursor

    now = timezone.now()
    worker = User.objects.get(username="c1-worker1")
    official = User.objects.get(username="street-official")
    community = Community.objects.get(code="BC1")
    rng = random.Random(7)
    # Deep cursors: rows of community 1 from the oldest quarter of the year.
    first_pk = Request.objects.order_by("pk").values_list("pk", flat=True).first() or 0
    top = Request.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    picks = list(
        Request.objects.filter(
            community=community,
            pk__in=[rng.randint(first_pk, first_pk + (top - first_pk) // 4) for _ in range(400)],
        ).values_list("created_at", "pk")
    )
    deep = [Cursor(at, pk) for at, pk in picks] or [Cursor(now, top)]
    street_picks = list(
        Request.objects.filter(
            pk__in=[rng.randint(first_pk, first_pk + (top - first_pk) // 4) for _ in range(50)]
        ).values_list("created_at", "pk")
    )
    street_deep = [Cursor(at, pk) for at, pk in street_picks] or [Cursor(now, top)]
    middle_day = timezone.localdate(now - timedelta(days=DAYS // 2))
    code = (
        Request.objects.filter(community=community, pk__gte=(first_pk + top) // 2)
        .order_by("pk")
        .values_list("tracking_code", flat=True)
        .first()
    ) or "NONE"
    F = selectors.LedgerFilters

    def page(user: User, f: selectors.LedgerFilters, cursors: list[Cursor] | None = None):  # type: ignore[no-untyped-def]
        def run() -> list[Request]:
            before = rng.choice(cursors) if cursors else None
            return ledger_page(user, ledger_queryset(user, f, now), before=before).items

        return run

    def work(user: User, which: str):  # type: ignore[no-untyped-def]
        return lambda: list(selectors.worklist(user, which, now)[: views_lists.WORKLIST_ROWS])

    def work_page(user: User, which: str):  # type: ignore[no-untyped-def]
        """A page of the worklist starting half-way down it, as its next-page links reach it."""
        qs = selectors.worklist(user, which, now)
        middle = qs[qs.count() // 2 :].first()
        bands = selectors.WORKLIST_BANDS
        onward = Cursor.of(middle, "deadline", bands) if middle is not None else None
        return lambda: (
            views_lists.keyset_page(
                qs,
                key="deadline",
                descending=False,
                onward=onward,
                bands=bands,
                per_page=views_lists.WORKLIST_ROWS,
            ).items
        )

    def tab_counts(user: User):  # type: ignore[no-untyped-def]
        return lambda: [
            selectors.worklist(user, w, now).count() for w in views_lists.worklist_tabs()
        ]

    def single_query(run: Callable[[], object]) -> Callable[[], object]:
        def wrapped() -> object:
            saved, views_lists.MAX_PARTITIONS = views_lists.MAX_PARTITIONS, 0
            try:
                return run()
            finally:
                views_lists.MAX_PARTITIONS = saved

        return wrapped

    cases: list[tuple[str, Callable[[], object]]] = [
        ("ledger, first page (community worker)", page(worker, F())),
        ("ledger, deep keyset page (worker)", page(worker, F(), deep)),
        ("ledger, first page (street official)", page(official, F())),
        ("ledger, deep keyset page (street)", page(official, F(), street_deep)),
        (
            "ledger, status+category (worker)",
            page(worker, F(status="confirmed", category="medicine")),
        ),
        ("ledger, late only (worker)", page(worker, F(late=True))),
        ("ledger, up to a day 6 months ago", page(worker, F(day_to=middle_day))),
        ("ledger, one day (worker)", page(worker, F(day_from=middle_day, day_to=middle_day))),
        ("ledger, free text, common (worker)", page(worker, F(q="降压药"))),
        ("ledger, free text, tracking code", page(worker, F(q=code))),
        ("worklist mine (worker)", work(worker, "mine")),
        ("worklist team (worker)", work(worker, "team")),
        ("worklist unassigned (worker)", work(worker, "unassigned")),
        ("worklist late (worker)", work(worker, "late")),
        ("worklist tab counts, 4 COUNTs (worker)", tab_counts(worker)),
        ("late list (street official)", work(official, "late")),
        ("late list, a page half-way down (street official)", work_page(official, "late")),
        ("worklist unassigned, a page half-way down (worker)", work_page(worker, "unassigned")),
        ("worklist tab counts (street official)", tab_counts(official)),
        ("for comparison: street first page, 1 query", single_query(page(official, F()))),
    ]
    results = []
    for name, run in cases:
        p50, p95, size = timed(run, samples)
        results.append((name, p50, p95, size))
        print(f"  {name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms ({size} rows)", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=5_000_000)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the database it creates")
    parser.add_argument("--reuse", action="store_true", help="measure an earlier fill")
    args = parser.parse_args()

    import psycopg

    created = None
    if not os.environ.get("DATABASE_URL"):
        created = f"linli_ledger_bench_{os.getpid()}"
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {created}")
        os.environ["DATABASE_URL"] = f"{PG}/{created}"
    var = tempfile.TemporaryDirectory()
    os.environ.setdefault("LINLI_VAR_DIR", var.name)
    os.environ["DJANGO_SETTINGS_MODULE"] = "linli.settings"
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone

        from linli.ledger.models import Request

        assert connection.vendor == "postgresql", "the ledger bench runs on PostgreSQL"
        call_command("migrate", verbosity=0)
        now = timezone.now().astimezone(UTC)
        if args.reuse and Request.objects.exists():
            print("reusing the requests already there", flush=True)
        else:
            places = setup_places()
            print(f"filling {args.requests:,} requests with COPY …", flush=True)
            seconds = fill(args.requests, places, now)
            print(f"filled in {seconds:.0f} s (COPY, VACUUM ANALYZE)", flush=True)
        total = Request.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        open_count = Request.objects.filter(status__in=Request.OPEN_STATUSES).count()
        print(f"requests: {total:,}, open: {open_count:,}; measuring …", flush=True)
        results = measure(args.samples)
        connection.close()
    finally:
        var.cleanup()
        if created and not args.keep:
            with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {created} WITH (FORCE)")
        elif created:
            print(f"kept: DATABASE_URL={PG}/{created}")

    print()
    print(f"requests: {total:,} in {COMMUNITIES} communities; {args.samples} samples per case")
    print(f"| {'case':<44} | {'p50 ms':>7} | {'p95 ms':>7} | {'rows':>5} |")
    print(f"|{'-' * 46}|{'-' * 9}|{'-' * 9}|{'-' * 7}|")
    for name, p50, p95, size in results:
        print(f"| {name:<44} | {p50:>7.1f} | {p95:>7.1f} | {size:>5} |")


if __name__ == "__main__":
    main()
