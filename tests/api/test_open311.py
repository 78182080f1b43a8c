"""Open311 GeoReport v2 on the request ledger: the spec's documents, in XML and in JSON."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from linli.core.models import Community
from linli.core.roles import Role
from linli.ledger.actions import do_cancel, do_claim, do_complete
from linli.ledger.models import Category, Channel, Request, RequestEvent
from tests.api.factories import bearer, make_client, make_request_days_ago
from tests.factories import make_resident
from tests.ledger.factories import make_request

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
EN = {"Accept-Language": "en"}
HERE = {"service_code": "groceries", "description": "x", "address_string": "3-502"}


def parse(response: Any) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 - our own output


def records(root: ET.Element) -> list[dict[str, str]]:
    return [{child.tag: child.text or "" for child in item} for item in root]


def as_text(value: Any) -> str:
    """A JSON value as the XML shows it (the Spark convention)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def errors(response: Any) -> list[dict[str, str]]:
    return records(parse(response))


def test_service_list_has_the_specs_elements_and_json_agrees(client: Client) -> None:
    xml = client.get(f"{BASE}/services.xml", headers=EN)
    assert xml.status_code == 200
    root = parse(xml)
    assert root.tag == "services"
    assert {item.tag for item in root} == {"service"}
    services = records(root)
    assert all(list(s) == SERVICE_FIELDS for s in services)
    active = list(Category.objects.filter(active=True).values_list("code", flat=True))
    assert [s["service_code"] for s in services] == active
    meds = next(s for s in services if s["service_code"] == "medicine")
    assert meds["service_name"] == "Medicine purchase"
    assert (meds["metadata"], meds["type"]) == ("true", "realtime")  # the key questions
    assert "代配药" in meds["keywords"]
    json = client.get(f"{BASE}/services.json", headers=EN)
    assert json["Content-Type"] == "application/json; charset=utf-8"
    assert [{k: as_text(v) for k, v in s.items()} for s in json.json()] == services


def test_service_names_follow_the_readers_language(client: Client) -> None:
    chinese = client.get(f"{BASE}/services.json", headers={"Accept-Language": "zh-hans"}).json()
    assert next(s for s in chinese if s["service_code"] == "medicine")["service_name"] == "代配药"


def test_service_definition_and_unknown_service(client: Client) -> None:
    root = parse(client.get(f"{BASE}/services/meals.xml"))
    assert root.tag == "service_definition"
    assert [child.tag for child in root] == ["service_code", "attributes"]
    assert root.findtext("service_code") == "meals"
    definition = client.get(f"{BASE}/services/meals.json").json()
    assert definition["service_code"] == "meals"
    # The dispatcher's two key questions, asked of every service (any call may be about health).
    assert [a["code"] for a in definition["attributes"]] == ["awake", "breathing"]
    awake = definition["attributes"][0]
    assert (awake["variable"], awake["datatype"], awake["required"]) == (
        True,
        "singlevaluelist",
        False,
    )
    assert [v["key"] for v in awake["values"]] == ["yes", "no", "unknown"]
    xml_attributes = root.find("attributes")
    assert xml_attributes is not None
    assert [a.findtext("code") for a in xml_attributes] == ["awake", "breathing"]
    missing = client.get(f"{BASE}/services/nothing.xml")
    assert missing.status_code == 404
    assert parse(missing).tag == "errors"
    assert errors(missing)[0]["code"] == "404"
    assert "service_code" in errors(missing)[0]["description"]


def test_post_opens_a_request_with_channel_open311(client: Client, community_a: Community) -> None:
    make_resident(community_a, phone="13812345678")
    api_client, token = make_client(community_a)
    response = client.post(
        f"{BASE}/requests.xml",
        {
            "api_key": token,
            "service_code": "medicine",
            "description": "out of insulin",
            "phone": "13812345678",
            "address_string": "岐山村 3-1-502",
            "first_name": "三",
            "last_name": "张",
            "email": "z@example.org",
        },
    )
    assert response.status_code == 200, response.content
    root = parse(response)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request is not None
    assert [child.tag for child in request] == [
        "service_request_id",
        "service_notice",
        "account_id",
    ]
    item = Request.objects.get(pk=int(request.findtext("service_request_id", "")))
    assert item.channel == Channel.OPEN311
    assert item.created_by == api_client.acting_user
    assert item.household is not None
    assert item.urgency == "urgent"
    assert item.address_text == "岐山村 3-1-502"
    note = RequestEvent.objects.get(request=item, kind="note").note
    assert "张 三" in note and "z@example.org" in note


