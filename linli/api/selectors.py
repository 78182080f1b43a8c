"""What an API client may read: the requests of its communities, through `scoped`."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from linli.api.auth import client_communities_by_code, community_ids
from linli.api.models import ApiClient
from linli.core.models import Community, User
from linli.core.roles import Cap
from linli.core.scoping import scoped
from linli.ledger.models import Category, Request, RequestEvent
from linli.ledger.taxonomy import category_by_code


class NotFoundError(ValidationError):
    """The resource a URL names does not exist for this client: unknown, or outside its
    communities (one answer for both, so that a client learns nothing of other communities)."""


class UnknownReference(ValidationError):
    """A field of the input names a community or category the client cannot use (422 in the
    JSON API; 404 in Open311, whose spec says so)."""


def can_name(code: str) -> bool:
    """Whether a code from the input can name anything: one holding NUL never does (and
    PostgreSQL cannot even compare text holding NUL, so it is not looked up)."""
    return "\x00" not in code


def without_nul(text: str) -> str:
    """Free text as PostgreSQL's text can hold it."""
    return text.replace("\x00", "")


def can_read(user: User) -> bool:
    return user.can(Cap.TAKE_CALLS) or user.can(Cap.HANDLE_REQUESTS)


def client_requests(client: ApiClient) -> QuerySet[Request]:
    """The requests of the client's communities that its acting user may see."""
    return scoped(
        client.acting_user, Request.objects.filter(community_id__in=community_ids(client))
    )


def with_details(qs: QuerySet[Request]) -> QuerySet[Request]:
    """Requests with what the APIs show: `last_event_at` and the latest `cancel_reason`."""
    events = RequestEvent.objects.filter(request=OuterRef("pk"))
    return qs.select_related("category", "community").annotate(
        last_event_at=Subquery(events.order_by("-at", "-pk").values("at")[:1]),
        cancel_reason=Subquery(
            events.filter(kind=RequestEvent.Kind.CANCELLED)
            .order_by("-at", "-pk")
            .values("note")[:1]
        ),
    )


def updated_since(at: datetime) -> Exists:
    """Requests with an event at or after `at` (their last event is that recent)."""
    return Exists(RequestEvent.objects.filter(request=OuterRef("pk"), at__gte=at))


def get_client_request(client: ApiClient, pk: int, field: str = "id") -> Request:
    found = with_details(client_requests(client).filter(pk=pk)).first()
    if found is None:
        raise NotFoundError({field: _("no such request")})
    return found


def resolve_community(client: ApiClient, code: str | None, field: str) -> Community:
    """The community named by `code` among the client's; with no code, the client's only one."""
    communities = client_communities_by_code(client)
    if not code:
        only = list(communities.values())
        if len(only) == 1:
            return only[0]
        if not only:
            raise UnknownReference({field: _("this client has no community")})
        raise ValidationError({field: _("say which community: this client serves several")})
    found = communities.get(code.strip()) if can_name(code) else None
    if found is None:
        raise UnknownReference({field: _("no such community among this client's")})
    return found


def resolve_category(code: str, field: str) -> Category:
    if not code.strip():
        raise ValidationError({field: _("say which category")})
    found = category_by_code(code.strip())
    if found is None:
        raise UnknownReference({field: _("unknown category")})
    return found
