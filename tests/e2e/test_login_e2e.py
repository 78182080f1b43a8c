import re

import pytest
from playwright.sync_api import Page, expect

from linli.core.models import Community
from linli.core.roles import Role
from tests.factories import PASSWORD, make_area, make_resident, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HOME_TITLES = {
    Role.OFFICIAL: ("街道概览", "Street overview"),
    Role.WORKER: ("居委工作台", "Community desk"),
    Role.OPERATOR: ("热线工作台", "Hotline desk"),
    Role.DOCTOR: ("社区医生", "Community doctor"),
    Role.VOLUNTEER: ("我的任务", "My tasks"),
    Role.SOCIAL_WORKER: ("服务团队", "Care teams"),
    Role.PROPERTY: ("服务团队", "Care teams"),
    Role.HOTEL: ("隔离酒店", "Quarantine hotel"),
    Role.ADMIN: ("系统管理", "Administration"),
}


def log_in(page: Page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


@pytest.mark.parametrize("role", list(Role))
def test_role_logs_in_sees_home_and_switches_language(page: Page, role: Role) -> None:
    community = make_area()
    make_resident(community)
    street_level = role in (Role.OFFICIAL, Role.HOTEL)
    user = make_user(
        role, None if street_level else community, community.street if street_level else None
    )
    zh_title, en_title = HOME_TITLES[role]

    log_in(page, user.username, PASSWORD)
    expect(page.get_by_test_id("home-title")).to_have_text(zh_title)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_test_id("home-title")).to_have_text(en_title)
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_test_id("home-title")).to_have_text(zh_title)

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile("/accounts/login/"))


def test_wrong_login_is_refused_then_the_account_locks(
    page: Page, console_errors: list[str]
) -> None:
    user = make_user(Role.WORKER, make_area())
    log_in(page, user.username, "not-the-password")
    expect(page.get_by_test_id("login-error")).to_contain_text("请输入一个正确的")
    for _ in range(4):
        log_in(page, user.username, "not-the-password")
    expect(page.get_by_test_id("locked-out")).to_contain_text("账户已被锁定")
    log_in(page, user.username, PASSWORD)
    expect(page.get_by_test_id("locked-out")).to_be_visible()
    # The browser reports the lockout's 429 status as a console error: that one is expected.
    assert all("429" in e for e in console_errors)
    console_errors.clear()


def test_worker_sees_masked_phone_and_reveals_it_with_a_log(page: Page) -> None:
    community: Community = make_area()
    resident = make_resident(community, "张三", phone="13812345678")
    worker = make_user(Role.WORKER, community)
    log_in(page, worker.username, PASSWORD)
    page.goto(f"/people/residents/{resident.pk}/")
    expect(page.get_by_test_id("phone")).to_have_text("138****5678")
    page.get_by_test_id("reveal").click()
    expect(page.get_by_test_id("phone")).to_have_text("13812345678")
    # The community head reads the access log.
    head = make_user(Role.WORKER, community)
    community.head = head
    community.save(update_fields=["head"])
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    log_in(page, head.username, PASSWORD)
    page.goto("/access-log/")
    expect(page.get_by_test_id("pii-log")).to_contain_text("张三")
    expect(page.get_by_test_id("pii-log")).to_contain_text(worker.username)


@pytest.mark.parametrize("page", [{"width": 360, "height": 640}], indirect=True)
def test_volunteer_home_fits_a_cheap_phone(page: Page) -> None:
    volunteer = make_user(Role.VOLUNTEER, make_area())
    log_in(page, volunteer.username, PASSWORD)
    expect(page.get_by_test_id("home-title")).to_have_text("我的任务")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    expect(page.get_by_role("link", name=re.compile("居民底册"))).to_have_count(0)


@pytest.mark.parametrize("page", [{"width": 360, "height": 640}], indirect=True)
def test_on_a_phone_the_menu_folds_behind_one_button(page: Page) -> None:
    log_in(page, make_user(Role.WORKER, make_area()).username, PASSWORD)
    register = page.locator("#main-nav").get_by_role("link", name="居民底册", exact=True)
    expect(register).to_be_hidden()

    page.get_by_test_id("nav-toggle").click()

    expect(register).to_be_visible()
    expect(page.get_by_test_id("nav-toggle")).to_have_attribute("aria-expanded", "true")
    register.click()
    expect(page).to_have_url(re.compile("/people/residents/"))


def test_other_communitys_resident_is_not_found(page: Page, console_errors: list[str]) -> None:
    community = make_area()
    theirs = make_resident(make_area("华山居民区", street=community.street), "李四")
    log_in(page, make_user(Role.WORKER, community).username, PASSWORD)
    response = page.goto(f"/people/residents/{theirs.pk}/")
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text("李四")
    assert all("404" in e for e in console_errors)
    console_errors.clear()
