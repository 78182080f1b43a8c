import pytest
from django.test import Client
from django.urls import reverse

from linli.core.models import Community
from linli.core.roles import Role
from tests.factories import make_resident, make_user

TITLES = {
    Role.OFFICIAL: "街道概览",
    Role.WORKER: "居委工作台",
    Role.OPERATOR: "热线工作台",
    Role.DOCTOR: "社区医生",
    Role.VOLUNTEER: "我的任务",
    Role.SOCIAL_WORKER: "服务团队",
    Role.PROPERTY: "服务团队",
    Role.HOTEL: "隔离酒店",
    Role.ADMIN: "系统管理",
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_has_its_home_page(client: Client, role: Role, community_a: Community) -> None:
    make_resident(community_a)
    if role in (Role.OFFICIAL, Role.HOTEL):
        user = make_user(role, street=community_a.street)
    else:
        user = make_user(role, community_a)
    client.force_login(user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert f'data-testid="home-title">{TITLES[role]}<' in response.content.decode()


def test_navigation_follows_the_role(client: Client, community_a: Community) -> None:
    client.force_login(make_user(Role.VOLUNTEER, community_a))
    body = client.get(reverse("core:home")).content.decode()
    assert reverse("people:resident-list") not in body
    client.force_login(make_user(Role.WORKER, community_a))
    body = client.get(reverse("core:home")).content.decode()
    assert reverse("people:resident-list") in body
    assert reverse("admin:index") not in body


@pytest.mark.parametrize("role", list(Role))
def test_every_link_in_the_navigation_opens_for_the_role(
    client: Client, community_a: Community, role: Role
) -> None:
    street_level = role in (Role.OFFICIAL, Role.HOTEL)
    user = make_user(
        role, None if street_level else community_a, community_a.street if street_level else None
    )
    client.force_login(user)
    links = [url for url, _label in client.get(reverse("core:home")).context["nav_items"]]
    assert links
    refused = {url: client.get(url, follow=True).status_code for url in links}
    assert {url: code for url, code in refused.items() if code != 200} == {}


def test_worker_home_counts_only_their_community(
    client: Client, community_a: Community, community_b: Community
) -> None:
    make_resident(community_a, "张三")
    make_resident(community_b, "李四")
    make_resident(community_b, "王五", room="601")
    client.force_login(make_user(Role.WORKER, community_a))
    response = client.get(reverse("core:home"))
    assert response.context["summary"].residents == 1


def test_operator_finds_a_caller_by_phone_tail(
    client: Client, community_a: Community, community_b: Community
) -> None:
    make_resident(community_a, "张三", phone="13812345678")
    make_resident(community_b, "李四", phone="13900005678")
    client.force_login(make_user(Role.OPERATOR, community_a))
    body = client.get(reverse("core:home"), {"phone": "5678"}).content.decode()
    assert "张三" in body
    assert "李四" not in body


def test_english_home_page(client: Client, community_a: Community) -> None:
    client.force_login(make_user(Role.WORKER, community_a))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("core:home")).content.decode()
    assert "Community desk" in body
    assert "居委工作台" not in body
