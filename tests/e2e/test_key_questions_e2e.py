"""The dispatcher's key questions in a real browser, in Chinese and in English: an operator asks
them of a call whose words are harmless, and a resident answers them on the public form."""

import pytest
from playwright.sync_api import Page, expect

from linli.core.roles import Role
from linli.ledger.models import Call, Request
from tests.e2e.test_login_e2e import log_in
from tests.factories import PASSWORD, make_area, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
LANGUAGES = ("zh-hans", "en")
NO = {"zh-hans": "否", "en": "no"}
CALL_120 = {"zh-hans": "立即拨打120", "en": "Call 120 now"}


def in_language(page: Page, language: str) -> None:
    if language == "en":
        page.get_by_test_id("lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_not_breathing_normally_shows_the_120_banner_before_saving(
    page: Page, language: str
) -> None:
    community = make_area()
    operator = make_user(Role.OPERATOR, community)
    log_in(page, operator.username, PASSWORD)
    in_language(page, language)
    page.goto("/ledger/desk/")
    page.get_by_test_id("caller-number").fill("13812345678")

    page.locator("textarea[name=r-0-description]").press_sequentially("我妈不太舒服")
    # Words that half name a danger: ring back, and the key questions come up to be asked.
    expect(page.get_by_test_id("live-call-back")).to_be_visible()
    questions = page.get_by_test_id("key-questions-0")
    expect(questions).to_be_visible()
    expect(page.get_by_test_id("live-emergency-banner")).to_have_count(0)

    # From the keyboard: the first question's radios, then Tab to the second, a *no*.
    questions.get_by_test_id("kq-awake-0").get_by_label(NO[language], exact=True).check()
    page.get_by_test_id("kq-breathing-0").get_by_label(NO[language], exact=True).focus()
    page.keyboard.press("Space")
    expect(page.get_by_test_id("live-emergency-banner")).to_be_visible()
    expect(page.get_by_test_id("live-triage-0")).to_contain_text(
        "呼吸不正常" if language == "zh-hans" else "not breathing normally"
    )
    assert Call.objects.count() == 0  # before saving

    page.locator("textarea[name=r-0-description]").press("Control+Enter")
    expect(page.get_by_test_id("opened-0")).to_be_visible()
    item = Request.objects.get()
    assert item.urgency == "emergency"
    assert item.key_answers == {"awake": "no", "breathing": "no"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_no_on_the_public_form_says_call_120_now_in_the_residents_language(
    page: Page, language: str
) -> None:
    community = make_area()
    page.goto(f"/r/{community.code}/")
    in_language(page, language)
    page.locator("[name=description]").fill("my father" if language == "en" else "我爸爸")
    expect(page.get_by_test_id("live-call-120")).to_have_count(0)
    # "Breathing normally?" answered no: its radios are the second group of yes / no / don't know.
    page.locator("input[name=breathing][value=no]").check()
    hint = page.get_by_test_id("live-call-120")
    expect(hint).to_be_visible()
    # In the resident's own language first, then in the other.
    expect(hint.locator("p").first).to_have_attribute("lang", language)
    expect(hint.locator("p").first).to_contain_text(CALL_120[language])
    assert Request.objects.count() == 0
