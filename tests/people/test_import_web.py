import io
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from linli.core.models import Community, User
from linli.core.roles import Role
from linli.people.actions.imports import do_give_up_stalled_imports, report_progress
from linli.people.models import Resident, ResidentImport
from tests.factories import make_user
from tests.people.rosters import GOOD, make_compound, write_xlsx

BAD_ROW = ["赵六", "男", "310101199001011238", "13812345679", "岐山村", "3", "1", "601", ""]


@pytest.fixture
def upload(client: Client, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Post a roster; the import task queued on commit runs right away (immediate backend)."""

    def post(path: Path, dry_run: bool = False) -> Any:
        data: dict[str, object] = {"file": SimpleUploadedFile(path.name, path.read_bytes())}
        if dry_run:
            data["dry_run"] = "on"
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("people:import-start"), data)
        return client.get(response["Location"]) if response.status_code == 302 else response

    return post


def test_upload_with_a_bad_row_shows_it_and_imports_nothing(
    client: Client,
    upload: Callable[..., Any],
    tmp_path: Path,
    community_a: Community,
    worker_a: User,
) -> None:
    make_compound(community_a)
    client.force_login(worker_a)
    response = upload(write_xlsx(tmp_path / "roster.xlsx", [*GOOD, BAD_ROW]))
    body = response.content.decode()
    record = ResidentImport.objects.get()
    assert record.status == ResidentImport.Status.FAILED
    assert 'data-testid="nothing-imported"' in body
    assert "<td>5</td>" in body and "身份证号" in body
    assert Resident.objects.count() == 0

    report = client.get(reverse("people:import-errors", args=[record.pk]))
    sheet = load_workbook(io.BytesIO(report.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:2] == (5, "身份证号")


def test_check_then_confirm_imports(
    client: Client,
    upload: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
    tmp_path: Path,
    community_a: Community,
    worker_a: User,
) -> None:
    make_compound(community_a)
    client.force_login(worker_a)
    upload(write_xlsx(tmp_path / "roster.xlsx", GOOD), dry_run=True)
    checked = ResidentImport.objects.get()
    assert (checked.status, checked.created) == (ResidentImport.Status.CHECKED, 3)
    assert Resident.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("people:import-confirm", args=[checked.pk]))
    response = client.get(response["Location"])
    assert 'data-testid="imported"' in response.content.decode()
    assert Resident.objects.count() == 3
    assert set(Resident.objects.values_list("imported_by", flat=True)) == {
        ResidentImport.objects.latest("pk").pk
    }


def test_progress_partial_is_served_to_htmx(
    client: Client,
    upload: Callable[..., Any],
    tmp_path: Path,
    community_a: Community,
    worker_a: User,
) -> None:
    make_compound(community_a)
    client.force_login(worker_a)
    upload(write_xlsx(tmp_path / "roster.xlsx", GOOD))
    record = ResidentImport.objects.get()
    partial = client.get(reverse("people:import-detail", args=[record.pk]), HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert body.lstrip().startswith("<section") and "<html" not in body
    assert 'data-status="done"' in body


def test_a_file_that_is_not_a_roster_is_refused(
    client: Client, community_a: Community, worker_a: User
) -> None:
    client.force_login(worker_a)
    response = client.post(
        reverse("people:import-start"), {"file": SimpleUploadedFile("notes.txt", b"hello")}
    )
    assert "xlsx" in response.content.decode()
    assert not ResidentImport.objects.exists()


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.OPERATOR, Role.DOCTOR])
def test_roles_that_do_not_edit_the_register_cannot_import(
    client: Client, community_a: Community, role: Role
) -> None:
    client.force_login(make_user(role, community_a))
    assert client.get(reverse("people:import-start")).status_code == 403


def test_another_communitys_import_is_not_found(
    client: Client,
    upload: Callable[..., Any],
    tmp_path: Path,
    community_a: Community,
    community_b: Community,
    worker_a: User,
) -> None:
    make_compound(community_a)
    client.force_login(worker_a)
    upload(write_xlsx(tmp_path / "roster.xlsx", GOOD))
    record = ResidentImport.objects.get()
    client.force_login(make_user(Role.WORKER, community_b))
    assert client.get(reverse("people:import-detail", args=[record.pk])).status_code == 404
    assert client.get(reverse("people:import-errors", args=[record.pk])).status_code == 404


def test_staff_outside_a_community_are_told_imports_belong_to_a_community(
    client: Client, upload: Callable[..., Any], tmp_path: Path, community_a: Community
) -> None:
    make_compound(community_a)
    client.force_login(make_user(Role.ADMIN))
    page = client.get(reverse("people:import-start"))
    assert page.status_code == 200
    assert 'data-testid="refusal"' in page.content.decode()
    response = upload(write_xlsx(tmp_path / "roster.xlsx", GOOD))
    assert response.status_code == 200
    assert not ResidentImport.objects.exists()
    assert not Resident.objects.exists()


def test_an_import_whose_worker_died_is_reported_as_stopped_not_left_spinning(
    client: Client, community_a: Community, worker_a: User
) -> None:
    """The page shows a stalled import as stopped at once, writing nothing; the worker's
    every-minute round writes it down."""
    client.force_login(worker_a)
    started = timezone.now()
    alive, dead = (
        ResidentImport.objects.create(
            community=community_a,
            uploaded_by=worker_a,
            file_name=name,
            status=ResidentImport.Status.RUNNING,
        )
        for name in ("alive.xlsx", "dead.xlsx")
    )
    with time_machine.travel(started + timedelta(minutes=12), tick=False):
        report_progress(alive.pk, 4000)  # still reporting progress
        pages = {
            record.pk: client.get(reverse("people:import-detail", args=[record.pk]))
            for record in (alive, dead)
        }
        assert 'data-testid="nothing-imported"' in pages[dead.pk].content.decode()
        assert 'data-testid="nothing-imported"' not in pages[alive.pk].content.decode()
        # A page read writes nothing.
        assert set(ResidentImport.objects.values_list("status", flat=True)) == {"running"}
        assert do_give_up_stalled_imports() == 1
    alive.refresh_from_db()
    dead.refresh_from_db()
    assert alive.status == ResidentImport.Status.RUNNING
    assert dead.status == ResidentImport.Status.CRASHED
    page = client.get(reverse("people:import-detail", args=[dead.pk])).content.decode()
    assert 'data-testid="nothing-imported"' in page


def test_reading_an_import_page_writes_nothing(
    client: Client,
    community_a: Community,
    worker_a: User,
    django_assert_max_num_queries: Any,
) -> None:
    record = ResidentImport.objects.create(
        community=community_a,
        uploaded_by=worker_a,
        file_name="stalled.xlsx",
        status=ResidentImport.Status.RUNNING,
    )
    client.force_login(worker_a)
    before = list(ResidentImport.objects.values())
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        for _ in range(2):
            client.get(reverse("people:import-detail", args=[record.pk]))
            client.get(
                reverse("people:import-detail", args=[record.pk]), headers={"HX-Request": "true"}
            )
    assert list(ResidentImport.objects.values()) == before
