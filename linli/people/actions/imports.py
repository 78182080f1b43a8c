"""Roster imports: start one (store the upload, queue the work), run it, confirm a checked one."""

import shutil
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from linli.core.models import Community, User
from linli.people.importer import Importer, apply_changes, clear_rows
from linli.people.importer import count_rows as count_file_rows
from linli.people.models import ResidentImport
from linli.people.policy import IMPORTS

SUFFIXES = (".xlsx", ".csv")


# A running import reports its progress at least every few seconds; one silent for this long
# has lost its worker (killed, machine restarted) and will never finish.
STALLED_AFTER = timedelta(minutes=10)


def progress_key(record_id: int) -> str:
    return f"import-progress-{record_id}"


def heartbeat_key(record_id: int) -> str:
    return f"import-heartbeat-{record_id}"


def report_progress(record_id: int, rows: int) -> None:
    cache.set_many(
        {progress_key(record_id): rows, heartbeat_key(record_id): timezone.now().timestamp()},
        3600,
    )


STALLED_MESSAGE = _("The import stopped (its worker was stopped); nothing was imported.")
# Statuses of an import at work; an import stopped in the first two has published nothing.
AT_WORK = (ResidentImport.Status.RUNNING, ResidentImport.Status.WRITING)


def is_stalled(record: ResidentImport) -> bool:
    """Whether an import's worker has gone quiet (a read: nothing is written)."""
    if record.status not in (*AT_WORK, ResidentImport.Status.APPLYING):
        return False
    beat = cache.get(heartbeat_key(record.pk))
    last = float(beat) if beat is not None else record.created_at.timestamp()
    return timezone.now().timestamp() - last >= STALLED_AFTER.total_seconds()


def as_seen(record: ResidentImport) -> ResidentImport:
    """The record as its page shows it: a stalled import already as stopped, although only the
    worker's every-minute round writes that down (a page read writes nothing)."""
    if record.status in AT_WORK and is_stalled(record):
        record.status = ResidentImport.Status.CRASHED
        record.message = str(STALLED_MESSAGE)
    return record


def do_give_up_stalled_imports(only: ResidentImport | None = None) -> int:
    """Mark as crashed the imports at work (all of them, or `only` this one) whose worker has
    gone quiet before they published anything: their rows were never seen, and
    `do_clear_crashed_imports` deletes those written. A published import whose worker stopped
    while it applied its changes is resumed instead."""
    at_work = ResidentImport.objects.filter(status__in=AT_WORK)
    if only is not None:
        at_work = at_work.filter(pk=only.pk)
    given_up = 0
    for record in at_work:
        if not is_stalled(record):
            continue
        given_up += ResidentImport.objects.filter(pk=record.pk, status=record.status).update(
            status=ResidentImport.Status.CRASHED,
            message=STALLED_MESSAGE,
            finished_at=timezone.now(),
        )
    if only is None:
        for record in ResidentImport.objects.filter(status=ResidentImport.Status.APPLYING):
            if is_stalled(record):
                report_progress(record.pk, record.rows_done)
                apply_changes(record.pk, record.uploaded_by)
    return given_up


def do_clear_crashed_imports() -> int:
    """Delete the rows that imports stopped before publishing had written (nobody ever saw
    them), in short transactions; the rows deleted."""
    crashed = ResidentImport.objects.filter(status=ResidentImport.Status.CRASHED)
    return sum(clear_rows(pk) for pk in crashed.values_list("pk", flat=True))


