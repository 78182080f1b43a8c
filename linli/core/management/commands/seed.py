import json
import time
import unicodedata
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from linli.core.seeding import seed


def display_width(text: str) -> int:
    """Columns a terminal gives `text`: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


class Command(BaseCommand):
    help = "Seed deterministic demo data: streets, communities, households, residents and users."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--streets", type=int, default=1)
        parser.add_argument("--communities", type=int, default=2, help="communities per street")
        parser.add_argument("--residents", type=int, default=2000, help="residents in all")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--password", help="password of every demo user (default: random)")
        parser.add_argument("--foreign-share", type=float, default=0.02)
        parser.add_argument("--reset", action="store_true", help="replace existing demo data")
        parser.add_argument("--json", action="store_true", help="print the logins as JSON")

    def handle(self, *args: Any, **opts: Any) -> None:
        for name in ("streets", "communities"):
            if opts[name] < 1:
                raise CommandError(f"--{name} must be at least 1")
        if opts["residents"] < 0:
            raise CommandError("--residents must not be negative")
        if not 0 <= opts["foreign_share"] <= 1:
            raise CommandError("--foreign-share must be between 0 and 1")
        started = time.monotonic()
        try:
            result = seed(
                streets=opts["streets"],
                communities=opts["communities"],
                residents=opts["residents"],
                seed=opts["seed"],
                password=opts["password"],
                foreign_share=opts["foreign_share"],
                reset=opts["reset"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        if opts["json"]:
            payload = {
                "password": result.password,
                "logins": result.logins,
                "counts": result.counts,
                "seconds": round(elapsed, 2),
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        counts = ", ".join(f"{v} {k}" for k, v in result.counts.items())
        self.stdout.write(f"Seeded {counts} in {elapsed:.1f} s.")
        self.stdout.write(f"Every demo user's password: {result.password}\n")
        width = max(display_width(login["area"]) for login in result.logins) + 2
        width = max(width, len("community / street") + 1)
        self.stdout.write(f"{'role':<12} {pad('community / street', width)} username")
        for login in result.logins:
            self.stdout.write(
                f"{login['role']:<12} {pad(login['area'], width)} {login['username']}"
            )
