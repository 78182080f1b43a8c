from collections.abc import Callable, Mapping

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from linli.core.access import REQUEST_PARTY, access
from linli.core.actions import do_record_pii_access
from linli.core.decorators import capability_required
from linli.core.forms import add_action_errors
from linli.core.http import AuthedRequest
from linli.core.models import Team, User
from linli.core.roles import Cap
from linli.core.scoping import get_for_user, scoped
from linli.core.selectors import holders
from linli.ledger import actions
from linli.ledger.forms import CallForm, KeyQuestionsForm, RequestRowForm, RequestRows
from linli.ledger.models import Call, Category, Request, RequestEvent, Urgency
from linli.ledger.policy import REQUESTS, works_ledger
from linli.ledger.selectors import get_request_for_user, link_candidates, possible_duplicates
from linli.ledger.taxonomy import category_by_code, category_by_pk
from linli.ledger.triage import advice, explain, implied_category, questions, triage
from linli.ledger.views_lists import request_phone
from linli.lib.numbers import whole_number
from linli.people import phones
from linli.people.models import Household, Resident, Vulnerability


def _household_card(user: User, phone: str) -> dict[str, object]:
    """What the operator needs in the first seconds of a call: who, where, what is open."""
    community = user.community
    if community is None:
        return {"phone": phone, "household": None}
    household, resident = phones.caller(community, phone)
    if household is None:
        return {"phone": phone, "household": None, "known": False}
    today = timezone.localdate()
    members = list(household.members.filter(is_active=True).order_by("date_of_birth"))
    tags: dict[int, list[str]] = {}
    for v in Vulnerability.objects.filter(resident__in=members, until__isnull=True):
        tags.setdefault(v.resident_id, []).append(v.get_kind_display())
    return {
        "phone": phone,
        "known": True,
        "household": household,
        "caller": resident,
        "alone": len(members) == 1,
        "members": [(m, m.age(today), tags.get(m.pk, [])) for m in members],
        "open_requests": household.requests.filter(status__in=Request.OPEN_STATUSES)
        .select_related("category")
        .order_by("deadline"),
        "last_calls": household.calls.order_by("-at")[:5],
    }


@capability_required(Cap.TAKE_CALLS, in_community=True)
def desk(request: AuthedRequest) -> HttpResponseBase:
    """The operator's screen: number → household card → requests, all from the keyboard."""
    user = request.user
    assert user.community is not None  # noqa: S101 - the policy admits community staff only
    phone = request.POST.get("caller_number") or request.GET.get("phone", "")
    household, resident = _caller(user, phone)
    rows = RequestRows(
        request.POST or None,
        prefix="r",
        form_kwargs={"caller": (household, resident), "today": timezone.localdate()},
    )
    form = CallForm(
        request.POST or None,
        initial={"caller_number": request.GET.get("phone", "")},
        rows=rows,
    )
    if request.method == "POST" and form.is_valid() and rows.is_valid():
        filled = [row for row in rows if row.cleaned_data.get("category")]
        drafts = [
            actions.RequestDraft(
                category=row.cleaned_data["category"],
                description=row.cleaned_data["description"],
                urgency=row.cleaned_data.get("urgency") or None,
                urgency_reason=row.cleaned_data.get("urgency_reason") or "",
                answers=row.answers(),
            )
            for row in filled
        ]
        try:
            call, _opened = actions.do_take_call(
                user.community,
                actor=user,
                caller_number=form.cleaned_data["caller_number"],
                drafts=drafts,
                kind=form.cleaned_data["kind"],
                duration_seconds=form.cleaned_data.get("duration_seconds") or 0,
                notes=form.cleaned_data["notes"],
                address_text=form.cleaned_data["address_text"],
            )
        except actions.DraftError as exc:
            add_action_errors(filled[exc.index], exc)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            return redirect("ledger:call-detail", pk=call.pk)
    card = _household_card(user, phone) if phone else None
    # A form shown again keeps each row's triage, the 120 banner first: an emergency must not
    # lose its banner because another field was wrong.
    triaged = [
        _live_triage(
            row.data.get(f"{row.prefix}-description", ""),
            _chosen(row),
            n,
            household,
            resident,
            answers=_posted_answers(row.data, n),
        )
        if request.method == "POST"
        else None
        for n, row in enumerate(rows)
    ]
    return render(
        request,
        "ledger/desk.html",
        {
            "form": form,
            "rows": rows,
            "rows_triaged": list(zip(rows, triaged, strict=True)),
            "card": card,
        },
    )


