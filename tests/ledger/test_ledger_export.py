"""The ledger's xlsx export: the customary layout, its rows, its filters, the access log."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import translation

from linli.core.models import Community, PiiAccess, User
from linli.core.policy import SYSTEM
from linli.core.roles import Role
from linli.ledger import views_lists
from linli.ledger.actions import (
    do_assign,
    do_claim,
    do_complete,
    do_open_request,
    do_record_callback,
)
from linli.ledger.models import Channel, Request
from tests.factories import make_resident, make_room, make_user
from tests.ledger.factories import make_category, make_request
from tests.people.list_factories import in_english
from tests.xlsx import sheet_rows

URL = reverse("ledger:export")
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=SHANGHAI)
HEADER_ZH = [
    "序号",
    "来电时间",
    "姓名",
    "地址",
    "联系电话",
    "诉求类别",
    "诉求内容",
    "紧急程度",
    "办理状态",
    "交办对象",
    "办理时限",
    "是否超时",
    "办理结果",
    "回访情况",
    "诉求编号",
    "查询码",
]
HEADER_EN = [
    "No.",
    "Call time",
    "Name",
    "Address",
    "Phone",
    "Request category",
    "Request",
    "Urgency",
    "Status",
    "Handed to",
    "Time limit",
    "Late",
    "Result",
    "Callback",
    "Request number",
    "Tracking code",
]


def by_content(rows: list[list[Any]]) -> dict[str, dict[str, Any]]:
    header = rows[0]
    return {
        row[views_lists.REQUEST_COLUMN]: dict(zip(header, row, strict=True)) for row in rows[1:]
    }


def done(request: Request, actor: User, result: str = "已送达") -> Request:
    claimed = do_claim(request.pk, actor=actor)
    assert claimed is not None
    return do_complete(claimed, actor=actor, result=result)


@pytest.fixture
def ledger(community_a: Community, community_b: Community, worker_a: User) -> dict[str, Request]:
    resident = make_resident(community_a, "王奶奶", phone="13912345678")
    helper = make_user(Role.WORKER, community_a)
    helper.first_name = "小李"
    helper.save()
    with time_machine.travel(NOON, tick=False):
        confirmed = make_request(community_a, worker_a, description="买米", resident=resident)
        reopened = make_request(community_a, worker_a, description="买油")
        waiting = make_request(community_a, worker_a, description="买菜")
        make_request(community_b, SYSTEM, description="别人的诉求")
    done(confirmed.request, worker_a)
    do_record_callback(confirmed.request, actor=worker_a, confirmed=True)
    first = done(reopened.request, worker_a, "送错了")
    do_record_callback(first, actor=worker_a, confirmed=False, note="还缺油")
    do_assign(waiting.request, actor=worker_a, assignee=helper)
    return {
        "confirmed": confirmed.request,
        "reopened": reopened.request,
        "waiting": waiting.request,
    }


def test_export_has_the_customary_chinese_header_row(
    client: Client, ledger: dict[str, Request], worker_a: User
) -> None:
    with translation.override("zh-hans"):
        if "Callback" in views_lists.export_headers():
            pytest.skip("the zh_Hans catalogue does not have the ledger export headers yet")
    client.force_login(worker_a)
    rows = sheet_rows(client.get(URL))
    assert rows[0] == HEADER_ZH
    assert len(rows) == 4


def test_export_in_english_has_the_same_columns(
    client: Client, ledger: dict[str, Request], worker_a: User
) -> None:
    client.force_login(worker_a)
    in_english(client)
    assert sheet_rows(client.get(URL))[0] == HEADER_EN


def test_export_rows_hold_times_in_local_time_owners_results_and_callbacks(
    client: Client, ledger: dict[str, Request], worker_a: User
) -> None:
    client.force_login(worker_a)
    in_english(client)
    rows = sheet_rows(client.get(URL))
    assert [row[0] for row in rows[1:]] == [1, 2, 3]
    found = by_content(rows)
    assert set(found) == {"买米", "买油", "买菜"}  # nothing of community B
    rice = found["买米"]
    assert rice["Call time"] == NOON.replace(tzinfo=None)  # Shanghai wall time, no zone
    assert rice["Time limit"] == (NOON + timedelta(hours=24)).replace(tzinfo=None)  # groceries
    assert rice["Name"] == "王奶奶"
    resident = ledger["confirmed"].resident
    assert resident is not None
    assert rice["Address"] == resident.household.room.address()
    assert rice["Request category"] == "Groceries"
    assert rice["Handed to"] == worker_a.username
    assert rice["Result"] == "已送达"
    assert rice["Callback"] == "Confirmed"
    assert (rice["Phone"], rice["Urgency"], rice["Status"]) == (
        "13912345678",  # a worker sees full numbers; the export is logged
        "Normal",
        "Confirmed by callback",
    )
    assert found["买油"]["Callback"] == "Reopened: 还缺油"
    assert found["买菜"]["Handed to"] == "小李"
    assert found["买菜"]["Result"] is None
    assert found["买菜"]["Callback"] is None
    assert found["买菜"]["Name"] is None  # no resident, no household, no address given


def test_a_request_naming_no_resident_has_no_name_only_its_address(
    client: Client, community_a: Community, worker_a: User
) -> None:
    resident = make_resident(community_a, "王奶奶", phone="13912345678")
    do_open_request(
        community_a, actor=SYSTEM, channel=Channel.ONLINE, category=make_category(),
        description="网上来的", address_text="Building 3, room 502",
    )  # fmt: skip
    do_open_request(
        community_a, actor=worker_a, channel=Channel.HOTLINE, category=make_category(),
        description="户里来的", household=resident.household,
    )  # fmt: skip
    client.force_login(worker_a)
    in_english(client)
    found = by_content(sheet_rows(client.get(URL)))
    assert found["网上来的"]["Name"] is None
    assert found["网上来的"]["Address"] == "Building 3, room 502"
    assert found["户里来的"]["Name"] is None
    assert found["户里来的"]["Address"] == resident.household.room.address()


def test_the_latest_callback_wins(
    client: Client, ledger: dict[str, Request], worker_a: User
) -> None:
    again = do_complete(
        Request.objects.get(pk=ledger["reopened"].pk), actor=worker_a, result="补送了"
    )
    do_record_callback(again, actor=worker_a, confirmed=True)
    client.force_login(worker_a)
    in_english(client)
    assert by_content(sheet_rows(client.get(URL)))["买油"]["Callback"] == "Confirmed"


def test_export_follows_the_filters(
    client: Client, ledger: dict[str, Request], worker_a: User
) -> None:
    client.force_login(worker_a)
    assert set(by_content(sheet_rows(client.get(URL, {"status": "assigned"})))) == {"买油", "买菜"}
    assert set(by_content(sheet_rows(client.get(URL, {"q": "米"})))) == {"买米"}
    assert sheet_rows(client.get(URL, {"from": "2026-03-03"}))[1:] == []


def test_an_export_is_one_entry_in_the_access_log(
    client: Client, ledger: dict[str, Request], community_a: Community, worker_a: User
) -> None:
    client.force_login(worker_a)
    sheet_rows(client.get(URL, {"status": "assigned"}))
    access = PiiAccess.objects.get()
    assert access.user == worker_a
    assert access.community == community_a
    assert access.subject_type == ContentType.objects.get_for_model(Community)
    assert access.subject_id == community_a.pk
    assert access.fields == "export:ledger"
    assert "status=assigned" in access.path


def test_a_street_export_of_one_compound_is_logged_against_its_community(
    client: Client, ledger: dict[str, Request], community_a: Community
) -> None:
    official = make_user(Role.OFFICIAL, street=community_a.street)
    client.force_login(official)
    rows = sheet_rows(client.get(URL))
    assert len(rows) == 5  # both communities of the street
    assert sorted(a.rows for a in PiiAccess.objects.all()) == [1, 3]  # one entry per community
    PiiAccess.objects.all().delete()
    compound = make_room(community_a).unit.building.compound
    rows = sheet_rows(client.get(URL, {"compound": compound.pk}))
    assert [row[views_lists.REQUEST_COLUMN] for row in rows[1:]] == ["买米"]
    assert PiiAccess.objects.get().community == community_a


def test_volunteers_cannot_export(client: Client, community_a: Community) -> None:
    client.force_login(make_user(Role.VOLUNTEER, community_a))
    assert client.get(URL).status_code == 403
    assert not PiiAccess.objects.exists()


def test_a_long_export_reads_callbacks_once_per_chunk(
    client: Client,
    community_a: Community,
    worker_a: User,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_max_num_queries: Any,
) -> None:
    monkeypatch.setattr(views_lists, "EXPORT_CHUNK", 4)
    with time_machine.travel(NOON, tick=False):
        made = [
            make_request(community_a, worker_a, description=f"诉求{n:02}").request
            for n in range(10)
        ]
    for r in made:
        do_record_callback(done(r, worker_a), actor=worker_a, confirmed=True)
    client.force_login(worker_a)
    in_english(client)
    # session, user, groups, the rows, 3 chunks of callbacks, the user's community, and the
    # access log (rows per community, the communities, content type, insert and the alert
    # checks, inside a savepoint): none of it grows with the rows
    with django_assert_max_num_queries(16):
        rows = sheet_rows(client.get(URL))
    assert [row[views_lists.REQUEST_COLUMN] for row in rows[1:]] == [
        f"诉求{n:02}" for n in reversed(range(10))
    ]
    assert {dict(zip(rows[0], row, strict=True))["Callback"] for row in rows[1:]} == {"Confirmed"}


def test_export_is_newest_first_across_days(
    client: Client, community_a: Community, worker_a: User
) -> None:
    for days, text in ((0, "今天"), (-1, "昨天"), (1, "明天")):
        with time_machine.travel(NOON + timedelta(days=days), tick=False):
            make_request(community_a, worker_a, description=text)
    client.force_login(worker_a)
    assert [row[views_lists.REQUEST_COLUMN] for row in sheet_rows(client.get(URL))[1:]] == [
        "明天",
        "今天",
        "昨天",
    ]


def test_a_role_that_sees_masked_numbers_exports_them_masked(
    client: Client, ledger: dict[str, Request], community_a: Community
) -> None:
    client.force_login(make_user(Role.OFFICIAL, street=community_a.street))
    in_english(client)

    rice = by_content(sheet_rows(client.get(URL)))["买米"]

    assert rice["Phone"] == "139****5678"


@pytest.fixture
def timely_and_late(community_a: Community, worker_a: User) -> dict[str, Request]:
    """Groceries, due a day after NOON: one done within the hour, one done a day and six hours
    on, one still open then."""
    with time_machine.travel(NOON, tick=False):
        made = {
            text: make_request(community_a, worker_a, description=text).request
            for text in ("按时办结", "超时办结", "仍未办结")
        }
    with time_machine.travel(NOON + timedelta(hours=1), tick=False):
        done(made["按时办结"], worker_a)
    with time_machine.travel(NOON + timedelta(hours=30), tick=False):
        done(made["超时办结"], worker_a)
    return made


def test_each_line_has_the_request_number_and_its_tracking_code(
    client: Client, timely_and_late: dict[str, Request], worker_a: User
) -> None:
    client.force_login(worker_a)
    in_english(client)

    found = by_content(sheet_rows(client.get(URL)))

    for text, request in timely_and_late.items():
        assert found[text]["Request number"] == request.pk
        assert found[text]["Tracking code"] == request.tracking_code


def test_a_request_done_after_its_time_limit_or_still_open_past_it_is_late(
    client: Client, timely_and_late: dict[str, Request], worker_a: User
) -> None:
    client.force_login(worker_a)
    in_english(client)

    with time_machine.travel(NOON + timedelta(hours=30), tick=False):
        found = by_content(sheet_rows(client.get(URL)))

    assert {text: line["Late"] for text, line in found.items()} == {
        "按时办结": "No",
        "超时办结": "Yes",
        "仍未办结": "Yes",
    }


def test_the_late_flag_is_yes_or_no_in_chinese(
    client: Client, timely_and_late: dict[str, Request], worker_a: User
) -> None:
    client.force_login(worker_a)

    with time_machine.travel(NOON + timedelta(hours=30), tick=False):
        found = by_content(sheet_rows(client.get(URL)))

    assert [found[text]["是否超时"] for text in ("按时办结", "超时办结", "仍未办结")] == [
        "否",
        "是",
        "是",
    ]


@pytest.mark.parametrize(
    "query", [{"from": "2026-02-30"}, {"to": "2026-99-99"}, {"from": "9999-12-31"}]
)
def test_an_export_of_a_day_it_cannot_read_is_refused_not_the_whole_ledger(
    client: Client, ledger: dict[str, Request], worker_a: User, query: dict[str, str]
) -> None:
    client.force_login(worker_a)
    in_english(client)

    response = client.get(URL, query)

    assert response.status_code == 400
    assert "in the address is not a date (YYYY-MM-DD)" in response.content.decode()
    assert not PiiAccess.objects.exists()  # nothing was exported
