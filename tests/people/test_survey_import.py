from datetime import datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.core.models import Community, User
from linli.people.actions.survey import do_close_survey_round, do_import_survey
from linli.people.models import SurveyVisit
from linli.people.survey_selectors import households_to_visit, round_progress
from tests.people.survey_factories import (
    building,
    household,
    households,
    in_english,
    member,
    open_round,
    survey_sheet,
)

Result = SurveyVisit.Result


def test_bad_rows_write_nothing_and_are_named_by_row_and_column(
    community_a: Community, worker_a: User
) -> None:
    b = building(community_a)
    households(b, "501", "502")
    survey_round = open_round(b, worker_a)
    sheet = survey_sheet(
        [
            ["3", "1", "501", "核实", "", ""],
            ["3", "1", "999", "核实", "", ""],  # row 3: no such room
            ["3", "1", "502", "也许", "", ""],  # row 4: not a result
            ["3号楼", "1", "502", "更正", "", ""],  # row 5: corrected without notes
            ["4", "1", "501", "无人", "", ""],  # row 6: another building
        ]
    )

    outcome = do_import_survey(survey_round, actor=worker_a, uploaded=sheet)

    assert not outcome.committed
    assert not SurveyVisit.objects.exists()
    found = {(e.row, e.column) for e in outcome.errors}
    assert found == {(3, "室号"), (4, "结果"), (5, "备注"), (6, "楼号")}
    reasons = {e.row: e.reason for e in outcome.errors}
    assert "999" in reasons[3]
    assert "也许" in reasons[4]
    assert outcome.rows == 5


def test_good_sheet_records_the_visits(community_a: Community, worker_a: User) -> None:
    b = building(community_a)
    verified, nobody, corrected, untouched = households(b, "101", "102", "201", "202")
    survey_round = open_round(b, worker_a)
    today = timezone.localdate()
    sheet = survey_sheet(
        [
            [3, 1, 101, "核实", datetime.combine(today, time()), ""],
            ["3号楼", "1单元", "102室", "无人", today.isoformat(), "下午再来"],
            [None, None, None, None, None, None],  # blank lines are skipped
            ["3", "1", "201", "更正", "", "电话已改"],
        ]
    )

    outcome = do_import_survey(survey_round, actor=worker_a, uploaded=sheet)

    assert outcome.committed, outcome.errors
    assert (outcome.rows, outcome.visits) == (3, 3)
    results = dict(SurveyVisit.objects.values_list("household", "result"))
    assert results == {
        verified.pk: Result.VERIFIED,
        nobody.pk: Result.NOBODY_HOME,
        corrected.pk: Result.CORRECTED,
    }
    first = SurveyVisit.objects.get(household=verified)
    assert (first.visitor, first.round, first.community) == (worker_a, survey_round, community_a)
    assert timezone.localtime(first.visited_at).date() == today
    assert SurveyVisit.objects.get(household=nobody).notes == "下午再来"
    assert set(households_to_visit(worker_a, survey_round)) == {nobody, untouched}
    assert round_progress(worker_a, survey_round).done == 2


def test_english_headers_and_results_are_understood(community_a: Community, worker_a: User) -> None:
    b = building(community_a)
    (home,) = households(b, "101")
    survey_round = open_round(b, worker_a)
    sheet = survey_sheet(
        [["3", "1", "101", "Refused", "", "not today"]],
        header=["Building", "Unit", "Room", "Result", "Date", "Notes"],
    )

    outcome = do_import_survey(survey_round, actor=worker_a, uploaded=sheet)

    assert outcome.committed, outcome.errors
    assert SurveyVisit.objects.get().household == home


def test_a_door_with_several_households_records_each(
    community_a: Community, worker_a: User
) -> None:
    b = building(community_a)
    first = household(b, "301")
    second = household(b, "301")
    member(first, "甲")
    member(second, "乙")
    survey_round = open_round(b, worker_a)

    outcome = do_import_survey(
        survey_round, actor=worker_a, uploaded=survey_sheet([["3", "1", "301", "拒绝", "", ""]])
    )

    assert outcome.visits == 2
    assert set(SurveyVisit.objects.values_list("household", flat=True)) == {first.pk, second.pk}


