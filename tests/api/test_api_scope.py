"""A client reaches its own communities only: another community's requests are 404 to it, in
the JSON API and in Open311 alike, and it cannot open requests there."""

from typing import Any

import pytest
from django.test import Client

from linli.core.models import Community
from linli.core.roles import Role
from linli.ledger.models import Request, RequestEvent
from tests.api.factories import bearer, make_client
from tests.factories import make_user
from tests.ledger.factories import make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_b(community_b: Community) -> Request:
    return make_request(community_b, make_user(Role.WORKER, community_b)).request


def fields(response: Any) -> set[str]:
    return {item["field"] for item in response.json()["detail"]}


def test_a_client_of_a_gets_404_for_a_request_of_b(
    client: Client, community_a: Community, request_b: Request
) -> None:
    _api_client, token = make_client(community_a)
    response = client.get(f"/api/v1/requests/{request_b.pk}", headers=bearer(token))
    assert response.status_code == 404
    assert fields(response) == {"id"}
    listed = client.get("/api/v1/requests", headers=bearer(token)).json()
    assert listed["items"] == []


def test_a_client_of_a_cannot_move_a_request_of_b(
    client: Client, community_a: Community, request_b: Request
) -> None:
    _api_client, token = make_client(community_a)
    events = RequestEvent.objects.count()
    response = client.post(
        f"/api/v1/requests/{request_b.pk}/transitions",
        {"action": "cancel", "reason": "mine now"},
        content_type="application/json",
        headers=bearer(token),
    )
    assert response.status_code == 404
    request_b.refresh_from_db()
    assert request_b.status == "new"
    assert RequestEvent.objects.count() == events


def test_a_client_of_a_cannot_open_a_request_in_b(
    client: Client, community_a: Community, community_b: Community
) -> None:
    _api_client, token = make_client(community_a)

    def create(code: str) -> Any:
        return client.post(
            "/api/v1/requests",
            {"community": code, "category": "groceries", "description": "rice"},
            content_type="application/json",
            headers=bearer(token),
        )

    into_b = create(community_b.code)
    nowhere = create("NO-SUCH-CODE")
    assert into_b.status_code == nowhere.status_code == 422
    assert fields(into_b) == {"community"}
    # The same answer whether the community exists or not: nothing to learn about others.
    assert into_b.json() == nowhere.json()
    assert not Request.objects.exists()


def test_a_client_of_a_filtering_on_b_is_refused(
    client: Client, community_a: Community, community_b: Community, request_b: Request
) -> None:
    _api_client, token = make_client(community_a)
    response = client.get(
        "/api/v1/requests", {"community": community_b.code}, headers=bearer(token)
    )
    assert response.status_code == 422
    assert fields(response) == {"community"}


def test_open311_keeps_a_client_of_a_out_of_b(
    client: Client, community_a: Community, community_b: Community, request_b: Request
) -> None:
    _api_client, token = make_client(community_a)
    base = "/open311/v2"
    assert client.get(f"{base}/requests/{request_b.pk}.json", {"api_key": token}).status_code == 404
    assert (
        client.get(f"{base}/tokens/{request_b.tracking_code}.json", {"api_key": token}).status_code
        == 404
    )
    assert client.get(f"{base}/requests.json", {"api_key": token}).json() == []
    by_id = client.get(
        f"{base}/requests.json", {"api_key": token, "service_request_id": str(request_b.pk)}
    )
    assert by_id.json() == []
    other = client.get(
        f"{base}/requests.json", {"api_key": token, "jurisdiction_id": community_b.code}
    )
    assert other.status_code == 404
    posted = client.post(
        f"{base}/requests.json",
        {
            "api_key": token,
            "jurisdiction_id": community_b.code,
            "service_code": "groceries",
            "description": "rice",
        },
    )
    assert posted.status_code == 404
    assert Request.objects.count() == 1


def test_a_client_of_two_communities_sees_both_and_names_where_it_opens(
    client: Client, community_a: Community, community_b: Community, request_b: Request
) -> None:
    _api_client, token = make_client(community_a, community_b)
    request_a = make_request(community_a, make_user(Role.WORKER, community_a)).request
    listed = client.get("/api/v1/requests", headers=bearer(token)).json()["items"]
    assert {item["id"] for item in listed} == {request_a.pk, request_b.pk}
    only_b = client.get("/api/v1/requests", {"community": community_b.code}, headers=bearer(token))
    assert [item["id"] for item in only_b.json()["items"]] == [request_b.pk]
    body = {"category": "groceries", "description": "rice"}
    unnamed = client.post(
        "/api/v1/requests", body, content_type="application/json", headers=bearer(token)
    )
    assert unnamed.status_code == 422
    assert fields(unnamed) == {"community"}
    named = client.post(
        "/api/v1/requests",
        {**body, "community": community_b.code},
        content_type="application/json",
        headers=bearer(token),
    )
    assert named.status_code == 201
    assert named.json()["community"] == community_b.code


def test_a_third_community_of_the_same_street_stays_out_of_a_street_client(
    client: Client, community_a: Community, community_b: Community
) -> None:
    """The acting user works for the whole street, yet the client reaches its communities only."""
    third = Community.objects.create(street=community_a.street, name="third", code="C-THIRD")
    elsewhere = make_request(third, make_user(Role.WORKER, third)).request
    _api_client, token = make_client(community_a, community_b)
    assert client.get(f"/api/v1/requests/{elsewhere.pk}", headers=bearer(token)).status_code == 404


def test_a_client_is_no_wider_than_its_user(
    client: Client, community_a: Community, community_b: Community, request_b: Request
) -> None:
    """Should the acting user move to another community, the client loses what they lose."""
    api_client, token = make_client(community_a, community_b)
    user = api_client.acting_user
    user.street = None
    user.community = community_a
    user.save()
    assert client.get(f"/api/v1/requests/{request_b.pk}", headers=bearer(token)).status_code == 404
