"""A household added or moved into a room the register does not have, or into a room where
another household lives, is saved with a word about it: most often the room was mistyped or the
family was added twice."""

from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from linli.core.models import Community, Room, User
from linli.people.models import Household
from tests.factories import make_resident, make_room
from tests.people.list_factories import in_english


def _said(response: object) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def _add(client: Client, room: str, name: str = "李四") -> list[str]:
    building = make_room(client.community, "502").unit.building  # type: ignore[attr-defined]
    response = client.post(
        reverse("people:resident-add"),
        {"name": name, "id_type": "passport", "id_number": "E1234567", "sex": "M",
         "date_of_birth": "1980-01-01", "nationality": "GB", "mobility": "independent",
         "at-building": building.pk, "at-unit": "1", "at-room": room},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    return _said(response)


def _client(client: Client, worker: User, community: Community) -> Client:
    client.force_login(worker)
    in_english(client)
    client.community = community  # type: ignore[attr-defined]
    return client


def test_a_new_household_in_an_occupied_room_is_added_with_a_warning(
    client: Client, community_a: Community, worker_a: User
) -> None:
    make_resident(community_a, "张三", room="502")

    said = _add(_client(client, worker_a, community_a), "502")

    assert any("Another household already lives in 岐山村 3-1-502 (张三)" in s for s in said), said
    assert Household.objects.filter(room__number="502").count() == 2


def test_a_new_household_in_a_room_not_in_the_register_adds_it_with_a_warning(
    client: Client, community_a: Community, worker_a: User
) -> None:
    said = _add(_client(client, worker_a, community_a), "5020")

    assert any("岐山村 3-1-5020 was not in the register yet" in s for s in said), said
    assert not any("Another household" in s for s in said)
    assert Room.objects.filter(number="5020").exists()


def test_a_new_household_in_a_known_empty_room_is_added_without_a_word(
    client: Client, community_a: Community, worker_a: User
) -> None:
    make_room(community_a, "601")

    said = _add(_client(client, worker_a, community_a), "601")

    assert not any("Another household" in s or "not in the register" in s for s in said), said


def test_a_household_moved_into_an_occupied_or_unknown_room_is_moved_with_a_warning(
    client: Client, community_a: Community, worker_a: User
) -> None:
    moving = make_resident(community_a, "王五", room="301").household
    make_resident(community_a, "张三", room="502")
    building = moving.room.unit.building
    _client(client, worker_a, community_a)
    url = reverse("people:household-move", args=[moving.pk])

    into_occupied = client.post(url, {"building": building.pk, "unit": "1", "room": "502"})
    into_unknown = client.post(url, {"building": building.pk, "unit": "1", "room": "9999"})

    assert any("Another household already lives in" in s for s in _said(into_occupied))
    assert any("was not in the register yet" in s for s in _said(into_unknown))
    moving.refresh_from_db()
    assert moving.room.number == "9999"
