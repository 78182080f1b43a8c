from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from linli.core.roles import Role
from linli.ledger.actions import do_escalate_late, do_open_request
from linli.ledger.models import Call, Request
from linli.people.models import Vulnerability
from tests.e2e.test_login_e2e import log_in
from tests.factories import PASSWORD, make_area, make_resident, make_user
from tests.ledger.factories import make_category

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_call_to_callback_and_a_late_request_escalates(page: Page) -> None:
    community = make_area()
    make_resident(community, "张三", phone="13812345678")
    operator = make_user(Role.OPERATOR, community)
    worker = make_user(Role.WORKER, community)

    # The operator takes a call from a known number and records two requests.
    log_in(page, operator.username, PASSWORD)
    page.goto("/ledger/desk/")
    page.get_by_test_id("caller-number").fill("13812345678")
    expect(page.get_by_test_id("household-card")).to_contain_text("张三")
    page.locator("select[name=r-0-category]").select_option(label="代配药")
    page.locator("textarea[name=r-0-description]").fill("心绞痛发作，需要送药")
    page.locator("select[name=r-1-category]").select_option(label="生活物资")
    page.locator("textarea[name=r-1-description]").fill("买菜：青菜、鸡蛋")
    page.locator("textarea[name=r-1-description]").press("Control+Enter")

    emergency = page.get_by_test_id("opened-0")
    expect(emergency.get_by_test_id("urgency")).to_have_text("紧急")
    expect(emergency.get_by_test_id("triage-reasons")).to_contain_text("心绞痛")
    expect(page.get_by_test_id("emergency-banner")).to_be_visible()
    page.get_by_test_id("call120").click()
    expect(page.get_by_test_id("call120-done")).to_be_visible()
    groceries = Request.objects.get(category__code="groceries")
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()

    # A worker claims the grocery run, completes it, and the callback confirms it.
    log_in(page, worker.username, PASSWORD)
    page.goto(f"/ledger/requests/{groceries.pk}/")
    page.get_by_test_id("claim").click()
    expect(page.get_by_test_id("assignee")).to_contain_text(worker.username)
    page.get_by_test_id("start").click()
    page.get_by_test_id("result").fill("已送到门口")
    page.get_by_test_id("complete").click()
    page.get_by_test_id("callback-note").fill("居民确认收到")
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("status")).to_have_text("已回访确认")
    expect(page.get_by_test_id("timeline")).to_contain_text("已回访确认")

    # A request left past its deadline is escalated to the community head.
    old = do_open_request(
        community,
        actor=operator,
        channel="hotline",
        category=make_category("repair"),
        description="楼道灯坏了",
        at=timezone.now() - timedelta(hours=80),
    ).request
    assert do_escalate_late() == 1
    page.goto(f"/ledger/requests/{old.pk}/")
    expect(page.get_by_test_id("late")).to_be_visible()
    expect(page.get_by_test_id("escalation")).to_contain_text("居委")
    expect(page.get_by_test_id("timeline")).to_contain_text("已升级")


def test_the_120_banner_shows_on_the_desk_before_the_call_is_saved(page: Page) -> None:
    community = make_area()
    patient = make_resident(community, "李透析", phone="13812345678")
    Vulnerability.objects.create(
        community=community, resident=patient, kind="dialysis", since=timezone.localdate()
    )
    operator = make_user(Role.OPERATOR, community)
    log_in(page, operator.username, PASSWORD)
    page.goto("/ledger/desk/")

    # Typed key by key, as an operator writes down what a relative says.
    page.locator("select[name=r-0-category]").select_option(label="其他")
    page.locator("textarea[name=r-0-description]").press_sequentially("老人胸口痛，出冷汗")
    expect(page.get_by_test_id("live-emergency-banner")).to_be_visible()
    expect(page.get_by_test_id("live-triage-0")).to_contain_text("胸口痛 + 出冷汗")
    assert Call.objects.count() == 0

    # Words that are an emergency only for this caller: the banner comes once the number is in.
    row = page.locator("textarea[name=r-1-description]")
    page.locator("select[name=r-1-category]").select_option(label="其他")
    row.press_sequentially("这两天没去，喘得慌")
    expect(page.get_by_test_id("live-triage-1").get_by_test_id("live-urgency")).to_have_text("加急")
    page.get_by_test_id("caller-number").fill("13812345678")
    expect(page.get_by_test_id("household-card")).to_contain_text("李透析")
    live_row = page.get_by_test_id("live-triage-1")
    expect(live_row.get_by_test_id("live-emergency-banner")).to_be_visible()
    expect(live_row).to_contain_text("李透析")
    assert Call.objects.count() == 0
