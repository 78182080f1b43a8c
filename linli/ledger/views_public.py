"""The residents' public pages: no login, reached by a community's link or QR code.

- the self-service request form (`/r/<community code>/`), which opens a request through the one
  action that opens requests, `do_open_request`;
- request tracking (`/r/track/`): tracking code plus the last four digits of the phone;
- visit-pass verification (`/r/pass/<code>/`) for checkpoints.

These pages serve anonymous visitors, so they cannot go through `scoped`: each one reads a single
row by a secret (a community's public code, a tracking code with the phone's tail, a pass code)
and shows no personal data at all. Writes and look-ups are rate-limited per IP (and the form per
phone number) through `linli.lib.ratelimit`.
"""

import json
import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from linli.core.access import PUBLIC, access
from linli.core.actions import client_ip
from linli.core.models import Community
from linli.core.policy import SYSTEM, VISITOR
from linli.ledger.actions import DEFAULT_HOURS, do_add_note, do_open_request
from linli.ledger.forms_public import PublicRequestForm, TrackForm
from linli.ledger.models import Category, Channel, Request, Urgency, VisitPass
from linli.ledger.taxonomy import category_by_code, rule_hours
from linli.ledger.triage import SIGNS, advice, assess, questions
from linli.lib import ratelimit
from linli.people import phones

# name → (hits allowed, per how many seconds). Override any of them in settings with
# LINLI_PUBLIC_FORM_LIMITS = {"ip": (10, 3600)}; the others keep their defaults.
DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "ip": (5, 3600),  # requests sent from one IP address
    # Requests sent for one phone number: beyond it a request still goes in (junk sent with a
    # resident's number must not silence the resident), marked for the desk to check by a call.
    "phone": (3, 3600),
    "track_ip": (20, 3600),  # tracking look-ups from one IP address
    # Unknown pass codes tried from one IP address: a checkpoint checks many real passes and
    # mistypes a few, a whole checkpoint may share one address, and only someone guessing codes
    # (one in 31⁸) keeps missing: the ceiling sits far above a checkpoint's honest misses.
    "pass_miss_ip": (300, 3600),
    # Unknown tracking codes asked of Open311 without a key, from one IP address (a tracking
    # code there needs no phone tail, so guessing is braked as for passes).
    "token_miss_ip": (300, 3600),
    # Live triage of the form's description, asked as the resident types (debounced).
    "triage_ip": (600, 3600),
}
SUBMITTED_KEY = "linli_public_submitted"
SUBMITTED_SECONDS = 3600

TOO_MANY = _(
    "Too many requests have been sent from here. Nothing was registered: please try again in "
    "an hour, or call your community. In an emergency call 120."
)
MANY_FOR_PHONE = _(
    "More requests than usual were sent with this phone number within an hour: check with a "
    "call that this one is the resident's own."
)
TOO_MANY_LOOKUPS = _("Too many look-ups from here. Please try again in an hour.")


def limits() -> dict[str, tuple[int, int]]:
    configured: dict[str, tuple[int, int]] = getattr(settings, "LINLI_PUBLIC_FORM_LIMITS", {})
    return {**DEFAULT_LIMITS, **configured}


