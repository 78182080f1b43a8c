"""The ledger (台账), its xlsx export, the worklists and the late list.

Reads go through `linli.ledger.selectors` (built on `scoped`). The ledger is paged by keyset on
(created_at, id), newest first, without a COUNT(*): at millions of requests the first page and
the thousandth cost the same, one index range scan. A user whose area holds several communities
gets one such scan per community, merged here (PostgreSQL cannot merge the per-community ranges
of the (community, created_at, id) index by itself and would sort the whole street instead).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from openpyxl.styles import Font

from linli.core.access import LEDGER_CAPS, access, needs
from linli.core.actions import do_record_export
from linli.core.http import AuthedRequest
from linli.core.models import Community, Compound, User
from linli.core.policy import oversees, reaches_by_relation_only, sees_full_numbers
from linli.core.roles import Cap
from linli.core.scoping import get_for_user, scoped
from linli.core.selectors import holders
from linli.ledger import selectors
from linli.ledger.models import LIST_RANK, Request, RequestEvent, Urgency
from linli.ledger.policy import REQUESTS, works_ledger
from linli.ledger.selectors import TASK_LISTS
from linli.lib.dates import day_start
from linli.lib.keyset import Cursor, KeysetPage, keyset_page
from linli.lib.masking import mask_phone
from linli.lib.numbers import whole_number
from linli.lib.paging import Page, page_of
from linli.lib.params import QueryParams
from linli.lib.xlsx import Sheet

PER_PAGE = 50
EXPORT_CHUNK = 2000
WORKLIST_ROWS = 50  # a page of a worklist: a screenful, and fast at millions of requests
# Above this many communities in the user's area, one query sorts them all instead of one
# index scan per community.
MAX_PARTITIONS = 64
BOLD = Font(bold=True)
TIME_FORMAT = "yyyy-mm-dd hh:mm"


# Sign in first; then 403 unless the user takes calls or handles requests, or runs a hotel:
# hotel staff read (and export) the requests of their own guests only, by relation (`scoped`).
ledger_access = access(needs(*LEDGER_CAPS, Cap.RUN_HOTEL))


# --- Filters ------------------------------------------------------------------------------------


def _day(raw: str) -> date | None:
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2999 else None


class Filters:
    """The ledger's filters, read from the query string; unknown values are dropped.

    A compound is fetched with `get_for_user`: another community's compound is 404.
    """

    def __init__(self, request: AuthedRequest) -> None:
        get = request.GET
        user = request.user
        status = get.get("status", "")
        urgency = get.get("urgency", "")
        self.compound: Compound | None = None
        if (pk := whole_number(get.get("compound", ""))) is not None:
            self.compound = get_for_user(user, Compound.objects.select_related("community"), pk=pk)
        self.values = selectors.LedgerFilters(
            status=status if status in Request.Status.values else "",
            category=get.get("category", "").strip()[:30],
            urgency=urgency if urgency in Urgency.values else "",
            compound=self.compound.pk if self.compound else None,
            assignee=whole_number(get.get("assignee", "")),
            day_from=_day(get.get("from", "")),
            day_to=_day(get.get("to", "")),
            late=get.get("late") == "1",
            q=get.get("q", "").strip()[:100],
            pressing=get.get("sort") == "pressing",
        )

    def params(self) -> dict[str, str]:
        f = self.values
        params = {
            "status": f.status,
            "category": f.category,
            "urgency": f.urgency,
            "compound": str(f.compound or ""),
            "assignee": str(f.assignee or ""),
            "from": f.day_from.isoformat() if f.day_from else "",
            "to": f.day_to.isoformat() if f.day_to else "",
            "late": "1" if f.late else "",
            "q": f.q,
            "sort": "pressing" if f.pressing else "",
        }
        return {k: v for k, v in params.items() if v}

    def query(self, **extra: str) -> str:
        """The filters as a query string (for the pager and the export link)."""
        return urlencode({**self.params(), **extra})


def ledger_queryset(user: User, f: selectors.LedgerFilters, now: datetime) -> QuerySet[Request]:
    """`selectors.ledger`, plus the day filters as a plain range on created_at so that the index
    serves them (the selector's created_at__date is a function of the column)."""
    qs = selectors.ledger(user, f, now)
    if f.day_from:
        qs = qs.filter(created_at__gte=day_start(f.day_from))
    if f.day_to:
        qs = qs.filter(created_at__lt=day_start(f.day_to + timedelta(days=1)))
    return qs


# --- Keyset pages -------------------------------------------------------------------------------


def _partitions(user: User, compound: Compound | None) -> list[int] | None:
    """The communities to scan one by one, or None for a single query."""
    if user.community_id is not None or reaches_by_relation_only(user):
        return None
    if compound is not None:
        return [compound.community_id]
    ids = list(scoped(user, Community.objects.order_by()).values_list("pk", flat=True))
    if len(ids) > MAX_PARTITIONS:
        return None
    return ids


def ledger_page(
    user: User,
    qs: QuerySet[Request],
    *,
    before: Cursor | None = None,
    after: Cursor | None = None,
    compound: Compound | None = None,
    per_page: int = PER_PAGE,
) -> KeysetPage[Request]:
    """One page of `qs` (the ledger, filtered) older than `before` or newer than `after`."""
    return keyset_page(
        qs,
        key="created_at",
        descending=True,
        onward=before,
        back=after,
        partitions=_partitions(user, compound),
        per_page=per_page,
    )


# --- Rows ---------------------------------------------------------------------------------------


def late_by(lateness: timedelta) -> str:
    minutes = int(lateness.total_seconds() // 60)
    if minutes < 60:
        return ngettext("late by %(n)d min", "late by %(n)d min", minutes) % {"n": minutes}
    hours = minutes // 60
    if hours < 48:
        return ngettext("late by %(n)d h", "late by %(n)d h", hours) % {"n": hours}
    days = hours // 24
    return ngettext("late by %(n)d day", "late by %(n)d days", days) % {"n": days}


def _room_address(r: Request) -> str:
    household = r.household
    return household.room.address() if household is not None else ""


def request_name(r: Request) -> str:
    """The resident's name, or "" when the request names no resident (a room is an address, and
    has its own column: under Name it would read as a person's)."""
    return r.resident.name if r.resident is not None else ""


def request_address(r: Request) -> str:
    return _room_address(r) or r.address_text


def request_phone(r: Request) -> str:
    if r.contact_phone:
        return r.contact_phone
    if r.resident is not None and r.resident.phone:
        return r.resident.phone
    return r.household.phone if r.household is not None else ""


def handed_to(r: Request) -> str:
    names = []
    if r.assignee is not None:
        names.append(r.assignee.get_full_name() or r.assignee.username)
    if r.team is not None:
        names.append(r.team.name)
    return " / ".join(names)


def escalation_label(level: int) -> str:
    return {1: _("Escalated to the community head"), 2: _("Escalated to the street")}.get(level, "")


@dataclass
class Row:
    request: Request
    name: str
    address: str
    phone: str
    owner: str
    late: str  # "late by 3 h", or "" when not late
    escalation: int
    escalation_label: str
    claimable: bool = False


def make_row(r: Request, now: datetime, *, full_phones: bool, can_claim: bool = False) -> Row:
    phone = request_phone(r)
    level = r.escalation_due(now)
    return Row(
        request=r,
        name=request_name(r),
        address=request_address(r),
        phone=phone if full_phones else mask_phone(phone),
        owner=handed_to(r),
        late=late_by(now - r.deadline) if r.is_late(now) else "",
        escalation=level,
        escalation_label=escalation_label(level),
        claimable=can_claim and r.awaits_taker,
    )


# --- The ledger ---------------------------------------------------------------------------------


def _assignee_choices(user: User) -> QuerySet[User]:
    """People of the user's communities whose role takes requests."""
    return (
        holders(Cap.HANDLE_REQUESTS, Cap.DO_TASKS)
        .filter(community__in=scoped(user, Community.objects.order_by()).values("pk"))
        .order_by("username")
    )


def _pager(filters: Filters, page: "KeysetPage[Request] | Page[Request]") -> dict[str, str]:
    """The links to the pages around `page`: by position newest first, by number otherwise."""
    if isinstance(page, Page):
        return {
            "older_query": filters.query(page=str(page.number + 1)) if page.has_next else "",
            "newer_query": filters.query(page=str(page.number - 1)) if page.has_previous else "",
        }
    return {
        "older_query": filters.query(before=str(page.onward)) if page.onward else "",
        "newer_query": filters.query(after=str(page.back)) if page.back else "",
    }


@ledger_access
def ledger(request: AuthedRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    filters = Filters(request)
    several = user.community_id is None
    qs = ledger_queryset(user, filters.values, now)
    if several:
        qs = qs.select_related("community")
    page: KeysetPage[Request] | Page[Request]
    if filters.values.pressing:
        page = page_of(qs, request.GET.get("page"), PER_PAGE)
    else:
        page = ledger_page(
            user,
            qs,
            before=Cursor.parse(request.GET.get("before")),
            after=Cursor.parse(request.GET.get("after")),
            compound=filters.compound,
        )
    # Lists show phones masked to everyone: a full number is one logged click on the request.
    full_phones = False
    compounds = scoped(user, Compound.objects.all()).order_by("community__name", "name", "pk")
    if several:
        compounds = compounds.select_related("community")
    return render(
        request,
        "ledger/lists/ledger.html",
        {
            "rows": [make_row(r, now, full_phones=full_phones) for r in page.items],
            "page": page,
            "filters": filters,
            "f": filters.values,
            "query": filters.query(),
            **_pager(filters, page),
            "several_communities": several,
            "statuses": Request.Status.choices,
            "urgencies": Urgency.choices,
            "categories": selectors.categories(),
            "compounds": compounds,
            # The people requests are handed to, for those who hand them.
            "assignees": _assignee_choices(user) if works_ledger(user) else [],
        },
    )


# --- Export -------------------------------------------------------------------------------------


def export_headers() -> list[str]:
    """The customary ledger layout (序号 … 回访情况), whether each request was late beside its
    time limit, and after it what finds the request again: its number (the desk's, the
    request's page) and the tracking code the resident was given."""
    return [
        pgettext("ledger export", "No."),
        pgettext("ledger export", "Call time"),
        pgettext("ledger export", "Name"),
        pgettext("ledger export", "Address"),
        pgettext("ledger export", "Phone"),
        pgettext("ledger export", "Request category"),
        pgettext("ledger export", "Request"),
        pgettext("ledger export", "Urgency"),
        pgettext("ledger export", "Status"),
        pgettext("ledger export", "Handed to"),
        pgettext("ledger export", "Time limit"),
        pgettext("ledger export", "Late"),
        pgettext("ledger export", "Result"),
        pgettext("ledger export", "Callback"),
        pgettext("ledger export", "Request number"),
        pgettext("ledger export", "Tracking code"),
    ]


EXPORT_WIDTHS: list[float] = [6, 17, 16, 28, 14, 12, 40, 8, 10, 14, 17, 8, 30, 16, 10, 12]
# Where the request's text is in a line of the export.
REQUEST_COLUMN = 6


def _chunks(rows: Iterable[Request], size: int) -> Iterator[list[Request]]:
    chunk: list[Request] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def callbacks_of(request_ids: list[int]) -> dict[int, str]:
    """The latest callback outcome (confirmed / reopened, with its note) of each request."""
    kinds = {
        RequestEvent.Kind.CONFIRMED: pgettext("callback outcome", "Confirmed"),
        RequestEvent.Kind.REOPENED: pgettext("callback outcome", "Reopened"),
    }
    found: dict[int, str] = {}
    events = (
        RequestEvent.objects.filter(request_id__in=request_ids, kind__in=list(kinds))
        .order_by("request_id", "at", "pk")
        .values_list("request_id", "kind", "note")
    )
    for request_id, kind, note in events:  # later events overwrite earlier ones
        outcome = kinds[RequestEvent.Kind(kind)]
        found[request_id] = (
            _("%(outcome)s: %(note)s") % {"outcome": outcome, "note": note} if note else outcome
        )
    return found


def was_late(r: Request, now: datetime) -> bool | None:
    """Whether `r` was still open after its time limit: done (or closed) after it, or open past
    it `now`; None for a closed request whose closing time is not known."""
    if r.is_open:
        return now > r.deadline
    return r.closed_at > r.deadline if r.closed_at is not None else None


def write_ledger(
    sheet: Sheet, qs: QuerySet[Request], *, now: datetime, full_phones: bool = False
) -> int:
    """The header and one line per request of `qs`; callbacks fetched once per chunk. Phones
    are masked unless `full_phones` (a role that sees full numbers: the export is logged)."""
    sheet.header(export_headers())
    yes_no = {True: pgettext("ledger export", "Yes"), False: pgettext("ledger export", "No")}
    number = 0
    for chunk in _chunks(qs.iterator(chunk_size=EXPORT_CHUNK), EXPORT_CHUNK):
        callbacks = callbacks_of([r.pk for r in chunk])
        for r in chunk:
            number += 1
            sheet.row(
                [
                    number,
                    r.created_at,
                    request_name(r) or None,
                    request_address(r) or None,
                    (phone if full_phones else mask_phone(phone))
                    if (phone := request_phone(r))
                    else None,
                    str(r.category),
                    r.description,
                    r.get_urgency_display(),
                    r.get_status_display(),
                    handed_to(r) or None,
                    r.deadline,
                    yes_no.get(late) if (late := was_late(r, now)) is not None else None,
                    r.result or None,
                    callbacks.get(r.pk),
                    r.pk,
                    r.tracking_code,
                ]
            )
    return number


@ledger_access
def export(request: AuthedRequest) -> FileResponse | HttpResponseBadRequest:
    """The ledger as filtered, in the customary layout; logged per community it covered. A day
    it cannot read is refused: the list drops it, and an export of every day instead of the
    days asked for would hand out the whole ledger."""
    params = QueryParams(request, tell=False)
    params.date("from")
    params.date("to")
    if params.bad:
        return HttpResponseBadRequest(
            "\n".join(params.bad), content_type="text/plain; charset=utf-8"
        )
    user = request.user
    now = timezone.now()
    filters = Filters(request)
    qs = ledger_queryset(user, filters.values, now)
    sheet = Sheet(_("Ledger"), widths=EXPORT_WIDTHS)
    write_ledger(sheet, qs, now=now, full_phones=sees_full_numbers(user))
    community = user.community or (filters.compound.community if filters.compound else None)
    tag = f"{community.code}-" if community is not None else ""
    response = sheet.response(f"linli-ledger-{tag}{timezone.localdate()}.xlsx")
    do_record_export(qs, actor=user, fields=["export:ledger"], request=request)
    return response


# --- Worklists ----------------------------------------------------------------------------------


def worklist_tabs(user: User | None = None) -> dict[str, str]:
    """The worklists, or those of `user`: whoever works tasks without the ledger's roles (a
    volunteer, a team's property staff) has theirs and their teams'."""
    tabs = {
        "mine": _("Mine"),
        "team": _("My teams"),
        "unassigned": _("Unassigned"),
        "late": _("Late"),
        "callbacks": _("Callbacks due"),
    }
    if user is not None and not works_ledger(user):
        return {w: tabs[w] for w in TASK_LISTS}
    return tabs


# The worklists of those who do tasks: the ledger's roles and the people tasks are handed to.
worklist_access = access(needs(*LEDGER_CAPS, Cap.DO_TASKS))


TASKS_ON_HOME = 20


def task_rows(user: User, now: datetime | None = None) -> tuple[list[Row], bool]:
    """The open tasks handed to the user or to their teams, most pressing first (a phone's
    screenful), and whether there are more."""
    now = now or timezone.now()
    tasks = selectors.most_pressing_first(
        selectors.requests_for(user)
        .filter(status__in=Request.OPEN_STATUSES)
        .filter(Q(assignee=user) | Q(assignee__isnull=True, team__in=selectors.teams_of(user)))
        .select_related(
            "category", "resident", "assignee", "team", "household__room__unit__building__compound"
        )
    )
    found = list(tasks[: TASKS_ON_HOME + 1])
    rows = [make_row(r, now, full_phones=False) for r in found[:TASKS_ON_HOME]]
    return rows, len(found) > TASKS_ON_HOME


@dataclass
class Group:
    community: Community
    rows: list[Row]

    @property
    def street_level(self) -> int:
        return sum(1 for row in self.rows if row.escalation == 2)


def pressing(row: Row) -> tuple[int, int, datetime, int]:
    r = row.request
    return (LIST_RANK[Urgency(r.urgency)], -row.escalation, r.deadline, r.pk)


def group_by_community(rows: list[Row]) -> list[Group]:
    """Rows by community, most pressing first inside each (the worklist's order: urgency, then
    how far it escalated, then deadline), and the communities with the most rows escalated to
    the street first."""
    groups: dict[int, Group] = {}
    for row in rows:
        community = row.request.community
        groups.setdefault(community.pk, Group(community, [])).rows.append(row)
    for group in groups.values():
        group.rows.sort(key=pressing)
    return sorted(
        groups.values(), key=lambda g: (-g.street_level, g.community.name, g.community.pk)
    )


@worklist_access
def work(request: AuthedRequest) -> HttpResponse:
    """The worklist a user starts from: late for the street, else the most pressing one that
    has something in it."""
    user = request.user
    if oversees(user) and not user.is_superuser:
        which = "late"
    else:
        which = selectors.most_pressing_worklist(user)
    return redirect("ledger:worklist", which=which)


@worklist_access
def worklist(request: AuthedRequest, which: str) -> HttpResponse:
    tabs = worklist_tabs(request.user)
    if which not in tabs:
        if which in worklist_tabs():
            raise PermissionDenied  # a list of the ledger's roles
        raise Http404
    user = request.user
    now = timezone.now()
    several = user.community_id is None
    grouped = which == "late" and oversees(user)
    counts = {w: selectors.worklist(user, w, now).count() for w in tabs}
    qs = selectors.worklist(user, which, now).select_related("resident")
    if several or grouped:
        qs = qs.select_related("community")
    # Paged by keyset on (deadline, id), the order of the open-request indexes, one urgency
    # after another: any page of a long late list costs what the first does.
    page = keyset_page(
        qs,
        key="deadline",
        descending=False,
        onward=Cursor.parse(request.GET.get("after")),
        back=Cursor.parse(request.GET.get("before")),
        bands=selectors.WORKLIST_BANDS,
        per_page=WORKLIST_ROWS,
    )
    can_claim = REQUESTS.claims_listed(user, teams_list=which == "team")
    # Lists show phones masked to everyone: a full number is one logged click on the request.
    full_phones = False
    rows = [make_row(r, now, full_phones=full_phones, can_claim=can_claim) for r in page.items]
    context = {
        "which": which,
        "tabs": [(w, label, counts[w]) for w, label in tabs.items()],
        "title": tabs[which],
        "rows": rows,
        "groups": group_by_community(rows) if grouped else None,
        "page": page,
        "next_query": urlencode({"after": str(page.onward)}) if page.onward else "",
        "previous_query": urlencode({"before": str(page.back)}) if page.back else "",
        "several_communities": several,
        "now": now,
    }
    template = "ledger/lists/_worklist.html" if request.htmx else "ledger/lists/worklist.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
