"""The community head reviews who looked at personal data, in the browser, in Chinese (the
default) and in English; the page's words are read from the catalogue of the language."""

import pytest
from django.conf import LazySettings
from django.utils import translation
from playwright.sync_api import Page, expect

from linli.core.models import PiiAlert
from linli.core.roles import Role
from tests.e2e.test_login_e2e import log_in
from tests.factories import PASSWORD, make_area, make_resident, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_head_sees_a_bulk_export_alert_filters_the_log_and_reviews_it(
    page: Page, settings: LazySettings, language: str
) -> None:
    def t(msgid: str) -> str:
        with translation.override(language):
            return translation.gettext(msgid)

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
    expect(page.get_by_role("link", name="访问记录")).to_have_count(0)  # not theirs to review
    page.request.get("/people/export/register.xlsx")
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()

    log_in(page, head.username, PASSWORD)
    if language == "en":
        page.get_by_role("button", name="English").click()
    with translation.override(language):
        waiting = translation.ngettext(
            "%(n)s personal-data alert is waiting for a review.",
            "%(n)s personal-data alerts are waiting for a review.",
            1,
        ) % {"n": 1}
    expect(page.get_by_test_id("home-pii-alerts")).to_contain_text(waiting)
    page.get_by_test_id("home-pii-alerts").get_by_role("link", name=t("Access log")).click()

    alert = page.get_by_test_id("pii-alert")
    expect(alert).to_contain_text(t("Bulk export of personal data"))
    expect(alert).to_contain_text(colleague.username)
    page.get_by_label(t("Who (user name)")).fill(colleague.username)
    page.get_by_label(t("Exports only")).check()
    page.get_by_role("button", name=t("Filter")).click()
    expect(page.get_by_test_id("pii-log").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("pii-log")).to_contain_text(t("register export"))

    alert.get_by_label(t("What you found")).fill("区里人口普查要的")
    alert.get_by_role("button", name=t("Reviewed")).click()
    expect(page.get_by_text(t("No alert is waiting."))).to_be_visible()
    reviewed = PiiAlert.objects.get()
    assert reviewed.reviewed_by == head
