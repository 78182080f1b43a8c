"""The caller's words made comparable: one form of every character, clauses, and the figures
that are red flags by themselves (oxygen, glucose, blood pressure, temperature, pulse, an
infant's age), written as people say them: 血氧８８, 血糖2点8, 高压一百九, 39度5, 三个月宝宝."""

import re
import unicodedata
from dataclasses import dataclass

from linli.ledger.triage.gate import pieces, required_pieces

# Contractions become words the patterns can name: "can't" → "cant", "doesn't" → "does not".
_CONTRACTIONS = [
    (re.compile(r"\b(can ?not|can't)\b"), "cant"),
    (re.compile(r"\bwon't\b"), "wont"),
    (re.compile(r"n't\b"), " not"),
    # Typed without the apostrophe, as on a phone: "doesnt answer".
    (re.compile(r"\b(does|did|do|is|was|are|were|has|have|had|could|would|should)nt\b"), r"\1 not"),
]


_WORD_NUMBERS = {
    w: str(n)
    for n, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ]
    )
}
_COUNTED = re.compile(
    r"\b(" + "|".join(_WORD_NUMBERS) + r")([\s-]+(?:days?|weeks?|months?|years?)\b)"
)


# Traditional characters a caller from Hong Kong, Macau or Taiwan types, as the patterns write
# them: the commonest of bodies, symptoms and help (a table, not a converter: OpenCC is a large
# dependency for the hundred characters the lexicon names).
_TRADITIONAL = str.maketrans(
    "氣腫頭暈嘔應動說話燒發熱個塊麵醫院藥癲癇風齒邊臉腳腦聽見們對時們後來還過給嗎嚇"
    "爺奶媽爸兒孫體溫熱燙傷傷歲樓門電開關鬆緊壓喉嚨嘴脣唇現剛鐘點數無沒裡裏這們將會淚濕凍",
    "气肿头晕呕应动说话烧发热个块面医院药癫痫风齿边脸脚脑听见们对时们后来还过给吗吓"
    "爷奶妈爸儿孙体温热烫伤伤岁楼门电开关松紧压喉咙嘴唇唇现刚钟点数无没里里这们将会泪湿冻",
)


def normalise(text: str) -> str:
    """NFKC (full-width digits and letters become ASCII), lower case, straight apostrophes,
    the commonest traditional characters simplified, contractions spelt out, runs of spaces
    made one."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_TRADITIONAL)
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'")
    for pattern, plain in _CONTRACTIONS:
        text = pattern.sub(plain, text)
    text = _COUNTED.sub(lambda m: _WORD_NUMBERS[m.group(1)] + m.group(2), text)  # six weeks
    return re.sub(r"[ \t\u3000]+", " ", text)


# A clause ends at punctuation (a full stop only outside a number: 39.5 stays whole), at a line
# break, or before a word of contrast: negation and time words reach no further.
_CLAUSE_END = re.compile(
    r"[,;!?，。；！？…\n]|(?<!\d)\.|\.(?!\d)|\s-\s"
    r"|(?=但是|可是|不过|然而|\bbut\b|\bhowever\b|\balthough\b|\bthough\b)"
)


def clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause of normalised `text`."""
    bounds, start = [], 0
    for m in _CLAUSE_END.finditer(text):
        if m.start() > start:
            bounds.append((start, m.start()))
        start = max(m.end(), m.start())
        if m.end() == m.start():  # a lookahead: the contrast word opens the next clause
            start = m.start()
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds or [(0, len(text))]


# Numbers ----------------------------------------------------------------------------------------

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}  # fmt: skip
CN = "零〇一二两三四五六七八九十百"
# A number in Chinese characters only where a figure can end: "问一下" and "一点都" hold none.
NUM = (
    rf"\d+(?:\.\d+)?|[{CN}]+点[零〇一二三四五六七八九]+|\d+点\d+"
    rf"|[{CN}]+(?=[度%/／\s,，。;；!！?？、个周天岁月年斤几]|$|毫|mmol|以下|以上|多|了|左右|的|啊|呀|吧)"
)


def _cn_integer(s: str) -> int | None:
    """三十九 → 39, 一百八十 → 180, and 一百九 → 190 (a lone digit after 百 counts tens)."""
    total, current = 0, 0
    for ch in s:
        if ch in _DIGITS:
            current = current * 10 + _DIGITS[ch]
        elif ch in "十百":
            total += (current or 1) * (10 if ch == "十" else 100)
            current = 0
        else:
            return None
    if current and len(s) >= 2 and s[-2] == "百":
        current *= 10
    return total + current if s else None


def to_number(s: str) -> float | None:
    """39, 39.5, 2点8, 三十九, 一百九, 三十八点五 → a float; anything else → None."""
    s = s.strip()
    if not s:
        return None
    if "点" in s:
        whole, _, frac = s.partition("点")
        w = float(whole) if whole.isdigit() else _cn_integer(whole)
        f = frac if frac.isdigit() else "".join(str(_DIGITS.get(c, "")) for c in frac)
        if w is None or not f:
            return None
        return float(f"{int(w)}.{f}")
    try:
        return float(s)
    except ValueError:
        value = _cn_integer(s)
        return float(value) if value is not None else None


@dataclass(frozen=True)
class Measure:
    kind: str  # spo2, glucose, systolic, diastolic, temperature, pulse, infant_days, age_years
    value: float
    words: str