def _caller(user: User, phone: str) -> tuple[Household | None, Resident | None]:
    if user.community is None or sum(ch.isdigit() for ch in phone) < phones.MIN_CALLER_DIGITS:
        return None, None
    return phones.caller(user.community, phone)


def _chosen(row: RequestRowForm) -> Category | None:
    return _row_category(str(row.data.get(f"{row.prefix}-category", "")))


def _posted_answers(data: Mapping[str, object], row: int) -> dict[str, str]:
    """A row's key questions as posted so far; an answer Linli does not know counts as none."""
    return questions.cleaned({q: data.get(f"r-{row}-{q}") for q in questions.ALL}, lenient=True)


def _live_triage(
    description: str,
    chosen: Category | None,
    row: int,
    household: Household | None,
    resident: Resident | None,
    *,
    answers: dict[str, str],
    asking: bool | None = None,
    preselecting: bool = False,
) -> dict[str, object] | None:
    """What triage says of one request row before it is saved: the suggested urgency, its
    reasons, the 120 banner, and (`preselecting`, as the operator types) the row's category
    chosen for them when none is yet: 急症 for an emergency. A form shown again has it chosen
    already (`RequestRowForm`).

    When the row is about someone's health the key questions are shown; `asking` says whether
    the page shows them already, so that they are swapped in (or out) only when that changes
    and an operator answering them from the keyboard keeps their place."""
    description = description.strip()
    if not description and not answers:
        return None
    category = chosen or category_by_code("other")
    assert category is not None  # noqa: S101 - the seeded taxonomy always has "other"
    result = triage(
        description, category, resident=resident, household=household,
        today=timezone.localdate(), answers=answers,
    )  # fmt: skip
    asks = result.asks or category.medical
    questions_form = None
    if asking is not None and asks != asking:
        questions_form = KeyQuestionsForm(prefix=f"r-{row}", initial=answers)
    emergency = result.urgency == Urgency.EMERGENCY
    preselect = None
    implied = implied_category(result) if preselecting and chosen is None else None
    if implied is not None:
        preselect = RequestRowForm(prefix=f"r-{row}", initial={"category": implied.pk})
        # Swapped in beside the banner (htmx out of band), so that the row saves as 急症.
        preselect.fields["category"].widget.attrs["hx-swap-oob"] = "true"
    return {
        "result": result,
        "row": row,
        "reasons": [explain(r) for r in result.reasons if r.get("code") != "category"],
        "emergency": emergency,
        "advice": advice(result),
        "urgency_label": Urgency(result.urgency).label,
        "preselect": preselect,
        "asks": asks,
        "questions_form": questions_form,
        "call_back": result.urgency == Urgency.CALL_BACK,
    }


@capability_required(Cap.TAKE_CALLS)
def desk_household(request: AuthedRequest) -> HttpResponse:
    """The household card alone, for htmx as the number is typed."""
    phone = request.GET.get("caller_number", "").strip()
    card = _household_card(request.user, phone) if len(phone) >= 7 else None
    if card is not None and card["household"] is None and not phones.is_complete(phone):
        card = None  # "nobody has this number" only once the number is whole
    response = render(request, "ledger/_household_card.html", {"card": card})
    # The rows triaged so far are triaged again against the caller now known (or no longer).
    response["HX-Trigger"] = "linli:caller"
    return response


def _row_category(value: str) -> Category | None:
    number = whole_number(value)
    found = category_by_pk(number) if number is not None else None
    return found if found is not None and found.active else None


