"""The correction page shows phone and identity number masked, as the resident's page does: the
full numbers only when the worker asks, and each such look is logged. A number left as shown
stays as it was."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from linli.core.models import Community, PiiAccess, User
from linli.core.roles import ROLE_CAPABILITIES, Cap, Role
from linli.lib.idcard import make_id_number
from linli.lib.masking import mask_id_number, mask_phone
from linli.people.models import Resident
from tests.factories import make_resident
from tests.people.list_factories import in_english

BORN = date(1948, 5, 6)
ID = make_id_number("310101", BORN, 21, True)
PHONE = "13812345678"


@pytest.fixture
def resident(community_a: Community) -> Resident:
    return make_resident(community_a, "王伯伯", id_number=ID, phone=PHONE, born=BORN)


def _url(resident: Resident) -> str:
    return reverse("people:resident-edit", args=[resident.pk])


def _as_posted(client: Client, url: str) -> dict[str, str]:
    """The form's values as the browser would send them back untouched."""
    initial = client.get(url).context["form"].initial
    return {k: "" if v is None else str(v) for k, v in initial.items()}


def test_the_edit_page_masks_the_numbers_and_logs_no_look(
    client: Client, resident: Resident, worker_a: User
) -> None:
    client.force_login(worker_a)
    in_english(client)

    body = client.get(_url(resident)).content.decode()

    assert PHONE not in body and ID not in body
    assert mask_phone(PHONE) in body and mask_id_number(ID) in body
    assert 'data-testid="reveal"' in body
    assert not PiiAccess.objects.exists()


def test_saving_with_the_masked_numbers_untouched_keeps_them(
    client: Client, resident: Resident, worker_a: User
) -> None:
    client.force_login(worker_a)
    url = _url(resident)
    posted = _as_posted(client, url)
    assert posted["phone"] == mask_phone(PHONE)  # what the page showed

    response = client.post(url, {**posted, "mobility": "limited", "reason": "走路要扶"})

    assert response.status_code == 302
    resident.refresh_from_db()
    assert (resident.phone, resident.id_number, resident.mobility) == (PHONE, ID, "limited")
    assert resident.history.first().history_change_reason == "走路要扶"


def test_a_number_typed_over_the_masked_one_replaces_it(
    client: Client, resident: Resident, worker_a: User
) -> None:
    client.force_login(worker_a)
    url = _url(resident)

    client.post(url, {**_as_posted(client, url), "phone": "139 0000 1111"})

    resident.refresh_from_db()
    assert (resident.phone, resident.id_number) == ("13900001111", ID)


def test_showing_the_full_numbers_is_logged_once_each_time_and_keeps_what_was_typed(
    client: Client, resident: Resident, worker_a: User
) -> None:
    client.force_login(worker_a)
    url = _url(resident)
    posted = {**_as_posted(client, url), "notes": "女儿每周来"}

    body = client.post(url, {**posted, "reveal": "1"}).content.decode()

    assert PHONE in body and ID in body and "女儿每周来" in body
    look = PiiAccess.objects.get()
    assert (look.user, look.subject_id, look.path) == (worker_a, resident.pk, url)
    assert set(look.fields.split(",")) == {"phone", "id_number"}
    resident.refresh_from_db()
    assert resident.notes == ""  # showing is not saving
    client.post(url, {**posted, "reveal": "1"})
    assert PiiAccess.objects.count() == 2


def test_the_full_numbers_shown_are_saved_as_they_are(
    client: Client, resident: Resident, worker_a: User
) -> None:
    client.force_login(worker_a)
    url = _url(resident)
    shown = client.post(url, {**_as_posted(client, url), "reveal": "1"}).context["form"]
    posted = {k: "" if v is None else str(v) for k, v in shown.initial.items()}
    assert (posted["phone"], posted["id_number"]) == (PHONE, ID)

    client.post(url, {**posted, "name": "王建国"})

    resident.refresh_from_db()
    assert (resident.name, resident.phone, resident.id_number) == ("王建国", PHONE, ID)


def test_without_the_right_to_full_numbers_nothing_is_revealed(
    client: Client, resident: Resident, worker_a: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No role edits the register without seeing full numbers today; the page must not rely on it.
    monkeypatch.setitem(
        ROLE_CAPABILITIES, Role.WORKER, ROLE_CAPABILITIES[Role.WORKER] - {Cap.VIEW_PII}
    )
    client.force_login(worker_a)
    url = _url(resident)

    body = client.post(url, {**_as_posted(client, url), "reveal": "1"}).content.decode()

    assert PHONE not in body and ID not in body and 'data-testid="reveal"' not in body
    assert mask_phone(PHONE) in body
    assert not PiiAccess.objects.exists()
