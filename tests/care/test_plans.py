"""A care plan per household: three named seats, dates that make sense, a history."""

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.care.actions import do_change_plan, do_create_plan, do_end_plan
from linli.care.models import CarePlan
from linli.care.schedule import ScheduleError, parse_schedule
from linli.core.models import Community
from linli.core.roles import Role
from tests.care.factories import make_item, make_patient, make_plan, make_team
from tests.factories import make_area, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
START = date(2026, 12, 7)


def test_a_plan_is_made_with_its_three_seats_and_keeps_its_history(
    community_a: Community,
) -> None:
    team = make_team(community_a)
    plan = make_plan(team, make_patient(community_a), starts_on=START, diets=["soft", "halal"])

    do_change_plan(plan, actor=team.planner, why="review", goals="dialysis escorted")

    plan.refresh_from_db()
    assert plan.diets == ["halal", "soft"] and plan.goals == "dialysis escorted"
    reasons = list(
        plan.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert reasons == ["created", "review"]
    assert plan.history.earliest("history_date").goals == ""


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"doctor": None}, "doctor", "community doctor"),
        ({"social_worker": None}, "social_worker", "social worker"),
        ({"property_staff": None}, "property_staff", "property staff"),
        ({"ends_on": date(2026, 12, 1)}, "ends_on", "before the plan starts"),
        ({"review_on": date(2026, 11, 1)}, "review_on", "before the plan starts"),
        ({"starts_on": None}, "starts_on", "when the plan starts"),
        ({"reason": "boredom"}, "reason", "why"),
        ({"diets": ["chocolate"]}, "diets", "unknown diet"),
    ],
)
def test_a_bad_plan_is_refused_naming_the_field_and_nothing_is_written(
    community_a: Community, values: dict[str, Any], field: str, words: str
) -> None:
    team = make_team(community_a)
    resident = make_patient(community_a)

    with pytest.raises(ValidationError) as refused:
        make_plan(team, resident, **{"starts_on": START, **values})

    assert words in " ".join(refused.value.message_dict[field])
    assert not CarePlan.objects.exists()


def test_a_seat_is_for_someone_of_the_community_who_works_care_plans(
    community_a: Community,
) -> None:
    team = make_team(community_a)
    elsewhere = make_user(Role.DOCTOR, make_area("别处居民区"))
    operator = make_user(Role.OPERATOR, community_a)

    for wrong in (elsewhere, operator):
        with pytest.raises(ValidationError) as refused:
            make_plan(
                team, make_patient(community_a, room=f"{wrong.pk}01"), starts_on=START, doctor=wrong
            )
        assert "cannot hold a seat" in refused.value.message_dict["doctor"][0]


def test_one_open_plan_per_household(community_a: Community) -> None:
    team = make_team(community_a)
    resident = make_patient(community_a)
    plan = make_plan(team, resident, starts_on=START)

    with pytest.raises(ValidationError) as refused:
        make_plan(team, resident, starts_on=START)
    do_end_plan(plan, actor=team.planner, reason="recovered", on=START)
    again = make_plan(team, resident, starts_on=START)

    assert "already has a plan" in refused.value.message_dict["household"][0]
    assert again.status == CarePlan.Status.ACTIVE


def test_a_team_member_cannot_make_or_change_plans(community_a: Community) -> None:
    team = make_team(community_a)
    plan = make_plan(team, make_patient(community_a), starts_on=START)

    with pytest.raises(PermissionDenied):
        do_create_plan(
            make_patient(community_a, "王二", "601").household,
            actor=team.doctor, reason="other", starts_on=START, **team.seats(),
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        do_change_plan(plan, actor=team.social_worker, goals="mine now")
    plan.refresh_from_db()
    assert plan.goals == ""


@pytest.mark.parametrize(
    ("text", "weekdays", "at"),
    [
        ("每天", 0b1111111, None),
        ("每周一", 0b0000001, None),
        ("二四六 07:00", 0b0101010, "07:00"),
        ("周二、四、六 7:00", 0b0101010, "07:00"),
        ("Tue/Thu/Sat 07:00", 0b0101010, "07:00"),
        ("周一至周五 上午9点", 0b0011111, "09:00"),
        ("Mon-Fri", 0b0011111, None),
        ("daily 3pm", 0b1111111, "15:00"),
        ("每周一 下午3点半", 0b0000001, "15:30"),
        ("星期日", 0b1000000, None),
        ("７：３０ 每天", 0b1111111, "07:30"),
        ("每周六上午", 0b0100000, None),
        ("周末", 0b1100000, None),
        ("Tuesdays and Thursdays 7am", 0b0001010, "07:00"),
        ("每周三 十点半", 0b0000100, "10:30"),
        ("周一和周四下午两点", 0b0001001, "14:00"),
    ],
)
def test_schedules_are_read_as_committees_write_them(
    text: str, weekdays: int, at: str | None
) -> None:
    parsed = parse_schedule(text)
    assert parsed.weekdays == weekdays
    assert (parsed.at.strftime("%H:%M") if parsed.at else None) == at


@pytest.mark.parametrize("text", ["每月一号", "", "周八", "25:00 daily", "sometimes"])
def test_a_schedule_that_does_not_parse_is_refused_naming_the_field(
    community_a: Community, text: str
) -> None:
    team = make_team(community_a)
    plan = make_plan(team, make_patient(community_a), starts_on=START)

    with pytest.raises(ScheduleError):
        parse_schedule(text)
    with pytest.raises(ValidationError) as refused:
        make_item(team, plan, text)

    assert list(refused.value.message_dict) == ["schedule"]
    assert not plan.items.exists()