@capability_required(Cap.TAKE_CALLS)
@require_POST
def desk_triage(request: AuthedRequest) -> HttpResponse:
    """Triage of one request row as the operator types it, before the call is saved: the
    suggested urgency, its reasons and the 120 banner (htmx, debounced in the page)."""
    row = min(whole_number(request.POST.get("row", "")) or 0, 9)
    prefix = f"r-{row}-"
    household, resident = _caller(request.user, request.POST.get("caller_number", ""))
    context = _live_triage(
        request.POST.get(prefix + "description", ""),
        _row_category(request.POST.get(prefix + "category", "")),
        row,
        household,
        resident,
        answers=_posted_answers(request.POST, row),
        asking=bool(request.POST.get(prefix + "asking")),
        preselecting=True,
    )
    return render(request, "ledger/_triage_live.html", context or {"result": None})


@capability_required(Cap.TAKE_CALLS)
def call_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    call = get_for_user(request.user, Call.objects.select_related("household__room"), None, pk=pk)
    requests = list(
        call.requests.select_related("category", "community", "assignee", "team").order_by("pk")
    )
    opened = [
        (
            r,
            [explain(x) for x in r.triage_reasons],
            possible_duplicates(r),
            REQUESTS.may(request.user, r, "call120"),
            REQUESTS.may(request.user, r, "assign"),
        )
        for r in requests
    ]
    # An emergency is handed to someone from here, at once (the operator may: `REQUESTS`).
    people, teams = (
        _assignable(request.user, requests[0])
        if any(may_assign for *_r, may_assign in opened)
        else ([], [])
    )
    return render(
        request,
        "ledger/call_detail.html",
        {"call": call, "opened": opened, "people": people, "teams": teams},
    )


def _assignable(user: User, request: Request) -> tuple[list[User], list[Team]]:
    people = list(
        holders(Cap.HANDLE_REQUESTS, Cap.DO_TASKS)
        .filter(community=request.community_id)
        .order_by("username")
    )
    return people, list(scoped(user, Team.objects.filter(community=request.community_id)))


@access(REQUEST_PARTY)
def request_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    item = get_request_for_user(request.user, pk)
    may = REQUESTS.allowed(request.user, item)
    phone = request_phone(item)
    reveal = request.method == "POST" and may["reveal"] and bool(phone)
    if reveal:
        do_record_pii_access(
            item.resident or item,
            actor=request.user,
            community=item.community,
            fields=["phone"],
            request=request,
        )
    now = timezone.now()
    people, teams = _assignable(request.user, item) if may["assign"] else ([], [])
    find = request.GET.get("find", "").strip()[:100]
    candidates = (
        link_candidates(request.user, item, find)
        if may["link"] and (find or item.household_id is None)
        else []
    )
    return render(
        request,
        "ledger/request_detail.html",
        {
            "item": item,
            "now": now,
            "late": item.is_late(now),
            "escalation": item.escalation_due(now),
            "reasons": [explain(x) for x in item.triage_reasons],
            "events": item.events.select_related("actor"),
            "duplicates": possible_duplicates(item) if item.is_open else [],
            "people": people,
            "teams": teams,
            "urgencies": Urgency.choices,
            "may": may,
            "works_ledger": works_ledger(request.user),
            "reveal": reveal,
            "phone": phone,
            "find": find,
            "candidates": candidates,
            "event_labels": dict(RequestEvent.Kind.choices),
            "answers": [questions.said(q, a) for q, a in (item.key_answers or {}).items()],
            "questions_form": (
                KeyQuestionsForm(initial=item.key_answers) if may["ask"] and item.is_open else None
            ),
        },
    )


def _user(pk: str, item: Request) -> User | None:
    if not pk:
        return None
    number = whole_number(pk)
    found = (
        User.objects.filter(pk=number, community=item.community_id).first()
        if number is not None
        else None
    )
    if found is None:
        raise ValidationError({"assignee": _("not found in this community")})
    return found


def _team(pk: str, item: Request) -> Team | None:
    if not pk:
        return None
    number = whole_number(pk)
    found = (
        Team.objects.filter(pk=number, community=item.community_id).first()
        if number is not None
        else None
    )
    if found is None:
        raise ValidationError({"team": _("not found in this community")})
    return found


