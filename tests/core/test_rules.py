"""The architecture's rules, held by reading the code (docs/architecture.md): views ask
policies, never capabilities or roles; only actions write; no app reaches into another's
private names; every model a user can reach has a scope and an object policy. Each rule is
also seen finding a planted violation, so that it cannot pass by finding nothing."""

import ast
import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps

from linli.core.plugins import linli_apps
from linli.core.policy import ObjectPolicy
from linli.core.scope import Scope

LINLI = Path(__file__).resolve().parents[2] / "linli"

# Apps still being brought to this shape on their own branches: held once they land.
NOT_YET: set[str] = set()

# Writes outside an `actions` module, each for its reason.
WRITERS = {
    "linli/lib": "the write machinery itself (COPY, batched inserts) and workbooks, not models",
    "linli/core/writes.py": "save_with_history, called only by the apps' actions",
    "linli/core/roles.py": "the role groups rebuilt from the one matrix after every migrate",
    "linli/ledger/taxonomy.py": "the categories and their rules kept in step after every migrate",
    "linli/people/importer": "the roster import's writer, run only by people.actions.imports",
    "linli/people/survey_import.py": "the survey sheet's writer, run only by do_import_survey",
    "linli/core/seeding.py": "demo data in bulk (linli seed), no user's work",
    "seed.py": "demo data in bulk (linli seed), no user's work",
}
WRITES = {"save", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
QUERYSET_WRITES = {"create", "update"}
QUERYSETS = {"objects", "filter", "exclude", "select_for_update", "all", "_default_manager"}
SQL_WRITES = {"copy_rows", "copy_values", "insert_rows"}
CAPABILITY_IN_TEMPLATE = re.compile(r"\.can\b|\bperms\.")


def modules(*, under: Path = LINLI) -> list[Path]:
    return sorted(p for p in under.rglob("*.py") if "migrations" not in p.parts)


def app_of(path: Path) -> str:
    return path.relative_to(LINLI).parts[0] if path.is_relative_to(LINLI) else ""


def held(path: Path) -> bool:
    return app_of(path) not in NOT_YET


def _receiver(node: ast.expr) -> list[str]:
    """The names of a call's receiver chain: `Request.objects.filter(…)` → filter, objects,
    Request."""
    names: list[str] = []
    while isinstance(node, ast.Attribute | ast.Call):
        if isinstance(node, ast.Call):
            node = node.func
            continue
        names.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        names.append(node.id)
    return names


def model_writes(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute):
            receiver = _receiver(func.value)
            if receiver[-1:] == ["super"]:
                continue  # a model's own save() calling Django's
            if func.attr in WRITES or (func.attr in QUERYSET_WRITES and QUERYSETS & set(receiver)):
                found.append(f"{path.name}:{node.lineno} .{func.attr}()")
        elif isinstance(func, ast.Name) and func.id in SQL_WRITES:
            found.append(f"{path.name}:{node.lineno} {func.id}()")
    return found


def is_actions(path: Path) -> bool:
    return path.name == "actions.py" or "actions" in path.relative_to(LINLI).parts


def allowed_writer(path: Path) -> bool:
    rel = path.relative_to(LINLI.parent).as_posix()
    return any(rel in (w, f"{w}.py") or rel.startswith(w + "/") or path.name == w for w in WRITERS)


def test_no_model_is_written_outside_the_actions() -> None:
    offending = [
        f"{path.relative_to(LINLI.parent)}: {write}"
        for path in modules()
        if held(path) and not is_actions(path) and not allowed_writer(path)
        for write in model_writes(path)
    ]
    assert not offending, "\n".join(offending)


def test_the_write_rule_finds_a_planted_write(tmp_path: Path) -> None:
    sample = tmp_path / "views.py"
    sample.write_text(
        "def view(request, item):\n"
        "    item.save()\n"
        "    Request.objects.filter(pk=1).update(status='done')\n"
        "    copy_rows(rows)\n"
        "    {}.update(a=1)\n"  # a dict, not a model
    )
    assert model_writes(sample) == [
        "views.py:2 .save()",
        "views.py:3 .update()",
        "views.py:4 copy_rows()",
    ]


def is_view(path: Path) -> bool:
    parts = path.relative_to(LINLI).parts
    return path.name.startswith("views") or "views" in parts or "templatetags" in parts


def capability_questions(path: Path) -> list[str]:
    """`.can(…)` calls, the `Role` matrix and group names: what only policies and roles.py ask."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "can":
                found.append(f"{path.name}:{node.lineno} .can()")
            found += [
                f"{path.name}:{node.lineno} {kw.arg}"
                for kw in node.keywords
                if kw.arg and kw.arg.startswith("groups__name")
            ]
        elif isinstance(node, ast.Name) and node.id in ("Role", "ROLE_CAPABILITIES"):
            found.append(f"{path.name}:{node.lineno} {node.id}")
    return found


def test_no_view_or_template_tag_asks_a_capability_or_names_a_role() -> None:
    offending = [
        f"{path.relative_to(LINLI.parent)}: {found}"
        for path in modules()
        if held(path) and is_view(path)
        for found in capability_questions(path)
    ]
    assert not offending, "\n".join(offending)


def test_no_template_asks_a_capability() -> None:
    offending = [
        str(path.relative_to(LINLI.parent))
        for path in sorted(LINLI.rglob("templates/**/*.html"))
        if held(path) and CAPABILITY_IN_TEMPLATE.search(path.read_text(encoding="utf-8"))
    ]
    assert not offending, "\n".join(offending)


def test_the_capability_rule_finds_a_planted_question(tmp_path: Path) -> None:
    sample = tmp_path / "views.py"
    sample.write_text(
        "def view(request):\n"
        "    if request.user.can(Cap.VIEW_PII):\n"
        "        User.objects.filter(groups__name='hotel_staff')\n"
        "    return Role.WORKER\n"
    )
    assert capability_questions(sample) == [
        "views.py:2 .can()",
        "views.py:3 groups__name",
        "views.py:4 Role",
    ]


def private_reaches(path: Path) -> list[str]:
    """Names beginning with `_` that `path` takes from another app: imported, or read off a
    module of another app (`care._seat_holder`)."""
    own = app_of(path)
    other_modules: set[str] = set()
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[0] != "linli" or len(parts) < 2 or parts[1] in (own, "lib"):
                continue
            for alias in node.names:
                if alias.name.startswith("_"):
                    found.append(f"{path.name}:{node.lineno} {node.module}.{alias.name}")
                else:
                    other_modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "linli" and len(parts) > 1 and parts[1] != own and alias.asname:
                    other_modules.add(alias.asname)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in other_modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            found.append(f"{path.name}:{node.lineno} {node.value.id}.{node.attr}")
    return found


def test_no_app_takes_another_apps_private_names() -> None:
    offending = [
        f"{path.relative_to(LINLI.parent)}: {found}"
        for path in modules()
        for found in private_reaches(path)
    ]
    assert not offending, "\n".join(offending)


def test_the_private_rule_finds_a_planted_reach(tmp_path: Path) -> None:
    quarantine = tmp_path / "linli" / "quarantine"
    quarantine.mkdir(parents=True)
    sample = quarantine / "actions.py"
    sample.write_text(
        "from linli.care import actions as care\n"
        "from linli.people.importer import _number, HEADERS\n"
        "care._seat_holder(1, 2)\n"
        "care.__name__\n"  # a dunder is no private name
    )
    import tests.core.test_rules as rules

    old = rules.LINLI
    rules.LINLI = tmp_path / "linli"
    try:
        found = private_reaches(sample)
    finally:
        rules.LINLI = old
    assert found == ["actions.py:2 linli.people.importer._number", "actions.py:3 care._seat_holder"]


def object_policies() -> dict[type, ObjectPolicy[object]]:
    """Each app's object policies, by the model they are for (and the parts they answer for)."""
    found: dict[type, ObjectPolicy[object]] = {}
    for config in linli_apps():
        try:
            module = importlib.import_module(f"{config.name}.policy")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if isinstance(value, ObjectPolicy):
                model = value.model()
                found[model] = value
                for part in value.parts:
                    found[part] = value
    return found


def test_every_model_a_user_can_reach_has_a_scope_and_an_object_policy() -> None:
    policies = object_policies()
    missing = [
        f"{model._meta.label}: {'no object policy' if hasattr(model, 'scope') else 'no scope'}"
        for config in linli_apps()
        if config.label not in NOT_YET
        for model in config.get_models()
        if isinstance(getattr(model, "scope", None), Scope) and model not in policies
    ]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("label", ["ledger.Request", "people.Resident", "ledger.RequestEvent"])
def test_the_policy_rule_knows_the_models_it_covers(label: str) -> None:
    assert apps.get_model(label) in object_policies()