def test_post_accepts_a_bearer_token_and_coordinates(
    client: Client, community_a: Community
) -> None:
    _api_client, token = make_client(community_a)
    response = client.post(
        f"{BASE}/requests.json",
        {"service_code": "garbage", "description": "bags left", "lat": "31.2", "long": "121.45"},
        headers=bearer(token),
    )
    assert response.status_code == 200, response.content
    (created,) = response.json()
    item = Request.objects.get(pk=int(created["service_request_id"]))
    assert item.address_text == "(31.200000, 121.450000)"


@pytest.mark.parametrize(
    ("form", "status", "word"),
    [
        ({"service_code": "nothing", "description": "help"}, 404, "service_code"),
        ({"description": "help"}, 400, "service_code"),
        ({"service_code": "groceries", "lat": "north", "long": "121"}, 400, "lat"),
        ({"service_code": "groceries", "lat": "31.2"}, 400, "lat"),
        ({"service_code": "groceries", "lat": "91", "long": "121"}, 400, "lat"),
        ({"service_code": "groceries", "lat": "31", "long": "inf"}, 400, "long"),
        ({"service_code": "groceries", "description": "x"}, 400, "address_string"),
        ({"service_code": "groceries", "address_string": "   "}, 400, "address_string"),
        ({**HERE, "media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({**HERE, "address_id": "9" * 101}, 400, "address_id"),
        ({**HERE, "jurisdiction_id": "NOPE"}, 404, "jurisdiction_id"),
    ],
)
def test_post_errors_are_the_specs_documents_and_write_nothing(
    client: Client, community_a: Community, form: dict[str, str], status: int, word: str
) -> None:
    _api_client, token = make_client(community_a)
    response = client.post(f"{BASE}/requests.xml", {"api_key": token, **form}, headers=EN)
    assert response.status_code == status
    (error,) = errors(response)
    assert error["code"] == str(status)
    assert word in error["description"]
    assert not Request.objects.exists()


def test_post_without_or_with_a_wrong_api_key_is_403(
    client: Client, community_a: Community
) -> None:
    form = {"service_code": "groceries", "description": "rice"}
    missing = client.post(f"{BASE}/requests.xml", form)
    assert missing.status_code == 403
    assert errors(missing)[0]["code"] == "403"
    wrong = client.post(f"{BASE}/requests.json", {**form, "api_key": "nope"})
    assert wrong.status_code == 403
    assert wrong.json() == [{"code": 403, "description": wrong.json()[0]["description"]}]
    assert "api_key" in wrong.json()[0]["description"]
    assert not Request.objects.exists()


def test_a_client_of_several_communities_must_name_the_jurisdiction(
    client: Client, community_a: Community, community_b: Community
) -> None:
    _api_client, token = make_client(community_a, community_b)
    form = {"api_key": token, **HERE}
    unnamed = client.post(f"{BASE}/requests.xml", form, headers=EN)
    assert unnamed.status_code == 400
    assert "jurisdiction_id" in errors(unnamed)[0]["description"]
    named = client.post(f"{BASE}/requests.xml", {**form, "jurisdiction_id": community_b.code})
    assert named.status_code == 200
    assert Request.objects.get().community == community_b


def test_get_requests_has_the_specs_elements_and_json_agrees(
    client: Client, community_a: Community
) -> None:
    api_client, token = make_client(community_a)
    make_request(community_a, api_client.acting_user, code="meals", description="lunch")
    make_request(community_a, api_client.acting_user, code="repair", description="door")
    xml = client.get(f"{BASE}/requests.xml", {"api_key": token}, headers=EN)
    assert xml.status_code == 200
    root = parse(xml)
    assert root.tag == "service_requests"
    assert {item.tag for item in root} == {"request"}
    found = records(root)
    assert len(found) == 2
    assert all(list(r) == REQUEST_FIELDS for r in found)
    json = client.get(f"{BASE}/requests.json", {"api_key": token}, headers=EN).json()
    assert [{k: as_text(v) for k, v in r.items()} for r in json] == found


def test_statuses_dates_and_notes_map_onto_the_spec(client: Client, community_a: Community) -> None:
    api_client, token = make_client(community_a)
    user = api_client.acting_user
    waiting = make_request(community_a, user).request
    done = make_request(community_a, user, code="meals").request
    do_claim(done.pk, actor=user)
    do_complete(done, actor=user, result="lunch delivered")
    cancelled = make_request(community_a, user, code="repair").request
    do_cancel(cancelled, actor=user, reason="fixed by a neighbour")
    by_id = {
        int(r["service_request_id"]): r
        for r in client.get(f"{BASE}/requests.json", {"api_key": token}).json()
    }
    assert by_id[waiting.pk]["status"] == "open"
    assert by_id[waiting.pk]["status_notes"] is None
    assert (by_id[done.pk]["status"], by_id[done.pk]["status_notes"]) == (
        "closed",
        "lunch delivered",
    )
    assert by_id[cancelled.pk]["status"] == "closed"
    assert by_id[cancelled.pk]["status_notes"] == "fixed by a neighbour"
    record = by_id[waiting.pk]
    assert parse_datetime(record["expected_datetime"]) == waiting.deadline.replace(microsecond=0)
    assert parse_datetime(record["requested_datetime"]) == waiting.created_at.replace(microsecond=0)
    assert record["agency_responsible"] == community_a.name
    assert record["service_notice"] is None
    last_event = RequestEvent.objects.filter(request=done).latest("at", "pk").at
    assert parse_datetime(by_id[done.pk]["updated_datetime"]) == last_event.replace(microsecond=0)
    assert record["requested_datetime"].endswith("+08:00")
    opened = client.get(f"{BASE}/requests.json", {"api_key": token, "status": "open"}).json()
    assert [int(r["service_request_id"]) for r in opened] == [waiting.pk]
    closed = client.get(f"{BASE}/requests.json", {"api_key": token, "status": "closed"}).json()
    assert {int(r["service_request_id"]) for r in closed} == {done.pk, cancelled.pk}


def test_get_requests_keeps_to_a_window_of_at_most_90_days(
    client: Client, community_a: Community
) -> None:
    _api_client, token = make_client(community_a)
    recent = make_request_days_ago(community_a, 5).request
    old = make_request_days_ago(community_a, 100).request

    def ids(**query: str) -> set[int]:
        response = client.get(f"{BASE}/requests.json", {"api_key": token, **query})
        assert response.status_code == 200, response.content
        return {int(r["service_request_id"]) for r in response.json()}

    def day(days_ago: int) -> str:
        return (timezone.now() - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")

    assert ids() == {recent.pk}  # by default, the last 90 days
    assert ids(start_date=day(120), end_date=day(40)) == {old.pk}
    assert ids(start_date=day(120)) == {old.pk}  # start_date + 90 days
    assert ids(end_date=day(50)) == {old.pk}  # 90 days up to end_date
    assert ids(service_request_id=f"{old.pk},{recent.pk}") == {old.pk, recent.pk}  # overrides
    too_long = client.get(
        f"{BASE}/requests.xml", {"api_key": token, "start_date": day(120), "end_date": day(1)}
    )
    assert too_long.status_code == 400
    assert "90" in errors(too_long)[0]["description"]
    backwards = client.get(
        f"{BASE}/requests.xml", {"api_key": token, "start_date": day(1), "end_date": day(5)}
    )
    assert backwards.status_code == 400


def test_dates_may_carry_an_offset_even_with_an_unescaped_plus(
    client: Client, community_a: Community
) -> None:
    _api_client, token = make_client(community_a)
    item = make_request_days_ago(community_a, 2).request
    start = timezone.localtime(timezone.now() - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S")
    response = client.get(f"{BASE}/requests.json?api_key={token}&start_date={start}+08:00")
    assert response.status_code == 200, response.content
    assert [int(r["service_request_id"]) for r in response.json()] == [item.pk]
    bad = client.get(f"{BASE}/requests.json", {"api_key": token, "start_date": "last week"})
    assert bad.status_code == 400
    assert "start_date" in bad.json()[0]["description"]


def test_get_filters_by_service_code(client: Client, community_a: Community) -> None:
    api_client, token = make_client(community_a)
    meals = make_request(community_a, api_client.acting_user, code="meals").request
    repair = make_request(community_a, api_client.acting_user, code="repair").request
    make_request(community_a, api_client.acting_user, code="groceries")
    found = client.get(f"{BASE}/requests.json", {"api_key": token, "service_code": "meals,repair"})
    assert {int(r["service_request_id"]) for r in found.json()} == {meals.pk, repair.pk}


def test_one_request_and_its_token(client: Client, community_a: Community) -> None:
    api_client, token = make_client(community_a)
    item = make_request(community_a, api_client.acting_user).request
    root = parse(client.get(f"{BASE}/requests/{item.pk}.xml", {"api_key": token}))
    assert [r["service_request_id"] for r in records(root)] == [str(item.pk)]
    by_token = client.get(f"{BASE}/tokens/{item.tracking_code}.xml", {"api_key": token})
    assert records(parse(by_token)) == [
        {"service_request_id": str(item.pk), "token": item.tracking_code}
    ]
    as_json = client.get(f"{BASE}/tokens/{item.tracking_code.lower()}.json", headers=bearer(token))
    assert as_json.json() == [{"service_request_id": str(item.pk), "token": item.tracking_code}]
    for url in (
        f"{BASE}/requests/999999.xml",
        f"{BASE}/requests/abc.xml",
        f"{BASE}/tokens/ZZZZ.xml",
    ):
        missing = client.get(url, {"api_key": token})
        assert missing.status_code == 404
        assert errors(missing)[0]["code"] == "404"


PUBLIC_FIELDS = [
    "service_request_id",
    "status",
    "service_name",
    "service_code",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
]


def test_reads_without_a_key_answer_the_public_fields_only(
    client: Client, community_a: Community
) -> None:
    item = make_request_days_ago(
        community_a, 1, code="medicine", description="张阿姨 13812345678 要胰岛素"
    ).request
    Request.objects.filter(pk=item.pk).update(address_text="岐山村3号502")

    listed = client.get(f"{BASE}/requests.json", headers=EN)
    one = client.get(f"{BASE}/requests/{item.pk}.xml", headers=EN)
    by_token = client.get(f"{BASE}/tokens/{item.tracking_code}.json")

    assert listed.status_code == 200
    (record,) = listed.json()
    assert list(record) == PUBLIC_FIELDS
    assert record["service_code"] == "medicine"
    assert record["status"] == "open"
    assert record["agency_responsible"] == community_a.name
    assert records(parse(one)) == [{k: as_text(v) for k, v in record.items()}]
    for body in (listed.content, one.content):
        assert "胰岛素".encode() not in body and b"13812345678" not in body
        assert "岐山村".encode() not in body
    assert by_token.json() == [{"service_request_id": str(item.pk), "token": item.tracking_code}]


def test_a_key_reads_the_whole_record_and_a_wrong_key_is_still_refused(
    client: Client, community_a: Community
) -> None:
    api_client, token = make_client(community_a)
    make_request(community_a, api_client.acting_user, description="rice")

    (whole,) = client.get(f"{BASE}/requests.json", headers=bearer(token)).json()
    wrong = client.get(f"{BASE}/requests.json", {"api_key": "nope"})

    assert list(whole) == REQUEST_FIELDS
    assert whole["description"] == "rice"
    assert wrong.status_code == 403
    assert "api_key" in wrong.json()[0]["description"]


def test_keyless_reads_of_several_communities_name_the_jurisdiction(
    client: Client, community_a: Community, community_b: Community
) -> None:
    in_a = make_request_days_ago(community_a, 1).request
    in_b = make_request_days_ago(community_b, 1).request

    unnamed = client.get(f"{BASE}/requests.json")
    named = client.get(f"{BASE}/requests.json", {"jurisdiction_id": community_b.code})
    unknown = client.get(f"{BASE}/requests.json", {"jurisdiction_id": "NOWHERE"})
    by_id = client.get(f"{BASE}/requests/{in_a.pk}.json")
    by_id_elsewhere = client.get(
        f"{BASE}/requests/{in_a.pk}.json", {"jurisdiction_id": community_b.code}
    )

    assert unnamed.status_code == 400
    assert "jurisdiction_id" in unnamed.json()[0]["description"]
    assert [r["service_request_id"] for r in named.json()] == [str(in_b.pk)]
    assert unknown.status_code == 404
    assert by_id.json()[0]["service_request_id"] == str(in_a.pk)
    assert by_id_elsewhere.status_code == 404


def test_posted_location_and_picture_come_back_with_a_key_only(
    client: Client, community_a: Community
) -> None:
    _api_client, token = make_client(community_a)
    posted = {
        "service_code": "repair",
        "description": "门锁坏了",
        "lat": "31.2304",
        "long": "121.4737",
        "address_string": "岐山村3号502",
        "address_id": "QS-3-502",
        "media_url": "https://photos.example/lock.jpg",
    }
    created = client.post(f"{BASE}/requests.json", {"api_key": token, **posted})
    pk = created.json()[0]["service_request_id"]

    (whole,) = client.get(f"{BASE}/requests/{pk}.json", headers=bearer(token)).json()
    (as_xml,) = records(parse(client.get(f"{BASE}/requests/{pk}.xml", {"api_key": token})))
    (public,) = client.get(f"{BASE}/requests/{pk}.json").json()

    assert (whole["lat"], whole["long"]) == (31.2304, 121.4737)
    assert whole["address"] == "岐山村3号502"
    assert whole["address_id"] == "QS-3-502"
    assert whole["media_url"] == "https://photos.example/lock.jpg"
    assert (as_xml["lat"], as_xml["address_id"]) == ("31.2304", "QS-3-502")
    assert not {"lat", "long", "address", "address_id", "media_url"} & set(public)
    assert Request.objects.get(pk=pk).address_text == (
        "岐山村3号502 [QS-3-502] (31.230400, 121.473700)"
    )


def test_an_unknown_format_or_method_gets_an_error_document(client: Client) -> None:
    unknown = client.get(f"{BASE}/services.html")
    assert unknown.status_code == 400
    assert errors(unknown)[0]["code"] == "400"
    wrong_method = client.delete(f"{BASE}/requests.json")
    assert wrong_method.status_code == 405
    assert wrong_method["Allow"] == "GET, POST"


def test_a_client_whose_user_cannot_take_calls_cannot_post(
    client: Client, community_a: Community
) -> None:
    api_client, token = make_client(community_a)
    api_client.acting_user.groups.set([Group.objects.get(name=Role.OFFICIAL.value)])
    response = client.post(f"{BASE}/requests.xml", {"api_key": token, **HERE})
    assert response.status_code == 403
    assert not Request.objects.exists()


def test_posting_needs_no_csrf_token(community_a: Community) -> None:
    _api_client, token = make_client(community_a)
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"{BASE}/requests.json", {"api_key": token, **HERE})
    assert response.status_code == 200


def test_control_characters_do_not_break_the_xml(client: Client, community_a: Community) -> None:
    api_client, token = make_client(community_a)
    make_request(community_a, api_client.acting_user, description="rice\x0b and\x1f oil")
    root = parse(client.get(f"{BASE}/requests.xml", {"api_key": token}))
    assert records(root)[0]["description"] == "rice and oil"


@pytest.mark.parametrize("description", [None, "", "   "])
def test_a_post_without_a_description_takes_the_service_s_name(
    client: Client, community_a: Community, description: str | None
) -> None:
    _api_client, token = make_client(community_a)
    form = {"api_key": token, "service_code": "groceries", "address_string": "3-502"}
    if description is not None:
        form["description"] = description

    response = client.post(f"{BASE}/requests.json", form, headers=EN)

    assert response.status_code == 200, response.content
    assert Request.objects.get().description == "Groceries"


def test_the_discovery_file_points_at_the_endpoint_in_json_and_xml(client: Client) -> None:
    as_json = client.get("/open311/discovery.json")
    as_xml = client.get("/open311/discovery.xml")

    assert as_json["Content-Type"] == "application/json; charset=utf-8"
    (endpoint,) = as_json.json()["endpoints"]
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert {f["format"] for f in endpoint["formats"]} == {"text/xml", "application/json"}
    root = ET.fromstring(as_xml.content)  # noqa: S314 - our own output
    assert root.tag == "discovery"
    assert root.findtext("endpoints/endpoint/url") == "http://testserver/open311/v2/"


def test_an_unknown_jurisdiction_is_404_on_the_service_list_too(
    client: Client, community_a: Community
) -> None:
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "NOPE"}).status_code == 404
    known = client.get(f"{BASE}/services.json", {"jurisdiction_id": community_a.code})
    assert known.status_code == 200
    assert (
        client.get(f"{BASE}/services/groceries.xml", {"jurisdiction_id": "NOPE"}).status_code == 404
    )


def test_a_client_of_several_communities_reads_naming_the_jurisdiction(
    client: Client, community_a: Community, community_b: Community
) -> None:
    _api_client, token = make_client(community_a, community_b)
    client.post(
        f"{BASE}/requests.xml", {"api_key": token, **HERE, "jurisdiction_id": community_b.code}
    )

    unnamed = client.get(f"{BASE}/requests.json", {"api_key": token}, headers=EN)
    named = client.get(
        f"{BASE}/requests.json", {"api_key": token, "jurisdiction_id": community_b.code}
    )

    assert unnamed.status_code == 400 and "jurisdiction_id" in unnamed.json()[0]["description"]
    assert named.status_code == 200 and len(named.json()) == 1
