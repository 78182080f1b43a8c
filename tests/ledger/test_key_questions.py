"""The dispatcher's key questions (awake? breathing normally? the main problem) and the call-back
for a danger the words only half name: in triage, on the desk, on the request's page, on the
residents' form, in the JSON API and in Open311."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from linli.core.models import Community, User
from linli.core.roles import Role
from linli.ledger import selectors
from linli.ledger.actions import do_ask_key_questions, do_open_request
from linli.ledger.models import Category, Channel, Request
from linli.ledger.triage import advice, assess
from tests.api.factories import api_post, make_client
from tests.factories import make_user
from tests.ledger.test_desk import post_call

pytestmark = [pytest.mark.django_db]
HARMLESS = "我妈不太舒服"


@pytest.fixture
def operator(client: Client, community_a: Community) -> User:
    user = make_user(Role.OPERATOR, community_a)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return user


# Triage -----------------------------------------------------------------------------------------


def test_not_breathing_normally_is_an_emergency_whatever_the_words_say() -> None:
    result = assess("帮忙买点菜", "groceries", "normal", [], {"breathing": "no"})
    assert result.urgency == "emergency"
    with translation.override("en"):
        assert any("chest compressions" in line for line in advice(result))


def test_dont_know_counts_as_the_worse_answer_for_both_life_questions() -> None:
    for question in ("awake", "breathing"):
        assert assess("我妈", "other", "normal", [], {question: "unknown"}).urgency == "emergency"


def test_the_main_problem_feeds_the_same_rules_as_the_words() -> None:
    asked = {"awake": "yes", "breathing": "yes"}
    assert assess("帮忙", "other", "normal", [], {**asked, "problem": "chest"}).urgency == (
        "emergency"
    )
    assert assess("帮忙", "other", "normal", [], {**asked, "problem": "fall"}).urgency == "urgent"
    assert assess("帮忙", "other", "normal", [], {**asked, "problem": "other"}).urgency == "normal"


def test_a_half_named_danger_is_a_call_back_unless_both_answers_are_yes() -> None:
    assert assess(HARMLESS, "other", "normal", []).urgency == "call_back"
    assert assess("my mum is not well", "other", "normal", []).urgency == "call_back"
    reassured = assess(HARMLESS, "other", "normal", [], {"awake": "yes", "breathing": "yes"})
    assert reassured.urgency == "normal"


def test_an_ordinary_request_is_no_call_back() -> None:
    assert assess("楼道灯坏了，麻烦修一下", "repair", "low", []).urgency == "low"
    assert assess("帮我买两斤青菜", "groceries", "normal", []).urgency == "normal"


# The desk ---------------------------------------------------------------------------------------


def live(client: Client, data: dict[str, str]) -> str:
    response = client.post(reverse("ledger:desk-triage"), {"row": "0", **data})
    assert response.status_code == 200
    return response.content.decode()


def test_the_desk_asks_the_key_questions_of_a_half_named_danger(
    client: Client, operator: User
) -> None:
    page = live(client, {"r-0-description": HARMLESS})
    assert 'data-testid="live-call-back"' in page
    # The questions are swapped in beside the triage, once.
    assert 'id="kq-r-0"' in page and 'hx-swap-oob="true"' in page
    assert "live-emergency-banner" not in page


def test_not_breathing_normally_on_the_desk_shows_the_120_banner_before_saving(
    client: Client, operator: User
) -> None:
    page = live(client, {"r-0-description": HARMLESS, "r-0-asking": "1", "r-0-breathing": "no"})
    assert 'data-testid="live-emergency-banner"' in page
    assert "asked: not breathing normally" in page
    # Shown already: not swapped again, so the operator keeps their place in the questions.
    assert 'id="kq-r-0"' not in page
    assert Request.objects.count() == 0


def test_an_unknown_answer_while_typing_leaves_out_only_that_answer(
    client: Client, operator: User
) -> None:
    page = live(
        client,
        {"r-0-description": "买菜", "r-0-asking": "1", "r-0-awake": "maybe", "r-0-breathing": "no"},
    )
    assert 'data-testid="live-emergency-banner"' in page


def test_the_questions_are_swapped_out_when_the_row_is_no_longer_about_health(
    client: Client, operator: User
) -> None:
    page = live(client, {"r-0-description": "帮我买两斤青菜", "r-0-asking": "1"})
    assert 'id="kq-r-0"' in page and " hidden" in page


def test_the_answers_are_kept_with_the_request_and_shown_on_it(
    client: Client, community_a: Community, operator: User
) -> None:
    post_call(client, "13812345678", [("other", HARMLESS)], **{"r-0-breathing": "no"})
    item = Request.objects.get()
    assert item.key_answers == {"breathing": "no"}
    assert item.urgency == "emergency"
    page = client.get(reverse("ledger:request-detail", args=[item.pk])).content.decode()
    assert 'data-testid="key-answers"' in page and "Are they breathing normally? no" in page


def test_an_answer_the_desk_does_not_know_is_refused_by_its_field(
    client: Client, community_a: Community, operator: User
) -> None:
    response = post_call(client, "13812345678", [("other", HARMLESS)], **{"r-0-awake": "maybe"})
    assert response.status_code == 200
    assert 'data-testid="row-error-awake"' in response.content.decode()
    assert not Request.objects.exists()


# The call-back ----------------------------------------------------------------------------------


def test_a_call_back_is_due_in_ten_minutes_and_first_in_the_worklist(
    community_a: Community, operator: User
) -> None:
    other = Category.objects.get(code="other")
    emergency = do_open_request(
        community_a, actor=operator, channel=Channel.HOTLINE, category=other,
        description="老人胸口痛，出冷汗",
    ).request  # fmt: skip
    call_back = do_open_request(
        community_a, actor=operator, channel=Channel.HOTLINE, category=other,
        description=HARMLESS,
    ).request  # fmt: skip
    assert call_back.urgency == "call_back"
    assert call_back.deadline - call_back.created_at == timedelta(minutes=10)
    ordered = list(selectors.most_pressing_first(Request.objects.all()))
    assert ordered == [call_back, emergency]


def test_ringing_back_settles_a_call_back_or_raises_it(
    community_a: Community, operator: User
) -> None:
    other = Category.objects.get(code="other")

    def opened() -> Request:
        return do_open_request(
            community_a, actor=operator, channel=Channel.HOTLINE, category=other,
            description=HARMLESS,
        ).request  # fmt: skip

    settled = do_ask_key_questions(
        opened(), actor=operator, answers={"awake": "yes", "breathing": "yes"}
    )
    assert settled.urgency == "normal"
    raised = do_ask_key_questions(opened(), actor=operator, answers={"awake": "no"})
    assert raised.urgency == "emergency"
    assert raised.key_answers == {"awake": "no"}


def test_the_request_page_asks_the_key_questions_of_a_call_back(
    client: Client, community_a: Community, operator: User
) -> None:
    worker = make_user(Role.WORKER, community_a)
    item = do_open_request(
        community_a, actor=operator, channel=Channel.HOTLINE,
        category=Category.objects.get(code="other"), description=HARMLESS,
    ).request  # fmt: skip
    client.force_login(worker)
    page = client.get(reverse("ledger:request-detail", args=[item.pk])).content.decode()
    assert 'data-testid="call-back-banner"' in page and 'data-testid="ask-key-questions"' in page
    client.post(
        reverse("ledger:request-action", args=[item.pk, "ask"]),
        {"awake": "yes", "breathing": "unknown"},
    )
    item.refresh_from_db()
    assert item.urgency == "emergency"
    assert item.key_answers == {"awake": "yes", "breathing": "unknown"}


# The residents' form ----------------------------------------------------------------------------


def test_a_no_on_the_residents_form_says_call_120_now_in_both_languages(
    client: Client, community_a: Community
) -> None:
    url = reverse("public:request-triage", args=[community_a.code])
    page = client.post(url, {"description": HARMLESS, "breathing": "no"}).content.decode()
    assert 'data-testid="live-call-120"' in page
    assert "Call 120 now" in page and "请立即拨打120" in page
    calm = client.post(url, {"description": HARMLESS, "awake": "yes", "breathing": "yes"})
    assert "live-call-120" not in calm.content.decode()


def test_the_residents_answers_are_kept_with_their_request(
    client: Client, community_a: Community
) -> None:
    response = client.post(
        reverse("public:request-form", args=[community_a.code]),
        {
            "phone": "13812345678",
            "room": "3-502",
            "category": "other",
            "description": HARMLESS,
            "awake": "no",
        },
    )
    assert response.status_code == 302
    item = Request.objects.get()
    assert item.key_answers == {"awake": "no"} and item.urgency == "emergency"


# The JSON API and Open311 -----------------------------------------------------------------------


def test_the_api_takes_the_key_questions_and_answers_with_them(
    client: Client, community_a: Community
) -> None:
    _api_client, token = make_client(community_a)
    body = {"category": "other", "description": HARMLESS}
    asked = api_post(client, token, {**body, "breathing": "no", "problem": "chest"}).json()
    assert asked["urgency"] == "emergency"
    assert asked["key_answers"] == {"breathing": "no", "problem": "chest"}
    assert asked["emergency_advice"]
    # Left out, the words alone are triaged as before: a call-back, nothing asked.
    plain = api_post(client, token, body).json()
    assert (plain["urgency"], plain["key_answers"]) == ("call_back", {})


def test_the_api_refuses_an_answer_it_does_not_know_by_its_field(
    client: Client, community_a: Community
) -> None:
    _api_client, token = make_client(community_a)
    response = api_post(client, token, {"category": "other", "description": "x", "awake": "maybe"})
    assert response.status_code == 422
    assert "awake" in response.content.decode()
    assert not Request.objects.exists()


def test_open311_takes_the_key_questions_as_attributes(
    client: Client, community_a: Community
) -> None:
    _api_client, token = make_client(community_a)

    def post(**attributes: str) -> Request:
        response = client.post(
            "/open311/v2/requests.json",
            {
                "api_key": token,
                "service_code": "meals",
                "description": HARMLESS,
                "address_string": "3-502",
                **attributes,
            },
        )
        assert response.status_code == 200, response.content
        return Request.objects.get(pk=int(response.json()[0]["service_request_id"]))

    asked = post(**{"attribute[awake]": "no"})
    assert (asked.urgency, asked.key_answers) == ("emergency", {"awake": "no"})
    assert post().urgency == "call_back"  # the text alone, as before
    refused = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": token,
            "service_code": "meals",
            "description": "x",
            "attribute[breathing]": "?!",
        },
    )
    assert refused.status_code == 400
    assert Request.objects.count() == 2  # the refusal wrote nothing


def test_the_home_panel_counts_the_requests_to_ring_back_now(
    client: Client, community_a: Community, operator: User
) -> None:
    do_open_request(
        community_a, actor=operator, channel=Channel.HOTLINE,
        category=Category.objects.get(code="other"), description=HARMLESS,
    )  # fmt: skip
    page = client.get("/").content.decode()
    assert 'data-testid="count-call-back"><strong>1</strong>' in page


def test_a_call_back_reads_in_chinese_on_the_request_page(
    community_a: Community, operator: User
) -> None:
    item = do_open_request(
        community_a, actor=operator, channel=Channel.HOTLINE,
        category=Category.objects.get(code="other"), description=HARMLESS,
    ).request  # fmt: skip
    worker = Client()
    worker.cookies["django_language"] = "zh-hans"
    worker.force_login(make_user(Role.WORKER, community_a))
    page = worker.get(reverse("ledger:request-detail", args=[item.pk])).content.decode()
    assert "立即回拨" in page and "请立即回拨来电人，问关键问题" in page
    assert "病人清醒吗？叫他能答应吗？" in page and "不知道" in page
    assert "可能有危险，但规则无法判断" in page  # the reason, in Chinese


def test_a_volunteer_handed_a_call_back_is_not_asked_to_record_the_answers(
    community_a: Community, operator: User
) -> None:
    volunteer = make_user(Role.VOLUNTEER, community_a)
    item = do_open_request(
        community_a, actor=operator, channel=Channel.HOTLINE,
        category=Category.objects.get(code="other"), description=HARMLESS,
    ).request  # fmt: skip
    Request.objects.filter(pk=item.pk).update(assignee=volunteer)
    client = Client()
    client.force_login(volunteer)
    page = client.get(reverse("ledger:request-detail", args=[item.pk])).content.decode()
    assert 'data-testid="ask-key-questions"' not in page
    refused = client.post(reverse("ledger:request-action", args=[item.pk, "ask"]), {"awake": "no"})
    assert refused.status_code == 403
    item.refresh_from_db()
    assert item.key_answers == {}
