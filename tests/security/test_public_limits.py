"""Limits that cannot be turned against others: a checkpoint sharing one address, a resident
whose number someone else used, an API key that must not land in a log."""

import pytest
from django.test import Client
from django.urls import reverse

from linli.cli import ACCESS_LOG_FORMAT, gunicorn_argv, main
from linli.core.models import Community, User
from tests.api.api_factories import make_client
from tests.factories import make_resident
from tests.ledger.public_factories import medical_request, visit_pass

pytestmark = pytest.mark.django_db


def test_a_checkpoints_mistyped_codes_do_not_lock_out_the_valid_passes(
    community_a: Community, worker_a: User
) -> None:
    real = visit_pass(medical_request(community_a, worker_a, make_resident(community_a)), worker_a)
    checkpoint = Client(REMOTE_ADDR="203.0.113.50")  # one address for every guard of a gate
    for n in range(40):  # a busy day's typos, and more
        assert (
            checkpoint.get(reverse("public:pass-verify", args=[f"TYPO{n:04d}"])).status_code == 404
        )
    assert checkpoint.get(reverse("public:pass-verify", args=[real.code])).status_code == 200


def test_open311_takes_its_api_key_in_a_header(client: Client, community_a: Community) -> None:
    _api_client, token = make_client(community_a)
    response = client.get("/open311/v2/requests.json", headers={"X-API-Key": token})
    assert response.status_code == 200
    assert client.get("/open311/v2/requests.json").status_code == 403


def test_the_access_log_never_holds_a_query_string() -> None:
    import argparse

    args = argparse.Namespace(host="127.0.0.1", port=8000, workers=1, threads=1, access_log=True)
    argv = gunicorn_argv(args)
    assert argv[argv.index("--access-logformat") + 1] == ACCESS_LOG_FORMAT
    for query in ("%(r)s", "%(q)s", "%(U)s?"):
        assert query not in ACCESS_LOG_FORMAT
    assert "%(U)s" in ACCESS_LOG_FORMAT
    assert callable(main)
