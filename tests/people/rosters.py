"""Rosters as communities send them: xlsx or csv files with Chinese (or English) headers."""

import csv
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from linli.core.models import Building, Community, Compound

HEADER = ["姓名", "性别", "身份证号", "联系电话", "小区", "楼号", "单元", "室号", "特殊人群"]
GOOD = [
    ["张三", "男", "310101199001011234", "13812345678", "岐山村", "3", "1", "502", ""],
    ["李秀英", "女", "310104194203154424", "13912345670", "岐山村", "3", "1", "502", "独居,慢性病"],
    ["王秀兰", "女", "11010519491231002X", "021-62345678", "岐山村", "5号楼", "2", "301", "血透"],
]


def make_compound(community: Community, buildings: tuple[str, ...] = ("3", "5")) -> Compound:
    compound = Compound.objects.create(community=community, name="岐山村")
    for number in buildings:
        Building.objects.create(compound=compound, number=number)
    return compound


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], header: list[str] = HEADER) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def write_csv(
    path: Path,
    rows: Sequence[Sequence[object]],
    header: list[str] = HEADER,
    encoding: str = "utf-8-sig",
) -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path