def _link(request: AuthedRequest, item: Request) -> Request:
    """The household (and resident) chosen on the request's page, of the request's community."""
    number = whole_number(request.POST.get("household", ""))
    household = (
        scoped(request.user, Household.objects.filter(pk=number, community=item.community_id))
        .select_related("room__unit__building__compound")
        .first()
        if number is not None
        else None
    )
    if household is None:
        raise ValidationError({"household": _("no such household in this request's community")})
    resident = None
    if (pk := whole_number(request.POST.get("resident", ""))) is not None:
        resident = Resident.objects.filter(pk=pk, household=household).first()
        if resident is None:
            raise ValidationError({"resident": _("this resident does not live in that household")})
    return actions.do_link_request(item, actor=request.user, household=household, resident=resident)


def _claim(request: AuthedRequest, item: Request) -> Request:
    claimed = actions.do_claim(item.pk, actor=request.user)
    if claimed is None:
        raise ValidationError({"assignee": _("someone else has already taken this request")})
    return claimed


def _merge_target(pk: str, user: User) -> Request:
    try:
        return get_request_for_user(user, int(pk.strip().lstrip("#")))
    except (ValueError, Http404):
        raise ValidationError({"into": _("no such request")}) from None


HANDLERS: dict[str, Callable[[AuthedRequest, Request], object]] = {
    "claim": _claim,
    "link": _link,
    "assign": lambda r, item: actions.do_assign(
        item,
        actor=r.user,
        assignee=_user(r.POST.get("assignee", ""), item),
        team=_team(r.POST.get("team", ""), item),
        reason=r.POST.get("reason", ""),
    ),
    "start": lambda r, item: actions.do_start(item, actor=r.user),
    "complete": lambda r, item: actions.do_complete(
        item, actor=r.user, result=r.POST.get("result", "")
    ),
    "confirm": lambda r, item: actions.do_record_callback(
        item, actor=r.user, confirmed=True, note=r.POST.get("note", "")
    ),
    "reopen": lambda r, item: actions.do_record_callback(
        item, actor=r.user, confirmed=False, note=r.POST.get("note", "")
    ),
    "cancel": lambda r, item: actions.do_cancel(
        item, actor=r.user, reason=r.POST.get("reason", "")
    ),
    "urgency": lambda r, item: actions.do_change_urgency(
        item, actor=r.user, urgency=r.POST.get("urgency", ""), reason=r.POST.get("reason", "")
    ),
    "call120": lambda r, item: actions.do_record_emergency_call(item, actor=r.user),
    "ask": lambda r, item: actions.do_ask_key_questions(
        item, actor=r.user, answers={q: r.POST.get(q) for q in questions.ALL}
    ),
    "merge": lambda r, item: actions.do_merge(
        item, into=_merge_target(r.POST.get("into", ""), r.user), actor=r.user
    ),
    "note": lambda r, item: actions.do_add_note(item, actor=r.user, note=r.POST.get("note", "")),
}


@access(REQUEST_PARTY)
@require_http_methods(["GET", "HEAD", "POST"])
def request_action(request: AuthedRequest, pk: int, action: str) -> HttpResponseBase:
    item = get_request_for_user(request.user, pk)
    handler = HANDLERS.get(action)
    if handler is None:
        raise Http404
    if request.method != "POST":
        # An action's address opened as a page (from the history, a bookmark, a reload after a
        # redirect): the request's own page is what the user was after.
        return redirect("ledger:request-detail", pk=item.pk)
    REQUESTS.check(request.user, item, action)
    try:
        with transaction.atomic():
            handler(request, item)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            messages.error(request, f"{_field_label(field)}: {' '.join(errors)}")
    else:
        messages.success(request, _("Saved."))
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and not nxt.startswith("//"):
        return redirect(nxt)
    return redirect("ledger:request-detail", pk=item.pk)


def _field_label(field: str) -> str:
    labels = {
        "status": _("Status"),
        "assignee": _("Handed to"),
        "reason": _("Reason"),
        "result": _("Result"),
        "note": _("Note"),
        "urgency": _("Urgency"),
        "into": _("Merge into"),
        "team": _("Team"),
        "household": _("Household"),
        "resident": _("Resident"),
        "awake": questions.QUESTIONS["awake"],
        "breathing": questions.QUESTIONS["breathing"],
        "problem": questions.QUESTIONS["problem"],
        "__all__": _("Request"),
    }
    return str(labels.get(field, field))