def test_dates_in_the_future_or_before_the_round_are_refused(
    community_a: Community, worker_a: User
) -> None:
    b = building(community_a)
    households(b, "101")
    survey_round = open_round(b, worker_a)
    today = timezone.localdate()
    sheet = survey_sheet(
        [
            ["3", "1", "101", "核实", (today + timedelta(days=1)).isoformat(), ""],
            ["3", "1", "101", "核实", (today - timedelta(days=3)).isoformat(), ""],
            ["3", "1", "101", "核实", "上周二", ""],
        ]
    )

    outcome = do_import_survey(survey_round, actor=worker_a, uploaded=sheet)

    assert [(e.row, e.column) for e in outcome.errors] == [(2, "日期"), (3, "日期"), (4, "日期")]
    assert not SurveyVisit.objects.exists()


def test_sheet_without_required_columns_or_for_a_closed_round_is_refused(
    community_a: Community, worker_a: User
) -> None:
    b = building(community_a)
    households(b, "101")
    survey_round = open_round(b, worker_a)

    missing = do_import_survey(
        survey_round,
        actor=worker_a,
        uploaded=survey_sheet([["3", "101"]], header=["楼号", "室号"]),
    )
    do_close_survey_round(survey_round, actor=worker_a)
    closed = do_import_survey(
        survey_round, actor=worker_a, uploaded=survey_sheet([["3", "1", "101", "核实", "", ""]])
    )

    assert not missing.committed
    assert "结果" in missing.errors[0].reason
    assert not closed.committed
    assert closed.error_count == 1
    assert not SurveyVisit.objects.exists()


def test_upload_page_shows_the_error_report_and_records_nothing(
    client: Client, community_a: Community, worker_a: User
) -> None:
    b = building(community_a)
    households(b, "501")
    survey_round = open_round(b, worker_a)
    client.force_login(worker_a)
    in_english(client)
    sheet = survey_sheet([["3", "1", "501", "核实", "", ""], ["3", "1", "777", "核实", "", ""]])

    response = client.post(reverse("people:survey-import", args=[survey_round.pk]), {"file": sheet})

    assert response.status_code == 200
    assert not SurveyVisit.objects.exists()
    body = response.content.decode()
    assert 'data-testid="survey-errors"' in body
    assert '<td class="num">3</td><td data-label="Column">室号</td>' in body
    assert "777" in body


def test_upload_page_records_a_good_sheet(
    client: Client, community_a: Community, worker_a: User
) -> None:
    b = building(community_a)
    households(b, "501", "502")
    survey_round = open_round(b, worker_a)
    client.force_login(worker_a)
    sheet = survey_sheet([["3", "1", "501", "核实", "", ""], ["3", "1", "502", "无人", "", ""]])

    response = client.post(reverse("people:survey-import", args=[survey_round.pk]), {"file": sheet})

    assert response.status_code == 302
    assert response["Location"] == reverse("people:survey-round", args=[survey_round.pk])
    assert SurveyVisit.objects.count() == 2


def test_upload_page_refuses_a_file_that_is_not_xlsx(
    client: Client, community_a: Community, worker_a: User
) -> None:
    b = building(community_a)
    households(b, "501")
    survey_round = open_round(b, worker_a)
    client.force_login(worker_a)
    url = reverse("people:survey-import", args=[survey_round.pk])

    csv = client.post(url, {"file": SimpleUploadedFile("survey.csv", b"3,1,501,verified\n")})
    fake = client.post(url, {"file": SimpleUploadedFile("survey.xlsx", b"not a workbook")})

    assert "file" in csv.context["form"].errors
    assert fake.context["outcome"].error_count == 1
    assert not SurveyVisit.objects.exists()
