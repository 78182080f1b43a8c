"""What a user may do with the register's objects: one policy per object type it writes.

Each of the register's actions checks its policy first (`linli.people.actions`), whoever calls:
a page, the command line, the ledger linking an unknown caller, quarantine registering a
traveller. Which rows a user reaches at all is each model's `scope`.
"""

from django.utils.translation import gettext_lazy as _

from linli.core.models import Community, Street, User
from linli.core.policy import ObjectPolicy, in_area, sees_full_numbers
from linli.core.roles import Cap
from linli.people.models import (
    HealthNote,
    Household,
    ImportChange,
    Resident,
    ResidentImport,
    SurveyRound,
    SurveyVisit,
    Vulnerability,
)


def keeps_register(user: User, community: Community | int) -> bool:
    """Changes the register of a community of their area."""
    return user.can(Cap.EDIT_REGISTER) and in_area(user, community)


class HouseholdPolicy(ObjectPolicy[Household]):
    # move: to another room; phone: keep a caller's number on it (the ledger's operators, who
    # link an unknown caller to their household, may do that much).
    actions = ("move", "phone")
    refusal = _("you may not change this household")
    create_refusal = _("you may not change this community's register")

    def user_may_create(self, user: User, place: Community | Street) -> bool:
        return isinstance(place, Community) and keeps_register(user, place)

    def user_may(self, user: User, household: Household, action: str) -> bool:
        if action == "phone" and (user.can(Cap.TAKE_CALLS) or user.can(Cap.HANDLE_REQUESTS)):
            return in_area(user, household.community_id)
        return keeps_register(user, household.community_id)


class ResidentPolicy(ObjectPolicy[Resident]):
    # change: correct the resident's facts; depart: moved out or died; tag: add, change or end
    # a vulnerability tag.
    # reveal: see their full phone and identity numbers (a look that is logged); health: read
    # their health notes; requests: see their requests in the ledger on their page (the ledger's
    # roles: the ledger's own policy decides which of them and what else).
    actions = ("change", "depart", "tag", "reveal", "health", "requests")
    parts = (Vulnerability,)
    refusal = _("you may not change this resident")
    create_refusal = _("you may not change this community's register")

    def user_may_create(self, user: User, place: Community | Street) -> bool:
        return isinstance(place, Community) and keeps_register(user, place)

    def user_may(self, user: User, resident: Resident, action: str) -> bool:
        if action == "reveal":
            return sees_full_numbers(user) and in_area(user, resident.community_id)
        if action == "health":
            return user.can(Cap.VIEW_HEALTH) and in_area(user, resident.community_id)
        if action == "requests":
            ledger = user.can(Cap.TAKE_CALLS) or user.can(Cap.HANDLE_REQUESTS)
            return ledger and in_area(user, resident.community_id)
        return keeps_register(user, resident.community_id)


class HealthNotePolicy(ObjectPolicy[HealthNote]):
    """Health notes are written by those who see them and reach the register: the community's
    doctors and workers."""

    actions = ("read",)
    refusal = _("you may not see health notes")

    def sees_register(self, user: User) -> bool:
        """Whether the health notes' page links back to the resident's page of the register."""
        return user.can(Cap.VIEW_REGISTER)

    create_refusal = _("you may not write health notes")

    def _writes(self, user: User, community: Community | int) -> bool:
        reaches_register = user.can(Cap.VIEW_REGISTER) or user.can(Cap.EDIT_REGISTER)
        return user.can(Cap.VIEW_HEALTH) and reaches_register and in_area(user, community)

    def user_may_create(self, user: User, place: Community | Street) -> bool:
        return isinstance(place, Community) and self._writes(user, place)

    def user_may(self, user: User, note: HealthNote, action: str) -> bool:
        return self._writes(user, note.community_id)


class ImportPolicy(ObjectPolicy[ResidentImport]):
    """A roster import: started, looked at and confirmed by those who keep the register."""

    actions = ("view", "confirm")
    parts = (ImportChange,)
    refusal = _("you may not touch this import")
    create_refusal = _("you may not change this community's register")

    def user_may_create(self, user: User, place: Community | Street) -> bool:
        return isinstance(place, Community) and keeps_register(user, place)

    def user_may(self, user: User, record: ResidentImport, action: str) -> bool:
        return keeps_register(user, record.community_id)


class SurveyPolicy(ObjectPolicy[SurveyRound]):
    """A door-knocking round (入户排查): opened for a building, its visits recorded by hand or
    imported from its sheet, closed."""

    actions = ("visit", "import", "close")
    parts = (SurveyVisit,)
    refusal = _("you may not work this survey round")
    create_refusal = _("you may not change this community's register")

    def user_may_create(self, user: User, place: Community | Street) -> bool:
        return isinstance(place, Community) and keeps_register(user, place)

    def user_may(self, user: User, survey: SurveyRound, action: str) -> bool:
        return keeps_register(user, survey.community_id)


HOUSEHOLDS = HouseholdPolicy()
RESIDENTS = ResidentPolicy()
HEALTH_NOTES = HealthNotePolicy()
IMPORTS = ImportPolicy()
SURVEYS = SurveyPolicy()
