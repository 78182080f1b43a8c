"""Public tracking: a tracking code and the phone's last four digits show the progress, and
nothing else; a wrong guess looks exactly like a code that does not exist."""

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.conf import LazySettings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.core.models import Community, User
from linli.ledger.actions import do_claim, do_merge
from linli.ledger.models import Request
from tests.factories import make_resident
from tests.ledger.factories import make_online_request, make_request, visitor

NOT_FOUND = "No request matches this tracking code and phone number."


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def track(browser: Client, code: str, tail: str) -> str:
    response = browser.post(reverse("public:track"), {"code": code, "phone_tail": tail})
    assert response.status_code == 200
    return response.content.decode()


def not_found_notice(body: str) -> str:
    match = re.search(r'<p[^>]*data-testid="track-not-found"[^>]*>.*?</p>', body, re.S)
    assert match is not None
    return match.group(0)


def test_the_right_code_and_phone_tail_show_the_progress_and_no_personal_data(
    community_a: Community,
) -> None:
    request = make_online_request(
        community_a, phone="13900001111", description="需要胰岛素 for my father"
    )
    make_resident(community_a, name="王秀英", phone="13900001111")

    body = track(visitor(), request.tracking_code, "1111")

    assert 'data-testid="track-result"' in body
    assert "<strong>New</strong>" in body
    assert "Groceries" in body
    assert timezone.localtime(request.created_at).strftime("%Y-%m-%d %H:%M") in body
    assert 'usually-within">within a day<' in body  # the category's window, not the deadline
    for private in ("胰岛素", "for my father", "13900001111", "3号楼502室", "王秀英"):
        assert private not in body
    assert NOT_FOUND not in body


def test_a_wrong_phone_tail_looks_exactly_like_an_unknown_code(community_a: Community) -> None:
    request = make_online_request(community_a, phone="13900001111")
    browser = visitor()

    wrong_tail = track(browser, request.tracking_code, "1112")
    unknown_code = track(browser, "ZZZZ9999", "1111")

    for body in (wrong_tail, unknown_code):
        assert NOT_FOUND in body
        assert 'data-testid="track-result"' not in body
        assert "Groceries" not in body
    assert not_found_notice(wrong_tail) == not_found_notice(unknown_code)


def test_the_code_may_be_typed_in_lower_case_with_spaces(community_a: Community) -> None:
    request = make_online_request(community_a)
    code = request.tracking_code
    typed = f"{code[:4].lower()} {code[4:].lower()}"

    assert 'data-testid="track-result"' in track(visitor(), typed, "1111")


def test_a_hotline_request_is_tracked_with_the_residents_phone(
    community_a: Community, worker_a: User
) -> None:
    resident = make_resident(community_a, phone="13812345678")
    request = make_request(community_a, worker_a, resident=resident).request

    assert 'data-testid="track-result"' in track(visitor(), request.tracking_code, "5678")
    assert NOT_FOUND in track(visitor(), request.tracking_code, "1111")


def test_the_last_update_and_status_follow_the_timeline(
    community_a: Community, worker_a: User
) -> None:
    registered = timezone.now().replace(microsecond=0) - timedelta(hours=3)
    with time_machine.travel(registered, tick=False):
        request = make_online_request(community_a)
    claimed = registered + timedelta(hours=1, minutes=7)
    with time_machine.travel(claimed, tick=False):
        do_claim(request.pk, actor=worker_a)

    body = track(visitor(), request.tracking_code, "1111")

    assert "<strong>Assigned</strong>" in body
    assert f"<dd>{timezone.localtime(claimed):%Y-%m-%d %H:%M}</dd>" in body


def test_a_merged_duplicate_shows_the_progress_of_the_request_it_joined(
    community_a: Community, worker_a: User
) -> None:
    first = make_online_request(community_a)
    duplicate = make_online_request(community_a)
    do_claim(first.pk, actor=worker_a)
    do_merge(duplicate, into=first, actor=worker_a)

    body = track(visitor(), duplicate.tracking_code, "1111")

    assert "<strong>Assigned</strong>" in body
    assert "joined with another request" in body


def test_tracking_is_rate_limited_per_ip(settings: LazySettings, community_a: Community) -> None:
    settings.LINLI_PUBLIC_FORM_LIMITS = {"track_ip": (3, 3600)}
    request = make_online_request(community_a)
    browser = visitor(ip="198.51.100.77")
    for tail in ("0001", "0002", "0003"):
        track(browser, request.tracking_code, tail)

    refused = browser.post(
        reverse("public:track"), {"code": request.tracking_code, "phone_tail": "1111"}
    )
    elsewhere = visitor(ip="198.51.100.78").post(
        reverse("public:track"), {"code": request.tracking_code, "phone_tail": "1111"}
    )

    assert refused.status_code == 429
    assert "Too many look-ups" in refused.content.decode()
    assert "Groceries" not in refused.content.decode()
    assert elsewhere.status_code == 200


def test_the_tracking_page_prefills_the_code_from_the_link(community_a: Community) -> None:
    body = visitor().get(reverse("public:track"), {"code": "ABCD2345"}).content.decode()

    assert 'value="ABCD2345"' in body
    assert Request.objects.count() == 0


def test_a_phone_tail_must_be_four_digits(db: None) -> None:
    response = visitor().post(reverse("public:track"), {"code": "ABCD2345", "phone_tail": "12a"})

    assert list(response.context["form"].errors) == ["phone_tail"]
    assert NOT_FOUND not in response.content.decode()


def test_the_tracking_page_tells_nothing_that_the_register_adds(community_a: Community) -> None:
    """The same groceries request from a chemotherapy household's phone and from an unknown
    phone: triage gives the first a shorter deadline, but the tracking page shows both alike,
    with the category's usual window and no deadline (it would tell someone's health)."""
    from datetime import date

    from linli.people.models import Vulnerability

    patient = make_resident(community_a, "赵化疗", phone="13911112222", born=date(1960, 1, 1))
    Vulnerability.objects.create(
        community=community_a, resident=patient, kind="chemo", since=date(2026, 1, 1)
    )
    known = make_online_request(community_a, phone="13911112222")
    known.household = patient.household
    known.save(update_fields=["household"])
    unknown = make_online_request(community_a, phone="13922223333")
    assert known.deadline != unknown.deadline  # the register shortened the first one

    def shown(body: str) -> str:
        section = re.search(r'data-testid="track-result".*?</dl>', body, re.S)
        assert section is not None
        return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "<time>", section.group(0))

    first = track(visitor(), known.tracking_code, "2222")
    second = track(visitor(ip="203.0.113.8"), unknown.tracking_code, "3333")
    assert shown(first) == shown(second)
    for request in (known, unknown):
        local = timezone.localtime(request.deadline).strftime("%Y-%m-%d %H:%M")
        assert local not in first + second
    assert 'usually-within">within a day<' in first


def test_tracking_says_what_came_of_it_in_fixed_words_never_the_worker_s_result(
    community_a: Community, worker_a: User
) -> None:
    from linli.ledger.actions import do_complete

    request = make_online_request(community_a)
    claimed = do_claim(request.pk, actor=worker_a)
    assert claimed is not None
    do_complete(claimed, actor=worker_a, result="放在3号楼502王秀英家门口")

    body = track(visitor(), request.tracking_code, "1111")

    assert "The community will call you to check" in body
    assert "王秀英" not in body and "502" not in body
