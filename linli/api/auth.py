"""Integrations authenticate with a token of their own: `Authorization: Bearer <token>`.

Only the SHA-256 of a token is stored; the token itself is shown once, when the client is made.
A client reaches the requests of its own communities, and only those its acting user may see.
"""

import hashlib
import secrets
import threading
import time

from django.conf import settings
from django.http import HttpRequest

from linli.api.models import ApiClient
from linli.core.models import Community
from linli.core.scoping import scoped


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Integrations call often, and finding a client costs three queries (the client and its user,
# the user's groups, the client's communities). A client found is kept in the process for
# settings.API_TOKEN_CACHE_SECONDS, so revoking a token or deactivating its user takes effect
# within that time in every server process (at once in the one that revokes: `forget_clients`).
_clients: dict[str, tuple[float, ApiClient]] = {}
_clients_lock = threading.Lock()


def client_for_token(token: str) -> ApiClient | None:
    """The active client holding `token`, whose acting user is active; None otherwise."""
    token = token.strip()
    if not token:
        return None
    digest = hash_token(token)
    now = time.time()
    kept = _clients.get(digest)
    if kept is not None and kept[0] > now:
        return kept[1]
    client = (
        ApiClient.objects.select_related("acting_user")
        .filter(token_hash=digest, active=True, acting_user__is_active=True)
        .first()
    )
    ttl = settings.API_TOKEN_CACHE_SECONDS
    with _clients_lock:
        if client is None or ttl <= 0:
            _clients.pop(digest, None)
        else:
            # Read now what every call needs, once for the client's time in the cache.
            _ = client.acting_user.role
            community_ids(client)
            client_communities_by_code(client)
            _clients[digest] = (now + ttl, client)
    return client


def forget_clients() -> None:
    with _clients_lock:
        _clients.clear()


def bearer_token(request: HttpRequest) -> str:
    """The token of an `Authorization: Bearer …` header, or ''."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def client_communities_by_code(client: ApiClient) -> dict[str, Community]:
    """The client's communities that its acting user may reach, by code; read once per client."""
    cached: dict[str, Community] | None = client.__dict__.get("_communities_by_code")
    if cached is None:
        reachable = scoped(
            client.acting_user, Community.objects.filter(pk__in=community_ids(client))
        )
        cached = {c.code: c for c in reachable.order_by("code")}
        client.__dict__["_communities_by_code"] = cached
    return cached


def community_ids(client: ApiClient) -> list[int]:
    """The client's communities, read once per request."""
    cached: list[int] | None = client.__dict__.get("_community_ids")
    if cached is None:
        cached = list(client.communities.values_list("pk", flat=True))
        client.__dict__["_community_ids"] = cached
    return cached
