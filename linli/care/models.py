"""One household, one plan (一户一策): care plans with their three-person teams, the recurring
services they promise, and the daily contact with the people under them (docs/care.md)."""

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.core.models import Community, User
from linli.core.roles import Cap
from linli.core.scope import Relation, Scope, in_community
from linli.ledger.models import Category, Request
from linli.people.models import Household, Resident

# The seats of a care team, as fields of the plan: (field, label).
SEATS = (
    ("doctor", _("Community doctor")),
    ("social_worker", _("Social worker or language volunteer")),
    ("property_staff", _("Property staff")),
)


def team_relations(prefix: str = "") -> tuple[Relation, ...]:
    """A care team member sees the rows of their own plans."""
    return tuple(Relation(Cap.CARE_FOR, f"{prefix}{seat}") for seat, _label in SEATS)


class CarePlan(models.Model):
    """The plan of one household: why, what for, until when, who (three named seats), and
    what the household needs besides."""

    scope: ClassVar[Scope] = in_community("community", Cap.PLAN_CARE, relations=team_relations())

    class Reason(models.TextChoices):
        QUARANTINE = "quarantine", _("Home quarantine")
        ALONE_80 = "alone80", _("80+ living alone")
        DIALYSIS = "dialysis", _("Dialysis")
        PREGNANT = "pregnant", _("Pregnant, near term")
        CHEMO = "chemo", _("Chemo / radiotherapy")
        DISABILITY = "disability", _("Disability or bedridden")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        ENDED = "ended", _("Ended")

    class Diet(models.TextChoices):
        HALAL = "halal", _("Halal")
        DIABETIC = "diabetic", _("Diabetic")
        SOFT = "soft", _("Soft food")
        INFANT_FORMULA = "infant_formula", _("Infant formula")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="care_plans")
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    reason_note = models.CharField(_("about the reason"), max_length=200, blank=True)
    goals = models.TextField(_("goals"), blank=True)
    starts_on = models.DateField(_("starts on"))
    review_on = models.DateField(_("review on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    doctor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=SEATS[0][1]
    )
    social_worker = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=SEATS[1][1]
    )
    property_staff = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=SEATS[2][1]
    )
    diets = models.JSONField(_("diet"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=50, blank=True)
    mobility = models.CharField(_("mobility"), max_length=200, blank=True)
    equipment = models.CharField(
        _("equipment"),
        max_length=200,
        blank=True,
        help_text=_("e.g. a computer for online classes"),
    )
    daily_contact = models.BooleanField(_("at least one contact a day"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("care plan")
        verbose_name_plural = _("care plans")
        constraints = [
            # One plan at a time per household: a new one once the last has ended.
            models.UniqueConstraint(
                fields=["household"], condition=~Q(status="ended"), name="care_plan_one_open"
            )
        ]
        indexes = [models.Index(fields=["community", "status"], name="care_plan_status")]

    def __str__(self) -> str:
        return str(_("Care plan of %(household)s") % {"household": self.household})


class ServiceItem(models.Model):
    """A service the plan promises on a schedule (medicine every Monday; dialysis escort
    Tue/Thu/Sat 07:00): each day it falls on becomes a request in the ledger."""

    scope: ClassVar[Scope] = in_community(
        "community", Cap.PLAN_CARE, relations=team_relations("plan__")
    )

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="items")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("what"), max_length=200)
    schedule = models.CharField(
        _("when"), max_length=100, help_text=_("每天 / 每周一 / 二四六 07:00 / Tue/Thu/Sat 07:00")
    )
    weekdays = models.PositiveSmallIntegerField(editable=False)  # bit d set: weekday d (Monday 0)
    at = models.TimeField(null=True, blank=True, editable=False)
    seat = models.CharField(
        _("handed to"), max_length=16, choices=[(s, label) for s, label in SEATS]
    )
    active = models.BooleanField(_("active"), default=True)
    # The last day turned into requests: generation goes on from the day after.
    generated_through = models.DateField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")

    def __str__(self) -> str:
        return f"{self.description} ({self.schedule})"


class ServiceRun(models.Model):
    """One day of an item, and the request it became: the key that makes generation
    idempotent (twice is once)."""

    scope: ClassVar[Scope] = in_community(
        "item__community", Cap.PLAN_CARE, relations=team_relations("item__plan__")
    )

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="runs")
    day = models.DateField()
    request = models.ForeignKey(Request, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "day"], name="service_run_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.day}"


