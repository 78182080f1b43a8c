"""Integrations authenticate with a token of their own: `Authorization: Bearer <token>`.

Only the SHA-256 of a token is stored; the token itself is shown once, when the client is made.
A client reaches the requests of its own communities, and only those its acting user may see.
"""

import hashlib
import secrets

from django.http import HttpRequest

from linli.ledger.models import ApiClient


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def client_for_token(token: str) -> ApiClient | None:
    """The active client holding `token`, whose acting user is active; None otherwise."""
    token = token.strip()
    if not token:
        return None
    return (
        ApiClient.objects.select_related("acting_user")
        .filter(token_hash=hash_token(token), active=True, acting_user__is_active=True)
        .first()
    )


def bearer_token(request: HttpRequest) -> str:
    """The token of an `Authorization: Bearer …` header, or ''."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def community_ids(client: ApiClient) -> list[int]:
    """The client's communities, read once per request."""
    cached: list[int] | None = client.__dict__.get("_community_ids")
    if cached is None:
        cached = list(client.communities.values_list("pk", flat=True))
        client.__dict__["_community_ids"] = cached
    return cached
