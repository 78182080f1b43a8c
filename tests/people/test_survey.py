from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.core.models import Community, User
from linli.core.roles import Role
from linli.people.actions.survey import (
    CHANGE_REASON,
    do_close_survey_round,
    do_open_survey_round,
    do_record_visit,
)
from linli.people.models import Household, Resident, SurveyRound, SurveyVisit
from linli.people.survey_selectors import (
    Progress,
    building_progress,
    households_to_visit,
    round_progress,
)
from tests.factories import make_user
from tests.people.survey_factories import building, households, in_english, member, open_round

Result = SurveyVisit.Result


def visit_url(survey_round: SurveyRound, home: Household) -> str:
    return reverse("people:survey-visit", args=[survey_round.pk, home.pk])


# Corrections ----------------------------------------------------------------------------------


def test_corrected_visit_updates_the_register_with_a_history_row(
    community_a: Community, worker_a: User
) -> None:
    b = building(community_a)
    (home,) = households(b, "502")
    resident = home.members.get()
    survey_round = open_round(b, worker_a)

    visit = do_record_visit(
        survey_round,
        home,
        actor=worker_a,
        result=Result.CORRECTED,
        corrections={
            "household": {"phone": "021 5555 1234", "home_quarantine_ok": False},
            "residents": {resident.pk: {"phone": "13900001111", "mobility": "limited"}},
        },
    )

    resident.refresh_from_db()
    home.refresh_from_db()
    assert (resident.phone, resident.mobility, resident.phone_tail) == (
        "13900001111",
        Resident.Mobility.LIMITED,
        "1111",
    )
    assert (home.phone, home.home_quarantine_ok) == ("02155551234", False)
    latest = resident.history.latest("history_id")
    assert latest.history_change_reason == CHANGE_REASON
    assert latest.history_user == worker_a
    assert latest.phone == "13900001111"
    assert home.history.latest("history_id").history_change_reason == CHANGE_REASON
    assert (visit.result, visit.visitor, visit.community) == (
        Result.CORRECTED,
        worker_a,
        community_a,
    )


def test_member_who_moved_out_is_marked_from_the_round_page(
    client: Client, community_a: Community, worker_a: User
) -> None:
    b = building(community_a)
    (home,) = households(b, "502")
    stays, leaves = home.members.get(), member(home, "李四")
    survey_round = open_round(b, worker_a)
    client.force_login(worker_a)

    response = client.post(
        visit_url(survey_round, home),
        {
            f"h{home.pk}-result": Result.CORRECTED,
            f"h{home.pk}-member": leaves.pk,
            f"h{home.pk}-member_moved_out": "on",
            f"h{home.pk}-notes": "李四搬走了",
        },
    )

    assert response.status_code == 302
    leaves.refresh_from_db()
    stays.refresh_from_db()
    assert (leaves.is_active, stays.is_active) == (False, True)
    history = leaves.history.latest("history_id")
    assert (history.is_active, history.history_change_reason) == (False, CHANGE_REASON)
    assert SurveyVisit.objects.get().notes == "李四搬走了"


def test_corrected_visit_must_carry_a_correction(community_a: Community, worker_a: User) -> None:
    b = building(community_a)
    (home,) = households(b, "502")
    survey_round = open_round(b, worker_a)
    resident = home.members.get()

    with pytest.raises(ValidationError) as no_correction:
        do_record_visit(survey_round, home, actor=worker_a, result=Result.CORRECTED)
    with pytest.raises(ValidationError) as same_value:
        do_record_visit(
            survey_round,
            home,
            actor=worker_a,
            result=Result.CORRECTED,
            corrections={"residents": {resident.pk: {"phone": resident.phone}}},
        )

    assert "corrections" in no_correction.value.message_dict
    assert "corrections" in same_value.value.message_dict
    assert not SurveyVisit.objects.exists()


def test_bad_corrections_name_the_field_and_change_nothing(
    community_a: Community, worker_a: User
) -> None:
    b = building(community_a)
    (home,) = households(b, "502")
    (other,) = households(b, "601")
    survey_round = open_round(b, worker_a)
    resident = home.members.get()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"residents": {resident.pk: {"phone": "12345"}}}, "phone"),
        ({"residents": {resident.pk: {"mobility": "flying"}}}, "mobility"),
        ({"residents": {other.members.get().pk: {"is_active": False}}}, "resident"),
        (
            {"household": {"phone": "13900001111"}, "residents": {resident.pk: {"name": "x"}}},
            "corrections",
        ),
    ]
    for corrections, field in cases:
        with pytest.raises(ValidationError) as error:
            do_record_visit(
                survey_round,
                home,
                actor=worker_a,
                result=Result.CORRECTED,
                corrections=corrections,
            )
        assert field in error.value.message_dict, corrections

    home.refresh_from_db()
    assert home.phone == ""
    assert not SurveyVisit.objects.exists()


