"""The register's lists: vulnerable groups, the count table, xlsx exports and stairwell rosters.

Reads go through `linli.people.list_selectors` (built on `scoped`); single objects named in a URL
or a filter (community, compound, building, unit) through `get_for_user`, so another community's
is 404. Exports are written with openpyxl's write-only workbook into a temporary file and streamed
from it; every export is logged, one entry per community it covered with its number of people.
"""

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from linli.core.actions import do_record_export
from linli.core.decorators import capability_required
from linli.core.http import AuthedRequest
from linli.core.models import Building, Community, Compound, Unit
from linli.core.policy import sees_full_numbers
from linli.core.roles import Cap
from linli.core.scoping import get_for_user, scoped
from linli.lib.masking import mask_id_number, mask_phone
from linli.lib.numbers import whole_number
from linli.lib.xlsx import Sheet
from linli.people import list_selectors as ls
from linli.people.models import Resident
from linli.people.selectors import residents_for

PAGE_SIZE = 50
BOLD = Font(bold=True)


def _int_param(request: AuthedRequest, name: str) -> int | None:
    return whole_number(request.GET.get(name, ""))


# --- Filters ------------------------------------------------------------------------------------


class Filters:
    """The place and tag filters of a list or an export, read from the query string.

    Each object named is fetched with `get_for_user`: outside the user's area it is 404. A
    building of another compound than the one chosen is dropped (the user changed compound).
    """

    def __init__(self, request: AuthedRequest, *, with_tag: bool = True) -> None:
        user = request.user
        self.community: Community | None = None
        self.compound: Compound | None = None
        self.building: Building | None = None
        if (pk := _int_param(request, "community")) is not None:
            self.community = get_for_user(user, Community.objects.all(), Cap.VIEW_REGISTER, pk=pk)
        if (pk := _int_param(request, "compound")) is not None:
            self.compound = get_for_user(
                user, Compound.objects.select_related("community"), Cap.VIEW_REGISTER, pk=pk
            )
            if self.community is not None and self.compound.community_id != self.community.pk:
                self.compound = None
        if (pk := _int_param(request, "building")) is not None and self.compound is not None:
            building = get_for_user(
                user, Building.objects.select_related("compound"), Cap.VIEW_REGISTER, pk=pk
            )
            if building.compound_id == self.compound.pk:
                self.building = building
        if self.compound is not None and self.community is None:
            self.community = self.compound.community
        tags = dict(ls.tag_choices())
        tag = request.GET.get("tag", "") if with_tag else ""
        self.tag = tag if tag in tags else ""
        self.tag_label = str(tags[tag]) if self.tag else ""

    def vulnerable(self) -> ls.VulnerableFilter:
        return ls.VulnerableFilter(tag=self.tag, compound=self.compound, building=self.building)

    def apply(self, residents: QuerySet[Resident]) -> QuerySet[Resident]:
        residents = ls.in_place(residents, self.compound, self.building)
        if self.community is not None:
            residents = residents.filter(community=self.community)
        return residents

    def query(self, **extra: str) -> str:
        """The filters as a query string (for the pager and the export links)."""
        params = {
            "tag": self.tag,
            "community": str(self.community.pk) if self.community else "",
            "compound": str(self.compound.pk) if self.compound else "",
            "building": str(self.building.pk) if self.building else "",
            **extra,
        }
        return urlencode({k: v for k, v in params.items() if v})


def _place_choices(request: AuthedRequest, filters: Filters) -> dict[str, Any]:
    user = request.user
    several = ls.spans_several_communities(user)
    compounds = ls.compounds_for(user)
    if filters.community is not None:
        compounds = compounds.filter(community=filters.community)
    return {
        "several_communities": several,
        "communities": (
            scoped(user, Community.objects.all()).order_by("name", "pk") if several else []
        ),
        "compounds": compounds,
        "buildings": ls.buildings_of(user, filters.compound) if filters.compound else [],
    }


# --- Vulnerable-groups list ---------------------------------------------------------------------


