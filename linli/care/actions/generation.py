"""The generation of the plans' services: each day an item falls on becomes a request in the
ledger, once (`ServiceRun`), through the ledger's door for planned work. Linli's own work
(`SYSTEM`): the worker's rounds."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.care import selectors
from linli.care.models import CarePlan, ServiceItem, ServiceRun
from linli.core.models import User
from linli.core.policy import SYSTEM, Actor, Agent
from linli.ledger import actions as ledger
from linli.ledger.models import Channel
from linli.ledger.taxonomy import category_by_pk

# Days a generation looks back for the days it missed (the worker stopped, the server was
# down): a missed medicine run still becomes a request, late, rather than being forgotten.
CATCH_UP_DAYS = 14


@dataclass(frozen=True)
class Generated:
    opened: int
    items: int


def _due(day: date, at: time | None, zone: ZoneInfo) -> datetime:
    """When the service of `day` is due: its hour, or the end of the day."""
    return datetime.combine(day, at or time(23, 59), tzinfo=zone)


def _plan_runs_on(plan: CarePlan, day: date) -> bool:
    return (
        plan.status == CarePlan.Status.ACTIVE
        and plan.starts_on <= day
        and (plan.ends_on is None or day <= plan.ends_on)
    )


def _open_run(item: ServiceItem, day: date, now: datetime) -> bool:
    """The request of `item` on `day`, once: False if that day was already generated."""
    plan = item.plan
    owner = _owner(item)
    zone = ZoneInfo(plan.community.time_zone)
    try:
        with transaction.atomic():
            if ServiceRun.objects.filter(item=item, day=day).exists():
                return False
            opened = ledger.do_open_request(
                plan.community,
                actor=SYSTEM,
                channel=Channel.PLANNED,
                category=item.category,
                description=f"{item.description}（{day:%m-%d}）",
                household=plan.household,
                at=now,
                source=item,
                deadline=_due(day, item.at, zone),
            )
            ServiceRun.objects.create(item=item, day=day, request=opened.request)
            if owner is not None:
                ledger.do_assign(opened.request, actor=SYSTEM, assignee=owner)
    except IntegrityError:  # another worker generated the same day at the same moment
        return False
    return True


GENERATION_CHUNK = 500  # items a transaction turns into requests


def _days_due(item: ServiceItem, today: date, earliest: date) -> list[date]:
    """The days from the one after `generated_through` up to `today` that `item` falls on while
    its plan runs."""
    day = max(earliest, item.plan.starts_on, _day_after(item.generated_through))
    found = []
    while day <= today:
        if item.weekdays & (1 << day.weekday()) and _plan_runs_on(item.plan, day):
            found.append(day)
        day += timedelta(days=1)
    return found


def _generate_chunk(items: list[ServiceItem], today: date, earliest: date, now: datetime) -> int:
    """The requests of `items` up to `today`, in one transaction through the ledger's door for
    planned work. Days already generated (`ServiceRun`) are skipped; if another worker writes
    the same day meanwhile, the unique key stops this transaction and the chunk is done again
    day by day."""
    wanted = [(item, day) for item in items for day in _days_due(item, today, earliest)]
    done = selectors.generated_days(items, earliest)
    wanted = [(item, day) for item, day in wanted if (item.pk, day) not in done]
    # The seats' holders once per chunk (a few dozen people), with their roles.
    seat_ids = {getattr(item.plan, f"{item.seat}_id") for item in items} - {None}
    holders = selectors.users_by_pk(seat_ids)
    try:
        with transaction.atomic():
            entries = [
                ledger.Planned(
                    community=item.plan.community,
                    category=category_by_pk(item.category_id) or item.category,
                    description=f"{item.description}（{day:%m-%d}）",
                    household=item.plan.household,
                    deadline=_due(day, item.at, ZoneInfo(item.plan.community.time_zone)),
                    source=item,
                    assignee=_owner(item, holders),
                )
                for item, day in wanted
            ]
            requests = ledger.do_open_planned(entries, actor=SYSTEM, at=now)
            ServiceRun.objects.bulk_create(
                ServiceRun(item=item, day=day, request=request)
                for (item, day), request in zip(wanted, requests, strict=True)
            )
            ServiceItem.objects.filter(pk__in=[item.pk for item in items]).update(
                generated_through=today
            )
    except IntegrityError:
        opened = sum(_open_run(item, day, now) for item, day in wanted)
        ServiceItem.objects.filter(pk__in=[item.pk for item in items]).update(
            generated_through=today
        )
        return opened
    return len(requests)


def _owner(item: ServiceItem, holders: dict[int, User] | None = None) -> User | None:
    """The holder of the item's seat, if still active (else the request is nobody's yet)."""
    pk = getattr(item.plan, f"{item.seat}_id")
    owner: User | None = holders.get(pk) if holders is not None else getattr(item.plan, item.seat)
    return owner if owner is not None and owner.is_active else None


def do_generate_services(
    *, actor: Actor, today: date | None = None, now: datetime | None = None
) -> Generated:
    """Turn each active item's days up to `today` into ledger requests: the days since it was
    last generated (at most `CATCH_UP_DAYS` back), on its weekdays, while its plan is active.
    Twice is once (`ServiceRun` is unique per item and day); a paused or ended plan makes
    nothing. A transaction per `GENERATION_CHUNK` items, so a failure loses no other chunk."""
    if not (isinstance(actor, Agent) and actor.trusted):
        raise PermissionDenied(_("only Linli's own rounds generate the planned services"))
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    earliest = today - timedelta(days=CATCH_UP_DAYS - 1)
    items = (
        ServiceItem.objects.filter(active=True, plan__status=CarePlan.Status.ACTIVE)
        .exclude(generated_through__gte=today)
        .select_related("plan__community", "plan__household")
        .order_by("pk")
    )
    # The keys first, then each chunk read whole: the writes never change what is being read.
    keys = list(items.values_list("pk", flat=True))
    opened = 0
    for start in range(0, len(keys), GENERATION_CHUNK):
        chunk = list(items.filter(pk__in=keys[start : start + GENERATION_CHUNK]))
        opened += _generate_chunk(chunk, today, earliest, now)
    return Generated(opened=opened, items=len(keys))


def _day_after(day: date | None) -> date:
    return date.min if day is None else day + timedelta(days=1)
