"""The demo lives: each role's first screen, right after `linli seed`, shows work to do."""

import pytest
from playwright.sync_api import Page, expect

from linli.core.seeding import seed
from tests.e2e.test_login_e2e import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_each_role_s_first_screen_of_the_demo_shows_work(page: Page) -> None:
    seed(communities=1, residents=300, seed=1, password="demo-pass")

    for username in ("c1-worker", "c1-operator", "c1-doctor", "s1-official"):
        log_in(page, username, "demo-pass")
        counts = page.get_by_test_id("open-counts")
        expect(counts).to_be_visible()
        expect(counts.get_by_test_id("count-open").locator("strong")).not_to_have_text("0")
        expect(counts.get_by_test_id("count-emergency").locator("strong")).not_to_have_text("0")
        page.get_by_test_id("count-late").click()
        expect(page.get_by_test_id("work-table").locator("tbody tr").first).to_be_visible()
        page.get_by_test_id("user-menu").click()
        page.get_by_test_id("logout").click()

    log_in(page, "c1-volunteer", "demo-pass")
    tasks = page.get_by_test_id("task-list")
    expect(tasks.locator("a").first).to_be_visible()
    tasks.locator("a").first.click()
    expect(page.get_by_test_id("reveal-phone")).to_be_visible()
