"""Apps plug themselves in: core collects what they contribute and imports none of them."""

import ast
from pathlib import Path

import pytest
from django.test import Client

from linli.core.models import Community
from linli.core.plugins import home_panels, linli_apps, nav_items, periodic_jobs, seed_steps
from linli.core.roles import Role
from tests.factories import make_user

CORE = Path(__file__).resolve().parents[2] / "linli" / "core"
OTHER_APPS = {app.name for app in linli_apps()} - {"linli.core"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_no_module_of_core_imports_another_linli_app() -> None:
    assert {"linli.people", "linli.ledger", "linli.api"} <= OTHER_APPS
    offending = [
        f"{path.relative_to(CORE.parent.parent)} imports {module}"
        for path in sorted(CORE.rglob("*.py"))
        for module in imported_modules(path)
        if any(module == app or module.startswith(app + ".") for app in OTHER_APPS)
        or module == "linli.seed"
    ]
    assert not offending, "\n".join(offending)


def test_the_check_above_finds_an_import_of_another_app(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from linli.ledger.selectors import worklist\nimport linli.people.models\n")
    assert imported_modules(sample) == {"linli.ledger.selectors", "linli.people.models"}


def test_every_app_contributes_its_parts() -> None:
    urls = [item.url_name for item in nav_items()]
    assert urls[0] == "core:home" and urls[-1] == "admin:index"
    assert {"ledger:desk", "people:resident-list", "core:pii-log", "care:today"} <= set(urls)
    assert {job.name for job in periodic_jobs()} == {
        "late requests",
        "stalled imports",
        "rows of stopped imports",
        "old uploads",
        "care services",
        "receptions due",
    }
    assert [step.__name__ for step in seed_steps()] == [
        "RegisterSeed",
        "LedgerSeed",
        "CareSeed",
        "QuarantineSeed",
    ]
    names = [panel.name for panel in home_panels()]
    assert [p.order for p in home_panels()] == sorted(p.order for p in home_panels())
    assert {"pii-alerts", "take-call", "tasks", "register-summary", "communities"} <= set(names)
    assert {"care-today", "quarantine", "hotel"} <= set(names)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (Role.WORKER, ["register-summary"], ["task-list", "take-call", "community-table"]),
        (Role.OPERATOR, ["take-call", "phone-lookup"], ["register-summary", "task-list"]),
        (Role.VOLUNTEER, ["task-list"], ["register-summary", "take-call", "phone-lookup"]),
        (Role.DOCTOR, ["register-summary"], ["take-call", "task-list", "community-table"]),
    ],
)
def test_the_home_page_shows_the_panels_of_the_users_capabilities(
    client: Client, community_a: Community, role: Role, shown: list[str], hidden: list[str]
) -> None:
    client.force_login(make_user(role, community_a))
    page = client.get("/").content.decode()
    for testid in shown:
        assert f'data-testid="{testid}"' in page, testid
    for testid in hidden:
        assert f'data-testid="{testid}"' not in page, testid
