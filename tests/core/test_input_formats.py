"""Every date, time and number input of every page, in Chinese (the default language) as in
English, carries its value in the one format the browser's input reads (`linli.core.widgets`).

A value the browser cannot read is shown as an empty field, and the form saved from it erases
what was there: a `2026/12/07` birth date did exactly that. Pages are found by walking the URL
configuration (tests/core/test_access_matrix.py), so a page that lands later is held too.
"""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings

from linli.core.roles import Role
from tests.core.test_access_matrix import (
    POST_ONLY,
    World,
    all_routes,
    body,
    client_for,
    web_routes,
)
from tests.core.test_access_matrix import world as world  # the fixture, by name

READABLE = {
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "time": re.compile(r"\d{2}:\d{2}(:\d{2})?"),
    "datetime-local": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?"),
    "number": re.compile(r"-?\d+(\.\d+)?"),
}
# Whose pages are read: those who fill in the register's, care's and quarantine's forms.
ROLES = (Role.WORKER, Role.DOCTOR, Role.HOTEL, Role.ADMIN)


class Inputs(HTMLParser):
    """The typed inputs of a page that carry a value: (type, name, value)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        kind = values.get("type") or ""
        if tag == "input" and kind in READABLE and values.get("value"):
            self.found.append((kind, values.get("name") or "", values["value"] or ""))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_date_time_and_number_input_is_in_the_browser_s_format(
    request: pytest.FixtureRequest, language: str
) -> None:
    world: World = request.getfixturevalue("world")
    unreadable, read = [], []
    for role in ROLES:
        client = client_for(world.users[role])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for route in web_routes(all_routes()):
            if route.name in POST_ONLY or route.name in ("logout", "admin:logout"):
                continue
            url = route.path(world.a.values(route))
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            page = Inputs()
            page.feed(body(response))
            for kind, name, value in page.found:
                read.append((route.name, name))
                if not READABLE[kind].fullmatch(value):
                    unreadable.append(f"{url} as {role.value}: {kind} {name}={value!r}")

    assert not unreadable, "\n".join(unreadable)
    # The walk reached the forms it is for: a resident's birth date, a tag's start, a departure.
    fields = {name for _route, name in read}
    assert {"date_of_birth", "since", "on"} <= fields, sorted(fields)
