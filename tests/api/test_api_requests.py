"""The JSON API on the request ledger: open, list, read and move requests on."""

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from linli.api.auth import hash_token
from linli.api.management.commands.api_client import Command as ApiClientCommand
from linli.api.models import ApiClient
from linli.core.models import Community
from linli.core.roles import Role
from linli.ledger.actions import do_claim, do_complete
from linli.ledger.models import Channel, Request, RequestEvent
from tests.api.factories import bearer, make_client, make_request_days_ago
from tests.factories import make_resident, make_user
from tests.ledger.factories import make_request

pytestmark = pytest.mark.django_db

URL = "/api/v1/requests"


def post(client: Client, token: str, body: dict[str, Any], url: str = URL) -> Any:
    return client.post(
        url,
        body,
        content_type="application/json",
        headers={**bearer(token), "Accept-Language": "en"},
    )


def fields(response: Any) -> set[str]:
    return {item["field"] for item in response.json()["detail"]}


def test_create_opens_a_request_through_the_ledger_with_channel_api(
    client: Client, community_a: Community
) -> None:
    make_resident(community_a, phone="13812345678")
    api_client, token = make_client(community_a)
    response = post(
        client,
        token,
        {
            "category": "medicine",
            "description": "out of insulin",
            "phone": "138 1234 5678",
            "address": "3-1-502",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    item = Request.objects.get(pk=body["id"])
    assert item.channel == Channel.API
    assert item.community == community_a
    assert item.created_by == api_client.acting_user
    assert item.household is not None and body["household_matched"] is True
    assert body["urgency"] == "urgent"  # "insulin" raises the triage
    assert body["contact_phone"] == "138****5678"
    assert body["address"] == "3-1-502"
    assert body["status"] == "new" and body["is_open"] is True
    assert body["tracking_code"] == item.tracking_code
    assert body["possible_duplicates"] == []
    assert RequestEvent.objects.filter(request=item).count() == 2  # created, triaged


def test_create_names_the_open_duplicates(client: Client, community_a: Community) -> None:
    make_resident(community_a, phone="13812345678")
    _api_client, token = make_client(community_a)
    first = post(
        client, token, {"category": "meals", "description": "lunch", "phone": "13812345678"}
    )
    second = post(
        client, token, {"category": "meals", "description": "lunch", "phone": "13812345678"}
    )
    assert second.json()["possible_duplicates"] == [first.json()["id"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"category": "no-such-thing", "description": "help"}, "category"),
        ({"category": "groceries", "description": "   "}, "description"),
        ({"category": "groceries"}, "description"),
        ({"description": "help"}, "category"),
        ({"category": "groceries", "description": "help", "urgency": "soon"}, "urgency"),
        (
            {"category": "groceries", "description": "help", "urgency": "emergency"},
            "urgency_reason",
        ),
        ({"category": "groceries", "description": "x" * 4001}, "description"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_writes_nothing(
    client: Client, community_a: Community, body: dict[str, Any], field: str
) -> None:
    _api_client, token = make_client(community_a)
    response = post(client, token, body)
    assert response.status_code == 422, response.content
    assert fields(response) == {field}
    assert all(item["message"] for item in response.json()["detail"])
    assert not Request.objects.exists()
    assert not RequestEvent.objects.exists()


def test_a_body_that_is_not_json_is_400(client: Client, community_a: Community) -> None:
    _api_client, token = make_client(community_a)
    response = client.post(URL, "{not json", content_type="application/json", headers=bearer(token))
    assert response.status_code == 400
    assert fields(response) == {"body"}
    assert not Request.objects.exists()


def test_without_a_valid_token_it_is_401(client: Client, community_a: Community) -> None:
    api_client, token = make_client(community_a)
    assert client.get(URL).status_code == 401
    assert client.get(URL, headers=bearer("not-the-token")).status_code == 401
    response = client.get(URL, headers={"Authorization": f"Basic {token}"})
    assert response.status_code == 401
    assert fields(response) == {"Authorization"}
    assert response["WWW-Authenticate"] == "Bearer"
    ApiClient.objects.filter(pk=api_client.pk).update(active=False)
    assert client.get(URL, headers=bearer(token)).status_code == 401


def test_get_one_request_and_unknown_id_is_404(client: Client, community_a: Community) -> None:
    api_client, token = make_client(community_a)
    opened = make_request(community_a, api_client.acting_user)
    response = client.get(f"{URL}/{opened.request.pk}", headers=bearer(token))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == opened.request.pk
    assert body["category"] == "groceries"
    assert body["community"] == community_a.code
    missing = client.get(f"{URL}/{opened.request.pk + 1000}", headers=bearer(token))
    assert missing.status_code == 404
    assert fields(missing) == {"id"}


def test_list_filters_and_pages(client: Client, community_a: Community) -> None:
    api_client, token = make_client(community_a)
    user = api_client.acting_user
    old = make_request_days_ago(community_a, 10, code="repair", description="broken door").request
    meds = make_request(community_a, user, code="medicine", description="out of insulin").request
    food = make_request(community_a, user, code="groceries").request
    RequestEvent.objects.filter(request=old).update(at=timezone.now() - timedelta(days=10))

    def ids(**query: Any) -> list[int]:
        response = client.get(URL, query, headers=bearer(token))
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    assert ids() == [food.pk, meds.pk, old.pk]
    assert ids(category="medicine") == [meds.pk]
    assert ids(urgency="urgent") == [meds.pk]
    assert ids(status="new") == [food.pk, meds.pk, old.pk]
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert ids(created_since=since) == [food.pk, meds.pk]
    assert ids(updated_since=since) == [food.pk, meds.pk]
    page = client.get(URL, {"limit": 2}, headers=bearer(token)).json()
    assert [item["id"] for item in page["items"]] == [food.pk, meds.pk]
    assert page["next_offset"] == 2
    last = client.get(URL, {"limit": 2, "offset": 2}, headers=bearer(token)).json()
    assert [item["id"] for item in last["items"]] == [old.pk]
    assert last["next_offset"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "lost"}, "status"),
        ({"category": "nothing"}, "category"),
        ({"urgency": "whenever"}, "urgency"),
        ({"limit": 1000}, "limit"),
        ({"created_since": "yesterday"}, "created_since"),
    ],
)
def test_bad_filters_are_422_naming_the_field(
    client: Client, community_a: Community, query: dict[str, Any], field: str
) -> None:
    _api_client, token = make_client(community_a)
    response = client.get(URL, query, headers=bearer(token))
    assert response.status_code == 422
    assert fields(response) == {field}


