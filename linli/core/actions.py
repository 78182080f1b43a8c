"""Writes of the core app; each one transaction."""

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.http import HttpRequest

from linli.core.models import Community, PiiAccess, User


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
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
    """Record that `actor` saw `fields` of `subject`'s personal data: the one way to log a look."""
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
    )
