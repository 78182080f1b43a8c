"""Work handed to a team (交办 to a group) is on each member's lists, and they work it: the lead
and every member see it on their home page, under "My teams" and on its own page; one of them
takes it (exactly one); nobody outside the team reaches it."""

import pytest
from django.test import Client
from django.urls import reverse

from linli.core.actions import do_save_team
from linli.core.models import Community, Team, User
from linli.core.roles import Role
from linli.ledger.actions import do_assign
from linli.ledger.models import Request
from linli.ledger.policy import REQUESTS
from tests.factories import make_resident, make_user
from tests.ledger.factories import make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(community_a: Community) -> dict[str, User]:
    return {
        "lead": make_user(Role.VOLUNTEER, community_a),
        "social": make_user(Role.SOCIAL_WORKER, community_a),
        "property": make_user(Role.PROPERTY, community_a),
        "outsider": make_user(Role.VOLUNTEER, community_a),
    }


@pytest.fixture
def team(community_a: Community, worker_a: User, people: dict[str, User]) -> Team:
    return do_save_team(
        community_a,
        actor=worker_a,
        name="三号楼志愿小组",
        lead=people["lead"],
        members=[people["lead"], people["social"], people["property"]],
    )


@pytest.fixture
def handed(community_a: Community, worker_a: User, team: Team) -> Request:
    resident = make_resident(community_a, "王阿姨", phone="13912340000")
    request = make_request(
        community_a, worker_a, description="帮忙买降压药两盒、鸡蛋一盒", resident=resident
    ).request
    return do_assign(request, actor=worker_a, team=team)


def signed_in(user: User) -> Client:
    client = Client()
    client.cookies["django_language"] = "zh-hans"
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["lead", "social", "property"])
def test_every_member_sees_the_teams_request_on_home_on_my_teams_and_on_its_page(
    people: dict[str, User], handed: Request, who: str
) -> None:
    client = signed_in(people[who])

    home = client.get("/").content.decode()
    team_list = client.get(reverse("ledger:worklist", args=["team"]))
    page = client.get(reverse("ledger:request-detail", args=[handed.pk]))

    assert f'data-request="{handed.pk}"' in home
    assert "帮忙买降压药两盒、鸡蛋一盒" in home  # what to buy, on the phone's list
    assert team_list.status_code == 200
    assert [row.request.pk for row in team_list.context["rows"]] == [handed.pk]
    assert team_list.context["rows"][0].claimable
    assert page.status_code == 200


def test_someone_outside_the_team_does_not_reach_its_request(
    people: dict[str, User], handed: Request
) -> None:
    client = signed_in(people["outsider"])

    assert f'data-request="{handed.pk}"' not in client.get("/").content.decode()
    assert client.get(reverse("ledger:worklist", args=["team"])).context["rows"] == []
    assert client.get(reverse("ledger:request-detail", args=[handed.pk])).status_code == 404


def test_a_member_takes_the_teams_request_and_works_it_to_done(
    people: dict[str, User], handed: Request, team: Team
) -> None:
    member = people["property"]
    client = signed_in(member)

    def action(name: str) -> str:
        return reverse("ledger:request-action", args=[handed.pk, name])

    client.post(action("claim"))
    handed.refresh_from_db()
    assert (handed.assignee, handed.team, handed.status) == (member, team, "assigned")

    client.post(action("start"))
    client.post(action("complete"), {"result": "药和鸡蛋已送到门口"})
    handed.refresh_from_db()
    assert handed.status == "done"
    assert (
        f'data-request="{handed.pk}"' not in signed_in(people["social"]).get("/").content.decode()
    )


def test_once_a_member_has_taken_it_the_others_cannot_take_it_again(
    people: dict[str, User], handed: Request
) -> None:
    signed_in(people["social"]).post(reverse("ledger:request-action", args=[handed.pk, "claim"]))
    second = signed_in(people["property"])
    second.post(reverse("ledger:request-action", args=[handed.pk, "claim"]))

    handed.refresh_from_db()
    assert handed.assignee == people["social"]
    assert not REQUESTS.may(people["property"], handed, "claim")
    assert not REQUESTS.may(people["property"], handed, "urgency")


def test_a_member_sees_the_residents_number_while_the_task_is_open(
    people: dict[str, User], handed: Request
) -> None:
    client = signed_in(people["social"])
    page = client.post(reverse("ledger:request-detail", args=[handed.pk])).content.decode()

    assert 'href="tel:13912340000"' in page
    assert not REQUESTS.may(people["outsider"], handed, "reveal")


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.OPERATOR, Role.WORKER, Role.DOCTOR])
def test_the_team_list_shows_a_claim_button_exactly_where_the_policy_lets_one_claim(
    community_a: Community, worker_a: User, team: Team, handed: Request, role: Role
) -> None:
    member = make_user(role, community_a)
    team.members.add(member)
    member = User.objects.get(pk=member.pk)
    client = signed_in(member)

    listed = client.get(reverse("ledger:worklist", args=["team"]))

    rows = (
        {row.request.pk: row for row in listed.context["rows"]} if listed.status_code == 200 else {}
    )
    shown = handed.pk in rows and rows[handed.pk].claimable
    assert shown == REQUESTS.may(member, Request.objects.get(pk=handed.pk), "claim")
