"""Medical visit passes (外出就医证明), issued from a medical request."""

import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.core.models import User
from linli.ledger.actions.common import E, event
from linli.ledger.models import Request, VisitPass
from linli.ledger.policy import REQUESTS


@transaction.atomic
def do_issue_visit_pass(
    request: Request,
    *,
    actor: User,
    destination: str,
    valid_from: datetime,
    valid_until: datetime,
) -> VisitPass:
    REQUESTS.check(actor, request, "pass")
    if not request.category.medical:
        raise ValidationError({"category": _("a visit pass is for medical requests")})
    if not destination.strip():
        raise ValidationError({"destination": _("say where the visit goes")})
    if valid_until <= valid_from:
        raise ValidationError({"valid_until": _("the pass must end after it starts")})
    if valid_until - valid_from > timedelta(days=3):
        raise ValidationError({"valid_until": _("a pass is valid for three days at most")})
    visit_pass = VisitPass.objects.create(
        request=request,
        code=secrets.token_hex(5).upper(),
        destination=destination.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        issued_by=actor,
    )
    event(request, E.PASS, actor, data={"code": visit_pass.code})
    return visit_pass
