from datetime import date
from pathlib import Path

import pytest

from linli.core.models import Community, Room, Unit, User
from linli.people.importer import Importer
from linli.people.models import Household, Resident, Vulnerability
from tests.people.rosters import GOOD, make_compound, write_csv, write_xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def run(community: Community, user: User, path: Path, dry_run: bool = False):  # type: ignore[no-untyped-def]
    return Importer(community, user, dry_run=dry_run).run(path)


def test_xlsx_roster_with_chinese_headers_fills_the_register(
    tmp_path: Path, community_a: Community, worker_a: User
) -> None:
    make_compound(community_a)
    outcome = run(community_a, worker_a, write_xlsx(tmp_path / "r.xlsx", GOOD))
    assert (outcome.committed, outcome.created, outcome.error_count) == (True, 3, 0)
    zhang = Resident.objects.get(name="张三")
    assert (zhang.sex, zhang.date_of_birth, zhang.phone) == ("M", date(1990, 1, 1), "13812345678")
    assert (zhang.name_initials, zhang.name_pinyin, zhang.phone_tail) == ("zs", "zhangsan", "5678")
    assert zhang.household.room.address() == "岐山村 3-1-502"
    # Two people in room 502 form one household; room 301 of building 5 is another.
    assert Household.objects.count() == 2
    assert Resident.objects.get(name="李秀英").household == zhang.household
    assert Resident.objects.get(name="王秀兰").phone == "02162345678"
    assert set(Vulnerability.objects.values_list("resident__name", "kind")) == {
        ("李秀英", "alone"),
        ("李秀英", "chronic"),
        ("王秀兰", "dialysis"),
    }


def test_csv_roster_with_english_headers(
    tmp_path: Path, community_a: Community, worker_a: User
) -> None:
    make_compound(community_a)
    header = [
        "Name",
        "Sex",
        "Date of birth",
        "Phone",
        "Building",
        "Unit",
        "Room",
        "Nationality",
        "Languages",
    ]
    rows = [["Tanaka Yuki", "F", "1985/4/2", "+81 90-1234-5678", "3", "2", "101", "JP", "ja, en"]]
    outcome = run(community_a, worker_a, write_csv(tmp_path / "r.csv", rows, header))
    assert outcome.committed, outcome.errors
    yuki = Resident.objects.get()
    assert (yuki.nationality, yuki.languages, yuki.phone) == ("JP", ["ja", "en"], "+819012345678")
    assert yuki.name_initials == "ty"


def test_gbk_csv_from_chinese_excel_is_read(
    tmp_path: Path, community_a: Community, worker_a: User
) -> None:
    make_compound(community_a)
    outcome = run(community_a, worker_a, write_csv(tmp_path / "r.csv", GOOD, encoding="gb18030"))
    assert outcome.committed and outcome.created == 3


def test_bad_rows_are_each_named_and_nothing_is_stored(
    tmp_path: Path, community_a: Community, worker_a: User
) -> None:
    make_compound(community_a)
    bad = [
        *GOOD,
        [
            "赵六",
            "男",
            "310101199001011238",
            "13812345679",
            "岐山村",
            "3",
            "1",
            "601",
            "",
        ],  # check digit
        [
            "钱七",
            "女",
            "310101199002300021",
            "13812345670",
            "岐山村",
            "3",
            "1",
            "602",
            "",
        ],  # 30 Feb
        ["孙八", "男", "31010119800101123X", "12345", "岐山村", "3", "1", "603", ""],  # not a phone
        [
            "周九",
            "女",
            "310101197001011227",
            "13812345671",
            "岐山村",
            "12",
            "1",
            "101",
            "",
        ],  # building
    ]
    rooms_before = Room.objects.count()
    outcome = run(community_a, worker_a, write_xlsx(tmp_path / "r.xlsx", bad))
    assert not outcome.committed
    found = {(e.row, e.column): e.reason for e in outcome.errors}
    assert set(found) == {(5, "身份证号"), (6, "身份证号"), (7, "联系电话"), (8, "楼号")}
    assert "check digit" in found[(5, "身份证号")]
    assert "1990-02-30" in found[(6, "身份证号")]
    assert "12345" in found[(7, "联系电话")]
    assert "building 12" in found[(8, "楼号")]
    assert Resident.objects.count() == 0
    assert Household.objects.count() == 0
    assert Room.objects.count() == rooms_before
    assert Unit.objects.count() == 0


