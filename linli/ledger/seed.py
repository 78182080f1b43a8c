"""The ledger's demo data: a week of lockdown at every community's desk — calls and requests in
every state (some late, a few emergencies, one from a caller the register does not know), teams,
callbacks — made through the ledger's own actions, so that each role's first screen has work.

Runs in `finish`, once the demo users exist. Deterministic for a seed: the same requests every
time, their times spread over the week before the run.
"""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from linli.core.actions import do_save_team
from linli.core.models import Community, Team, User
from linli.core.plugins import SeedRun
from linli.core.roles import Role
from linli.core.seeding import delete_all
from linli.ledger import actions
from linli.ledger.models import Call, Category, Channel, Request, RequestEvent, VisitPass
from linli.ledger.taxonomy import category_by_code
from linli.people.models import Resident

DAYS = 7
# What a week of lockdown brings to a committee's desk, as callers put it.
NEEDS = (
    ("groceries", "家里菜吃完了，想买点青菜和鸡蛋"),
    ("groceries", "大米快没了，需要一袋米"),
    ("medicine", "高血压的药还剩两天，要配苯磺酸氨氯地平"),
    ("medicine", "糖尿病的胰岛素快用完了"),
    ("meals", "老人一个人在家，做不了饭，需要爱心餐"),
    ("medical_visit", "要去医院复查，需要开外出就医证明"),
    ("dialysis", "周二周四周六要去血透，需要接送"),
    ("prenatal", "怀孕32周，下周要去产检"),
    ("garbage", "门口垃圾两天没人收了"),
    ("repair", "水管漏水，楼下都渗了"),
    ("psychological", "一个人关在家里心里很慌，睡不着"),
    ("enquiry", "想问一下什么时候可以出门"),
    ("home_testing", "家里老人卧床，需要上门核酸"),
)
EMERGENCIES = (
    ("emergency", "老伴胸口痛，出冷汗，喘不上气"),
    ("emergency", "母亲突然说话不清楚，嘴歪了"),  # a stroke: 120 first, never a medicine run
)


