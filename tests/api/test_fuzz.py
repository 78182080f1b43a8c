"""Fuzzing /api/v1/ against its own OpenAPI schema (schemathesis, in process through WSGI).

Every operation of /api/v1/openapi.json gets schemathesis's coverage cases (boundaries, missing
and wrong-typed fields) and a bounded, derandomized run of generated cases, valid and invalid, so
CI repeats the same examples: no answer may be a 5xx, every answer must be documented (status
code, content type, body matching its schema), and input the schema forbids must be refused.
The client's token reaches a seeded community with requests in every state: drawn ids often name
those requests and drawn bodies a real category, so that requests open and move on, and text
values are now and then swapped for classic troublemakers (NUL above all, which PostgreSQL
refuses). Without a token, every operation must answer a documented 401. What the fuzz found is
pinned at the end, so that it stays fixed whatever the fuzz draws.
"""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from linli.core.models import Community
from linli.core.roles import Role
from linli.ledger.actions import do_cancel, do_claim, do_complete, do_start
from linli.ledger.models import Category
from tests.api.conftest import FuzzLog
from tests.api.factories import bearer, make_client
from tests.factories import make_area, make_resident, make_user
from tests.ledger.factories import make_request

pytestmark = pytest.mark.django_db

EXAMPLES = 100  # generated cases per operation, on top of schemathesis's coverage cases
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI is repeatable
    database=None,  # no failures replayed from earlier runs: each run draws the same cases
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # one seeded database for all examples, on purpose
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

