"""The doctor's list of key patients, from the register's groups, with this week's escorts."""

from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from linli.care.selectors import key_patients
from linli.core.models import Community, PiiAccess
from linli.core.policy import SYSTEM
from linli.core.roles import Role
from linli.ledger.actions import do_open_request
from linli.ledger.models import Channel
from linli.people.models import Vulnerability
from tests.care.factories import make_patient
from tests.factories import make_area, make_user
from tests.ledger.factories import make_category
from tests.people.list_factories import in_english

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
MONDAY = date(2026, 12, 7)


def tag(resident, kind: str, **details: object) -> None:  # type: ignore[no-untyped-def]
    Vulnerability.objects.create(
        community=resident.community, resident=resident, kind=kind, since=MONDAY, details=details
    )


def test_key_patients_show_schedule_next_visit_and_escorts_still_needed(
    community_a: Community,
) -> None:
    doctor = make_user(Role.DOCTOR, community_a)
    dialysis = make_patient(community_a, "李透析", "502")
    tag(dialysis, "dialysis", weekdays=["Tue", "Thu", "Sat"], time="07:00", hospital="华山医院")
    pregnant = make_patient(community_a, "赵孕", "601")
    tag(pregnant, "pregnant", due="2027-01-20", hospital="国妇婴", next="2026-12-10")
    tag(make_patient(community_a, "钱化疗", "701"), "chemo", hospital="肿瘤医院")
    tag(make_patient(make_area("别处居民区"), "孙透析", "801"), "dialysis", schedule="二四六")
    do_open_request(
        community_a, actor=SYSTEM, channel=Channel.PLANNED, category=make_category("dialysis"),
        description="血透接送", resident=dialysis,
        deadline=datetime(2026, 12, 8, 7, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    )  # fmt: skip

    rows = {row.resident.name: row for row in key_patients(doctor, MONDAY)}

    assert set(rows) == {"李透析", "赵孕", "钱化疗"}  # not another community's
    assert rows["李透析"].schedule == "Tue/Thu/Sat 07:00" and rows["李透析"].hospital == "华山医院"
    assert rows["李透析"].next_visit == MONDAY + timedelta(days=1)
    assert (rows["李透析"].sessions_left, rows["李透析"].escorts) == (3, 1)
    assert rows["赵孕"].due == date(2027, 1, 20) and rows["赵孕"].next_visit == date(2026, 12, 10)
    assert (rows["赵孕"].sessions_left, rows["赵孕"].escorts) == (1, 0)


def test_the_export_has_the_customary_columns_masks_for_the_role_and_is_logged(
    client: Client, community_a: Community
) -> None:
    tag(make_patient(community_a, "李透析", "502"), "dialysis", schedule="二四六 07:00")
    doctor = make_user(Role.DOCTOR, community_a)
    client.force_login(doctor)
    in_english(client)

    response = client.get(reverse("care:key-patients-export"))
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active  # type: ignore[attr-defined]
    assert sheet is not None
    header, first = [list(r) for r in sheet.iter_rows(max_row=2, values_only=True)]

    assert header[:3] == ["No.", "Group", "Name"] and "Escorts still needed this week" in header
    assert first[2] == "李透析" and first[6] == "13812340502"  # a doctor sees full numbers
    assert PiiAccess.objects.filter(user=doctor, fields__contains="export:key-patients").exists()
    client.force_login(make_user(Role.VOLUNTEER, community_a))
    assert client.get(reverse("care:key-patients")).status_code == 403


def test_escorts_a_care_plan_makes_count_as_arranged(community_a: Community) -> None:
    from tests.care.factories import make_item, make_plan, make_team

    team = make_team(community_a)
    resident = make_patient(community_a, "李透析", "502")
    tag(resident, "dialysis", schedule="二四六 07:00")
    make_item(team, make_plan(team, resident, starts_on=MONDAY), "二四六 07:00", "dialysis")

    (row,) = key_patients(team.doctor, MONDAY)

    assert row.by_plan and (row.sessions_left, row.escorts) == (3, 3)
