"""What a user may do at the gates and in the hotels: the one policy of the quarantine app.

Which rows a user reaches at all is each model's `scope`; this says what they may do with what
they reach."""

from linli.care.policy import on_team
from linli.core.models import Community, Street, User
from linli.core.roles import Cap
from linli.core.scoping import area_community_ids
from linli.quarantine.models import HomeQuarantine, Hotel, Reception


def _in_area(user: User, community: Community) -> bool:
    if user.is_superuser or user.community_id == community.pk:
        return True
    return user.community_id is None and community.pk in area_community_ids(user)


def _street_of(user: User) -> int | None:
    if user.community_id is not None:
        return user.community.street_id  # type: ignore[union-attr]
    return user.street_id


class GatePolicy:
    def may_manage(self, user: User, community: Community) -> bool:
        """Enters travellers, decides home or hotel, changes and releases quarantines: the
        community's workers (who make its care plans)."""
        return user.is_active and user.can(Cap.PLAN_CARE) and _in_area(user, community)

    def may_receive(self, user: User, reception: Reception) -> bool:
        """Ticks the checklist: the managers, and the members of the reception's team."""
        if self.may_manage(user, reception.community):
            return True
        team = reception.team
        return user.is_active and team is not None and team.members.filter(pk=user.pk).exists()

    def may_check(self, user: User, quarantine: HomeQuarantine) -> bool:
        """Records a daily check: the managers, the community's doctors, and the care team of
        the quarantine's plan."""
        if self.may_manage(user, quarantine.community):
            return True
        doctor = user.can(Cap.VIEW_HEALTH) and user.can(Cap.HANDLE_REQUESTS)
        if user.is_active and doctor and _in_area(user, quarantine.community):
            return True
        plan = quarantine.plan
        return user.can(Cap.CARE_FOR) and plan is not None and on_team(user, plan)


class HotelPolicy:
    def may_set_up(self, user: User, street: Street) -> bool:
        """Opens hotels, adds their rooms and staff: the street's officials."""
        if not user.is_active:
            return False
        if user.is_superuser:
            return True
        return (
            user.can(Cap.VIEW_FIGURES)
            and user.community_id is None
            and (
                user.street_id == street.pk
                or (user.district_id is not None and user.district_id == street.district_id)
            )
        )

    def may_run(self, user: User, hotel: Hotel) -> bool:
        """Works the hotel: its own staff (and those who set it up)."""
        if self.may_set_up(user, hotel.street):
            return True
        return (
            user.is_active and user.can(Cap.RUN_HOTEL) and hotel.staff.filter(pk=user.pk).exists()
        )

    def may_send(self, user: User, hotel: Hotel) -> bool:
        """Checks a resident in: the managers of a community of the hotel's street."""
        if not user.is_active or not (user.can(Cap.PLAN_CARE) or user.can(Cap.HANDLE_REQUESTS)):
            return self.may_run(user, hotel)
        return user.is_superuser or _street_of(user) == hotel.street_id or self.may_run(user, hotel)


GATES = GatePolicy()
HOTELS = HotelPolicy()