def test_transitions_call_the_ledger_actions_as_the_clients_user(
    client: Client, community_a: Community
) -> None:
    api_client, token = make_client(community_a)
    user = api_client.acting_user
    item = make_request(community_a, user).request
    do_claim(item.pk, actor=user)
    url = f"{URL}/{item.pk}/transitions"
    started = post(client, token, {"action": "start"}, url)
    assert started.status_code == 200, started.content
    assert started.json()["status"] == "in_progress"
    done = post(client, token, {"action": "complete", "result": "delivered"}, url)
    assert done.json()["status"] == "done" and done.json()["result"] == "delivered"
    reopened = post(client, token, {"action": "reopen", "note": "rice missing"}, url)
    assert reopened.json()["status"] == "assigned"
    post(client, token, {"action": "complete", "result": "rice delivered"}, url)
    confirmed = post(client, token, {"action": "confirm"}, url)
    assert confirmed.json()["status"] == "confirmed" and confirmed.json()["is_open"] is False
    kinds = list(RequestEvent.objects.filter(request=item).values_list("kind", flat=True))
    assert kinds[-5:] == ["started", "done", "reopened", "done", "confirmed"]
    assert set(
        RequestEvent.objects.filter(request=item, kind__in=["started", "done"]).values_list(
            "actor", flat=True
        )
    ) == {user.pk}


def test_cancel_needs_a_reason_and_shows_it(client: Client, community_a: Community) -> None:
    api_client, token = make_client(community_a)
    item = make_request(community_a, api_client.acting_user).request
    url = f"{URL}/{item.pk}/transitions"
    refused = post(client, token, {"action": "cancel"}, url)
    assert refused.status_code == 422
    assert fields(refused) == {"reason"}
    cancelled = post(client, token, {"action": "cancel", "reason": "family came"}, url)
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancel_reason"] == "family came"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "start"}, "status"),  # a new request is not assigned yet
        ({"action": "confirm"}, "status"),  # nothing done to confirm
        ({"action": "fly"}, "action"),
        ({}, "action"),
    ],
)
def test_a_transition_not_allowed_is_422_naming_the_field_and_writes_nothing(
    client: Client, community_a: Community, body: dict[str, Any], field: str
) -> None:
    api_client, token = make_client(community_a)
    item = make_request(community_a, api_client.acting_user).request
    events = RequestEvent.objects.count()
    response = post(client, token, body, f"{URL}/{item.pk}/transitions")
    assert response.status_code == 422, response.content
    assert fields(response) == {field}
    item.refresh_from_db()
    assert item.status == "new"
    assert RequestEvent.objects.count() == events


