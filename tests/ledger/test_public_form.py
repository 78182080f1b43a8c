"""The residents' self-service form: no login, Chinese or English, rate-limited."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.conf import LazySettings
from django.test import RequestFactory
from django.urls import reverse

from linli.core.models import Community
from linli.ledger.models import Channel, Request, RequestEvent, Urgency
from linli.ledger.views_public import visitor_address
from linli.lib import ratelimit
from tests.factories import make_resident
from tests.ledger.factories import form_data, form_url, visitor


def test_a_submission_opens_one_online_request_matched_to_the_household(
    community_a: Community,
) -> None:
    resident = make_resident(community_a, phone="13900001111")
    browser = visitor()

    sent = browser.post(form_url(community_a), form_data(phone="139-0000-1111"), follow=True)

    request = Request.objects.get()
    assert request.community == community_a
    assert request.channel == Channel.ONLINE
    assert request.household == resident.household
    assert request.created_by is None
    assert request.category.code == "groceries"
    assert (request.contact_phone, request.address_text) == ("13900001111", "3-502")
    assert request.description == "需要买菜：米和油 / rice and oil"
    assert list(request.events.values_list("kind", flat=True)) == [
        RequestEvent.Kind.CREATED,
        RequestEvent.Kind.TRIAGED,
    ]
    body = sent.content.decode()
    assert sent.redirect_chain == [
        (reverse("public:request-submitted", args=[community_a.code]), 302)
    ]
    assert f'data-testid="tracking-code">{request.tracking_code}<' in body
    assert "Keep this code." in body


def test_a_phone_unknown_to_the_register_still_opens_a_request_without_household(
    community_a: Community,
) -> None:
    visitor().post(form_url(community_a), form_data(phone="13711112222"))

    request = Request.objects.get()
    assert request.household is None
    assert request.contact_phone == "13711112222"


def test_reloading_the_confirmation_shows_the_code_again_without_sending_twice(
    community_a: Community,
) -> None:
    browser = visitor()
    browser.post(form_url(community_a), form_data())

    again = browser.get(reverse("public:request-submitted", args=[community_a.code]))

    assert Request.objects.count() == 1
    assert Request.objects.get().tracking_code in again.content.decode()


def test_the_confirmation_page_without_a_submission_leads_back_to_the_form(
    community_a: Community,
) -> None:
    response = visitor().get(reverse("public:request-submitted", args=[community_a.code]))

    assert response.status_code == 302
    assert response["Location"] == form_url(community_a)


def test_an_invalid_phone_is_an_error_on_the_phone_field_and_nothing_is_written(
    community_a: Community,
) -> None:
    response = visitor().post(form_url(community_a), form_data(phone="12345"))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["phone"]
    assert "12345 is not a phone number" in response.content.decode()
    assert not Request.objects.exists()


def test_room_and_what_is_needed_are_required(community_a: Community) -> None:
    response = visitor().post(form_url(community_a), form_data(room=" ", description=""))

    assert set(response.context["form"].errors) == {"room", "description"}
    assert not Request.objects.exists()


def test_an_english_browser_gets_english_labels_and_category_names(
    community_a: Community,
) -> None:
    body = visitor("en").get(form_url(community_a)).content.decode()

    assert '<html lang="en">' in body
    assert "Your phone number" in body
    assert "Building and room" in body
    assert ">Groceries<" in body
    assert "Call 120 first" in body


def test_a_chinese_browser_gets_chinese_category_names(community_a: Community) -> None:
    body = visitor("zh-hans").get(form_url(community_a)).content.decode()

    assert '<html lang="zh-hans">' in body
    assert ">生活物资<" in body


def test_an_unknown_community_code_is_not_found(db: None) -> None:
    assert visitor().get(reverse("public:request-form", args=["NOPE"])).status_code == 404


def test_over_five_requests_an_hour_from_one_ip_are_refused_with_429(
    community_a: Community,
) -> None:
    browser = visitor(ip="198.51.100.9")
    sent = [
        browser.post(form_url(community_a), form_data(phone=f"1390000{n:04d}")) for n in range(6)
    ]

    assert [r.status_code for r in sent] == [302] * 5 + [429]
    assert Request.objects.count() == 5
    refused = sent[-1]
    assert refused["Retry-After"] == "3600"
    assert "Nothing was registered" in refused.content.decode()


def test_junk_sent_with_a_residents_phone_does_not_silence_the_resident(
    community_a: Community,
) -> None:
    """Three requests from elsewhere with a resident's phone, then the resident's own: it still
    goes in, marked for the desk to check by a call (and so is any further one)."""
    sent = [
        visitor(ip=f"198.51.100.{n}").post(form_url(community_a), form_data()) for n in range(4)
    ]

    assert [r.status_code for r in sent] == [302, 302, 302, 302]
    assert Request.objects.count() == 4
    marked = RequestEvent.objects.filter(kind=RequestEvent.Kind.NOTE, actor=None)
    assert [e.request_id for e in marked] == [Request.objects.order_by("pk").last().pk]  # type: ignore[union-attr]
    assert "check with a call" in marked.get().note


def test_the_limits_come_from_settings(settings: LazySettings, community_a: Community) -> None:
    settings.LINLI_PUBLIC_FORM_LIMITS = {"ip": (1, 600)}
    browser = visitor()

    first = browser.post(form_url(community_a), form_data(phone="13900000001"))
    second = browser.post(form_url(community_a), form_data(phone="13900000002"))

    assert (first.status_code, second.status_code) == (302, 429)
    assert second["Retry-After"] == "600"
    assert Request.objects.count() == 1


def test_the_refusal_speaks_the_visitors_language(community_a: Community) -> None:
    browser = visitor("en")
    *_, response = [
        browser.post(form_url(community_a), form_data(phone=f"139 0000 11{n:02d}"))
        for n in range(6)
    ]

    body = response.content.decode()
    assert response.status_code == 429
    assert '<p class="notice bad" lang="en">Too many requests have been sent from here.' in body


def test_an_emergency_in_the_description_tells_the_resident_to_call_120(
    community_a: Community,
) -> None:
    sent = visitor().post(
        form_url(community_a),
        form_data(category="other", description="老伴胸痛，出冷汗"),
        follow=True,
    )

    assert Request.objects.get().urgency == Urgency.EMERGENCY
    body = sent.content.decode()
    assert 'data-testid="call-120"' in body
    assert "Call 120 now" in body


def test_the_emergency_category_tells_the_resident_to_call_120(
    community_a: Community,
) -> None:
    sent = visitor().post(
        form_url(community_a),
        form_data(category="emergency", description="please come"),
        follow=True,
    )

    assert "Call 120 now" in sent.content.decode()


def test_an_ordinary_request_does_not_speak_of_120_after_sending(
    community_a: Community,
) -> None:
    sent = visitor().post(form_url(community_a), form_data(), follow=True)

    assert 'data-testid="call-120"' not in sent.content.decode()


def test_the_form_needs_no_login(community_a: Community) -> None:
    response = visitor().get(form_url(community_a))

    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.content.decode()


# The counter ------------------------------------------------------------------------------------


def test_hit_allows_the_limit_then_refuses(db: None) -> None:
    answers = [ratelimit.hit("k", 3, 60) for _ in range(5)]

    assert answers == [True, True, True, False, False]
    assert ratelimit.hit("another key", 3, 60) is True


def test_hit_allows_again_once_the_window_has_passed(db: None) -> None:
    start = datetime(2026, 3, 2, 9, 0, 30, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        assert [ratelimit.hit("k", 2, 60) for _ in range(3)] == [True, True, False]
        clock.shift(timedelta(seconds=45))  # the next window, the last one still counting
        assert ratelimit.hit("k", 2, 60) is False
        clock.shift(timedelta(seconds=120))
        assert ratelimit.hit("k", 2, 60) is True


def test_behind_a_trusted_proxy_the_forwarded_address_counts(settings: LazySettings) -> None:
    factory = RequestFactory()
    forwarded = factory.get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.20"
    )

    assert visitor_address(forwarded) == "10.0.0.1"
    settings.LINLI_TRUSTED_PROXY_HOPS = 1
    assert visitor_address(forwarded) == "198.51.100.20"


def test_the_confirmation_speaks_of_120_from_the_words_alone_never_from_the_register(
    community_a: Community,
) -> None:
    """A dialysis patient's breathlessness is an emergency to the desk, which knows the register;
    the page that anyone with the phone number sees must not tell it."""
    from datetime import date

    from linli.people.models import Vulnerability

    patient = make_resident(community_a, "李透析", phone="13900001111", born=date(1958, 3, 1))
    Vulnerability.objects.create(
        community=community_a, resident=patient, kind="dialysis", since=date(2026, 1, 1)
    )
    browser = visitor()
    browser.post(
        form_url(community_a), form_data(category="other", description="这两天没去，喘得慌")
    )
    assert Request.objects.get().urgency == Urgency.EMERGENCY  # for the desk
    page = browser.get(reverse("public:request-submitted", args=[community_a.code]))
    assert 'data-testid="call-120"' not in page.content.decode()
    other = visitor(ip="203.0.113.9")
    other.post(form_url(community_a), form_data(phone="139 0000 2222", description="他喘不上气了"))
    page = other.get(reverse("public:request-submitted", args=[community_a.code]))
    assert 'data-testid="call-120"' in page.content.decode()
