from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from linli.core.models import User


class AuthedRequest(HttpRequest):
    """A request behind @login_required: its user is a real `User`; htmx headers parsed."""

    user: User
    htmx: HtmxDetails
