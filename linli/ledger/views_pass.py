"""外出就医证明: issuing a medical visit pass for a request, and printing it on A5 paper.

Both pages are for the people who work the ledger (they take calls or handle requests); a
request or pass of another community is a 404, as everywhere.
"""

from datetime import timedelta

import segno
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from linli.core.access import LEDGER_CAPS, access, needs
from linli.core.actions import do_record_pii_access
from linli.core.http import AuthedRequest
from linli.core.scoping import get_for_user
from linli.core.widgets import DATETIME_LOCAL, DateTimeLocalInput
from linli.ledger.actions import do_issue_visit_pass
from linli.ledger.models import VisitPass
from linli.ledger.selectors import get_request_for_user
from linli.ledger.views_public import pass_state
from linli.lib.masking import mask_id_number


class VisitPassForm(forms.Form):
    destination = forms.CharField(
        label=gettext_lazy("Destination (hospital, department)"), max_length=200
    )
    valid_from = forms.DateTimeField(
        label=gettext_lazy("Valid from"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=DateTimeLocalInput(),
    )
    valid_until = forms.DateTimeField(
        label=gettext_lazy("Valid until"),
        help_text=gettext_lazy("Three days at most."),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=DateTimeLocalInput(),
    )


@access(needs(*LEDGER_CAPS))
@require_http_methods(["GET", "POST"])
def issue_pass(request: AuthedRequest, pk: int) -> HttpResponse:
    """The request's passes, and a form to issue a new one (medical requests only)."""
    ledger_request = get_request_for_user(request.user, pk)
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = VisitPassForm(
        request.POST or None,
        initial={"valid_from": now, "valid_until": now + timedelta(hours=12)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            visit_pass = do_issue_visit_pass(
                ledger_request,
                actor=request.user,
                destination=form.cleaned_data["destination"],
                valid_from=form.cleaned_data["valid_from"],
                valid_until=form.cleaned_data["valid_until"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Visit pass %(code)s issued.") % {"code": visit_pass.code})
            return redirect("ledger:pass-print", code=visit_pass.code)
    passes = [
        (visit_pass, pass_state(visit_pass, timezone.now()))
        for visit_pass in ledger_request.passes.order_by("-issued_at", "-pk")
    ]
    return render(
        request,
        "ledger/pass/issue.html",
        {
            "req": ledger_request,
            "form": form,
            "passes": passes,
            "medical": ledger_request.category.medical,
        },
    )


@access(needs(*LEDGER_CAPS))
def print_pass(request: AuthedRequest, code: str) -> HttpResponse:
    """The pass on A5 paper: identity number masked; every print is logged as a look at
    personal data."""
    visit_pass = get_for_user(
        request.user,
        VisitPass.objects.select_related(
            "request__community__street",
            "request__category",
            "request__resident",
            "request__household",
            "issued_by",
        ),
        None,
        code=code,
    )
    ledger_request = visit_pass.request
    resident = ledger_request.resident
    subject: models.Model = resident if resident is not None else ledger_request
    do_record_pii_access(
        subject,
        actor=request.user,
        community=ledger_request.community,
        fields=["name", "id_number"] if resident is not None else ["visit_pass"],
        reason=_("printed medical visit pass %(code)s") % {"code": visit_pass.code},
        request=request,
    )
    verify_url = request.build_absolute_uri(reverse("public:pass-verify", args=[visit_pass.code]))
    return render(
        request,
        "ledger/pass/print.html",
        {
            "visit_pass": visit_pass,
            "req": ledger_request,
            "community": ledger_request.community,
            "resident": resident,
            "masked_id": mask_id_number(resident.id_number) if resident is not None else "",
            "verify_url": verify_url,
            # Inline SVG (no image request, nothing for the Content-Security-Policy to refuse).
            "verify_qr": mark_safe(  # noqa: S308 - segno's own markup of a URL we built
                segno.make(verify_url, error="m").svg_inline(scale=3, border=2)
            ),
        },
    )
