"""The three gates: a traveller before arrival, the reception by the team of the arrival's
shift, home quarantine with its checks, its end changes and its release."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from linli.care.models import CarePlan, ServiceItem
from linli.core.policy import VISITOR
from linli.core.roles import Role
from linli.ledger.models import Channel, Request, Urgency
from linli.people.models import Resident
from linli.quarantine import actions
from linli.quarantine.models import EndChange, HealthCheck, HomeQuarantine, Reception, Traveller
from linli.quarantine.selectors import arrivals, overdue_checks, released_by_code
from tests.care.factories import make_plan
from tests.factories import make_area, make_resident, make_user
from tests.quarantine.factories import at, make_gates, traveller

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _decide_home(gates, t: Traveller) -> HomeQuarantine:  # type: ignore[no-untyped-def]
    result = actions.do_decide(t.reception, actor=gates.worker, decision="home")
    assert isinstance(result, HomeQuarantine)
    return result


def test_an_arrival_at_night_goes_to_the_night_team_and_by_day_to_the_day_team() -> None:
    gates = make_gates()
    night = traveller(gates, "Night Owl", arrives=at(1, 23, 10), room="501")
    early = traveller(gates, "Early Bird", arrives=at(1, 6, 40), room="502")
    day = traveller(gates, "Day Trip", arrives=at(1, 14, 0), room="503")
    assert (night.reception.shift, night.reception.team) == (
        Reception.Shift.NIGHT,
        gates.night_team,
    )
    assert (early.reception.shift, early.reception.team) == (
        Reception.Shift.NIGHT,
        gates.night_team,
    )
    assert (day.reception.shift, day.reception.team) == (Reception.Shift.DAY, gates.day_team)


def test_a_reception_due_within_a_day_is_a_request_handed_to_the_teams_lead() -> None:
    gates = make_gates()
    soon = traveller(gates, "Soon", arrives=timezone.now() + timedelta(hours=5), room="501")
    later = traveller(gates, "Later", arrives=at(5, 10), room="502")
    request = soon.reception.request
    assert request is not None and request.assignee == gates.worker  # both teams' lead
    assert request.source == soon.reception and request.channel == Channel.PLANNED
    assert "Soon" in request.description and request.deadline == soon.arrives_at
    assert later.reception.request is None  # weeks ahead: not yet the team's work
    with time_machine.travel(at(4, 12), tick=False):
        assert actions.do_open_due_receptions() == 1
    later.reception.refresh_from_db()
    assert later.reception.request is not None
    with time_machine.travel(at(4, 12), tick=False):
        assert actions.do_open_due_receptions() == 0  # twice is once


def test_a_new_traveller_arriving_in_the_past_year_is_refused_naming_the_field() -> None:
    gates = make_gates()
    last_year = at(1, 22).replace(year=at(1, 22).year - 1)
    with pytest.raises(ValidationError) as refused:
        traveller(gates, arrives=last_year)
    assert "arrives_at" in refused.value.message_dict
    assert "year" in refused.value.message_dict["arrives_at"][0]
    assert not Traveller.objects.exists() and not Reception.objects.exists()


def test_a_traveller_with_no_known_household_is_flagged_and_cannot_be_decided_until_found() -> None:
    gates = make_gates()
    lost = traveller(gates, "Lost Soul", household=None, address_given="3号楼? 未核实")
    assert lost.flagged
    board = arrivals(gates.worker, lost.arrives_at.date(), 1, flagged_only=True)
    assert [t.pk for t in board] == [lost.pk]
    with pytest.raises(ValidationError) as refused:
        actions.do_decide(lost.reception, actor=gates.worker, decision="home")
    assert "household" in refused.value.message_dict
    home = make_resident(gates.community, "房东", room="808").household
    actions.do_set_destination(lost, actor=gates.worker, household=home)
    quarantine = _decide_home(gates, Traveller.objects.get(pk=lost.pk))
    assert quarantine.household == home


def test_the_checklist_is_ticked_by_the_team_and_once() -> None:
    gates = make_gates()
    t = traveller(gates)
    volunteer = gates.night_team.members.get(groups__name="volunteer")
    actions.do_tick(t.reception, actor=volunteer, step="picked_up")
    first = Reception.objects.get(pk=t.reception.pk).picked_up_at
    actions.do_tick(t.reception, actor=volunteer, step="picked_up")
    assert Reception.objects.get(pk=t.reception.pk).picked_up_at == first
    outsider = make_user(Role.VOLUNTEER, gates.community)
    with pytest.raises(PermissionDenied):
        actions.do_tick(t.reception, actor=outsider, step="at_gate")
    with pytest.raises(ValidationError):
        actions.do_tick(t.reception, actor=volunteer, step="dance")


def test_home_quarantine_puts_the_traveller_in_the_register_and_gives_the_household_a_plan() -> (
    None
):
    gates = make_gates()
    t = traveller(gates, "John Smith", arrives=timezone.now() + timedelta(hours=2))
    quarantine = _decide_home(gates, t)
    person = Resident.objects.get(pk=quarantine.resident_id)
    assert (person.name, person.household_id, person.id_number) == (
        "John Smith",
        t.household_id,
        "E502123",
    )
    assert quarantine.planned_end == quarantine.starts_on + timedelta(days=14)
    plan = quarantine.plan
    assert plan is not None and plan.reason == CarePlan.Reason.QUARANTINE
    assert plan.doctor == gates.care.doctor and plan.review_on == quarantine.planned_end
    services = set(ServiceItem.objects.filter(plan=plan).values_list("category__code", flat=True))
    assert services == {"garbage", "groceries", "other"}
    t.refresh_from_db()
    assert t.status == Traveller.Status.HOME and t.resident == person
    request = Request.objects.get(pk=t.reception.request_id or 0)
    assert request.status == Request.Status.DONE  # the reception is seen through
    with pytest.raises(ValidationError):  # decided once
        actions.do_decide(t.reception, actor=gates.worker, decision="home")


def test_suitability_names_the_elderly_and_a_shared_flat() -> None:
    gates = make_gates()
    host = make_resident(gates.community, "老奶奶", born=date(1940, 5, 5), room="606")
    room = host.household.room
    room.occupancy = room.Occupancy.GROUP
    room.save()
    hints = actions.suitability(host.household, timezone.localdate())
    assert any("60+" in h for h in hints) and any("group rental" in h for h in hints)


def test_an_abnormal_check_opens_an_urgent_request_for_the_plans_doctor() -> None:
    gates = make_gates()
    quarantine = _decide_home(gates, traveller(gates))
    normal = actions.do_record_check(
        quarantine, actor=gates.care.doctor, temperature="36.6", symptoms=[]
    )
    assert not normal.abnormal and normal.request is None
    fever = actions.do_record_check(
        quarantine, actor=VISITOR, temperature="38,2 ℃", symptoms=["cough"]
    )
    assert fever.abnormal and fever.temperature == Decimal("38.2")
    request = Request.objects.get(pk=fever.request_id or 0)
    assert request.urgency == Urgency.URGENT and request.source == fever
    assert request.assignee == gates.care.doctor and request.resident == quarantine.resident
    assert HomeQuarantine.objects.get(pk=quarantine.pk).last_check_on == timezone.localdate()


@pytest.mark.parametrize("temperature", ["", "hot", "3.6", "366"])
def test_a_check_without_a_body_temperature_is_refused(temperature: str) -> None:
    gates = make_gates()
    quarantine = _decide_home(gates, traveller(gates))
    with pytest.raises(ValidationError) as refused:
        actions.do_record_check(
            quarantine, actor=gates.care.doctor, temperature=temperature, symptoms=[]
        )
    assert "temperature" in refused.value.message_dict
    assert not HealthCheck.objects.exists()


def test_the_overdue_list_holds_who_has_no_check_today_once_it_is_due() -> None:
    gates = make_gates()
    checked = _decide_home(gates, traveller(gates, "Checked", room="501"))
    missing = _decide_home(gates, traveller(gates, "Missing", room="502"))
    with time_machine.travel(at(1, 9), tick=False):  # before noon: nothing is due yet
        assert not list(overdue_checks(gates.worker, timezone.now(), 1))
    with time_machine.travel(at(1, 14), tick=False):
        actions.do_record_check(checked, actor=gates.care.doctor, temperature="36.5", symptoms=[])
        assert [q.pk for q in overdue_checks(gates.worker, timezone.now(), 1)] == [missing.pk]
        # The plan's doctor sees the same list of their own people.
        assert [q.pk for q in overdue_checks(gates.care.doctor, timezone.now(), 1)] == [missing.pk]


def test_an_end_change_keeps_the_previous_end_and_its_reason() -> None:
    gates = make_gates()
    quarantine = _decide_home(gates, traveller(gates))
    first_end = quarantine.planned_end
    with pytest.raises(ValidationError) as refused:
        actions.do_change_end(
            quarantine, actor=gates.worker, new_end=first_end + timedelta(days=7), reason=" "
        )
    assert "reason" in refused.value.message_dict
    actions.do_change_end(
        quarantine,
        actor=gates.worker,
        new_end=first_end + timedelta(days=7),
        reason="同住人阳性，延长7天",
    )
    change = EndChange.objects.get()
    assert (change.previous_end, change.new_end, change.reason) == (
        first_end,
        first_end + timedelta(days=7),
        "同住人阳性，延长7天",
    )
    assert CarePlan.objects.get(pk=quarantine.plan_id or 0).review_on == first_end + timedelta(
        days=7
    )


def test_a_policy_change_applies_to_new_quarantines_and_to_running_ones_only_when_chosen() -> None:
    gates = make_gates()
    running = _decide_home(gates, traveller(gates, "Running", room="501"))
    assert actions.do_set_policy_days(gates.community, actor=gates.worker, days=7) == 0
    assert HomeQuarantine.objects.get(pk=running.pk).planned_end == running.starts_on + timedelta(
        days=14
    )
    new = _decide_home(gates, traveller(gates, "New", room="502"))
    assert (new.days, new.planned_end) == (7, new.starts_on + timedelta(days=7))
    changed = actions.do_set_policy_days(
        gates.community, actor=gates.worker, days=10, apply_to_running=True, reason="市里通知 10 天"
    )
    assert changed == 2
    assert HomeQuarantine.objects.get(pk=running.pk).planned_end == running.starts_on + timedelta(
        days=10
    )
    assert EndChange.objects.filter(quarantine=running, reason="市里通知 10 天").exists()
    with pytest.raises(ValidationError):
        actions.do_set_policy_days(gates.community, actor=gates.worker, days=0)


def test_a_release_before_the_planned_end_needs_a_reason_and_nothing_changes_without() -> None:
    gates = make_gates()
    quarantine = _decide_home(gates, traveller(gates))
    with pytest.raises(ValidationError) as refused:
        actions.do_release(quarantine, actor=gates.worker)
    assert "reason" in refused.value.message_dict
    unchanged = HomeQuarantine.objects.get(pk=quarantine.pk)
    assert unchanged.status == "active" and unchanged.released_on is None
    assert CarePlan.objects.get(pk=quarantine.plan_id or 0).status == CarePlan.Status.ACTIVE
    actions.do_release(unchanged, actor=gates.worker, reason="核酸阴性，市里提前解除")
    released = HomeQuarantine.objects.get(pk=quarantine.pk)
    assert released.status == "released" and released.release_reason == "核酸阴性，市里提前解除"
    assert CarePlan.objects.get(pk=quarantine.plan_id or 0).status == CarePlan.Status.ENDED
    assert released_by_code(released.release_code.lower()) == released


def test_a_release_at_the_planned_end_needs_no_reason() -> None:
    gates = make_gates()
    quarantine = _decide_home(gates, traveller(gates))
    with time_machine.travel(at(15, 10), tick=False):
        actions.do_release(quarantine, actor=gates.worker)
    assert HomeQuarantine.objects.get(pk=quarantine.pk).status == "released"


def test_the_public_pages_verify_a_notice_and_take_the_residents_own_check() -> None:
    gates = make_gates()
    quarantine = _decide_home(gates, traveller(gates, "John Smith"))
    client = Client()
    check = client.post(f"/quarantine/check/{quarantine.check_code}/", {"temperature": "37.8"})
    assert check.status_code == 200 and "John Smith" not in check.content.decode()
    assert HealthCheck.objects.get().abnormal and HealthCheck.objects.get().by is None
    unknown = client.get("/quarantine/verify/?code=NOSUCHCODE")
    assert 'data-testid="not-verified"' in unknown.content.decode()
    actions.do_release(quarantine, actor=gates.worker, reason="test")
    page = client.get(f"/quarantine/verify/?code={quarantine.release_code}").content.decode()
    assert 'data-testid="verified"' in page and "J*********" in page and "John Smith" not in page
    # A released quarantine's check link takes no more checks.
    gone = client.post(f"/quarantine/check/{quarantine.check_code}/", {"temperature": "36.5"})
    assert 'data-testid="check-invalid"' in gone.content.decode()
    assert HealthCheck.objects.count() == 1


def test_the_family_reports_a_traveller_on_the_public_form() -> None:
    gates = make_gates()
    client = Client()
    when = at(2, 21).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/quarantine/report/{gates.community.code}/",
        {
            "name": "Maria Rossi",
            "sex": "F",
            "nationality": "it",
            "transport": "CA938",
            "origin": "Rome",
            "arrives_at": when,
            "address_given": "岐山村3号楼502",
            "phone": "13812345678",
        },
    )
    assert 'data-testid="report-done"' in response.content.decode()
    reported = Traveller.objects.get()
    assert (reported.source, reported.nationality, reported.flagged) == ("family", "IT", True)
    assert reported.reception.shift == Reception.Shift.NIGHT
    bad = client.post(
        f"/quarantine/report/{gates.community.code}/", {"name": "X", "arrives_at": ""}
    )
    assert bad.status_code == 400 and "arrives_at" in bad.content.decode()
    assert Traveller.objects.count() == 1


def test_another_communitys_traveller_is_out_of_reach() -> None:
    gates = make_gates()
    t = traveller(gates)
    other = make_gates(make_area("华山居民区", street=gates.community.street))
    client = Client()
    client.force_login(other.worker)
    assert client.get(f"/quarantine/travellers/{t.pk}/").status_code == 404
    with pytest.raises(PermissionDenied):
        actions.do_decide(t.reception, actor=other.worker, decision="home")


def test_release_codes_are_not_guessed_from_one_address() -> None:
    client = Client(REMOTE_ADDR="198.51.100.77")
    for _n in range(300):
        assert (
            'data-testid="braked"'
            not in client.get("/quarantine/verify/?code=GUESS").content.decode()
        )
    assert 'data-testid="braked"' in client.get("/quarantine/verify/?code=GUESS").content.decode()
    other = Client(REMOTE_ADDR="198.51.100.78")
    assert (
        'data-testid="braked"' not in other.get("/quarantine/verify/?code=GUESS").content.decode()
    )


def test_a_household_with_its_own_plan_keeps_it_and_gets_the_services_once() -> None:
    gates = make_gates()
    elder = make_resident(gates.community, "王老伯", born=date(1940, 2, 2), room="701")
    own = make_plan(gates.care, elder, starts_on=timezone.localdate(), reason="alone80")
    first = actions.do_start_home_quarantine(elder, actor=gates.worker)
    son = traveller(gates, "王小明", household=elder.household, id_number="E7")
    second = _decide_home(gates, son)
    assert first.plan == own and second.plan == own
    services = ServiceItem.objects.filter(plan=own, active=True)
    assert services.count() == 3  # not twice for two people
    actions.do_release(first, actor=gates.worker, reason="test")
    assert services.count() == 3  # the son is still in quarantine
    actions.do_release(second, actor=gates.worker, reason="test")
    assert services.count() == 0
    assert CarePlan.objects.get(pk=own.pk).status == CarePlan.Status.ACTIVE  # the elder's goes on


def test_the_communitys_doctor_records_checks_and_an_official_only_reads() -> None:
    gates = make_gates()
    quarantine = _decide_home(gates, traveller(gates))
    on_duty = make_user(Role.DOCTOR, gates.community)  # not on the plan's team
    actions.do_record_check(quarantine, actor=on_duty, temperature="36.4", symptoms=[])
    official = make_user(Role.OFFICIAL, street=gates.community.street)
    with pytest.raises(PermissionDenied):
        actions.do_release(quarantine, actor=official, reason="x")
    with pytest.raises(PermissionDenied):
        actions.do_add_traveller(
            gates.community, actor=official, name="X", sex="M", arrives_at=at(1, 10)
        )
    client = Client()
    client.force_login(official)
    assert client.get(f"/quarantine/home/{quarantine.pk}/").status_code == 200