def test_birth_date_that_contradicts_the_id_number_is_refused(
    tmp_path: Path, community_a: Community, worker_a: User
) -> None:
    make_compound(community_a)
    header = ["姓名", "身份证号", "出生日期", "楼号", "室号"]
    rows = [["张三", "310101199001011234", "1991-01-01", "3", "502"]]
    outcome = run(community_a, worker_a, write_xlsx(tmp_path / "r.xlsx", rows, header))
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "出生日期")]


def test_impossible_birth_date_without_id_number(
    tmp_path: Path, community_a: Community, worker_a: User
) -> None:
    make_compound(community_a)
    header = ["姓名", "性别", "出生日期", "楼号", "室号"]
    rows = [["张三", "男", "2199-01-01", "3", "502"], ["李四", "男", "1990-13-01", "3", "503"]]
    outcome = run(community_a, worker_a, write_xlsx(tmp_path / "r.xlsx", rows, header))
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "出生日期"), (3, "出生日期")]
    assert "impossible" in outcome.errors[0].reason
    assert Resident.objects.count() == 0


def test_reimport_updates_instead_of_duplicating(
    tmp_path: Path, community_a: Community, worker_a: User
) -> None:
    make_compound(community_a)
    run(community_a, worker_a, write_xlsx(tmp_path / "r.xlsx", GOOD))
    changed = [row[:] for row in GOOD]
    changed[0][3] = "13900001111"
    outcome = run(community_a, worker_a, write_xlsx(tmp_path / "r2.xlsx", changed))
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 2)
    zhang = Resident.objects.get(name="张三")
    assert (zhang.phone, zhang.phone_tail) == ("13900001111", "1111")
    assert Resident.objects.count() == 3
    latest = zhang.history.latest()
    assert (latest.history_change_reason, latest.history_user) == ("import", worker_a)


def test_person_without_id_is_matched_by_name_and_room(
    tmp_path: Path, community_a: Community, worker_a: User
) -> None:
    make_compound(community_a)
    header = ["姓名", "性别", "出生日期", "楼号", "室号", "联系电话"]
    rows: list[list[object]] = [["Anna Schmidt", "F", "1980-05-06", "3", "701", "13812340000"]]
    run(community_a, worker_a, write_xlsx(tmp_path / "a.xlsx", rows, header))
    rows[0][5] = "13812349999"
    outcome = run(community_a, worker_a, write_xlsx(tmp_path / "b.xlsx", rows, header))
    assert (outcome.created, outcome.updated) == (0, 1)
    assert Resident.objects.get().phone == "13812349999"


def test_dry_run_counts_but_writes_nothing(
    tmp_path: Path, community_a: Community, worker_a: User
) -> None:
    make_compound(community_a)
    outcome = run(community_a, worker_a, write_xlsx(tmp_path / "r.xlsx", GOOD), dry_run=True)
    assert (outcome.committed, outcome.created, outcome.error_count) == (False, 3, 0)
    assert Resident.objects.count() == 0


def test_missing_columns_are_named(tmp_path: Path, community_a: Community, worker_a: User) -> None:
    make_compound(community_a)
    outcome = run(community_a, worker_a, write_xlsx(tmp_path / "r.xlsx", [["张三"]], ["姓名"]))
    assert outcome.error_count == 1
    assert (
        "楼号 (building)" in outcome.errors[0].reason and "室号 (room)" in outcome.errors[0].reason
    )