def test_corrections_need_the_result_corrected(community_a: Community, worker_a: User) -> None:
    b = building(community_a)
    (home,) = households(b, "502")
    survey_round = open_round(b, worker_a)

    with pytest.raises(ValidationError) as error:
        do_record_visit(
            survey_round,
            home,
            actor=worker_a,
            result=Result.VERIFIED,
            corrections={"household": {"phone": "13900001111"}},
        )

    assert "corrections" in error.value.message_dict


# Who is still to visit, and progress ----------------------------------------------------------


def test_nobody_home_households_are_still_to_visit(
    client: Client, community_a: Community, worker_a: User
) -> None:
    b = building(community_a)
    verified, nobody, never, back_later = households(b, "101", "102", "201", "202")
    survey_round = open_round(b, worker_a)
    do_record_visit(survey_round, verified, actor=worker_a, result=Result.VERIFIED)
    do_record_visit(survey_round, nobody, actor=worker_a, result=Result.NOBODY_HOME)
    # Nobody home at first, found at the second knock: done.
    do_record_visit(
        survey_round,
        back_later,
        actor=worker_a,
        result=Result.NOBODY_HOME,
        visited_at=timezone.now() - timedelta(hours=2),
    )
    do_record_visit(survey_round, back_later, actor=worker_a, result=Result.VERIFIED)

    assert set(households_to_visit(worker_a, survey_round)) == {nobody, never}
    client.force_login(worker_a)
    url = reverse("people:survey-round", args=[survey_round.pk])
    page = client.get(url, {"show": "to-visit"}).content.decode()
    assert f'data-testid="household-{nobody.pk}"' in page
    assert f'data-testid="household-{never.pk}"' in page
    assert f'data-testid="household-{verified.pk}"' not in page
    assert f'data-testid="household-{back_later.pk}"' not in page


def test_progress_counts_the_latest_visit_of_each_household(
    community_a: Community, worker_a: User
) -> None:
    b = building(community_a)
    homes = households(b, "101", "102", "201", "202", "301", "302")
    survey_round = open_round(b, worker_a)
    earlier = timezone.now() - timedelta(hours=1)
    do_record_visit(survey_round, homes[0], actor=worker_a, result=Result.VERIFIED)
    do_record_visit(survey_round, homes[1], actor=worker_a, result=Result.REFUSED)
    do_record_visit(
        survey_round,
        homes[2],
        actor=worker_a,
        result=Result.CORRECTED,
        corrections={"household": {"phone": "13900001111"}},
    )
    do_record_visit(survey_round, homes[3], actor=worker_a, result=Result.NOBODY_HOME)
    do_record_visit(
        survey_round, homes[4], actor=worker_a, result=Result.NOBODY_HOME, visited_at=earlier
    )
    do_record_visit(survey_round, homes[4], actor=worker_a, result=Result.VERIFIED)
    # homes[5] never visited; another building's round does not count here.
    other = building(community_a, "4")
    households(other, "101")
    do_record_visit(
        open_round(other, worker_a),
        other.units.get().rooms.get().households.get(),
        actor=worker_a,
        result=Result.VERIFIED,
    )

    progress = round_progress(worker_a, survey_round)

    assert progress == Progress(households=6, verified=2, corrected=1, refused=1, nobody_home=1)
    assert (progress.visited, progress.done, progress.to_visit, progress.percent) == (5, 4, 2, 67)
    by_building = {row.building.number: row for row in building_progress(worker_a)}
    assert by_building["3"].progress == progress
    assert by_building["3"].households == 6
    assert by_building["4"].progress == Progress(households=1, verified=1)


def test_round_list_shows_progress_per_round_and_building(
    client: Client, community_a: Community, worker_a: User
) -> None:
    b = building(community_a)
    first, _second = households(b, "101", "102")
    building(community_a, "7")
    survey_round = open_round(b, worker_a)
    do_record_visit(survey_round, first, actor=worker_a, result=Result.VERIFIED)
    client.force_login(worker_a)
    in_english(client)

    body = client.get(reverse("people:survey-rounds")).content.decode()

    assert 'progress max="100" value="50"' in body
    assert survey_round.name in body
    assert "1 of 2 done (50%)" in body
    assert (
        reverse("people:survey-round-open") + f"?building={building(community_a, '7').pk}" in body
    )


