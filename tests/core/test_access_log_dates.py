"""The access log's dates as the address gives them: a date it cannot read is told, with a
400, and filters nothing out; never a 500 (a last day of 9999 has no day after it)."""

import pytest
from django.test import Client
from django.urls import reverse

from linli.core.actions import do_record_pii_access
from linli.core.models import Community
from linli.core.roles import Role
from tests.factories import make_resident, make_user
from tests.people.list_factories import in_english

LOG = reverse("core:pii-log")
EXPORT = reverse("core:pii-log-export")
BAD = ["2026-99-99", "2026-02-30", "9999-12-31", "0001-01-01", "not a date"]


@pytest.fixture
def head(client: Client, community_a: Community) -> Client:
    user = make_user(Role.WORKER, community_a)
    community_a.head = user
    community_a.save(update_fields=["head"])
    do_record_pii_access(
        make_resident(community_a, "张三"), actor=user, community=community_a, fields=["phone"]
    )
    client.force_login(user)
    client.raise_request_exception = False  # a 500 is an answer to assert on, not an error
    in_english(client)
    return client


@pytest.mark.parametrize("name", ["since", "until"])
@pytest.mark.parametrize("value", BAD)
def test_an_unreadable_date_of_the_log_is_told_and_filters_nothing_out(
    head: Client, name: str, value: str
) -> None:
    response = head.get(LOG, {name: value})

    assert response.status_code == 400
    assert f"{value} in the address is not a date (YYYY-MM-DD)" in response.content.decode()
    assert response.context["page"].paginator.count == 1


@pytest.mark.parametrize("name", ["since", "until"])
@pytest.mark.parametrize("value", BAD)
def test_an_unreadable_date_of_the_log_s_export_is_a_400_saying_why(
    head: Client, name: str, value: str
) -> None:
    response = head.get(EXPORT, {name: value})

    assert response.status_code == 400
    assert f"{value} in the address is not a date" in response.content.decode()


def test_the_first_and_last_days_a_page_reads_are_dates(head: Client) -> None:
    response = head.get(LOG, {"since": "1900-01-01", "until": "2999-12-31"})

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1
