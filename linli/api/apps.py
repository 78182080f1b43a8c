from django.utils.translation import gettext_lazy as _

from linli.core.plugins import LinliAppConfig


class ApiConfig(LinliAppConfig):
    """The JSON API and Open311."""

    default = True  # beside LinliAppConfig, which this module imports
    name = "linli.api"
    label = "api"
    verbose_name = _("API and Open311")
    route_objects = {
        "api-v1:get_request": {"id": "request"},
        "api-v1:transition": {"id": "request"},
        "open311-discovery": {"fmt": "=json"},
        "open311-services": {"fmt": "=json"},
        "open311-service": {"fmt": "=json", "service_code": "=groceries"},
        "open311-requests": {"fmt": "=json"},
        "open311-request": {"fmt": "=json", "service_request_id": "request"},
        "open311-token": {"fmt": "=json", "token": "=no-such-token"},
    }
