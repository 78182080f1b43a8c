"""Inputs whose value the browser reads in one format only, whatever the page's language.

A browser's `<input type="date">` takes `2026-12-07` and nothing else; Django writes a date in
the active language's first input format (`2026/12/07` in zh-hans), which the browser shows as
an empty field, and a form saved from it erased the date. Every date, time and datetime input
of Linli is one of these; `tests/core/test_input_formats.py` walks every page in Chinese to
hold it so.
"""

from typing import Any

from django import forms

DATE = "%Y-%m-%d"
TIME = "%H:%M"
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=DATE)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=TIME)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=DATETIME_LOCAL)
