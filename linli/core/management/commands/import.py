import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from linli.core.models import Community, User
from linli.people.importer import Importer


class Command(BaseCommand):
    help = "Import a roster: `linli import residents FILE --community CODE [--dry-run]`."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=["residents"])
        parser.add_argument("file", type=Path)
        parser.add_argument("--community", required=True, help="community code")
        parser.add_argument("--user", default="admin", help="who the import is recorded as")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        try:
            community = Community.objects.get(code=opts["community"])
        except Community.DoesNotExist:
            raise CommandError(f"no community with code {opts['community']}") from None
        try:
            actor = User.objects.get(username=opts["user"])
        except User.DoesNotExist:
            raise CommandError(f"no user {opts['user']}") from None

        def progress(rows: int) -> None:
            if rows % 100_000 == 0:
                self.stderr.write(f"  {rows} rows checked")

        outcome = Importer(community, actor, dry_run=opts["dry_run"], progress=progress).run(path)
        for error in outcome.errors[:200]:
            self.stdout.write(f"row {error.row}, {error.column}: {error.reason}")
        if outcome.error_count > 200:
            self.stdout.write(f"… and {outcome.error_count - 200} more errors")
        verb = "imported" if outcome.committed else "nothing imported"
        self.stdout.write(
            f"{outcome.rows} rows: {outcome.created} new, {outcome.updated} updated, "
            f"{outcome.unchanged} unchanged, {outcome.error_count} errors; {verb}."
        )
        if outcome.error_count:
            sys.exit(1)
