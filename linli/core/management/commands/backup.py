from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from linli.core.backup import VENDOR_NAMES, BackupError, do_backup, human_size


class Command(BaseCommand):
    help = (
        "Back up the whole database to one file, with a manifest beside it (FILE.json); "
        "safe while Linli runs. `linli backup [--output FILE]`."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            help="backup file (default: var/backups/linli-<database>-<UTC time>.<sqlite3|dump>)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            result = do_backup(opts["output"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Backed up the {VENDOR_NAMES[result.vendor]} database to {result.path} "
            f"({human_size(result.size)}): {result.tables} tables, {result.rows} rows."
        )
        self.stdout.write(f"Manifest: {result.manifest}")
