"""Uploads within limits: a workbook that unpacks to a bomb is refused before it is read, a
row, a column or a cell too many is refused naming the row, and the error report quotes only
excerpts and keeps a bounded number of errors."""

import io
import resource
import zipfile
from pathlib import Path

import pytest
from django.conf import LazySettings
from openpyxl import load_workbook

from linli.core.models import Community, User
from linli.people.importer import MAX_ERRORS_KEPT, Importer, error_report_xlsx
from linli.people.models import Resident
from tests.people.rosters import GOOD, HEADER, make_compound, write_csv, write_xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def run(community: Community, user: User, path: Path):  # type: ignore[no-untyped-def]
    return Importer(community, user).run(path)


def bomb(path: Path, megabytes: int) -> Path:
    """A real workbook whose shared strings unpack to `megabytes` (it zips to a few hundred KB)."""
    write_xlsx(path.with_suffix(".seed.xlsx"), GOOD)
    with zipfile.ZipFile(path.with_suffix(".seed.xlsx")) as seed:
        parts = {name: seed.read(name) for name in seed.namelist()}
    filler = "<si><t>" + "A" * 1000 + "</t></si>"
    count = megabytes * 1024 * 1024 // len(filler)
    parts["xl/sharedStrings.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main" count="{count}" uniqueCount="{count}">'
        + filler * count
        + "</sst>"
    ).encode()
    if b"sharedStrings" not in parts["[Content_Types].xml"]:  # so that a reader reads them
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return path


def test_a_shared_strings_bomb_is_refused_before_it_is_read(
    tmp_path: Path, community_a: Community, worker_a: User, settings: LazySettings
) -> None:
    settings.LINLI_UPLOAD_LIMITS = {"strings_mb": 20}
    make_compound(community_a)
    path = bomb(tmp_path / "bomb.xlsx", 60)
    assert path.stat().st_size < 2 * 1024 * 1024  # a small upload …
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    outcome = run(community_a, worker_a, path)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert not outcome.committed and outcome.error_count == 1
    assert "text unpacks to 59 MB, more than 20 MB" in outcome.errors[0].reason
    assert grown_mb < 50  # … never unpacked into memory
    assert not Resident.objects.exists()


def test_a_file_that_is_no_workbook_is_refused_with_a_message(
    tmp_path: Path, community_a: Community, worker_a: User
) -> None:
    make_compound(community_a)
    fake = tmp_path / "roster.xlsx"
    fake.write_text("姓名,性别\n张三,男\n")
    outcome = run(community_a, worker_a, fake)
    assert [(e.row, e.reason) for e in outcome.errors] == [
        (1, "the file is not an Excel workbook (.xlsx): save it as .xlsx")
    ]


def test_a_csv_cell_beyond_the_limit_is_refused_naming_the_row(
    tmp_path: Path, community_a: Community, worker_a: User
) -> None:
    make_compound(community_a)
    long_note = [*GOOD[0][:-1], "备" * 131_072]
    outcome = run(community_a, worker_a, write_csv(tmp_path / "r.csv", [GOOD[1], long_note]))
    assert outcome.error_count == 1 and not outcome.committed
    assert outcome.errors[0].reason.startswith("row 3")
    assert len(outcome.errors[0].reason) < 200


def test_too_many_rows_or_columns_are_refused(
    tmp_path: Path, community_a: Community, worker_a: User, settings: LazySettings
) -> None:
    make_compound(community_a)
    settings.LINLI_UPLOAD_LIMITS = {"rows": 2}
    outcome = run(community_a, worker_a, write_xlsx(tmp_path / "r.xlsx", GOOD))
    assert "more than 2 rows" in outcome.errors[0].reason
    settings.LINLI_UPLOAD_LIMITS = {"columns": 5}
    outcome = run(community_a, worker_a, write_xlsx(tmp_path / "w.xlsx", GOOD))
    assert "row 1 has" in outcome.errors[0].reason and len(HEADER) > 5
    assert not Resident.objects.exists()


def test_error_reasons_quote_an_excerpt_and_the_report_counts_what_it_leaves_out(
    tmp_path: Path, community_a: Community, worker_a: User
) -> None:
    make_compound(community_a)
    hostile = "坏" * 1500
    bad = [[*row[:1], hostile, *row[2:]] for row in GOOD]  # a 1,500-character sex
    many = bad * (MAX_ERRORS_KEPT // len(bad) + 50)
    rows = [[f"{r[0]}{n}", *r[1:3], "", *r[4:]] for n, r in enumerate(many)]
    outcome = run(community_a, worker_a, write_csv(tmp_path / "r.csv", rows))
    assert outcome.error_count > MAX_ERRORS_KEPT == len(outcome.errors)
    assert max(len(e.reason) for e in outcome.errors) < 250
    sheet = load_workbook(io.BytesIO(error_report_xlsx(outcome.errors, outcome.error_count))).active
    assert sheet is not None
    last = [c.value for c in list(sheet.iter_rows())[-1]]
    assert f"{outcome.error_count - MAX_ERRORS_KEPT} more errors" in str(last[2])
