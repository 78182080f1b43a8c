"""What a user may do with a request: the one policy of the ledger's object type.

The views (which actions they run), the API (which transitions it allows), the templates (which
buttons they show), the selectors and the access-matrix test all ask `REQUESTS`; no other
place decides. Which requests a user reaches at all is the business of `Request.scope` (the
ledger's roles: their area's; a volunteer: those handed to them), applied by `scoped`.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from linli.core.models import Community, User
from linli.core.roles import Cap
from linli.core.scoping import area_community_ids
from linli.ledger.models import Request

# Every action on a request, as the request's page and the API name them.
ACTIONS = (
    "claim", "assign", "start", "complete", "confirm", "reopen", "cancel", "urgency",
    "call120", "merge", "note", "pass", "reveal", "link",
)  # fmt: skip
# What changes who handles the request or closes it: the handle_requests capability, or the
# request handed to the user.
HANDLING = frozenset({"claim", "assign", "start", "complete", "cancel", "merge"})
# What the volunteer (or anyone) a request was handed to may do without the ledger's roles.
AS_ASSIGNEE = frozenset({"start", "complete", "note"})


def works_ledger(user: User) -> bool:
    """Takes calls or handles requests: works the ledger of their area."""
    return user.can(Cap.TAKE_CALLS) or user.can(Cap.HANDLE_REQUESTS)


class RequestPolicy:
    def may_open(self, user: User, community: Community) -> bool:
        """Opens requests (takes calls, handles requests, or does tasks and reports needs met on
        the way) for a community of their area: their own, or for street and district staff any
        community of their street or district."""
        if not user.is_active:
            return False
        if not (works_ledger(user) or user.can(Cap.DO_TASKS)):
            return False
        if user.is_superuser or user.community_id == community.pk:
            return True
        if user.community_id is not None:
            return False
        return community.pk in area_community_ids(user)

    def may_view(self, user: User, request: Request) -> bool:
        if not user.is_active:
            return False
        return works_ledger(user) or (user.can(Cap.DO_TASKS) and request.assignee_id == user.pk)

    def may_close(self, user: User, request: Request) -> bool:
        """Only the owner, their team's lead or the community head may mark a request done."""
        if user.is_superuser or request.assignee_id == user.pk:
            return True
        if request.team_id and request.team is not None and request.team.lead_id == user.pk:
            return True
        return request.community.head_id == user.pk

    def may(self, user: User, request: Request, action: str) -> bool:
        if action not in ACTIONS:
            raise ValueError(action)
        if not self.may_view(user, request):
            return False
        own = request.assignee_id == user.pk
        if action == "reveal":
            # The full number: roles that see full numbers, and whoever the request is handed
            # to while it is open (a volunteer must be able to ring the door they go to).
            return user.can(Cap.VIEW_PII) or (own and request.is_open)
        if not works_ledger(user):
            return own and action in AS_ASSIGNEE
        return action not in HANDLING or user.can(Cap.HANDLE_REQUESTS) or own

    def allowed(self, user: User, request: Request) -> dict[str, bool]:
        """Each action and whether `user` may take it, and `close` whether they may also mark
        it done (`do_complete` refuses the others, naming the rule): the buttons a page shows."""
        allowed = {action: self.may(user, request, action) for action in ACTIONS}
        allowed["close"] = allowed["complete"] and self.may_close(user, request)
        return allowed

    def check(self, user: User, request: Request, action: str) -> None:
        if not self.may(user, request, action):
            raise PermissionDenied(_("you may not do this to this request"))


REQUESTS = RequestPolicy()
