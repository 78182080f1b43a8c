"""POST /api/v1/requests with an Idempotency-Key: a retry never opens a second request."""

import json
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from linli.api import actions
from linli.api.models import ApiClient, IdempotentResponse
from linli.core.models import Community
from linli.ledger.models import Request
from tests.api.factories import bearer, make_client

URL = "/api/v1/requests"
BODY = {"category": "groceries", "description": "rice and oil", "phone": "13900001111"}


def post(client: Client, token: str, body: dict[str, Any] | str, key: str | None) -> Any:
    headers = bearer(token)
    if key is not None:
        headers["Idempotency-Key"] = key
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, data, content_type="application/json", headers=headers)


@pytest.mark.django_db
def test_a_retry_with_the_same_key_returns_the_first_answer_and_one_row(
    client: Client, community_a: Community
) -> None:
    _api_client, token = make_client(community_a)
    first = post(client, token, BODY, "key-1")
    retry = post(client, token, BODY, "key-1")
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Request.objects.count() == 1
    assert Request.objects.get().pk == first.json()["id"]
    stored = IdempotentResponse.objects.get()
    assert (stored.key, stored.status_code, stored.body) == ("key-1", 201, first.json())


@pytest.mark.django_db
def test_the_same_document_spaced_differently_is_the_same_request(
    client: Client, community_a: Community
) -> None:
    _api_client, token = make_client(community_a)
    first = post(client, token, json.dumps(BODY), "key-1")
    again = post(client, token, json.dumps(dict(reversed(BODY.items())), indent=2), "key-1")
    assert again.json() == first.json()
    assert Request.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_422_and_writes_nothing(
    client: Client, community_a: Community
) -> None:
    _api_client, token = make_client(community_a)
    post(client, token, BODY, "key-1")
    other = post(client, token, {**BODY, "description": "medicine"}, "key-1")
    assert other.status_code == 422
    assert [item["field"] for item in other.json()["detail"]] == ["Idempotency-Key"]
    assert Request.objects.count() == 1
    assert IdempotentResponse.objects.count() == 1


@pytest.mark.django_db
def test_without_a_key_or_with_another_key_each_post_opens_a_request(
    client: Client, community_a: Community
) -> None:
    _api_client, token = make_client(community_a)
    post(client, token, BODY, None)
    post(client, token, BODY, None)
    post(client, token, BODY, "key-1")
    post(client, token, BODY, "key-2")
    assert Request.objects.count() == 4


@pytest.mark.django_db
def test_keys_belong_to_their_client(client: Client, community_a: Community) -> None:
    _one, token_one = make_client(community_a)
    _two, token_two = make_client(community_a)
    first = post(client, token_one, BODY, "shared-key")
    second = post(client, token_two, BODY, "shared-key")
    assert second.status_code == 201
    assert second.json()["id"] != first.json()["id"]


@pytest.mark.django_db
def test_an_error_is_not_stored_so_a_corrected_retry_goes_through(
    client: Client, community_a: Community
) -> None:
    _api_client, token = make_client(community_a)
    bad = post(client, token, {**BODY, "category": "no-such"}, "key-1")
    assert bad.status_code == 422
    assert not IdempotentResponse.objects.exists()
    assert not Request.objects.exists()
    good = post(client, token, BODY, "key-1")
    assert good.status_code == 201
    assert Request.objects.count() == 1


@pytest.mark.django_db
def test_a_key_longer_than_200_characters_is_422(client: Client, community_a: Community) -> None:
    _api_client, token = make_client(community_a)
    response = post(client, token, BODY, "k" * 201)
    assert response.status_code == 422
    assert [item["field"] for item in response.json()["detail"]] == ["Idempotency-Key"]
    assert not Request.objects.exists()


@pytest.mark.django_db
def test_a_retry_is_stopped_by_the_key_rolled_back_and_given_the_first_answer(
    client: Client, community_a: Community, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key is not looked up before writing (first attempts are the common case): a retry's
    request is written with the key, stopped by its unique constraint, rolled back, and the
    stored first answer replayed."""
    api_client, token = make_client(community_a)
    looked_up = []
    real_stored = actions._stored

    def recorded(client_: ApiClient, key: str, print_: str) -> actions.Answer | None:
        looked_up.append(key)
        return real_stored(client_, key, print_)

    monkeypatch.setattr(actions, "_stored", recorded)
    winner = post(client, token, BODY, "key-1")
    assert looked_up == []
    retry = post(client, token, BODY, "key-1")
    assert looked_up == ["key-1"]
    assert retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json() == winner.json()
    assert Request.objects.count() == 1
    assert IdempotentResponse.objects.filter(client=api_client).count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="simultaneous writers need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_simultaneous_retries_with_one_key_open_one_request(community_a: Community) -> None:
    _api_client, token = make_client(community_a)
    attempts = 6
    barrier = threading.Barrier(attempts)
    answers: list[tuple[int, dict[str, Any]]] = []
    failures: list[BaseException] = []

    def attempt() -> None:
        try:
            barrier.wait(timeout=10)
            response = post(Client(), token, BODY, "same-key")
            answers.append((response.status_code, response.json()))
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    assert len(answers) == attempts
    assert {status for status, _body in answers} == {201}
    assert len({body["id"] for _status, body in answers}) == 1
    assert Request.objects.count() == 1
    assert IdempotentResponse.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one statement is PostgreSQL's way")
@pytest.mark.django_db
def test_an_intake_is_three_statements_on_postgresql(community_a: Community) -> None:
    """The caller's number looked up, the request's key taken, the request, its timeline and
    the kept answer written in one statement (savepoints aside: the test runs in a
    transaction)."""
    from django.test.utils import CaptureQueriesContext

    from linli.api.schemas import created_body

    api_client, _token = make_client(community_a)
    new = actions.NewRequest(category="groceries", description="rice", phone="13900001111")
    for key in ("warms-the-client", "k1"):  # the first call reads what a client keeps
        with CaptureQueriesContext(connection) as queries:
            actions.do_api_open_request(
                api_client, new, render=created_body, idempotency_key=key, body_fingerprint=key
            )
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    assert [sql.split()[0] for sql in statements] == ["SELECT", "SELECT", "WITH"]
    assert "nextval" in statements[1]
    assert Request.objects.count() == IdempotentResponse.objects.count() == 2
