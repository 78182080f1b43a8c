"""Rosters as committees keep them (人员台账): a title row above the header, a two-level merged
header, the column names they use, full-width digits, Excel's mangled numbers, rooms written
with their floor; and a re-import that never loses what the register has."""

import csv
from collections.abc import Sequence
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from linli.core.models import Community, Room, User
from linli.people.importer import Importer, Outcome
from linli.people.models import Resident
from linli.people.search import search
from tests.people.list_factories import in_english
from tests.people.rosters import make_compound

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TITLE = "岐山居民区人员台账 2022年4月"
LI = "310104194203154424"
CHEN = "310101195003040129"
WANG = "11010519491231002X"


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def write(path: Path, rows: Sequence[Sequence[object]], merges: Sequence[str] = ()) -> Path:
    """An xlsx or a GB18030 csv (as Chinese Excel saves it) of exactly these rows."""
    if path.suffix == ".csv":
        with path.open("w", encoding="gb18030", newline="") as f:
            csv.writer(f).writerows(rows)
        return path
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    for cells in merges:
        sheet.merge_cells(cells)
    book.save(path)
    return path


def run(community: Community, user: User, path: Path, *, dry_run: bool = False) -> Outcome:
    return Importer(community, user, dry_run=dry_run).run(path)


HEADER = ["姓名", "性别", "证件号码", "联系方式", "幢", "单元", "房号", "人群类别"]
PEOPLE = [
    ["李秀英", "女", LI, "13912345670", "3", "1", "502", "慢性病"],
    ["陈\u3000静", "女", full_width(CHEN), "１３８１２３４５６７８", "3", "1", "6楼601", ""],
    ["王秀兰", "女", WANG.lower(), "021-62345678", "5号楼", "2", "301室", "血透"],
]


