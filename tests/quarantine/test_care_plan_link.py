"""A quarantine's page links to its care plan only for those the care app lets open it: its
planners and its team, not a street official who reads the quarantine."""

import pytest
from django.test import Client
from django.urls import reverse

from linli.core.models import User
from linli.core.roles import Role
from linli.quarantine import actions
from linli.quarantine.models import HomeQuarantine
from tests.factories import make_resident, make_user
from tests.quarantine.factories import Gates, make_gates

pytestmark = pytest.mark.django_db


@pytest.fixture
def gates() -> Gates:
    return make_gates()


@pytest.fixture
def quarantine(gates: Gates) -> HomeQuarantine:
    resident = make_resident(gates.community, "张三", room="601")
    return actions.do_start_home_quarantine(resident, actor=gates.worker)


def seen_by(client: Client, user: User, quarantine: HomeQuarantine) -> tuple[bool, int]:
    """Whether the quarantine's page links to the plan, and what the link answers."""
    client.force_login(user)
    body = client.get(reverse("quarantine:quarantine", args=[quarantine.pk])).content.decode()
    plan_url = reverse("care:plan-detail", args=[quarantine.plan_id])
    return f'href="{plan_url}"' in body, client.get(plan_url).status_code


def test_a_street_official_reads_the_quarantine_without_a_link_to_a_plan_they_cannot_open(
    client: Client, gates: Gates, quarantine: HomeQuarantine
) -> None:
    official = make_user(Role.OFFICIAL, street=gates.community.street)

    assert seen_by(client, official, quarantine) == (False, 403)


def test_the_planner_and_the_plan_s_doctor_follow_the_link_to_the_plan(
    client: Client, gates: Gates, quarantine: HomeQuarantine
) -> None:
    assert seen_by(client, gates.worker, quarantine) == (True, 200)
    assert seen_by(client, gates.care.doctor, quarantine) == (True, 200)
