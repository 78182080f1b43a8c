"""Uploaded spreadsheets, read within limits: a roster may be large, but not a bomb.

An xlsx file is a zip: 2 MB of it can unpack to a gigabyte of shared strings, which openpyxl
holds in memory whole. So before a workbook is opened its parts are measured, and as its rows
stream in, each is held to a number of rows, columns and characters a cell. Every refusal is a
`ValueError` subclass with a message naming what is too large (and the row, when there is one).
"""

import csv
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from linli.lib.validation import excerpt

__all__ = ["Limits", "Refused", "csv_rows", "excerpt", "xlsx_rows", "xlsx_rows_fast"]

MB = 1024 * 1024


class Refused(ValueError):
    """An upload that is not read: too large, or not what it claims to be."""


@dataclass(frozen=True)
class Limits:
    unzipped_mb: int = 2000  # all parts of a workbook, unpacked (the sheets are streamed)
    strings_mb: int = 200  # its shared strings, which are read into memory whole
    rows: int = 2_000_000
    columns: int = 100
    cell_chars: int = 2000

    @classmethod
    def configured(cls) -> "Limits":
        given = getattr(settings, "LINLI_UPLOAD_LIMITS", {})
        return cls(**{**cls().__dict__, **given})


def check_workbook(source: Path | IO[bytes], limits: Limits) -> None:
    """Refuse a file that is not an xlsx workbook, or one that unpacks to more than the limits."""
    try:
        with zipfile.ZipFile(source) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise Refused(_("the file is not an Excel workbook (.xlsx): save it as .xlsx")) from None
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    names = {part.filename for part in parts}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise Refused(_("the file is not an Excel workbook (.xlsx): save it as .xlsx"))
    unzipped = sum(part.file_size for part in parts)
    if unzipped > limits.unzipped_mb * MB:
        raise Refused(
            _("the workbook unpacks to %(size)s MB, more than %(limit)s MB")
            % {"size": unzipped // MB, "limit": limits.unzipped_mb}
        )
    strings = sum(p.file_size for p in parts if p.filename.lower().endswith("sharedstrings.xml"))
    if strings > limits.strings_mb * MB:
        raise Refused(
            _(
                "the workbook's text unpacks to %(size)s MB, more than %(limit)s MB: split the "
                "roster into several files"
            )
            % {"size": strings // MB, "limit": limits.strings_mb}
        )


def _held(rows: Iterator[list[object]], limits: Limits) -> Iterator[list[object]]:
    for number, values in enumerate(rows, start=1):
        if number > limits.rows + 1:  # the header and `rows` data rows
            raise Refused(
                _("the file has more than %(limit)s rows: split it into several files")
                % {"limit": f"{limits.rows:,}"}
            )
        while values and values[-1] in (None, ""):
            values.pop()  # a sheet formatted far to the right is not a wide sheet
        if len(values) > limits.columns:
            raise Refused(
                _("row %(row)s has %(n)s columns, more than %(limit)s")
                % {"row": number, "n": len(values), "limit": limits.columns}
            )
        for index, value in enumerate(values):
            if isinstance(value, str) and len(value) > limits.cell_chars:
                raise Refused(
                    _("row %(row)s, column %(column)s holds %(n)s characters, more than %(limit)s")
                    % {"row": number, "column": index + 1, "n": f"{len(value):,}",
                       "limit": f"{limits.cell_chars:,}"}
                )  # fmt: skip
        yield values


def xlsx_rows(source: Path | IO[bytes], limits: Limits | None = None) -> Iterator[list[object]]:
    """Rows of the first sheet of a workbook as lists of cell values, header first, streamed
    within `limits`."""
    limits = limits or Limits.configured()
    check_workbook(source, limits)
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise Refused(
            _("the workbook cannot be read: open it in Excel and save it again")
        ) from None
    try:
        sheet = workbook.worksheets[0]
        yield from _held((list(v) for v in sheet.iter_rows(values_only=True)), limits)
    finally:
        workbook.close()


def _plain(values: Sequence[object]) -> list[object]:
    """calamine's cell values as openpyxl gives them: a whole number is an int (楼号 3, not
    3.0)."""
    return [int(v) if isinstance(v, float) and v.is_integer() else v for v in values]


def xlsx_rows_fast(source: Path | IO[bytes], limits: Limits) -> Iterator[list[object]]:
    """As `xlsx_rows`, read by calamine (Rust), several times faster than openpyxl, for a list
    that must go in while someone waits (the city's list of travellers). The sheet is held in
    memory whole: `limits` (checked before it is read) must be a list's, not a register's."""
    check_workbook(source, limits)
    try:
        if isinstance(source, Path):
            workbook = CalamineWorkbook.from_path(str(source))
        else:
            workbook = CalamineWorkbook.from_filelike(source)
        rows = workbook.get_sheet_by_index(0).iter_rows()
    except Exception:  # calamine raises its own kinds for a damaged file
        raise Refused(
            _("the workbook cannot be read: open it in Excel and save it again")
        ) from None
    yield from _held((_plain(r) for r in rows), limits)


def csv_rows(path: Path, encoding: str, limits: Limits | None = None) -> Iterator[list[object]]:
    """Rows of a csv file, streamed within `limits`."""
    limits = limits or Limits.configured()
    csv.field_size_limit(max(limits.cell_chars + 1, 1024))
    with path.open(encoding=encoding, newline="") as f:
        reader = csv.reader(f)
        rows: Iterator[list[object]] = iter(reader)  # type: ignore[arg-type]
        try:
            yield from _held(rows, limits)
        except csv.Error:
            raise Refused(
                _("row %(row)s holds a cell longer than %(limit)s characters, or is not csv")
                % {"row": reader.line_num, "limit": f"{limits.cell_chars:,}"}
            ) from None
