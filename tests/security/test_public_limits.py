"""Limits that cannot be turned against others: a checkpoint sharing one address, a resident
whose number someone else used, an API key that must not land in a log."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from linli.cli import ACCESS_LOG_FORMAT, gunicorn_argv, main
from linli.core.models import Community, User
from tests.api.factories import make_client
from tests.factories import make_resident
from tests.ledger.factories import make_medical_request, make_request, make_visit_pass

pytestmark = pytest.mark.django_db


def test_a_checkpoints_mistyped_codes_do_not_lock_out_the_valid_passes(
    community_a: Community, worker_a: User
) -> None:
    real = make_visit_pass(
        make_medical_request(community_a, worker_a, make_resident(community_a)), worker_a
    )
    checkpoint = Client(REMOTE_ADDR="203.0.113.50")  # one address for every guard of a gate
    for n in range(40):  # a busy day's typos, and more
        assert (
            checkpoint.get(reverse("public:pass-verify", args=[f"TYPO{n:04d}"])).status_code == 404
        )
    assert checkpoint.get(reverse("public:pass-verify", args=[real.code])).status_code == 200


def test_open311_takes_its_api_key_in_a_header(client: Client, community_a: Community) -> None:
    api_client, token = make_client(community_a)
    make_request(community_a, api_client.acting_user, description="rice for 3-502")

    (keyed,) = client.get("/open311/v2/requests.json", headers={"X-API-Key": token}).json()
    (keyless,) = client.get("/open311/v2/requests.json").json()

    assert keyed["description"] == "rice for 3-502"
    assert "description" not in keyless


def test_the_access_log_never_holds_a_query_string() -> None:
    import argparse

    args = argparse.Namespace(host="127.0.0.1", port=8000, workers=1, threads=1, access_log=True)
    argv = gunicorn_argv(args)
    assert argv[argv.index("--access-logformat") + 1] == ACCESS_LOG_FORMAT
    for query in ("%(r)s", "%(q)s", "%(U)s?"):
        assert query not in ACCESS_LOG_FORMAT
    assert "%(U)s" in ACCESS_LOG_FORMAT
    assert callable(main)


def test_guessing_tracking_codes_through_open311_is_braked_but_a_key_is_not(
    client: Client, community_a: Community, settings: Any
) -> None:
    settings.LINLI_PUBLIC_FORM_LIMITS = {"token_miss_ip": (3, 3600)}
    api_client, key = make_client(community_a)
    real = make_request(community_a, api_client.acting_user).request
    guesses = [client.get(f"/open311/v2/tokens/GUESS{n:03d}.json") for n in range(3)]

    braked = client.get(f"/open311/v2/tokens/{real.tracking_code}.json")
    keyed = client.get(f"/open311/v2/tokens/{real.tracking_code}.json", headers={"X-API-Key": key})

    assert [g.status_code for g in guesses] == [404, 404, 404]
    assert braked.status_code == 429
    assert braked.json()[0]["description"].startswith("token")
    assert keyed.json()[0]["service_request_id"] == str(real.pk)
