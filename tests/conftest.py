from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import LazySettings
from django.utils import translation

from linli.core.models import Community
from linli.core.roles import Role
from tests.api.conftest import FUZZ_LOG, FuzzLog, write_fuzz_summary
from tests.factories import make_area, make_user


@pytest.fixture(autouse=True)
def fast_passwords(settings: LazySettings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_taxonomy_cache() -> None:
    """Each test's database has its own categories: never reuse the previous test's."""
    from linli.ledger.taxonomy import forget_cached_taxonomy

    forget_cached_taxonomy()


@pytest.fixture(autouse=True)
def api_clients_looked_up_each_time(settings: LazySettings) -> Iterator[None]:
    """A revoked token is refused at once in tests (tests/api/test_auth_cache.py tries the
    cache itself)."""
    from linli.api.auth import forget_clients

    settings.API_TOKEN_CACHE_SECONDS = 0
    yield
    forget_clients()


@pytest.fixture(autouse=True)
def fresh_cache(settings: LazySettings) -> None:
    """Each test has an empty cache of its own (rate-limit counters, import progress), never
    the one in var/ that a running demo or another test run shares."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "linli-tests",
        }
    }
    cache.clear()


@pytest.fixture
def community_a(db: None) -> Community:
    return make_area("岐山居民区")


@pytest.fixture
def community_b(community_a: Community) -> Community:
    """A second community of the same street: close, yet none of community A's business."""
    return make_area("华山居民区", street=community_a.street)


@pytest.fixture
def worker_a(community_a: Community):  # type: ignore[no-untyped-def]
    return make_user(Role.WORKER, community_a)


@pytest.fixture
def english() -> Iterator[None]:
    """Messages in English, for tests that read them."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings: LazySettings, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Background tasks run inside the request that queues them; uploads go to a temp dir."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.IMPORT_DIR = tmp_path_factory.mktemp("imports")


@pytest.fixture(autouse=True)
def reference_data_after_flush(request: pytest.FixtureRequest) -> None:
    """Transactional tests flush the database between tests (and a serialized rollback may skip
    post_migrate): put back the role groups and the request categories they rely on."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not (
        marker.kwargs.get("transaction") or marker.kwargs.get("serialized_rollback")
    ):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    from linli.core.roles import sync_role_groups
    from linli.ledger.taxonomy import top_up_after_migrate

    for app_config in apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0)
        create_permissions(app_config, verbosity=0)
    sync_role_groups()
    top_up_after_migrate()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """An xdist worker is done: add its fuzz log (tests/api/conftest.py) to the controller's."""
    got = getattr(node, "workeroutput", {}).get("fuzz_log")
    if got:
        log = node.config.stash.setdefault(FUZZ_LOG, FuzzLog())
        log.examples.update(got["examples"])
        log.statuses.update(got["statuses"])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    write_fuzz_summary(terminalreporter)


# Every collected test is accounted for: it ran, or was skipped or errored in its setup. A
# parallel run (make test, pytest-xdist) that lost a test to a crashed worker fails here.
ACCOUNTED: set[str] = set()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" or (report.when == "setup" and not report.passed):
        ACCOUNTED.add(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if hasattr(session.config, "workerinput") or session.config.option.collectonly:
        return
    if exitstatus != pytest.ExitCode.OK or session.shouldstop or session.shouldfail:
        return
    seen = len(ACCOUNTED)
    if seen != session.testscollected:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                f"collected {session.testscollected} tests but {seen} reported: "
                "some were lost on the way",
                red=True,
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """For `make test`'s parallel run (pytest-xdist, --dist loadgroup): a module's tests stay
    together on one worker (they share module fixtures), and the browser tests all on one, so
    two Chromiums never fight over the shared cores.

    First, each test gets an id of its own: under pytest 9.2, schemathesis 4 gives every
    operation's test of a `schema.parametrize()` the same id (test_fuzz.py's
    test_authenticated_answers_conform five times over), and xdist, which schedules by id, then
    ran one of each five: 8 of the suite's tests were silently lost. The operation is in the
    item's name; put it in the id."""
    seen = Counter(item.nodeid for item in items)
    for item in items:
        if seen[item.nodeid] > 1 and item.parent is not None:
            # pytest 9.2 builds a test's id from its `originalname`, which schemathesis gives
            # without the operation; this is the id pytest's own fallback builds from the name.
            item._id = item.parent.id.child(item.name)
    if len(set(item.nodeid for item in items)) != len(items):
        raise pytest.UsageError("two collected tests share an id: xdist would run only one")
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        group = "e2e" if item.get_closest_marker("e2e") else item.nodeid.split("::")[0]
        item.add_marker(pytest.mark.xdist_group(group))
