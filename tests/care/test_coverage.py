"""Nobody falls between chairs: the households the register says need a plan and have none,
or whose team lacks a seat."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from linli.care.selectors import coverage
from linli.core.models import Community
from linli.people.models import Resident, Vulnerability
from tests.care.factories import make_patient, make_plan, make_team
from tests.factories import make_area, make_resident
from tests.people.list_factories import in_english

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
TODAY = date(2026, 12, 7)


def tag(resident, kind: str) -> None:  # type: ignore[no-untyped-def]
    Vulnerability.objects.create(
        community=resident.community, resident=resident, kind=kind, since=TODAY
    )


def test_households_that_need_a_plan_and_lack_one_or_a_seat_are_listed(
    community_a: Community,
) -> None:
    team = make_team(community_a)
    elder = make_resident(community_a, "王老太", id_number="", born=date(1938, 1, 2), room="801")
    couple = make_resident(community_a, "张老伯", id_number="", born=date(1930, 1, 2), room="802")
    partner = make_resident(community_a, "张老伴", id_number="", born=date(1932, 1, 2), room="802")
    Resident.objects.filter(pk=partner.pk).update(household=couple.household)
    dialysis = make_patient(community_a, "李透析", "901")
    tag(dialysis, "dialysis")
    planned = make_patient(community_a, "赵化疗", "902")
    tag(planned, "chemo")
    make_plan(team, planned, starts_on=TODAY, reason="chemo")
    short = make_patient(community_a, "钱透析", "903")
    tag(short, "dialysis")
    make_plan(team, short, starts_on=TODAY)
    team.property_staff.is_active = False
    team.property_staff.save()
    elsewhere = make_patient(make_area("别处居民区"), "孙透析", "904")
    tag(elsewhere, "dialysis")
    near = make_patient(community_a, "周孕", "905")
    Vulnerability.objects.create(
        community=community_a,
        resident=near,
        kind="pregnant",
        since=TODAY,
        details={"due": "2027-01-10"},
    )
    far = make_patient(community_a, "吴孕", "906")
    Vulnerability.objects.create(
        community=community_a,
        resident=far,
        kind="pregnant",
        since=TODAY,
        details={"due": "2027-06-01"},
    )

    gaps = {gap.household.members.first().name: gap for gap in coverage(team.planner, TODAY)}

    # The property staff left both plans; a pregnancy due in half a year needs no plan yet.
    assert set(gaps) == {"王老太", "李透析", "赵化疗", "钱透析", "周孕"}
    assert gaps["周孕"].reasons == ["Pregnant, near term"]
    assert gaps["王老太"].reasons == ["80+ living alone"] and gaps["王老太"].plan is None
    assert gaps["李透析"].reasons == ["Dialysis"]
    assert gaps["钱透析"].missing == ["Property staff"]
    assert gaps["周孕"].reasons == ["Pregnant, near term"]
    assert elder.household_id != couple.household_id  # two 80+ together: no "living alone"


def test_the_coverage_page_links_to_a_new_plan_for_the_household(
    client: Client, community_a: Community
) -> None:
    team = make_team(community_a)
    dialysis = make_patient(community_a, "李透析", "901")
    tag(dialysis, "dialysis")
    client.force_login(team.planner)
    in_english(client)

    page = client.get(reverse("care:coverage")).content.decode()
    form = client.get(reverse("care:plan-new", args=[dialysis.household_id]))

    assert "李透析" not in page  # a list of addresses: the plan page names the people
    assert reverse("care:plan-new", args=[dialysis.household_id]) in page
    assert form.status_code == 200
    assert client.get(reverse("care:coverage"), headers={}).status_code == 200
    client.force_login(team.social_worker)
    assert client.get(reverse("care:coverage")).status_code == 403
