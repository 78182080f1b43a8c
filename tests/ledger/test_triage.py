from datetime import date, timedelta
from typing import Any

import pytest

from linli.core.models import Community
from linli.ledger.models import Urgency
from linli.ledger.triage import explain, triage
from linli.people.models import Resident, Vulnerability
from tests.factories import make_resident
from tests.ledger.factories import make_category

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
TODAY = date(2026, 11, 23)


def test_angina_is_an_emergency_and_says_why(community_a: Community) -> None:
    result = triage(
        "老人说心绞痛，胸口疼",
        make_category("medicine"),
        resident=None,
        household=None,
        today=TODAY,
    )
    assert result.urgency == Urgency.EMERGENCY
    assert "matched 心绞痛 + 胸口疼: chest pain or a heart problem" in result.explained()


def test_english_phrases_are_recognised() -> None:
    result = triage(
        "She has chest pain", make_category("other"), resident=None, household=None, today=TODAY
    )
    assert result.urgency == Urgency.EMERGENCY


def test_a_grocery_run_is_normal(community_a: Community) -> None:
    result = triage(
        "买菜：青菜两斤", make_category("groceries"), resident=None, household=None, today=TODAY
    )
    assert result.urgency == Urgency.NORMAL


def test_run_out_of_medicine_is_urgent() -> None:
    result = triage(
        "降压药断药了", make_category("medicine"), resident=None, household=None, today=TODAY
    )
    assert result.urgency == Urgency.URGENT


def test_old_person_living_alone_raises_urgency(community_a: Community) -> None:
    elder = make_resident(community_a, "王老太", born=date(1934, 5, 1))
    result = triage("买菜", make_category("groceries"), resident=elder, household=None, today=TODAY)
    assert result.urgency == Urgency.URGENT
    assert "王老太 lives alone, 92" in [explain(r) for r in result.reasons]


def test_a_tenant_of_unknown_age_is_triaged_from_the_words_and_their_groups(
    community_a: Community,
) -> None:
    tenant = make_resident(community_a, "阿卜杜拉", id_number="")
    Resident.objects.filter(pk=tenant.pk).update(date_of_birth=None)
    tenant.refresh_from_db()
    Vulnerability.objects.create(
        community=community_a, resident=tenant, kind=Vulnerability.Kind.DIALYSIS, since=TODAY
    )

    plain = triage("需要帮助", make_category("other"), resident=tenant, household=None, today=TODAY)
    words = triage("胸口疼", make_category("other"), resident=tenant, household=None, today=TODAY)

    assert plain.urgency == Urgency.URGENT  # dialysis, whatever the age
    assert words.urgency == Urgency.EMERGENCY


def test_dialysis_patient_raises_urgency(community_a: Community) -> None:
    patient = make_resident(community_a, "李透析", born=date(1960, 1, 1))
    Vulnerability.objects.create(
        community=community_a, resident=patient, kind=Vulnerability.Kind.DIALYSIS, since=TODAY
    )
    result = triage(
        "需要帮助", make_category("other"), resident=patient, household=None, today=TODAY
    )
    assert result.urgency == Urgency.URGENT


def test_rules_never_lower_an_emergency(community_a: Community) -> None:
    result = triage("急症", make_category("emergency"), resident=None, household=None, today=TODAY)
    assert result.urgency == Urgency.EMERGENCY


def test_a_household_caller_is_triaged_from_every_member_in_two_queries(
    community_a: Community, django_assert_num_queries: Any
) -> None:
    """A landline matches a household, not a person: each member's groups count, and an elder
    sharing the home is not living alone; the register is read in two queries however many
    live there."""
    from linli.people.models import Resident

    first = make_resident(community_a, "王老太", born=date(1934, 5, 1))
    home = first.household
    for n, name in enumerate(["王一", "王二", "王三"]):
        Resident.objects.create(
            community=community_a,
            household=home,
            name=name,
            sex=Resident.Sex.MALE,
            date_of_birth=date(1970 + n, 1, 1),
            id_number="",
        )
    Vulnerability.objects.create(
        community=community_a, resident=first, kind=Vulnerability.Kind.DIALYSIS, since=TODAY
    )
    groceries = make_category("groceries")
    with django_assert_num_queries(2):
        result = triage("买菜", groceries, resident=None, household=home, today=TODAY)
    assert result.urgency == Urgency.URGENT
    reasons = [explain(r) for r in result.reasons]
    assert "王老太: Dialysis" in reasons
    assert not any("lives alone" in reason for reason in reasons)


def _alone(result_text: str, code: str = "other") -> str:
    return triage(
        result_text, make_category(code), resident=None, household=None, today=TODAY
    ).urgency


@pytest.mark.parametrize(
    "text",
    [
        "胸闷气短，喘不过气",
        "心口疼得厉害",
        "气喘不上来",
        "我爸叫不醒了",
        "突然嘴歪了，说话也不清楚",
        "羊水破了",
        "吃了一瓶安眠药",
        "不想活了",
        "三个月宝宝发烧39度",
        "摔了起不来，头磕破了流血",
        "低血糖，出汗发抖",
        "my dad's chest feels tight and he is sweating",
        "she can't breathe, her lips are blue",
    ],
)
def test_emergencies_said_the_everyday_way_are_caught(text: str) -> None:
    assert _alone(text) == Urgency.EMERGENCY


