"""Inbound travellers and quarantine (docs/quarantine.md): the three gates — before arrival
(前置关: the traveller, entered, imported from the city's list or reported by the family), at
arrival (处置关: the reception by the day or night team, and the decision home or hotel) and
after (后置关: home quarantine with its daily checks and its release notice) — and the street's
centralised quarantine hotels with their rooms and guests.

People are the register's: a traveller becomes a resident of their household at the decision,
and a quarantine, home or hotel, is a resident's."""

import secrets
from typing import ClassVar

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.care.models import CarePlan, Contact
from linli.core.models import Community, Street, Team, User
from linli.core.roles import Cap
from linli.core.scope import Relation, Scope, in_community, in_street
from linli.ledger.models import Request
from linli.people.models import Household, Resident

# Who works the gates of a community: its workers and doctors (plan_care, handle_requests), the
# street and district (view_figures); a reception team's volunteers see the travellers they
# receive.
GATES = (Cap.PLAN_CARE, Cap.HANDLE_REQUESTS, Cap.VIEW_FIGURES)
# Who sees a street's hotels: the street (view_figures), the communities that send guests
# (plan_care); hotel staff their own hotels.
HOTELS = (Cap.VIEW_FIGURES, Cap.PLAN_CARE)


def new_code() -> str:
    """A code nobody guesses: the release notice's, the resident's daily-check link's."""
    return secrets.token_hex(5).upper()


class Settings(models.Model):
    """A community's quarantine settings: the policy's days, the reception's shifts and teams,
    the default seats of a home quarantine's care team, and the hour checks are due by."""

    scope: ClassVar[Scope] = in_community("community", *GATES)

    community = models.OneToOneField(Community, on_delete=models.CASCADE, related_name="+")
    days = models.PositiveSmallIntegerField(_("days of home quarantine"), default=14)
    day_shift_from = models.TimeField(_("day shift from"), default="08:00")
    night_shift_from = models.TimeField(_("night shift from"), default="20:00")
    day_team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("day team"),
    )
    night_team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("night emergency team"),
    )
    doctor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community doctor"),
    )
    social_worker = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("social worker or language volunteer"),
    )
    property_staff = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("property staff"),
    )
    checks_due_by = models.TimeField(_("daily check due by"), default="12:00")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quarantine settings")
        verbose_name_plural = _("quarantine settings")

    def __str__(self) -> str:
        return str(self.community)


class Traveller(models.Model):
    """Someone arriving from outside, from the moment the community hears of them."""

    scope: ClassVar[Scope] = in_community(
        "community", *GATES, relations=(Relation(Cap.DO_TASKS, "reception__team__members"),)
    )

    class Source(models.TextChoices):
        WORKER = "worker", _("Entered by a worker")
        CITY = "city", _("City list")
        FAMILY = "family", _("Reported by the family")

    class Status(models.TextChoices):
        EXPECTED = "expected", _("Expected")
        HOME = "home", _("Home quarantine")
        HOTEL = "hotel", _("Quarantine hotel")
        RELEASED = "released", _("Released")
        CANCELLED = "cancelled", _("Not coming")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("destination household"),
    )
    address_given = models.CharField(_("destination as given"), max_length=200, blank=True)
    name = models.CharField(_("name"), max_length=100)
    sex = models.CharField(_("sex"), max_length=1, choices=Resident.Sex.choices, blank=True)
    id_type = models.CharField(
        _("identity document"),
        max_length=10,
        choices=Resident.IdType.choices,
        default=Resident.IdType.PASSPORT,
    )
    id_number = models.CharField(_("passport or ID number"), max_length=40, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    nationality = models.CharField(_("nationality"), max_length=2, default="CN")
    language = models.CharField(_("language"), max_length=20, blank=True)
    transport = models.CharField(_("flight or train"), max_length=40, blank=True)
    origin = models.CharField(_("coming from"), max_length=100, blank=True)
    arrives_at = models.DateTimeField(_("planned arrival"))
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.EXPECTED
    )
    # The register's person, once the decision has put them in their household.
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("traveller")
        verbose_name_plural = _("travellers")
        indexes = [models.Index(fields=["community", "arrives_at"], name="traveller_arrival")]

    def __str__(self) -> str:
        return self.name

    @property
    def flagged(self) -> bool:
        """No known household: the reception cannot decide until one is found."""
        return self.household_id is None


