"""Writes of the core app; each one transaction."""

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.models import Community, PiiAccess, PiiAlert, Team, User
from linli.core.policy import ACCESS_LOG, TEAMS
from linli.core.scoping import community_path

logger = logging.getLogger("linli.security")


def client_ip(request: HttpRequest | None) -> str | None:
    """The visitor's IP address. Behind N trusted reverse proxies (settings
    LINLI_TRUSTED_PROXY_HOPS = N, default 0) it is the N-th address from the right of
    X-Forwarded-For: what the nearest proxy saw, which a visitor cannot forge."""
    if request is None:
        return None
    hops = int(getattr(settings, "LINLI_TRUSTED_PROXY_HOPS", 0))
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return str(forwarded[-hops])
    return request.META.get("REMOTE_ADDR") or None


@transaction.atomic
def do_record_pii_access(
    subject: models.Model,
    *,
    actor: User,
    community: Community,
    fields: list[str],
    reason: str = "",
    request: HttpRequest | None = None,
) -> PiiAccess:
    """Record that `actor` saw `fields` of `subject`'s personal data: the one way to log a look.
    One user's looks reaching the hourly threshold raise an alert."""
    access = _record(subject, actor, community, fields, reason, request, rows=1)
    _alert_on_many_looks(access)
    return access


@transaction.atomic
def do_record_export(
    exported: models.QuerySet[Any],
    *,
    actor: User,
    fields: list[str],
    request: HttpRequest | None = None,
) -> list[PiiAccess]:
    """Record an export of `exported` (residents, requests …: anything scoped by community) as
    one look per community it covered, with the number of its rows there. An export of many
    people, in one community or across several, raises one alert."""
    path = community_path(exported.model) or "pk"
    per_community = (
        exported.order_by().values_list(path).annotate(n=models.Count("pk")).values_list(path, "n")
    )
    counts = dict(per_community)
    communities = Community.objects.in_bulk(list(counts))
    accesses = [
        _record(community, actor, community, fields, "", request, rows=counts[pk])
        for pk, community in sorted(communities.items())
    ]
    total = sum(counts.values())
    if accesses and total >= settings.PII_BULK_EXPORT_ROWS:
        largest = max(accesses, key=lambda a: a.rows)
        where = f" in {len(accesses)} communities" if len(accesses) > 1 else ""
        _alert(
            PiiAlert.Kind.BULK_EXPORT,
            largest,
            count=total,
            detail=f"{largest.fields}{where} {largest.path}",
        )
    elif accesses:
        _alert_on_many_looks(accesses[-1])
    return accesses


def _record(
    subject: models.Model,
    actor: User,
    community: Community,
    fields: list[str],
    reason: str,
    request: HttpRequest | None,
    *,
    rows: int,
) -> PiiAccess:
    return PiiAccess.objects.create(
        user=actor,
        community=community,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        subject_label=str(subject)[:200],
        fields=",".join(fields)[:200],
        reason=reason[:200],
        path=request.get_full_path()[:300] if request else "",
        ip=client_ip(request),
        rows=rows,
    )


def _alert_on_many_looks(access: PiiAccess) -> None:
    """The user's looks of the last hour reaching the threshold: one alert an hour at most."""
    since = access.at - timedelta(hours=1)
    looks = PiiAccess.objects.filter(user=access.user, at__gt=since).count()
    if looks < settings.PII_VIEWS_PER_HOUR:
        return
    if PiiAlert.objects.filter(
        user=access.user, kind=PiiAlert.Kind.MANY_VIEWS, at__gt=since
    ).exists():
        return
    detail = f"{looks} looks within an hour, the last at {access.path}"
    _alert(PiiAlert.Kind.MANY_VIEWS, access, count=looks, detail=detail)


def _alert(kind: str, access: PiiAccess, *, count: int, detail: str) -> PiiAlert:
    """An alert, logged and listed for administrators and the community head until reviewed."""
    alert = PiiAlert.objects.create(
        kind=kind, user=access.user, community=access.community, count=count, detail=detail[:300]
    )
    logger.warning(
        "personal-data alert %s: user %s, community %s, count %d (%s)",
        alert.kind,
        alert.user.username,
        alert.community.code,
        alert.count,
        alert.detail,
    )
    return alert


@transaction.atomic
def do_review_pii_alert(alert: PiiAlert, *, actor: User, note: str) -> PiiAlert:
    """Mark an alert as looked into, with what was found."""
    ACCESS_LOG.check(actor, alert, "review")
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say what you found.")})
    alert = PiiAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.reviewed_at is None:
        alert.reviewed_at = timezone.now()
        alert.reviewed_by = actor
        alert.review_note = note[:300]
        alert.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
    return alert


@transaction.atomic
def do_save_team(
    community: Community,
    *,
    actor: User,
    name: str,
    members: list[User],
    lead: User | None = None,
    team: Team | None = None,
) -> Team:
    """Create a team of `community`, or change `team`: its name, lead and members (the lead is
    one of them). Every member works in the community; a team has at least one member."""
    if team is None:
        TEAMS.check_create(actor, community)
    else:
        TEAMS.check(actor, team, "edit")
    name = " ".join(name.split())
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("the team needs a name")
    elif len(name) > 100:
        errors["name"] = _("the name is longer than 100 characters")
    elif (
        Team.objects.filter(community=community, name=name)
        .exclude(pk=team.pk if team else 0)
        .exists()
    ):
        errors["name"] = _("this community already has a team of that name")
    people = list({u.pk: u for u in [*members, *([lead] if lead else [])]}.values())
    if not members:
        errors["members"] = _("a team needs at least one member")
    strangers = [u.username for u in people if u.community_id != community.pk or not u.is_active]
    if strangers:
        errors["members"] = _("not of this community: %(names)s") % {"names": ", ".join(strangers)}
    if team is not None and team.community_id != community.pk:
        errors["name"] = _("this team is of another community")
    if errors:
        raise ValidationError(errors)
    if team is None:
        team = Team(community=community)
    team.name, team.lead = name, lead
    team.save()
    team.members.set(people)
    return team
