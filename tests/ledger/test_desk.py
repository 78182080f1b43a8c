import pytest
from django.test import Client
from django.urls import reverse

from linli.core.models import Community, User
from linli.core.roles import Role
from linli.ledger.models import Call, Category, Request
from tests.factories import make_resident, make_user
from tests.ledger.factories import make_request

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def post_call(client: Client, phone: str, rows: list[tuple[str, str]], **extra: str):  # type: ignore[no-untyped-def]
    data = {
        "caller_number": phone,
        "kind": "request",
        "r-TOTAL_FORMS": "3",
        "r-INITIAL_FORMS": "0",
        "r-MIN_NUM_FORMS": "0",
        "r-MAX_NUM_FORMS": "10",
        **extra,
    }
    for i, (code, text) in enumerate(rows):
        data[f"r-{i}-category"] = str(Category.objects.get(code=code).pk) if code else ""
        data[f"r-{i}-description"] = text
    return client.post(reverse("ledger:desk"), data)


@pytest.fixture(autouse=True)
def english_pages(client: Client) -> None:
    client.cookies["django_language"] = "en"


@pytest.fixture
def operator(community_a: Community) -> User:
    return make_user(Role.OPERATOR, community_a)


def test_known_number_shows_the_household_card(
    client: Client, community_a: Community, operator: User
) -> None:
    make_resident(community_a, "张三", phone="13812345678")
    client.force_login(operator)
    card = client.get(
        reverse("ledger:desk-household"), {"caller_number": "13812345678"}
    ).content.decode()
    assert 'data-testid="household-card"' in card and "张三" in card
    unknown = client.get(
        reverse("ledger:desk-household"), {"caller_number": "13900000000"}
    ).content.decode()
    assert 'data-testid="unknown-caller"' in unknown


