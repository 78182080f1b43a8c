"""Teams made and changed in the app: work is handed to them, and "my teams" lists it."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from linli.core.actions import do_save_team
from linli.core.models import Community, Team, User
from linli.core.roles import Role
from linli.ledger.actions import do_assign
from linli.ledger.selectors import worklist
from tests.factories import make_user
from tests.ledger.factories import make_request
from tests.people.list_factories import in_english

pytestmark = pytest.mark.usefixtures("english")


def test_a_team_is_made_with_its_lead_among_its_members(
    community_a: Community, worker_a: User
) -> None:
    runner = make_user(Role.VOLUNTEER, community_a)

    team = do_save_team(
        community_a, actor=worker_a, name=" 送药 小组 ", members=[runner], lead=worker_a
    )

    assert team.name == "送药 小组" and team.lead == worker_a
    assert set(team.members.all()) == {runner, worker_a}


def test_a_team_handed_a_request_finds_it_under_my_teams(
    community_a: Community, worker_a: User
) -> None:
    runner = make_user(Role.VOLUNTEER, community_a)
    team = do_save_team(community_a, actor=worker_a, name="3号楼", members=[runner, worker_a])
    item = make_request(community_a, worker_a).request

    do_assign(item, actor=worker_a, team=team)

    assert list(worklist(worker_a, "team")) == [item]
    assert list(worklist(worker_a, "mine")) == []


@pytest.mark.parametrize(
    ("name", "who", "field", "words"),
    [
        ("空队", "nobody", "members", "at least one member"),
        ("", "worker", "name", "needs a name"),
        ("外人队", "stranger", "members", "not of this community"),
    ],
)
def test_a_bad_team_is_refused_naming_the_field(
    community_a: Community,
    community_b: Community,
    worker_a: User,
    name: str,
    who: str,
    field: str,
    words: str,
) -> None:
    members = {
        "nobody": [],
        "worker": [worker_a],
        "stranger": [make_user(Role.VOLUNTEER, community_b)],
    }[who]

    with pytest.raises(ValidationError) as refused:
        do_save_team(community_a, actor=worker_a, name=name, members=members)

    assert words in refused.value.message_dict[field][0]
    assert not Team.objects.exists()


def test_the_team_pages_make_and_change_a_team(
    client: Client, community_a: Community, worker_a: User
) -> None:
    runner = make_user(Role.VOLUNTEER, community_a)
    client.force_login(worker_a)
    in_english(client)

    refused = client.post(reverse("core:team-new"), {"name": "空队"})
    assert "at least one member" in refused.content.decode()
    assert not Team.objects.exists()

    made = client.post(
        reverse("core:team-new"), {"name": "送药队", "members": [runner.pk], "lead": runner.pk}
    )
    team = Team.objects.get()
    assert made.status_code == 302 and team.lead == runner
    client.post(
        reverse("core:team-edit", args=[team.pk]),
        {"name": "送药队", "members": [runner.pk, worker_a.pk]},
    )
    assert set(Team.objects.get().members.all()) == {runner, worker_a}
    assert "送药队" in client.get(reverse("core:teams")).content.decode()


def test_another_community_s_team_is_not_found(
    client: Client, community_a: Community, community_b: Community, worker_a: User
) -> None:
    worker_b = make_user(Role.WORKER, community_b)
    theirs = do_save_team(community_b, actor=worker_b, name="他们的", members=[worker_b])
    client.force_login(worker_a)

    assert client.get(reverse("core:team-edit", args=[theirs.pk])).status_code == 404
