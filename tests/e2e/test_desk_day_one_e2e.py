"""A committee's first hour at the desk: the register kept by hand, teams, a request linked to
the register, and a volunteer ringing the resident of their task."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from linli.core.models import PiiAccess, Team
from linli.core.roles import Role
from linli.ledger.actions import do_assign, do_open_request
from linli.ledger.models import Channel, Request
from linli.lib.idcard import make_id_number
from linli.people.models import Resident, Vulnerability
from tests.e2e.test_login_e2e import log_in
from tests.factories import PASSWORD, make_area, make_resident, make_user
from tests.ledger.factories import make_category, make_request

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_worker_adds_a_resident_tags_them_and_ends_the_tag(page: Page) -> None:
    community = make_area()
    make_resident(community, "张三")  # the compound and building 3 of the register
    worker = make_user(Role.WORKER, community)
    number = make_id_number("310101", date(1941, 2, 3), 15, False)
    log_in(page, worker.username, PASSWORD)

    page.goto("/people/residents/new/")
    page.locator("[name=at-building]").select_option(label="岐山村 3")
    page.locator("[name=at-room]").fill("601")
    page.locator("[name=name]").fill("刘奶奶")
    page.locator("[name=id_number]").fill("310101194102031529")  # mistyped: check digit
    page.get_by_test_id("save-resident").click()
    expect(page.locator("#id_id_number_error")).to_contain_text("校验")
    assert not Resident.objects.filter(name="刘奶奶").exists()
    page.locator("[name=id_number]").fill(number)
    page.locator("[name=phone]").fill("139 0000 1111")
    page.get_by_test_id("save-resident").click()

    expect(page.get_by_test_id("resident-name")).to_have_text("刘奶奶")
    page.get_by_test_id("add-tag").click()
    page.locator("[name=kind]").select_option("alone")
    page.locator("[name=since]").fill("2022-03-01")
    page.get_by_test_id("save-tag").click()
    expect(page.get_by_test_id("tag")).to_contain_text("独居")

    page.get_by_test_id("edit-tag").click()
    page.locator("[name=end-until]").fill("2022-02-01")  # before it started
    page.get_by_test_id("end-tag").click()
    expect(page.locator("#id_end-until_error")).to_contain_text("早于")
    page.locator("[name=end-until]").fill("2022-06-01")
    page.get_by_test_id("end-tag").click()
    expect(page.get_by_test_id("tag-ended")).to_contain_text("2022-06-01")

    tag = Vulnerability.objects.get(resident__name="刘奶奶")
    assert (tag.since, tag.until) == (date(2022, 3, 1), date(2022, 6, 1))
    added = Resident.objects.get(name="刘奶奶")
    assert added.household.room.number == "601" and added.date_of_birth == date(1941, 2, 3)


def test_worker_creates_a_team_and_hands_a_request_to_it(page: Page) -> None:
    community = make_area()
    worker = make_user(Role.WORKER, community)
    runner = make_user(Role.VOLUNTEER, community)
    item = make_request(community, worker).request
    log_in(page, worker.username, PASSWORD)

    page.goto("/teams/")
    page.get_by_test_id("new-team").click()
    page.locator("[name=name]").fill("送药小组")
    page.get_by_test_id("save-team").click()  # no members
    expect(page.locator("#id_members_error")).to_contain_text("至少需要一名成员")
    page.get_by_label(runner.username).check()
    page.get_by_label(worker.username).check()
    page.get_by_test_id("save-team").click()
    expect(page.get_by_test_id("team-table")).to_contain_text("送药小组")

    page.goto(f"/ledger/requests/{item.pk}/")
    page.locator("details", has=page.locator("[name=team]")).locator("summary").click()
    page.locator("[name=team]").select_option(label="送药小组")
    page.get_by_test_id("assign").click()
    expect(page.get_by_test_id("assignee")).to_contain_text("送药小组")
    assert Request.objects.get(pk=item.pk).team == Team.objects.get()

    page.goto("/ledger/work/team/")
    expect(page.get_by_test_id("tab-team")).to_contain_text("1")
    expect(page.get_by_test_id("work-table")).to_contain_text("需要买菜")


def test_worker_links_an_unknown_caller_s_request_to_a_household(page: Page) -> None:
    community = make_area()
    resident = make_resident(community, "王五", phone="13812345678")
    worker = make_user(Role.WORKER, community)
    item = do_open_request(
        community, actor=worker, channel=Channel.HOTLINE, category=make_category("groceries"),
        description="家里没菜了", contact_phone="13700001111", address_text="岐山村3号楼1单元502",
    ).request  # fmt: skip
    assert item.household_id is None
    log_in(page, worker.username, PASSWORD)

    page.goto(f"/ledger/requests/{item.pk}/")
    candidates = page.get_by_test_id("link-candidates")
    expect(candidates).to_contain_text("王五")
    candidates.get_by_test_id("link-resident").click()

    expect(page.get_by_test_id("timeline")).to_contain_text("王五")
    linked = Request.objects.get(pk=item.pk)
    assert (linked.household_id, linked.resident_id) == (resident.household_id, resident.pk)


def test_volunteer_reveals_and_calls_the_resident_of_their_task(page: Page) -> None:
    community = make_area()
    resident = make_resident(community, "赵大爷", phone="13866667777")
    worker = make_user(Role.WORKER, community)
    volunteer = make_user(Role.VOLUNTEER, community)
    item = make_request(community, worker, resident=resident).request
    do_assign(item, actor=worker, assignee=volunteer)
    log_in(page, volunteer.username, PASSWORD)

    page.goto(f"/ledger/requests/{item.pk}/")
    expect(page.get_by_test_id("contact-phone")).to_contain_text("138****7777")
    page.get_by_test_id("reveal-phone").click()

    call = page.get_by_test_id("call-phone")
    expect(call).to_have_attribute("href", "tel:13866667777")
    look = PiiAccess.objects.get(user=volunteer)
    assert (look.subject_id, look.fields) == (resident.pk, "phone")