def test_transition_of_an_unknown_request_is_404(client: Client, community_a: Community) -> None:
    _api_client, token = make_client(community_a)
    response = post(client, token, {"action": "start"}, f"{URL}/999999/transitions")
    assert response.status_code == 404
    assert fields(response) == {"id"}


def test_completing_someone_elses_request_is_refused(
    client: Client, community_a: Community
) -> None:
    _api_client, token = make_client(community_a)
    other = make_user(Role.WORKER, community_a)
    item = make_request(community_a, other).request
    do_claim(item.pk, actor=other)
    response = post(
        client, token, {"action": "complete", "result": "done"}, f"{URL}/{item.pk}/transitions"
    )
    assert response.status_code == 422
    assert fields(response) == {"assignee"}
    item.refresh_from_db()
    assert item.status == "assigned"


def test_an_operators_client_opens_requests_but_cannot_handle_them(
    client: Client, community_a: Community
) -> None:
    _api_client, token = make_client(community_a, role=Role.OPERATOR)
    created = post(client, token, {"category": "groceries", "description": "rice"})
    assert created.status_code == 201
    url = f"{URL}/{created.json()['id']}/transitions"
    response = post(client, token, {"action": "cancel", "reason": "no"}, url)
    assert response.status_code == 403
    assert fields(response) == {"Authorization"}
    assert Request.objects.get().status == "new"


def test_confirm_after_the_owner_completed(client: Client, community_a: Community) -> None:
    _api_client, token = make_client(community_a, role=Role.OPERATOR)
    worker = make_user(Role.WORKER, community_a)
    item = make_request(community_a, worker).request
    do_claim(item.pk, actor=worker)
    do_complete(item, actor=worker, result="delivered")
    response = post(client, token, {"action": "confirm"}, f"{URL}/{item.pk}/transitions")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed"


def test_the_openapi_schema_describes_the_endpoints(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/requests", "/api/v1/requests/{id}"} <= set(paths)
    assert "/api/v1/requests/{id}/transitions" in paths
    params = {p["name"] for p in paths["/api/v1/requests"]["post"].get("parameters", [])}
    assert "Idempotency-Key" in params
    assert client.get("/api/v1/docs").status_code == 200


def test_the_command_creates_a_client_and_prints_its_token_once(community_a: Community) -> None:
    user = make_user(Role.WORKER, community_a)
    out, err = io.StringIO(), io.StringIO()
    call_command(
        ApiClientCommand(),
        "City hotline",
        community_a.code,
        user=user.username,
        stdout=out,
        stderr=err,
    )
    token = out.getvalue().strip()
    stored = ApiClient.objects.get()
    assert stored.name == "City hotline"
    assert stored.token_hash == hash_token(token) != token
    assert list(stored.communities.all()) == [community_a]
    assert stored.acting_user == user
    assert token not in err.getvalue()


def test_a_client_is_refused_for_unknown_communities_and_unfit_users(
    community_a: Community, community_b: Community
) -> None:
    from linli.api.actions import do_create_api_client

    worker_a = make_user(Role.WORKER, community_a)
    with pytest.raises(ValidationError) as unknown:
        do_create_api_client("x", ["NOPE"], worker_a)
    assert "communities" in unknown.value.message_dict
    with pytest.raises(ValidationError) as outside:
        do_create_api_client("x", [community_a.code, community_b.code], worker_a)
    assert "communities" in outside.value.message_dict
    volunteer = make_user(Role.VOLUNTEER, community_a)
    with pytest.raises(ValidationError) as unfit:
        do_create_api_client("x", [community_a.code], volunteer)
    assert "acting_user" in unfit.value.message_dict
    assert not ApiClient.objects.exists()


def test_token_clients_need_no_csrf_token(community_a: Community) -> None:
    _api_client, token = make_client(community_a)
    strict = Client(enforce_csrf_checks=True)
    response = post(strict, token, {"category": "groceries", "description": "rice"})
    assert response.status_code == 201


def test_nul_characters_are_dropped_not_a_server_error(
    client: Client, community_a: Community
) -> None:
    _api_client, token = make_client(community_a)
    response = post(client, token, {"category": "groceries", "description": "rice\u0000 oil"})
    assert response.status_code == 201
    assert Request.objects.get().description == "rice oil"
