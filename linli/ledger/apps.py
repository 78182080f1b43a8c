from collections.abc import Sequence
from typing import Any

from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from linli.core.plugins import HomePanel, LinliAppConfig, NavItem, PeriodicJob, SeedStep
from linli.core.roles import Cap, takes_calls_only


class LedgerConfig(LinliAppConfig):
    default = True  # beside LinliAppConfig, which this module imports
    name = "linli.ledger"
    label = "ledger"
    verbose_name = _("Hotline and request ledger")
    route_objects = {
        "ledger:call-detail": {"pk": "call"},
        "ledger:resident-requests": {"pk": "resident"},
        "ledger:request-for-resident": {"pk": "resident"},
        "ledger:request-detail": {"pk": "request"},
        "ledger:request-pass": {"pk": "medical_request"},
        "ledger:pass-print": {"code": "pass_code"},
        "ledger:request-action": {"pk": "request", "action": "=note"},
        "ledger:worklist": {"which": "=mine"},
        "public:pass-verify": {"code": "pass_code"},
        "public:request-form": {"community_code": "community_code"},
        "public:request-submitted": {"community_code": "community_code"},
        "public:request-triage": {"community_code": "community_code"},
    }

    def nav_items(self) -> Sequence[NavItem]:
        either = (Cap.TAKE_CALLS, Cap.HANDLE_REQUESTS)
        return (
            # A call is registered to the operator's own community: the desk is for its staff.
            NavItem("ledger:desk", _("Take a call"), Cap.TAKE_CALLS, order=10,
                    also=lambda u: u.community_id is not None),
            NavItem("ledger:work", _("Worklists"), either, order=20),
            NavItem("ledger:ledger", _("Request ledger"), (*either, Cap.RUN_HOTEL), order=30),
        )  # fmt: skip

    def home_panels(self) -> Sequence[HomePanel]:
        def tasks(request: Any) -> dict[str, Any]:
            from linli.ledger.views_lists import task_rows

            rows, more = task_rows(request.user)
            return {"tasks": rows, "more": more}

        def counts(request: Any) -> dict[str, Any]:
            from linli.ledger.selectors import open_counts

            rows = open_counts(request.user)
            total = {
                k: sum(getattr(r, k) for r in rows)
                for k in ("open", "emergency", "call_back", "late", "unassigned")
            }
            return {"rows": rows, "total": total, "several": request.user.community_id is None}

        return (
            HomePanel("take-call", "ledger/home/_take_call.html", takes_calls_only, order=20),
            # What is open, pressing, late or nobody's, for everyone who works the ledger.
            HomePanel("open-requests", "ledger/home/_open_counts.html",
                      lambda u: u.can(Cap.TAKE_CALLS) or u.can(Cap.HANDLE_REQUESTS),
                      counts, order=25),
            # Those whose work is the tasks handed to them: volunteers and couriers.
            HomePanel("tasks", "ledger/home/_tasks.html",
                      lambda u: u.can(Cap.DO_TASKS) and not u.can(Cap.HANDLE_REQUESTS),
                      tasks, order=40),
        )  # fmt: skip

    def seed_steps(self) -> Sequence[type[SeedStep]]:
        from linli.ledger.seed import LedgerSeed

        return (LedgerSeed,)

    def periodic_jobs(self) -> Sequence[PeriodicJob]:
        from linli.ledger.actions import do_escalate_late

        return (PeriodicJob("late requests", do_escalate_late),)

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from linli.ledger.models import Category, DeadlineRule
        from linli.ledger.taxonomy import forget_cached_taxonomy, top_up_after_migrate

        post_migrate.connect(top_up_after_migrate, sender=self)
        # This process sees its own edits at once; other processes within CACHE_SECONDS.
        for model in (Category, DeadlineRule):
            post_save.connect(forget_cached_taxonomy, sender=model)
            post_delete.connect(forget_cached_taxonomy, sender=model)
