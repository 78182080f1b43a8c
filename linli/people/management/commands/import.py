import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from linli.core.models import Community, User
from linli.people.actions.imports import do_import_file
from linli.people.models import ResidentImport

SHOWN_ERRORS = 200


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
            if rows and rows % 100_000 == 0:
                self.stderr.write(f"  {rows} rows checked")

        try:
            record = do_import_file(
                community, actor=actor, path=path, dry_run=opts["dry_run"], progress=progress
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        for row, column, reason in record.errors[:SHOWN_ERRORS]:
            self.stdout.write(f"row {row}, {column}: {reason}")
        if record.error_count > SHOWN_ERRORS:
            self.stdout.write(f"… and {record.error_count - SHOWN_ERRORS} more errors")
        for warning in record.warnings:
            self.stdout.write(f"warning: {warning}")
        verb = "imported" if record.status == ResidentImport.Status.DONE else "nothing imported"
        self.stdout.write(
            f"{record.rows_done} rows: {record.created} new, {record.updated} updated, "
            f"{record.unchanged} unchanged, {record.error_count} errors; {verb} "
            f"(import #{record.pk})."
        )
        if record.error_count:
            sys.exit(1)
