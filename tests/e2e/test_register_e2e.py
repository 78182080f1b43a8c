from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from linli.core.roles import Role
from linli.people.importer import Importer
from linli.people.models import Resident
from tests.e2e.test_login_e2e import log_in
from tests.factories import PASSWORD, make_area, make_user
from tests.people.rosters import GOOD, make_compound, write_xlsx

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BAD_ID = ["赵六", "男", "310101199001011238", "13812345679", "岐山村", "3", "1", "601", ""]
BAD_BUILDING = ["周九", "女", "310101197001011227", "13812345671", "岐山村", "12", "1", "101", ""]
FIXED_ID = ["赵六", "男", "310101199001010055", "13812345679", "岐山村", "3", "1", "601", ""]
FIXED_BUILDING = ["周九", "女", "310101197001011227", "13812345671", "岐山村", "5", "1", "101", ""]


def test_worker_imports_a_roster_fixes_it_and_finds_a_resident_by_initials(
    page: Page, tmp_path: Path
) -> None:
    community = make_area()
    make_compound(community)
    worker = make_user(Role.WORKER, community)
    log_in(page, worker.username, PASSWORD)

    page.get_by_role("link", name="导入").click()
    bad = write_xlsx(tmp_path / "楼组名单.xlsx", [*GOOD, BAD_ID, BAD_BUILDING])
    page.get_by_label("名单文件").set_input_files(str(bad))
    page.get_by_label("仅检查").uncheck()
    page.get_by_test_id("upload").click()

    expect(page.get_by_test_id("nothing-imported")).to_be_visible()
    errors = page.get_by_test_id("import-errors")
    expect(errors.locator("tr", has_text="身份证号").first).to_contain_text("5")
    expect(errors.locator("tr", has_text="楼号")).to_contain_text("6")
    expect(errors.locator("tbody tr")).to_have_count(2)
    assert Resident.objects.count() == 0
    with page.expect_download() as download:
        page.get_by_test_id("error-report").click()
    assert download.value.suggested_filename.endswith("errors.xlsx")

    page.get_by_role("link", name="导入另一份名单").click()
    fixed = write_xlsx(tmp_path / "楼组名单-改.xlsx", [*GOOD, FIXED_ID, FIXED_BUILDING])
    page.get_by_label("名单文件").set_input_files(str(fixed))
    page.get_by_test_id("upload").click()  # "check only" is ticked by default
    page.get_by_test_id("confirm-import").click()
    expect(page.get_by_test_id("imported")).to_be_visible()
    assert Resident.objects.count() == 5

    page.get_by_role("link", name="居民底册").first.click()
    page.get_by_test_id("register-search").fill("zl")
    page.get_by_test_id("register-search").press("Enter")
    table = page.get_by_test_id("resident-table")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("赵六")
    expect(table).to_contain_text("138****5679")


def test_volunteer_sees_only_masked_phones(
    page: Page, tmp_path: Path, console_errors: list[str]
) -> None:
    community = make_area()
    make_compound(community)
    worker = make_user(Role.WORKER, community)
    Importer(community, worker).run(write_xlsx(tmp_path / "r.xlsx", GOOD))
    volunteer = make_user(Role.VOLUNTEER, community)
    log_in(page, volunteer.username, PASSWORD)

    page.get_by_role("link", name="楼组名单").click()
    page.get_by_test_id("roster-compounds").get_by_role("link", name="岐山村").click()
    page.get_by_test_id("roster-buildings").get_by_role("link", name="全部单元").first.click()
    body = page.locator("main")
    expect(body).to_contain_text("张三")
    expect(body).to_contain_text("138****5678")
    for full in ("13812345678", "13912345670", "310101199001011234"):
        expect(body).not_to_contain_text(full)
    response = page.goto("/people/residents/")
    assert response is not None and response.status == 403
    assert all("403" in e for e in console_errors)
    console_errors.clear()