@pytest.fixture
def place(community_a: Community) -> Community:
    make_compound(community_a)
    return community_a


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
@pytest.mark.parametrize(
    "above",
    [
        [[TITLE]],  # a title row
        [[TITLE], [], ["填表人：张社工", "", "", "联系电话：62345678"]],  # title, blank, a note
        [],  # none
    ],
)
def test_a_roster_with_title_rows_above_its_header_is_read(
    place: Community, worker_a: User, tmp_path: Path, suffix: str, above: list[list[str]]
) -> None:
    path = write(tmp_path / f"台账{suffix}", [*above, HEADER, *PEOPLE])

    outcome = run(place, worker_a, path)

    assert (outcome.error_count, outcome.created) == (0, 3), outcome.errors
    chen = Resident.objects.get(id_number=CHEN)
    assert (chen.name, chen.phone, chen.household.room.number) == ("陈静", "13812345678", "601")
    assert chen.household.room.floor == 6
    assert Resident.objects.get(id_number=WANG).id_type == Resident.IdType.PRC_ID


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_two_level_merged_header_is_read(
    place: Community, worker_a: User, tmp_path: Path, suffix: str
) -> None:
    upper = ["序号", "姓名", "性别", "身份证号", "联系电话", "住址", None, None, "备注"]
    lower = [None, None, None, None, None, "楼号", "单元", "室号", None]
    rows = [[n, *p[:4], *p[4:7], ""] for n, p in enumerate(PEOPLE, start=1)]
    path = write(
        tmp_path / f"merged{suffix}",
        [[TITLE], upper, lower, *rows],
        merges=["A1:I1", "F2:H2", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:E3", "I2:I3"],
    )

    outcome = run(place, worker_a, path)

    assert (outcome.error_count, outcome.created) == (0, 3), outcome.errors
    assert not [w for w in outcome.warnings if "not recognised" in w]  # 序号, 住址 are known
    assert Resident.objects.get(id_number=LI).household.room.number == "502"


def test_errors_name_the_file_s_own_row_numbers_below_a_title(
    place: Community, worker_a: User, tmp_path: Path
) -> None:
    bad = ["赵六", "男", "310101199001011238", "13812345679", "3", "1", "701", ""]
    path = write(tmp_path / "r.xlsx", [[TITLE], [], HEADER, PEOPLE[0], bad])

    outcome = run(place, worker_a, path)

    assert [(e.row, e.column) for e in outcome.errors] == [(5, "证件号码")]
    assert Resident.objects.count() == 0


@pytest.mark.parametrize("shortened", ["3.10106E+17", "3.10104E17", "1.10105e+17"])
def test_an_id_number_excel_shortened_is_named_as_such_and_never_a_passport(
    place: Community, worker_a: User, tmp_path: Path, shortened: str
) -> None:
    row = ["李秀英", "女", shortened, "13912345670", "3", "1", "502", ""]
    path = write(tmp_path / "r.csv", [HEADER, row])

    outcome = run(place, worker_a, path)

    (error,) = outcome.errors
    assert (error.row, error.column) == (2, "证件号码")
    assert shortened in error.reason and "Excel" in error.reason
    assert not Resident.objects.filter(id_type=Resident.IdType.PASSPORT).exists()


@pytest.mark.parametrize("written", ["5楼502", "5层502", "5-502", "502室", "502号", "５０２"])
def test_a_room_written_with_its_floor_is_the_room_of_the_register(
    place: Community, worker_a: User, tmp_path: Path, written: str
) -> None:
    first = write(tmp_path / "a.xlsx", [HEADER, PEOPLE[0]])  # into 3-1-502
    run(place, worker_a, first)
    rooms = Room.objects.count()
    row = ["张三", "男", "310101199001011234", "13812345678", "3", "1", written, ""]

    outcome = run(place, worker_a, write(tmp_path / "b.xlsx", [HEADER, row]))

    assert outcome.error_count == 0, outcome.errors
    assert Room.objects.count() == rooms  # no phantom room "5楼502" beside 502
    zhang = Resident.objects.get(name="张三")
    assert zhang.household == Resident.objects.get(name="李秀英").household


def test_a_floor_that_does_not_match_the_room_is_an_error(
    place: Community, worker_a: User, tmp_path: Path
) -> None:
    row = ["张三", "男", "310101199001011234", "13812345678", "3", "1", "7楼502", ""]

    outcome = run(place, worker_a, write(tmp_path / "r.xlsx", [HEADER, row]))

    (error,) = outcome.errors
    assert error.column == "房号" and "7楼502" in error.reason


def test_full_width_id_numbers_are_found_by_their_tail(
    place: Community, worker_a: User, tmp_path: Path
) -> None:
    run(place, worker_a, write(tmp_path / "r.xlsx", [HEADER, *PEOPLE]))

    found = search(Resident.objects.filter(community=place), "0129")

    assert [r.name for r in found] == ["陈静"]


def test_the_preview_lists_unrecognised_columns_and_new_rooms_before_anything_is_written(
    place: Community, worker_a: User, tmp_path: Path
) -> None:
    header = [*HEADER[:3], "电话（家）", *HEADER[4:], "微信号"]
    path = write(tmp_path / "r.xlsx", [header, *PEOPLE])

    outcome = run(place, worker_a, path, dry_run=True)

    (columns,) = [w for w in outcome.warnings if "not recognised" in w]
    assert "电话(家)" in columns and "微信号" in columns
    (rooms,) = [w for w in outcome.warnings if "not in the register yet" in w]
    assert "3-1-502" in rooms and "5-2-301" in rooms
    assert Resident.objects.count() == Room.objects.count() == 0


@pytest.mark.parametrize("phone_header", ["电话（家）", "手机 号码 (选填)x", None])
def test_a_re_import_without_a_recognised_phone_column_keeps_every_phone(
    place: Community, worker_a: User, tmp_path: Path, phone_header: str | None
) -> None:
    run(place, worker_a, write(tmp_path / "a.xlsx", [HEADER, *PEOPLE]))
    before = dict(Resident.objects.values_list("name", "phone"))
    if phone_header is None:  # the column left out of the file
        header = [*HEADER[:3], *HEADER[4:]]
        rows = [[*p[:3], *p[4:]] for p in PEOPLE]
    else:
        header, rows = [*HEADER[:3], phone_header, *HEADER[4:]], [list(p) for p in PEOPLE]
    rows[0][-1] = "慢性病,独居"  # and one real change

    preview = run(place, worker_a, write(tmp_path / "b.xlsx", [header, *rows]), dry_run=True)
    outcome = run(place, worker_a, write(tmp_path / "b.xlsx", [header, *rows]))

    assert (preview.updated, preview.unchanged) == (outcome.updated, outcome.unchanged)
    assert dict(Resident.objects.values_list("name", "phone")) == before
    assert all(phone for phone in before.values())


def test_an_empty_cell_keeps_the_value_and_a_clear_mark_clears_it(
    place: Community, worker_a: User, tmp_path: Path
) -> None:
    run(place, worker_a, write(tmp_path / "a.xlsx", [HEADER, *PEOPLE[:2]]))
    empty = [*PEOPLE[0][:3], "", *PEOPLE[0][4:]]
    cleared = [*PEOPLE[1][:3], "清空", *PEOPLE[1][4:]]

    outcome = run(place, worker_a, write(tmp_path / "b.xlsx", [HEADER, empty, cleared]))

    assert (outcome.updated, outcome.unchanged) == (1, 1)
    assert Resident.objects.get(id_number=LI).phone == "13912345670"
    assert Resident.objects.get(id_number=CHEN).phone == ""


def test_a_bad_roster_names_row_column_and_value_and_writes_nothing(
    place: Community, worker_a: User, tmp_path: Path
) -> None:
    rows = [
        PEOPLE[0],
        ["周九", "女", "310101197001011227", "１２３４５", "3", "1", "101", ""],
        ["", "男", "310101199001011234", "13812345678", "9", "1", "101", "会飞"],
    ]
    path = write(tmp_path / "r.csv", [[TITLE], HEADER, *rows])

    outcome = run(place, worker_a, path)

    found = {(e.row, e.column): e.reason for e in outcome.errors}
    assert "12345" in found[(4, "联系方式")]
    assert {(5, "姓名"), (5, "幢"), (5, "人群类别")} <= set(found)
    assert "会飞" in found[(5, "人群类别")]
    assert Resident.objects.count() == Room.objects.count() == 0


def test_the_preview_says_per_resident_what_changes_from_what_to_what(
    place: Community, worker_a: User, tmp_path: Path, client: Client
) -> None:
    from django.urls import reverse

    from linli.people.actions.imports import do_import_file
    from tests.people.list_factories import in_english

    run(place, worker_a, write(tmp_path / "a.xlsx", [HEADER, *PEOPLE]))
    moved = [list(p) for p in PEOPLE]
    moved[0][3] = "13900000000"  # a new phone
    moved[2][-1] = ""  # an empty cell: no change

    record = do_import_file(
        place, actor=worker_a, path=write(tmp_path / "b.xlsx", [HEADER, *moved]), dry_run=True
    )

    assert record.changes == [[2, "李秀英", "phone", "139****5670", "139****0000"]]
    assert Resident.objects.get(id_number=LI).phone == "13912345670"  # a preview writes nothing
    client.force_login(worker_a)
    in_english(client)
    page = client.get(reverse("people:import-detail", args=[record.pk])).content.decode()
    assert "139****0000" in page and "13900000000" not in page


def test_every_error_of_a_row_is_reported_and_a_mistyped_id_only_once(
    place: Community, worker_a: User, tmp_path: Path
) -> None:
    header = ["姓名", "证件号码", "联系方式", "幢", "单元", "房号"]
    rows = [
        ["", "", "12345", "3", "1", "502"],  # no name, no ID nor birth date nor sex, bad phone
        ["张三", "310101199001011238", "13812345678", "3", "1", "502"],  # check digit only
    ]

    outcome = run(place, worker_a, write(tmp_path / "r.xlsx", [header, *rows]))

    by_row: dict[int, set[str]] = {}
    for e in outcome.errors:
        by_row.setdefault(e.row, set()).add(e.column)
    assert by_row[2] == {"姓名", "性别", "联系方式"}
    assert by_row[3] == {"证件号码"}


TENANTS = [
    ["李秀英", "女", LI, "13912345670", "3", "1", "502", ""],
    ["阿卜杜拉", "男", "", "13812340000", "3", "1", "601", ""],  # a tenant: nothing on file
    ["Tanaka Yuki", "女", "", "", "5", "2", "301", "独居"],
]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_tenant_with_neither_id_nor_birth_date_goes_in_with_a_warning_to_act_on(
    place: Community, worker_a: User, tmp_path: Path, client: Client, suffix: str
) -> None:
    path = write(tmp_path / f"r{suffix}", [["某某居委会租户登记表"], HEADER, *TENANTS])

    preview = run(place, worker_a, path, dry_run=True)
    outcome = run(place, worker_a, path)

    assert not preview.errors and not outcome.errors
    (warning,) = [w for w in outcome.warnings if "neither identity number nor birth date" in w]
    assert "2 people" in warning and "Rows 4、5" in warning
    assert preview.warnings == outcome.warnings
    tenant = Resident.objects.get(name="阿卜杜拉")
    assert tenant.date_of_birth is None and tenant.sex == "M" and tenant.phone == "13812340000"
    client.force_login(worker_a)
    in_english(client)
    detail = client.get(reverse("people:resident-detail", args=[tenant.pk]))
    assert "no birth date on file" in detail.content.decode()
    alone = client.get(reverse("people:vulnerable-list"))  # the tagged one, of unknown age
    assert alone.status_code == 200 and "Tanaka Yuki" in alone.content.decode()


def test_a_re_import_gives_the_tenant_the_birth_date_found_later(
    place: Community, worker_a: User, tmp_path: Path
) -> None:
    header = [*HEADER, "出生日期"]
    run(place, worker_a, write(tmp_path / "a.xlsx", [header, [*TENANTS[1], ""]]))
    later = [header, [*TENANTS[1], "1988-07-01"]]

    outcome = run(place, worker_a, write(tmp_path / "b.xlsx", later))

    assert not outcome.errors
    assert str(Resident.objects.get(name="阿卜杜拉").date_of_birth) == "1988-07-01"
    assert Resident.objects.count() == 1


def test_a_community_that_requires_an_id_or_birth_date_refuses_the_row_and_writes_nothing(
    place: Community, worker_a: User, tmp_path: Path
) -> None:
    place.residents_need_identity = True
    place.save()

    outcome = run(place, worker_a, write(tmp_path / "r.xlsx", [HEADER, *TENANTS]))

    assert [(e.row, e.column) for e in outcome.errors] == [(3, "出生日期"), (4, "出生日期")]
    assert "birth date is needed" in outcome.errors[0].reason
    assert not Resident.objects.exists()
