import unicodedata
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.care.models import CarePlan, Contact
from linli.care.selectors import opens_plan, seat_candidates
from linli.core.access import PUBLIC, access, needs
from linli.core.forms import labelled_errors
from linli.core.http import AuthedRequest
from linli.core.models import Community, Team, User
from linli.core.policy import VISITOR, sees_full_numbers
from linli.core.roles import Cap
from linli.core.selectors import holders
from linli.ledger.models import Category
from linli.lib import ratelimit
from linli.lib.masking import mask_phone
from linli.lib.numbers import whole_number
from linli.lib.params import (
    QueryParams,
    posted_date,
    posted_datetime,
    posted_number,
    posted_time,
)
from linli.people.models import Household
from linli.people.selectors import residents_for
from linli.quarantine import actions, selectors
from linli.quarantine.actions import do_import_city_list
from linli.quarantine.apps import AT_THE_GATES, AT_THE_HOTELS, IN_QUARANTINE
from linli.quarantine.models import CHECKLIST, HealthCheck, HotelRoom, Reception, Traveller
from linli.quarantine.policy import HOTELS, QUARANTINES, RECEPTIONS, TRAVELLERS

at_the_gates = access(needs(*AT_THE_GATES))
in_quarantine = access(needs(*IN_QUARANTINE))
at_the_hotels = access(needs(*AT_THE_HOTELS))
manages = access(needs(Cap.PLAN_CARE, in_community=True))


def _pk(raw: str | None) -> int:
    """The id chosen in a form's list; 0 (no row) for anything else."""
    return whole_number(raw or "") or 0


def masked_name(name: str) -> str:
    return name[:1] + "*" * max(1, len(name) - 1)


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    return labelled_errors(exc, "quarantine", "people", "core")


def _in_one_line(exc: ValidationError) -> str:
    said = _errors(exc).items()
    return " ".join(f"{label}: {'; '.join(v)}" if label else "; ".join(v) for label, v in said)


# The gates ------------------------------------------------------------------------------------


@at_the_gates
def arrivals(request: AuthedRequest) -> HttpResponse:
    params = QueryParams(request)
    day = params.date("day") or timezone.localdate()
    flagged = request.GET.get("flagged") == "1"
    return render(
        request,
        "quarantine/arrivals.html",
        {
            "day": day,
            "yesterday": day - timedelta(days=1),
            "tomorrow": day + timedelta(days=1),
            "page": selectors.arrivals(request.user, day, params.page(), flagged_only=flagged),
            "counts": selectors.arrival_counts(request.user, day),
            "flagged": flagged,
            "may_add": request.user.community is not None
            and TRAVELLERS.may_create(request.user, request.user.community),
        },
        status=params.status,
    )


TRAVELLER_FIELDS = (
    "name",
    "sex",
    "id_type",
    "id_number",
    "nationality",
    "language",
    "transport",
    "origin",
    "phone",
    "notes",
    "address_given",
)


def _household_at(community: Community, data: Any) -> tuple[Any, str]:
    """The register's household at the building, unit and room typed, or what is wrong: one
    query for this address, not the community's whole address book (the city list's)."""
    typed = {k: unicodedata.normalize("NFKC", data.get(k, "")).strip() for k in
             ("compound", "building", "unit", "room")}  # fmt: skip
    if not typed["building"]:
        return None, ""
    found = Household.objects.filter(
        community=community,
        room__number=typed["room"],
        room__unit__number=typed["unit"] or "1",
        room__unit__building__number=typed["building"],
    )
    if typed["compound"]:
        found = found.filter(room__unit__building__compound__name=typed["compound"])
    household = found.order_by("pk").first()
    if household is None:
        return None, _("no household of this community at this address")
    return household, ""


@manages
def traveller_new(request: AuthedRequest) -> HttpResponse:
    community = request.user.community
    assert community is not None  # noqa: S101 - the policy admits community staff only
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = request.POST
        household, wrong = _household_at(community, data)
        if wrong:
            errors[_("Room")] = [wrong]
        else:
            values: dict[str, Any] = {k: data.get(k, "") for k in TRAVELLER_FIELDS}
            try:
                traveller = actions.do_add_traveller(
                    community,
                    actor=request.user,
                    household=household,
                    arrives_at=posted_datetime(data, "arrives_at"),
                    date_of_birth=posted_date(data, "date_of_birth"),
                    **values,
                )
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(
                    request,
                    _("%(name)s is expected; the reception is with the %(shift)s.")
                    % {"name": traveller.name, "shift": traveller.reception.get_shift_display()},
                )
                return redirect("quarantine:traveller", traveller.pk)
    return render(
        request,
        "quarantine/traveller_form.html",
        {
            "errors": errors,
            "data": request.POST,
            "id_types": Traveller._meta.get_field("id_type").choices,
            "compounds": community.compounds.order_by("name"),
        },
        status=400 if errors else 200,
    )


