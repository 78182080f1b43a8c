"""A server process keeps an API client it found for API_TOKEN_CACHE_SECONDS (three queries saved
on every call); a revoked token stops working within that time."""

from datetime import timedelta
from typing import Any

import time_machine
from django.conf import LazySettings
from django.test import Client
from django.utils import timezone

from linli.api.auth import forget_clients
from linli.api.models import ApiClient
from linli.core.models import Community
from tests.api.factories import bearer, make_client

URL = "/api/v1/requests"


def test_a_found_client_is_kept_and_a_revoked_one_goes_within_the_time(
    client: Client,
    community_a: Community,
    settings: LazySettings,
    django_assert_max_num_queries: Any,
) -> None:
    settings.API_TOKEN_CACHE_SECONDS = 30
    api_client, token = make_client(community_a)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert client.get(URL, headers=bearer(token)).status_code == 200
        with django_assert_max_num_queries(2):  # the page and its count, nothing for the token
            assert client.get(URL, headers=bearer(token)).status_code == 200
        ApiClient.objects.filter(pk=api_client.pk).update(active=False)
        clock.shift(timedelta(seconds=29))
        assert client.get(URL, headers=bearer(token)).status_code == 200  # still kept
        clock.shift(timedelta(seconds=2))
        assert client.get(URL, headers=bearer(token)).status_code == 401


def test_forgetting_the_clients_takes_effect_at_once(
    client: Client, community_a: Community, settings: LazySettings
) -> None:
    settings.API_TOKEN_CACHE_SECONDS = 30
    api_client, token = make_client(community_a)
    assert client.get(URL, headers=bearer(token)).status_code == 200
    api_client.acting_user.is_active = False
    api_client.acting_user.save(update_fields=["is_active"])
    forget_clients()
    assert client.get(URL, headers=bearer(token)).status_code == 401
