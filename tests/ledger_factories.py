"""Ledger test data, built through the ledger's own actions."""

from linli.core.models import Community
from linli.core.policy import Actor
from linli.ledger.actions import Opened, do_open_request
from linli.ledger.models import Category, Channel
from linli.people.models import Resident


def category(code: str = "groceries") -> Category:
    return Category.objects.get(code=code)


def open_request(
    community: Community,
    actor: Actor,
    *,
    code: str = "groceries",
    description: str = "需要买菜 / needs groceries",
    resident: Resident | None = None,
    channel: str = Channel.HOTLINE,
) -> Opened:
    return do_open_request(
        community,
        actor=actor,
        channel=channel,
        category=category(code),
        description=description,
        resident=resident,
    )
