"""Medicines that must not stop, by class, with the names callers use for them: brand and
generic, in Chinese and in English, and the pinyin initials a hurried message writes (yds for
胰岛素). Running out of one today or tomorrow makes a request urgent (`rules`); later in the
week it is an ordinary medicine run.

A table rather than patterns, so that a pharmacist can read and extend it.
"""

import re

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

VITAL: dict[str, tuple[Promise, tuple[str, ...]]] = {
    "antiplatelet": (
        _("an antiplatelet (after a stent it must not stop)"),
        ("波立维", "氯吡格雷", "泰嘉", "替格瑞洛", "倍林达", "拜阿司匹林", "阿司匹林肠溶片",
         "clopidogrel", "plavix", "ticagrelor", "brilinta", "prasugrel", "effient"),
    ),
    "anticoagulant": (
        _("an anticoagulant"),
        ("华法林", "利伐沙班", "拜瑞妥", "达比加群", "泰毕全", "阿哌沙班", "艾乐妥", "依度沙班",
         "抗凝药", "warfarin", "coumadin", "rivaroxaban", "xarelto", "apixaban", "eliquis",
         "dabigatran", "pradaxa", "edoxaban", "blood thinners?"),
    ),
    "antiepileptic": (
        _("an antiepileptic (a stop can bring fits)"),
        ("左乙拉西坦", "开浦兰", "丙戊酸", "德巴金", "卡马西平", "得理多", "拉莫三嗪", "利必通",
         "奥卡西平", "曲莱", "苯妥英", "托吡酯", "妥泰", "抗癫痫药", "keppra", "levetiracetam",
         "valpro\\w*", "depakote", "depakine", "epilim", "carbamazepine", "tegretol",
         "lamotrigine", "lamictal", "oxcarbazepine", "trileptal", "phenytoin", "dilantin",
         "topiramate", "topamax", "seizure (?:meds|medicine|medication|pills|tablets)"),
    ),
    "parkinson": (
        _("a Parkinson's drug (without it they may freeze)"),
        ("美多芭", "多巴丝肼", "左旋多巴", "息宁", "卡左双多巴", "森福罗", "普拉克索", "罗匹尼罗",
         "madopar", "sinemet", "levodopa", "carbidopa", "pramipexole", "mirapex", "sifrol",
         "ropinirole", "requip", "parkinson'?s (?:meds|medicine|medication|pills|tablets)"),
    ),
    "insulin": (
        _("insulin"),
        ("胰岛素", "诺和锐", "诺和灵", "诺和平", "来得时", "甘精", "优泌乐", "优泌林", "门冬",
         "赖脯", "地特", "德谷", "yds", "insulin", "novorapid", "novolog", "lantus",
         "humalog", "levemir", "tresiba", "toujeo", "basaglar", "apidra"),
    ),
    "heart_failure": (
        _("a heart-failure drug"),
        ("呋塞米", "速尿", "托拉塞米", "螺内酯", "安体舒通", "地高辛", "沙库巴曲", "诺欣妥",
         "furosemide", "frusemide", "lasix", "torsemide", "bumetanide", "spironolactone",
         "digoxin", "lanoxin", "entresto", "water (?:pills|tablets)"),
    ),
    "transplant": (
        _("an immunosuppressant after a transplant"),
        ("他克莫司", "普乐可复", "环孢素", "新山地明", "吗替麦考酚酯", "骁悉", "西罗莫司",
         "抗排异药", "抗排斥药", "tacrolimus", "prograf", "advagraf", "cyclosporin\\w*",
         "ciclosporin\\w*", "neoral", "mycophenolate", "cellcept", "myfortic", "sirolimus",
         "anti-?rejection (?:meds|medicine|drugs|pills)"),
    ),
    "steroid": (
        _("a steroid (it must not stop suddenly)"),
        ("强的松", "泼尼松", "甲泼尼龙", "美卓乐", "氢化可的松", "地塞米松", "激素药",
         "prednisone", "prednisolone", "methylprednisolone", "medrol", "hydrocortisone",
         "dexamethasone", "steroids?"),
    ),
    "hiv": (
        _("an HIV antiretroviral"),
        ("替诺福韦", "拉米夫定", "依非韦伦", "多替拉韦", "必妥维", "艾考恩丙替", "捷扶康", "绥美凯",
         "抗病毒药", "艾滋病药", "tenofovir", "truvada", "descovy", "biktarvy", "dolutegravir",
         "tivicay", "triumeq", "efavirenz", "lamivudine", "genvoya", "odefsey", "arvs?",
         "antiretroviral\\w*", "hiv (?:meds|medicine|medication|pills|tablets|drugs)"),
    ),
    "heart_rhythm": (
        _("a heart-rhythm drug"),
        ("胺碘酮", "可达龙", "倍他乐克", "美托洛尔", "比索洛尔", "康忻", "amiodarone",
         "cordarone", "metoprolol", "betaloc", "bisoprolol", "concor"),
    ),
    "thyroid": (
        _("thyroid hormone after the thyroid was removed"),
        ("优甲乐", "左甲状腺素", "雷替斯", "加衡", "levothyroxine", "euthyrox", "synthroid",
         "eltroxin", "thyroxine"),
    ),
    "cancer_pain": (
        _("opioid pain relief in cancer"),
        ("美施康定", "奥施康定", "硫酸吗啡", "吗啡", "芬太尼贴", "多瑞吉", "morphine", "oxycontin",
         "ms contin", "fentanyl patch", "durogesic"),
    ),
    "mood_stabiliser": (
        _("a mood stabiliser"),
        ("碳酸锂", "锂盐", "lithium", "priadel"),
    ),
    "blood_pressure": (
        _("a blood-pressure drug"),
        ("拜新同", "硝苯地平控释片", "络活喜", "代文", "缬沙坦", "adalat", "nifedipine", "norvasc",
         "amlodipine", "valsartan", "diovan"),
    ),
    "asthma": (
        _("an asthma or COPD inhaler"),
        ("信必可", "舒利迭", "万托林", "沙丁胺醇", "思力华", "布地奈德", "symbicort", "seretide",
         "advair", "ventolin", "salbutamol", "albuterol", "spiriva", "inhaler"),
    ),
    "adrenal": (
        _("hydrocortisone for adrenal insufficiency"),
        ("肾上腺皮质功能", "addison'?s"),
    ),
}  # fmt: skip

_NAMES = sorted({name for _label, names in VITAL.values() for name in names}, key=len, reverse=True)


def _word(name: str) -> str:
    # Latin names whole, also beside Chinese characters ("家里yds明天"), where \b does not part.
    return rf"(?<![a-z]){name}(?![a-z])" if name.isascii() else name


# Any name of the table, as a pattern.
NAMES = "(?:" + "|".join(_word(n) for n in _NAMES) + ")"
_CLASS_OF = [
    (re.compile("|".join(_word(n) for n in names)), code) for code, (_label, names) in VITAL.items()
]


def vital_class(words: str) -> str | None:
    """The class of the medicine `words` name, or None."""
    for pattern, code in _CLASS_OF:
        if pattern.search(words):
            return code
    return None


def label(code: str) -> str:
    return str(VITAL[code][0]) if code in VITAL else code
