"""What the ledger tells the rest of Linli, once the change is committed: a request opened, done
(the work is reported done) or closed (confirmed by the callback, cancelled or merged). The
outbox to other systems and the daily figures listen here; a receiver never sees a change that
was rolled back.

Receivers get `request` (the Request) and, for `request_closed`, `outcome` (a RequestEvent kind:
confirmed, cancelled, merged).
"""

from django.db import transaction
from django.dispatch import Signal

from linli.ledger.models import Request

request_opened = Signal()
request_done = Signal()
request_closed = Signal()


def send_on_commit(signal: Signal, request: Request, **extra: object) -> None:
    """Send `signal` for `request` when the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: signal.send(sender=Request, request=request, **extra))
