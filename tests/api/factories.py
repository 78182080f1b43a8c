"""API clients and requests for the API tests, made through the same actions the app uses."""

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from linli.api.actions import do_create_api_client
from linli.api.models import ApiClient
from linli.core.models import Community, User
from linli.core.policy import SYSTEM, Actor
from linli.core.roles import Role
from linli.ledger.actions import Opened, do_open_request
from linli.ledger.models import Channel
from tests.factories import make_user
from tests.ledger.factories import make_category


def make_client(
    *communities: Community, role: Role = Role.WORKER, user: User | None = None
) -> tuple[ApiClient, str]:
    """A client of these communities and its token; its user works in the one community, or in
    their street when there are several."""
    if user is None:
        if len(communities) == 1:
            user = make_user(role, communities[0])
        else:
            user = make_user(role, street=communities[0].street)
    return do_create_api_client("test client", [c.code for c in communities], user)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def api_post(client: Client, token: str, body: dict[str, Any]) -> Any:
    """POST /api/v1/requests as the client of `token`, answered in English."""
    return client.post(
        "/api/v1/requests",
        body,
        content_type="application/json",
        headers={**bearer(token), "Accept-Language": "en"},
    )


def make_request_days_ago(
    community: Community,
    days: float,
    *,
    code: str = "groceries",
    description: str = "needs groceries",
    actor: Actor = SYSTEM,
) -> Opened:
    return do_open_request(
        community,
        actor=actor,
        channel=Channel.HOTLINE,
        category=make_category(code),
        description=description,
        at=timezone.now() - timedelta(days=days),
    )
