"""Triage as the words are typed: on the desk before the call is saved, on the residents' form,
and in the API's answer."""

from datetime import date
from typing import Any

import pytest
from django.conf import LazySettings
from django.test import Client
from django.urls import reverse

from linli.core.models import Community, User
from linli.core.roles import Role
from linli.ledger.models import Call, Category, Request
from linli.people.models import Vulnerability
from tests.api.factories import api_post, bearer, make_client
from tests.factories import make_resident, make_user

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def operator(client: Client, community_a: Community) -> User:
    user = make_user(Role.OPERATOR, community_a)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return user


def live(client: Client, description: str, *, phone: str = "", code: str = "", row: int = 0) -> str:
    data = {"row": str(row), "caller_number": phone, f"r-{row}-description": description}
    if code:
        data[f"r-{row}-category"] = str(Category.objects.get(code=code).pk)
    response = client.post(reverse("ledger:desk-triage"), data)
    assert response.status_code == 200
    return response.content.decode()


def test_the_desk_shows_the_120_banner_and_reasons_before_anything_is_saved(
    client: Client, operator: User
) -> None:
    page = live(client, "老人胸口痛，出冷汗", code="groceries")
    assert 'data-testid="live-emergency-banner"' in page
    assert "matched 胸口痛 + 出冷汗: chest pain or a heart problem" in page
    assert Call.objects.count() == 0 and Request.objects.count() == 0


def test_an_ordinary_row_shows_its_suggested_urgency_without_a_banner(
    client: Client, operator: User
) -> None:
    page = live(client, "降压药今天吃完了", code="medicine", row=2)
    assert 'data-testid="live-triage-2"' in page
    assert 'data-testid="live-urgency">Urgent<' in page
    assert "live-emergency-banner" not in page


def test_a_known_callers_register_raises_the_live_triage(
    client: Client, community_a: Community, operator: User
) -> None:
    patient = make_resident(community_a, "李透析", phone="13812345678", born=date(1958, 3, 1))
    Vulnerability.objects.create(
        community=community_a, resident=patient, kind="dialysis", since=date(2026, 1, 1)
    )
    unknown = live(client, "这两天没去，喘得慌", phone="13900000000")
    known = live(client, "这两天没去，喘得慌", phone="13812345678")
    assert "live-emergency-banner" not in unknown
    assert 'data-testid="live-emergency-banner"' in known
    assert "register: 李透析" in known


def test_an_empty_row_answers_nothing(client: Client, operator: User) -> None:
    assert live(client, "  ").strip() == ""


def test_gas_advice_shows_on_the_desk(client: Client, operator: User) -> None:
    page = live(client, "楼道里一股很大的煤气味")
    assert "ring 119" in page


def test_the_live_desk_triage_needs_the_operators_role(
    client: Client, community_a: Community
) -> None:
    client.force_login(make_user(Role.VOLUNTEER, community_a))
    response = client.post(reverse("ledger:desk-triage"), {"r-0-description": "胸口痛"})
    assert response.status_code == 403


def test_the_desk_page_asks_for_live_triage_on_every_row(client: Client, operator: User) -> None:
    page = client.get(reverse("ledger:desk")).content.decode()
    # 3 rows × (the category and urgency, the description, the key questions)
    assert page.count(f'hx-post="{reverse("ledger:desk-triage")}"') == 9
    assert 'id="triage-r-2"' in page


# The residents' form ----------------------------------------------------------------------------


def public_live(client: Client, community: Community, description: str, **extra: str) -> Any:
    url = reverse("public:request-triage", args=[community.code])
    return client.post(
        url, {"description": description, **extra}, headers={"Accept-Language": "en"}
    )


def test_the_residents_form_says_call_120_as_they_type_in_both_languages(
    client: Client, community_a: Community
) -> None:
    page = public_live(client, community_a, "my husband can't breathe, lips are blue")
    text = page.content.decode()
    assert 'data-testid="live-call-120"' in text
    assert "Call 120 now" in text and "请立即拨打120" in text
    assert Request.objects.count() == 0


def test_the_residents_form_reads_no_register(client: Client, community_a: Community) -> None:
    """Even with a register phone in the form, an anonymous visitor learns nothing of it."""
    patient = make_resident(community_a, "李透析", phone="13812345678", born=date(1958, 3, 1))
    Vulnerability.objects.create(
        community=community_a, resident=patient, kind="dialysis", since=date(2026, 1, 1)
    )
    text = public_live(client, community_a, "这两天没去，喘得慌", phone="13812345678")
    assert "live-call-120" not in text.content.decode()
    assert "李透析" not in text.content.decode()


def test_an_ordinary_description_shows_no_hint(client: Client, community_a: Community) -> None:
    assert public_live(client, community_a, "买菜：青菜两斤").content.decode().strip() == ""


def test_the_residents_live_triage_is_rate_limited(
    client: Client, community_a: Community, settings: LazySettings
) -> None:
    settings.LINLI_PUBLIC_FORM_LIMITS = {"triage_ip": (2, 3600)}
    assert public_live(client, community_a, "胸口痛").status_code == 200
    assert public_live(client, community_a, "胸口痛").status_code == 200
    assert public_live(client, community_a, "胸口痛").status_code == 429


def test_the_residents_form_asks_for_live_triage(client: Client, community_a: Community) -> None:
    page = client.get(reverse("public:request-form", args=[community_a.code])).content.decode()
    assert f'hx-post="{reverse("public:request-triage", args=[community_a.code])}"' in page
    assert 'id="live-triage"' in page


# The API's answer -------------------------------------------------------------------------------


def api_open(client: Client, token: str, category: str, description: str) -> Any:
    return api_post(client, token, {"category": category, "description": description})


def test_the_apis_answer_carries_the_reasons_and_what_to_tell_the_caller(
    client: Client, community_a: Community
) -> None:
    _api_client, token = make_client(community_a)
    response = api_open(client, token, "other", "厨房里一股煤气味，老人头晕")
    assert response.status_code == 201
    body = response.json()
    assert body["urgency"] == "emergency"
    assert any("gas leak or fire" in reason for reason in body["triage_reasons"])
    assert body["emergency_advice"][0].startswith("Emergency: tell the caller to ring 120")
    assert any("119" in line for line in body["emergency_advice"])
    shown = client.get(f"/api/v1/requests/{body['id']}", headers=bearer(token)).json()
    assert shown["triage_reasons"]


def test_an_ordinary_api_request_has_no_emergency_advice(
    client: Client, community_a: Community
) -> None:
    _api_client, token = make_client(community_a)
    assert api_open(client, token, "groceries", "买菜").json()["emergency_advice"] == []