_GAP = r"[^,，。;；!！?？\d" + CN + r"]{0,8}?"
# A figure followed by an age or a span of time is not a reading: "oxygen saturation for a 70 year old".
_NOT_AGE = r"(?!\s*(?:years?|岁|-year|yo\b|周岁|个月|天|weeks?|days?|months?))"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("spo2", re.compile(
        r"(?:血氧(?:饱和度)?|氧饱和度?|指脉氧|氧饱|spo2|sp02|o2 ?sats?|oxygen(?: saturation| level| sat)?s?|"
        r"\bsats?\b|saturation)" + _GAP + rf"({NUM})" + _NOT_AGE)),
    ("glucose", re.compile(
        r"(?:血糖|blood sugar|\bsugar\b|glucose|\bbg\b)" + _GAP + rf"({NUM})\s*(mg)?")),
    ("bp", re.compile(
        r"(?:血压|高压|收缩压|\bbp\b|blood pressure)" + _GAP + rf"({NUM})"
        rf"(?:\s*(?:/|over|低压|，低压|,低压|\s)\s*({NUM}))?")),
    ("diastolic", re.compile(r"(?:低压|舒张压)" + _GAP + rf"({NUM})")),
    ("temperature", re.compile(
        r"(?:体温|发烧|发热|高烧|烧到|烧了|烧得|量了|测了|量出|测出|额温|耳温|肛温|体温计|温度计|额温枪|fever|temp(?:erature)?|temp of|thermometer|\bhot\b)" + _GAP
        + rf"({NUM})\s*(?:度|℃|°\s*c?|c\b|f\b|°f)?\s*(\d|[{CN}])?")),
    ("temperature", re.compile(rf"({NUM})\s*(?:度|℃|°c?)(\d|[一二三四五六七八九])?(?!\s*(?:的|血压|角))")),
    ("pulse", re.compile(
        r"(?:心率|心跳|脉搏|\bpulse\b|heart ?rate|\bhr\b)" + _GAP + rf"({NUM})")),
    ("infant_days", re.compile(
        rf"(?:出生|生下来|才|刚)?({NUM})[\s-]*(个多月|个月|个半月|month|months|周|星期|weeks?|天|days?)"
        r"(?:大|的|old|宝宝|婴儿|孩子|-old|\s*old|\s*baby|\s*infant|\s*bb)")),
    ("infant_days", re.compile(
        rf"(?:宝宝|婴儿|孩子|娃|小孩|baby|infant)[^,，。\d{CN}]{{0,3}}?({NUM})\s*(个多月|个月|个半月|周|星期|天|months?|weeks?|days?)")),
    ("temperature", re.compile(rf"({NUM})\s*(?:°\s*c?|degrees?(?: c)?)?\s*(?:fever|temp)")),
    # A bare reading ("测了一下才二点五"): rules read it by what the caller is (a diabetic).
    ("reading", re.compile(rf"(?:测|量)(?:了|出|得)?(?:一下)?[^,，。\d{CN}]{{0,3}}?({NUM})")),
    ("age_years", re.compile(rf"(?:我爸|我妈|爸爸|妈妈|老人|老伴|奶奶|爷爷|外婆|外公|父亲|母亲|婆婆)(?:今年|都|已经)?({NUM})(?:岁|了|多岁)")),
    ("age_years", re.compile(rf"({NUM})\s*(?:岁|周岁|years? old|-year-old|yo\b|y/o)")),
]  # fmt: skip


_GATES = [required_pieces(pattern) for _kind, pattern in _PATTERNS]


def measures(
    text: str, chars: frozenset[str] | set[str] | None = None, *, gated: bool = True
) -> list[Measure]:
    """The red-flag figures of normalised `text` (whose `gate.pieces` are `chars`), each with the
    words it was read from. `gated=False` reads with every pattern, for the gate's own test."""
    chars = pieces(text) if chars is None else chars
    found: list[Measure] = []
    for (kind, pattern), gate in zip(_PATTERNS, _GATES, strict=True):
        if gated and gate is not None and chars.isdisjoint(gate):
            continue
        for m in pattern.finditer(text):
            value = to_number(m.group(1))
            if value is None:
                continue
            words = m.group(0).strip()
            if kind == "bp":
                found.append(Measure("systolic", value, words))
                second = to_number(m.group(2)) if m.group(2) else None
                if second is not None:
                    found.append(Measure("diastolic", second, words))
            elif kind == "glucose":
                # A meter in mg/dL (or a figure only mg/dL can be) is read as mmol/L.
                found.append(
                    Measure(kind, value / 18 if m.group(2) or value > 40 else value, words)
                )
            elif kind == "temperature":
                tenth = m.group(2) if m.lastindex and m.lastindex >= 2 else None
                if tenth and value == int(value):  # 39度5
                    digit = tenth if tenth.isdigit() else str(_DIGITS.get(tenth, 0))
                    value = float(f"{int(value)}.{digit}")
                if 93 <= value <= 110:  # Fahrenheit
                    value = round((value - 32) * 5 / 9, 1)
                if 34 <= value <= 44:
                    found.append(Measure(kind, value, words))
            elif kind == "infant_days":
                unit = m.group(2)
                per = (
                    30.0
                    if ("月" in unit or "month" in unit)
                    else 7.0
                    if ("周" in unit or "星期" in unit or "week" in unit)
                    else 1.0
                )
                days = value * per + (15 if "半" in unit or "多" in unit else 0)
                found.append(Measure(kind, days, words))
            else:
                found.append(Measure(kind, value, words))
    for m in re.finditer(
        r"新生儿|刚出生|刚生下来|出生没几天|刚满月|满月|newborn|new-born|new born", text
    ):
        found.append(Measure("infant_days", 30 if "月" in m.group(0) else 14, m.group(0)))
    return found
