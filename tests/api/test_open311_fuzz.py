"""Fuzzing /open311/v2/, which the OpenAPI schema does not cover: every GET and POST parameter and
every path segment gets a sensible value, a classic troublemaker (NUL, '²', huge numbers, dates
at the ends of the calendar) or random text. No answer may be a 5xx, and every answer must be a
well-formed document in the format asked for (XML, or JSON), errors included. Bounded and
derandomized, as the schema fuzz of /api/v1/ (tests/api/test_fuzz.py).
"""

import json
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.core.models import Community
from linli.core.roles import Role
from linli.ledger.actions import do_claim, do_complete
from linli.ledger.models import Request, RequestEvent
from tests.api.conftest import FuzzLog
from tests.api.factories import bearer, make_client
from tests.factories import make_area, make_resident, make_user
from tests.ledger.factories import make_request

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
FUZZ = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI is repeatable
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Stand-ins for the seeded community's code and its requests' ids and tracking codes.
JURISDICTION, IDS, TOKEN = "<jurisdiction>", "<ids>", "<token>"
TROUBLE = [
    "\x00",  # PostgreSQL's text can neither hold nor compare NUL
    "groceries\x00",
    "²",  # a digit to str.isdigit, not to int()
    "99999999999999999999999999",  # past the databases' integers
    "9" * 5000,  # past what int() reads
    "0001-01-01T00:00:00+14:00",  # before the year 1 in UTC
    "9999-12-30",  # 90 days later is past the year 9999
    "1e400",
    "nan",
    "",
]
SENSIBLE = {
    "jurisdiction_id": [JURISDICTION],
    "service_request_id": [IDS, "1,2"],
    "service_code": ["groceries", "medicine,meals"],
    "status": ["open", "closed", "open,closed"],
    "start_date": ["2026-01-01T00:00:00Z", "2026-01-01T00:00:00 08:00", "2026-01-01"],
    "end_date": ["2026-03-01T00:00:00+08:00"],
    "description": ["needs groceries"],
    "phone": ["13812345678"],
    "lat": ["31.2"],
    "long": ["121.4"],
    "email": ["z@example.org"],
}


def value(name: str) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(SENSIBLE.get(name, ["x"])),
        st.sampled_from(TROUBLE),
        st.text(max_size=20),
    )


def params(*names: str) -> st.SearchStrategy[dict[str, str]]:
    """A few of these parameters at a time, so that one bad value is not hidden by others."""
    return st.lists(st.sampled_from(names), max_size=3, unique=True).flatmap(
        lambda chosen: st.fixed_dictionaries({name: value(name) for name in chosen})
    )


SEARCH = params(
    "jurisdiction_id", "service_request_id", "service_code", "status", "start_date", "end_date"
)
FORM = params(
    "jurisdiction_id",
    "service_code",
    "description",
    "phone",
    "lat",
    "long",
    "address_string",
    "first_name",
    "last_name",
    "email",
    "media_url",
    "device_id",
    "account_id",
)
OPENS = {"service_code": "groceries", "description": "needs groceries", "address_string": "3-502"}
FORMAT = st.sampled_from(["xml", "json", "xml", "json", "csv"])
SEGMENT = st.one_of(st.sampled_from([TOKEN, IDS, "medicine", *TROUBLE[:5]]), st.text(min_size=1))
AUTH = st.sampled_from(["api_key", "bearer", "bearer", "none", "wrong"])


class Seeded:
    """A community with requests, one of them done, and a worker's client there."""

    def __init__(self) -> None:
        community: Community = make_area()
        make_resident(community, phone="13812345678")
        worker = make_user(Role.WORKER, community)
        opened = [make_request(community, worker).request for _ in range(3)]
        done = do_claim(opened[0].pk, actor=worker)
        assert done is not None
        do_complete(done, actor=worker, result="delivered")
        _client, self.key = make_client(community, user=worker)
        tracking = Request.objects.get(pk=opened[1].pk).tracking_code
        self.fill = {
            JURISDICTION: community.code,
            IDS: ",".join(str(r.pk) for r in opened),
            TOKEN: tracking,
        }

    def values(self, raw: dict[str, str]) -> dict[str, str]:
        return {name: self.fill.get(v, v) for name, v in raw.items()}

    def auth(self, how: str) -> tuple[dict[str, str], dict[str, str]]:
        """Parameters and headers for a way of authenticating."""
        if how == "api_key":
            return {"api_key": self.key}, {}
        if how == "bearer":
            return {}, bearer(self.key)
        return ({"api_key": "not-a-key"}, {}) if how == "wrong" else ({}, {})


@pytest.fixture
def seeded(db: None) -> Seeded:
    return Seeded()


