"""Thousands of rows in and out fast: calamine's reading of a workbook within the upload limits,
and the COPY (PostgreSQL) or executemany (SQLite) of new rows with their keys reserved."""

from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import Workbook

from linli.core.models import Community, Team
from linli.lib.sql import copy_rows, copy_values, reserve_pks
from linli.lib.uploads import Limits, Refused, xlsx_rows, xlsx_rows_fast
from tests.factories import make_area

NAIVE = datetime(2026, 12, 2, 14, 30)  # noqa: DTZ001 - a workbook holds local times, no zone
MIDNIGHT = datetime(2026, 12, 3)  # noqa: DTZ001


def _book(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_calamine_reads_a_workbook_as_openpyxl_does(tmp_path: Path) -> None:
    path = _book(tmp_path / "a.xlsx", [
        ["楼号", "电话", "到达", "体温", "备注"],
        [3, 13812345678, NAIVE, 36.6, "  x "],
        [12, "+447700900123", MIDNIGHT, 37, None],
    ])  # fmt: skip
    fast = list(xlsx_rows_fast(path, Limits()))
    assert fast[1][:4] == [3, 13812345678, NAIVE, 36.6]
    assert fast[2][0] == 12 and fast[2][3] == 37  # whole numbers are ints, as openpyxl gives
    slow = list(xlsx_rows(path, Limits()))
    assert [r[:2] for r in fast] == [r[:2] for r in slow]
    # A midnight date-and-time: calamine may give a date; the callers take both.
    assert fast[2][2] in (MIDNIGHT, date(2026, 12, 3))
    with path.open("rb") as f:  # an upload, not a path
        assert list(xlsx_rows_fast(BytesIO(f.read()), Limits()))[1][0] == 3


def test_calamine_keeps_to_the_limits_and_refuses_what_is_no_workbook(tmp_path: Path) -> None:
    wide = _book(tmp_path / "w.xlsx", [list(range(30))])
    with pytest.raises(Refused, match="30"):
        list(xlsx_rows_fast(wide, Limits(columns=20)))
    with pytest.raises(Refused):
        list(xlsx_rows_fast(BytesIO(b"PK\x03\x04 not really"), Limits()))


@pytest.mark.django_db
def test_copied_rows_go_in_whole_with_their_reserved_keys() -> None:
    community = make_area()
    keys = reserve_pks(Team, 3)
    assert len(set(keys)) == 3
    teams = [Team(pk=pk, community=community, name=f"组{pk}") for pk in keys]
    copy_rows(teams)
    assert sorted(Team.objects.values_list("pk", flat=True)) == sorted(keys)
    copy_values(
        Team, ["community_id", "name"], [(community.pk, "第四组"), (community.pk, "第五组")]
    )
    assert Team.objects.filter(community=community).count() == 5
    assert set(reserve_pks(Team, 2)).isdisjoint(Team.objects.values_list("pk", flat=True))
    # Values of every kind the lists write: text, dates and aware times, booleans, keys.
    when = timezone.now()
    copy_values(Community, ["street_id", "name", "code", "time_zone", "residents_need_identity"],
                [(community.street_id, "新社区", "NEW1", "Asia/Shanghai", True)])  # fmt: skip
    assert Community.objects.get(code="NEW1").residents_need_identity is True
    assert when <= timezone.now()
