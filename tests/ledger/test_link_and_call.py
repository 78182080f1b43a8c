"""A request linked to the register after it was registered, and the number of the person a task
is for revealed to whoever it is handed to, while it is open, logged."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from linli.core.models import Community, PiiAccess, User
from linli.core.roles import Role
from linli.ledger.actions import do_assign, do_complete, do_link_request, do_open_request
from linli.ledger.models import Channel, Request, RequestEvent
from linli.ledger.selectors import link_candidates
from linli.people.actions.register import do_add_tag
from linli.people.models import Resident
from linli.people.search import room_in_text
from tests.factories import make_resident, make_user
from tests.ledger.factories import make_category, make_request
from tests.people.list_factories import in_english

pytestmark = pytest.mark.usefixtures("english")


def unknown_callers_request(
    community: Community, actor: User, *, address_text: str = "", contact_phone: str = ""
) -> Request:
    return do_open_request(
        community,
        actor=actor,
        channel=Channel.HOTLINE,
        category=make_category("groceries"),
        description="家里没菜了",
        address_text=address_text,
        contact_phone=contact_phone,
    ).request


@pytest.mark.parametrize(
    ("text", "room"),
    [
        ("岐山村3号楼1单元502室", "3-1-502"),
        ("３栋５０２", "3-502"),
        ("3-1-502", "3-1-502"),
        ("3幢502", "3-502"),
        ("门口小卖部", None),
    ],
)
def test_the_room_a_caller_gave_is_read_from_the_address(text: str, room: str | None) -> None:
    assert room_in_text(text) == room


def test_the_room_typed_suggests_its_household(community_a: Community, worker_a: User) -> None:
    resident = make_resident(community_a, room="502")
    item = unknown_callers_request(community_a, worker_a, address_text="3号楼502")

    found = link_candidates(worker_a, item)

    assert [(c.household, c.members, c.why) for c in found] == [
        (resident.household, [resident], "room")
    ]


def test_the_phone_left_suggests_its_household(community_a: Community, worker_a: User) -> None:
    resident = make_resident(community_a, phone="13811112222")
    item = unknown_callers_request(community_a, worker_a, contact_phone="13811112222")
    item.household = item.resident = None  # as a caller the register did not know then
    Request.objects.filter(pk=item.pk).update(household=None, resident=None)

    assert [c.why for c in link_candidates(worker_a, item)] == ["phone"]
    assert link_candidates(worker_a, item)[0].household == resident.household


def test_linking_says_whose_request_it_is_and_triages_again_with_the_register(
    community_a: Community, worker_a: User
) -> None:
    resident = make_resident(community_a)
    do_add_tag(resident, actor=worker_a, kind="dialysis", since=date(2020, 1, 1))
    item = do_open_request(
        community_a, actor=worker_a, channel=Channel.HOTLINE, category=make_category("medicine"),
        description="喘不上气，腿肿",
    ).request  # fmt: skip
    before = item.urgency

    do_link_request(item, actor=worker_a, household=resident.household, resident=resident)

    item.refresh_from_db()
    assert (item.household, item.resident) == (resident.household, resident)
    assert item.events.filter(kind=RequestEvent.Kind.LINKED).count() == 1
    assert item.urgency in ("emergency", "urgent")
    assert before != "emergency" or item.urgency == "emergency"  # never made less urgent


def test_linking_to_another_community_s_household_is_refused_and_nothing_is_written(
    client: Client, community_a: Community, community_b: Community, worker_a: User
) -> None:
    theirs = make_resident(community_b, "外人")
    item = unknown_callers_request(community_a, worker_a)

    with pytest.raises(ValidationError) as refused:
        do_link_request(item, actor=worker_a, household=theirs.household)
    assert "community" in refused.value.message_dict["household"][0]

    client.force_login(worker_a)
    in_english(client)
    response = client.post(
        reverse("ledger:request-action", args=[item.pk, "link"]),
        {"household": theirs.household_id},
        follow=True,
    )
    assert "no such household in this request" in response.content.decode()
    item.refresh_from_db()
    assert item.household_id is None
    assert not item.events.filter(kind=RequestEvent.Kind.LINKED).exists()


def test_a_resident_of_another_household_is_refused(community_a: Community, worker_a: User) -> None:
    one = make_resident(community_a, "甲", room="101")
    other = make_resident(community_a, "乙", room="102", id_number="", phone="13911112222")
    item = unknown_callers_request(community_a, worker_a)

    with pytest.raises(ValidationError) as refused:
        do_link_request(item, actor=worker_a, household=one.household, resident=other)

    assert "resident" in refused.value.message_dict


def reveal(client: Client, item: Request) -> str:
    return client.post(reverse("ledger:request-detail", args=[item.pk])).content.decode()


def test_the_volunteer_of_an_open_task_reveals_the_number_and_calls_it_logged(
    client: Client, community_a: Community, worker_a: User
) -> None:
    resident = make_resident(community_a, phone="13855556666")
    item = make_request(community_a, worker_a, resident=resident).request
    volunteer = make_user(Role.VOLUNTEER, community_a)
    do_assign(item, actor=worker_a, assignee=volunteer)
    client.force_login(volunteer)

    masked = client.get(reverse("ledger:request-detail", args=[item.pk])).content.decode()
    assert "13855556666" not in masked and 'data-testid="reveal-phone"' in masked
    body = reveal(client, item)

    assert 'href="tel:13855556666"' in body
    look = PiiAccess.objects.get(user=volunteer)
    assert (look.subject_id, look.fields) == (resident.pk, "phone")


def test_a_volunteer_cannot_reveal_the_number_of_a_closed_task(
    client: Client, community_a: Community, worker_a: User
) -> None:
    resident = make_resident(community_a, phone="13855556666")
    item = make_request(community_a, worker_a, resident=resident).request
    volunteer = make_user(Role.VOLUNTEER, community_a)
    do_assign(item, actor=worker_a, assignee=volunteer)
    do_complete(item, actor=volunteer, result="送到了")
    client.force_login(volunteer)

    body = reveal(client, item)

    assert "13855556666" not in body and 'data-testid="reveal-phone"' not in body
    assert not PiiAccess.objects.exists()


def test_a_volunteer_cannot_reveal_the_number_of_a_task_not_theirs(
    client: Client, community_a: Community, worker_a: User
) -> None:
    resident = make_resident(community_a, phone="13855556666")
    item = make_request(community_a, worker_a, resident=resident).request
    do_assign(item, actor=worker_a, assignee=make_user(Role.VOLUNTEER, community_a))
    client.force_login(make_user(Role.VOLUNTEER, community_a))

    response = client.post(reverse("ledger:request-detail", args=[item.pk]))

    assert response.status_code == 404
    assert not PiiAccess.objects.exists()


def test_unlinked_request_page_offers_the_household_of_the_room_given(
    client: Client, community_a: Community, worker_a: User
) -> None:
    resident = make_resident(community_a, "王五")
    item = unknown_callers_request(community_a, worker_a, address_text="3-1-502")
    client.force_login(worker_a)
    in_english(client)

    body = client.get(reverse("ledger:request-detail", args=[item.pk])).content.decode()
    assert "Not linked to the register" in body and "王五" in body

    client.post(
        reverse("ledger:request-action", args=[item.pk, "link"]),
        {"household": resident.household_id, "resident": resident.pk},
    )
    item.refresh_from_db()
    assert item.resident == resident
    assert Resident.objects.get(pk=resident.pk).requests.get() == item
