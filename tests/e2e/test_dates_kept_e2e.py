"""The forms with a date, in the browser, in Chinese (the default) and in English: what the page
shows is what the browser's date input reads, so saving a form keeps the dates it was given.

In Chinese a date was rendered 2026/12/07, which Chromium's date input shows as empty: saving a
resident's correction erased her birth date, a tag could not be added, a plan not made."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from linli.care.models import CarePlan
from linli.core.roles import Role
from linli.people.models import Resident, Vulnerability
from tests.e2e.test_login_e2e import log_in
from tests.factories import PASSWORD, make_area, make_resident, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BORN = date(1944, 5, 6)
LANGUAGES = ["zh-hans", "en"]


def passport_holder() -> Resident:
    """A foreign resident: her birth date is typed, not read from a PRC identity number."""
    community = make_area()
    resident = make_resident(community, "Anna Müller", id_number="", phone="13812345600")
    Resident.objects.filter(pk=resident.pk).update(
        id_type=Resident.IdType.PASSPORT, id_number="C01X00T47", date_of_birth=BORN,
        sex=Resident.Sex.FEMALE, nationality="DE",
    )  # fmt: skip
    resident.refresh_from_db()
    return resident


def as_worker(page: Page, resident: Resident, language: str) -> None:
    worker = make_user(Role.WORKER, resident.community)
    log_in(page, worker.username, PASSWORD)
    if language == "en":
        page.get_by_test_id("lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.goto(f"/people/residents/{resident.pk}/")


@pytest.mark.parametrize("language", LANGUAGES)
def test_correcting_a_resident_keeps_her_birth_date(page: Page, language: str) -> None:
    resident = passport_holder()
    as_worker(page, resident, language)

    page.get_by_test_id("edit-resident").click()
    expect(page.locator("#id_date_of_birth")).to_have_value(BORN.isoformat())
    page.locator("#id_notes").fill("女儿每周来")
    page.get_by_test_id("save-resident").click()

    expect(page.get_by_test_id("resident-name")).to_contain_text("Anna Müller")
    resident.refresh_from_db()
    assert (resident.date_of_birth, resident.notes) == (BORN, "女儿每周来")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_tag_is_added_from_a_typed_day_and_ended_today(page: Page, language: str) -> None:
    resident = passport_holder()
    today = timezone.localdate()
    since = today - timedelta(days=10)
    as_worker(page, resident, language)

    page.get_by_test_id("add-tag").click()
    expect(page.locator("#id_since")).to_have_value(today.isoformat())
    page.locator("#id_kind").select_option("alone")
    page.locator("#id_since").fill(since.isoformat())
    page.get_by_test_id("save-tag").click()
    expect(page.get_by_test_id("tag")).to_contain_text(since.isoformat())

    page.get_by_test_id("edit-tag").click()
    expect(page.locator("#id_since")).to_have_value(since.isoformat())
    expect(page.locator("#id_end-until")).to_have_value(today.isoformat())
    page.get_by_test_id("end-tag").click()

    expect(page.get_by_test_id("tag-ended").first).to_be_visible()
    tag = Vulnerability.objects.get(resident=resident)
    assert (tag.since, tag.until) == (since, today)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_care_plan_keeps_its_start_and_review_dates(page: Page, language: str) -> None:
    resident = passport_holder()
    today = timezone.localdate()
    review = today + timedelta(days=14)
    team = {
        seat: make_user(role, resident.community)
        for seat, role in (
            ("doctor", Role.DOCTOR),
            ("social_worker", Role.SOCIAL_WORKER),
            ("property_staff", Role.PROPERTY),
        )
    }
    as_worker(page, resident, language)

    page.goto(f"/care/new/{resident.household_id}/")
    expect(page.locator("#id_starts_on")).to_have_value(today.isoformat())
    page.locator("#id_reason").select_option("alone80")
    for seat, user in team.items():
        page.locator(f"#id_{seat}").select_option(str(user.pk))
    page.locator("#id_review_on").fill(review.isoformat())
    page.get_by_test_id("save-plan").click()
    expect(page.get_by_test_id("plan-summary")).to_contain_text(review.isoformat())

    page.get_by_test_id("edit-plan").click()
    expect(page.locator("#id_starts_on")).to_have_value(today.isoformat())
    expect(page.locator("#id_review_on")).to_have_value(review.isoformat())
    page.locator("#id_goals").fill("每天电话问候")
    page.get_by_test_id("save-plan").click()

    expect(page.get_by_test_id("plan-summary")).to_be_visible()
    plan = CarePlan.objects.get()
    assert (plan.starts_on, plan.review_on, plan.goals) == (today, review, "每天电话问候")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_departure_is_recorded_on_the_day_shown(page: Page, language: str) -> None:
    resident = passport_holder()
    today = timezone.localdate()
    as_worker(page, resident, language)

    page.get_by_test_id("record-departure").click()
    expect(page.locator("#id_on")).to_have_value(today.isoformat())
    page.locator("#id_why").select_option("moved")
    page.get_by_test_id("save-departure").click()

    expect(page.get_by_test_id("departed")).to_be_visible()
    resident.refresh_from_db()
    assert not resident.is_active
    assert resident.date_of_birth == BORN
