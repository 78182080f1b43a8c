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
