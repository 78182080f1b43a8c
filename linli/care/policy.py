"""What a user may do with care's objects: one policy per object type care writes.

Which rows a user reaches at all is each model's `scope`: the planners of the area
(`plan_care`) see all of its plans, a team member (`care_for`) the plans they hold a seat on.
The actions check these policies first, the views and templates read `allowed` from them."""

from django.utils.translation import gettext_lazy as _

from linli.care.models import (
    SEATS,
    CarePlan,
    Contact,
    ContactRule,
    OnCall,
    ServiceItem,
    ServiceRun,
    Trip,
    Vehicle,
)
from linli.core.models import Community, Street, User
from linli.core.policy import ObjectPolicy, in_area
from linli.core.roles import Cap

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


def plans_care(user: User) -> bool:
    """Makes care plans somewhere (the lists show the way to the households without one)."""
    return user.is_active and user.can(Cap.PLAN_CARE)


def plans_for(user: User, community: Community | int) -> bool:
    """Makes care plans (and the community's rota, vehicles and contact rule) for a community
    of their area."""
    return plans_care(user) and in_area(user, community)


def works_care(user: User, community: Community | int) -> bool:
    """Plans care or holds seats on care teams, in a community of their area."""
    return (user.can(Cap.PLAN_CARE) or user.can(Cap.CARE_FOR)) and in_area(user, community)


class PlanPolicy(ObjectPolicy[CarePlan]):
    actions = ACTIONS
    refusal = _("you may not do this to this care plan")
    create_refusal = _("you cannot make plans for this community")

    def user_may_create(self, user: User, place: Community | Street) -> bool:
        return isinstance(place, Community) and plans_for(user, place)

    def user_may(self, user: User, plan: CarePlan, action: str) -> bool:
        if plans_for(user, plan.community_id):
            return True
        return action in AS_TEAM and user.can(Cap.CARE_FOR) and on_team(user, plan)


PLANS = PlanPolicy()


class ServiceItemPolicy(ObjectPolicy[ServiceItem]):
    """A plan's service items: added from the plan (`PLANS`' "add_item"), stopped by whoever
    may change the plan. The days they became requests (`ServiceRun`) are written only by the
    generation."""

    actions = ("stop",)
    parts = (ServiceRun,)
    refusal = _("you may not change this plan's services")

    def user_may(self, user: User, item: ServiceItem, action: str) -> bool:
        return PLANS.may(user, item.plan, "edit")


ITEMS = ServiceItemPolicy()


class ContactPolicy(ObjectPolicy[Contact]):
    """The daily contacts: recorded by those who work care in the community (whom each may
    contact today is their contact list); read by them."""

    actions = ("view",)
    create_refusal = _("you do not make the daily contacts of this community")

    def user_may_create(self, user: User, place: Community | Street) -> bool:
        return isinstance(place, Community) and works_care(user, place)

    def user_may(self, user: User, contact: Contact, action: str) -> bool:
        if plans_for(user, contact.community_id):
            return True
        return contact.by_id == user.pk or (
            contact.plan is not None and user.can(Cap.CARE_FOR) and on_team(user, contact.plan)
        )


CONTACTS = ContactPolicy()


class ContactRulePolicy(ObjectPolicy[ContactRule]):
    """Whom a community contacts daily besides its plans: set by its planners."""

    actions = ("edit",)
    refusal = create_refusal = _("you cannot change this community's rule")

    def user_may_create(self, user: User, place: Community | Street) -> bool:
        return isinstance(place, Community) and plans_for(user, place)

    def user_may(self, user: User, rule: ContactRule, action: str) -> bool:
        return plans_for(user, rule.community_id)


CONTACT_RULES = ContactRulePolicy()


class OnCallPolicy(ObjectPolicy[OnCall]):
    """The on-call rota: written by the community's planners, published to residents."""

    actions = ("view",)
    public_actions = frozenset({"view"})
    create_refusal = _("you cannot change this community's rota")

    def user_may_create(self, user: User, place: Community | Street) -> bool:
        return isinstance(place, Community) and plans_for(user, place)

    def user_may(self, user: User, shift: OnCall, action: str) -> bool:
        return True  # the rota is public


ON_CALL = OnCallPolicy()


class VehiclePolicy(ObjectPolicy[Vehicle]):
    """A community's transfer vehicles: added by its planners, booked for escorts by its
    planners and those who handle its requests."""

    actions = ("book",)
    refusal = _("you cannot book vehicles")
    create_refusal = _("you cannot change this community's vehicles")

    def user_may_create(self, user: User, place: Community | Street) -> bool:
        return isinstance(place, Community) and plans_for(user, place)

    def user_may(self, user: User, vehicle: Vehicle, action: str) -> bool:
        return TRIPS.user_may_create(user, vehicle.community)


VEHICLES = VehiclePolicy()


class TripPolicy(ObjectPolicy[Trip]):
    """An escort's vehicle and time: booked by the community's planners and those who handle
    its requests."""

    actions = ("view",)
    refusal = create_refusal = _("you cannot book vehicles")

    def user_may_create(self, user: User, place: Community | Street) -> bool:
        if not isinstance(place, Community):
            return False
        return (user.can(Cap.PLAN_CARE) or user.can(Cap.HANDLE_REQUESTS)) and in_area(user, place)

    def user_may(self, user: User, trip: Trip, action: str) -> bool:
        return self.user_may_create(user, trip.vehicle.community)


TRIPS = TripPolicy()
