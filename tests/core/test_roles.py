import pytest
from django.contrib.auth.models import Group

from linli.core.models import Community
from linli.core.roles import ROLE_CAPABILITIES, Cap, Role
from tests.factories import make_user

# The permission matrix, one line per role: W = see the register, E = edit it, P = full
# personal data, H = health notes, C = take calls, R = handle requests, F = area figures,
# T = tasks, O = run a hotel, A = review the access log, K = stairwell rosters, L = make care
# plans, M = work the care plans one is on.
EXPECTED = {
    Role.OFFICIAL: "WKFRA",
    Role.WORKER: "WKEPHCRAL",
    Role.OPERATOR: "WKPC",
    Role.DOCTOR: "WKPHRM",
    Role.VOLUNTEER: "TKM",
    Role.SOCIAL_WORKER: "TM",
    Role.PROPERTY: "TM",
    Role.HOTEL: "OH",
    Role.ADMIN: "all",
}
LETTERS = {
    "W": Cap.VIEW_REGISTER,
    "P": Cap.VIEW_PII,
    "H": Cap.VIEW_HEALTH,
    "C": Cap.TAKE_CALLS,
    "F": Cap.VIEW_FIGURES,
    "T": Cap.DO_TASKS,
    "E": Cap.EDIT_REGISTER,
    "O": Cap.RUN_HOTEL,
    "R": Cap.HANDLE_REQUESTS,
    "A": Cap.REVIEW_ACCESS,
    "K": Cap.VIEW_ROSTERS,
    "L": Cap.PLAN_CARE,
    "M": Cap.CARE_FOR,
}


@pytest.mark.parametrize("role", list(Role))
def test_role_holds_exactly_its_capabilities(role: Role, community_a: Community) -> None:
    user = make_user(role, community_a)
    expected = set(Cap) if EXPECTED[role] == "all" else {LETTERS[ch] for ch in EXPECTED[role]}
    assert {cap for cap in Cap if user.can(cap)} == expected


def test_groups_in_the_database_mirror_the_matrix(db: None) -> None:
    for role, caps in ROLE_CAPABILITIES.items():
        group = Group.objects.get(name=role.value)
        assert set(group.permissions.values_list("codename", flat=True)) == {c.value for c in caps}


def test_groups_grant_django_permissions(community_a: Community) -> None:
    doctor = make_user(Role.DOCTOR, community_a)
    assert doctor.has_perm("core.view_health")
    assert not make_user(Role.VOLUNTEER, community_a).has_perm("core.view_pii")


def test_inactive_user_can_do_nothing(community_a: Community) -> None:
    worker = make_user(Role.WORKER, community_a)
    worker.is_active = False
    assert not any(worker.can(cap) for cap in Cap)
