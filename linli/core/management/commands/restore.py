from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from linli.core.backup import VENDOR_NAMES, BackupError, do_restore, human_size


class Command(BaseCommand):
    help = (
        "Replace the whole database with a backup made by `linli backup`, and verify it against "
        "the backup's manifest. `linli restore FILE --yes`."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="a backup file made by `linli backup`")
        parser.add_argument(
            "--yes", action="store_true", help="yes, replace every row of the database"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if not opts["yes"]:
            raise CommandError(
                "restore replaces ALL data in the database with the backup's, and what was "
                "written since the backup is lost. Run again with --yes to do it."
            )
        try:
            result = do_restore(opts["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        verified = (
            "verified against the manifest"
            if result.verified
            else "NOT verified: no manifest beside the backup"
        )
        self.stdout.write(
            f"Restored {result.path} ({human_size(result.size)}) into the "
            f"{VENDOR_NAMES[result.vendor]} database {result.database}: {result.tables} tables, "
            f"{result.rows} rows; {verified}."
        )
