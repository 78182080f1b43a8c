"""What a user may do with a care plan: the one policy of the care app.

Which plans a user reaches at all is `CarePlan.scope`: the planners of the area (`plan_care`)
see all of its plans, a team member (`care_for`) the plans they hold a seat on."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from linli.care.models import SEATS, CarePlan
from linli.core.models import Community, User
from linli.core.roles import Cap
from linli.core.scoping import area_community_ids

# Every action on a plan, as its page names them.
ACTIONS = ("edit", "pause", "resume", "end", "add_item", "contact", "refer")
# What the team may do beside the planners: work the plan, not change it.
AS_TEAM = frozenset({"contact", "refer"})


def on_team(user: User, plan: CarePlan) -> bool:
    return any(getattr(plan, f"{seat}_id") == user.pk for seat, _label in SEATS)


def may_hold_seat(community: Community, user: object) -> bool:
    """May hold a seat on a team of `community`: active, works care plans, and of its
    community (or of its street or district)."""
    if not isinstance(user, User) or not user.is_active or not user.can(Cap.CARE_FOR):
        return False
    if user.community_id is not None:
        return user.community_id == community.pk
    return user.street_id == community.street_id or (
        user.district_id is not None and user.district_id == community.street.district_id
    )


class PlanPolicy:
    def may_plan(self, user: User, community: Community) -> bool:
        """Makes plans for a community of their area."""
        if not user.is_active or not user.can(Cap.PLAN_CARE):
            return False
        if user.is_superuser or user.community_id == community.pk:
            return True
        return user.community_id is None and community.pk in area_community_ids(user)

    def may(self, user: User, plan: CarePlan, action: str) -> bool:
        if action not in ACTIONS:
            raise ValueError(action)
        if not user.is_active:
            return False
        if self.may_plan(user, plan.community):
            return True
        return action in AS_TEAM and user.can(Cap.CARE_FOR) and on_team(user, plan)

    def allowed(self, user: User, plan: CarePlan) -> dict[str, bool]:
        return {action: self.may(user, plan, action) for action in ACTIONS}

    def check(self, user: User, plan: CarePlan, action: str) -> None:
        if not self.may(user, plan, action):
            raise PermissionDenied(_("you may not do this to this care plan"))


PLANS = PlanPolicy()
