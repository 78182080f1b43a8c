"""The daily contact: whom a community contacts besides its plans (`CONTACT_RULES`), each
contact recorded (`CONTACTS`) and what it opens in the ledger, and a plan's referrals."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.care import selectors
from linli.care.models import CarePlan, Contact, ContactRule
from linli.care.policy import CONTACT_RULES, CONTACTS, PLANS
from linli.core.models import Community, User
from linli.core.policy import Actor
from linli.core.writes import save_with_history
from linli.ledger import actions as ledger
from linli.ledger.models import Category, Channel, Request, Urgency
from linli.ledger.taxonomy import category_by_code
from linli.people.models import Resident


@transaction.atomic
def do_set_contact_rule(
    community: Community, *, actor: Actor, groups: Iterable[str]
) -> ContactRule:
    """Whom the community contacts daily besides the people under a plan."""
    CONTACT_RULES.check_create(actor, community)
    chosen = sorted(set(groups))
    unknown = [g for g in chosen if g not in ContactRule.Group.values]
    if unknown:
        raise ValidationError(
            {"groups": _("unknown group: %(value)s") % {"value": ", ".join(unknown)}}
        )
    rule, _created = ContactRule.objects.get_or_create(community=community)
    CONTACT_RULES.check(actor, rule, "edit")
    rule.groups = chosen
    save_with_history(rule, actor=actor, reason="changed")
    return rule


@transaction.atomic
def do_record_contact(
    resident: Resident,
    *,
    actor: User,
    outcome: str,
    note: str = "",
    need: str = "",
    category: str = "other",
    now: datetime | None = None,
) -> Contact:
    """Record a contact with someone on the actor's list for today. A need opens a request in
    the same step (its source the plan, or the contact for someone on the list by the rule);
    the second day running without reaching them opens an urgent door visit."""
    CONTACTS.check_create(actor, resident.community)
    now = now or timezone.now()
    day = timezone.localdate(now)
    listed, plan = selectors.on_contact_list(actor, resident, day)
    if not listed:
        raise ValidationError({"resident": _("this person is not on your contact list for today")})
    if outcome not in Contact.Outcome.values:
        raise ValidationError({"outcome": _("choose what came of the contact")})
    need = need.strip()
    if outcome == Contact.Outcome.NEED and not need:
        raise ValidationError({"need": _("say what is needed")})
    if len(note) > 300:
        raise ValidationError({"note": _("at most %(n)s characters") % {"n": 300}})
    first_miss_today = outcome == Contact.Outcome.UNREACHABLE and not selectors.contacted(
        resident, day
    )
    contact = Contact.objects.create(
        community=resident.community,
        resident=resident,
        plan=plan,
        day=day,
        at=now,
        by=actor,
        outcome=outcome,
        note=note.strip(),
    )
    request: Request | None = None
    if outcome == Contact.Outcome.NEED:
        request = ledger.do_open_request(
            resident.community, actor=actor, channel=Channel.PLANNED,
            category=category_by_code(category) or _category("other"),
            description=need, resident=resident, at=now, source=plan or contact,
        ).request  # fmt: skip
    elif first_miss_today and selectors.unreachable_all_day(resident, day - timedelta(days=1)):
        request = ledger.do_open_request(
            resident.community,
            actor=actor,
            channel=Channel.PLANNED,
            category=_category("other"),
            description=_("Unreachable two days running: visit the door and check on %(name)s")
            % {"name": resident.name},
            resident=resident,
            urgency=Urgency.URGENT,
            urgency_reason=_("unreachable two days running"),
            at=now,
            source=contact,
        ).request
    if request is not None:
        contact.request = request
        contact.save(update_fields=["request"])
    return contact


def _category(code: str) -> Category:
    """A category every taxonomy has ("other", "psychological")."""
    found = category_by_code(code)
    assert found is not None  # noqa: S101 - part of the taxonomy (ledger.taxonomy.CATEGORIES)
    return found


@transaction.atomic
def do_refer_psychological(
    plan: CarePlan, *, actor: Actor, resident: Resident, note: str
) -> Request:
    """A psychological-support referral: a request in the ledger, the plan as its source."""
    PLANS.check(actor, plan, "refer")
    if resident.household_id != plan.household_id:
        raise ValidationError({"resident": _("not of this plan's household")})
    if not note.strip():
        raise ValidationError({"note": _("say what the referral is about")})
    return ledger.do_open_request(
        plan.community, actor=actor, channel=Channel.PLANNED, category=_category("psychological"),
        description=note.strip(), resident=resident, source=plan,
    ).request  # fmt: skip