class Reception(models.Model):
    """The reception of one arrival (处置关): the team of its shift, the checklist, and the
    decision. It is also a request in the ledger, handed to the team's lead."""

    scope: ClassVar[Scope] = in_community(
        "community", *GATES, relations=(Relation(Cap.DO_TASKS, "team__members"),)
    )

    class Shift(models.TextChoices):
        DAY = "day", _("Day team")
        NIGHT = "night", _("Night emergency team")

    class Decision(models.TextChoices):
        HOME = "home", _("Home quarantine")
        HOTEL = "hotel", _("Quarantine hotel")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    traveller = models.OneToOneField(Traveller, on_delete=models.CASCADE, related_name="reception")
    shift = models.CharField(_("shift"), max_length=5, choices=Shift.choices)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    request = models.ForeignKey(
        Request, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    picked_up_at = models.DateTimeField(_("picked up"), null=True, blank=True)
    at_gate_at = models.DateTimeField(_("at the gate"), null=True, blank=True)
    home_checked_at = models.DateTimeField(_("home checked"), null=True, blank=True)
    pack_given_at = models.DateTimeField(
        _("notice and service pack handed over"), null=True, blank=True
    )
    decision = models.CharField(_("decision"), max_length=5, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reception")
        verbose_name_plural = _("receptions")

    def __str__(self) -> str:
        return str(self.traveller)


# The checklist of a reception, in the order it is done: (field, step name).
CHECKLIST = (
    ("picked_up_at", "picked_up"),
    ("at_gate_at", "at_gate"),
    ("home_checked_at", "home_checked"),
    ("pack_given_at", "pack_given"),
)


class HomeQuarantine(models.Model):
    """A resident's home quarantine (后置关): from its start to its planned end (set by the
    policy, changed with a reason), checked daily, released with a notice."""

    scope: ClassVar[Scope] = in_community(
        "community",
        *GATES,
        relations=(
            Relation(Cap.CARE_FOR, "plan__doctor"),
            Relation(Cap.CARE_FOR, "plan__social_worker"),
            Relation(Cap.CARE_FOR, "plan__property_staff"),
        ),
    )

    class Status(models.TextChoices):
        ACTIVE = "active", _("In quarantine")
        RELEASED = "released", _("Released")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    traveller = models.ForeignKey(
        Traveller, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    plan = models.ForeignKey(
        CarePlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    starts_on = models.DateField(_("starts on"))
    days = models.PositiveSmallIntegerField(_("days by the policy"))
    planned_end = models.DateField(_("planned end"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    released_on = models.DateField(_("released on"), null=True, blank=True)
    release_reason = models.CharField(_("why released early"), max_length=200, blank=True)
    released_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    release_code = models.CharField(max_length=12, unique=True, default=new_code)
    check_code = models.CharField(max_length=12, unique=True, default=new_code)
    # The last day with a check: the overdue list is one indexed filter on it.
    last_check_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("home quarantine")
        verbose_name_plural = _("home quarantines")
        constraints = [
            models.UniqueConstraint(
                fields=["resident"], condition=Q(status="active"), name="home_quarantine_one"
            )
        ]
        indexes = [
            models.Index(fields=["community", "status", "last_check_on"], name="hq_checks"),
            models.Index(fields=["community", "status", "planned_end"], name="hq_end"),
        ]

    def __str__(self) -> str:
        return str(self.resident)


class EndChange(models.Model):
    """An extension or reduction of a quarantine: its previous end and why it changed."""

    scope: ClassVar[Scope] = in_community("quarantine__community", *GATES)

    quarantine = models.ForeignKey(HomeQuarantine, on_delete=models.CASCADE, related_name="changes")
    previous_end = models.DateField(_("previous end"))
    new_end = models.DateField(_("new end"))
    reason = models.CharField(_("reason"), max_length=200)
    by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.previous_end} → {self.new_end}"


class HealthCheck(models.Model):
    """A daily health check: temperature and symptoms, by the doctor or by the resident on
    their link. An abnormal one opens an urgent request."""

    scope: ClassVar[Scope] = in_community(
        "community",
        *GATES,
        relations=(Relation(Cap.CARE_FOR, "quarantine__plan__doctor"),),
    )

    class Symptom(models.TextChoices):
        FEVER = "fever", _("Fever or chills")
        COUGH = "cough", _("Cough")
        THROAT = "throat", _("Sore throat")
        BREATH = "breath", _("Short of breath")
        TASTE = "taste", _("Lost taste or smell")
        FATIGUE = "fatigue", _("Aches or fatigue")
        DIARRHOEA = "diarrhoea", _("Diarrhoea")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    quarantine = models.ForeignKey(HomeQuarantine, on_delete=models.CASCADE, related_name="checks")
    day = models.DateField()
    at = models.DateTimeField()
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    abnormal = models.BooleanField(default=False)
    request = models.ForeignKey(
        Request, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["quarantine", "day"], name="check_quarantine_day")]

    def __str__(self) -> str:
        return f"{self.quarantine_id} {self.day} {self.temperature}"


# Hotels -------------------------------------------------------------------------------------

STAFF_OF_HOTEL = (Relation(Cap.RUN_HOTEL, "staff"),)


class Hotel(models.Model):
    """A centralised quarantine hotel of the street, with the staff who run it."""

    scope: ClassVar[Scope] = in_street("street", *HOTELS, relations=STAFF_OF_HOTEL)

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("green line"), max_length=20, blank=True)
    active = models.BooleanField(_("open"), default=True)
    staff = models.ManyToManyField(User, related_name="hotels", blank=True)

    class Meta:
        verbose_name = _("quarantine hotel")
        verbose_name_plural = _("quarantine hotels")

    def __str__(self) -> str:
        return self.name


class HotelRoom(models.Model):
    scope: ClassVar[Scope] = in_street(
        "hotel__street", *HOTELS, relations=(Relation(Cap.RUN_HOTEL, "hotel__staff"),)
    )

    hotel = models.ForeignKey(Hotel, on_delete=models.PROTECT, related_name="rooms")
    floor = models.SmallIntegerField(_("floor"))
    number = models.CharField(_("room"), max_length=20)
    beds = models.PositiveSmallIntegerField(_("beds"), default=1)
    accessible = models.BooleanField(_("accessible"), default=False)

    class Meta:
        verbose_name = _("hotel room")
        verbose_name_plural = _("hotel rooms")
        constraints = [
            models.UniqueConstraint(fields=["hotel", "number"], name="hotel_room_unique")
        ]

    def __str__(self) -> str:
        return self.number


class Stay(models.Model):
    """A guest's stay in a hotel: a resident of one of the street's communities (their own
    community keeps the stay in its reach, and their hotel's staff)."""

    scope: ClassVar[Scope] = in_community(
        "community", *HOTELS, relations=(Relation(Cap.RUN_HOTEL, "hotel__staff"),)
    )

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    hotel = models.ForeignKey(Hotel, on_delete=models.PROTECT, related_name="stays")
    room = models.ForeignKey(HotelRoom, on_delete=models.PROTECT, related_name="stays")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="stays")
    traveller = models.ForeignKey(
        Traveller, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    checked_in_at = models.DateTimeField(_("checked in"))
    planned_end = models.DateField(_("planned end"))
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    # The special groups, read from the register at check-in, and the kitchen's diet.
    elderly = models.BooleanField(_("elderly (60+)"), default=False)
    chronic = models.BooleanField(_("chronic illness"), default=False)
    infant = models.BooleanField(_("infant (under 3)"), default=False)
    pregnant = models.BooleanField(_("pregnant"), default=False)
    diet = models.CharField(_("diet"), max_length=16, choices=CarePlan.Diet.choices, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    # The green line's requests for this guest (their source is the stay): how the hotel's
    # staff reach them in the ledger, and no other request of the guest's community.
    requests = GenericRelation(
        Request,
        content_type_field="source_type",
        object_id_field="source_id",
        related_query_name="hotel_stay",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hotel stay")
        verbose_name_plural = _("hotel stays")
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(checked_out_at__isnull=True),
                name="stay_one_at_a_time",
            )
        ]
        indexes = [models.Index(fields=["hotel", "checked_out_at"], name="stay_hotel_open")]

    def __str__(self) -> str:
        return f"{self.resident_id} @ {self.room_id}"

    @property
    def special(self) -> bool:
        return self.elderly or self.chronic or self.infant or self.pregnant or bool(self.diet)


class GuestCall(models.Model):
    """The daily call to a guest (one a day), by the hotel's staff."""

    scope: ClassVar[Scope] = in_community(
        "stay__community", *HOTELS, relations=(Relation(Cap.RUN_HOTEL, "stay__hotel__staff"),)
    )

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="calls")
    day = models.DateField()
    at = models.DateTimeField()
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=12, choices=Contact.Outcome.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    request = models.ForeignKey(
        Request, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["stay", "day"], name="guest_call_day")]

    def __str__(self) -> str:
        return f"{self.stay_id} {self.day} {self.outcome}"