def test_round_page_lists_each_household_with_its_latest_visit(
    client: Client, community_a: Community, worker_a: User
) -> None:
    b = building(community_a)
    visited, _never = households(b, "101", "102")
    survey_round = open_round(b, worker_a)
    do_record_visit(survey_round, visited, actor=worker_a, result=Result.REFUSED, notes="不开门")
    client.force_login(worker_a)

    body = client.get(reverse("people:survey-round", args=[survey_round.pk])).content.decode()

    assert visited.room.address() in body
    assert "住户101" in body and "住户102" in body
    assert "不开门" in body
    assert f'data-testid="visit-form-{visited.pk}"' in body


# Rounds ---------------------------------------------------------------------------------------


def test_worker_opens_a_round_for_a_building_of_their_community(
    client: Client, community_a: Community, worker_a: User
) -> None:
    b = building(community_a)
    client.force_login(worker_a)

    response = client.post(
        reverse("people:survey-round-open"), {"building": b.pk, "name": "三号楼敲门"}
    )

    survey_round = SurveyRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:survey-round", args=[survey_round.pk])
    assert (survey_round.building, survey_round.community, survey_round.created_by) == (
        b,
        community_a,
        worker_a,
    )


def test_a_building_has_one_open_round_at_a_time(community_a: Community, worker_a: User) -> None:
    b = building(community_a)
    first = open_round(b, worker_a)

    with pytest.raises(ValidationError) as error:
        do_open_survey_round(b, actor=worker_a, name="again")
    do_close_survey_round(first, actor=worker_a)
    second = do_open_survey_round(b, actor=worker_a, name="again")

    assert "building" in error.value.message_dict
    assert second.closed_at is None


def test_cannot_open_a_round_in_another_community(
    client: Client, community_a: Community, community_b: Community, worker_a: User
) -> None:
    theirs = building(community_b)
    client.force_login(worker_a)

    response = client.post(
        reverse("people:survey-round-open"), {"building": theirs.pk, "name": "x"}
    )

    assert response.status_code == 200
    assert "building" in response.context["form"].errors
    assert not SurveyRound.objects.exists()


def test_closed_round_refuses_visits(
    client: Client, community_a: Community, worker_a: User
) -> None:
    b = building(community_a)
    (home,) = households(b, "502")
    survey_round = open_round(b, worker_a)
    client.force_login(worker_a)

    closed = client.post(reverse("people:survey-round-close", args=[survey_round.pk]))
    survey_round.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        do_record_visit(survey_round, home, actor=worker_a, result=Result.VERIFIED)
    response = client.post(visit_url(survey_round, home), {f"h{home.pk}-result": "verified"})

    assert closed.status_code == 302
    assert survey_round.closed_at is not None
    assert "round" in error.value.message_dict
    assert response.status_code == 200
    assert not SurveyVisit.objects.exists()
    with pytest.raises(ValidationError):
        do_close_survey_round(survey_round, actor=worker_a)


def test_household_outside_the_round_building_is_refused(
    community_a: Community, worker_a: User
) -> None:
    survey_round = open_round(building(community_a, "3"), worker_a)
    (elsewhere,) = households(building(community_a, "4"), "101")

    with pytest.raises(ValidationError) as error:
        do_record_visit(survey_round, elsewhere, actor=worker_a, result=Result.VERIFIED)

    assert "household" in error.value.message_dict


def test_invalid_visit_form_shows_its_errors_and_records_nothing(
    client: Client, community_a: Community, worker_a: User
) -> None:
    b = building(community_a)
    (home,) = households(b, "502")
    survey_round = open_round(b, worker_a)
    client.force_login(worker_a)

    response = client.post(
        visit_url(survey_round, home),
        {f"h{home.pk}-result": "corrected", f"h{home.pk}-member_phone": "13900001111"},
    )

    assert response.status_code == 200
    assert not SurveyVisit.objects.exists()
    body = response.content.decode()
    assert f'data-testid="visit-form-{home.pk}"' in body
    assert "errorlist" in body


# Permissions ----------------------------------------------------------------------------------


