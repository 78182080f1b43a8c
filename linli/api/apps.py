from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The JSON API and Open311 (no models: they use the ledger's). Installed for its
    `api_client` management command."""

    name = "linli.api"
    label = "api"
    verbose_name = _("API and Open311")
