"""Open311 as other projects' clients speak it, unpatched, against the live server: `georeport`
0.3.1 and `civicbot` 0.4.0 (PyPI, test-only dependencies), in JSON and in XML.

georeport reads services, definitions and requests, never with a key (so it gets the public
fields), and cannot post or read a token. civicbot posts (with a key) and reads tokens, in JSON
only: it parses every answer as JSON. An XML post and an XML token are sent as plain HTTP, the
form the spec gives, and parsed with xmltodict, georeport's own parser."""

from typing import Any

import pytest
import requests
import xmltodict  # type: ignore[import-untyped]
from civicbot.http import HttpTransport, RateLimiter  # type: ignore[import-untyped]
from civicbot.open311 import Open311Client, Open311Error  # type: ignore[import-untyped]
from civicbot.registry import Endpoint  # type: ignore[import-untyped]
from georeport import GeoReport  # type: ignore[import-untyped]

from linli.core.models import Community
from linli.ledger.models import Category, Channel, Request
from tests.api.factories import make_client
from tests.api.test_open311 import PUBLIC_FIELDS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_georeport_reads_the_service_list_and_a_definition(
    live_server: Any, community_a: Community, output_format: str
) -> None:
    client = GeoReport(
        f"{live_server.url}/open311/v2",
        jurisdiction=community_a.code,
        output_format=output_format,
    )

    services = client.get_service_list()
    definition = client.get_service_definition("dialysis")

    codes = [s["service_code"] for s in services]
    assert codes == list(Category.objects.filter(active=True).values_list("code", flat=True))
    groceries = next(s for s in services if s["service_code"] == "groceries")
    assert groceries["service_name"] == "生活物资"
    assert definition["service_code"] == "dialysis"


def test_georeport_is_told_of_an_unknown_jurisdiction(live_server: Any, db: None) -> None:
    client = GeoReport(f"{live_server.url}/open311/v2", jurisdiction="NOWHERE")

    with pytest.raises(requests.HTTPError) as refused:
        client.get_service_list()

    assert refused.value.response is not None
    assert refused.value.response.status_code == 404


def civicbot(live_server: Any, community: Community) -> Any:
    endpoint = Endpoint(
        id="linli", name="Linli", base_url=f"{live_server.url}/open311/v2", write=True
    )
    # Its politeness pause between calls to one host is for public city servers, not this one.
    transport = HttpTransport(rate_limiter=RateLimiter(min_interval=0))
    return Open311Client(endpoint, transport=transport, jurisdiction_id=community.code)


def test_civicbot_posts_and_georeport_reads_it_back_by_id_and_by_token_in_json(
    live_server: Any, community_a: Community
) -> None:
    _api_client, key = make_client(community_a)
    poster = civicbot(live_server, community_a)
    reader = GeoReport(f"{live_server.url}/open311/v2", jurisdiction=community_a.code)

    sent = poster.create_request(
        "groceries",
        dry_run=False,
        confirm="SEND",
        api_key=key,
        validate_remote=True,  # civicbot reads the service list first, as it would a city's
        description="独居老人，米和油都没了",
        address_string="岐山村3号502",
        lat=31.2304,
        lng=121.4737,
        phone="13812345678",
    )
    (created,) = sent.response
    pk = created["service_request_id"]
    item = Request.objects.get(pk=pk)
    by_token = poster.get_token(item.tracking_code)
    one = reader.get_service_request(pk)
    listed = reader.get_service_requests(service_request_id=pk)

    assert item.channel == Channel.OPEN311
    assert item.description == "独居老人，米和油都没了"
    assert by_token == [{"service_request_id": pk, "token": item.tracking_code}]
    assert one["service_request_id"] == pk and one["service_code"] == "groceries"
    assert one["status"] == "open"
    assert list(one) == PUBLIC_FIELDS  # read without a key: no description, address or location
    assert listed == [one]
    assert poster.get_request(pk) == one


def test_a_post_in_xml_is_read_back_by_georeport_by_id_and_by_token_in_xml(
    live_server: Any, community_a: Community
) -> None:
    _api_client, key = make_client(community_a)
    base = f"{live_server.url}/open311/v2"
    reader = GeoReport(base, jurisdiction=community_a.code, output_format="xml")

    posted = requests.post(
        f"{base}/requests.xml",
        data={
            "api_key": key,
            "jurisdiction_id": community_a.code,
            "service_code": "repair",
            "address_id": "QS-3-502",
        },
        timeout=10,
    )
    posted.raise_for_status()
    pk = xmltodict.parse(posted.content)["service_requests"]["request"]["service_request_id"]
    code = Request.objects.get(pk=pk).tracking_code
    token = requests.get(f"{base}/tokens/{code}.xml", timeout=10)
    one = reader.get_service_request(pk)
    listed = reader.get_service_requests(service_request_id=pk)

    assert xmltodict.parse(token.content)["service_requests"]["request"] == {
        "service_request_id": pk,
        "token": code,
    }
    assert one["service_request_id"] == pk and one["service_code"] == "repair"
    assert one["service_name"] == "维修"
    assert list(one) == PUBLIC_FIELDS
    assert listed == one  # xmltodict gives the one <request> itself


def test_civicbot_refuses_to_send_without_a_location_and_linli_agrees(
    live_server: Any, community_a: Community
) -> None:
    from civicbot.open311 import ValidationError as CivicbotRefusal

    _api_client, key = make_client(community_a)
    poster = civicbot(live_server, community_a)

    with pytest.raises(CivicbotRefusal):
        poster.create_request("groceries", dry_run=False, confirm="SEND", api_key=key)
    refused = requests.post(
        f"{live_server.url}/open311/v2/requests.json",
        data={"api_key": key, "service_code": "groceries"},
        timeout=10,
    )

    assert refused.status_code == 400
    assert refused.json()[0]["description"].startswith("address_string")
    assert not Request.objects.exists()


def test_civicbot_answers_the_key_questions_it_reads_from_the_service_definition(
    live_server: Any, community_a: Community
) -> None:
    _api_client, key = make_client(community_a)
    poster = civicbot(live_server, community_a)

    sent = poster.create_request(
        "meals",
        dry_run=False,
        confirm="SEND",
        api_key=key,
        validate_remote=True,  # reads the definition and checks the attributes against it
        description="我妈不太舒服",
        address_string="岐山村3号502",
        attributes={"awake": "yes", "breathing": "no"},
    )
    (created,) = sent.response
    item = Request.objects.get(pk=created["service_request_id"])
    assert item.key_answers == {"awake": "yes", "breathing": "no"}
    assert item.urgency == "emergency"
    # A value the definition does not list is refused by the client before it sends anything.
    with pytest.raises(Open311Error, match="breathing"):
        poster.create_request(
            "meals", dry_run=False, confirm="SEND", api_key=key, validate_remote=True,
            description="x", address_string="岐山村3号502", attributes={"breathing": "maybe"},
        )  # fmt: skip
    assert Request.objects.count() == 1
