"""Foreign callers' numbers (+44, +92 …) go in wherever a number is typed: the desk, the public
form, the API and a roster; the register finds the household by them as by a Chinese number."""

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from linli.core.models import Community, User
from linli.core.roles import Role
from linli.ledger.models import Call, Request
from linli.lib.validation import Invalid, normalize_phone
from linli.people import phones
from linli.people.importer import Importer
from linli.people.models import Resident
from tests.api.factories import bearer, make_client
from tests.factories import make_resident, make_user
from tests.ledger.factories import form_data, form_url, visitor
from tests.ledger.test_desk import post_call
from tests.people.rosters import GOOD, make_compound, write_xlsx

pytestmark = pytest.mark.django_db

UK = "+44 7700 900123"  # the range British drama uses: dialled like any mobile
PAKISTAN = "+92 300 1234567"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        (UK, "+447700900123"),
        (PAKISTAN, "+923001234567"),
        ("0044 7700 900123", "+447700900123"),
        ("+1 (415) 555-2671", "+14155552671"),
        ("138 1234 5678", "13812345678"),
        ("021-62345678", "02162345678"),
    ],
)
def test_numbers_of_any_country_are_kept_in_one_form(typed: str, kept: str) -> None:
    assert normalize_phone(typed) == kept


@pytest.mark.parametrize("typed", ["+44 12", "12345", "+86 123 4567 8901", "not a number"])
def test_what_no_country_dials_is_still_refused(typed: str) -> None:
    with pytest.raises(Invalid):
        normalize_phone(typed)


def test_the_desk_takes_a_foreign_callers_number_and_finds_their_household(
    client: Client, community_a: Community
) -> None:
    resident = make_resident(community_a, "Emily Clarke", phone="+447700900123")
    client.cookies["django_language"] = "en"
    client.force_login(make_user(Role.OPERATOR, community_a))

    card = client.get(reverse("ledger:desk-household"), {"caller_number": UK}).content.decode()
    response = post_call(client, UK, [("groceries", "needs rice and milk")])

    assert "Emily Clarke" in card
    assert response.status_code == 302, response.content.decode()
    call = Call.objects.get()
    assert (call.caller_number, call.household) == ("+447700900123", resident.household)


def test_the_public_form_takes_a_foreign_number(community_a: Community) -> None:
    sent = visitor().post(form_url(community_a), form_data(phone=PAKISTAN))

    assert sent.status_code == 302, sent.content.decode()
    assert Request.objects.get().contact_phone == "+923001234567"


def test_the_api_takes_a_foreign_number(client: Client, community_a: Community) -> None:
    _api_client, token = make_client(community_a)
    response = client.post(
        "/api/v1/requests",
        {"category": "groceries", "description": "rice", "phone": UK, "address": "3-502"},
        content_type="application/json",
        headers=bearer(token),
    )

    assert response.status_code == 201, response.content
    assert Request.objects.get().contact_phone == "+447700900123"


def test_a_roster_takes_a_foreign_residents_number(
    tmp_path: Path, community_a: Community, worker_a: User
) -> None:
    make_compound(community_a)
    rows = [[*GOOD[0][:3], PAKISTAN, *GOOD[0][4:]]]
    outcome = Importer(community_a, worker_a).run(write_xlsx(tmp_path / "r.xlsx", rows))

    assert (outcome.committed, outcome.error_count) == (True, 0)
    resident = Resident.objects.get()
    assert resident.phone == "+923001234567"
    assert phones.caller(community_a, "00923001234567") == (resident.household, resident)
