"""Excel downloads: a write-only workbook streamed to the browser from a temporary file."""

import tempfile

from django.http import FileResponse
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(workbook: Workbook, filename: str) -> FileResponse:
    """Save a write-only workbook into a temporary file and stream that file to the browser."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes, and so deletes, it)
    try:
        workbook.save(spool)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX)
