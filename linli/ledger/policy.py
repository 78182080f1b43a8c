"""What a user may do with a request: the one policy of the ledger's object type.

The ledger's actions (each checks it first, whoever calls), the views (which actions they
run), the API (which transitions it allows), the templates (which buttons they show), the
selectors and the access-matrix test all ask `REQUESTS`; no other place decides.
Which requests a user reaches at all is the business of `Request.scope` (the ledger's roles:
their area's; a volunteer: those handed to them), applied by `scoped`.
"""

from django.utils.translation import gettext_lazy as _

from linli.core.models import Community, Street, User
from linli.core.policy import Actor, ObjectPolicy, in_area
from linli.core.roles import Cap
from linli.core.scoping import scoped
from linli.ledger.models import Call, Request, RequestEvent, Urgency, VisitPass

# Every action on a request, as the request's page and the API name them.
ACTIONS = (
    "claim", "assign", "start", "complete", "confirm", "reopen", "cancel", "urgency",
    "call120", "merge", "note", "pass", "reveal", "link", "ask",
)  # fmt: skip
# What changes who handles the request or closes it: the handle_requests capability, or the
# request handed to the user.
HANDLING = frozenset({"claim", "assign", "start", "complete", "cancel", "merge"})
# What the volunteer (or anyone) a request was handed to may do without the ledger's roles.
AS_ASSIGNEE = frozenset({"start", "complete", "note"})
# A member of the team a request was handed to, before one of them takes it: take it, or work it
# as the team (its lead may also mark it done: `may_close`).
AS_TEAM = frozenset({"claim", "start", "complete", "note"})
# Whoever else reaches a request by a relation (hotel staff the requests of their guests): they
# read it and add what they learn, and change nothing of its handling or urgency.
AS_RELATED = frozenset({"note"})


def works_ledger(user: User) -> bool:
    """Takes calls or handles requests: works the ledger of their area."""
    return user.can(Cap.TAKE_CALLS) or user.can(Cap.HANDLE_REQUESTS)


def on_team(user: User, request: Request) -> bool:
    """Whether the request is handed to a team the user leads or is a member of."""
    if request.team_id is None:
        return False
    memo = request.__dict__.setdefault("_on_team", {})
    if user.pk not in memo:
        team = request.team
        memo[user.pk] = team is not None and (
            team.lead_id == user.pk or team.members.filter(pk=user.pk).exists()
        )
    return bool(memo[user.pk])


def reached_by_relation(user: User, request: Request) -> bool:
    """Whether one of the relations of `Request.scope` (those of the apps that plug in too:
    hotel staff their guests' requests) leads from the request to the user."""
    memo = request.__dict__.setdefault("_related", {})
    if user.pk not in memo:
        memo[user.pk] = scoped(user, Request.objects.filter(pk=request.pk)).exists()
    return bool(memo[user.pk])


class RequestPolicy(ObjectPolicy[Request]):
    actions = ACTIONS
    # A request's timeline and the call that brought it are written only by its actions.
    parts = (RequestEvent, Call)
    # A resident's own request through the public form or a self-check link.
    public_creates = True
    refusal = _("you may not do this to this request")
    create_refusal = _("you cannot open requests for this community")

    def user_may_create(self, user: User, place: Community | Street) -> bool:
        """Opens requests (takes calls, handles requests, does tasks and reports needs met on
        the way, or runs a hotel and passes on its guests' needs) for a community of their
        area: their own, or for street and district staff any community of their street or
        district. Logging a call is opening the ledger's work too."""
        if not isinstance(place, Community):
            return False
        if not (works_ledger(user) or user.can(Cap.DO_TASKS) or user.can(Cap.RUN_HOTEL)):
            return False
        return in_area(user, place)

    def may_view(self, user: User, request: Request) -> bool:
        if not user.is_active:
            return False
        if works_ledger(user) and in_area(user, request.community_id):
            return True
        if user.can(Cap.DO_TASKS) and (request.assignee_id == user.pk or on_team(user, request)):
            return True
        return reached_by_relation(user, request)

    def may_close(self, user: User, request: Request) -> bool:
        """Only the owner, their team's lead or the community head may mark a request done."""
        if user.is_superuser or request.assignee_id == user.pk:
            return True
        if request.team_id and request.team is not None and request.team.lead_id == user.pk:
            return True
        return request.community.head_id == user.pk

    def user_may(self, user: User, request: Request, action: str) -> bool:
        if not self.may_view(user, request):
            return False
        own = request.assignee_id == user.pk
        team = not own and user.can(Cap.DO_TASKS) and on_team(user, request)
        if action == "reveal":
            # The full number: roles that see full numbers, and whoever the request is handed
            # to while it is open (a volunteer must be able to ring the door they go to).
            return user.can(Cap.VIEW_PII) or ((own or team) and request.is_open)
        if action == "claim" and team:
            return request.assignee_id is None
        if not works_ledger(user):
            allowed = AS_ASSIGNEE if own else AS_TEAM if team else AS_RELATED
            return action in allowed
        if action == "assign" and self._hands_on_emergency(user, request):
            return True
        return action not in HANDLING or user.can(Cap.HANDLE_REQUESTS) or own

    def claims_listed(self, user: User, *, teams_list: bool) -> bool:
        """Whether a list shows its rows awaiting a taker with a claim button: `may(…, "claim")`
        for every such row of the list, decided once for the list (the rows of one's teams'
        list are all on a team of the user)."""
        return user.is_active and (
            user.can(Cap.HANDLE_REQUESTS) or (teams_list and user.can(Cap.DO_TASKS))
        )

    def _hands_on_emergency(self, user: User, request: Request) -> bool:
        """An operator of the request's community hands an open emergency to someone at once,
        rather than let it wait for a worker to pick it up."""
        return (
            user.can(Cap.TAKE_CALLS)
            and request.is_open
            and request.urgency == Urgency.EMERGENCY
            and user.community_id == request.community_id
        )

    def allowed(self, actor: Actor, request: Request) -> dict[str, bool]:
        """Each action and whether `actor` may take it, and `close` whether they may also mark
        it done (`do_complete` refuses the others, naming the rule): the buttons a page shows."""
        allowed = super().allowed(actor, request)
        allowed["close"] = (
            allowed["complete"] and isinstance(actor, User) and self.may_close(actor, request)
        )
        return allowed


REQUESTS = RequestPolicy()


class VisitPassPolicy(ObjectPolicy[VisitPass]):
    """A medical visit pass: issued from its request (`REQUESTS`' "pass"), printed by whoever
    may see the request, verified by anyone holding its code (a checkpoint)."""

    actions = ("print", "verify")
    public_actions = frozenset({"verify"})
    refusal = _("you may not print this pass")

    def user_may(self, user: User, visit_pass: VisitPass, action: str) -> bool:
        return action == "verify" or REQUESTS.may_view(user, visit_pass.request)


PASSES = VisitPassPolicy()
