"""The register: households living in rooms, residents in households, their vulnerabilities.

`community` is stored on Household and Resident (it follows from the room) so that scoping a
register of a million people is one indexed filter, not a five-table join.
"""

from datetime import date
from typing import Any, ClassVar, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.core.models import Community, Room, User
from linli.core.roles import Cap
from linli.core.scope import Scope, in_community

# Who sees the whole register of their area: those who keep it, read it or carry its rosters.
# Hotel staff see their own guests only (a relation the quarantine app declares).
REGISTER = (Cap.VIEW_REGISTER, Cap.EDIT_REGISTER, Cap.VIEW_ROSTERS)

SEARCH_KEY_FIELDS = ("name_pinyin", "name_initials", "phone_tail", "id_tail")


# An import writes its rows in short transactions (SQLite has one write lock, and the hotline must
# not wait on a roster) under its mark, and publishes them in one short step: until then they are
# nobody's to see. Rows of an import still writing, or stopped while writing, are hidden.
UNPUBLISHED = ("writing", "crashed")


M = TypeVar("M", bound=models.Model)


class PublishedManager(models.Manager[M]):
    """The rows everyone sees: not those of an import that has not published them yet."""

    def get_queryset(self) -> models.QuerySet[M]:
        unpublished = ResidentImport.objects.filter(status__in=UNPUBLISHED).values("pk")
        return super().get_queryset().exclude(imported_by__in=unpublished)


def published_q(prefix: str = "") -> models.Q:
    """The same condition on a relation (`prefix` as "residents__"), for joins and aggregates,
    which do not go through the related model's manager."""
    published = [s for s in ResidentImport.Status.values if s not in UNPUBLISHED]
    return models.Q(**{f"{prefix}imported_by__isnull": True}) | models.Q(
        **{f"{prefix}imported_by__status__in": published}
    )


def published_sql(alias: str) -> str:
    """The same condition for hand-written SQL on a table of the register, as `alias`."""
    return (
        f"({alias}.imported_by_id IS NULL OR {alias}.imported_by_id NOT IN (SELECT id FROM"  # noqa: S608
        f" people_residentimport WHERE status IN ('writing', 'crashed')))"
    )