def test_another_communitys_round_and_household_are_404(
    client: Client, community_a: Community, community_b: Community, worker_a: User
) -> None:
    ours = building(community_a)
    (our_home,) = households(ours, "502")
    our_round = open_round(ours, worker_a)
    worker_b = make_user(Role.WORKER, community_b)
    theirs = building(community_b)
    (their_home,) = households(theirs, "502")
    their_round = open_round(theirs, worker_b)
    client.force_login(worker_a)
    data = {f"h{their_home.pk}-result": "verified"}

    pages = [
        client.get(reverse("people:survey-round", args=[their_round.pk])),
        client.get(reverse("people:survey-import", args=[their_round.pk])),
        client.post(reverse("people:survey-round-close", args=[their_round.pk])),
        client.post(visit_url(their_round, their_home), data),
        client.post(visit_url(our_round, their_home), data),
        client.post(visit_url(their_round, our_home), {f"h{our_home.pk}-result": "verified"}),
    ]

    assert [p.status_code for p in pages] == [404] * len(pages)
    assert not SurveyVisit.objects.exists()
    their_round.refresh_from_db()
    assert their_round.closed_at is None
    listing = client.get(reverse("people:survey-rounds")).content.decode()
    assert f'data-testid="round-{their_round.pk}"' not in listing
    assert f'data-testid="round-{our_round.pk}"' in listing


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.OPERATOR, Role.DOCTOR])
def test_roles_that_do_not_edit_the_register_get_403(
    client: Client, community_a: Community, worker_a: User, role: Role
) -> None:
    b = building(community_a)
    (home,) = households(b, "502")
    survey_round = open_round(b, worker_a)
    client.force_login(make_user(role, community_a))

    pages = [
        client.get(reverse("people:survey-rounds")),
        client.get(reverse("people:survey-round-open")),
        client.get(reverse("people:survey-round", args=[survey_round.pk])),
        client.post(visit_url(survey_round, home), {f"h{home.pk}-result": "verified"}),
        client.post(reverse("people:survey-round-close", args=[survey_round.pk])),
        client.get(reverse("people:survey-import", args=[survey_round.pk])),
    ]

    assert [p.status_code for p in pages] == [403] * len(pages)
    assert not SurveyVisit.objects.exists()


def test_open_round_page_offers_only_buildings_of_the_area(
    client: Client, community_a: Community, community_b: Community, worker_a: User
) -> None:
    ours = building(community_a, "3")
    theirs = building(community_b, "9", compound="华山村")
    client.force_login(worker_a)

    form = client.get(reverse("people:survey-round-open"), {"building": ours.pk}).context["form"]

    assert list(form.fields["building"].queryset) == [ours]
    assert theirs.pk not in [b.pk for b in form.fields["building"].queryset]
    assert form.initial["building"] == str(ours.pk)


def test_closed_round_page_offers_no_visit_form(
    client: Client, community_a: Community, worker_a: User
) -> None:
    b = building(community_a)
    (home,) = households(b, "502")
    survey_round = open_round(b, worker_a)
    do_record_visit(
        survey_round,
        home,
        actor=worker_a,
        result=Result.NOBODY_HOME,
        visited_at=timezone.now() - timedelta(hours=1),
    )
    do_record_visit(survey_round, home, actor=worker_a, result=Result.VERIFIED)
    do_close_survey_round(survey_round, actor=worker_a)
    client.force_login(worker_a)
    in_english(client)

    body = client.get(reverse("people:survey-round", args=[survey_round.pk])).content.decode()
    upload = client.get(reverse("people:survey-import", args=[survey_round.pk])).content.decode()

    assert f'data-testid="visit-form-{home.pk}"' not in body
    assert 'data-testid="close-round"' not in body
    assert "2 visits" in body
    assert 'data-testid="survey-upload"' not in upload


def test_a_visit_needs_its_result_chosen_and_the_page_returns_to_its_form(
    client: Client, community_a: Community, worker_a: User
) -> None:
    b = building(community_a)
    (home,) = households(b, "502")
    survey_round = open_round(b, worker_a)
    client.force_login(worker_a)

    form_page = client.get(reverse("people:survey-round", args=[survey_round.pk])).content.decode()
    response = client.post(visit_url(survey_round, home), {f"h{home.pk}-notes": "敲了门"})

    assert f'action="{visit_url(survey_round, home)}#h{home.pk}"' in form_page
    assert '<option value="" selected>' in form_page
    assert response.status_code == 200
    forms = {row.household.pk: form for row, form in response.context["table"]}
    assert forms[home.pk].errors["result"]
    assert not SurveyVisit.objects.exists()
