"""Daily contact: each team member's list, what a contact opens, two unreachable days, the
community's rule and its compliance figure."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.care.actions import do_record_contact, do_set_contact_rule
from linli.care.models import CarePlan, Contact
from linli.care.selectors import compliance, contact_list, covered
from linli.core.models import Community
from linli.ledger.models import Request, Urgency
from linli.people.models import Vulnerability
from tests.care.factories import make_patient, make_plan, make_team
from tests.factories import make_resident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 12, 7)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def test_a_team_member_s_list_holds_their_households_only(community_a: Community) -> None:
    mine, other = make_team(community_a), make_team(community_a)
    ours = make_plan(mine, make_patient(community_a, "李透析", "502"), starts_on=DAY)
    make_plan(other, make_patient(community_a, "王化疗", "601"), starts_on=DAY)

    names = [line.resident.name for line in contact_list(mine.social_worker, DAY)]

    assert names == ["李透析"]
    assert ours.household.members.get().name == "李透析"
    assert {r.name for r in covered(mine.planner, DAY)} == {"李透析", "王化疗"}


def test_a_need_opens_a_request_with_the_plan_as_its_source(community_a: Community) -> None:
    team = make_team(community_a)
    resident = make_patient(community_a)
    plan = make_plan(team, resident, starts_on=DAY)

    contact = do_record_contact(
        resident, actor=team.doctor, outcome="need", need="降压药快吃完了", category="medicine",
        now=at(DAY),
    )  # fmt: skip

    assert contact.request is not None
    assert contact.request.source == plan and contact.request.resident == resident
    assert contact.request.category.code == "medicine"
    assert [line.reached for line in contact_list(team.doctor, DAY)] == [True]


def test_two_unreachable_days_open_one_urgent_door_visit(community_a: Community) -> None:
    team = make_team(community_a)
    resident = make_patient(community_a)
    make_plan(team, resident, starts_on=DAY)

    first = do_record_contact(resident, actor=team.doctor, outcome="unreachable", now=at(DAY))
    second = do_record_contact(
        resident, actor=team.doctor, outcome="unreachable", now=at(DAY + timedelta(days=1))
    )
    again = do_record_contact(
        resident, actor=team.doctor, outcome="unreachable", now=at(DAY + timedelta(days=1), 15)
    )

    assert first.request is None and again.request is None
    assert second.request is not None
    visit = Request.objects.get()
    assert visit.urgency == Urgency.URGENT and visit.resident == resident
    assert "Unreachable two days running" in visit.description


def test_reached_in_between_means_no_door_visit(community_a: Community) -> None:
    team = make_team(community_a)
    resident = make_patient(community_a)
    make_plan(team, resident, starts_on=DAY)

    do_record_contact(resident, actor=team.doctor, outcome="unreachable", now=at(DAY, 9))
    do_record_contact(resident, actor=team.doctor, outcome="well", now=at(DAY, 16))
    do_record_contact(
        resident, actor=team.doctor, outcome="unreachable", now=at(DAY + timedelta(days=1))
    )

    assert not Request.objects.exists()


def test_a_contact_for_someone_not_on_the_list_is_refused_and_nothing_written(
    community_a: Community,
) -> None:
    mine, other = make_team(community_a), make_team(community_a)
    make_plan(mine, make_patient(community_a, "李透析", "502"), starts_on=DAY)
    stranger = make_patient(community_a, "王化疗", "601")
    make_plan(other, stranger, starts_on=DAY)

    with pytest.raises(ValidationError) as refused:
        do_record_contact(stranger, actor=mine.doctor, outcome="well", now=at(DAY))
    with pytest.raises(ValidationError) as no_need:
        do_record_contact(
            make_patient(community_a, "张三", "701"),
            actor=mine.planner,
            outcome="well",
            now=at(DAY),
        )

    assert "not on your contact list" in refused.value.message_dict["resident"][0]
    assert "not on your contact list" in no_need.value.message_dict["resident"][0]
    assert not Contact.objects.exists()


def test_a_need_without_words_is_refused_naming_the_field(community_a: Community) -> None:
    team = make_team(community_a)
    resident = make_patient(community_a)
    make_plan(team, resident, starts_on=DAY)

    with pytest.raises(ValidationError) as refused:
        do_record_contact(resident, actor=team.doctor, outcome="need", need=" ", now=at(DAY))

    assert list(refused.value.message_dict) == ["need"]
    assert not Contact.objects.exists() and not Request.objects.exists()


def test_the_rule_adds_groups_and_the_figure_counts_who_was_reached(
    community_a: Community,
) -> None:
    team = make_team(community_a)
    make_plan(team, make_patient(community_a, "李透析", "502"), starts_on=DAY)
    elder = make_resident(community_a, "王老太", id_number="", born=date(1938, 1, 2), room="801")
    pregnant = make_resident(community_a, "赵孕", id_number="", born=date(1995, 1, 2), room="802")
    Vulnerability.objects.create(
        community=community_a, resident=pregnant, kind="pregnant", since=DAY
    )
    make_resident(community_a, "钱青年", id_number="", born=date(1990, 1, 2), room="803")
    assert covered(team.planner, DAY).count() == 1

    do_set_contact_rule(community_a, actor=team.planner, groups=["alone80", "key"])
    do_record_contact(elder, actor=team.planner, outcome="well", now=at(DAY))
    do_record_contact(pregnant, actor=team.planner, outcome="unreachable", now=at(DAY))

    assert {r.name for r in covered(team.planner, DAY)} == {"李透析", "王老太", "赵孕"}
    (figure,) = compliance(team.planner, DAY)
    assert (figure.covered, figure.reached) == (3, 1)
    with pytest.raises(ValidationError) as refused:
        do_set_contact_rule(community_a, actor=team.planner, groups=["everyone"])
    assert "groups" in refused.value.message_dict


def test_the_today_page_records_an_outcome_and_hides_other_households(
    client: Client, community_a: Community
) -> None:
    mine, other = make_team(community_a), make_team(community_a)
    today = timezone.localdate()
    ours = make_patient(community_a, "李透析", "502")
    make_plan(mine, ours, starts_on=today)
    theirs = make_patient(community_a, "王化疗", "601")
    make_plan(other, theirs, starts_on=today)
    client.force_login(mine.property_staff)

    page = client.get(reverse("care:today"))
    posted = client.post(reverse("care:contact", args=[ours.pk]), {"outcome": "well"})
    foreign = client.post(reverse("care:contact", args=[theirs.pk]), {"outcome": "well"})
    plan_page = client.get(
        reverse("care:plan-detail", args=[CarePlan.objects.get(household=theirs.household).pk])
    )

    assert "李透析" in page.content.decode() and "王化疗" not in page.content.decode()
    assert posted.status_code == 302
    assert foreign.status_code == 404 and plan_page.status_code == 404
    assert list(Contact.objects.values_list("resident__name", flat=True)) == ["李透析"]


def test_a_plan_not_started_yet_or_ended_puts_nobody_on_the_list(community_a: Community) -> None:
    team = make_team(community_a)
    make_plan(team, make_patient(community_a), starts_on=DAY, ends_on=DAY + timedelta(days=2))

    on = [covered(team.doctor, DAY + timedelta(days=n)).count() for n in (-1, 0, 2, 3)]

    assert on == [0, 1, 1, 0]
