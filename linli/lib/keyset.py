"""Keyset pages: a list paged by a (key, id) position instead of an offset, without a COUNT(*).

At millions of rows the first page and the thousandth cost the same: one index range scan
starting at the position. A list whose rows live in several partitions (the communities of a
street) can be scanned one partition at a time and merged, which a database cannot always do by
itself with a (partition, key, id) index. A list in bands (a worklist: emergencies first, then
urgent, normal and low requests, each by deadline) is walked band by band, each band one index
range scan, so that sorting by the band never means sorting the whole list.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from linli.lib.numbers import whole_number

M = TypeVar("M", bound=Model)


BAND_PREFIX = re.compile(r"^(\d{1,2}):(?=\d{4}-)")


@dataclass(frozen=True)
class Cursor:
    """A position in a list: the (key, id) of a row, e.g. (created_at, id) of the ledger,
    (deadline, id) of a worklist, and in a list in bands the band of the row."""

    at: datetime
    pk: int
    band: int = 0

    @classmethod
    def of(cls, row: Model, key: str, bands: "Bands | None" = None) -> "Cursor":
        return cls(getattr(row, key), row.pk, bands.of(row) if bands else 0)

    @classmethod
    def parse(cls, raw: str | None) -> "Cursor | None":
        """`[<band>:]<iso key>,<id>`, or None when it does not read."""
        if not raw:
            return None
        text, band = raw.strip(), 0
        if found := BAND_PREFIX.match(text):
            band, text = int(found.group(1)), text[found.end() :]
        at_text, _sep, pk_text = text.rpartition(",")
        pk = whole_number(pk_text)
        if pk is None:
            return None
        try:
            at = datetime.fromisoformat(at_text)
        except ValueError:
            return None
        if timezone.is_naive(at):
            at = at.replace(tzinfo=UTC)
        return cls(at, pk, band)

    def __str__(self) -> str:
        position = f"{self.at.astimezone(UTC).isoformat()},{self.pk}"
        return f"{self.band}:{position}" if self.band else position


@dataclass(frozen=True)
class Bands:
    """A list's bands: the values of `field` in the order the list shows them."""

    field: str
    values: Sequence[str]

    def of(self, row: Model) -> int:
        value = getattr(row, self.field)
        return self.values.index(value) if value in self.values else len(self.values)


@dataclass
class KeysetPage(Generic[M]):
    items: list[M]
    onward: Cursor | None  # where the next page in the list's order starts, when there is one
    back: Cursor | None  # where the page before this one ends, when there is one


def _fetch(
    qs: QuerySet[M],
    partitions: list[int] | None,
    cursor: Cursor | None,
    *,
    key: str,
    descending: bool,
    limit: int,
    partition_field: str,
) -> list[M]:
    """Up to `limit` rows past `cursor` in (key, id) order, highest first if `descending`.

    The redundant `key <=` (or `>=`) bound is what lets the database start its index scan at the
    cursor; the OR then only settles ties of the key.
    """
    if cursor is not None:
        if descending:
            qs = qs.filter(
                Q(**{f"{key}__lte": cursor.at})
                & (Q(**{f"{key}__lt": cursor.at}) | Q(pk__lt=cursor.pk))
            )
        else:
            qs = qs.filter(
                Q(**{f"{key}__gte": cursor.at})
                & (Q(**{f"{key}__gt": cursor.at}) | Q(pk__gt=cursor.pk))
            )
    qs = qs.order_by(*((f"-{key}", "-pk") if descending else (key, "pk")))
    if partitions is None:
        return list(qs[:limit])
    # Keys only from each partition (a short index scan, cheap to plan), then the rows with
    # their joins in one query.
    keys: list[tuple[datetime, int]] = []
    light = qs.values_list(key, "pk")
    for partition in partitions:
        keys += light.filter(**{partition_field: partition})[:limit]
    keys.sort(reverse=descending)
    return list(qs.filter(pk__in=[pk for _at, pk in keys[:limit]]))


def _fetch_banded(
    qs: QuerySet[M],
    bands: Bands,
    cursor: Cursor | None,
    fetch: Callable[[QuerySet[M], Cursor | None, int], list[M]],
    *,
    forward: bool,
    limit: int,
) -> list[M]:
    """Up to `limit` rows past `cursor`, band after band (backwards when not `forward`), each
    band fetched by `fetch(rows of the band, cursor within it, how many)`."""
    order = list(range(len(bands.values)))
    if not forward:
        order.reverse()
    rows: list[M] = []
    for band in order:
        if cursor is not None and (band < cursor.band if forward else band > cursor.band):
            continue
        within = cursor if cursor is not None and band == cursor.band else None
        rows += fetch(qs.filter(**{bands.field: bands.values[band]}), within, limit - len(rows))
        if len(rows) >= limit:
            break
    return rows


def keyset_page(
    qs: QuerySet[M],
    *,
    key: str,
    descending: bool,
    onward: Cursor | None = None,
    back: Cursor | None = None,
    partitions: list[int] | None = None,
    partition_field: str = "community_id",
    bands: Bands | None = None,
    per_page: int = 50,
) -> KeysetPage[M]:
    """One page of `qs` in (key, id) order: the rows past `onward`, or the page ending just
    before `back`; with `partitions`, each of them (values of `partition_field`) scanned on its
    own and merged; with `bands`, band after band (rows of no band are not shown)."""

    def fetch(cursor: Cursor | None, *, forward: bool) -> list[M]:
        order = descending if forward else not descending

        def one(rows: QuerySet[M], cursor: Cursor | None, limit: int) -> list[M]:
            return _fetch(
                rows, partitions, cursor, key=key, descending=order, limit=limit,
                partition_field=partition_field,
            )  # fmt: skip

        if bands is None:
            return one(qs, cursor, per_page + 1)
        return _fetch_banded(qs, bands, cursor, one, forward=forward, limit=per_page + 1)

    def at(row: M) -> Cursor:
        return Cursor.of(row, key, bands)

    if back is not None and onward is None:
        rows = fetch(back, forward=False)
        if len(rows) > per_page:
            items = rows[:per_page][::-1]
            return KeysetPage(items, onward=at(items[-1]), back=at(items[0]))
        onward = None  # fewer than a page lie before: that is the first page
    rows = fetch(onward, forward=True)
    items = rows[:per_page]
    following = at(items[-1]) if len(rows) > per_page else None
    previous = None
    if onward is not None:
        previous = at(items[0]) if items else onward
    return KeysetPage(items, onward=following, back=previous)
