"""The hotline and the request ledger (需求登记交办台账).

A call may open several requests; every request has an owner, a deadline and a timeline of
events. Status changes are events too (`RequestEvent`), so the history of a request is the list
of its events, never an overwritten field.
"""

import secrets
from datetime import datetime
from typing import ClassVar

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.models import Community, User
from linli.core.roles import Cap
from linli.core.scope import Relation, Scope, in_community
from linli.people.models import Household, Resident


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    # Words that half-name a danger, no sign decided: ring the caller back within ten minutes
    # and ask the key questions (awake? breathing normally?).
    CALL_BACK = "call_back", _("Call back now")
    URGENT = "urgent", _("Urgent")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


# How serious, for rules that only raise: a call-back is below an emergency, above urgent.
URGENCY_RANK = {
    Urgency.EMERGENCY: 0,
    Urgency.CALL_BACK: 1,
    Urgency.URGENT: 2,
    Urgency.NORMAL: 3,
    Urgency.LOW: 4,
}
# The order of every worklist: a call-back takes a minute and may reveal an emergency, so it
# comes first, then emergencies, urgent, normal and low requests.
LIST_RANK = {**{u: n + 1 for u, n in URGENCY_RANK.items()}, Urgency.CALL_BACK: 0}
URGENCY_ORDER: tuple[str, ...] = tuple(
    u.value for u in sorted(LIST_RANK, key=lambda u: LIST_RANK[u])
)


