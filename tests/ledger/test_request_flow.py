from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from linli.core.models import Community, Team, User
from linli.core.roles import Role
from linli.ledger import actions
from linli.ledger.actions import TransitionError
from linli.ledger.models import Category, Channel, Request, RequestEvent
from linli.ledger.selectors import possible_duplicates
from linli.people import phones
from tests.factories import make_resident, make_user
from tests.ledger.factories import make_category, make_request

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
S = Request.Status


def kinds(request: Request) -> list[str]:
    return list(request.events.values_list("kind", flat=True))


def test_request_goes_from_new_to_confirmed(community_a: Community, worker_a: User) -> None:
    item = make_request(community_a, worker_a).request
    assert (item.status, item.channel) == (S.NEW, Channel.HOTLINE)
    item = actions.do_assign(item, actor=worker_a, assignee=worker_a)
    item = actions.do_start(item, actor=worker_a)
    item = actions.do_complete(item, actor=worker_a, result="送到了")
    item = actions.do_record_callback(item, actor=worker_a, confirmed=True, note="已收到")
    assert item.status == S.CONFIRMED
    assert kinds(item) == ["created", "triaged", "assigned", "started", "done", "confirmed"]


def test_callback_that_finds_it_undone_reopens(community_a: Community, worker_a: User) -> None:
    item = make_request(community_a, worker_a).request
    actions.do_assign(item, actor=worker_a, assignee=worker_a)
    actions.do_complete(item, actor=worker_a, result="送了")
    with pytest.raises(ValidationError) as info:
        actions.do_record_callback(item, actor=worker_a, confirmed=False)
    assert "note" in info.value.message_dict
    item = actions.do_record_callback(item, actor=worker_a, confirmed=False, note="没收到")
    assert item.status == S.ASSIGNED and item.closed_at is None


def test_deadline_follows_category_and_urgency(community_a: Community, worker_a: User) -> None:
    item = make_request(community_a, worker_a, code="medicine", description="断药了").request
    assert item.urgency == "urgent"
    assert item.deadline - item.created_at == timedelta(hours=4)
    normal = make_request(community_a, worker_a, code="groceries").request
    assert normal.deadline - normal.created_at == timedelta(hours=24)


def test_transition_not_allowed_from_the_current_state(
    community_a: Community, worker_a: User
) -> None:
    item = make_request(community_a, worker_a).request
    with pytest.raises(TransitionError) as info:
        actions.do_start(item, actor=worker_a)
    assert "status" in info.value.message_dict
    assert kinds(item) == ["created", "triaged"]


def test_cancel_needs_a_reason(community_a: Community, worker_a: User) -> None:
    item = make_request(community_a, worker_a).request
    with pytest.raises(ValidationError) as info:
        actions.do_cancel(item, actor=worker_a, reason=" ")
    assert "reason" in info.value.message_dict
    assert actions.do_cancel(item, actor=worker_a, reason="居民已自行解决").status == S.CANCELLED


def test_reassignment_needs_a_reason(community_a: Community, worker_a: User) -> None:
    other = make_user(Role.WORKER, community_a)
    item = actions.do_assign(
        make_request(community_a, worker_a).request, actor=worker_a, assignee=worker_a
    )
    with pytest.raises(ValidationError) as info:
        actions.do_assign(item, actor=worker_a, assignee=other)
    assert "reason" in info.value.message_dict
    item = actions.do_assign(item, actor=worker_a, assignee=other, reason="换班")
    assert item.assignee == other
    item = actions.do_assign(item, actor=worker_a, assignee=None, reason="退回")
    assert (item.status, item.assignee) == (S.NEW, None)


def test_only_owner_team_lead_or_head_can_mark_done(community_a: Community, worker_a: User) -> None:
    owner = make_user(Role.WORKER, community_a)
    bystander = make_user(Role.WORKER, community_a)
    lead = make_user(Role.WORKER, community_a)
    team = Team.objects.create(community=community_a, name="一号楼组", lead=lead)
    item = actions.do_assign(
        make_request(community_a, worker_a).request, actor=worker_a, assignee=owner, team=team
    )
    with pytest.raises(ValidationError):
        actions.do_complete(item, actor=bystander, result="x")
    assert actions.do_complete(item, actor=lead, result="组长办结").status == S.DONE
    head_case = actions.do_assign(
        make_request(community_a, worker_a, code="meals").request, actor=worker_a, assignee=owner
    )
    community_a.head = bystander
    community_a.save()
    assert actions.do_complete(head_case, actor=bystander, result="书记办结").status == S.DONE


def test_empty_description_and_unknown_urgency_are_refused(
    community_a: Community, worker_a: User
) -> None:
    with pytest.raises(ValidationError) as info:
        actions.do_open_request(
            community_a,
            actor=worker_a,
            channel=Channel.HOTLINE,
            category=make_category(),
            description="  ",
        )
    assert "description" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        actions.do_open_request(
            community_a,
            actor=worker_a,
            channel=Channel.HOTLINE,
            category=make_category(),
            description="x",
            urgency="asap",
        )
    assert "urgency" in info.value.message_dict
    assert not Request.objects.exists()


def test_inactive_category_is_refused(community_a: Community, worker_a: User) -> None:
    retired = Category.objects.create(code="old", name_zh="旧", name_en="Old", active=False)
    with pytest.raises(ValidationError) as info:
        actions.do_open_request(
            community_a, actor=worker_a, channel="hotline", category=retired, description="x"
        )
    assert "category" in info.value.message_dict