class Household(models.Model):
    scope: ClassVar[Scope] = in_community("community", *REGISTER)

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="households")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="households")
    phone = models.CharField(_("household phone"), max_length=20, blank=True)
    home_quarantine_ok = models.BooleanField(
        _("suitable for home quarantine"), null=True, blank=True
    )
    imported_by = models.ForeignKey(
        "people.ResidentImport",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords(excluded_fields=["imported_by"])
    objects = PublishedManager()
    all_rows = models.Manager()  # noqa: DJ012 (the import's own rows, published or not)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [models.Index(fields=["community", "phone"], name="household_phone")]

    def __str__(self) -> str:
        return _("Household in room %(room)s") % {"room": self.room.number}


class Resident(models.Model):
    scope: ClassVar[Scope] = in_community("community", *REGISTER)

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
    # Unknown for a tenant with no document on file, where the community allows it.
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
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
        null=True,
        blank=True,
        help_text=_("Long-term-care insurance (长护险) assessment level, 0–6"),
    )
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("lives here"), default=True)
    # Search keys, derived from name, phone and identity number by `linli.people.search`.
    name_pinyin = models.CharField(max_length=200, blank=True, editable=False)
    name_initials = models.CharField(max_length=50, blank=True, editable=False)
    phone_tail = models.CharField(max_length=4, blank=True, editable=False)
    id_tail = models.CharField(max_length=4, blank=True, editable=False)
    imported_by = models.ForeignKey(
        "people.ResidentImport",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords(excluded_fields=["imported_by"])
    objects = PublishedManager()
    all_rows = models.Manager()  # noqa: DJ012

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        # Every search is "within one community": the community leads each index. On PostgreSQL
        # the pattern opclass lets LIKE 'prefix%' use the index (SQLite: case_sensitive_like).
        indexes = [
            models.Index(
                fields=["community", "name"],
                name="resident_name",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            models.Index(
                fields=["community", "name_initials"],
                name="resident_initials",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            models.Index(
                fields=["community", "name_pinyin"],
                name="resident_pinyin",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["community", "phone_tail"], name="resident_phone_tail"),
            models.Index(fields=["community", "id_tail"], name="resident_id_tail"),
            models.Index(fields=["community", "id_number"], name="resident_id_number"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        from linli.people.search import fill_search_keys

        fill_search_keys(self)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *SEARCH_KEY_FIELDS}
        super().save(*args, **kwargs)

    def age(self, on: date) -> int | None:
        born = self.date_of_birth
        if born is None:
            return None
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class Vulnerability(models.Model):
    """A dated vulnerability tag of a resident, with its own attributes (schedule, hospital …)."""

    scope: ClassVar[Scope] = in_community("community", *REGISTER)

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
    imported_by = models.ForeignKey(
        "people.ResidentImport",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords(excluded_fields=["imported_by"])
    objects = PublishedManager()
    all_rows = models.Manager()  # noqa: DJ012

    class Meta:
        verbose_name = _("vulnerability")
        verbose_name_plural = _("vulnerabilities")
        indexes = [models.Index(fields=["community", "kind"])]

    def __str__(self) -> str:
        return f"{self.resident_id}: {self.get_kind_display()}"


class HealthNote(models.Model):
    """A dated note on a resident's health by a doctor or worker, for the roles that need it."""

    scope: ClassVar[Scope] = in_community("community", Cap.VIEW_REGISTER)

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="health_notes")
    written_at = models.DateTimeField(_("written"), auto_now_add=True)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("health note")
        verbose_name_plural = _("health notes")
        ordering = ["-written_at"]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.written_at:%Y-%m-%d}"


class ResidentImport(models.Model):
    """One upload of a roster: its progress, its outcome and its per-row error report."""

    scope: ClassVar[Scope] = in_community("community")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        FAILED = "failed", _("Has errors: nothing imported")
        CHECKED = "checked", _("Checked: ready to import")
        DONE = "done", _("Imported")
        CRASHED = "crashed", _("Stopped by an error: nothing imported")
        # Writing its rows, unseen until it publishes them.
        WRITING = "writing", _("Writing")
        # Published: its changes to people already in the register are being applied.
        APPLYING = "applying", _("Imported; applying the changes")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    file_name = models.CharField(_("file"), max_length=255)
    stored_path = models.CharField(max_length=500, editable=False)
    dry_run = models.BooleanField(_("check only"), default=False)
    # The uploader's language: the error report speaks it, though a worker writes it.
    language = models.CharField(max_length=10, default="zh-hans")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(_("new residents"), default=0)
    updated = models.PositiveIntegerField(_("updated residents"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged residents"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # The first errors (row, column, reason); the downloadable report lists the same.
    errors = models.JSONField(default=list, blank=True)
    # What went in but contradicts the register ("lives alone" among several), to be looked at.
    warnings = models.JSONField(default=list, blank=True)
    # What it changes (or, checked, would change) of residents already there: the first 500,
    # [row, name, field, before, after], numbers masked.
    changes = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("resident import")
        verbose_name_plural = _("resident imports")

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0 if self.status in (self.Status.PENDING, self.Status.RUNNING) else 100
        return min(100, round(100 * self.rows_done / self.rows_total))

    @property
    def finished(self) -> bool:
        return self.status in (
            self.Status.FAILED,
            self.Status.CHECKED,
            self.Status.DONE,
            self.Status.CRASHED,
        )


class ImportChange(models.Model):
    """A change an import makes to someone already in the register, kept until it is applied:
    an import's new rows are published at once, its changes right after, batch by batch (each
    batch deletes the changes it applied, so a stopped import resumes where it was)."""

    scope: ClassVar[Scope] = in_community("resident_import__community")

    resident_import = models.ForeignKey(ResidentImport, on_delete=models.CASCADE, related_name="+")
    resident = models.ForeignKey("people.Resident", on_delete=models.CASCADE, related_name="+")
    household_id = models.BigIntegerField()
    values = models.JSONField()  # the updatable fields, as the file has them
    tags = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"{self.resident_import_id}: {self.resident_id}"


class SurveyRound(models.Model):
    """A door-knocking round (敲门行动) through one building."""

    scope: ClassVar[Scope] = in_community("community")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey(
        "core.Building", on_delete=models.PROTECT, related_name="survey_rounds"
    )
    name = models.CharField(_("round"), max_length=100)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("door-knocking round")
        verbose_name_plural = _("door-knocking rounds")

    def __str__(self) -> str:
        return self.name


class SurveyVisit(models.Model):
    """One knock on one household's door in a round."""

    scope: ClassVar[Scope] = in_community("community")

    class Result(models.TextChoices):
        VERIFIED = "verified", _("Verified")
        CORRECTED = "corrected", _("Corrected")
        NOBODY_HOME = "nobody", _("Nobody home: revisit")
        REFUSED = "refused", _("Refused")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, related_name="visits")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="visits")
    visited_at = models.DateTimeField(_("visited"))
    visitor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("door-knocking visit")
        verbose_name_plural = _("door-knocking visits")
        indexes = [models.Index(fields=["round", "household", "visited_at"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.get_result_display()}"
