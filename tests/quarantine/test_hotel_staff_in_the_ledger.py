"""Hotel staff reach the ledger by relation only: the requests their green line opened for
their own guests. Every other request of the street — its communities' residents, another
hotel's guests — is not found (404) in the list, the export, the page and every action, and
their guests' requests they read and add notes to, without changing their handling."""

from io import BytesIO

import pytest
from django.http import FileResponse
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from linli.core.models import Community, User
from linli.core.roles import Role
from linli.ledger.models import Request
from linli.ledger.policy import ACTIONS
from linli.quarantine import actions
from linli.quarantine.models import HotelRoom, Stay
from tests.factories import make_area, make_resident, make_user
from tests.ledger.factories import make_request
from tests.quarantine.test_hotels import open_hotel

pytestmark = pytest.mark.django_db


@pytest.fixture
def street() -> dict[str, object]:
    community = make_area()
    neighbour = make_area("隔壁居民区", street=community.street)
    hotel, official = open_hotel(community.street, "锦江之星")
    other_hotel, _official = open_hotel(community.street, "如家")
    staff = hotel.staff.get()
    guest = make_resident(community, "隔离客人", room="501")
    other_guest = make_resident(neighbour, "别家客人", room="601")
    stay = actions.do_check_in(
        guest, actor=official, room=HotelRoom.objects.get(hotel=hotel, number="301")
    )
    other_stay = actions.do_check_in(
        other_guest, actor=official, room=HotelRoom.objects.get(hotel=other_hotel, number="301")
    )
    ours = actions.do_green_line(
        stay, actor=staff, category="medical_visit", description="发烧38.6度"
    )
    theirs = actions.do_green_line(
        other_stay, actor=other_hotel.staff.get(), category="medicine", description="缺降压药"
    )
    worker = make_user(Role.WORKER, community)
    resident = make_resident(community, "孕妇", room="701")
    street_request = make_request(
        community, worker, code="prenatal", description="怀孕32周 产检", resident=resident
    ).request
    return {
        "staff": staff,
        "ours": ours,
        "theirs": theirs,
        "street_request": street_request,
        "community": community,
        "stay": stay,
    }


def signed_in(user: object) -> Client:
    assert isinstance(user, User)
    client = Client()
    client.force_login(user)
    return client


def test_the_ledger_list_and_export_hold_only_their_guests_requests(
    street: dict[str, object],
) -> None:
    client = signed_in(street["staff"])
    ours, theirs, other = street["ours"], street["theirs"], street["street_request"]
    assert isinstance(ours, Request) and isinstance(theirs, Request)
    assert isinstance(other, Request)

    listed = client.get(reverse("ledger:ledger"))
    exported = client.get(reverse("ledger:export"))

    assert [row.request.pk for row in listed.context["rows"]] == [ours.pk]
    html = listed.content.decode()
    assert "怀孕32周" not in html and "缺降压药" not in html and "发烧38.6度" in html
    assert isinstance(exported, FileResponse)
    sheet = load_workbook(BytesIO(b"".join(exported.streaming_content))).active
    assert sheet is not None
    cells = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    assert "发烧38.6度" in cells and "怀孕32周" not in cells and "缺降压药" not in cells


@pytest.mark.parametrize("other", ["theirs", "street_request"])
def test_any_other_request_is_not_found_on_its_page_or_by_any_action(
    street: dict[str, object], other: str
) -> None:
    client = signed_in(street["staff"])
    item = street[other]
    assert isinstance(item, Request)

    assert client.get(reverse("ledger:request-detail", args=[item.pk])).status_code == 404
    for action in ACTIONS:
        response = client.post(
            reverse("ledger:request-action", args=[item.pk, action]),
            {"urgency": "low", "reason": "试试", "note": "试试", "result": "完成"},
        )
        # The pass has a page of its own, for the ledger's roles only: refused before any
        # request is looked up, it tells nothing of this one.
        assert response.status_code == (403 if action == "pass" else 404), action
    item.refresh_from_db()
    assert item.urgency != "low" and not item.events.filter(note="试试").exists()


def test_on_their_guests_request_they_add_a_note_and_cannot_lower_its_urgency(
    street: dict[str, object],
) -> None:
    client = signed_in(street["staff"])
    ours = street["ours"]
    assert isinstance(ours, Request)
    before = ours.urgency

    page = client.get(reverse("ledger:request-detail", args=[ours.pk]))
    lowered = client.post(
        reverse("ledger:request-action", args=[ours.pk, "urgency"]),
        {"urgency": "low", "reason": "已退烧"},
    )
    noted = client.post(
        reverse("ledger:request-action", args=[ours.pk, "note"]), {"note": "复测37.9度"}
    )

    assert page.status_code == 200
    assert lowered.status_code == 403
    assert noted.status_code == 302
    ours.refresh_from_db()
    assert ours.urgency == before
    assert ours.events.filter(kind="note", note="复测37.9度").exists()


def test_the_green_line_still_opens_a_request_for_the_guests_own_community(
    street: dict[str, object],
) -> None:
    stay, staff = street["stay"], street["staff"]
    assert isinstance(stay, Stay) and isinstance(staff, User)
    opened = actions.do_green_line(stay, actor=staff, category="other", description="需要充电线")
    assert opened.community == street["community"]
    assert isinstance(street["community"], Community)
