"""The city's list of inbound travellers, as the city sends it: a title row, its own headers,
arrival times as Excel dates or as text, full-width digits, addresses in one cell or in four;
all or nothing, every error with its row."""

from datetime import date, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from openpyxl import Workbook

from linli.lib.idcard import make_id_number
from linli.quarantine.actions import do_import_city_list, do_open_due_receptions
from linli.quarantine.models import Reception, Traveller
from tests.factories import make_resident
from tests.quarantine.factories import Gates, at, make_gates

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
PRC_ID = make_id_number("310101", date(1990, 1, 1), 123, True)


def workbook(rows: list[list[object]], path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def households(gates: Gates) -> None:
    for room in ("501", "502", "601"):
        make_resident(gates.community, f"户主{room}", room=room)  # building 3, unit 1, 岐山村


def test_a_city_list_with_a_title_row_and_its_own_headers_goes_in_whole(tmp_path: Path) -> None:
    gates = make_gates()
    households(gates)
    tomorrow = at(1, 0).replace(tzinfo=None)
    path = workbook(
        [
            ["徐汇区入境人员落地排查名单（12月）"],
            [
                "序号",
                "姓名",
                "性别",
                "护照号",
                "国籍",
                "航班/车次",
                "出发地",
                "预计到达时间",
                "目的地址",
                "联系电话",
                "备注",
            ],
            [
                1,
                "John Smith",
                "男",
                "E1234567",
                "GB",
                "MU588",
                "伦敦",
                tomorrow + timedelta(hours=22),
                "岐山村３号楼１单元５０１室",
                "１３８１２３４５６７８",
                "",
            ],
            [
                2,
                "Tanaka Yui",
                "女",
                "TK998877",
                "JP",
                "NH921",
                "东京",
                f"{(tomorrow + timedelta(days=1)):%Y-%m-%d} 10:15",
                "3-1-502",
                "13912345678",
                "需日语",
            ],
            [
                3,
                "王晓明",
                "男",
                PRC_ID,
                "CN",
                "G102",
                "北京",
                f"{tomorrow:%Y/%m/%d} 23:40",
                "岐山村3幢1-601",
                "",
                "",
            ],
            [],
        ],
        tmp_path / "list.xlsx",
    )
    outcome = do_import_city_list(gates.community, path, actor=gates.worker)
    assert outcome.committed and (outcome.rows, outcome.created, outcome.error_count) == (3, 3, 0)
    people = {t.name: t for t in Traveller.objects.select_related("household__room")}
    assert people["John Smith"].household.room.number == "501"  # type: ignore[union-attr]
    assert people["John Smith"].phone == "13812345678"  # full-width digits
    assert people["Tanaka Yui"].sex == "F" and people["Tanaka Yui"].notes == "需日语"
    assert people["王晓明"].id_type == "prc_id" and people["王晓明"].household.room.number == "601"  # type: ignore[union-attr]
    assert people["王晓明"].source == Traveller.Source.CITY
    shifts = dict(Reception.objects.values_list("traveller__name", "shift"))
    assert shifts == {"John Smith": "night", "Tanaka Yui": "day", "王晓明": "night"}
    # Their receptions reach the ledger at the worker's round, a day before each arrival.
    assert do_open_due_receptions(now=at(0, 12)) == 0
    assert do_open_due_receptions(now=at(1, 12)) == 3
    assert not Reception.objects.filter(request__isnull=True).exists()
    assert Traveller.history.filter(history_type="+").count() == 3  # each with its first line


def test_a_list_with_an_unknown_household_is_refused_whole_naming_the_row(tmp_path: Path) -> None:
    gates = make_gates()
    households(gates)
    when = at(1, 15).replace(tzinfo=None)
    path = workbook(
        [
            ["姓名", "性别", "证件号码", "国籍", "预计到达时间", "小区", "楼号", "单元", "房号"],
            ["John Smith", "M", "E1", "GB", when, "岐山村", "3", "1", "501"],
            ["Nobody Home", "F", "E2", "GB", when, "岐山村", "9", "1", "901"],
            ["Bad Date", "男", "E3", "GB", "明天下午", "岐山村", "3", "1", "502"],
            [
                "Last Year",
                "女",
                "E4",
                "GB",
                when.replace(year=when.year - 1),
                "岐山村",
                "3",
                "1",
                "502",
            ],
            ["No Sex", "", "E5", "GB", when, "岐山村", "3", "1", "502"],
        ],
        tmp_path / "list.xlsx",
    )
    outcome = do_import_city_list(gates.community, path, actor=gates.worker)
    assert not outcome.committed and outcome.created == 0
    by_row = {(e.row, e.column): e.reason for e in outcome.errors}
    assert set(by_row) == {(3, "房号"), (4, "预计到达时间"), (5, "预计到达时间"), (6, "性别")}
    assert "no household" in by_row[(3, "房号")] and "9" in by_row[(3, "房号")]
    assert "明天下午" in by_row[(4, "预计到达时间")]
    assert "year" in by_row[(5, "预计到达时间")]
    assert not Traveller.objects.exists() and not Reception.objects.exists()  # all or nothing


def test_a_file_that_is_no_list_is_refused_with_a_message(tmp_path: Path) -> None:
    gates = make_gates()
    with pytest.raises(ValidationError) as refused:
        do_import_city_list(
            gates.community, workbook([["A", "B"], [1, 2]], tmp_path / "x.xlsx"), actor=gates.worker
        )
    assert "file" in refused.value.message_dict
    with pytest.raises(ValidationError):
        do_import_city_list(gates.community, BytesIO(b"not a workbook"), actor=gates.worker)


def test_the_import_page_lists_every_error_and_writes_nothing(tmp_path: Path) -> None:
    gates = make_gates()
    households(gates)
    when = (datetime.now() + timedelta(days=1)).replace(hour=15)  # noqa: DTZ005 - as Excel holds it
    path = workbook(
        [
            ["姓名", "预计到达时间", "楼号", "单元", "房号"],
            ["A", when, "3", "1", "501"],
            ["B", when, "3", "1", "999"],
        ],
        tmp_path / "list.xlsx",
    )
    client = Client()
    client.force_login(gates.worker)
    with path.open("rb") as f:
        response = client.post("/quarantine/travellers/import/", {"file": f})
    page = response.content.decode()
    assert response.status_code == 400 and 'data-testid="import-errors"' in page and "999" in page
    assert not Traveller.objects.exists()
