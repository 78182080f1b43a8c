"""Negation as a class (its scope runs across the words between it and the finding, to a word
that says something new), and the table of medicines that must not stop."""

import pytest

from linli.ledger.triage import assess
from linli.ledger.triage.medicines import vital_class


def urgency(text: str, category: str = "other") -> str:
    return assess(text, category, "normal", []).urgency


@pytest.mark.parametrize(
    "text",
    [
        "没有呼吸困难，只是咳嗽有点痰",
        "没有发现他有任何呼吸困难的样子，就是想配点止咳药",
        "不头晕也不胸闷，就想量个血压",
        "不是急事，也没人晕倒，就是想问问菜什么时候到",
        "并无胸痛，想预约上门量血压",
        "Nobody has difficulty breathing, we just need groceries",
        "No one in the flat has fainted or is bleeding, we need the bins emptied",
        "he is not, thank God, having any of that chest pain anymore, only a refill",
        "my mother does not have any chest pain at all, she needs her pills",
    ],
)
def test_a_finding_in_the_scope_of_a_negation_never_raises(text: str) -> None:
    assert urgency(text) != "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "没吃饭就晕倒了，叫不醒",  # 就: something new follows the negation
        "不知道为什么突然喘不上气",
        "没想到他突然晕倒了",
        "没有人在家，老人摔倒了起不来",
        "she does not want to eat and has crushing chest pain",
        "I do not know why but he is not breathing",
        "Dad keeps saying he doesn't want to live anymore",
    ],
)
def test_a_negation_reaches_no_further_than_its_scope(text: str) -> None:
    assert urgency(text) == "emergency"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("波立维明天就吃完了，放了支架不能断", "urgent"),
        ("my father's clopidogrel: only one tablet left, tomorrow he has none", "urgent"),
        ("Plavix runs out tonight", "urgent"),
        ("华法林今天是最后一片", "urgent"),
        ("Eliquis (apixaban) for his clot, 2 tablets left, that is today only", "urgent"),
        ("开浦兰只够吃到明天晚上", "urgent"),
        ("my son's Keppra finishes tomorrow", "urgent"),
        ("美多芭今天就断了", "urgent"),
        ("家里yds明天就没了，老妈1型糖尿病", "urgent"),
        ("他克莫司只剩一天的量，明天就没了", "urgent"),
        ("my Biktarvy runs out tomorrow", "urgent"),
        ("波立维还能吃十来天，下周能帮忙配吗", "normal"),
        ("my warfarin will run out in about ten days, can someone get more next week", "normal"),
        ("Keppra is enough for two weeks, just asking about next month", "normal"),
    ],
)
def test_a_medicine_that_must_not_stop_running_out_today_or_tomorrow_is_urgent(
    text: str, expected: str
) -> None:
    assert urgency(text, "medicine") == expected


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("波立维", "antiplatelet"),
        ("clopidogrel", "antiplatelet"),
        ("拜瑞妥", "anticoagulant"),
        ("Xarelto", "anticoagulant"),
        ("德巴金", "antiepileptic"),
        ("levetiracetam", "antiepileptic"),
        ("息宁", "parkinson"),
        ("Sinemet", "parkinson"),
        ("诺和锐", "insulin"),
        ("yds", "insulin"),
        ("速尿", "heart_failure"),
        ("Entresto", "heart_failure"),
        ("骁悉", "transplant"),
        ("Prograf", "transplant"),
        ("强的松", "steroid"),
        ("Truvada", "hiv"),
    ],
)
def test_the_table_knows_brand_and_generic_names_in_both_languages(name: str, kind: str) -> None:
    assert vital_class(name.lower()) == kind


def test_a_latin_name_is_whole_beside_chinese_but_not_inside_a_word() -> None:
    assert vital_class("家里yds明天") == "insulin"
    assert vital_class("goodyds") is None