@manages
def city_list(request: AuthedRequest) -> HttpResponse:
    community = request.user.community
    assert community is not None  # noqa: S101
    outcome, errors = None, {}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = {"": [_("choose the city's list (.xlsx)")]}
        else:
            try:
                outcome = do_import_city_list(community, upload, actor=request.user)
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                if outcome.committed:
                    messages.success(
                        request, _("%(n)s travellers imported.") % {"n": outcome.created}
                    )
                    return redirect("quarantine:arrivals")
    return render(
        request,
        "quarantine/city_list.html",
        {"outcome": outcome, "errors": errors},
        status=400 if errors or (outcome and not outcome.committed) else 200,
    )


def _traveller_page(
    request: AuthedRequest,
    traveller: Traveller,
    errors: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    reception: Reception = traveller.reception
    user = request.user
    reception_allowed = RECEPTIONS.allowed(user, reception)
    manage = reception_allowed["decide"]
    today = timezone.localdate()
    settings = selectors.settings_for(traveller.community)
    steps = [
        (name, getattr(reception, field), label)
        for (field, name), label in zip(
            CHECKLIST,
            (
                _("Picked up"),
                _("At the gate"),
                _("Home checked"),
                _("Notice and service pack handed over"),
            ),
            strict=True,
        )
    ]
    return render(
        request,
        "quarantine/traveller.html",
        {
            "t": traveller,
            "reception": reception,
            "steps": steps,
            "reception_allowed": reception_allowed,
            "traveller_allowed": TRAVELLERS.allowed(user, traveller),
            "hints": actions.suitability(traveller.household, today) if manage else [],
            "seats": seat_candidates(traveller.community) if manage else [],
            "defaults": settings,
            "rooms": selectors.rooms_to_choose(user) if manage else [],
            "errors": errors or {},
            "compounds": traveller.community.compounds.order_by("name"),
            "sees_numbers": sees_full_numbers(user),
            "phone": traveller.phone if sees_full_numbers(user) else mask_phone(traveller.phone),
        },
        status=status,
    )


@at_the_gates
def traveller(request: AuthedRequest, pk: int) -> HttpResponse:
    return _traveller_page(request, selectors.get_traveller(request.user, pk))


def _seat(community: Community, raw: str | None) -> User | None:
    if not (pk := _pk(raw)):
        return None
    return seat_candidates(community).filter(pk=pk).first()


@at_the_gates
@require_POST
def traveller_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    found = selectors.get_traveller(request.user, pk)
    data, user = request.POST, request.user
    if action not in ("tick", "decide", "destination", "cancel"):
        raise Http404
    try:
        if action == "tick":
            actions.do_tick(found.reception, actor=user, step=data.get("step", ""))
        elif action == "destination":
            household, wrong = _household_at(found.community, data)
            if household is None:
                raise ValidationError({"room": wrong or _("say the building and the room")})
            actions.do_set_destination(found, actor=user, household=household)
        elif action == "cancel":
            actions.do_cancel_traveller(found, actor=user, reason=data.get("reason", ""))
        else:
            room = None
            if data.get("room"):
                room = (
                    HotelRoom.objects.filter(
                        pk=_pk(data["room"]), hotel__in=selectors.hotels_for(user)
                    )
                    .select_related("hotel")
                    .first()
                )
            seats: dict[str, Any] = {
                s: _seat(found.community, data.get(s)) for s in actions.SEAT_FIELDS
            }
            result = actions.do_decide(
                found.reception,
                actor=user,
                decision=data.get("decision", ""),
                room=room,
                **{k: v for k, v in seats.items() if v},
            )
            messages.success(request, _("Decided."))
            if data.get("decision") == Reception.Decision.HOME:
                return redirect("quarantine:quarantine", result.pk)
            return redirect("quarantine:hotel", result.hotel_id)  # type: ignore[union-attr]
    except ValidationError as exc:
        # The page again, its errors on it (200, as a form shown again is).
        return _traveller_page(request, selectors.get_traveller(user, pk), _errors(exc))
    messages.success(request, _("Saved."))
    return redirect("quarantine:traveller", found.pk)


@manages
def settings_page(request: AuthedRequest) -> HttpResponse:
    community = request.user.community
    assert community is not None  # noqa: S101
    settings = selectors.settings_for(community)
    teams = Team.objects.filter(community=community).order_by("name")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = request.POST
        try:
            if data.get("form") == "policy":
                days = whole_number(data.get("days", ""))
                changed = actions.do_set_policy_days(
                    community,
                    actor=request.user,
                    days=-1 if days is None else days,
                    apply_to_running=data.get("apply") == "1",
                    reason=data.get("reason", ""),
                )
                messages.success(
                    request, _("Saved; %(n)s running quarantines changed.") % {"n": changed}
                )
            else:
                actions.do_save_settings(
                    community,
                    actor=request.user,
                    day_team=teams.filter(pk=_pk(data.get("day_team"))).first(),
                    night_team=teams.filter(pk=_pk(data.get("night_team"))).first(),
                    day_shift_from=posted_time(data, "day_shift_from"),
                    night_shift_from=posted_time(data, "night_shift_from"),
                    checks_due_by=posted_time(data, "checks_due_by"),
                    **{s: _seat(community, data.get(s)) for s in actions.SEAT_FIELDS},
                )
                messages.success(request, _("Saved."))
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            return redirect("quarantine:settings")
    return render(
        request,
        "quarantine/settings.html",
        {
            "s": settings,
            "teams": teams,
            "seats": seat_candidates(community),
            "errors": errors,
            "history": settings.history.select_related("history_user").order_by("-history_date")[
                :10
            ]
            if settings.pk
            else [],
        },
        status=400 if errors else 200,
    )


# Home quarantine --------------------------------------------------------------------------


@in_quarantine
def home_list(request: AuthedRequest) -> HttpResponse:
    params = QueryParams(request)
    status = "released" if request.GET.get("status") == "released" else "active"
    query = request.GET.get("q", "").strip()
    found: QuerySet[Any] | list[Any] = []
    community = request.user.community
    may_start = community is not None and QUARANTINES.may_create(request.user, community)
    if query and may_start:
        found = (
            residents_for(request.user)
            .filter(name__startswith=query)
            .select_related("household__room__unit__building__compound")[:20]
        )
    return render(
        request,
        "quarantine/home_list.html",
        {
            "page": selectors.quarantine_list(request.user, params.page(), status),
            "status": status,
            "query": query,
            "found": found,
            "may_start": may_start,
            "figures": selectors.figures(request.user, timezone.now()),
        },
        status=params.status,
    )


@in_quarantine
def overdue_list(request: AuthedRequest) -> HttpResponse:
    now = timezone.now()
    params = QueryParams(request)
    return render(
        request,
        "quarantine/overdue.html",
        {"page": selectors.overdue_checks(request.user, now, params.page()), "now": now},
        status=params.status,
    )


@manages
def start(request: AuthedRequest, resident: int) -> HttpResponse:
    """A resident of the register (a close contact) into home quarantine or a hotel."""
    person = get_object_or_404(
        residents_for(request.user).select_related("community", "household__room__unit"),
        pk=resident,
    )
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = request.POST
        try:
            if data.get("decision") == "hotel":
                room = (
                    HotelRoom.objects.filter(
                        pk=_pk(data.get("room")), hotel__in=selectors.hotels_for(request.user)
                    )
                    .select_related("hotel")
                    .first()
                )
                if room is None:
                    raise ValidationError({"room": _("choose the hotel room")})
                stay = actions.do_check_in(
                    person, actor=request.user, room=room, diet=data.get("diet", "")
                )
                messages.success(request, _("Checked in."))
                return redirect("quarantine:hotel", stay.hotel_id)
            seats: dict[str, Any] = {
                s: _seat(person.community, data.get(s)) for s in actions.SEAT_FIELDS
            }
            quarantine = actions.do_start_home_quarantine(
                person, actor=request.user, **{k: v for k, v in seats.items() if v}
            )
            return redirect("quarantine:quarantine", quarantine.pk)
        except ValidationError as exc:
            errors = _errors(exc)
    return render(
        request,
        "quarantine/start.html",
        {
            "person": person,
            "errors": errors,
            "seats": seat_candidates(person.community),
            "defaults": selectors.settings_for(person.community),
            "hints": actions.suitability(person.household, timezone.localdate()),
            "rooms": selectors.rooms_to_choose(request.user),
            "diets": CarePlan.Diet.choices,
        },
        status=400 if errors else 200,
    )


def _quarantine_page(
    request: AuthedRequest, q: Any, errors: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "quarantine/quarantine.html",
        {
            "q": q,
            "plan_opens": q.plan is not None and opens_plan(request.user, q.plan),
            "checks": selectors.checks_of(q)[:30],
            "changes": selectors.end_changes(q),
            "allowed": QUARANTINES.allowed(request.user, q),
            "symptoms": HealthCheck.Symptom.choices,
            "errors": errors or {},
            "today": timezone.localdate(),
            "check_url": request.build_absolute_uri(f"/quarantine/check/{q.check_code}/"),
        },
        status=status,
    )


@in_quarantine
def quarantine(request: AuthedRequest, pk: int) -> HttpResponse:
    return _quarantine_page(request, selectors.get_quarantine(request.user, pk))


@in_quarantine
@require_POST
def quarantine_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    q = selectors.get_quarantine(request.user, pk)
    data, user = request.POST, request.user
    if action not in ("check", "end", "release"):
        raise Http404
    try:
        if action == "check":
            check = actions.do_record_check(
                q,
                actor=user,
                temperature=data.get("temperature", ""),
                symptoms=data.getlist("symptoms"),
                note=data.get("note", ""),
            )
            if check.request_id:
                messages.warning(
                    request,
                    _("Abnormal: urgent request %(n)s is open in the ledger.")
                    % {"n": check.request_id},
                )
            else:
                messages.success(request, _("Check recorded."))
        elif action == "end":
            actions.do_change_end(
                q,
                actor=user,
                new_end=posted_date(data, "planned_end"),
                reason=data.get("reason", ""),
            )
            messages.success(request, _("The end is changed."))
        else:
            actions.do_release(q, actor=user, reason=data.get("reason", ""))
            messages.success(request, _("Released: print the notice."))
            return redirect("quarantine:notice", q.pk)
    except ValidationError as exc:
        return _quarantine_page(request, selectors.get_quarantine(user, pk), _errors(exc))
    return redirect("quarantine:quarantine", q.pk)


@in_quarantine
def notice(request: AuthedRequest, pk: int) -> HttpResponse:
    """The release notice (解除隔离告知书), to print; its code verifies on the public page."""
    q = selectors.get_quarantine(request.user, pk)
    return render(
        request,
        "quarantine/notice.html",
        {
            "q": q,
            "verify_url": request.build_absolute_uri("/quarantine/verify/")
            + f"?code={q.release_code}",
        },
    )


# Hotels -----------------------------------------------------------------------------------


@at_the_hotels
def hotels(request: AuthedRequest) -> HttpResponse:
    user = request.user
    street = user.street if user.community_id is None else None
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if street is None or not HOTELS.may_create(user, street):
            raise Http404
        try:
            actions.do_add_hotel(
                street,
                actor=user,
                name=request.POST.get("name", ""),
                address=request.POST.get("address", ""),
                phone=request.POST.get("phone", ""),
                staff=list(
                    User.objects.filter(pk__in=[_pk(p) for p in request.POST.getlist("staff")])
                ),
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("quarantine:hotels")
    found = selectors.hotel_list(user)
    return render(
        request,
        "quarantine/hotels.html",
        {
            "hotels": found,
            "counts": selectors.hotel_counts([h.pk for h in found]),
            "errors": errors,
            "may_set_up": street is not None and HOTELS.may_create(user, street),
            "staff": holders(Cap.RUN_HOTEL).filter(street=street) if street else [],
        },
        status=400 if errors else 200,
    )


@at_the_hotels
def hotel(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    found = selectors.get_hotel(user, pk)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            beds = posted_number(request.POST, "beds")
            actions.do_add_rooms(
                found,
                actor=user,
                floor=posted_number(request.POST, "floor", negative=True),
                numbers=request.POST.get("numbers", ""),
                beds=1 if beds is None else beds,
                accessible=request.POST.get("accessible") == "1",
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("quarantine:hotel", found.pk)
    params = QueryParams(request)
    on_floor = params.number("floor", negative=True)
    day = timezone.localdate()
    return render(
        request,
        "quarantine/hotel.html",
        {
            "hotel": found,
            "counts": selectors.hotel_counts([found.pk]),
            "floors": selectors.floors_of(found),
            "floor": on_floor,
            "board": selectors.board(user, found, on_floor),
            "guests": selectors.guests(user, found, day),
            "allowed": HOTELS.allowed(user, found),
            "rooms": selectors.free_rooms(found),
            "errors": errors,
            "diets": dict(CarePlan.Diet.choices),
            "outcomes": Contact.Outcome.choices,
            "categories": Category.objects.filter(active=True).order_by("order", "code"),
        },
        status=400 if errors else params.status,
    )


@at_the_hotels
def diet(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.get_hotel(request.user, pk)
    counts, rooms, total = selectors.diet_sheet(found)
    names = dict(CarePlan.Diet.choices)
    return render(
        request,
        "quarantine/diet.html",
        {
            "hotel": found,
            "day": timezone.localdate(),
            "total": total,
            "counts": [(names.get(d, _("Regular")), n) for d, n in sorted(counts.items())],
            "rooms": [(names.get(d, d), r) for d, r in rooms],
        },
    )


@at_the_hotels
@require_POST
def stay_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    stay = selectors.get_stay(request.user, pk)
    data, user = request.POST, request.user
    if action not in ("call", "green", "move", "out"):
        raise Http404
    try:
        if action == "call":
            actions.do_record_guest_call(
                stay,
                actor=user,
                outcome=data.get("outcome", ""),
                need=data.get("need", ""),
                note=data.get("note", ""),
            )
        elif action == "green":
            opened = actions.do_green_line(
                stay,
                actor=user,
                category=data.get("category", "other"),
                description=data.get("description", ""),
            )
            messages.success(request, _("Request %(n)s is open in the ledger.") % {"n": opened.pk})
        elif action == "move":
            room = HotelRoom.objects.filter(pk=_pk(data.get("room")), hotel=stay.hotel).first()
            if room is None:
                raise ValidationError({"room": _("choose a room of this hotel")})
            actions.do_move_guest(stay, actor=user, room=room, reason=data.get("reason", ""))
        else:
            actions.do_check_out(stay, actor=user, reason=data.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, _in_one_line(exc))
    else:
        if action != "green":
            messages.success(request, _("Saved."))
    return redirect("quarantine:hotel", stay.hotel_id)


# Public pages -----------------------------------------------------------------------------


PUBLIC_FIELDS = (
    "name",
    "sex",
    "transport",
    "origin",
    "phone",
    "address_given",
    "notes",
    "nationality",
)


@access(PUBLIC)
def public_report(request: AuthedRequest, community_code: str) -> HttpResponse:
    """The family reports a traveller (Chinese and English): the community's reception hears
    of them; the destination is confirmed by the community (flagged until then)."""
    community = get_object_or_404(Community, code=community_code)
    errors: dict[str, list[str]] = {}
    done = False
    if request.method == "POST":
        ip = request.META.get("REMOTE_ADDR", "")
        if not ratelimit.hit(f"traveller-report:{ip}", 20, 3600):
            errors = {"": [_("Too many reports from here: please call the community office.")]}
        else:
            data = request.POST
            given: dict[str, Any] = {k: data.get(k, "") for k in PUBLIC_FIELDS}
            try:
                actions.do_add_traveller(
                    community,
                    actor=VISITOR,
                    source=Traveller.Source.FAMILY,
                    arrives_at=posted_datetime(data, "arrives_at"),
                    **given,
                )
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                done = True
    return render(
        request,
        "quarantine/public_report.html",
        {
            "community": community,
            "errors": errors,
            "done": done,
            "data": request.POST if errors else {},
        },
        status=400 if errors else 200,
    )


@access(PUBLIC)
def public_check(request: AuthedRequest, code: str) -> HttpResponse:
    """The resident's own daily check, on the link the community gave them."""
    q = selectors.quarantine_by_check_code(code)
    errors: dict[str, list[str]] = {}
    done = None
    if q is not None and request.method == "POST":
        if not ratelimit.hit(f"own-check:{q.pk}", 20, 3600):
            raise PermissionDenied  # a link passed around, or a script: the doctor checks
        try:
            done = actions.do_record_check(
                q,
                actor=VISITOR,
                temperature=request.POST.get("temperature", ""),
                symptoms=request.POST.getlist("symptoms"),
                note=request.POST.get("note", ""),
            )
        except ValidationError as exc:
            errors = _errors(exc)
    return render(
        request,
        "quarantine/public_check.html",
        {
            "q": q,
            "name": masked_name(q.resident.name) if q else "",
            "errors": errors,
            "done": done,
            "symptoms": HealthCheck.Symptom.choices,
        },
        status=400 if errors else 200,
    )


@access(PUBLIC)
def public_verify(request: AuthedRequest) -> HttpResponse:
    """Anyone checks a release notice by its code; codes are not guessed from one address
    (300 tries an hour)."""
    code = request.GET.get("code", "")
    ip = request.META.get("REMOTE_ADDR", "")
    braked = bool(code) and not ratelimit.hit(f"release-verify:{ip}", 300, 3600)
    found = selectors.released_by_code(code) if code and not braked else None
    return render(
        request,
        "quarantine/public_verify.html",
        {
            "code": code,
            "q": found,
            "braked": braked,
            "name": masked_name(found.resident.name) if found else "",
        },
    )