def test_a_call_with_two_requests_shows_triage_and_emergency_banner(
    client: Client, community_a: Community, operator: User
) -> None:
    make_resident(community_a, "张三", phone="13812345678")
    client.force_login(operator)
    response = post_call(client, "13812345678", [("medicine", "心绞痛发作"), ("groceries", "买菜")])
    call = Call.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("ledger:call-detail", args=[call.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="emergency-banner"' in page
    assert "matched 心绞痛: chest pain or a heart problem" in page
    assert Request.objects.filter(call=call).count() == 2


def test_empty_rows_are_skipped_and_a_row_without_description_is_refused(
    client: Client, community_a: Community, operator: User
) -> None:
    client.force_login(operator)
    response = post_call(client, "13812345678", [("groceries", "")])
    assert response.status_code == 200
    assert "say what is needed" in response.content.decode()
    assert not Call.objects.exists()


def test_unknown_category_is_refused(
    client: Client, community_a: Community, operator: User
) -> None:
    client.force_login(operator)
    data = {
        "caller_number": "13812345678",
        "kind": "request",
        "r-TOTAL_FORMS": "1",
        "r-INITIAL_FORMS": "0",
        "r-0-category": "99999",
        "r-0-description": "x",
    }
    response = client.post(reverse("ledger:desk"), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Request.objects.exists()


def test_recording_the_120_call(client: Client, community_a: Community, operator: User) -> None:
    client.force_login(operator)
    item = make_request(community_a, operator, code="medicine", description="呼吸困难").request
    client.post(reverse("ledger:request-action", args=[item.pk, "call120"]))
    item.refresh_from_db()
    assert item.emergency_call_at is not None
    page = client.get(reverse("ledger:request-detail", args=[item.pk])).content.decode()
    assert 'data-testid="call120-done"' in page


def test_transition_not_allowed_is_explained(
    client: Client, community_a: Community, worker_a: User
) -> None:
    client.force_login(worker_a)
    item = make_request(community_a, worker_a).request
    response = client.post(reverse("ledger:request-action", args=[item.pk, "confirm"]), follow=True)
    assert "Status: cannot call back on a request that is New" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "new"


def test_other_communitys_request_is_not_found(
    client: Client, community_a: Community, community_b: Community, worker_a: User
) -> None:
    theirs = make_request(community_b, make_user(Role.WORKER, community_b)).request
    client.force_login(worker_a)
    assert client.get(reverse("ledger:request-detail", args=[theirs.pk])).status_code == 404
    assert (
        client.post(reverse("ledger:request-action", args=[theirs.pk, "claim"])).status_code == 404
    )


def test_volunteer_sees_only_what_is_handed_to_them(
    client: Client, community_a: Community, worker_a: User
) -> None:
    from linli.ledger import actions

    volunteer = make_user(Role.VOLUNTEER, community_a)
    mine = actions.do_assign(
        make_request(community_a, worker_a).request, actor=worker_a, assignee=volunteer
    )
    other = make_request(community_a, worker_a, code="meals").request
    client.force_login(volunteer)
    # Not handed to them: out of their reach, as another community's (404, nothing shown).
    refused = client.get(reverse("ledger:request-detail", args=[other.pk]))
    assert refused.status_code == 404
    assert other.tracking_code not in refused.content.decode()
    assert client.get(reverse("ledger:desk")).status_code == 403
    home = client.get(reverse("core:home")).content.decode()
    assert reverse("ledger:request-detail", args=[mine.pk]) in home
    client.post(reverse("ledger:request-action", args=[mine.pk, "start"]))
    client.post(reverse("ledger:request-action", args=[mine.pk, "complete"]), {"result": "已送达"})
    mine.refresh_from_db()
    assert mine.status == "done"
    assert (
        client.post(reverse("ledger:request-action", args=[mine.pk, "cancel"])).status_code == 403
    )


def test_contact_phone_is_masked_until_a_logged_reveal(
    client: Client, community_a: Community, worker_a: User
) -> None:
    from linli.core.models import PiiAccess
    from linli.ledger import actions
    from tests.ledger.factories import make_category

    item = actions.do_open_request(
        community_a, actor=worker_a, channel="hotline", category=make_category(),
        description="买菜", contact_phone="13812345678",
    ).request  # fmt: skip
    client.force_login(worker_a)
    page = client.get(reverse("ledger:request-detail", args=[item.pk])).content.decode()
    assert "138****5678" in page and "13812345678" not in page
    page = client.post(reverse("ledger:request-detail", args=[item.pk])).content.decode()
    assert "13812345678" in page
    assert PiiAccess.objects.get().fields == "phone"
    assert "13812345678" not in client.get(reverse("ledger:ledger")).content.decode()


def test_a_caller_number_that_is_no_phone_number_is_refused_by_its_field(
    client: Client, community_a: Community, operator: User
) -> None:
    client.force_login(operator)
    response = post_call(client, "12ab", [("groceries", "买菜")])
    assert response.status_code == 200
    assert response.context["form"].errors["caller_number"] == ["12ab is not a phone number"]
    assert 'data-testid="error-caller_number"' in response.content.decode()
    assert not Call.objects.exists()
    assert not Request.objects.exists()


def test_a_caller_number_is_kept_in_its_national_form(
    client: Client, community_a: Community, operator: User
) -> None:
    client.force_login(operator)
    assert post_call(client, "+86 138-1234-5678", [("groceries", "买菜")]).status_code == 302
    assert Call.objects.get().caller_number == "13812345678"


def test_a_local_landline_without_its_area_code_is_taken_as_dialled(
    client: Client, community_a: Community, operator: User
) -> None:
    client.force_login(operator)
    assert post_call(client, "62345678", [("groceries", "买菜")]).status_code == 302
    assert Call.objects.get().caller_number == "62345678"


def test_a_request_call_with_every_row_empty_is_refused(
    client: Client, community_a: Community, operator: User
) -> None:
    client.force_login(operator)
    response = post_call(client, "13812345678", [], notes="问了问核酸时间")
    assert response.status_code == 200
    assert response.context["form"].errors["kind"] == [
        "A call of kind Request needs at least one request: fill in a request below, or choose "
        "another kind of call."
    ]
    assert "Kind of call: A call of kind Request needs" in response.content.decode()
    assert not Call.objects.exists()
    # The same call as an enquiry is saved as it is.
    assert post_call(client, "13812345678", [], kind="enquiry").status_code == 302
    assert Call.objects.get().kind == "enquiry"


def test_an_urgency_changed_without_a_reason_is_shown_by_its_row(
    client: Client, community_a: Community, operator: User
) -> None:
    client.force_login(operator)
    # Row 0 left empty: the draft refused is the second one, typed in the third row.
    response = post_call(
        client,
        "13812345678",
        [("", ""), ("groceries", "买菜"), ("groceries", "买米")],
        **{"r-2-urgency": "urgent"},
    )
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows.forms[2].errors["urgency_reason"] == ["say why the urgency differs"]
    assert not rows.forms[1].errors
    assert not response.context["form"].errors
    html = response.content.decode()
    assert "Why this urgency: say why the urgency differs" in html
    assert "urgency_reason:" not in html  # no field name of the code on the page
    assert not Call.objects.exists()
    assert not Request.objects.exists()