class LedgerSeed:
    """Requests in every state, teams and calls, community by community."""

    def __init__(self, run: SeedRun) -> None:
        self.run = run
        self.rng = random.Random(run.seed * 7919)  # noqa: S311 - demo data, not secrets
        self.communities: list[Community] = []

    def community(self, community: Community, residents: int) -> None:
        self.communities.append(community)

    @staticmethod
    def reset() -> None:
        delete_all(VisitPass, RequestEvent, Request, Call)
        Team.members.through.objects.all().delete()
        delete_all(Team)

    def finish(self) -> None:
        now = timezone.now()
        for community in self.communities:
            staff = {
                u.role: u
                for u in User.objects.filter(community=community).prefetch_related("groups")
            }
            if Role.WORKER in staff:
                self._week(community, staff, now)
        self.run.counts.update(
            requests=Request.objects.count(), calls=Call.objects.count(), teams=Team.objects.count()
        )

    def _week(self, community: Community, staff: dict[Role | None, User], now: datetime) -> None:
        rng = self.rng
        worker, volunteer = staff[Role.WORKER], staff.get(Role.VOLUNTEER)
        operator, doctor = staff.get(Role.OPERATOR, worker), staff.get(Role.DOCTOR)
        community.head = worker
        community.save(update_fields=["head"])
        runners = do_save_team(
            community, actor=worker, name="楼组志愿者", lead=worker,
            members=[u for u in (worker, volunteer) if u is not None],
        )  # fmt: skip
        medics = do_save_team(
            community, actor=worker, name="医疗保障组", lead=doctor or worker,
            members=[u for u in (doctor, worker) if u is not None],
        )  # fmt: skip
        people = list(
            Resident.objects.filter(community=community, is_active=True)
            .exclude(phone="")  # those who call
            .select_related("household__room__unit__building")
            .order_by("pk")[:2000]
        )
        if not people:
            return
        # A fixed mix of fates, so that every list of every role holds something.
        fates = ["confirmed"] * 8 + ["callback"] * 3 + ["working"] * 4 + ["team"] * 3
        fates += ["volunteer"] * 3 + ["doctor"] * 2 + ["new"] * 5 + ["cancelled"]
        for number, fate in enumerate(fates):
            at = now - timedelta(hours=rng.uniform(1, DAYS * 24))
            if fate == "new" and number % 2:
                at = now - timedelta(hours=rng.uniform(30, 60))  # waiting past its deadline
            code, text = rng.choice(NEEDS)
            if fate == "doctor":
                code, text = rng.choice(NEEDS[2:8])
            resident = rng.choice(people)
            item = self._open(community, operator, code, text, resident, at)
            self._live(item, fate, worker=worker, volunteer=volunteer, doctor=doctor,
                       runners=runners, medics=medics, at=at, now=now)  # fmt: skip
        for code, text in EMERGENCIES:  # just come in, nobody on them yet
            at = now - timedelta(minutes=rng.uniform(3, 40))
            self._open(community, operator, code, text, rng.choice(people), at)
        # A caller the register does not know, who gave a room: to be linked at the desk.
        stranger = rng.choice(people)
        room = stranger.household.room
        actions.do_open_request(
            community, actor=operator, channel=Channel.HOTLINE,
            category=_category("groceries"), description="我是新搬来的租户，家里没吃的了",
            contact_phone=f"139{rng.randrange(10**8):08d}",
            address_text=f"{room.unit.building.number}号楼{room.unit.number}单元{room.number}",
            at=now - timedelta(hours=3),
        )  # fmt: skip

    def _open(
        self, community: Community, operator: User, code: str, text: str, resident: Resident,
        at: datetime,
    ) -> Request:  # fmt: skip
        channel = self.rng.choice((Channel.HOTLINE,) * 6 + (Channel.ONLINE, Channel.DOOR))
        call = None
        if channel == Channel.HOTLINE:  # the call it came on, for the household card
            call = actions.do_log_call(
                community, actor=operator, caller_number=resident.phone, at=at,
                duration_seconds=self.rng.randint(40, 300),
            )  # fmt: skip
        return actions.do_open_request(
            community, actor=operator, channel=channel, category=_category(code),
            description=text, resident=resident, at=at, call=call,
            contact_phone=resident.phone if channel == Channel.ONLINE else "",
        ).request  # fmt: skip

    def _live(
        self, item: Request, fate: str, *, worker: User, volunteer: User | None,
        doctor: User | None, runners: Team, medics: Team, at: datetime, now: datetime,
    ) -> None:  # fmt: skip
        """Take `item` through the life `fate` names, its timeline spread after `at`."""
        if fate == "new":
            return
        if fate == "cancelled":
            actions.do_cancel(item, actor=worker, reason="居民已自行解决")
        elif fate == "team":
            team = medics if item.category.medical else runners
            actions.do_assign(item, actor=worker, team=team)
        else:
            handler = {"volunteer": volunteer, "doctor": doctor}.get(fate) or worker
            item = actions.do_assign(item, actor=worker, assignee=handler)
            if fate != "volunteer":
                item = actions.do_start(item, actor=handler)
            if fate in ("confirmed", "callback"):
                item = actions.do_complete(item, actor=handler, result="已送到，居民签收")
            if fate == "confirmed":
                actions.do_record_callback(item, actor=worker, confirmed=True, note="居民满意")
        _spread(item, at, now, self.rng)


def _category(code: str) -> Category:
    found = category_by_code(code)
    if found is None:  # pragma: no cover - the seeded taxonomy has every code above
        raise LookupError(code)
    return found


def _spread(item: Request, at: datetime, now: datetime, rng: random.Random) -> None:
    """The events after the first two, minutes to hours apart after `at`, before `now`."""
    when = at
    events = list(RequestEvent.objects.filter(request=item).order_by("pk"))
    for event in events[2:]:
        when = min(now, when + timedelta(minutes=rng.uniform(10, 180)))
        event.at = when
    RequestEvent.objects.bulk_update(events[2:], ["at"])
    if item.closed_at is not None:
        Request.objects.filter(pk=item.pk).update(closed_at=when)
