"""A refusal is one line in the server's log, not a traceback."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from linli.core.models import Community
from linli.core.roles import Role
from tests.factories import make_user


def test_a_403_is_logged_in_one_line_without_its_traceback(
    client: Client, community_a: Community, caplog: pytest.LogCaptureFixture
) -> None:
    # A worker who is not the community's head: the access log raises PermissionDenied.
    client.force_login(make_user(Role.WORKER, community_a))

    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(reverse("core:pii-log")).status_code == 403

    # The record as the server's console handler (settings.LOGGING) left it.
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage().startswith("Forbidden")
    assert record.exc_info is None
    assert "Traceback" not in caplog.text
