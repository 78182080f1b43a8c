"""The request's page and its action URLs: what each role is offered, and odd requests to
the action URLs answered without a server error."""

import pytest
from django.test import Client
from django.urls import reverse

from linli.core.models import Community, User
from linli.core.roles import Role
from linli.ledger.actions import do_assign, do_record_emergency_call
from linli.ledger.models import Request, RequestEvent
from tests.factories import make_user
from tests.ledger.factories import make_request
from tests.people.list_factories import in_english

pytestmark = pytest.mark.django_db

OPERATOR_WORDING = "Emergency: tell the caller to ring 120 now"


def page(client: Client, item: Request) -> str:
    response = client.get(reverse("ledger:request-detail", args=[item.pk]))
    assert response.status_code == 200
    return response.content.decode()


def action(item: Request, name: str) -> str:
    return reverse("ledger:request-action", args=[item.pk, name])


@pytest.fixture
def emergency(community_a: Community, worker_a: User) -> Request:
    item = make_request(community_a, worker_a, code="medicine", description="呼吸困难").request
    assert item.urgency == "emergency"
    return item


def test_a_volunteer_sees_the_emergency_but_no_120_button(
    client: Client, community_a: Community, worker_a: User, emergency: Request
) -> None:
    volunteer = make_user(Role.VOLUNTEER, community_a)
    do_assign(emergency, actor=worker_a, assignee=volunteer)
    client.force_login(volunteer)
    in_english(client)
    html = page(client, emergency)
    assert 'data-testid="emergency-banner"' in html
    assert 'data-testid="call120"' not in html
    assert action(emergency, "call120") not in html
    assert OPERATOR_WORDING not in html
    assert 'data-testid="call120-not-recorded"' in html
    # The button it used to see would have been refused.
    assert client.post(action(emergency, "call120")).status_code == 403
    do_record_emergency_call(emergency, actor=worker_a)
    html = page(client, emergency)
    assert 'data-testid="call120-done"' in html
    assert 'data-testid="call120-not-recorded"' not in html


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.WORKER, Role.DOCTOR])
def test_the_ledger_roles_get_the_120_button_and_it_works(
    client: Client, community_a: Community, emergency: Request, role: Role
) -> None:
    client.force_login(make_user(role, community_a))
    in_english(client)
    html = page(client, emergency)
    assert OPERATOR_WORDING in html
    assert 'data-testid="call120"' in html
    client.post(action(emergency, "call120"))
    emergency.refresh_from_db()
    assert emergency.emergency_call_at is not None


def test_an_unknown_action_is_404(client: Client, worker_a: User, emergency: Request) -> None:
    client.force_login(worker_a)
    assert client.post(action(emergency, "bogus")).status_code == 404
    assert client.get(action(emergency, "bogus")).status_code == 404


@pytest.mark.parametrize("field", ["assignee", "team"])
@pytest.mark.parametrize("value", ["abc", "12ab", "²", "-1"])
def test_a_handover_to_a_malformed_id_is_refused_by_its_field(
    client: Client, community_a: Community, worker_a: User, field: str, value: str
) -> None:
    item = make_request(community_a, worker_a).request
    events = RequestEvent.objects.count()
    client.force_login(worker_a)
    in_english(client)
    response = client.post(action(item, "assign"), {field: value}, follow=True)
    assert response.status_code == 200
    label = {"assignee": "Handed to", "team": "Team"}[field]
    assert f"{label}: not found in this community" in response.content.decode()
    item.refresh_from_db()
    assert (item.status, item.assignee_id, item.team_id) == ("new", None, None)
    assert RequestEvent.objects.count() == events


def test_an_action_url_opened_as_a_page_leads_to_the_request(
    client: Client, community_a: Community, worker_a: User
) -> None:
    item = make_request(community_a, worker_a).request
    client.force_login(worker_a)
    for name in ("claim", "assign", "call120", "note"):
        response = client.get(action(item, name))
        assert response.status_code == 302
        assert response["Location"] == reverse("ledger:request-detail", args=[item.pk])
    item.refresh_from_db()
    assert item.status == "new"  # a GET changes nothing


def test_an_action_url_of_another_community_opened_as_a_page_is_still_404(
    client: Client, community_b: Community, worker_a: User
) -> None:
    theirs = make_request(community_b, make_user(Role.WORKER, community_b)).request
    client.force_login(worker_a)
    assert client.get(action(theirs, "claim")).status_code == 404


def test_an_action_url_opened_as_a_page_by_nobody_is_refused(
    client: Client, community_a: Community, worker_a: User
) -> None:
    """Sent to sign in, like the request's own page; nothing changes."""
    item = make_request(community_a, worker_a).request
    for response in (client.get(action(item, "claim")), client.post(action(item, "claim"))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    item.refresh_from_db()
    assert (item.status, item.assignee_id) == ("new", None)


def test_the_hand_over_section_is_in_english_only_in_english(
    client: Client, community_a: Community, worker_a: User
) -> None:
    item = make_request(community_a, worker_a, description="needs groceries").request
    client.force_login(worker_a)
    in_english(client)
    html = page(client, item)
    assert "<summary>Hand over</summary>" in html
    assert "交办" not in html