def visitor_address(request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def _allowed(name: str, subject: str) -> bool:
    limit, window = limits()[name]
    return ratelimit.hit(f"public:{name}:{subject}", limit, window)


def in_both_languages(message: str | Promise) -> list[tuple[str, str]]:
    """(language code, text) of `message` in the visitor's language first, then in the others;
    the same text twice (a language without its translation yet) shows once."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    codes = [current, *(code for code, _name in settings.LANGUAGES if code != current)]
    texts: list[tuple[str, str]] = []
    for code in codes:
        with translation.override(code):
            text = str(message)
        if all(text != seen for _code, seen in texts):
            texts.append((code, text))
    return texts


def _too_many(request: HttpRequest, message: Promise, window: int) -> HttpResponse:
    response = render(
        request,
        "ledger/public/too_many.html",
        {"messages_both": in_both_languages(message)},
        status=429,
    )
    response["Retry-After"] = str(window)
    return response


def _render_in(
    time_zone: str,
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    """Render with times in the community's own time zone."""
    try:
        zone = zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    with timezone.override(zone):
        return render(request, template, context, status=status)


# The request form -------------------------------------------------------------------------------


@access(PUBLIC)
@never_cache
@require_http_methods(["GET", "POST"])
def request_form(request: HttpRequest, community_code: str) -> HttpResponse:
    community = get_object_or_404(Community, code=community_code)
    form = PublicRequestForm(
        request.POST or None,
        live_triage=reverse("public:request-triage", args=[community.code]),
    )
    if request.method == "POST" and form.is_valid():
        phone: str = form.cleaned_data["phone"]
        if not _allowed("ip", visitor_address(request)):
            return _too_many(request, TOO_MANY, limits()["ip"][1])
        many_for_phone = not _allowed("phone", phone)
        household, _resident = phones.caller(community, phone)
        try:
            with transaction.atomic():  # the request and its note: one write, not two
                opened = do_open_request(
                    community,
                    actor=VISITOR,
                    channel=Channel.ONLINE,
                    category=form.cleaned_data["category"],
                    description=form.cleaned_data["description"],
                    household=household,
                    contact_phone=phone,
                    address_text=form.cleaned_data["room"],
                    answers=form.answers(),
                )
                if many_for_phone:
                    do_add_note(opened.request, actor=SYSTEM, note=str(MANY_FOR_PHONE))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            # Whether to say "call 120" is read from the words alone: the request's own urgency
            # knows the register, and whoever has the phone number sees this page.
            words = assess(
                form.cleaned_data["description"],
                form.cleaned_data["category"].code,
                form.cleaned_data["category"].default_urgency,
                [],
                form.answers(),
            )
            response = redirect("public:request-submitted", community_code=community.code)
            # In a signed cookie, not the session: a session would be a second write (and a
            # row) for every anonymous request, and each write waits its turn behind an import.
            response.set_signed_cookie(
                SUBMITTED_KEY,
                json.dumps(
                    {
                        "community": community.code,
                        "code": opened.request.tracking_code,
                        "emergency": words.urgency == Urgency.EMERGENCY,
                    }
                ),
                salt=SUBMITTED_KEY,
                max_age=SUBMITTED_SECONDS,
                path=reverse("public:request-submitted", args=[community.code]),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
            return response
    return _render_in(
        community.time_zone,
        request,
        "ledger/public/request_form.html",
        {"community": community, "form": form},
    )


EMERGENCY_HINT = _(
    "This sounds like an emergency. Call 120 now: this form is read by community staff, "
    "not by an ambulance."
)


@access(PUBLIC)
@never_cache
@require_POST
def request_triage(request: HttpRequest, community_code: str) -> HttpResponse:
    """Whether the description typed so far is an emergency, from its words alone: the
    register is not read for an anonymous visitor, and nothing is stored."""
    community = get_object_or_404(Community, code=community_code)
    if not _allowed("triage_ip", visitor_address(request)):
        return HttpResponse(status=429)
    category = category_by_code(request.POST.get("category", "")) or category_by_code("other")
    assert category is not None  # noqa: S101 - the seeded taxonomy always has "other"
    answers = questions.cleaned(
        {q: request.POST.get(q) for q in questions.LIFE_QUESTIONS}, lenient=True
    )
    result = assess(
        request.POST.get("description", "")[:1000],
        category.code,
        category.default_urgency,
        [],
        answers,
    )
    emergency = result.urgency == Urgency.EMERGENCY
    signs = dict.fromkeys(str(SIGNS[s]) for s in result.emergency_signs if s in SIGNS)
    return _render_in(
        community.time_zone,
        request,
        "ledger/public/_triage_hint.html",
        {
            "emergency": emergency,
            "signs": list(signs),
            "messages_both": in_both_languages(EMERGENCY_HINT) if emergency else [],
            "advice": advice(result) if emergency else [],
        },
    )


@access(PUBLIC)
@never_cache
def request_submitted(request: HttpRequest, community_code: str) -> HttpResponse:
    """The tracking code of the request this browser just sent (kept in a signed cookie for
    an hour, so a reload shows it again instead of sending the request twice)."""
    community = get_object_or_404(Community, code=community_code)
    try:
        sent = json.loads(
            request.get_signed_cookie(SUBMITTED_KEY, salt=SUBMITTED_KEY, max_age=SUBMITTED_SECONDS)
            or ""
        )
    except (KeyError, signing.BadSignature, ValueError):
        sent = None
    if not isinstance(sent, dict) or sent.get("community") != community.code:
        return redirect("public:request-form", community_code=community.code)
    return render(
        request,
        "ledger/public/submitted.html",
        {
            "community": community,
            "tracking_code": sent["code"],
            "emergency": bool(sent.get("emergency")),
        },
    )


# Tracking ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """All that tracking tells: no name, phone, address or description."""

    status: str
    category: str
    registered: datetime
    # The category's usual time, never the request's deadline: triage shortens that from the
    # register (a chemotherapy household's groceries come sooner), and this page is public.
    usually_within: str
    last_update: datetime
    merged: bool
    # What came of it, in fixed words: the worker's own result may name people or rooms.
    outcome: str = ""


OUTCOMES = {
    Request.Status.NEW: _("Registered: the community will hand it to someone soon."),
    Request.Status.ASSIGNED: _("Someone of the community has it in hand."),
    Request.Status.IN_PROGRESS: _("Being done now."),
    Request.Status.DONE: _("Done. The community will call you to check that it was."),
    Request.Status.CONFIRMED: _("Done, and confirmed with you by a call."),
    Request.Status.CANCELLED: _(
        "Closed without being done (for example, no longer needed). If you still need it, send"
        " the form again or call the community."
    ),
}


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


def _phone_tail_matches(request: Request, tail: str) -> bool:
    known = [request.contact_phone]
    if request.resident is not None:
        known.append(request.resident.phone)
    if request.household is not None:
        known.append(request.household.phone)
    return phones.tail_matches(known, tail)


def usual_window(category: Category) -> str:
    """How long requests of `category` usually take: "within 4 hours", "within a day" …"""
    hours = float(
        rule_hours(category.pk, category.default_urgency)
        or DEFAULT_HOURS[Urgency(category.default_urgency)]
    )
    if hours < 24:
        return ngettext("within %(n)s hour", "within %(n)s hours", round(hours)) % {
            "n": round(hours) or 1
        }
    if hours == 24:
        return str(_("within a day"))
    days = round(hours / 24)
    return ngettext("within %(n)s day", "within %(n)s days", days) % {"n": days}


def find_progress(code: str, tail: str) -> tuple[Progress, str] | None:
    """The progress of the request with this tracking code (and its community's time zone),
    or None when there is none or the phone's tail does not match: the two look the same."""
    found = (
        Request.objects.select_related("category", "community", "resident", "household")
        .filter(tracking_code=code)
        .first()
    )
    if found is None or not _phone_tail_matches(found, tail):
        return None
    # A duplicate merged into another request goes on as that one: show the one that goes on.
    target, hops = found, 0
    while target.status == Request.Status.MERGED and target.merged_into_id and hops < 5:
        target = Request.objects.select_related("category").get(pk=target.merged_into_id)
        hops += 1
    last = target.events.aggregate(last=Max("at"))["last"] or target.created_at
    progress = Progress(
        status=target.get_status_display(),
        category=str(found.category),
        registered=found.created_at,
        usually_within=usual_window(target.category),
        last_update=last,
        merged=target.pk != found.pk,
        outcome=str(OUTCOMES.get(Request.Status(target.status), "")),
    )
    return progress, found.community.time_zone


@access(PUBLIC)
@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = TrackForm(request.POST)
        if not _allowed("track_ip", visitor_address(request)):
            return _too_many(request, TOO_MANY_LOOKUPS, limits()["track_ip"][1])
    else:
        form = TrackForm(initial={"code": request.GET.get("code", "")[:20]})
    context: dict[str, Any] = {"form": form, "progress": None, "not_found": False}
    time_zone = settings.TIME_ZONE
    if request.method == "POST" and form.is_valid():
        found = find_progress(form.cleaned_data["code"], form.cleaned_data["phone_tail"])
        if found is None:
            context["not_found"] = True
        else:
            context["progress"], time_zone = found
    return _render_in(time_zone, request, "ledger/public/track.html", context)


# Visit-pass verification ------------------------------------------------------------------------


def pass_state(visit_pass: VisitPass, now: datetime) -> str:
    if visit_pass.revoked_at is not None:
        return "revoked"
    if now < visit_pass.valid_from:
        return "not_yet"
    if now > visit_pass.valid_until:
        return "expired"
    return "valid"


@access(PUBLIC)
@never_cache
def verify_pass(request: HttpRequest, code: str) -> HttpResponse:
    """For a checkpoint: valid or not, and the window. No name, no destination."""
    limit, window = limits()["pass_miss_ip"]
    misses = f"public:pass_miss_ip:{visitor_address(request)}"
    if ratelimit.exhausted(misses, limit, window):
        return _too_many(request, TOO_MANY_LOOKUPS, window)
    visit_pass = (
        VisitPass.objects.select_related("request__community")
        .filter(code=code.strip().upper())
        .first()
    )
    if visit_pass is None:
        ratelimit.hit(misses, limit, window)
        return render(request, "ledger/public/pass_unknown.html", status=404)
    return _render_in(
        visit_pass.request.community.time_zone,
        request,
        "ledger/public/pass_verify.html",
        {
            "code": visit_pass.code,
            "state": pass_state(visit_pass, timezone.now()),
            "valid_from": visit_pass.valid_from,
            "valid_until": visit_pass.valid_until,
        },
    )
