"""Keyset pages: a list paged by a (key, id) position instead of an offset, without a COUNT(*).

At millions of rows the first page and the thousandth cost the same: one index range scan
starting at the position. A list whose rows live in several partitions (the communities of a
street) can be scanned one partition at a time and merged, which a database cannot always do by
itself with a (partition, key, id) index.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from linli.lib.numbers import whole_number

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Cursor:
    """A position in a list: the (key, id) of a row, e.g. (created_at, id) of the ledger,
    (deadline, id) of a worklist."""

    at: datetime
    pk: int

    @classmethod
    def of(cls, row: Model, key: str) -> "Cursor":
        return cls(getattr(row, key), row.pk)

    @classmethod
    def parse(cls, raw: str | None) -> "Cursor | None":
        """`<iso created_at>,<id>`, or None when it does not read."""
        if not raw:
            return None
        at_text, _sep, pk_text = raw.strip().rpartition(",")
        pk = whole_number(pk_text)
        if pk is None:
            return None
        try:
            at = datetime.fromisoformat(at_text)
        except ValueError:
            return None
        if timezone.is_naive(at):
            at = at.replace(tzinfo=UTC)
        return cls(at, pk)

    def __str__(self) -> str:
        return f"{self.at.astimezone(UTC).isoformat()},{self.pk}"


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


def keyset_page(
    qs: QuerySet[M],
    *,
    key: str,
    descending: bool,
    onward: Cursor | None = None,
    back: Cursor | None = None,
    partitions: list[int] | None = None,
    partition_field: str = "community_id",
    per_page: int = 50,
) -> KeysetPage[M]:
    """One page of `qs` in (key, id) order: the rows past `onward`, or the page ending just
    before `back`; with `partitions`, each of them (values of `partition_field`) scanned on its
    own and merged."""
    if back is not None and onward is None:
        rows = _fetch(
            qs, partitions, back, key=key, descending=not descending, limit=per_page + 1,
            partition_field=partition_field,
        )  # fmt: skip
        if len(rows) > per_page:
            items = rows[:per_page][::-1]
            return KeysetPage(
                items, onward=Cursor.of(items[-1], key), back=Cursor.of(items[0], key)
            )
        onward = None  # fewer than a page lie before: that is the first page
    rows = _fetch(
        qs, partitions, onward, key=key, descending=descending, limit=per_page + 1,
        partition_field=partition_field,
    )  # fmt: skip
    items = rows[:per_page]
    following = Cursor.of(items[-1], key) if len(rows) > per_page else None
    previous = None
    if onward is not None:
        previous = Cursor.of(items[0], key) if items else onward
    return KeysetPage(items, onward=following, back=previous)
