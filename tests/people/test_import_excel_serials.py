"""A birth date Excel kept as its date serial number (16138 in a column formatted General: a
number cell in the xlsx, the text 16138 in its csv) is read as Excel's date, checked against the
identity number as any date is, and the preview says which rows were read so."""

from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

from linli.core.models import Community, User
from linli.people.importer import Importer, Outcome
from linli.people.models import Resident
from tests.people.list_factories import in_english
from tests.people.rosters import make_compound, write_csv, write_xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADER = ["姓名", "性别", "身份证号", "出生日期", "楼号", "单元", "室号"]
SERIAL = 16138  # Excel's serial of 1944-03-07
BORN_1944 = "310101194403070023"  # born 1944-03-07
BORN_1950 = "31010119500321001X"  # born 1950-03-21


@pytest.fixture
def place(community_a: Community) -> Community:
    make_compound(community_a)
    return community_a


def roster(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    """An xlsx (a number stays a number cell, formatted General) or the csv Excel saves of it."""
    if path.suffix == ".csv":
        return write_csv(path, [[str(v) for v in row] for row in rows], HEADER)
    return write_xlsx(path, rows, HEADER)


def run(community: Community, user: User, path: Path, *, dry_run: bool = False) -> Outcome:
    return Importer(community, user, dry_run=dry_run).run(path)


def born(name: str) -> date | None:
    return Resident.objects.get(name=name).date_of_birth


def test_a_serial_in_a_general_number_cell_is_read_as_that_date(
    place: Community, worker_a: User, tmp_path: Path
) -> None:
    path = roster(
        tmp_path / "r.xlsx",
        [
            ["陈静", "女", "", SERIAL, "3", "1", "502"],  # a tenant: no identity number
            ["李秀英", "女", BORN_1944, SERIAL, "3", "1", "503"],  # the number agrees
        ],
    )
    cell = load_workbook(path)["Sheet"]["D2"]
    assert (cell.data_type, cell.number_format, cell.value) == ("n", "General", SERIAL)

    outcome = run(place, worker_a, path)

    assert outcome.committed, outcome.errors
    assert born("陈静") == born("李秀英") == date(1944, 3, 7)
    # Excel's own reading (its 1900 system counts a 1900-02-29 that never was, so the naive
    # count of days since 1899-12-31 is a day late).
    assert from_excel(SERIAL).date() == date(1944, 3, 7)
    assert date(1899, 12, 31) + timedelta(days=SERIAL) == date(1944, 3, 8)


def test_a_serial_in_a_csv_is_read_as_that_date(
    place: Community, worker_a: User, tmp_path: Path
) -> None:
    path = roster(tmp_path / "r.csv", [["陈静", "女", "", SERIAL, "3", "1", "502"]])
    assert "\n陈静,女,,16138," in path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")

    outcome = run(place, worker_a, path)

    assert outcome.committed, outcome.errors
    assert born("陈静") == date(1944, 3, 7)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_serial_the_identity_number_contradicts_is_refused_naming_the_row(
    place: Community, worker_a: User, tmp_path: Path, suffix: str
) -> None:
    path = roster(
        tmp_path / f"r{suffix}",
        [
            ["陈静", "女", "", SERIAL, "3", "1", "502"],
            ["王建国", "男", BORN_1950, SERIAL, "3", "1", "503"],
        ],
    )

    outcome = run(place, worker_a, path)

    assert [(e.row, e.column) for e in outcome.errors] == [(3, "出生日期")]
    reason = outcome.errors[0].reason
    assert "16138" in reason and "1944-03-07" in reason and "1950-03-21" in reason
    assert not Resident.objects.exists()


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_an_eight_digit_date_is_still_read_as_year_month_day(
    place: Community, worker_a: User, tmp_path: Path, suffix: str
) -> None:
    path = roster(
        tmp_path / f"r{suffix}",
        [
            ["王建国", "男", BORN_1950, 19500321, "3", "1", "502"],  # a number cell in the xlsx
            ["陈静", "女", "", SERIAL, "3", "1", "503"],
        ],
    )

    outcome = run(place, worker_a, path)

    assert outcome.committed, outcome.errors
    assert (born("王建国"), born("陈静")) == (date(1950, 3, 21), date(1944, 3, 7))
    (warning,) = [w for w in outcome.warnings if "serial" in w]
    assert "rows 3:" in warning  # row 2 was a date written out, not a serial


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ("16138 号", "16138 号"),  # garbage
        ("1944-3-7日", "1944-3-7日"),
        (60, "60"),  # Excel's 1900-02-29, a day that never was
        (85, "85"),  # an age in the wrong column
        (1944, "1944"),  # a year alone
        ("016138", "0161-03-08"),  # typed as text: yyyymmdd, as before, and impossible
        ("tomorrow", "tomorrow"),  # Excel's serial of tomorrow, put in below
    ],
)
def test_what_is_no_date_is_still_refused_naming_the_row_while_serials_are_read(
    place: Community, worker_a: User, tmp_path: Path, suffix: str, value: object, quoted: str
) -> None:
    if value == "tomorrow":
        tomorrow = timezone.localdate() + timedelta(days=1)
        value = (tomorrow - date(1899, 12, 30)).days
        assert from_excel(value).date() == tomorrow
        quoted = str(value)
    path = roster(
        tmp_path / f"r{suffix}",
        [
            ["陈静", "女", "", SERIAL, "3", "1", "502"],
            ["张三", "男", "", value, "3", "1", "503"],
        ],
    )

    outcome = run(place, worker_a, path)

    assert [(e.row, e.column) for e in outcome.errors] == [(3, "出生日期")]
    assert quoted in outcome.errors[0].reason
    assert not Resident.objects.exists()


def test_the_preview_names_the_rows_read_from_serials(
    place: Community, worker_a: User, tmp_path: Path
) -> None:
    path = roster(
        tmp_path / "r.xlsx",
        [
            ["陈静", "女", "", SERIAL, "3", "1", "502"],
            ["王建国", "男", BORN_1950, "1950-03-21", "3", "1", "503"],
            ["李秀英", "女", BORN_1944, SERIAL, "3", "1", "601"],
        ],
    )

    preview = run(place, worker_a, path, dry_run=True)

    assert not preview.errors
    (warning,) = [w for w in preview.warnings if "serial" in w]
    assert warning.startswith("rows 2、4:") and "“出生日期”" in warning
    assert warning.endswith("(row 2: 16138 is 1944-03-07)")
    assert not Resident.objects.exists()


@pytest.fixture
def upload(client: Client, django_capture_on_commit_callbacks: Any) -> Any:
    """Check a roster on the import page; the task queued on commit runs right away."""

    def post(path: Path) -> Any:
        data = {"file": SimpleUploadedFile(path.name, path.read_bytes()), "dry_run": "on"}
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("people:import-start"), data)
        assert response.status_code == 302
        return client.get(response["Location"])

    return post


def test_the_import_page_says_the_birth_dates_were_read_from_serials(
    place: Community, worker_a: User, tmp_path: Path, client: Client, upload: Any
) -> None:
    client.force_login(worker_a)
    in_english(client)

    page = upload(roster(tmp_path / "r.xlsx", [["陈静", "女", "", SERIAL, "3", "1", "502"]]))

    body = page.content.decode()
    assert 'data-testid="import-warnings"' in body and 'data-testid="import-errors"' not in body
    assert (
        "rows 2: the birth date in column “出生日期” was an Excel date serial number"
        " and was read as a date (row 2: 16138 is 1944-03-07)"
    ) in body
