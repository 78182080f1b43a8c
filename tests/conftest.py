from collections.abc import Iterator

import pytest
from django.conf import LazySettings
from django.utils import translation

from linli.core.models import Community
from linli.core.roles import Role
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