def test_override_needs_a_reason_and_is_recorded(community_a: Community, worker_a: User) -> None:
    with pytest.raises(ValidationError) as info:
        actions.do_open_request(
            community_a,
            actor=worker_a,
            channel="hotline",
            category=make_category(),
            description="买菜",
            urgency="urgent",
        )
    assert "urgency_reason" in info.value.message_dict
    item = actions.do_open_request(
        community_a, actor=worker_a, channel="hotline", category=make_category(),
        description="买菜",
        urgency="urgent", urgency_reason="家里没有任何食物",
    ).request  # fmt: skip
    assert item.urgency == "urgent"
    assert item.triage_reasons[-1]["code"] == "override"
    item = actions.do_change_urgency(item, actor=worker_a, urgency="low", reason="邻居已送菜")
    assert item.deadline - item.created_at == timedelta(hours=72)
    assert RequestEvent.objects.filter(request=item, kind="urgency").exists()


def test_duplicate_within_a_day_is_flagged_and_can_be_merged(
    community_a: Community, worker_a: User
) -> None:
    resident = make_resident(community_a)
    first = make_request(community_a, worker_a, resident=resident).request
    second = make_request(community_a, worker_a, resident=resident)
    assert second.duplicates == [first.pk]
    merged = actions.do_merge(second.request, into=first, actor=worker_a)
    assert (merged.status, merged.merged_into) == (S.MERGED, first)
    assert make_request(community_a, worker_a, resident=resident, code="meals").duplicates == []


def test_emergency_call_is_recorded_once(community_a: Community, worker_a: User) -> None:
    item = make_request(community_a, worker_a, code="medicine", description="心绞痛").request
    assert item.urgency == "emergency"
    item = actions.do_record_emergency_call(item, actor=worker_a)
    first = item.emergency_call_at
    assert first is not None
    assert actions.do_record_emergency_call(item, actor=worker_a).emergency_call_at == first
    assert kinds(item).count("call_120") == 1


def test_a_call_with_two_requests_is_kept_whole(community_a: Community, worker_a: User) -> None:
    make_resident(community_a, "张三", phone="13812345678")
    call, opened = actions.do_take_call(
        community_a,
        actor=worker_a,
        caller_number="138-1234-5678",
        drafts=[
            actions.RequestDraft(make_category("medicine"), "心绞痛，需要送医"),
            actions.RequestDraft(make_category("groceries"), "买菜"),
        ],
    )
    assert call.resident is not None and call.resident.name == "张三"
    assert [o.request.urgency for o in opened] == ["emergency", "normal"]
    assert {o.request.call_id for o in opened} == {call.pk}


def test_a_call_with_a_bad_request_keeps_nothing(community_a: Community, worker_a: User) -> None:
    from linli.ledger.models import Call

    with pytest.raises(ValidationError):
        actions.do_take_call(
            community_a,
            actor=worker_a,
            caller_number="13812345678",
            drafts=[
                actions.RequestDraft(make_category("medicine"), "代配药"),
                actions.RequestDraft(make_category("groceries"), ""),
            ],
        )
    assert not Call.objects.exists()
    assert not Request.objects.exists()


def test_caller_numbers_match_in_their_usual_forms(community_a: Community) -> None:
    from linli.people.models import Household

    resident = make_resident(community_a, "张三", phone="13812345678")
    landline = Household.objects.create(
        community=community_a, room=resident.household.room, phone="02162345678"
    )
    assert phones.caller(community_a, "+86 138 1234 5678") == (resident.household, resident)
    assert phones.caller(community_a, "6234 5678") == (landline, None)
    assert phones.caller(community_a, "021-62345678") == (landline, None)
    assert phones.caller(community_a, "13900000000") == (None, None)


def test_a_caller_is_matched_only_among_the_active_people_of_the_community(
    community_a: Community, community_b: Community
) -> None:
    from linli.people.models import Household

    moved_out = make_resident(community_a, "李四", phone="13811112222")
    moved_out.is_active = False
    moved_out.save()
    Household.objects.filter(pk=moved_out.household_id).update(phone="")
    make_resident(community_b, "王五", phone="13833334444")
    assert phones.caller(community_a, "13811112222") == (None, None)
    assert phones.caller(community_a, "13833334444") == (None, None)
    # A resident's own phone is a better match than a household sharing the number.
    resident = make_resident(community_a, "赵六", phone="13855556666")
    Household.objects.create(
        community=community_a, room=resident.household.room, phone="13855556666"
    )
    assert phones.caller(community_a, "13855556666") == (resident.household, resident)


def test_only_open_requests_of_the_last_day_are_flagged_newest_first(
    community_a: Community, worker_a: User
) -> None:
    from django.utils import timezone

    resident = make_resident(community_a)
    now = timezone.now()

    def opened_at(hours_ago: float) -> Request:
        return actions.do_open_request(
            community_a,
            actor=worker_a,
            channel=Channel.HOTLINE,
            category=make_category("groceries"),
            description="买菜",
            resident=resident,
            at=now - timedelta(hours=hours_ago),
        ).request

    opened_at(25)  # too old to be the same need
    cancelled = opened_at(3)
    actions.do_cancel(cancelled, actor=worker_a, reason="家属已买")
    older, newer = opened_at(20), opened_at(2)
    assert possible_duplicates(opened_at(0)) == [newer.pk, older.pk]
