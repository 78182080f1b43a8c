"""Pages without a COUNT(*): on a million-row register the count costs more than the page."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)
T = TypeVar("T")  # a page may hold rows built from the models (a care list's lines)


@dataclass
class Page(Generic[T]):
    items: Sequence[T]
    number: int
    has_next: bool
    # The rows were cut at a maximum before paging (a search with too many matches).
    capped: bool = False
    # Why the search found nobody on purpose (a search the user may not make), if it did.
    refused: str = ""

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def page_of(qs: QuerySet[M], number: str | int | None, per_page: int = 50) -> Page[M]:
    """Page `number` (1-based; anything unreadable is page 1), fetching one row more than shown
    to know whether a next page exists."""
    try:
        n = max(1, int(number or 1))
    except ValueError:
        n = 1
    start = (n - 1) * per_page
    rows = list(qs[start : start + per_page + 1])
    return Page(items=rows[:per_page], number=n, has_next=len(rows) > per_page)
