"""What a user may do at the gates and in the hotels: one policy per object type the quarantine
app writes (travellers and the city's list, receptions, home quarantines, the settings, hotels,
stays).

Which rows a user reaches at all is each model's `scope`; this says what they may do with what
they reach."""

from django.utils.translation import gettext_lazy as _

from linli.care.policy import on_team
from linli.core.models import Community, Street, User
from linli.core.policy import Actor, Agent, ObjectPolicy, in_area, in_street_area, street_of
from linli.core.roles import Cap
from linli.quarantine.models import (
    EndChange,
    GuestCall,
    HealthCheck,
    HomeQuarantine,
    Hotel,
    HotelRoom,
    Reception,
    Settings,
    Stay,
    Traveller,
)


def manages(user: User, community: Community | int) -> bool:
    """Enters travellers, decides home or hotel, changes and releases quarantines: the
    community's workers (who make its care plans)."""
    return user.is_active and user.can(Cap.PLAN_CARE) and in_area(user, community)


def _community(place: Community | Street) -> Community | None:
    return place if isinstance(place, Community) else None


class SettingsPolicy(ObjectPolicy[Settings]):
    """A community's shifts, teams, seats and policy days: its managers'."""

    actions = ("edit",)
    refusal = _("you cannot change this community's settings")

    def user_may(self, user: User, settings: Settings, action: str) -> bool:
        return manages(user, settings.community_id)


class TravellerPolicy(ObjectPolicy[Traveller]):
    """A traveller before arrival: entered (one by one or from the city's list) by the
    community's managers, or reported by the family on the public page; its destination set
    and the arrival called off by the managers."""

    actions = ("destination", "cancel")
    public_creates = True  # the family's report
    refusal = _("you cannot change this traveller")
    create_refusal = _("you cannot enter travellers for this community")

    def user_may_create(self, user: User, place: Community | Street) -> bool:
        community = _community(place)
        return community is not None and manages(user, community)

    def user_may(self, user: User, traveller: Traveller, action: str) -> bool:
        return manages(user, traveller.community_id)


class CityListPolicy(TravellerPolicy):
    """The city's list of arrivals, imported in one go: only the community's managers (no
    family imports a list)."""

    public_creates = False


class ReceptionPolicy(ObjectPolicy[Reception]):
    """Ticking the checklist: the managers, and the members of the reception's team; the
    decision (home or hotel): the managers."""

    actions = ("tick", "decide")
    refusal = _("you are not on this reception's team")

    def user_may(self, user: User, reception: Reception, action: str) -> bool:
        if manages(user, reception.community_id):
            return True
        if action != "tick":
            return False
        team = reception.team
        return team is not None and team.members.filter(pk=user.pk).exists()


class HomeQuarantinePolicy(ObjectPolicy[HomeQuarantine]):
    """Started, changed and released by the managers; checked daily by them, the community's
    doctors, the care team of its plan, and the resident on their own link (a visitor)."""

    actions = ("check", "end", "release")
    public_actions = frozenset({"check"})
    parts = (EndChange, HealthCheck)
    refusal = _("you cannot change this quarantine")
    create_refusal = _("you cannot start a quarantine in this community")

    def user_may_create(self, user: User, place: Community | Street) -> bool:
        community = _community(place)
        return community is not None and manages(user, community)

    def user_may(self, user: User, quarantine: HomeQuarantine, action: str) -> bool:
        if manages(user, quarantine.community_id):
            return True
        if action != "check":
            return False
        doctor = user.can(Cap.VIEW_HEALTH) and user.can(Cap.HANDLE_REQUESTS)
        if doctor and in_area(user, quarantine.community_id):
            return True
        plan = quarantine.plan
        return user.can(Cap.CARE_FOR) and plan is not None and on_team(user, plan)


def sets_up_hotels(user: User, street: Street) -> bool:
    """Opens hotels, adds their rooms and staff: the street's officials."""
    if not user.is_active:
        return False
    return user.is_superuser or (user.can(Cap.VIEW_FIGURES) and in_street_area(user, street))


class HotelPolicy(ObjectPolicy[Hotel]):
    """Set up (rooms, staff) by the street's officials; run by its own staff (and those who
    set it up); guests sent by the managers of a community of its street."""

    actions = ("set_up", "run", "send")
    parts = (HotelRoom,)
    refusal = _("you do not work at this hotel")
    create_refusal = _("you cannot open hotels for this street")

    def user_may_create(self, user: User, place: Community | Street) -> bool:
        return isinstance(place, Street) and sets_up_hotels(user, place)

    def user_may(self, user: User, hotel: Hotel, action: str) -> bool:
        if action == "set_up":
            return sets_up_hotels(user, hotel.street)
        runs = sets_up_hotels(user, hotel.street) or (
            user.can(Cap.RUN_HOTEL) and hotel.staff.filter(pk=user.pk).exists()
        )
        if action == "run" or runs:
            return runs
        if not (user.can(Cap.PLAN_CARE) or user.can(Cap.HANDLE_REQUESTS)):
            return False
        return user.is_superuser or street_of(user) == hotel.street_id

    def may_check_in(self, actor: Actor, hotel: Hotel, community: Community) -> bool:
        """A resident of `community` into `hotel`: its staff, or who sends guests there and
        manages the resident's community."""
        if isinstance(actor, Agent):
            return actor.trusted
        return self.may(actor, hotel, "run") or (
            self.may(actor, hotel, "send") and manages(actor, community)
        )


class StayPolicy(ObjectPolicy[Stay]):
    """A guest's stay: the daily call and the green line by the hotel's staff; a move and the
    release by them or the guest's community's managers."""

    actions = ("call", "green", "move", "out")
    parts = (GuestCall,)
    refusal = _("you cannot change this guest's stay")

    def user_may(self, user: User, stay: Stay, action: str) -> bool:
        if HOTELS.user_may(user, stay.hotel, "run"):
            return True
        return action in ("move", "out") and manages(user, stay.community_id)


SETTINGS = SettingsPolicy()
TRAVELLERS = TravellerPolicy()
CITY_LIST = CityListPolicy()
RECEPTIONS = ReceptionPolicy()
QUARANTINES = HomeQuarantinePolicy()
HOTELS = HotelPolicy()
STAYS = StayPolicy()


def sections(user: User) -> dict[str, bool]:
    """Which of the app's pages the sub-navigation offers the user."""
    gates = user.can(Cap.PLAN_CARE) or user.can(Cap.HANDLE_REQUESTS) or user.can(Cap.VIEW_FIGURES)
    return {
        "arrivals": gates or user.can(Cap.DO_TASKS),
        "home": gates or user.can(Cap.CARE_FOR),
        "hotels": user.can(Cap.PLAN_CARE) or user.can(Cap.VIEW_FIGURES) or user.can(Cap.RUN_HOTEL),
        "settings": user.can(Cap.PLAN_CARE) and user.community_id is not None,
    }
