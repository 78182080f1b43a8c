"""The register: households living in rooms, residents in households, their vulnerabilities.

`community` is stored on Household and Resident (it follows from the room) so that scoping a
register of a million people is one indexed filter, not a five-table join.
"""

from datetime import date
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.core.models import Community, Room


class Household(models.Model):
    community_field: ClassVar[str] = "community"

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="households")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="households")
    phone = models.CharField(_("household phone"), max_length=20, blank=True)
    home_quarantine_ok = models.BooleanField(
        _("suitable for home quarantine"), null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return _("Household in room %(room)s") % {"room": self.room.number}


class Resident(models.Model):
    community_field: ClassVar[str] = "community"

    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class IdType(models.TextChoices):
        PRC_ID = "prc_id", _("PRC resident identity card")
        PASSPORT = "passport", _("Passport")
        OTHER = "other", _("Other document")

    class Mobility(models.TextChoices):
        INDEPENDENT = "independent", _("Independent")
        LIMITED = "limited", _("Limited")
        BEDRIDDEN = "bedridden", _("Bedridden")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="residents")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    name = models.CharField(_("name"), max_length=100)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"))
    id_type = models.CharField(
        _("identity document"), max_length=10, choices=IdType.choices, default=IdType.PRC_ID
    )
    id_number = models.CharField(_("identity number"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    nationality = models.CharField(_("nationality"), max_length=2, default="CN")
    languages = models.JSONField(_("languages"), default=list, blank=True)
    mobility = models.CharField(
        _("mobility"), max_length=12, choices=Mobility.choices, default=Mobility.INDEPENDENT
    )
    ltc_level = models.PositiveSmallIntegerField(
        _("long-term-care level"),
        default=0,
        help_text=_("Long-term-care insurance (长护险) assessment level, 0–6"),
    )
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("lives here"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        indexes = [models.Index(fields=["community", "name"])]

    def __str__(self) -> str:
        return self.name

    def age(self, on: date) -> int:
        born = self.date_of_birth
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class Vulnerability(models.Model):
    """A dated vulnerability tag of a resident, with its own attributes (schedule, hospital …)."""

    community_field: ClassVar[str] = "community"

    class Kind(models.TextChoices):
        LIVES_ALONE = "alone", _("Lives alone")
        LTC_HIGH = "ltc5", _("Long-term care level 5+")
        DISABLED = "disabled", _("Disabled")
        PREGNANT = "pregnant", _("Pregnant")
        INFANT = "infant", _("Infant")
        DIALYSIS = "dialysis", _("Dialysis")
        CHEMO = "chemo", _("Chemo / radiotherapy")
        CHRONIC = "chronic", _("Chronic disease")
        SEVERE = "severe", _("Severe illness")
        HARDSHIP = "hardship", _("Economic hardship")
        DIET = "diet", _("Ethnic / religious diet")
        LANGUAGE = "language", _("Foreign resident needing a language")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="vulnerabilities")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    details = models.JSONField(_("details"), default=dict, blank=True)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vulnerability")
        verbose_name_plural = _("vulnerabilities")
        indexes = [models.Index(fields=["community", "kind"])]

    def __str__(self) -> str:
        return f"{self.resident_id}: {self.get_kind_display()}"