# Unknown query parameters are ignored, as is usual, and the token is the test's to send (or
# not): neither is a schema violation the API must refuse. Integers are now and then drawn from
# the databases' edges.
CONFIG = schemathesis.Config.from_dict(
    {
        "dictionaries": {"edges": {"values": [2**31, 2**63 - 1, 2**63, 10**30, -(2**63) - 1]}},
        "generation": {
            "allow-extra-parameters": False,
            "with-security-parameters": False,
            "dictionaries": {"integer": {"dictionary": "edges", "probability": 0.2}},
        },
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler(), config=CONFIG)

# The seeded requests and the categories, filled by the `seeded` fixture before any case is drawn.
SEEDED_IDS: list[int] = []
CATEGORY_CODES: list[str] = []


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
    """Half of the valid ids drawn name a seeded request instead of a random, unknown one."""
    if not path_parameters or not isinstance(path_parameters.get("id"), int) or not SEEDED_IDS:
        return st.just(path_parameters)
    return st.one_of(
        st.just(path_parameters),
        st.sampled_from(list(SEEDED_IDS)).map(lambda pk: {**path_parameters, "id": pk}),
    )


# The classic troublemakers, put into one text value of a query or body now and then.
TROUBLE = [
    None,  # a NUL after the value drawn: PostgreSQL's text can neither hold nor compare one
    "\x00",
    "²",  # a digit to str.isdigit, not to int()
    "0001-01-01T00:00:00+14:00",  # before the year 1 in UTC
    "9999-12-31T23:59:59-12:00",  # after the year 9999 in UTC
    "1700000000",  # seconds, not a date
    "' OR 1=1 --",
    "𠀀" * 300,
]


def troubled(values: Any) -> Any:
    """The values drawn, or (as often) with one text value made trouble. Only values of at most
    200 characters are replaced: a longer one may be what makes a case invalid on purpose (too
    long), and a short replacement would make it valid behind the checks' back."""
    keys = sorted(values) if isinstance(values, dict) else []
    keys = [k for k in keys if isinstance(values[k], str) and len(values[k]) <= 200]
    if not keys:
        return st.just(values)
    return st.one_of(
        st.just(values),
        st.tuples(st.sampled_from(keys), st.sampled_from(TROUBLE)).map(
            lambda pick: {**values, pick[0]: pick[1] or values[pick[0]] + "\x00"}
        ),
    )


@schema.hook
def flatmap_query(context: Any, query: Any) -> Any:
    return troubled(query)


@schema.hook
def flatmap_body(context: Any, body: Any) -> Any:
    """Most request bodies drawn name a real category and, when they name a community, the
    client's by default, so that requests open; then, maybe, trouble. Only text is swapped for
    text, which no invalid case drawn on purpose (a number, a list) is made valid by."""
    named = isinstance(body, dict) and isinstance(body.get("category"), str)
    if not named or not CATEGORY_CODES:
        return troubled(body)

    def real(code: str | None) -> Any:
        if code is None:
            return body
        if isinstance(body.get("community"), str):
            return {**body, "category": code, "community": None}
        return {**body, "category": code}

    return st.sampled_from([None, *CATEGORY_CODES]).map(real).flatmap(troubled)


@pytest.fixture
def app_keeps_test_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection at the end of each request, which would
    end the test's transaction; Django's test client holds these signals back the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(db: None, app_keeps_test_connection: None) -> Iterator[str]:
    """A community with a registered household and requests in every state; the token of a
    worker's client there."""
    community: Community = make_area()
    make_resident(community, phone="13812345678")
    worker = make_user(Role.WORKER, community)
    fresh = make_request(community, worker).request
    claimed = make_request(community, worker, code="medicine").request
    started = make_request(community, worker).request
    finished = make_request(community, worker).request
    dropped = make_request(community, worker).request
    for item in (claimed, started, finished):
        do_claim(item.pk, actor=worker)
    claimed.refresh_from_db()
    started.refresh_from_db()
    finished.refresh_from_db()
    do_start(started, actor=worker)
    do_start(finished, actor=worker)
    do_complete(finished, actor=worker, result="delivered")
    do_cancel(dropped, actor=worker, reason="not needed")
    _client, token = make_client(community, user=worker)
    SEEDED_IDS[:] = [fresh.pk, claimed.pk, started.pk, finished.pk, dropped.pk]
    CATEGORY_CODES[:] = Category.objects.filter(active=True).values_list("code", flat=True)
    yield token
    SEEDED_IDS.clear()
    CATEGORY_CODES.clear()


@schema.parametrize()
@FUZZ
def test_authenticated_answers_conform(case: Any, seeded: str, fuzz_log: FuzzLog) -> None:
    """No 5xx; status, content type, headers and body as documented; invalid input refused."""
    headers = {**bearer(seeded), "Accept-Language": "en"}
    response = case.call(headers=headers)
    fuzz_log.record(f"token {case.operation.label}", response.status_code)
    case.validate_response(
        response, checks=[*CONFORMANCE, negative_data_rejection], headers=headers
    )


@schema.parametrize()
@settings(FUZZ, max_examples=EXAMPLES // 5)
def test_without_a_valid_token_every_operation_answers_401(
    case: Any, db: None, app_keeps_test_connection: None, fuzz_log: FuzzLog
) -> None:
    """No token, or an unknown one: a documented 401, whatever else the request holds."""
    for headers in ({}, bearer("not-a-token")):
        response = case.call(headers=headers)
        fuzz_log.record(f"no token {case.operation.label}", response.status_code)
        case.validate_response(response, checks=CONFORMANCE, headers=headers)
        # The coverage phase also probes methods the path does not have: 405 before any auth.
        expected = 401 if case.method.upper() == case.operation.method.upper() else 405
        assert response.status_code == expected, response.text


# What the fuzz found, pinned so that it stays fixed whatever the fuzz draws next time: each was
# a 500 (on PostgreSQL, or on both databases), or bad input taken for good.
VALID = {"category": "groceries", "description": "needs groceries"}
FOUND: list[tuple[str, str, dict[str, Any], int]] = [
    # read as seconds since 1970
    ("GET", "/api/v1/requests", {"query": {"updated_since": "0.5"}}, 422),
    # OverflowError in UTC (SQLite)
    ("GET", "/api/v1/requests", {"query": {"created_since": "0001-01-01T00:00:00+14:00"}}, 422),
    ("GET", "/api/v1/requests", {"query": {"updated_since": "9999-12-31T23:59:59-12:00"}}, 422),
    # OFFSET past the databases' integers
    ("GET", "/api/v1/requests", {"query": {"offset": 2**63}}, 422),
    # NUL, which PostgreSQL cannot compare
    ("GET", "/api/v1/requests", {"query": {"category": "groceries\x00"}}, 422),
    ("GET", "/api/v1/requests", {"query": {"community": "C\x00"}}, 422),
    ("POST", "/api/v1/requests", {"body": {**VALID, "community": "C\x00"}}, 422),
    ("POST", "/api/v1/requests", {"body": VALID, "headers": {"Idempotency-Key": "k\x00"}}, 422),
    (
        "POST",
        "/api/v1/requests/{id}/transitions",
        {"body": {"action": "cancel", "reason": "not needed\x00"}},
        200,
    ),
]


@pytest.mark.parametrize(("method", "path", "parts", "status"), FOUND)
def test_what_the_fuzz_found_stays_fixed(
    seeded: str, method: str, path: str, parts: dict[str, Any], status: int
) -> None:
    if "{id}" in path:
        parts = {**parts, "path_parameters": {"id": SEEDED_IDS[0]}}
    case = schema[path][method].Case(**parts)
    headers = {**bearer(seeded), "Accept-Language": "en"}
    response = case.call(headers=headers)
    case.validate_response(response, checks=CONFORMANCE, headers=headers)
    assert response.status_code == status, response.text


def test_a_lone_surrogate_in_json_is_refused(seeded: str) -> None:
    """JSON's `\\ud800` is no text: the database could not store it, nor look it up (500)."""
    body = '{"category": "groceries", "description": "x", "community": "\\ud800"}'
    response = Client().post(
        "/api/v1/requests", body, content_type="application/json", headers=bearer(seeded)
    )
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "body"
