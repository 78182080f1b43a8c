"""An unknown caller, once a worker says whose request it is, is known at their next call; and
the desk says "nobody has this number" only once the number is whole."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from linli.core.models import Community, User
from linli.ledger.actions import do_link_request
from linli.ledger.models import RequestEvent
from linli.lib.idcard import make_id_number
from linli.people import phones
from tests.factories import make_resident
from tests.ledger.test_link_and_call import unknown_callers_request

pytestmark = pytest.mark.usefixtures("english")

NEW_NUMBER = "13917607603"
VALID_ID = make_id_number("310101", date(1990, 1, 1), 1, True)


def test_linking_an_unknown_caller_keeps_their_number_for_the_next_call(
    community_a: Community, worker_a: User
) -> None:
    resident = make_resident(community_a, "孙阿婆", phone="", room="701", id_number=VALID_ID)
    item = unknown_callers_request(community_a, worker_a, contact_phone="139 1760 7603")
    assert phones.caller(community_a, NEW_NUMBER) == (None, None)

    do_link_request(item, actor=worker_a, household=resident.household, resident=resident)

    resident.refresh_from_db()
    assert resident.phone == NEW_NUMBER
    assert phones.caller(community_a, NEW_NUMBER) == (resident.household, resident)
    assert item.events.get(kind=RequestEvent.Kind.LINKED).data["phone_kept_on"] == "resident"
    assert resident.history.first().history_change_reason == "phone of a call"


def test_a_household_without_a_number_keeps_the_caller_s_when_no_resident_is_named(
    community_a: Community, worker_a: User
) -> None:
    resident = make_resident(community_a, "孙阿婆", phone="", room="701")
    item = unknown_callers_request(community_a, worker_a, contact_phone=NEW_NUMBER)

    do_link_request(item, actor=worker_a, household=resident.household)

    resident.household.refresh_from_db()
    assert resident.household.phone == NEW_NUMBER
    assert phones.caller(community_a, NEW_NUMBER)[0] == resident.household


def test_numbers_the_register_has_already_are_left_as_they_are(
    community_a: Community, worker_a: User
) -> None:
    resident = make_resident(community_a, "孙阿婆", phone="13800001111", room="701")
    item = unknown_callers_request(community_a, worker_a, contact_phone=NEW_NUMBER)

    do_link_request(item, actor=worker_a, household=resident.household, resident=resident)

    resident.refresh_from_db()
    resident.household.refresh_from_db()
    assert (resident.phone, resident.household.phone) == ("13800001111", "13800001111")
    assert "phone_kept_on" not in item.events.get(kind=RequestEvent.Kind.LINKED).data


@pytest.mark.parametrize(
    ("typed", "told"),
    [("1391760", False), ("13917607", False), ("1391760760", False), (NEW_NUMBER, True)],
)
def test_the_desk_says_nobody_has_the_number_only_once_it_is_whole(
    client: Client, worker_a: User, typed: str, told: bool
) -> None:
    client.force_login(worker_a)

    body = client.get(reverse("ledger:desk-household"), {"caller_number": typed}).content.decode()

    assert ('data-testid="unknown-caller"' in body) is told


def test_the_call_button_dials_in_chinese() -> None:
    with translation.override("zh-hans"):
        assert translation.pgettext("dial", "Call") == "拨打"
