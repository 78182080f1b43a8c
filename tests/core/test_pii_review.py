"""The community head's review of the personal-data access log, and the alerts raised on it."""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.conf import LazySettings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.core.actions import do_record_export, do_record_pii_access
from linli.core.models import Community, PiiAccess, PiiAlert, User
from linli.core.roles import Role
from linli.people.models import Resident
from tests.factories import make_resident, make_user
from tests.xlsx import sheet_rows

LOG = reverse("core:pii-log")


@pytest.fixture
def head(community_a: Community) -> User:
    user = make_user(Role.WORKER, community_a)
    community_a.head = user
    community_a.save(update_fields=["head"])
    return user


def look(resident: Resident, user: User) -> PiiAccess:
    return do_record_pii_access(
        resident, actor=user, community=resident.community, fields=["phone"]
    )


def test_a_bulk_export_raises_an_alert_that_is_logged_and_shown(
    client: Client,
    head: User,
    worker_a: User,
    community_a: Community,
    settings: LazySettings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.PII_BULK_EXPORT_ROWS = 3
    for n in range(3):
        make_resident(community_a, f"居民{n}", phone=f"1391234000{n}", room=f"{n + 1}01")
    client.force_login(worker_a)
    with caplog.at_level(logging.WARNING, logger="linli.security"):
        assert client.get(reverse("people:export-register")).status_code == 200
    alert = PiiAlert.objects.get()
    assert (alert.kind, alert.user, alert.count) == (PiiAlert.Kind.BULK_EXPORT, worker_a, 3)
    assert "bulk_export" in caplog.text and worker_a.username in caplog.text
    client.force_login(head)
    assert 'data-testid="home-pii-alerts"' in client.get("/").content.decode()
    assert 'data-testid="pii-alert"' in client.get(LOG).content.decode()
    client.force_login(make_user(Role.ADMIN))
    assert 'data-testid="home-pii-alerts"' in client.get("/").content.decode()


def test_an_export_across_communities_is_one_bulk_export(
    worker_a: User, community_a: Community, community_b: Community, settings: LazySettings
) -> None:
    settings.PII_BULK_EXPORT_ROWS = 3
    make_resident(community_a, "张三")
    make_resident(community_a, "王五", phone="13900000002", room="602")
    make_resident(community_b, "李四")
    official = make_user(Role.OFFICIAL, street=community_a.street)
    accesses = do_record_export(Resident.objects.all(), actor=official, fields=["export:register"])
    assert sorted(a.rows for a in accesses) == [1, 2]  # neither community alone reaches 3
    alert = PiiAlert.objects.get()
    assert (alert.kind, alert.count, alert.community) == (
        PiiAlert.Kind.BULK_EXPORT,
        3,
        community_a,
    )
    assert "in 2 communities" in alert.detail


def test_a_small_export_raises_no_alert(
    client: Client, worker_a: User, community_a: Community, settings: LazySettings
) -> None:
    settings.PII_BULK_EXPORT_ROWS = 3
    make_resident(community_a)
    client.force_login(worker_a)
    client.get(reverse("people:export-register"))
    assert PiiAccess.objects.get().rows == 1
    assert not PiiAlert.objects.exists()


def test_many_looks_within_an_hour_raise_one_alert(
    worker_a: User, community_a: Community, settings: LazySettings
) -> None:
    settings.PII_VIEWS_PER_HOUR = 5
    resident = make_resident(community_a)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(4):
            look(resident, worker_a)
            clock.shift(timedelta(minutes=10))
        assert not PiiAlert.objects.exists()
        for _ in range(5):
            look(resident, worker_a)
        alert = PiiAlert.objects.get()
        assert (alert.kind, alert.count) == (PiiAlert.Kind.MANY_VIEWS, 5)
        clock.shift(timedelta(minutes=61))  # a new hour of many looks: a new alert
        for _ in range(5):
            look(resident, worker_a)
    assert PiiAlert.objects.count() == 2


def test_looks_spread_over_the_day_raise_no_alert(
    worker_a: User, community_a: Community, settings: LazySettings
) -> None:
    settings.PII_VIEWS_PER_HOUR = 5
    resident = make_resident(community_a)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(20):
            look(resident, worker_a)
            clock.shift(timedelta(minutes=15))
    assert not PiiAlert.objects.exists()


def test_the_log_is_the_heads_not_every_colleagues(
    client: Client, head: User, worker_a: User
) -> None:
    client.force_login(worker_a)
    assert client.get(LOG).status_code == 403
    assert LOG not in client.get("/").content.decode()  # no link to it either
    client.force_login(head)
    assert client.get(LOG).status_code == 200
    assert LOG in client.get("/").content.decode()
    client.force_login(make_user(Role.OFFICIAL, street=head.community.street))  # type: ignore[union-attr]
    assert client.get(LOG).status_code == 200


def test_the_log_filters_by_who_whose_when_and_exports(
    client: Client, head: User, worker_a: User, community_a: Community
) -> None:
    zhang = make_resident(community_a, "张三")
    li = make_resident(community_a, "李四", phone="13900000001", room="601")
    doctor = make_user(Role.DOCTOR, community_a)
    with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
        look(zhang, worker_a)
    look(li, doctor)
    do_record_export(Resident.objects.all(), actor=worker_a, fields=["export:register"])
    client.force_login(head)

    def shown(**query: str) -> int:
        return int(client.get(LOG, query).context["page"].paginator.count)

    assert shown() == 3
    assert shown(who=doctor.username) == 1
    assert shown(whose="张三") == 1
    assert shown(since=str(timezone.localdate())) == 2
    assert shown(until=str(timezone.localdate() - timedelta(days=1))) == 1
    assert shown(exports="1") == 1
    assert shown(since="not a date") == 3  # a bad date filters nothing out, and does not fail


def test_the_log_exports_to_excel_as_filtered(
    client: Client, head: User, worker_a: User, community_a: Community, community_b: Community
) -> None:
    look(make_resident(community_a, "张三"), worker_a)
    look(make_resident(community_a, "王五", phone="13900000002", room="602"), worker_a)
    theirs = make_resident(community_b, "李四")
    look(theirs, make_user(Role.WORKER, community_b))
    client.force_login(head)
    rows = sheet_rows(client.get(reverse("core:pii-log-export"), {"whose": "张"}))
    assert len(rows) == 2  # the header and 张三's one look
    assert rows[1][1] == worker_a.username and rows[1][3] == "张三"
    assert "李四" not in repr(rows)


def test_a_head_sees_only_their_communitys_log_and_alerts(
    client: Client, head: User, community_b: Community
) -> None:
    other_worker = make_user(Role.WORKER, community_b)
    look(make_resident(community_b, "李四"), other_worker)
    PiiAlert.objects.create(
        kind=PiiAlert.Kind.MANY_VIEWS, user=other_worker, community=community_b, count=99
    )
    client.force_login(head)
    body = client.get(LOG).content.decode()
    assert "李四" not in body and other_worker.username not in body


def test_reviewing_an_alert_needs_a_note_and_takes_it_off_the_list(
    client: Client, head: User, worker_a: User, community_a: Community, community_b: Community
) -> None:
    alert = PiiAlert.objects.create(
        kind=PiiAlert.Kind.BULK_EXPORT, user=worker_a, community=community_a, count=900
    )
    url = reverse("core:pii-alert-review", args=[alert.pk])
    client.force_login(head)
    client.post(url, {"note": "  "})
    alert.refresh_from_db()
    assert alert.reviewed_at is None
    client.post(url, {"note": "区里要求上报的名单 / list asked for by the district"})
    alert.refresh_from_db()
    assert alert.reviewed_by == head and alert.review_note.startswith("区里")
    assert 'data-testid="pii-alert"' not in client.get(LOG).content.decode()
    theirs = PiiAlert.objects.create(
        kind=PiiAlert.Kind.BULK_EXPORT, user=worker_a, community=community_b, count=900
    )
    response = client.post(reverse("core:pii-alert-review", args=[theirs.pk]), {"note": "x"})
    assert response.status_code == 404
