"""A traveller entered before arrival, received by the night team, put in home quarantine,
checked daily (one check abnormal: an urgent request in the ledger), and released with a
printable notice whose code verifies on the public page."""

import re
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from linli.core.actions import do_save_team
from linli.core.models import Community
from linli.core.roles import Role
from linli.ledger.models import Request, Urgency
from linli.quarantine.actions import do_save_settings
from linli.quarantine.models import HealthCheck, HomeQuarantine, Reception, Traveller
from tests.e2e.test_login_e2e import log_in
from tests.factories import PASSWORD, make_area, make_resident, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 640}


def next_night_arrival(community: Community) -> datetime:
    """The next 22:30 in the community: in the night shift, and within the day ahead, so its
    reception is in the ledger at once."""
    now = timezone.localtime(timezone.now(), ZoneInfo(community.time_zone))
    arrival = now.replace(hour=22, minute=30, second=0, microsecond=0)
    return arrival if arrival > now else arrival + timedelta(days=1)


def fits(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize("page", [DESK, PHONE], indirect=True, ids=["desk", "phone"])
def test_a_traveller_from_arrival_to_a_verified_release_notice(
    page: Page, browser: Browser, live_server: Any, console_errors: list[str]
) -> None:
    community = make_area()
    make_resident(community, "张三", room="502")  # the household the traveller joins: 3-1-502
    worker = make_user(Role.WORKER, community)
    doctor = make_user(Role.DOCTOR, community)
    social_worker = make_user(Role.SOCIAL_WORKER, community)
    property_staff = make_user(Role.PROPERTY, community)
    volunteer = make_user(Role.VOLUNTEER, community)
    day_team = do_save_team(community, actor=worker, name="白班", members=[volunteer])
    night_team = do_save_team(
        community, actor=worker, name="夜间应急队", members=[worker], lead=worker
    )
    do_save_settings(
        community, actor=worker, day_team=day_team, night_team=night_team,
        day_shift_from=time(8), night_shift_from=time(20), checks_due_by=time(12),
        doctor=doctor, social_worker=social_worker, property_staff=property_staff,
    )  # fmt: skip
    arrival = next_night_arrival(community)

    log_in(page, worker.username, PASSWORD)
    expect(page.get_by_test_id("home-title")).to_be_visible()
    page.get_by_test_id("lang-switch").click()  # the quarantine pages' English is their source
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # Before arrival: the worker enters the traveller.
    page.goto("/quarantine/travellers/new/")
    assert fits(page)
    page.locator("#t-name").fill("John Smith")
    expect(page.locator("#t-idtype")).to_have_value("passport")  # a traveller's usual document
    page.locator("#t-id").fill("gb 1234567")
    # Without a PRC identity number the register needs the sex and the birth date.
    page.locator("#t-sex").select_option("M")
    page.locator("#t-born").fill("1985-04-12")
    page.locator("#t-nat").fill("gb")
    page.locator("#t-transport").fill("MU552")
    page.locator("#t-origin").fill("London")
    page.locator("#t-arrives").fill(arrival.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#t-building").fill("3")
    page.locator("#t-unit").fill("1")
    page.locator("#t-room").fill("502")
    page.locator("#t-phone").fill("13900001111")
    page.get_by_test_id("traveller-form").get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/quarantine/travellers/\d+/$"))
    traveller = Traveller.objects.get()
    assert page.url.endswith(f"/quarantine/travellers/{traveller.pk}/")
    assert traveller.id_number == "GB1234567" and traveller.nationality == "GB"
    reception = Reception.objects.get(traveller=traveller)
    assert reception.shift == Reception.Shift.NIGHT and reception.team == night_team
    assert reception.request is not None and reception.request.assignee == worker
    section = page.get_by_test_id("reception")
    expect(section).to_contain_text("Night emergency team")
    expect(section).to_contain_text("夜间应急队")
    expect(page.get_by_test_id("traveller")).to_contain_text("3-1-502")
    assert fits(page)
    section.get_by_role("link", name=f"Request #{reception.request.pk}").click()
    expect(page).to_have_url(re.compile(rf"/ledger/requests/{reception.request.pk}/$"))
    expect(page.locator("body")).to_contain_text("接站入户：John Smith")
    page.go_back()

    # The night team receives them: the checklist, then home quarantine.
    for step in ("picked_up", "at_gate", "home_checked", "pack_given"):
        page.get_by_test_id(f"tick-{step}").click()
        expect(page.get_by_test_id(f"tick-{step}")).to_have_count(0)
    expect(section.locator(".checklist li")).to_have_text([re.compile("^✔")] * 4)
    form = page.get_by_test_id("decision-form")
    expect(form.get_by_test_id("suitability")).to_be_visible()
    expect(form.locator("#s-doctor")).to_have_value(str(doctor.pk))  # from the settings
    expect(form.locator("#s-sw")).to_have_value(str(social_worker.pk))
    expect(form.locator("#s-ps")).to_have_value(str(property_staff.pk))
    form.locator("input[name=decision][value=home]").check()
    form.get_by_role("button", name="Decide").click()

    expect(page).to_have_url(re.compile(r"/quarantine/home/\d+/$"))
    quarantine = HomeQuarantine.objects.get()
    assert page.url.endswith(f"/quarantine/home/{quarantine.pk}/")
    expect(page.get_by_test_id("quarantine")).to_contain_text("3-1-502")
    assert quarantine.resident.name == "John Smith" and quarantine.traveller == traveller
    assert quarantine.plan is not None and quarantine.plan.doctor == doctor
    reception.refresh_from_db()
    assert reception.decision == Reception.Decision.HOME
    assert reception.request is not None and not reception.request.is_open
    assert fits(page)

    # Daily checks: one normal, one abnormal.
    check_form = page.get_by_test_id("check-form")
    check_form.locator("#c-temp").fill("36.5")
    check_form.get_by_role("button", name="Record the check").click()
    expect(page.get_by_test_id("checks").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("checks")).to_contain_text("36.5")
    expect(page.get_by_test_id("check-request")).to_have_count(0)

    check_form.locator("#c-temp").fill("38.2")
    check_form.locator("input[name=symptoms][value=cough]").check()
    check_form.locator("#c-note").fill("dry cough since the morning")
    check_form.get_by_role("button", name="Record the check").click()
    expect(page.get_by_test_id("checks").locator("tbody tr")).to_have_count(2)
    abnormal = HealthCheck.objects.get(abnormal=True)
    urgent = Request.objects.get(
        source_type=ContentType.objects.get_for_model(HealthCheck), source_id=abnormal.pk
    )
    assert urgent.urgency == Urgency.URGENT and urgent.resident == quarantine.resident
    assert urgent.assignee == doctor and "38.2" in urgent.description
    assert HealthCheck.objects.filter(abnormal=False, request__isnull=True).count() == 1
    link = page.get_by_test_id("check-request")
    expect(link).to_have_text(f"#{urgent.pk}")
    expect(link).to_have_attribute("href", f"/ledger/requests/{urgent.pk}/")
    expect(page.locator("body")).to_contain_text(f"urgent request {urgent.pk} is open")

    # Release, fourteen days early: without a reason it is refused, naming the reason.
    release = page.get_by_test_id("release-form")
    release.get_by_role("button", name="Release and print the notice").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("Reason")
    expect(page.get_by_test_id("form-errors")).to_contain_text("say why the release comes")
    assert HomeQuarantine.objects.get().status == HomeQuarantine.Status.ACTIVE
    # The browser may report the refusal's 400 status as a console error: that one is expected.
    assert all("400" in e for e in console_errors)
    console_errors.clear()
    release.locator("#r-reason").fill("negative test, released by the district")
    release.get_by_role("button", name="Release and print the notice").click()

    expect(page).to_have_url(re.compile(rf"/quarantine/home/{quarantine.pk}/notice/$"))
    expect(page.get_by_test_id("notice")).to_contain_text("John Smith")
    code = page.get_by_test_id("release-code").inner_text().strip()
    quarantine.refresh_from_db()
    assert quarantine.status == HomeQuarantine.Status.RELEASED and code == quarantine.release_code
    assert Traveller.objects.get().status == Traveller.Status.RELEASED
    assert fits(page)
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_test_id("print").click()
    assert page.evaluate("window.printed === true")

    # Anyone verifies the code, without logging in.
    anonymous = browser.new_context(base_url=live_server.url, viewport=page.viewport_size)
    try:
        public = anonymous.new_page()
        public.goto(f"/quarantine/verify/?code={code}")
        expect(public.get_by_test_id("verified")).to_be_visible()
        expect(public.get_by_test_id("verified")).not_to_contain_text("John Smith")  # masked
        assert fits(public)
        public.goto("/quarantine/verify/?code=NOTACODE")
        expect(public.get_by_test_id("not-verified")).to_be_visible()
        expect(public.get_by_test_id("verified")).to_have_count(0)
    finally:
        anonymous.close()
