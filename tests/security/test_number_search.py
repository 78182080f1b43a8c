"""Masked numbers cannot be recovered by search: finding people by a whole identity number or
by more of a phone than its last four digits needs the right to see full numbers, is logged as
a look at their personal data, and is limited per user."""

import pytest
from django.conf import LazySettings
from django.test import Client
from django.urls import reverse

from linli.core.models import Community, PiiAccess, User
from linli.core.roles import Role
from tests.factories import make_resident, make_user
from tests.ledger.factories import make_online_request

pytestmark = pytest.mark.django_db
ID = "310101199001011237"


def register(client: Client, query: str) -> str:
    response = client.get(reverse("people:resident-list"), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def test_a_role_without_full_numbers_finds_nobody_by_a_whole_number(
    client: Client, community_a: Community
) -> None:
    make_resident(community_a, "张三", phone="13812345678", id_number=ID)
    client.force_login(make_user(Role.OFFICIAL, street=community_a.street))
    for query in (ID, "12345678", "2345678", "45678", "138 1234 5678"):
        page = register(client, query)
        assert "张三" not in page, query
        assert 'data-testid="number-search-refused"' in page
    assert "张三" in register(client, "5678")  # the last four digits stay searchable
    assert "张三" in register(client, "张")
    assert not PiiAccess.objects.exists()


def test_a_search_by_a_whole_number_is_logged_as_a_look_at_the_people_found(
    client: Client, community_a: Community, worker_a: User
) -> None:
    found = make_resident(community_a, "张三", phone="13812345678", id_number=ID)
    make_resident(community_a, "李四", phone="13900001111", id_number="", room="601")
    client.force_login(worker_a)
    assert "张三" in register(client, ID)
    assert "张三" in register(client, "12345678")
    looks = list(PiiAccess.objects.order_by("pk").values_list("subject_id", "fields"))
    assert looks == [(found.pk, "search:id_number"), (found.pk, "search:phone")]
    register(client, "5678")  # the last four digits, as the masked number shows them
    assert PiiAccess.objects.count() == 2


def test_searches_by_whole_numbers_are_limited_per_user(
    client: Client, community_a: Community, worker_a: User, settings: LazySettings
) -> None:
    settings.LINLI_NUMBER_SEARCHES = (3, 3600)
    make_resident(community_a, "张三", phone="13812345678", id_number=ID)
    client.force_login(worker_a)
    for _ in range(3):
        assert "张三" in register(client, "13812345678")
    page = register(client, "13812345678")
    assert "张三" not in page and 'data-testid="number-search-refused"' in page
    other = Client()
    other.force_login(make_user(Role.WORKER, community_a))
    assert "张三" in register(other, "13812345678")  # another user's own allowance


def test_the_ledger_finds_no_request_by_a_whole_phone_for_a_role_without_full_numbers(
    client: Client, community_a: Community
) -> None:
    make_online_request(community_a, phone="13912345678", description="买菜标记甲")
    client.force_login(make_user(Role.OFFICIAL, street=community_a.street))
    page = client.get(reverse("ledger:ledger"), {"q": "13912345678"}).content.decode()
    assert "买菜标记甲" not in page
    worker = Client()
    worker.force_login(make_user(Role.WORKER, community_a))
    page = worker.get(reverse("ledger:ledger"), {"q": "13912345678"}).content.decode()
    assert "买菜标记甲" in page


def test_the_operators_lookup_by_a_whole_number_is_logged(
    client: Client, community_a: Community
) -> None:
    found = make_resident(community_a, "张三", phone="13812345678", id_number=ID)
    client.force_login(make_user(Role.OPERATOR, community_a))
    assert "张三" in client.get("/", {"phone": "13812345678"}).content.decode()
    assert "张三" in client.get("/", {"phone": "5678"}).content.decode()
    assert list(PiiAccess.objects.values_list("subject_id", "fields")) == [
        (found.pk, "search:phone")
    ]
