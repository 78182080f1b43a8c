"""Live triage benchmark: the desk's triage of a request row as it is typed, with a known
caller, on a register of N residents (default 1,000,000) in one community.

    python bench/triage_bench.py [--residents 1000000] [--rounds 5] [--texts 120]
                                 [--backend postgresql|sqlite] [--reuse URL] [--keep]

The register is seeded deterministically (`linli.core.seeding`, one community) into a fresh database
(PostgreSQL on LINLI_BENCH_PG, or SQLite in a temporary directory); `--keep` keeps it and
prints its URL, `--reuse URL` measures a kept one again. Then, in one process, Django's test
client signed in as the community's operator types descriptions from the regression corpus
(tests/ledger/triage_*.tsv) the way the desk sends them: one POST of the text so far to
/ledger/desk/triage/ per keystroke batch (every few characters, after the page's 300 ms pause),
with the number of a resident of the register (half of them with vulnerability tags, so the
register's queries find rows). Server time is the whole handling through the middleware
(session, authentication, the caller's lookup, the register's two queries, triage, the
template), measured around each call.

Side by side, taking turns in every round so that a slower minute of a shared machine falls
on each: the same batches for a caller the register does not know, the household card the desk
fetches as the number is typed (/ledger/desk/household/), and triage alone on the same texts
(`linli.ledger.triage.assess`, no database).

Target (issues "Triage as a clinical safety net" and "Triage, second round"): p95 <= 20 ms per
keystroke batch with a known caller on a 1,000,000-resident register, also with the key
questions answered.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG = os.environ.get("LINLI_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
BATCH_CHARS = 4  # characters typed between two requests, roughly a 300 ms pause of a typist


def psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG}/postgres", "-qc", sql], check=True)


def fill(residents: int) -> None:
    """Migrate and seed one community of `residents` people (in this process)."""
    from django.core.management import call_command

    from linli.core.seeding import seed

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    result = seed(communities=1, residents=residents, seed=1, password="bench-only-pw")
    print(
        f"seeded {result.counts['residents']:,} residents, {result.counts['households']:,} "
        f"households, {result.counts['vulnerabilities']:,} tags in {time.monotonic() - started:.0f} s",
        flush=True,
    )
    from django.db import connection

    with connection.cursor() as cursor:  # the planners' statistics, as a large import leaves them
        cursor.execute("ANALYZE")


def batches(text: str) -> list[str]:
    """The text as the desk sends it while it is typed: every BATCH_CHARS characters, and whole."""
    cuts = [*range(BATCH_CHARS, len(text), BATCH_CHARS), len(text)]
    return [text[:n] for n in cuts]


def corpus_texts(n: int) -> list[str]:
    from tests.ledger.triage_cases import load

    cases = [
        c
        for name in sorted(p.name for p in (ROOT / "tests/ledger").glob("triage_*.tsv"))
        for c in load(name)
    ]
    return [c.text for c in random.Random(7).sample(cases, min(n, len(cases)))]


def timed(samples: list[float], call: Callable[[], object]) -> None:
    started = time.perf_counter()
    call()
    samples.append((time.perf_counter() - started) * 1000)


def measure(rounds: int, n_texts: int) -> None:
    from django.db.models import Exists, OuterRef
    from django.test import Client
    from django.urls import reverse

    from linli.core.models import User
    from linli.ledger.models import Category
    from linli.ledger.triage import assess
    from linli.people.models import Resident, Vulnerability

    operator = User.objects.get(username="c1-operator")
    community = operator.community
    assert community is not None
    print(
        f"register: {Resident.objects.filter(community=community).count():,} residents in {community.code}"
    )
    tagged = Vulnerability.objects.filter(resident=OuterRef("pk"), until__isnull=True)
    with_tags = list(
        Resident.objects.filter(community=community, is_active=True)
        .exclude(phone="")
        .filter(Exists(tagged))
        .values_list("phone", flat=True)[:150]
    )
    plain = list(
        Resident.objects.filter(community=community, is_active=True)
        .exclude(phone="")
        .order_by("?")
        .values_list("phone", flat=True)[:150]
    )
    phones = with_tags + plain
    other = Category.objects.get(code="other")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(operator)
    triage_url, card_url = reverse("ledger:desk-triage"), reverse("ledger:desk-household")
    texts = corpus_texts(n_texts)
    rng = random.Random(11)
    work = [
        (phone, batch)
        for text in texts
        for batch in batches(text)
        for phone in [rng.choice(phones)]
    ]
    print(f"{len(texts)} descriptions, {len(work)} keystroke batches a round, {len(phones)} callers "
          f"({len(with_tags)} with vulnerability tags)", flush=True)  # fmt: skip

    def live(phone: str, text: str, **answers: str) -> Callable[[], object]:
        data = {
            "row": "0",
            "caller_number": phone,
            "r-0-category": str(other.pk),
            "r-0-description": text,
            **{f"r-0-{q}": a for q, a in answers.items()},
        }
        return lambda: _ok(client.post(triage_url, data))

    # The key questions as an operator answers them: shown already, awake yes, breathing no,
    # the main problem chosen (so the answers' findings go through the rules too).
    asked = {"asking": "1", "awake": "yes", "breathing": "no", "problem": "chest"}

    phases: dict[str, tuple[list[float], Callable[[str, str], Callable[[], object]]]] = {
        "live triage, known caller": ([], live),
        "live triage, key questions": ([], lambda p, t: live(p, t, **asked)),
        "live triage, unknown caller": ([], lambda _p, t: live("13900000000", t)),
        "household card (same callers)": ([], lambda p, _t: lambda: _ok(client.get(card_url, {"caller_number": p}))),
        "triage alone (no database)": ([], lambda _p, t: lambda: assess(t, "other", "normal", [])),
    }  # fmt: skip
    for phone, text in work[:60]:  # warm-up
        live(phone, text)()
        client.get(card_url, {"caller_number": phone})
    for _round in range(rounds):
        for samples, make in phases.values():
            for phone, text in work:
                timed(samples, make(phone, text))
    print(f"\n{'case':<32} {'batches':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    figures = {}
    for name, (samples, _make) in phases.items():
        ordered = sorted(samples)
        p95 = ordered[int(len(ordered) * 0.95) - 1]
        figures[name] = p95
        print(f"{name:<32} {len(ordered):>8} {statistics.median(ordered):>8.2f} {p95:>8.2f} "
              f"{ordered[int(len(ordered) * 0.99) - 1]:>8.2f} {ordered[-1]:>8.2f}")  # fmt: skip
    known = max(figures["live triage, known caller"], figures["live triage, key questions"])
    print(f"\nlive triage p95 with a known caller (with or without the key questions): "
          f"{known:.1f} ms (target <= 20 ms): "
          f"{'met' if known <= 20 else 'NOT met'}; "
          f"{known / figures['household card (same callers)']:.2f}x the household card's p95")  # fmt: skip


def _ok(response: object) -> object:
    status = getattr(response, "status_code", 0)
    if status != 200:
        raise SystemExit(f"the desk answered {status}")
    return response


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--texts", type=int, default=120, help="descriptions typed a round")
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--reuse", help="a database URL kept by --keep")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    var = tempfile.mkdtemp(prefix="linli-triage-bench-")
    os.environ["LINLI_VAR_DIR"] = var
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    created = None
    if args.reuse:
        os.environ["DATABASE_URL"] = args.reuse
    elif args.backend == "postgresql":
        created = f"linli_triage_{os.getpid()}"
        psql(f"CREATE DATABASE {created}")
        os.environ["DATABASE_URL"] = f"{PG}/{created}"
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    try:
        if not args.reuse:
            fill(args.residents)
        measure(args.rounds, args.texts)
    finally:
        from django.db import connections

        connections.close_all()
        if created and not args.keep:
            psql(f"DROP DATABASE IF EXISTS {created}")
        elif created:
            print(f"kept: --reuse {PG}/{created}")


if __name__ == "__main__":
    main()