def do_delete_old_uploads(now: datetime | None = None) -> int:
    """Delete the uploaded files of imports finished more than IMPORT_KEEP_DAYS ago (the record
    and its report stay); a checked roster can then no longer be confirmed: check it again."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.IMPORT_KEEP_DAYS)
    old = ResidentImport.objects.filter(finished_at__lt=cutoff).exclude(stored_path="")
    deleted = 0
    for record in old:
        Path(record.stored_path).unlink(missing_ok=True)
        ResidentImport.objects.filter(pk=record.pk).update(stored_path="")
        deleted += 1
    return deleted


def rows_done(record: ResidentImport) -> int:
    """Rows checked so far: from the shared cache while running, from the record afterwards."""
    if record.status in AT_WORK:
        return int(cache.get(progress_key(record.pk), 0))
    return record.rows_done


def _stored_path(record: ResidentImport, suffix: str) -> Path:
    directory = Path(settings.IMPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"{record.pk}-{uuid.uuid4().hex}{suffix}"


@transaction.atomic
def do_start_resident_import(
    community: Community,
    *,
    actor: User,
    uploaded: UploadedFile[bytes],
    dry_run: bool,
    language: str = "zh-hans",
) -> ResidentImport:
    """Keep the uploaded roster and queue its import (or its check, when `dry_run`)."""
    IMPORTS.check_create(actor, community)
    name = uploaded.name or "roster"
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError({"file": _("a roster is an .xlsx or .csv file")})
    if (uploaded.size or 0) > settings.IMPORT_MAX_MB * 1024 * 1024:
        raise ValidationError(
            {"file": _("the file is larger than %(mb)s MB") % {"mb": settings.IMPORT_MAX_MB}}
        )
    record = ResidentImport.objects.create(
        community=community,
        uploaded_by=actor,
        file_name=name[:255],
        dry_run=dry_run,
        language=language,
    )
    path = _stored_path(record, suffix)
    with path.open("wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    record.stored_path = str(path)
    record.save(update_fields=["stored_path"])
    _enqueue_on_commit(record)
    return record


@transaction.atomic
def do_confirm_resident_import(checked: ResidentImport, *, actor: User) -> ResidentImport:
    """Import for real a roster whose check passed."""
    IMPORTS.check(actor, checked, "confirm")
    if checked.status != ResidentImport.Status.CHECKED:
        raise ValidationError(_("only a roster whose check passed can be imported"))
    if not checked.stored_path or not Path(checked.stored_path).exists():
        raise ValidationError(_("this check is too old and its file is deleted: upload it again"))
    record = ResidentImport.objects.create(
        community=checked.community,
        uploaded_by=actor,
        file_name=checked.file_name,
        dry_run=False,
        language=checked.language,
    )
    path = _stored_path(record, Path(checked.stored_path).suffix)
    shutil.copyfile(checked.stored_path, path)
    record.stored_path = str(path)
    record.save(update_fields=["stored_path"])
    _enqueue_on_commit(record)
    return record


def _enqueue_on_commit(record: ResidentImport) -> None:
    from linli.people.tasks import run_resident_import

    pk = record.pk
    transaction.on_commit(lambda: run_resident_import.enqueue(pk))


def do_import_file(
    community: Community,
    *,
    actor: User,
    path: Path,
    dry_run: bool,
    language: str = "zh-hans",
    progress: Callable[[int], None] | None = None,
) -> ResidentImport:
    """Import a roster file at once (the command line's way): it leaves an import record as
    an upload does, and runs through the same steps, all or nothing."""
    IMPORTS.check_create(actor, community)
    if path.suffix.lower() not in SUFFIXES:
        raise ValidationError({"file": _("a roster is an .xlsx or .csv file")})
    if not path.is_file():
        raise ValidationError({"file": _("no such file")})
    record = ResidentImport.objects.create(
        community=community,
        uploaded_by=actor,
        file_name=path.name[:255],
        dry_run=dry_run,
        language=language,
        stored_path=str(path.resolve()),
    )
    # No count beforehand: a second pass over a million rows, for a progress bar nobody sees.
    record = do_run_resident_import(record, progress=progress, count_first=False)
    # The file is the operator's own, not an upload: never ours to keep or to delete.
    ResidentImport.objects.filter(pk=record.pk).update(stored_path="")
    record.stored_path = ""
    return record


def _progress(record_id: int, rows: int, also: Callable[[int], None] | None) -> None:
    report_progress(record_id, rows)
    if also is not None:
        also(rows)


def do_run_resident_import(
    record: ResidentImport,
    *,
    progress: Callable[[int], None] | None = None,
    count_first: bool = True,
) -> ResidentImport:
    """Run a queued import: checked, written unseen, published in one step (all or nothing as
    anyone sees it, `linli.people.importer`)."""
    claimed = ResidentImport.objects.filter(
        pk=record.pk, status=ResidentImport.Status.PENDING
    ).update(status=ResidentImport.Status.RUNNING)
    if not claimed:  # another worker has it, or it already ran
        record.refresh_from_db()
        return record
    record.status = ResidentImport.Status.RUNNING
    path = Path(record.stored_path)
    report_progress(record.pk, 0)
    if count_first:
        record.rows_total = count_file_rows(path) or 0
        record.save(update_fields=["rows_total"])
    importer = Importer(
        record.community,
        record.uploaded_by,
        dry_run=record.dry_run,
        record=record,
        progress=lambda n: _progress(record.pk, n, progress),
    )
    try:
        with translation.override(record.language):
            outcome = importer.run(path)
    except Exception as exc:
        # Published already (stopped while applying its changes), it stays so, to be resumed.
        ResidentImport.objects.filter(pk=record.pk, status__in=AT_WORK).update(
            status=ResidentImport.Status.CRASHED, finished_at=timezone.now()
        )
        ResidentImport.objects.filter(pk=record.pk).update(
            message=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    if outcome.committed:
        record.status = ResidentImport.Status.DONE
    elif outcome.error_count:
        record.status = ResidentImport.Status.FAILED
    else:
        record.status = ResidentImport.Status.CHECKED
    record.rows_done = outcome.rows
    record.rows_total = max(record.rows_total, outcome.rows)
    record.created, record.updated, record.unchanged = (
        outcome.created,
        outcome.updated,
        outcome.unchanged,
    )
    record.error_count = outcome.error_count
    record.errors = [e.as_list() for e in outcome.errors]
    record.warnings = outcome.warnings
    record.changes = outcome.changes
    record.finished_at = timezone.now()
    record.save()
    cache.delete_many([progress_key(record.pk), heartbeat_key(record.pk)])
    return record
