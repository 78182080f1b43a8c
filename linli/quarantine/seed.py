"""The quarantine app's demo data, made through its actions: each community's reception teams
and settings, today's and tomorrow's arrivals (one at night, one with no known household), a
few households in home quarantine with their checks; each street, two hotels with rooms, its
hotel staff and a few guests. Runs in `finish`, after the care plans."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from linli.core.actions import do_save_team
from linli.core.models import Community, Street, User
from linli.core.plugins import SeedRun
from linli.core.roles import Role
from linli.core.seeding import delete_all
from linli.people.models import Resident
from linli.quarantine import actions
from linli.quarantine.models import (
    EndChange,
    GuestCall,
    HealthCheck,
    HomeQuarantine,
    Hotel,
    HotelRoom,
    Reception,
    Settings,
    Stay,
    Traveller,
)

ARRIVALS = (  # name, hour (today + days), days, flight, origin, language, nationality
    ("John Smith", 22, 0, "MU588", "London", "en", "GB"),
    ("王晓明", 10, 1, "G102", "北京", "", "CN"),
    ("Tanaka Yui", 23, 1, "NH921", "Tokyo", "ja", "JP"),
)


class QuarantineSeed:
    def __init__(self, run: SeedRun) -> None:
        self.run = run
        self.communities: list[Community] = []

    def community(self, community: Community, residents: int) -> None:
        self.communities.append(community)

    @staticmethod
    def reset() -> None:
        delete_all(
            GuestCall,
            Stay.history.model,
            Stay,
            HotelRoom,
            Hotel.staff.through,
            Hotel,
            HealthCheck,
            EndChange,
            HomeQuarantine.history.model,
            HomeQuarantine,
            Reception.history.model,
            Reception,
            Traveller.history.model,
            Traveller,
            Settings.history.model,
            Settings,
        )

    def finish(self) -> None:
        today = timezone.localdate()
        streets: dict[int, Street] = {}
        for community in self.communities:
            staff = {
                u.role: u
                for u in User.objects.filter(community=community).prefetch_related("groups")
            }
            worker, doctor = staff.get(Role.WORKER), staff.get(Role.DOCTOR)
            if (
                worker is None
                or doctor is None
                or None in (staff.get(Role.SOCIAL_WORKER), staff.get(Role.PROPERTY))
            ):
                continue
            streets[community.street_id] = community.street
            self._gates(community, staff, worker, today)
        for street in streets.values():
            self._hotels(street, today)
        self.run.counts.update(
            travellers=Traveller.objects.count(),
            home_quarantines=HomeQuarantine.objects.count(),
            hotel_guests=Stay.objects.count(),
        )

    def _gates(
        self, community: Community, staff: dict[Any, User], worker: User, today: date
    ) -> None:
        volunteer = staff.get(Role.VOLUNTEER)
        members = [u for u in (worker, staff[Role.DOCTOR], volunteer) if u is not None]
        day_team = do_save_team(
            community, actor=worker, name="白班接待组", lead=worker, members=members
        )
        night_team = do_save_team(
            community,
            actor=worker,
            name="夜间应急组",
            lead=worker,
            members=members,
        )
        actions.do_save_settings(
            community,
            actor=worker,
            day_team=day_team,
            night_team=night_team,
            day_shift_from=time(8),
            night_shift_from=time(20),
            checks_due_by=time(12),
            doctor=staff[Role.DOCTOR],
            social_worker=staff[Role.SOCIAL_WORKER],
            property_staff=staff[Role.PROPERTY],
        )
        households = list(
            Resident.objects.filter(community=community, is_active=True)
            .values_list("household", flat=True)
            .order_by("household")[:200:40]
        )
        from linli.people.models import Household

        for n, (name, hour, days, flight, origin, language, nationality) in enumerate(ARRIVALS):
            at = timezone.make_aware(datetime.combine(today + timedelta(days=days), time(hour)))
            household = (
                Household.objects.filter(pk=households[n]).first()
                if n < 2 and n < len(households)
                else None
            )
            actions.do_add_traveller(
                community,
                actor=worker,
                name=name,
                arrives_at=at,
                transport=flight,
                origin=origin,
                language=language,
                nationality=nationality,
                household=household,
                id_type="passport" if nationality != "CN" else "other",
                sex="M" if n != 2 else "F",
                address_given="" if household else "3号楼2单元? 未核实",
                id_number=f"E{community.pk:03d}{n:05d}",
            )
        # Two close contacts of the register in home quarantine since three days, with checks.
        for resident in Resident.objects.filter(
            community=community, is_active=True, household__in=households[2:4]
        ).order_by("pk")[:2]:
            quarantine = actions.do_start_home_quarantine(
                resident, actor=worker, starts_on=today - timedelta(days=3)
            )
            actions.do_record_check(
                quarantine, actor=staff[Role.DOCTOR], temperature="36.6", symptoms=[]
            )

    def _hotels(self, street: Street, today: date) -> None:
        official = User.objects.filter(street=street, groups__name=Role.OFFICIAL.value).first()
        hotel_staff = list(User.objects.filter(street=street, groups__name=Role.HOTEL.value))
        if official is None:
            return
        for n, name in enumerate(("锦江之星隔离点", "如家隔离点")):
            hotel = actions.do_add_hotel(
                street,
                actor=official,
                name=name,
                address=f"江苏路{100 + n}号",
                phone=f"021-6200{n:04d}",
                staff=hotel_staff,
            )
            for floor in (3, 4):
                actions.do_add_rooms(
                    hotel,
                    actor=official,
                    floor=floor,
                    numbers=f"{floor}01-{floor}10",
                    beds=1 if floor == 3 else 2,
                )
        first = Hotel.objects.filter(street=street).order_by("pk").first()
        if first is None:
            return
        rooms = list(HotelRoom.objects.filter(hotel=first).order_by("number"))
        guests = Resident.objects.filter(community__street=street, is_active=True).order_by("-pk")[
            :6
        ]
        for room, resident in zip(rooms, guests, strict=False):
            actions.do_check_in(resident, actor=official, room=room)
