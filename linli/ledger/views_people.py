"""The ledger seen from the register: a resident's requests (a part of the resident's page) and a
new request opened for them."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from linli.core.access import LEDGER_CAPS, access, needs
from linli.core.forms import add_action_errors
from linli.core.http import AuthedRequest
from linli.ledger import actions
from linli.ledger.forms import RequestForPersonForm
from linli.ledger.policy import REQUESTS
from linli.ledger.selectors import requests_for
from linli.people.selectors import get_resident_for_user

works_ledger = access(needs(*LEDGER_CAPS))
RECENT = 20


@works_ledger
def resident_requests(request: AuthedRequest, pk: int) -> HttpResponse:
    """The resident's requests, and their household's that name nobody, newest first."""
    resident = get_resident_for_user(request.user, pk)
    mine = requests_for(request.user).filter(resident=resident)
    theirs = requests_for(request.user).filter(household=resident.household_id, resident=None)
    rows = (mine | theirs).select_related("category").order_by("-created_at", "-pk")[:RECENT]
    return render(
        request,
        "ledger/people/_resident_requests.html",
        {
            "resident": resident,
            "rows": rows,
            "now": timezone.now(),
            "may_open": resident.is_active
            and REQUESTS.may_create(request.user, resident.community),
        },
    )


@works_ledger
def request_for_resident(request: AuthedRequest, pk: int) -> HttpResponse:
    resident = get_resident_for_user(request.user, pk)
    form = RequestForPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opened = actions.do_open_request(
                resident.community,
                actor=request.user,
                channel=data["channel"],
                category=data["category"],
                description=data["description"],
                resident=resident,
                urgency=data["urgency"] or None,
                urgency_reason=data["urgency_reason"],
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            return redirect("ledger:request-detail", pk=opened.request.pk)
    return render(request, "ledger/people/request_for.html", {"form": form, "resident": resident})
