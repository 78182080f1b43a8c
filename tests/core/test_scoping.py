from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from linli.core.models import Community, Compound, District, User
from linli.core.roles import Role
from linli.core.scoping import scoped
from linli.people.models import Resident
from tests.factories import make_area, make_resident, make_user


def test_worker_cannot_read_another_communitys_resident_by_url(
    client: Client, community_a: Community, community_b: Community, worker_a: User
) -> None:
    theirs = make_resident(community_b, "李四", phone="13900001111")
    ours = make_resident(community_a, "张三")
    client.force_login(worker_a)

    assert client.get(reverse("people:resident-detail", args=[ours.pk])).status_code == 200
    response = client.get(reverse("people:resident-detail", args=[theirs.pk]))
    assert response.status_code == 404
    assert "李四" not in response.content.decode()
    assert "李四" not in client.get(reverse("people:resident-list")).content.decode()


def test_street_official_sees_every_community_of_their_street_only(
    community_a: Community, community_b: Community
) -> None:
    other_street = make_area("别的街道居民区")
    for community in (community_a, community_b, other_street):
        make_resident(community, f"居民{community.pk}")
    official = make_user(Role.OFFICIAL, street=community_a.street)

    visible = set(scoped(official, Resident.objects.all()).values_list("community", flat=True))
    assert visible == {community_a.pk, community_b.pk}
    assert set(scoped(official, Community.objects.all())) == {community_a, community_b}


def test_an_area_is_read_once_per_user_and_named_in_the_query(
    community_a: Community, community_b: Community, django_assert_num_queries: Any
) -> None:
    official = make_user(Role.OFFICIAL, street=community_a.street)
    assert official.role is Role.OFFICIAL  # read once per request, by the access check
    with django_assert_num_queries(1):  # the street's communities
        first = scoped(official, Resident.objects.all())
        str(first.query)
    second = scoped(official, Resident.objects.all())
    sql = str(second.query)
    assert "JOIN" not in sql  # a list of communities, not a join through them
    assert str(community_a.pk) in sql and str(community_b.pk) in sql


def test_district_user_sees_their_district(community_a: Community) -> None:
    make_resident(community_a)
    make_resident(make_area("别区居民区"), "王五")
    user = User.objects.create_user(
        "district", district=District.objects.get(streets__communities=community_a)
    )
    assert not scoped(user, Resident.objects.all()).exists()  # no role: nothing
    user.groups.add(Group.objects.get(name=Role.OFFICIAL.value))
    user = User.objects.get(pk=user.pk)
    assert [r.name for r in scoped(user, Resident.objects.all())] == ["张三"]


def test_user_without_an_area_sees_nothing(community_a: Community) -> None:
    make_resident(community_a)
    nobody = User.objects.create_user("nobody")
    assert not scoped(nobody, Resident.objects.all()).exists()


def test_scoping_follows_the_path_of_nested_models(
    community_a: Community, community_b: Community, worker_a: User
) -> None:
    make_resident(community_a)
    make_resident(community_b, "李四")
    assert set(scoped(worker_a, Compound.objects.all())) == set(community_a.compounds.all())


def test_model_without_a_community_path_cannot_be_scoped(worker_a: User) -> None:
    with pytest.raises(TypeError, match="cannot be scoped"):
        scoped(worker_a, District.objects.all())


def test_volunteer_is_refused_the_register(client: Client, community_a: Community) -> None:
    resident = make_resident(community_a)
    client.force_login(make_user(Role.VOLUNTEER, community_a))
    assert client.get(reverse("people:resident-list")).status_code == 403
    assert client.get(reverse("people:resident-detail", args=[resident.pk])).status_code == 403


def test_anonymous_visitor_is_sent_to_login(client: Client, community_a: Community) -> None:
    resident = make_resident(community_a)
    response = client.get(reverse("people:resident-detail", args=[resident.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_role_outside_the_whole_area_sees_only_the_rows_related_to_it(
    community_a: Community, worker_a: User
) -> None:
    """A volunteer sees the requests handed to them and no other of their community's."""
    from linli.ledger.actions import do_assign
    from linli.ledger.models import Request
    from tests.ledger.factories import make_request

    volunteer = make_user(Role.VOLUNTEER, community_a)
    theirs = make_request(community_a, worker_a, description="送药").request
    make_request(community_a, worker_a, description="买菜")
    do_assign(theirs, actor=worker_a, assignee=volunteer)
    assert list(scoped(volunteer, Request.objects.all())) == [theirs]
    assert scoped(worker_a, Request.objects.all()).count() == 2


def test_a_role_with_no_relation_to_a_model_sees_none_of_its_rows(
    community_a: Community, worker_a: User
) -> None:
    """Hotel staff of the street are not among the register's roles and have no relation to
    its residents yet: fail closed."""
    make_resident(community_a)
    hotel = make_user(Role.HOTEL, street=community_a.street)
    assert not scoped(hotel, Resident.objects.all()).exists()
    assert scoped(make_user(Role.OFFICIAL, street=community_a.street), Resident.objects.all())


def test_a_street_level_model_is_seen_by_its_street_and_its_communities(
    community_a: Community, worker_a: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hotels, supply points and kitchens belong to a street: seen by the street's staff, by
    the staff of its communities and by the district, and by nobody elsewhere."""
    from linli.core.scope import in_street

    elsewhere = make_area("远方居民区")
    # Communities stand in for a street-level model here: their path to the street is "street".
    monkeypatch.setattr(Community, "scope", in_street("street"))
    official = make_user(Role.OFFICIAL, street=community_a.street)
    far_official = make_user(Role.OFFICIAL, street=elsewhere.street)
    district_user = User.objects.create_user("d", district=community_a.street.district)
    district_user.groups.add(Group.objects.get(name=Role.OFFICIAL.value))
    assert set(scoped(worker_a, Community.objects.all())) == {community_a}
    assert set(scoped(official, Community.objects.all())) == {community_a}
    assert set(scoped(far_official, Community.objects.all())) == {elsewhere}
    assert set(scoped(district_user, Community.objects.all())) == {community_a}
