"""A community doctor on a cheap phone works through today's contact list: one resident well,
one with a need, which goes into the ledger with the care plan as its source."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from linli.care.models import Contact
from linli.core.models import PiiAccess
from linli.ledger.models import Request
from tests.care.factories import make_patient, make_plan, make_team
from tests.e2e.test_login_e2e import log_in
from tests.factories import PASSWORD, make_area

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("page", [{"width": 360, "height": 640}], indirect=True)
def test_a_doctor_works_through_today_s_contacts_on_a_phone(page: Page) -> None:
    community = make_area()
    team = make_team(community)
    today = timezone.localdate()
    first = make_patient(community, "李透析", "502")
    second = make_patient(community, "王化疗", "601")
    make_plan(team, first, starts_on=today)
    plan = make_plan(team, second, starts_on=today, reason="chemo")
    log_in(page, team.doctor.username, PASSWORD)

    page.goto("/care/today/")
    expect(page.get_by_test_id(f"contact-{first.pk}")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_test_id(f"reveal-{first.pk}").click()
    expect(page.get_by_test_id(f"call-{first.pk}")).to_contain_text(first.phone)
    assert PiiAccess.objects.get(user=team.doctor).subject_id == first.pk  # the look is logged
    page.get_by_test_id(f"well-{first.pk}").click()
    expect(page.get_by_test_id(f"contact-{first.pk}")).to_have_count(0)  # reached: off the list

    page.get_by_test_id(f"need-{second.pk}").click()
    page.locator(f"#need-{second.pk}").fill("止吐药吃完了，明天要送")
    page.locator(f"#cat-{second.pk}").select_option("medicine")
    page.get_by_test_id(f"send-need-{second.pk}").click()

    expect(page.get_by_test_id("contact-list-empty")).to_be_visible()
    request = Request.objects.get()
    assert request.source == plan and request.resident == second
    assert request.category.code == "medicine" and "止吐药" in request.description
    assert list(Contact.objects.order_by("at").values_list("outcome", flat=True)) == [
        "well",
        "need",
    ]
    page.goto(f"/ledger/requests/{request.pk}/")
    expect(page.locator("body")).to_contain_text("止吐药吃完了")
