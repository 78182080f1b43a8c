from datetime import date
from typing import Any

import pytest

from linli.core.models import Community
from linli.ledger.models import Urgency
from linli.ledger.triage import explain, triage
from linli.people.models import Vulnerability
from tests.factories import make_resident
from tests.ledger_factories import category

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
TODAY = date(2026, 11, 23)


def test_angina_is_an_emergency_and_says_why(community_a: Community) -> None:
    result = triage(
        "老人说心绞痛，胸口疼", category("medicine"), resident=None, household=None, today=TODAY
    )
    assert result.urgency == Urgency.EMERGENCY
    assert "matched “心绞痛”" in [explain(r) for r in result.reasons]


def test_english_phrases_are_recognised() -> None:
    result = triage(
        "She has chest pain", category("other"), resident=None, household=None, today=TODAY
    )
    assert result.urgency == Urgency.EMERGENCY


def test_a_grocery_run_is_normal(community_a: Community) -> None:
    result = triage(
        "买菜：青菜两斤", category("groceries"), resident=None, household=None, today=TODAY
    )
    assert result.urgency == Urgency.NORMAL


def test_run_out_of_medicine_is_urgent() -> None:
    result = triage(
        "降压药断药了", category("medicine"), resident=None, household=None, today=TODAY
    )
    assert result.urgency == Urgency.URGENT


def test_old_person_living_alone_raises_urgency(community_a: Community) -> None:
    elder = make_resident(community_a, "王老太", born=date(1934, 5, 1))
    result = triage("买菜", category("groceries"), resident=elder, household=None, today=TODAY)
    assert result.urgency == Urgency.URGENT
    assert "王老太 lives alone, 92" in [explain(r) for r in result.reasons]


def test_dialysis_patient_raises_urgency(community_a: Community) -> None:
    patient = make_resident(community_a, "李透析", born=date(1960, 1, 1))
    Vulnerability.objects.create(
        community=community_a, resident=patient, kind=Vulnerability.Kind.DIALYSIS, since=TODAY
    )
    result = triage("需要帮助", category("other"), resident=patient, household=None, today=TODAY)
    assert result.urgency == Urgency.URGENT


def test_rules_never_lower_an_emergency(community_a: Community) -> None:
    result = triage("急症", category("emergency"), resident=None, household=None, today=TODAY)
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
    groceries = category("groceries")
    with django_assert_num_queries(2):
        result = triage("买菜", groceries, resident=None, household=home, today=TODAY)
    assert result.urgency == Urgency.URGENT
    reasons = [explain(r) for r in result.reasons]
    assert "王老太: Dialysis" in reasons
    assert not any("lives alone" in reason for reason in reasons)
