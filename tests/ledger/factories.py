"""Ledger test data, built through the ledger's own actions: categories, requests (by the
hotline, by the public form, medical), visit passes; and the anonymous browser of the public
pages with the form it posts."""

from datetime import datetime, timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.core.models import Community, User
from linli.core.policy import VISITOR, Actor
from linli.ledger.actions import Opened, do_issue_visit_pass, do_open_request
from linli.ledger.models import Category, Channel, Request, VisitPass
from linli.people.models import Resident


def make_category(code: str = "groceries") -> Category:
    return Category.objects.get(code=code)


def make_request(
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
        category=make_category(code),
        description=description,
        resident=resident,
    )


def visitor(language: str = "en", ip: str = "203.0.113.7") -> Client:
    """An anonymous browser: its language and its IP address."""
    return Client(HTTP_ACCEPT_LANGUAGE=language, REMOTE_ADDR=ip)


def form_url(community: Community) -> str:
    return reverse("public:request-form", args=[community.code])


def form_data(**changes: str) -> dict[str, str]:
    data = {
        "phone": "139 0000 1111",
        "room": "3-502",
        "category": "groceries",
        "description": "需要买菜：米和油 / rice and oil",
    }
    data.update(changes)
    return data


def make_online_request(
    community: Community,
    *,
    phone: str = "13900001111",
    description: str = "需要买菜 / needs groceries",
    address: str = "3号楼502室",
    code: str = "groceries",
) -> Request:
    """A request as the public form opens it (no actor, channel online, contact phone)."""
    return do_open_request(
        community,
        actor=VISITOR,
        channel=Channel.ONLINE,
        category=make_category(code),
        description=description,
        contact_phone=phone,
        address_text=address,
    ).request


def make_medical_request(community: Community, worker: User, resident: Resident) -> Request:
    return make_request(
        community, worker, code="medical_visit", description="血透 / dialysis", resident=resident
    ).request


def make_visit_pass(
    request: Request,
    worker: User,
    *,
    starts_in: timedelta = timedelta(hours=-1),
    lasts: timedelta = timedelta(hours=12),
    now: datetime | None = None,
) -> VisitPass:
    start = (now or timezone.now()) + starts_in
    return do_issue_visit_pass(
        request,
        actor=worker,
        destination="瑞金医院 血透室",
        valid_from=start,
        valid_until=start + lasts,
    )
