"""The ledger's object policies for every role, and that the ledger's actions ask them
themselves: a caller from another app (or a script) that skips the page is refused alike."""

import pytest
from django.core.exceptions import PermissionDenied

from linli.core.models import Community, User
from linli.core.policy import SYSTEM, VISITOR
from linli.core.roles import Role
from linli.ledger import actions
from linli.ledger.models import Channel, Request
from linli.ledger.policy import PASSES, REQUESTS
from tests.factories import make_area, make_user
from tests.ledger.factories import make_category, make_request

pytestmark = pytest.mark.django_db

# Who works a community's ledger: sees all of its requests and opens new ones.
LEDGER = {Role.WORKER, Role.OPERATOR, Role.DOCTOR, Role.OFFICIAL, Role.ADMIN}
# Who changes who handles a request without it being theirs.
HANDLERS = {Role.WORKER, Role.DOCTOR, Role.OFFICIAL, Role.ADMIN}
# Who opens requests besides the ledger's roles: those who do tasks and report needs on the
# way, and hotel staff passing on their guests' needs.
OPENERS = LEDGER | {Role.VOLUNTEER, Role.SOCIAL_WORKER, Role.PROPERTY, Role.HOTEL}


def user_of(role: Role, community: Community) -> User:
    if role == Role.OFFICIAL:
        return make_user(role, street=community.street)
    if role == Role.ADMIN:
        return make_user(role)
    return make_user(role, community)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_may_what_its_place_in_the_ledger_gives_on_a_request_not_handed_to_it(
    role: Role, community_a: Community
) -> None:
    request = make_request(community_a, SYSTEM, description="买菜").request
    user = user_of(role, community_a)
    assert REQUESTS.may_create(user, community_a) is (role in OPENERS)
    assert REQUESTS.may_view(user, request) is (role in LEDGER)
    assert REQUESTS.may(user, request, "note") is (role in LEDGER)
    assert REQUESTS.may(user, request, "claim") is (role in HANDLERS)
    assert REQUESTS.may(user, request, "cancel") is (role in HANDLERS)


@pytest.mark.parametrize("role", [Role.WORKER, Role.OPERATOR, Role.DOCTOR, Role.OFFICIAL])
def test_no_ledger_role_reaches_a_request_of_a_community_outside_its_area(
    role: Role, community_a: Community
) -> None:
    elsewhere = make_area("远方居民区")
    request = make_request(elsewhere, SYSTEM, description="买菜").request
    user = user_of(role, community_a)
    assert not REQUESTS.may_view(user, request)
    assert not any(REQUESTS.allowed(user, request).values())
    assert not REQUESTS.may_create(user, elsewhere)


def test_a_volunteer_handed_a_request_works_it_and_nothing_more(
    community_a: Community, worker_a: User
) -> None:
    volunteer = make_user(Role.VOLUNTEER, community_a)
    request = make_request(community_a, worker_a, description="买菜").request
    actions.do_assign(request, actor=worker_a, assignee=volunteer)
    request.refresh_from_db()
    allowed = REQUESTS.allowed(volunteer, request)
    assert {a for a, ok in allowed.items() if ok} >= {"start", "complete", "note"}
    assert not allowed["cancel"] and not allowed["assign"] and not allowed["urgency"]


def test_the_ledgers_actions_refuse_whoever_the_policy_refuses(
    community_a: Community, worker_a: User
) -> None:
    request = make_request(community_a, worker_a, description="买菜").request
    volunteer = make_user(Role.VOLUNTEER, community_a)
    hotel = make_user(Role.HOTEL, community_a)
    stranger = make_user(Role.WORKER, make_area("远方居民区"))
    with pytest.raises(PermissionDenied):
        actions.do_add_note(request, actor=volunteer, note="我来")
    with pytest.raises(PermissionDenied):
        actions.do_cancel(request, actor=stranger, reason="别的居委的")
    with pytest.raises(PermissionDenied):
        actions.do_assign(request, actor=stranger, assignee=stranger)
    with pytest.raises(PermissionDenied):
        actions.do_claim(request.pk, actor=volunteer)
    with pytest.raises(PermissionDenied):
        actions.do_claim_next(community_a, actor=hotel)
    with pytest.raises(PermissionDenied):
        actions.do_log_call(community_a, actor=stranger, caller_number="13800000000")
    request.refresh_from_db()
    assert request.status == Request.Status.NEW and request.assignee_id is None
    assert request.events.count() == 2  # created and triaged: nothing the refused wrote


def test_linli_itself_acts_and_a_visitor_only_opens_requests(community_a: Community) -> None:
    opened = actions.do_open_request(
        community_a, actor=VISITOR, channel=Channel.ONLINE, category=make_category(),
        description="楼下垃圾没人收",
    )  # fmt: skip
    assert opened.request.created_by is None
    assert not REQUESTS.may(VISITOR, opened.request, "note")
    with pytest.raises(PermissionDenied):
        actions.do_add_note(opened.request, actor=VISITOR, note="再补充")
    actions.do_add_note(opened.request, actor=SYSTEM, note="同一号码今天已报多次")
    assert opened.request.events.filter(note="同一号码今天已报多次", actor=None).exists()


def test_a_pass_is_printed_by_who_sees_its_request_and_verified_by_anyone(
    community_a: Community, worker_a: User
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    request = make_request(community_a, worker_a, code="medical_visit", description="透析").request
    now = timezone.now()
    visit_pass = actions.do_issue_visit_pass(
        request, actor=worker_a, destination="瑞金医院", valid_from=now,
        valid_until=now + timedelta(hours=8),
    )  # fmt: skip
    volunteer = make_user(Role.VOLUNTEER, community_a)
    assert PASSES.may(worker_a, visit_pass, "print")
    assert not PASSES.may(volunteer, visit_pass, "print")
    assert PASSES.may(VISITOR, visit_pass, "verify")
    with pytest.raises(PermissionDenied):
        actions.do_issue_visit_pass(
            request, actor=volunteer, destination="瑞金医院", valid_from=now,
            valid_until=now + timedelta(hours=8),
        )  # fmt: skip
