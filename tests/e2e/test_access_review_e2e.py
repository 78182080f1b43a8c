"""The community head reviews who looked at personal data, in the browser (English UI)."""

import pytest
from django.conf import LazySettings
from playwright.sync_api import Page, expect

from linli.core.models import PiiAlert
from linli.core.roles import Role
from tests.e2e.test_login_e2e import log_in
from tests.factories import PASSWORD, make_area, make_resident, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_head_sees_a_bulk_export_alert_filters_the_log_and_reviews_it(
    page: Page, settings: LazySettings
) -> None:
    settings.PII_BULK_EXPORT_ROWS = 2
    community = make_area()
    make_resident(community, "张三")
    make_resident(community, "李四", phone="13900000001", room="601")
    colleague = make_user(Role.WORKER, community)
    head = make_user(Role.WORKER, community)
    community.head = head
    community.save(update_fields=["head"])

    # A colleague downloads the whole register with full numbers.
    log_in(page, colleague.username, PASSWORD)
    expect(page.get_by_role("link", name="访问日志")).to_have_count(0)  # not theirs to review
    page.request.get("/people/export/register.xlsx")
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()

    log_in(page, head.username, PASSWORD)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_test_id("home-pii-alerts")).to_contain_text("1 personal-data alert")
    page.get_by_test_id("home-pii-alerts").get_by_role("link", name="Access log").click()

    alert = page.get_by_test_id("pii-alert")
    expect(alert).to_contain_text("Bulk export of personal data")
    expect(alert).to_contain_text(colleague.username)
    page.get_by_label("Who (user name)").fill(colleague.username)
    page.get_by_label("Exports only").check()
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("pii-log").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("pii-log")).to_contain_text("register export")

    alert.get_by_label("What you found").fill("Asked by the district for the census")
    alert.get_by_role("button", name="Reviewed").click()
    expect(page.get_by_text("No alert is waiting.")).to_be_visible()
    reviewed = PiiAlert.objects.get()
    assert reviewed.reviewed_by == head