@pytest.mark.parametrize(
    "text",
    [
        "没有胸痛，降压药快吃完了",
        "no chest pain, just needs groceries",
        "上周心梗放了支架",
        "去年中风过",
        "前天晕倒过，医院查过了没事",
        "the noise is giving me a heart attack",
    ],
)
def test_negated_past_and_figurative_mentions_are_not_emergencies(text: str) -> None:
    assert _alone(text, "groceries") != Urgency.EMERGENCY


def test_a_standing_condition_is_not_an_emergency(community_a: Community) -> None:
    result = triage(
        "他中风后卧床，申请上门核酸",
        make_category("home_testing"),
        resident=None,
        household=None,
        today=TODAY,
    )
    assert result.urgency == Urgency.NORMAL
    assert "“中风” not counted: a standing condition or its medicine" in result.explained()


@pytest.mark.parametrize(
    "text", ["降压药今天吃完了", "I ran out of insulin", "独居老人从昨天起电话没人接"]
)
def test_amber_flags_make_a_request_urgent(text: str) -> None:
    assert _alone(text, "medicine") == Urgency.URGENT


def test_medicine_running_low_in_a_few_days_is_not_urgent() -> None:
    assert _alone("降压药快吃完了，还剩三天", "medicine") == Urgency.NORMAL


def test_the_reasons_name_the_sign_the_words_and_the_register(community_a: Community) -> None:
    elder = make_resident(community_a, "王奶奶", born=date(1942, 3, 1))
    elder.mobility = "bedridden"
    elder.save(update_fields=["mobility"])
    result = triage(
        "老人胸口痛，出冷汗", make_category("other"), resident=elder, household=None, today=TODAY
    )
    assert result.urgency == Urgency.EMERGENCY
    reasons = result.explained()
    assert "matched 胸口痛 + 出冷汗: chest pain or a heart problem" in reasons
    assert "王奶奶 lives alone, 84" in reasons


def test_figures_that_are_red_flags() -> None:
    assert _alone("血氧８８，人有点累") == Urgency.EMERGENCY
    assert _alone("血糖2点8，手抖") == Urgency.EMERGENCY
    assert _alone("高压一百九，头晕") == Urgency.EMERGENCY
    assert _alone("血氧96，想配点药") != Urgency.EMERGENCY
    assert _alone("血压135/85，想问问降压药") != Urgency.EMERGENCY


def test_the_register_alone_raises_a_dialysis_patients_breathlessness(
    community_a: Community,
) -> None:
    """ "没去，喘" from a caller the register does not know is urgent (breathless); from a
    dialysis patient it is an emergency, as it is when they say "没去透析，喘"."""
    patient = make_resident(community_a, "李透析", born=date(1960, 1, 1))
    Vulnerability.objects.create(
        community=community_a, resident=patient, kind=Vulnerability.Kind.DIALYSIS, since=TODAY
    )
    other = make_category("other")
    assert _alone("这两天没去，喘得慌") == Urgency.URGENT
    for words in ("这两天没去，喘得慌", "没去透析，喘"):
        result = triage(words, other, resident=patient, household=None, today=TODAY)
        assert result.urgency == Urgency.EMERGENCY, words
        assert any(
            "dialysis patient with symptoms; register: 李透析" in r for r in result.explained()
        )


def test_a_chemotherapy_patients_fever_is_an_emergency(community_a: Community) -> None:
    patient = make_resident(community_a, "赵化疗", born=date(1970, 1, 1))
    Vulnerability.objects.create(
        community=community_a, resident=patient, kind=Vulnerability.Kind.CHEMO, since=TODAY
    )
    words = "发烧38度2，想请医生来看看"
    assert _alone(words) == Urgency.URGENT
    result = triage(words, make_category("other"), resident=patient, household=None, today=TODAY)
    assert result.urgency == Urgency.EMERGENCY


def test_an_infant_of_the_register_with_fever(community_a: Community) -> None:
    baby = make_resident(community_a, "小宝", born=TODAY - timedelta(days=50))
    words = "孩子发烧了，38度5"
    assert _alone(words) == Urgency.URGENT
    result = triage(words, make_category("other"), resident=baby, household=None, today=TODAY)
    assert result.urgency == Urgency.EMERGENCY


def test_suicidal_worry_of_a_relative_counts_but_a_figure_of_speech_does_not() -> None:
    assert _alone("怕他想不开，他这两天一直说活着没意思") == Urgency.EMERGENCY
    assert _alone("想死你们了，想约社区活动") != Urgency.EMERGENCY
    assert _alone("热死了，空调坏了", "repair") != Urgency.EMERGENCY


def test_gas_advice_is_to_leave_and_ring_119() -> None:
    from linli.ledger.triage import advice

    result = triage(
        "厨房一股煤气味", make_category("other"), resident=None, household=None, today=TODAY
    )
    assert result.urgency == Urgency.EMERGENCY
    assert any("119" in line for line in advice(result))


def test_requests_triaged_before_the_signs_still_explain() -> None:
    assert explain({"code": "phrase", "phrase": "胸痛", "level": "emergency"}) == "matched “胸痛”"


def test_gating_the_patterns_never_changes_what_is_read() -> None:
    """Patterns whose every match needs a piece the text lacks are not run: on every text of
    the corpus that leaves the findings and the figures exactly as running them all."""
    from linli.ledger.triage import read_findings
    from linli.ledger.triage.text import measures, normalise
    from tests.ledger.triage_cases import HERE, load

    texts = [c.text for path in sorted(HERE.glob("triage_*.tsv")) for c in load(path.name)]
    assert len(texts) > 1000
    for text in texts:
        n = normalise(text)
        assert read_findings(n) == read_findings(n, gated=False), text
        assert measures(n) == measures(n, gated=False), text
