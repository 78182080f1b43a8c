"""The care app's demo data: plans for a few of each community's dialysis patients and elders
living alone, with their three seats, their recurring services turned into today's requests,
the community's contact rule and a few of today's contacts — made through the app's actions.
Runs in `finish`, once the demo users and the ledger's week exist."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from linli.care import actions
from linli.care.models import (
    CarePlan,
    Contact,
    ContactRule,
    OnCall,
    ServiceItem,
    ServiceRun,
    Trip,
    Vehicle,
)
from linli.core.models import Community, User
from linli.core.plugins import SeedRun
from linli.core.policy import SYSTEM
from linli.core.roles import Role
from linli.core.seeding import delete_all
from linli.people.models import Resident
from linli.people.selectors import aged_at_least, lives_alone, tagged

PLANS_PER_KIND = 4


class CareSeed:
    def __init__(self, run: SeedRun) -> None:
        self.run = run
        self.communities: list[Community] = []

    def community(self, community: Community, residents: int) -> None:
        self.communities.append(community)

    @staticmethod
    def reset() -> None:
        delete_all(
            Trip, Vehicle, OnCall, Contact, ServiceRun, ServiceItem.history.model, ServiceItem,
            CarePlan.history.model, CarePlan, ContactRule.history.model, ContactRule,
        )  # fmt: skip

    def finish(self) -> None:
        today = timezone.localdate()
        for community in self.communities:
            staff = {
                u.role: u
                for u in User.objects.filter(community=community).prefetch_related("groups")
            }
            seats = {
                "doctor": staff.get(Role.DOCTOR),
                "social_worker": staff.get(Role.SOCIAL_WORKER),
                "property_staff": staff.get(Role.PROPERTY),
            }
            worker = staff.get(Role.WORKER)
            if worker is None or None in seats.values():
                continue
            self._plans(community, worker, seats, today)
        actions.do_generate_services(actor=SYSTEM, today=today)
        self.run.counts.update(care_plans=CarePlan.objects.count())

    def _plans(
        self, community: Community, worker: User, seats: dict[str, User | None], today: date
    ) -> None:
        people = Resident.objects.filter(community=community, is_active=True).order_by("pk")
        chosen = [
            ("dialysis", people.filter(tagged("dialysis"))[:PLANS_PER_KIND]),
            ("alone80", people.filter(aged_at_least(80, today), lives_alone())[:PLANS_PER_KIND]),
        ]
        households: set[int] = set()
        for reason, residents in chosen:
            for resident in residents:
                if resident.household_id in households:
                    continue
                households.add(resident.household_id)
                plan = actions.do_create_plan(
                    resident.household, actor=worker, reason=reason, starts_on=today,
                    goals="按时血透，每日联系" if reason == "dialysis" else "每日问候，按时送餐",
                    diets=["soft"] if reason == "alone80" else [], **seats,
                )  # fmt: skip
                if reason == "dialysis":
                    actions.do_add_service_item(
                        plan, actor=worker, category="dialysis", description="血透接送",
                        schedule="二四六 07:00", seat="property_staff",
                    )  # fmt: skip
                actions.do_add_service_item(
                    plan, actor=worker, category="medicine", description="代配常用药",
                    schedule="每周一", seat="social_worker",
                )  # fmt: skip
                actions.do_add_service_item(
                    plan, actor=worker, category="meals" if reason == "alone80" else "garbage",
                    description="送午餐" if reason == "alone80" else "上门收垃圾",
                    schedule="每天 11:00", seat="property_staff",
                )  # fmt: skip
        actions.do_set_contact_rule(community, actor=worker, groups=["alone80"])
        doctor = seats["doctor"]
        assert doctor is not None  # noqa: S101 - checked by the caller
        morning = timezone.make_aware(datetime.combine(today, time(8)))
        for n, (start, hours) in enumerate(((morning, 12), (morning + timedelta(hours=12), 12))):
            actions.do_add_on_call(
                community, actor=worker, name=f"{doctor.first_name}{'甲乙'[n]}",
                role="社区医生 GP", phone=f"1391234{community.pk % 100:02d}{n:02d}",
                starts_at=start, ends_at=start + timedelta(hours=hours),
            )  # fmt: skip
        actions.do_add_vehicle(
            community, actor=worker, plate=f"沪A{community.pk:05d}", driver="刘师傅",
            phone=f"1370000{community.pk % 10000:04d}", on_duty_from=time(6),
            on_duty_until=time(20),
        )  # fmt: skip
        for resident in [r for _reason, rs in chosen for r in rs][:2]:
            actions.do_record_contact(resident, actor=worker, outcome="well", note="一切正常")
