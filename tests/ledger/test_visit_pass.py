"""外出就医证明: issued by staff for medical requests only, printed on A5 with the identity
number masked (and the look logged), verified publicly without any personal data."""

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.core.models import Community, PiiAccess, User
from linli.core.roles import Role
from linli.ledger.models import Request, RequestEvent, VisitPass
from linli.people.models import Resident
from tests.factories import make_resident, make_user
from tests.ledger.factories import make_medical_request, make_request, make_visit_pass, visitor

ID_NUMBER = "310101199001011237"


@pytest.fixture
def resident_a(community_a: Community) -> Resident:
    return make_resident(community_a, name="李淑珍", id_number=ID_NUMBER)


@pytest.fixture
def staff(worker_a: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(worker_a)
    return client


def issue_url(request: Request) -> str:
    return reverse("ledger:request-pass", args=[request.pk])


def print_url(code: str) -> str:
    return reverse("ledger:pass-print", args=[code])


def verify_url(code: str) -> str:
    return reverse("public:pass-verify", args=[code])


def window(hours_from_now: float, hours: float = 8) -> dict[str, str]:
    start = timezone.localtime() + timedelta(hours=hours_from_now)
    return {
        "valid_from": f"{start:%Y-%m-%dT%H:%M}",
        "valid_until": f"{start + timedelta(hours=hours):%Y-%m-%dT%H:%M}",
    }


def test_a_worker_issues_a_pass_for_a_medical_request(
    staff: Client, community_a: Community, worker_a: User, resident_a: Resident
) -> None:
    request = make_medical_request(community_a, worker_a, resident_a)

    form = staff.get(issue_url(request))
    issued = staff.post(issue_url(request), {"destination": "瑞金医院 血透室", **window(0)})

    assert form.status_code == 200
    assert 'data-testid="pass-form"' in form.content.decode()
    visit_pass = VisitPass.objects.get()
    assert (visit_pass.request, visit_pass.issued_by) == (request, worker_a)
    assert visit_pass.destination == "瑞金医院 血透室"
    assert visit_pass.valid_until - visit_pass.valid_from == timedelta(hours=8)
    assert issued.status_code == 302
    assert issued["Location"] == print_url(visit_pass.code)
    assert request.events.filter(kind=RequestEvent.Kind.PASS).count() == 1


def test_a_pass_is_issued_only_for_medical_requests(
    staff: Client, community_a: Community, worker_a: User, resident_a: Resident
) -> None:
    groceries = make_request(community_a, worker_a, resident=resident_a).request

    form = staff.get(issue_url(groceries))
    refused = staff.post(issue_url(groceries), {"destination": "瑞金医院", **window(0)})

    assert 'data-testid="pass-not-medical"' in form.content.decode()
    assert 'data-testid="pass-form"' not in form.content.decode()
    assert refused.status_code == 200
    assert "a visit pass is for medical requests" in refused.content.decode()
    assert not VisitPass.objects.exists()


def test_a_pass_longer_than_three_days_is_refused(
    staff: Client, community_a: Community, worker_a: User, resident_a: Resident
) -> None:
    request = make_medical_request(community_a, worker_a, resident_a)

    response = staff.post(issue_url(request), {"destination": "瑞金医院", **window(0, hours=80)})

    assert list(response.context["form"].errors) == ["valid_until"]
    assert not VisitPass.objects.exists()


def test_the_print_page_shows_the_masked_identity_number_and_logs_the_look(
    staff: Client, community_a: Community, worker_a: User, resident_a: Resident
) -> None:
    visit = make_visit_pass(make_medical_request(community_a, worker_a, resident_a), worker_a)

    response = staff.get(print_url(visit.code))

    body = response.content.decode()
    assert response.status_code == 200
    assert "310***********1237" in body
    assert ID_NUMBER not in body
    assert "李淑珍" in body
    assert community_a.name in body
    assert "瑞金医院 血透室" in body
    assert visit.code in body
    assert f"http://testserver/r/pass/{visit.code}/" in body
    stylesheet = finders.find("ledger/pass.css")
    assert "ledger/pass.css" in body
    assert stylesheet is not None and "size: A5" in Path(stylesheet).read_text()  # A5 paper
    access = PiiAccess.objects.get()
    assert (access.user, access.community) == (worker_a, community_a)
    assert access.subject_type == ContentType.objects.get_for_model(Resident)
    assert access.subject_id == resident_a.pk
    assert access.fields == "name,id_number"
    assert access.path == print_url(visit.code)


def test_every_print_is_logged(
    staff: Client, community_a: Community, worker_a: User, resident_a: Resident
) -> None:
    visit = make_visit_pass(make_medical_request(community_a, worker_a, resident_a), worker_a)

    staff.get(print_url(visit.code))
    staff.get(print_url(visit.code))

    assert PiiAccess.objects.count() == 2


def test_another_communitys_worker_gets_404_on_the_pass_pages(
    community_a: Community, community_b: Community, worker_a: User, resident_a: Resident
) -> None:
    request = make_medical_request(community_a, worker_a, resident_a)
    visit = make_visit_pass(request, worker_a)
    outsider = Client()
    outsider.force_login(make_user(Role.WORKER, community_b))

    responses = [
        outsider.get(issue_url(request)),
        outsider.post(issue_url(request), {"destination": "x", **window(0)}),
        outsider.get(print_url(visit.code)),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert VisitPass.objects.count() == 1
    assert not PiiAccess.objects.exists()


def test_roles_that_do_not_work_the_ledger_cannot_issue_or_print(
    community_a: Community, worker_a: User, resident_a: Resident
) -> None:
    request = make_medical_request(community_a, worker_a, resident_a)
    visit = make_visit_pass(request, worker_a)
    volunteer = Client()
    volunteer.force_login(make_user(Role.VOLUNTEER, community_a))

    assert volunteer.get(issue_url(request)).status_code == 403
    assert volunteer.get(print_url(visit.code)).status_code == 403
    assert not PiiAccess.objects.exists()


def test_an_operator_and_a_doctor_may_issue(
    community_a: Community, worker_a: User, resident_a: Resident
) -> None:
    request = make_medical_request(community_a, worker_a, resident_a)
    for role in (Role.OPERATOR, Role.DOCTOR):
        client = Client()
        client.force_login(make_user(role, community_a))
        assert client.get(issue_url(request)).status_code == 200


def test_the_pass_pages_need_a_login(
    community_a: Community, worker_a: User, resident_a: Resident
) -> None:
    request = make_medical_request(community_a, worker_a, resident_a)
    visit = make_visit_pass(request, worker_a)

    for url in (issue_url(request), print_url(visit.code)):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_verification_says_valid_without_name_or_destination(
    community_a: Community, worker_a: User, resident_a: Resident
) -> None:
    visit = make_visit_pass(make_medical_request(community_a, worker_a, resident_a), worker_a)

    response = visitor().get(verify_url(visit.code.lower()))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="pass-state">Valid<' in body
    assert f"{timezone.localtime(visit.valid_until):%Y-%m-%d %H:%M}" in body
    for private in ("李淑珍", "瑞金医院", ID_NUMBER, "310***", community_a.name):
        assert private not in body


def test_verification_says_expired_once_the_window_has_passed(
    community_a: Community, worker_a: User, resident_a: Resident
) -> None:
    visit = make_visit_pass(make_medical_request(community_a, worker_a, resident_a), worker_a)

    with time_machine.travel(visit.valid_until + timedelta(minutes=1)):
        body = visitor().get(verify_url(visit.code)).content.decode()

    assert "Not valid" in body
    assert "expired" in body


@pytest.mark.parametrize(
    ("starts_in", "lasts", "reason"),
    [
        (timedelta(days=-2), timedelta(hours=6), "expired"),
        (timedelta(hours=5), timedelta(hours=6), "not yet valid"),
    ],
)
def test_verification_of_passes_outside_their_window(
    community_a: Community,
    worker_a: User,
    resident_a: Resident,
    starts_in: timedelta,
    lasts: timedelta,
    reason: str,
) -> None:
    visit = make_visit_pass(
        make_medical_request(community_a, worker_a, resident_a),
        worker_a,
        starts_in=starts_in,
        lasts=lasts,
    )

    body = visitor().get(verify_url(visit.code)).content.decode()

    assert "Not valid" in body
    assert f"<small>{reason}</small>" in body
    assert 'data-testid="pass-state">Valid<' not in body


def test_verification_of_a_revoked_pass(
    community_a: Community, worker_a: User, resident_a: Resident
) -> None:
    visit = make_visit_pass(make_medical_request(community_a, worker_a, resident_a), worker_a)
    VisitPass.objects.filter(pk=visit.pk).update(revoked_at=timezone.now())

    body = visitor().get(verify_url(visit.code)).content.decode()

    assert "Not valid" in body
    assert "<small>revoked</small>" in body


def test_an_unknown_pass_code_is_not_valid(db: None) -> None:
    response = visitor().get(verify_url("0123456789"))

    assert response.status_code == 404
    assert "Not valid" in response.content.decode()


def test_the_print_page_carries_the_qr_code_of_the_verification_link(
    staff: Client, community_a: Community, worker_a: User, resident_a: Resident
) -> None:
    import segno

    visit = make_visit_pass(make_medical_request(community_a, worker_a, resident_a), worker_a)

    body = staff.get(print_url(visit.code)).content.decode()

    link = f"http://testserver/r/pass/{visit.code}/"
    assert segno.make(link, error="m").svg_inline(scale=3, border=2) in body
    assert 'data-testid="pass-qr"' in body