class ContactRule(models.Model):
    """Whom a community contacts at least once a day, besides everyone under a care plan."""

    scope: ClassVar[Scope] = in_community("community", Cap.PLAN_CARE)

    class Group(models.TextChoices):
        ALONE_80 = "alone80", _("80+ living alone")
        KEY_PATIENTS = "key", _("Key patients (pregnant, dialysis, chemo, severe illness)")

    community = models.OneToOneField(Community, on_delete=models.CASCADE, related_name="+")
    groups = models.JSONField(_("groups"), default=list, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return str(self.community)


class Contact(models.Model):
    """One attempt to reach a person on a day, and what came of it."""

    scope: ClassVar[Scope] = in_community(
        "community", Cap.PLAN_CARE, relations=team_relations("plan__")
    )

    class Outcome(models.TextChoices):
        WELL = "well", _("Reached, well")
        NEED = "need", _("Reached, with a need")
        UNREACHABLE = "unreachable", _("Unreachable")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(
        CarePlan, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    day = models.DateField()
    at = models.DateTimeField()
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # The request it opened: the need, or the door visit after two unreachable days.
    request = models.ForeignKey(
        Request, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["community", "day"], name="contact_community_day"),
            models.Index(fields=["resident", "day"], name="contact_resident_day"),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.day} {self.outcome}"

    @property
    def reached(self) -> bool:
        return self.outcome != self.Outcome.UNREACHABLE


class OnCall(models.Model):
    """Who is on call for a compound (or the whole community) in a shift: a doctor's name,
    role and phone, published on the community's public page."""

    scope: ClassVar[Scope] = in_community("community")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    compound = models.ForeignKey(
        "core.Compound", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("compound"),
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=100, help_text=_("e.g. 社区医生 / GP"))
    phone = models.CharField(_("phone"), max_length=20)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))

    class Meta:
        verbose_name = _("on-call shift")
        verbose_name_plural = _("on-call shifts")
        indexes = [models.Index(fields=["community", "ends_at"], name="oncall_community_end")]

    def __str__(self) -> str:
        return f"{self.name} {self.starts_at:%m-%d %H:%M}"


class Vehicle(models.Model):
    """A transfer vehicle of the community: plate, driver, phone and its hours on duty."""

    scope: ClassVar[Scope] = in_community("community", Cap.PLAN_CARE, Cap.HANDLE_REQUESTS)

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    plate = models.CharField(_("plate"), max_length=20)
    driver = models.CharField(_("driver"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20)
    on_duty_from = models.TimeField(_("on duty from"))
    on_duty_until = models.TimeField(_("on duty until"))
    active = models.BooleanField(_("in service"), default=True)

    class Meta:
        verbose_name = _("transfer vehicle")
        verbose_name_plural = _("transfer vehicles")
        constraints = [
            models.UniqueConstraint(fields=["community", "plate"], name="vehicle_plate_once")
        ]

    def __str__(self) -> str:
        return self.plate


class Trip(models.Model):
    """An escort request given a vehicle and a time."""

    scope: ClassVar[Scope] = in_community("vehicle__community", Cap.PLAN_CARE, Cap.HANDLE_REQUESTS)

    request = models.OneToOneField(Request, on_delete=models.CASCADE, related_name="trip")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="trips")
    at = models.DateTimeField(_("pick-up time"))
    booked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["vehicle", "at"], name="trip_vehicle_at")]

    def __str__(self) -> str:
        return f"{self.vehicle} {self.at:%m-%d %H:%M}"
