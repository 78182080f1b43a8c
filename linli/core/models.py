"""Tenancy: District > Street > Community (居委会) > Compound (小区) > Building > Unit > Room.

Every record a user can reach belongs to a community or a street; `scope` on each model names
the path to it and who sees which of its rows (`linli.core.scope`), and
`linli.core.scoping.scoped` is the one function that filters by it.
"""

import re
from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.roles import ROLE_CAPABILITIES, Cap, Role
from linli.core.scope import Scope, in_community


class District(models.Model):
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=12, unique=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name


class Street(models.Model):
    """Street office (街道) or town (镇)."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="streets")
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=16, unique=True)

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    """Residential committee (居委会): the unit of tenancy."""

    scope: ClassVar[Scope] = in_community("")

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="communities")
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=20, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=40, default="Asia/Shanghai")
    # A tenant often has no document on file: by default a resident may have neither identity
    # number nor birth date (the import warns); a community may require one of them.
    residents_need_identity = models.BooleanField(
        _("every resident needs an identity number or a birth date"), default=False
    )
    # Late requests escalate to the head (居委书记/主任) at their deadline.
    head = models.ForeignKey(
        "core.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_communities",
        verbose_name=_("head"),
    )

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")

    def __str__(self) -> str:
        return self.name


class Compound(models.Model):
    """Residential compound (小区) or lane (弄)."""

    scope: ClassVar[Scope] = in_community("community")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="compounds")
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("compound")
        verbose_name_plural = _("compounds")

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    scope: ClassVar[Scope] = in_community("compound__community")

    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="buildings")
    number = models.CharField(_("building number"), max_length=20)
    floors = models.PositiveSmallIntegerField(_("floors"), default=6)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        constraints = [
            models.UniqueConstraint(fields=["compound", "number"], name="building_unique_number")
        ]

    def __str__(self) -> str:
        return _("Building %(number)s") % {"number": self.number}


class Unit(models.Model):
    """Unit or stairwell (单元/门洞) of a building."""

    scope: ClassVar[Scope] = in_community("building__compound__community")

    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="units")
    number = models.CharField(_("unit number"), max_length=20)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="unit_unique_number")
        ]

    def __str__(self) -> str:
        return _("Unit %(number)s") % {"number": self.number}


def floor_of(number: str) -> int:
    """The floor a room number says: 502 → 5, 1203 → 12, 502A → 5; 1 when it says none."""
    digits = re.match(r"\d+", number)
    return int(digits.group()[:-2] or 1) if digits and len(digits.group()) >= 3 else 1


class Room(models.Model):
    scope: ClassVar[Scope] = in_community("unit__building__compound__community")

    class Occupancy(models.TextChoices):
        OWNER = "owner", _("Owner-occupied")
        RENTED = "rented", _("Rented")
        VACANT = "vacant", _("Vacant")
        GROUP = "group", _("Group rental")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="rooms")
    number = models.CharField(_("room number"), max_length=20)
    floor = models.SmallIntegerField(_("floor"), default=1)
    occupancy = models.CharField(
        _("occupancy"), max_length=10, choices=Occupancy.choices, default=Occupancy.OWNER
    )

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="room_unique_number")
        ]

    def __str__(self) -> str:
        return self.number

    def address(self) -> str:
        """Compound, building, unit and room, as written on a roster (needs select_related)."""
        unit = self.unit
        building = unit.building
        return _("%(compound)s %(building)s-%(unit)s-%(room)s") % {
            "compound": building.compound.name,
            "building": building.number,
            "unit": unit.number,
            "room": self.number,
        }


class User(AbstractUser):
    """A person who works in Linli. Belongs to exactly one community, street or district;
    administrators may belong to none."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [(cap.value, cap.label) for cap in Cap]
        constraints = [
            models.CheckConstraint(
                name="user_one_affiliation",
                condition=(
                    models.Q(community__isnull=True, street__isnull=True)
                    | models.Q(community__isnull=True, district__isnull=True)
                    | models.Q(street__isnull=True, district__isnull=True)
                ),
            )
        ]

    @property
    def role(self) -> Role | None:
        """The user's role: the first of their groups that names a role."""
        cached: Role | None = self.__dict__.get("_role", None)
        if "_role" not in self.__dict__:
            names = {g.name for g in self.groups.all()}
            cached = next((r for r in Role if r.value in names), None)
            if cached is None and self.is_superuser:
                cached = Role.ADMIN
            self.__dict__["_role"] = cached
        return cached

    def can(self, cap: Cap) -> bool:
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        role = self.role
        return role is not None and cap in ROLE_CAPABILITIES[role]

    @property
    def area_name(self) -> str:
        area = self.community or self.street or self.district
        return str(area) if area else str(_("All areas"))


class PiiAccess(models.Model):
    """Who looked at whose personal data, when, and what they saw."""

    scope: ClassVar[Scope] = in_community("community")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="pii_accesses")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject_label = models.CharField(_("whose data"), max_length=200)
    fields = models.CharField(_("what was seen"), max_length=200)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    path = models.CharField(_("page"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # How many people the look covered: 1 for a page, the number of rows for an export.
    rows = models.PositiveIntegerField(_("people"), default=1)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "at"]),
            models.Index(fields=["community", "at"]),
            models.Index(fields=["user", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.subject_label} ({self.fields})"


class PiiAlert(models.Model):
    """Something in the access log an administrator should look at: a bulk export of personal
    data, or one user looking at far more people than their work would need."""

    scope: ClassVar[Scope] = in_community("community")

    class Kind(models.TextChoices):
        BULK_EXPORT = "bulk_export", _("Bulk export of personal data")
        MANY_VIEWS = "many_views", _("Unusually many looks at personal data")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="pii_alerts")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField(_("how many"))
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = models.CharField(_("review note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("personal data alert")
        verbose_name_plural = _("personal data alerts")
        indexes = [models.Index(fields=["user", "kind", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user} ({self.count})"


class Team(models.Model):
    """A group work is handed to (交办): a building team, the medicine runners, a care team, a
    hotel's team, a delivery team … of one community."""

    scope: ClassVar[Scope] = in_community("community")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=100)
    lead = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="led_teams"
    )
    members = models.ManyToManyField(User, related_name="teams", blank=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name
