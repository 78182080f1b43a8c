from django.urls import URLPattern, URLResolver, path, re_path

from linli.api import open311
from linli.api.v1 import api

# /api/v1/ (django-ninja, docs/api.md) and /open311/v2/ (Open311 GeoReport v2, docs/open311.md).
# The format suffix takes any word, so that an unknown one gets the spec's error document.
O311 = r"^open311/v2/"
FMT = r"\.(?P<fmt>\w+)$"
urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
    re_path(r"^open311/discovery" + FMT, open311.discovery, name="open311-discovery"),
    re_path(O311 + r"services" + FMT, open311.services, name="open311-services"),
    re_path(
        O311 + r"services/(?P<service_code>[^/.]+)" + FMT,
        open311.service_definition,
        name="open311-service",
    ),
    re_path(O311 + r"requests" + FMT, open311.requests, name="open311-requests"),
    re_path(
        O311 + r"requests/(?P<service_request_id>[^/.]+)" + FMT,
        open311.request_detail,
        name="open311-request",
    ),
    re_path(O311 + r"tokens/(?P<token>[^/.]+)" + FMT, open311.token, name="open311-token"),
]
