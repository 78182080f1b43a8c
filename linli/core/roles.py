"""Roles and what each may do: the one permission matrix of Linli.

A role is a Django group; a capability is a Django permission. `ROLE_CAPABILITIES` is the only
place that says which role may do what; groups are rebuilt from it after every migration, so the
database can never drift from this table.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICIAL = "official", _("Street / district official")
    WORKER = "worker", _("Community worker")
    OPERATOR = "operator", _("Hotline operator")
    DOCTOR = "doctor", _("Community doctor")
    VOLUNTEER = "volunteer", _("Volunteer / courier")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    PROPERTY = "property_staff", _("Property staff")
    HOTEL = "hotel_staff", _("Hotel staff")
    ADMIN = "admin", _("Administrator")


class Cap(models.TextChoices):
    """Capabilities, stored as permissions `core.<value>` (declared on `core.User.Meta`)."""

    VIEW_REGISTER = "view_register", _("See the resident register of their area")
    EDIT_REGISTER = "edit_register", _("Change the resident register")
    VIEW_PII = "view_pii", _("See full phone numbers and identity numbers (logged)")
    VIEW_HEALTH = "view_health", _("See health notes")
    TAKE_CALLS = "take_calls", _("Log hotline calls and open requests")
    HANDLE_REQUESTS = "handle_requests", _("Claim, assign and complete requests")
    VIEW_FIGURES = "view_figures", _("See the figures of every community in their area")
    VIEW_ROSTERS = "view_rosters", _("See and print stairwell rosters (phones masked)")
    DO_TASKS = "do_tasks", _("Carry out tasks and deliveries handed to them")
    RUN_HOTEL = "run_hotel", _("Run a quarantine hotel")
    REVIEW_ACCESS = "review_access", _("Review who looked at personal data")
    PLAN_CARE = "plan_care", _("Make and change the care plans of their area")
    CARE_FOR = "care_for", _("Work the care plans they are on: services and daily contact")


ROLE_CAPABILITIES: dict[Role, frozenset[Cap]] = {
    Role.OFFICIAL: frozenset(
        {
            Cap.VIEW_REGISTER,
            Cap.VIEW_ROSTERS,
            Cap.VIEW_FIGURES,
            Cap.HANDLE_REQUESTS,
            Cap.REVIEW_ACCESS,
        }
    ),
    Role.WORKER: frozenset(
        {
            Cap.VIEW_REGISTER,
            Cap.VIEW_ROSTERS,
            Cap.EDIT_REGISTER,
            Cap.VIEW_PII,
            Cap.VIEW_HEALTH,
            Cap.TAKE_CALLS,
            Cap.HANDLE_REQUESTS,
            Cap.REVIEW_ACCESS,
            Cap.PLAN_CARE,
        }
    ),
    Role.OPERATOR: frozenset({Cap.VIEW_REGISTER, Cap.VIEW_ROSTERS, Cap.VIEW_PII, Cap.TAKE_CALLS}),
    Role.DOCTOR: frozenset(
        {
            Cap.VIEW_REGISTER,
            Cap.VIEW_ROSTERS,
            Cap.VIEW_PII,
            Cap.VIEW_HEALTH,
            Cap.HANDLE_REQUESTS,
            Cap.CARE_FOR,
        }
    ),
    # Volunteers see masked data and only what their tasks need: the paper rosters they carry
    # (phones masked, no identity numbers), no register, no full personal data; a language
    # volunteer on a care team, the households of their plans.
    Role.VOLUNTEER: frozenset({Cap.DO_TASKS, Cap.VIEW_ROSTERS, Cap.CARE_FOR}),
    # The two other seats of a care team (一户一策): the households of their plans, and the
    # tasks handed to them; no register, no full personal data.
    Role.SOCIAL_WORKER: frozenset({Cap.DO_TASKS, Cap.CARE_FOR}),
    Role.PROPERTY: frozenset({Cap.DO_TASKS, Cap.CARE_FOR}),
    # A hotel's staff: their hotel and its guests; in the ledger, by relation only, the
    # requests their green line opened for their guests (the quarantine app adds it).
    Role.HOTEL: frozenset({Cap.RUN_HOTEL, Cap.VIEW_HEALTH}),
    Role.ADMIN: frozenset(Cap),
}


# Roles that work for a place of a street (a hotel; a supply point, a courier's round, a sampling
# site to come) rather than for a community: they reach a community's rows by relation only
# (a stay in their hotel), never by area, whatever capabilities they hold (`scoped`).
STREET_LEVEL: frozenset[Role] = frozenset({Role.HOTEL})


# The home page's title for each role; its panels come from the apps (`home_panels`).
ROLE_TITLES = {
    Role.OFFICIAL: _("Street overview"),
    Role.WORKER: _("Community desk"),
    Role.OPERATOR: _("Hotline desk"),
    Role.DOCTOR: _("Community doctor"),
    Role.VOLUNTEER: _("My tasks"),
    Role.SOCIAL_WORKER: _("Care teams"),
    Role.PROPERTY: _("Care teams"),
    Role.HOTEL: _("Quarantine hotel"),
    Role.ADMIN: _("Administration"),
}


def takes_calls_only(user: Any) -> bool:
    """A community's hotline operator: takes its calls without handling the requests."""
    return bool(
        user.can(Cap.TAKE_CALLS)
        and user.community_id is not None
        and not user.can(Cap.HANDLE_REQUESTS)
    )


def perm_name(cap: Cap) -> str:
    return f"core.{cap.value}"


def sync_role_groups(**kwargs: Any) -> None:
    """Make one group per role holding exactly the permissions of `ROLE_CAPABILITIES`."""
    from django.contrib.auth.models import Group, Permission

    perms = {p.codename: p for p in Permission.objects.filter(content_type__app_label="core")}
    if not perms:  # permissions not created yet (first migrate of a partial set of apps)
        return
    for role, caps in ROLE_CAPABILITIES.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        group.permissions.set([perms[c.value] for c in caps if c.value in perms])
