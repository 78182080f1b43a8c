"""What Linli keeps on disk is its owner's alone, and uploaded rosters do not stay for ever."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.utils import timezone

from linli.core.models import Community, User
from linli.people.actions.imports import do_delete_old_uploads
from linli.people.models import ResidentImport


def test_var_and_every_file_in_it_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("LINLI_SECRET_KEY", "DATABASE_URL")}
    env.update(LINLI_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="linli.settings")
    code = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('migrate', verbosity=0); "
        "from django.conf import settings; p = settings.IMPORT_DIR; p.mkdir(exist_ok=True); "
        "(p / 'roster.xlsx').write_bytes(b'x')"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    assert var.stat().st_mode & 0o777 == 0o700
    for path in [var / "linli.sqlite3", var / "secret_key", var / "imports" / "roster.xlsx"]:
        assert path.stat().st_mode & 0o077 == 0, path


@pytest.mark.django_db
def test_uploads_are_deleted_some_days_after_their_import_finished(
    tmp_path: Path, community_a: Community, worker_a: User, settings: LazySettings
) -> None:
    settings.IMPORT_KEEP_DAYS = 7
    now = timezone.now()
    kept, old, running = (tmp_path / f"{n}.xlsx" for n in ("kept", "old", "running"))
    for path in (kept, old, running):
        path.write_bytes(b"roster")
    for path, finished, status in (
        (kept, now - timedelta(days=6), ResidentImport.Status.CHECKED),
        (old, now - timedelta(days=8), ResidentImport.Status.FAILED),
        (running, None, ResidentImport.Status.RUNNING),
    ):
        ResidentImport.objects.create(
            community=community_a, uploaded_by=worker_a, file_name=path.name,
            stored_path=str(path), status=status, finished_at=finished,
        )  # fmt: skip
    assert do_delete_old_uploads(now) == 1
    assert kept.exists() and running.exists() and not old.exists()
    assert ResidentImport.objects.get(file_name="old.xlsx").stored_path == ""
