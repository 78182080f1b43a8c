"""An emergency at the desk is as quick to record as triage is to see it: the row takes the
category 急症 that triage implies, the 120 banner stays on a form shown again, and the operator
hands the emergency to someone at once."""

import pytest
from django.test import Client
from django.urls import reverse

from linli.core.actions import do_save_team
from linli.core.models import Community, User
from linli.core.roles import Role
from linli.ledger.models import Call, Category, Request
from linli.ledger.policy import REQUESTS
from tests.factories import make_resident, make_user
from tests.ledger.factories import make_request
from tests.ledger.test_desk import post_call

pytestmark = pytest.mark.django_db

STROKE = "我妈突然说话不清楚，嘴歪了"


@pytest.fixture
def operator(community_a: Community) -> User:
    return make_user(Role.OPERATOR, community_a)


def signed_in(user: User, language: str = "zh-hans") -> Client:
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(user)
    return client


def test_a_call_saved_without_a_category_files_an_emergency_under_急症(
    community_a: Community, operator: User
) -> None:
    make_resident(community_a, "李秀英", phone="13812345678")
    response = post_call(signed_in(operator), "13812345678", [("", STROKE)])

    assert response.status_code == 302
    request = Request.objects.get()
    assert (request.category.code, request.urgency) == ("emergency", "emergency")


def test_an_ordinary_row_without_a_category_is_still_asked_for_one(
    community_a: Community, operator: User
) -> None:
    response = post_call(signed_in(operator, "en"), "13812345678", [("", "想问问什么时候发菜")])

    assert response.status_code == 200
    assert response.context["rows"].forms[0].errors["category"] == ["choose a category"]
    assert not Call.objects.exists()


def test_the_form_shown_again_keeps_the_120_banner_and_the_category(
    community_a: Community, operator: User
) -> None:
    response = post_call(signed_in(operator), "不是号码", [("", STROKE)])

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="live-emergency-banner"' in html
    emergency = Category.objects.get(code="emergency")
    assert f'<option value="{emergency.pk}" selected>' in html
    assert not Request.objects.exists()


def test_live_triage_chooses_急症_for_a_row_with_no_category_only(
    community_a: Community, operator: User
) -> None:
    client = signed_in(operator)
    emergency = Category.objects.get(code="emergency")
    medicine = Category.objects.get(code="medicine")

    bare = client.post(reverse("ledger:desk-triage"), {"row": "1", "r-1-description": STROKE})
    chosen = client.post(
        reverse("ledger:desk-triage"),
        {"row": "1", "r-1-description": STROKE, "r-1-category": str(medicine.pk)},
    )

    html = bare.content.decode()
    assert 'id="id_r-1-category"' in html and 'hx-swap-oob="true"' in html
    assert f'<option value="{emergency.pk}" selected>' in html
    assert 'data-testid="live-emergency-banner"' in html
    assert 'id="id_r-1-category"' not in chosen.content.decode()  # the operator's choice stays


def test_the_operator_hands_an_emergency_to_a_volunteer_from_the_call_page(
    community_a: Community, operator: User
) -> None:
    volunteer = make_user(Role.VOLUNTEER, community_a)
    client = signed_in(operator)
    post_call(client, "13812345678", [("emergency", STROKE)])
    call = Call.objects.get()
    page = client.get(reverse("ledger:call-detail", args=[call.pk])).content.decode()
    request = Request.objects.get()

    assert 'data-testid="hand-over-0"' in page
    client.post(
        reverse("ledger:request-action", args=[request.pk, "assign"]),
        {"assignee": str(volunteer.pk)},
    )
    request.refresh_from_db()
    assert (request.assignee, request.status) == (volunteer, "assigned")


def test_the_operator_hands_an_emergency_to_a_team_but_not_an_ordinary_request(
    community_a: Community, operator: User, worker_a: User
) -> None:
    volunteer = make_user(Role.VOLUNTEER, community_a)
    team = do_save_team(
        community_a, actor=worker_a, name="夜间应急组", lead=volunteer, members=[volunteer]
    )
    ordinary = make_request(community_a, operator).request
    emergency = make_request(community_a, operator, code="emergency", description=STROKE).request
    client = signed_in(operator)

    refused = client.post(
        reverse("ledger:request-action", args=[ordinary.pk, "assign"]), {"team": str(team.pk)}
    )
    client.post(
        reverse("ledger:request-action", args=[emergency.pk, "assign"]), {"team": str(team.pk)}
    )

    assert refused.status_code == 403
    emergency.refresh_from_db()
    assert emergency.team == team
    assert not REQUESTS.may(operator, ordinary, "assign")
    other_operator = make_user(Role.OPERATOR, make_resident(community_a).community)
    assert REQUESTS.may(other_operator, emergency, "assign")