class Category(models.Model):
    """A kind of request. The taxonomy is configurable; the seeded codes are stable."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80)
    medical = models.BooleanField(_("medical (may need a visit pass)"), default=False)
    default_urgency = models.CharField(
        _("usual urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class DeadlineRule(models.Model):
    """How long a request of a category and urgency may take before it is late."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="deadlines")
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        constraints = [
            models.UniqueConstraint(fields=["category", "urgency"], name="deadline_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.urgency}: {self.hours} h"


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    WALK_IN = "walk_in", _("Walk-in")
    ONLINE = "online", _("Online form")
    HOTEL = "hotel", _("Hotel green line")
    DOOR = "door", _("Door visit")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")
    # Work a plan promised (a care plan's weekly medicine): its source says which plan.
    PLANNED = "planned", _("Planned service")


class Call(models.Model):
    """One call to the hotline, whatever came of it."""

    scope: ClassVar[Scope] = in_community("community")

    class Kind(models.TextChoices):
        REQUEST = "request", _("Request")
        ENQUIRY = "enquiry", _("Enquiry")
        COMPLAINT = "complaint", _("Complaint")
        FOLLOW_UP = "follow_up", _("Follow-up")
        SILENT = "silent", _("Silent / dropped")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="calls")
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    caller_number = models.CharField(_("caller's number"), max_length=20, blank=True)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="calls"
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, null=True, blank=True, related_name="calls"
    )
    operator = models.ForeignKey(User, on_delete=models.PROTECT, related_name="calls_taken")
    duration_seconds = models.PositiveIntegerField(_("duration (s)"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REQUEST)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        indexes = [models.Index(fields=["community", "-at"], name="call_recent")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.caller_number}"


def new_tracking_code() -> str:
    # No 0/O/1/I/L: the code is read out over the phone.
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Request(models.Model):
    # The ledger's roles see their area's requests; a volunteer (or social worker, property
    # staff …) those handed to them or to a team they lead or are a member of.
    scope: ClassVar[Scope] = in_community(
        "community",
        Cap.TAKE_CALLS,
        Cap.HANDLE_REQUESTS,
        relations=(
            Relation(Cap.DO_TASKS, "assignee"),
            Relation(Cap.DO_TASKS, "team__lead"),
            Relation(Cap.DO_TASKS, "team__members"),
        ),
    )

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ASSIGNED = "assigned", _("Assigned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CONFIRMED = "confirmed", _("Confirmed by callback")
        CANCELLED = "cancelled", _("Cancelled")
        MERGED = "merged", _("Merged into another")

    OPEN_STATUSES: ClassVar[tuple[str, ...]] = ("new", "assigned", "in_progress")

    # The foreign keys that lead a composite index below (community, household, assignee, team)
    # get no index of their own: it would serve no lookup the composite does not, and every
    # request written or moved on would update it.
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="requests", db_index=False
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        db_index=False,
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="requests")
    description = models.TextField(_("what is needed"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    triage_reasons = models.JSONField(_("why this urgency"), default=list, blank=True)
    # The dispatcher's key questions as answered ({"awake": "no", "breathing": "unknown",
    # "problem": "chest"}): `linli.ledger.triage.questions`.
    key_answers = models.JSONField(_("key questions"), default=dict, blank=True)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    assignee = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        db_index=False,
    )
    team = models.ForeignKey(
        "core.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        db_index=False,
    )
    # Escalation level reached: 0 none, 1 community head, 2 street.
    escalation = models.PositiveSmallIntegerField(default=0)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged"
    )
    emergency_call_at = models.DateTimeField(_("120 called at"), null=True, blank=True)
    tracking_code = models.CharField(max_length=12, unique=True, default=new_tracking_code)
    # What caused the request, when another part of Linli opened it (a care plan's service item,
    # a failed delivery stop, a positive test …): any object, without a channel of its own.
    source_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # request_source serves it, holding only the requests that have one
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    address_text = models.CharField(_("address as given"), max_length=200, blank=True)
    result = models.TextField(_("result"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        indexes = [
            models.Index(fields=["community", "-created_at", "-id"], name="request_ledger"),
            models.Index(fields=["community", "status", "deadline"], name="request_open"),
            models.Index(fields=["assignee", "status", "deadline"], name="request_mine"),
            models.Index(fields=["team", "status", "deadline"], name="request_team"),
            models.Index(fields=["household", "category", "created_at"], name="request_dupes"),
            models.Index(
                fields=["source_type", "source_id"],
                name="request_source",
                condition=models.Q(source_id__isnull=False),
            ),
            # Open requests are a sliver of the ledger: indexes of them alone keep a street's
            # late list (walked by deadline, stopping at a page) and its unassigned count fast.
            models.Index(
                fields=["deadline", "id"],
                condition=models.Q(status__in=("new", "assigned", "in_progress")),
                name="request_open_deadline",
            ),
            models.Index(
                fields=["community", "deadline", "id"],
                condition=models.Q(
                    status__in=("new", "assigned", "in_progress"),
                    assignee__isnull=True,
                    team__isnull=True,
                ),
                name="request_unassigned",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @classmethod
    def awaiting_taker(cls) -> Q:
        """Nobody has taken it: new, or handed to a team and not yet taken by one of it (the
        one rule of `do_claim` and of the lists' claim buttons)."""
        return Q(assignee__isnull=True) & (
            Q(status=cls.Status.NEW) | Q(status=cls.Status.ASSIGNED, team__isnull=False)
        )

    @property
    def awaits_taker(self) -> bool:
        """`awaiting_taker` of this request as loaded."""
        return self.assignee_id is None and (
            self.status == self.Status.NEW
            or (self.status == self.Status.ASSIGNED and self.team_id is not None)
        )

    def is_late(self, now: datetime | None = None) -> bool:
        return self.is_open and (now or timezone.now()) > self.deadline

    def escalation_due(self, now: datetime | None = None) -> int:
        """The level this request should have reached by `now`: computed, never waited for."""
        if not self.is_open:
            return self.escalation
        now = now or timezone.now()
        allowed = self.deadline - self.created_at
        if now >= self.deadline + allowed:
            return 2
        if now >= self.deadline:
            return 1
        return 0


class RequestEvent(models.Model):
    """One line of a request's timeline: who did what, when."""

    scope: ClassVar[Scope] = in_community("request__community")

    class Kind(models.TextChoices):
        CREATED = "created", _("Registered")
        TRIAGED = "triaged", _("Triaged")
        URGENCY = "urgency", _("Urgency changed")
        EMERGENCY_CALL = "call_120", _("120 called")
        ASSIGNED = "assigned", _("Assigned")
        CLAIMED = "claimed", _("Claimed")
        UNASSIGNED = "unassigned", _("Unassigned")
        STARTED = "started", _("Work started")
        DONE = "done", _("Done")
        CONFIRMED = "confirmed", _("Callback: confirmed")
        REOPENED = "reopened", _("Callback: reopened")
        CANCELLED = "cancelled", _("Cancelled")
        MERGED = "merged", _("Merged")
        ESCALATED = "escalated", _("Escalated")
        NOTE = "note", _("Note")
        PASS = "pass", _("Visit pass issued")
        LINKED = "linked", _("Linked to the register")

    request = models.ForeignKey(Request, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["request", "at"], name="event_timeline")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}"


class VisitPass(models.Model):
    """外出就医证明: a printable pass for a medical visit, verifiable by its code."""

    scope: ClassVar[Scope] = in_community("request__community")

    request = models.ForeignKey(Request, on_delete=models.PROTECT, related_name="passes")
    code = models.CharField(max_length=16, unique=True)
    destination = models.CharField(_("destination"), max_length=200)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    issued_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("medical visit pass")
        verbose_name_plural = _("medical visit passes")

    def __str__(self) -> str:
        return self.code

    def is_valid(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.valid_from <= now <= self.valid_until