def test_same_person_twice_in_one_file_points_at_the_first_row(
    tmp_path: Path, community_a: Community, worker_a: User
) -> None:
    make_compound(community_a)
    outcome = run(community_a, worker_a, write_xlsx(tmp_path / "r.xlsx", [*GOOD, GOOD[0]]))
    assert [(e.row, e.column) for e in outcome.errors] == [(5, "身份证号")]
    assert "row 2" in outcome.errors[0].reason


def test_id_number_stored_as_an_excel_number_is_refused(
    tmp_path: Path, community_a: Community, worker_a: User
) -> None:
    make_compound(community_a)
    rows = [["张三", "男", 310101199001011234, "13812345678", "岐山村", "3", "1", "502", ""]]
    outcome = run(community_a, worker_a, write_xlsx(tmp_path / "r.xlsx", rows))
    assert outcome.errors[0].column == "身份证号"
    assert "as text" in outcome.errors[0].reason


def test_unknown_group_is_named(tmp_path: Path, community_a: Community, worker_a: User) -> None:
    make_compound(community_a)
    rows = [[*GOOD[0][:8], "外星人"]]
    outcome = run(community_a, worker_a, write_xlsx(tmp_path / "r.xlsx", rows))
    assert [(e.column, "外星人" in e.reason) for e in outcome.errors] == [("特殊人群", True)]


def test_import_only_touches_its_own_community(
    tmp_path: Path, community_a: Community, community_b: Community, worker_a: User
) -> None:
    make_compound(community_a)
    make_compound(community_b)
    run(community_a, worker_a, write_xlsx(tmp_path / "r.xlsx", GOOD))
    assert set(Resident.objects.values_list("community", flat=True)) == {community_a.pk}


def test_a_large_import_refreshes_the_planner_statistics(
    tmp_path: Path, community_a: Community, worker_a: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    from linli.people.importer import write as importer

    make_compound(community_a)
    monkeypatch.setattr(importer, "ANALYZE_AFTER", 2)
    run(community_a, worker_a, write_xlsx(tmp_path / "r.xlsx", GOOD))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'people_resident'")
        else:
            cursor.execute(
                "SELECT COUNT(*) FROM pg_stat_user_tables "
                "WHERE relname = 'people_resident' AND last_analyze IS NOT NULL"
            )
        assert cursor.fetchone()[0] >= 1


def test_lives_alone_in_a_room_the_file_shares_is_a_warning_not_an_error(
    community_a: Community, worker_a: User, tmp_path: Path
) -> None:
    make_compound(community_a)
    path = write_xlsx(tmp_path / "r.xlsx", GOOD)  # 李秀英 独居, in 3-1-502 with 张三

    checked = run(community_a, worker_a, path, dry_run=True)
    imported = run(community_a, worker_a, path)

    for outcome in (checked, imported):
        assert outcome.error_count == 0
        alone = [w.split(" “")[0] for w in outcome.warnings if "lives alone" in w]
        assert alone == ["row 3: 李秀英 is tagged"]
    assert Resident.objects.count() == 3


def test_a_lives_alone_tag_kept_in_a_household_the_file_fills_is_a_warning(
    community_a: Community, worker_a: User, tmp_path: Path
) -> None:
    make_compound(community_a)
    first = [
        ["李秀英", "女", "310104194203154424", "13912345670", "岐山村", "3", "1", "502", "独居"]
    ]
    run(community_a, worker_a, write_xlsx(tmp_path / "a.xlsx", first))
    lodger = [["张三", "男", "310101199001011234", "13812345678", "岐山村", "3", "1", "502", ""]]

    outcome = run(community_a, worker_a, write_xlsx(tmp_path / "b.xlsx", lodger))

    (alone,) = [w for w in outcome.warnings if "lives alone" in w]
    assert "李秀英" in alone and "2 people live in this household" in alone