def check(response: Any, fmt: str, log: FuzzLog, label: str) -> None:
    """No 5xx, and a well-formed document of the format asked for (XML for an unknown one)."""
    log.record(f"open311 {label}", response.status_code)
    assert response.status_code < 500, response.content
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        json.loads(response.content)
    else:
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        ET.fromstring(response.content)  # noqa: S314 - our own output


@given(fmt=FORMAT, search=SEARCH, how=AUTH)
@FUZZ
def test_get_requests_never_fails(
    seeded: Seeded, fuzz_log: FuzzLog, fmt: str, search: dict[str, str], how: str
) -> None:
    key, headers = seeded.auth(how)
    query = {**seeded.values(search), **key}
    response = Client().get(f"{BASE}/requests.{fmt}", query, headers=headers)
    check(response, fmt, fuzz_log, "GET /requests")


@given(fmt=FORMAT, form=FORM, how=AUTH)
@FUZZ
def test_post_requests_never_fails(
    seeded: Seeded, fuzz_log: FuzzLog, fmt: str, form: dict[str, str], how: str
) -> None:
    key, headers = seeded.auth(how)
    data = {**OPENS, **seeded.values(form), **key}
    response = Client().post(f"{BASE}/requests.{fmt}", data, headers=headers)
    check(response, fmt, fuzz_log, "POST /requests")


@given(fmt=FORMAT, kind=st.sampled_from(["services", "requests", "tokens"]), raw=SEGMENT, how=AUTH)
@FUZZ
def test_path_segments_never_fail(
    seeded: Seeded, fuzz_log: FuzzLog, fmt: str, kind: str, raw: str, how: str
) -> None:
    segment = seeded.fill.get(raw, raw).split(",")[0]
    key, headers = seeded.auth(how)
    url = f"{BASE}/{kind}/{quote(segment, safe='')}.{fmt}"
    response = Client().get(url, key, headers=headers)
    if "." in segment or "/" in segment:  # no Open311 URL: Django's own 404
        fuzz_log.record(f"open311 GET /{kind}/…", response.status_code)
        assert response.status_code == 404
        return
    check(response, fmt, fuzz_log, f"GET /{kind}/…")


@given(fmt=FORMAT, method=st.sampled_from(["put", "delete", "patch"]))
@FUZZ
def test_other_methods_get_an_error_document(
    seeded: Seeded, fuzz_log: FuzzLog, fmt: str, method: str
) -> None:
    response = getattr(Client(), method)(f"{BASE}/requests.{fmt}")
    check(response, fmt, fuzz_log, f"{method.upper()} /requests")
    assert response.status_code == (405 if fmt in ("xml", "json") else 400)


# What the fuzz found, pinned so that it stays fixed whatever the fuzz draws next time: each was
# a 500, on PostgreSQL or on both databases.
FOUND = [
    ("requests.json", {"service_request_id": "²"}, 400),  # str.isdigit, but not int()
    ("requests.json", {"service_request_id": "99999999999999999999999999"}, 200),  # none
    ("requests.json", {"service_request_id": "1" * 5000}, 200),  # too long for int()
    ("requests.json", {"service_code": "groceries\x00"}, 200),  # none
    ("requests.json", {"jurisdiction_id": "C\x00"}, 404),
    ("requests.json", {"start_date": "0001-01-01T00:00:00+14:00"}, 400),
    ("requests.json", {"start_date": "9999-12-30"}, 400),
    ("requests.json", {"end_date": "0001-01-02"}, 400),
    ("requests/%C2%B2.json", {}, 404),
    (f"requests/{'1' * 5000}.json", {}, 404),
    ("services/groceries%00.json", {}, 404),
    ("tokens/A%00.json", {}, 404),
]


@pytest.mark.parametrize(("path", "query", "status"), FOUND)
def test_what_the_fuzz_found_stays_fixed(
    seeded: Seeded, path: str, query: dict[str, str], status: int
) -> None:
    response = Client().get(f"{BASE}/{path}", query, headers=bearer(seeded.key))
    assert response.status_code == status, response.content
    if status == 200:
        assert response.json() == []
    else:
        assert response.json()[0]["code"] == status


def test_nul_in_the_reporters_fields_is_dropped(seeded: Seeded) -> None:
    form = {**OPENS, "api_key": seeded.key}
    reporter = {"first_name": "三\x00", "last_name": "张", "email": "z@\x00example.org"}
    response = Client().post(f"{BASE}/requests.json", {**form, **reporter})
    assert response.status_code == 200, response.content
    pk = int(response.json()[0]["service_request_id"])
    notes = RequestEvent.objects.filter(request_id=pk).values_list("note", flat=True)
    assert any("z@example.org" in note for note in notes)
