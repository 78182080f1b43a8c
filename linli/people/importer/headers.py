"""The header of a roster: the names committees give each column, and where the header row is
in a sheet with title rows above it or a header on two rows (住址 over 幢 / 单元 / 房号)."""

import re
import unicodedata

# Column → the headers communities use for it (compared without spaces, case or punctuation).
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "居民姓名", "name", "fullname"),
    "sex": ("性别", "sex", "gender"),
    "id_number": ("身份证号", "身份证号码", "证件号码", "证件号", "身份证", "公民身份号码", "身份号码", "证照号码", "idnumber", "id", "identitynumber", "idno", "passport", "passportnumber"),
    "id_type": ("证件类型", "idtype", "documenttype"),
    "date_of_birth": ("出生日期", "出生年月", "生日", "dateofbirth", "birthdate", "dob", "born"),
    "phone": ("联系电话", "联系方式", "联系号码", "手机", "手机号", "手机号码", "电话", "电话号码", "本人电话", "phone", "mobile", "telephone", "tel", "contact"),
    "compound": ("小区", "小区名称", "小区名", "所在小区", "弄", "compound", "estate"),
    "building": ("楼号", "楼栋", "幢", "楼", "楼栋号", "号楼", "栋", "栋号", "幢号", "building", "buildingno", "block"),
    "unit": ("单元", "单元号", "门洞", "unit", "stairwell", "entrance"),
    "room": ("室号", "房号", "门牌号", "室", "房间号", "房间", "门牌", "room", "roomno", "flat", "apartment"),
    "nationality": ("国籍", "nationality", "country"),
    "languages": ("语言", "languages", "language"),
    "mobility": ("行动能力", "mobility"),
    "ltc_level": ("长护险等级", "长护险评估等级", "长护险", "ltclevel", "carelevel"),
    "tags": ("特殊人群", "人群类别", "特殊群体", "tags", "vulnerabilities", "groups"),
    "notes": ("备注", "notes", "remarks"),
}  # fmt: skip
# Columns rosters carry that the register does not keep (it derives them, or has no field):
# recognised, so that they are not reported as unknown, and left out.
NOT_KEPT = ("序号", "编号", "no", "年龄", "age", "户主", "与户主关系", "关系", "户主姓名", "民族", "政治面貌", "文化程度", "工作单位", "户籍地址", "户籍地", "住址", "地址", "address")  # fmt: skip
NORMALISE = re.compile(r"[\s_\-\*:：()（）/\.]|必填")
HEADER_SEARCH_ROWS = 10  # title rows and notes above the header, as committees write them
REQUIRED = ("name", "building", "room")


def normalise_header(text: object) -> str:
    return NORMALISE.sub("", str(text or "")).lower()


ALIASES = {normalise_header(alias): col for col, names in HEADERS.items() for alias in names}
IGNORED = {normalise_header(name) for name in NOT_KEPT}


def header_text(cell: object) -> str:
    return unicodedata.normalize("NFKC", str(cell or "")).strip()


def map_columns(header: list[object]) -> tuple[dict[str, int], list[str]]:
    """Column → index in the header, and the names of the headers as written (for reports)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        column = ALIASES.get(normalise_header(header_text(cell)))
        if column and column not in found:
            found[column] = index
    return found, [header_text(c) for c in header]


def unrecognised(header: list[object], columns: dict[str, int]) -> list[str]:
    """The headers that name no column of the register nor one it knows to leave out."""
    used = set(columns.values())
    return [
        text
        for index, cell in enumerate(header)
        if (text := header_text(cell))
        and index not in used
        and normalise_header(text) not in IGNORED
        and normalise_header(text) not in ALIASES
    ]


def find_header(first: list[list[object]]) -> tuple[int, list[object], bool]:
    """Where the header is among the first rows: its index, the header (a two-level header
    merged: the lower row's names under the upper's, 住址 over 幢 / 单元 / 房号), and whether it
    took two rows. The header is the first row naming a person's name and two more columns."""
    for index, row in enumerate(first):
        columns, _names = map_columns(row)
        if "name" not in columns or len(columns) < 3:
            continue
        below = first[index + 1] if index + 1 < len(first) else None
        if below is not None:
            lower, _ = map_columns(below)
            taken = set(columns.values())
            extra = {c: i for c, i in lower.items() if i not in taken and c not in columns}
            # A second header row names columns and holds no person (no name under 姓名).
            name_index = columns["name"]
            empty_name = name_index >= len(below) or not header_text(below[name_index])
            if extra and empty_name:
                width = max(len(row), len(below))
                merged = [
                    below[i]
                    if i < len(below) and i in extra.values()
                    else (row[i] if i < len(row) else None)
                    for i in range(width)
                ]
                return index, merged, True
        return index, row, False
    return 0, first[0] if first else [], False


class HeaderColumns:
    """The columns a file's header gives (column → index) and its headers as written."""

    columns: dict[str, int]
    header_names: list[str]

    def _header(self, column: str) -> str:
        index = self.columns.get(column)
        return self.header_names[index] if index is not None else HEADERS[column][0]
