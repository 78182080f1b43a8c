"""Every write to the ledger: one transaction each, each leaving a line on the request's timeline.

`do_open_request` is the one way a request enters the ledger, whatever its source: a call, the
public form, a door visit, a hotel's green line, the API or Open311. `intake` is how work
enters, `handling` its life after, `passes` the medical visit passes; each action checks
`linli.ledger.policy.REQUESTS` first.
"""

from linli.ledger.actions.common import (
    CALL_BACK_WITHIN,
    DEFAULT_HOURS,
    TransitionError,
    deadline_for,
)
from linli.ledger.actions.handling import (
    do_add_note,
    do_ask_key_questions,
    do_assign,
    do_cancel,
    do_change_urgency,
    do_claim,
    do_claim_next,
    do_complete,
    do_escalate_late,
    do_link_request,
    do_merge,
    do_record_callback,
    do_record_emergency_call,
    do_start,
)
from linli.ledger.actions.intake import (
    DraftError,
    Opened,
    Planned,
    RequestDraft,
    Triaged,
    do_log_call,
    do_open_planned,
    do_open_request,
    do_take_call,
)
from linli.ledger.actions.passes import do_issue_visit_pass

__all__ = [
    "CALL_BACK_WITHIN",
    "DEFAULT_HOURS",
    "DraftError",
    "Opened",
    "Planned",
    "RequestDraft",
    "TransitionError",
    "Triaged",
    "deadline_for",
    "do_add_note",
    "do_ask_key_questions",
    "do_assign",
    "do_cancel",
    "do_change_urgency",
    "do_claim",
    "do_claim_next",
    "do_complete",
    "do_escalate_late",
    "do_issue_visit_pass",
    "do_link_request",
    "do_log_call",
    "do_merge",
    "do_open_planned",
    "do_open_request",
    "do_record_callback",
    "do_record_emergency_call",
    "do_start",
    "do_take_call",
]
