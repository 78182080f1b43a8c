"""The integrations: API clients with their tokens and communities, and the answers kept for
the retries of an Idempotency-Key."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import Community, User


class ApiClient(models.Model):
    """An integration (the city hotline, a hotel system) with its token and its communities."""

    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    communities = models.ManyToManyField(Community, related_name="+")
    acting_user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return self.name


class IdempotentResponse(models.Model):
    """The first answer to a request made with an Idempotency-Key, replayed to its retries."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="idempotency_unique")]

    def __str__(self) -> str:
        return self.key


class Open311Location(models.Model):
    """Where an Open311 request says it is, and its picture, as the client posted them: given
    back as posted (the desk reads them in the request's address and note)."""

    request = models.OneToOneField(
        "ledger.Request", on_delete=models.CASCADE, primary_key=True, related_name="open311"
    )
    lat = models.FloatField(null=True, blank=True)
    long = models.FloatField(null=True, blank=True)
    address_string = models.CharField(max_length=200, blank=True)
    address_id = models.CharField(max_length=100, blank=True)
    media_url = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.request_id}"
