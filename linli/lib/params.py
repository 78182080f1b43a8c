"""Dates, times and numbers as a browser sends them: in a page's address (?day=2026-12-07,
?floor=3, ?page=2) or in a form.

Anyone can type an address or post a form by hand, so a value that cannot be read is never a
500. A value of the address is left out and said so on the page, which then answers 400
(`QueryParams`); a value of a form is an error on its field, as an action's are (`posted_date`
…). Dates stay between EARLIEST and LATEST, far from the calendar's ends (a page adds a day to
the day it shows, and `date.max` plus a day raises); numbers within what the databases hold.
"""

from collections.abc import Callable
from datetime import date, datetime, time
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from django.utils.translation import gettext as _

from linli.lib.numbers import MAX_ID, whole_number
from linli.lib.validation import excerpt

EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)
# A page number of a list paged by number: its rows are skipped by OFFSET, which the databases
# hold as a 64-bit integer; no list has pages that far.
MAX_PAGE = MAX_ID // 10_000

T = TypeVar("T")


class Unreadable(ValueError):
    """A value that is not what it should be: a date that is no day, a number past the
    databases' largest."""


def read_date(raw: str) -> date | None:
    """2026-12-07 as a date; None when nothing was given."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        found = parse_date(raw)
    except ValueError:  # well formed, but no day of the calendar (2026-02-30)
        found = None
    if found is None or not EARLIEST <= found <= LATEST:
        raise Unreadable(raw)
    return found


def read_datetime(raw: str) -> datetime | None:
    """2026-12-07T14:30 (a datetime-local input) in the current time zone; None when empty."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        found = parse_datetime(raw)
    except ValueError:
        found = None
    if found is None or not EARLIEST <= found.date() <= LATEST:
        raise Unreadable(raw)
    return timezone.make_aware(found) if timezone.is_naive(found) else found


def read_time(raw: str) -> time | None:
    """14:30 as a time of day; None when empty."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        found = parse_time(raw)
    except ValueError:  # well formed, but no time of day (25:00)
        found = None
    if found is None:
        raise Unreadable(raw)
    return found


def read_number(raw: str, *, negative: bool = False) -> int | None:
    """Digits 0-9 (after a minus sign, when `negative`) as a number the databases hold; None
    when empty."""
    raw = raw.strip()
    if not raw:
        return None
    sign, digits = (-1, raw[1:]) if negative and raw.startswith("-") else (1, raw)
    found = whole_number(digits)
    if found is None:
        raise Unreadable(raw)
    return sign * found


def read_page(raw: str) -> int | None:
    """A page number, 1 to MAX_PAGE; None when empty."""
    found = read_number(raw)
    if found is not None and not 1 <= found <= MAX_PAGE:
        raise Unreadable(raw)
    return found


class QueryParams:
    """The values of a page's address, read one by one. A value that cannot be read is left
    out (None) and told on the page the view renders; `status` is then 400."""

    def __init__(self, request: HttpRequest, *, tell: bool = True) -> None:
        self.request = request
        # Whether to tell the bad values as messages on the page (a download has no page: it
        # answers with `bad` as its text instead).
        self.tell = tell
        self.bad: list[str] = []

    def _read(self, name: str, reader: Callable[[str], T | None], message: str) -> T | None:
        raw = self.request.GET.get(name, "")
        try:
            return reader(raw)
        except Unreadable:
            text = message % {"value": excerpt(raw.strip())}
            self.bad.append(text)
            if self.tell:
                messages.error(self.request, text)
            return None

    def date(self, name: str) -> date | None:
        return self._read(
            name, read_date, _("%(value)s in the address is not a date (YYYY-MM-DD): left out.")
        )

    def number(self, name: str, *, negative: bool = False) -> int | None:
        return self._read(
            name,
            lambda raw: read_number(raw, negative=negative),
            _("%(value)s in the address is not a number this page can use: left out."),
        )

    def page(self) -> int:
        """The page of a list paged by number: 1 unless a page was asked for."""
        found = self._read(
            "page", read_page, _("%(value)s in the address is not a page number: left out.")
        )
        return found or 1

    @property
    def status(self) -> int:
        return 400 if self.bad else 200


def _posted(
    data: QueryDict, name: str, reader: Callable[[str], T | None], message: str
) -> T | None:
    try:
        return reader(data.get(name, ""))
    except Unreadable as exc:
        raise ValidationError({name: message % {"value": excerpt(str(exc))}}) from None


def posted_date(data: QueryDict, name: str) -> date | None:
    """The date posted as `name`; None when empty; a ValidationError on `name` when it is no
    date."""
    return _posted(data, name, read_date, _("not a date (YYYY-MM-DD)"))


def posted_datetime(data: QueryDict, name: str) -> datetime | None:
    return _posted(data, name, read_datetime, _("not a date and time (YYYY-MM-DD HH:MM)"))


def posted_time(data: QueryDict, name: str) -> time | None:
    return _posted(data, name, read_time, _("%(value)s is not a time of day"))


def posted_number(data: QueryDict, name: str, *, negative: bool = False) -> int | None:
    return _posted(data, name, lambda raw: read_number(raw, negative=negative), _("not a number"))
