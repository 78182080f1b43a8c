"""A community ready for quarantine work, made through the app's own actions."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from linli.core.actions import do_save_team
from linli.core.models import Community, Team
from linli.core.roles import Role
from linli.quarantine.actions import do_add_traveller, do_save_settings
from linli.quarantine.models import Traveller
from tests.care.factories import Team as CareTeam
from tests.care.factories import make_team
from tests.factories import make_area, make_resident, make_user


@dataclass
class Gates:
    community: Community
    care: CareTeam
    day_team: Team
    night_team: Team

    @property
    def worker(self) -> Any:
        return self.care.planner


def make_gates(community: Community | None = None) -> Gates:
    community = community or make_area()
    care = make_team(community)
    volunteer = make_user(Role.VOLUNTEER, community)
    day = do_save_team(
        community,
        actor=care.planner,
        name="白班接待组",
        lead=care.planner,
        members=[care.planner, care.doctor],
    )
    night = do_save_team(
        community,
        actor=care.planner,
        name="夜间应急组",
        lead=care.planner,
        members=[care.planner, care.doctor, volunteer],
    )
    do_save_settings(
        community,
        actor=care.planner,
        day_team=day,
        night_team=night,
        day_shift_from=time(8),
        night_shift_from=time(20),
        checks_due_by=time(12),
        **care.seats(),
    )
    return Gates(community, care, day, night)


def at(days: int, hour: int, minute: int = 0) -> datetime:
    """Local time `days` from today at `hour`:`minute` (Asia/Shanghai)."""
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo("Asia/Shanghai"))


def traveller(
    gates: Gates,
    name: str = "John Smith",
    *,
    arrives: datetime | None = None,
    room: str = "502",
    **values: Any,
) -> Traveller:
    """A traveller to a household of the register (made in `room`), unless `household=None`."""
    if "household" not in values:
        values["household"] = make_resident(gates.community, f"家属{room}", room=room).household
    return do_add_traveller(
        gates.community,
        actor=gates.worker,
        name=name,
        arrives_at=arrives or at(1, 22, 30),
        id_type="passport",
        id_number=values.pop("id_number", f"E{room}123"),
        nationality="GB",
        sex="M",
        transport="MU588",
        origin="London",
        **values,
    )
