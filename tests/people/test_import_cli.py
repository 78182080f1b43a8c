import subprocess
import sys
from pathlib import Path

import pytest

from linli.core.models import Community, User
from linli.people.models import Resident
from tests.people.rosters import GOOD, make_compound, write_csv

BAD = ["赵六", "男", "310101199001011238", "13812345679", "岐山村", "3", "1", "601", ""]


@pytest.mark.django_db
def test_cli_import_reports_rows_and_exits_non_zero_on_errors(
    tmp_path: Path, community_a: Community, worker_a: User
) -> None:
    from django.core.management import call_command

    make_compound(community_a)
    bad = write_csv(tmp_path / "bad.csv", [*GOOD, BAD])
    args = [
        "import",
        "residents",
        str(bad),
        "--community",
        community_a.code,
        "--user",
        worker_a.username,
    ]
    with pytest.raises(SystemExit) as exit_info:
        call_command(*args)
    assert exit_info.value.code == 1
    assert Resident.objects.count() == 0
    good = write_csv(tmp_path / "good.csv", GOOD)
    call_command(
        "import",
        "residents",
        str(good),
        "--community",
        community_a.code,
        "--user",
        worker_a.username,
    )
    assert Resident.objects.count() == 3


def test_linli_import_command_exists() -> None:
    out = subprocess.run(
        [str(Path(sys.executable).with_name("linli")), "import", "--help"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "residents" in out.stdout


@pytest.mark.django_db
def test_a_cli_import_leaves_an_import_record(
    tmp_path: Path, community_a: Community, worker_a: User
) -> None:
    from django.core.management import call_command

    from linli.people.models import ResidentImport

    make_compound(community_a)
    good = write_csv(tmp_path / "good.csv", GOOD)
    call_command("import", "residents", str(good), "--community", community_a.code,
                 "--user", worker_a.username, "--dry-run")  # fmt: skip
    call_command("import", "residents", str(good), "--community", community_a.code,
                 "--user", worker_a.username)  # fmt: skip
    checked, done = ResidentImport.objects.order_by("pk")
    assert (checked.status, checked.dry_run, checked.created) == ("checked", True, 3)
    assert (done.status, done.dry_run, done.created, done.uploaded_by) == (
        "done",
        False,
        3,
        worker_a,
    )
    assert done.file_name == "good.csv" and done.finished_at is not None
    assert Resident.objects.filter(imported_by=done).count() == 3