@capability_required(Cap.VIEW_REGISTER)
def vulnerable_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    filters = Filters(request)
    residents = filters.apply(ls.vulnerable_residents(user, today, filters.vulnerable()))
    page = Paginator(ls.with_address_and_tags(residents), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "resident": r,
            "age": ls.age_on(r.date_of_birth, today),
            "age_group": ls.age_group(r.date_of_birth, today),
            "tags": [v.get_kind_display() for v in r.tag_list],  # type: ignore[attr-defined]
        }
        for r in page
    ]
    return render(
        request,
        "people/lists/vulnerable_list.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "tag_choices": ls.tag_choices(),
            "query": filters.query(),
            "can_view_pii": sees_full_numbers(user),
            **_place_choices(request, filters),
        },
    )


# --- Count table --------------------------------------------------------------------------------


@capability_required(Cap.VIEW_REGISTER)
def counts(request: AuthedRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    by_building = request.GET.get("by") == "building"
    table = ls.count_table(user, today, by_building=by_building)
    several = ls.spans_several_communities(user)
    can_view_pii = sees_full_numbers(user)
    return render(
        request,
        "people/lists/counts.html",
        {
            "table": table,
            "rows": [
                (row, list(zip(table.columns, row.values, strict=True))) for row in table.rows
            ],
            "totals": list(zip(table.columns, table.totals, strict=True)),
            "place_span": 1 + table.several_communities + by_building,
            "by_building": by_building,
            "today": today,
            "can_view_pii": can_view_pii,
            "several_communities": several,
            "communities": (
                scoped(user, Community.objects.all()).order_by("name", "pk")
                if several and can_view_pii
                else []
            ),
        },
    )


# --- Exports ------------------------------------------------------------------------------------


def _tag_separator() -> str:
    return "、" if (get_language() or "").startswith("zh") else ", "


def _export_residents(
    request: AuthedRequest,
    residents: QuerySet[Resident],
    filters: Filters,
    *,
    kind: str,
    sheet_title: str,
) -> FileResponse:
    """The register layout (序号, 姓名, 性别 … 特殊群体) of `residents`, masked by role.

    Roles without VIEW_PII get masked phones and no identity numbers at all. Roles with it get
    full numbers when the export covers one community (and `masked=1` is not asked). Every export,
    masked or not, is logged per community it covered (`do_record_export`).
    """
    user = request.user
    today = timezone.localdate()
    can_view_pii = sees_full_numbers(user)
    community = ls.export_community(user, filters.compound, filters.community)
    full = can_view_pii and community is not None and request.GET.get("masked") != "1"
    several = ls.spans_several_communities(user) and filters.community is None

    labels = [_("No."), _("Name"), _("Sex"), _("Date of birth"), _("Age")]
    widths: list[float] = [6, 12, 6, 12, 6]
    if can_view_pii:
        labels.append(_("Identity number"))
        widths.append(21)
    labels.append(_("Contact phone"))
    widths.append(14)
    if several:
        labels.append(_("Community"))
        widths.append(14)
    labels += [_("Compound"), _("Building no."), _("Unit"), _("Room no."), _("Vulnerable groups")]
    widths += [14, 8, 6, 8, 30]
    sheet = Sheet(sheet_title, widths=widths)
    sheet.header(labels)
    separator = _tag_separator()
    for number, row in enumerate(ls.register_rows(user, residents, today), start=1):
        values: list[object] = [number, row.name, row.sex, row.date_of_birth, row.age]
        if can_view_pii:
            values.append(row.id_number if full else mask_id_number(row.id_number))
        values.append(row.phone if full else mask_phone(row.phone))
        if several:
            values.append(row.community)
        values += [row.compound, row.building, row.unit, row.room, separator.join(row.tags) or None]
        sheet.row(values)

    response = sheet.response(f"linli-{kind}-{_file_tag(community)}{today}.xlsx")
    seen = ["phone", "id_number"] if full else ["masked"]
    do_record_export(residents, actor=user, fields=[f"export:{kind}", *seen], request=request)
    return response


def _file_tag(community: Community | None) -> str:
    return f"{community.code}-" if community is not None else ""


@capability_required(Cap.VIEW_REGISTER)
def export_register(request: AuthedRequest) -> FileResponse:
    filters = Filters(request, with_tag=False)
    residents = filters.apply(residents_for(request.user))
    return _export_residents(
        request, residents, filters, kind="register", sheet_title=_("Register")
    )


@capability_required(Cap.VIEW_REGISTER)
def export_vulnerable(request: AuthedRequest) -> FileResponse:
    filters = Filters(request)
    residents = filters.apply(
        ls.vulnerable_residents(request.user, timezone.localdate(), filters.vulnerable())
    )
    return _export_residents(
        request, residents, filters, kind="vulnerable", sheet_title=_("Vulnerable groups")
    )


@capability_required(Cap.VIEW_REGISTER)
def export_counts(request: AuthedRequest) -> FileResponse:
    """The count table as it is reported upward: a title line, the header, rows, totals."""
    user = request.user
    today = timezone.localdate()
    by_building = request.GET.get("by") == "building"
    table = ls.count_table(user, today, by_building=by_building)
    place_labels = [_("No.")]
    widths: list[float] = [6]
    if table.several_communities:
        place_labels.append(_("Community"))
        widths.append(14)
    place_labels.append(_("Compound"))
    widths.append(14)
    if by_building:
        place_labels.append(_("Building no."))
        widths.append(8)
    sheet = Sheet(
        _("Count table"),
        widths=widths + [10.0] * len(table.columns),
        freeze=get_column_letter(len(place_labels) + 1) + "3",
    )
    title = _("Count table of %(area)s on %(date)s") % {
        "area": user.area_name,
        "date": today.isoformat(),
    }
    sheet.row([title], size=14)
    sheet.header(place_labels + [str(column.label) for column in table.columns])
    for number, row in enumerate(table.rows, start=1):
        places: list[object] = [number]
        if table.several_communities:
            places.append(row.community)
        places.append(row.compound)
        if by_building:
            places.append(row.building)
        sheet.row(places + list(row.values))
    padding: list[object] = [None] * (len(place_labels) - 1)
    sheet.row([_("Total"), *padding, *table.totals], bold=True)
    kind = "counts-by-building" if by_building else "counts"
    return sheet.response(f"linli-{kind}-{today}.xlsx")


# --- Stairwell rosters --------------------------------------------------------------------------


@capability_required(Cap.VIEW_ROSTERS)
def rosters(request: AuthedRequest) -> HttpResponse:
    """Pick a compound, then a building whose units to print."""
    user = request.user
    compound = None
    buildings: QuerySet[Building] | list[Building] = []
    if (pk := _int_param(request, "compound")) is not None:
        compound = get_for_user(
            user, Compound.objects.select_related("community"), Cap.VIEW_ROSTERS, pk=pk
        )
        buildings = ls.buildings_with_units(user, compound)
    return render(
        request,
        "people/lists/rosters.html",
        {
            "compounds": ls.compounds_for(user),
            "compound": compound,
            "buildings": buildings,
            "several_communities": ls.spans_several_communities(user),
        },
    )


@capability_required(Cap.VIEW_ROSTERS)
def roster_building(request: AuthedRequest, pk: int) -> HttpResponse:
    """One printed A4 page per unit (单元/门洞): rooms floor by floor and who lives there."""
    user = request.user
    building = get_for_user(
        user, Building.objects.select_related("compound__community"), Cap.VIEW_ROSTERS, pk=pk
    )
    unit = None
    if (unit_pk := _int_param(request, "unit")) is not None:
        unit = get_for_user(
            user, Unit.objects.filter(building=building), Cap.VIEW_ROSTERS, pk=unit_pk
        )
    today: date = timezone.localdate()
    return render(
        request,
        "people/lists/roster_building.html",
        {
            "building": building,
            "unit": unit,
            "rosters": ls.building_rosters(user, building, today, unit),
            "today": today,
        },
    )
