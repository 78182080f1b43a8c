import json
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from linli.core.models import Community, User
from linli.core.roles import Cap, Role
from linli.core.seeding import seed
from linli.lib.idcard import check_char
from linli.people.models import Household, Resident, Vulnerability


def snapshot() -> list[tuple[str, str, date | None, str, str]]:
    return list(
        Resident.objects.order_by("pk").values_list(
            "name", "sex", "date_of_birth", "id_number", "household__room__number"
        )
    )


@pytest.mark.django_db
def test_same_seed_gives_the_same_register() -> None:
    seed(communities=2, residents=300, seed=7, password="p")
    first = snapshot()
    seed(communities=2, residents=300, seed=7, password="p", reset=True)
    assert snapshot() == first
    seed(communities=2, residents=300, seed=8, password="p", reset=True)
    assert snapshot() != first


@pytest.mark.django_db
def test_seed_looks_like_a_shanghai_community() -> None:
    seed(communities=2, residents=4000, seed=1, password="p", foreign_share=0.05)
    residents = Resident.objects.all()
    n = residents.count()
    assert n == 4000
    over_60 = residents.filter(date_of_birth__lte=date(1966, 1, 1)).count() / n
    assert 0.28 < over_60 < 0.40  # about a third
    foreign = residents.exclude(nationality="CN").count() / n
    assert 0.02 < foreign < 0.09
    for kind in (
        Vulnerability.Kind.LIVES_ALONE,
        Vulnerability.Kind.CHRONIC,
        Vulnerability.Kind.DISABLED,
    ):
        assert Vulnerability.objects.filter(kind=kind).exists()
    # Every household lives in a room of its own community.
    assert not Household.objects.exclude(
        room__unit__building__compound__community=F("community")
    ).exists()


@pytest.mark.django_db
def test_identity_numbers_are_valid_and_match_birth_and_sex() -> None:
    seed(communities=1, residents=500, seed=3, password="p")
    ids = set()
    for r in Resident.objects.filter(id_type=Resident.IdType.PRC_ID):
        assert len(r.id_number) == 18
        assert check_char(r.id_number[:17]) == r.id_number[17]
        assert r.date_of_birth is not None
        assert r.id_number[6:14] == r.date_of_birth.strftime("%Y%m%d")
        assert (int(r.id_number[16]) % 2 == 1) == (r.sex == "M")
        ids.add(r.id_number)
    assert len(ids) == Resident.objects.filter(id_type=Resident.IdType.PRC_ID).count()


@pytest.mark.django_db
def test_every_role_gets_a_demo_user_who_can_log_in() -> None:
    result = seed(streets=2, communities=2, residents=40, seed=1, password="demo-pass")
    roles = {login["role"] for login in result.logins}
    assert roles == {r.value for r in Role}
    assert Community.objects.count() == 4
    worker = User.objects.get(username="c1-worker")
    assert worker.check_password("demo-pass")
    assert worker.can(Cap.EDIT_REGISTER)
    assert User.objects.get(username="s2-official").street is not None


@pytest.mark.django_db
def test_seed_refuses_to_overwrite_without_reset() -> None:
    call_command("seed", "--residents", "10", "--password", "p", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed", "--residents", "10", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.django_db
def test_seed_command_prints_logins_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("seed", "--residents", "20", "--password", "pw", "--json")
    payload = json.loads(capsys.readouterr().out)
    assert payload["password"] == "pw"
    assert {"role": "worker", "area": "岐山居民区", "username": "c1-worker"} in payload["logins"]
    assert payload["counts"]["residents"] == 20


@pytest.mark.django_db
def test_seed_command_prints_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("seed", "--residents", "20", "--password", "pw")
    out = capsys.readouterr().out
    assert "c1-worker" in out and "s1-official" in out and "pw" in out


@pytest.mark.django_db
def test_seed_command_rejects_bad_counts() -> None:
    with pytest.raises(CommandError, match="--communities"):
        call_command("seed", "--communities", "0")


@pytest.mark.django_db
def test_the_demo_has_a_week_of_work_in_every_state_and_fills_every_building() -> None:
    from django.utils import timezone

    from linli.core.models import Building, Team
    from linli.ledger.models import Request

    seed(communities=2, residents=600, seed=1, password="p")

    requests = Request.objects.all()
    assert set(requests.values_list("status", flat=True)) >= {
        "new", "assigned", "in_progress", "done", "confirmed", "cancelled",
    }  # fmt: skip
    now = timezone.now()
    for community in Community.objects.all():
        mine = requests.filter(community=community)
        assert mine.filter(status__in=Request.OPEN_STATUSES, deadline__lt=now).exists()  # late
        assert mine.filter(status="new", urgency="emergency").exists()
        assert mine.filter(household=None).exclude(address_text="").exists()  # to be linked
        assert mine.filter(assignee__username__endswith="-volunteer", status="assigned").exists()
        assert mine.exclude(team=None).exists()
        # The ledger's two, and the quarantine's day and night reception teams.
        assert Team.objects.filter(community=community).count() == 4
        assert community.head is not None
    assert requests.filter(created_at__lt=now - timedelta(days=5)).exists()
    assert requests.filter(channel="hotline").exclude(call=None).exists()  # with their calls
    empty = Building.objects.exclude(units__rooms__households__isnull=False)
    assert not empty.exists()  # every building has households
