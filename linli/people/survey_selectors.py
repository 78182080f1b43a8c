"""Reads of the door-knocking survey: rounds, their households and progress, scoped to the user.

A household's state in a round is the result of its latest visit there (by time, then by entry):
done when verified, corrected or refused; still to visit when never visited or nobody was home.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from linli.core.models import Building, User
from linli.core.roles import Cap
from linli.core.scoping import get_for_user, scoped
from linli.people.models import Household, Resident, SurveyRound, SurveyVisit

Result = SurveyVisit.Result
DONE = (Result.VERIFIED, Result.CORRECTED, Result.REFUSED)


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """'3' < '12' < '12A': numbers compared as numbers, the rest as text."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.findall(r"\d+|\D+", text)
    )


@dataclass(frozen=True)
class Progress:
    households: int
    verified: int = 0
    corrected: int = 0
    refused: int = 0
    nobody_home: int = 0

    @property
    def visited(self) -> int:
        """Households with at least one visit in the round."""
        return self.verified + self.corrected + self.refused + self.nobody_home

    @property
    def done(self) -> int:
        return self.verified + self.corrected + self.refused

    @property
    def to_visit(self) -> int:
        """Never visited, or nobody was home at the latest visit."""
        return max(0, self.households - self.done)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.households) if self.households else 0


def rounds_for(user: User | AnonymousUser) -> QuerySet[SurveyRound]:
    return scoped(
        user, SurveyRound.objects.select_related("building__compound", "created_by")
    ).order_by("-started_at", "-pk")


def get_round_for_user(user: User | AnonymousUser, pk: int) -> SurveyRound:
    return get_for_user(
        user,
        SurveyRound.objects.select_related("building__compound", "community", "created_by"),
        Cap.EDIT_REGISTER,
        pk=pk,
    )


def buildings_for(user: User | AnonymousUser) -> list[Building]:
    """Buildings of the user's area, in the order of a roster (compound, then building number)."""
    buildings = scoped(user, Building.objects.select_related("compound"))
    return sorted(buildings, key=lambda b: (b.compound.name, natural_key(b.number)))


def get_household_for_user(user: User | AnonymousUser, pk: int) -> Household:
    return get_for_user(
        user,
        Household.objects.select_related("room__unit__building__compound"),
        Cap.EDIT_REGISTER,
        pk=pk,
    )


def _latest_only(visits: QuerySet[SurveyVisit]) -> QuerySet[SurveyVisit]:
    """The visits no later visit of the same household in the same round follows."""
    later = SurveyVisit.objects.filter(
        round=OuterRef("round"), household=OuterRef("household")
    ).filter(
        Q(visited_at__gt=OuterRef("visited_at"))
        | Q(visited_at=OuterRef("visited_at"), pk__gt=OuterRef("pk"))
    )
    return visits.filter(~Exists(later))


def round_households(user: User | AnonymousUser, round: SurveyRound) -> QuerySet[Household]:
    """Households living in the round's building, each with `latest_result` of the round."""
    latest = SurveyVisit.objects.filter(round=round, household=OuterRef("pk")).order_by(
        "-visited_at", "-pk"
    )
    return scoped(
        user,
        Household.objects.filter(
            community_id=round.community_id, room__unit__building_id=round.building_id
        ),
    ).annotate(latest_result=Subquery(latest.values("result")[:1]))


def households_to_visit(user: User | AnonymousUser, round: SurveyRound) -> QuerySet[Household]:
    """Households never visited in the round, or whose latest visit found nobody home."""
    return round_households(user, round).filter(
        Q(latest_result__isnull=True) | Q(latest_result=Result.NOBODY_HOME)
    )


def progress_of_rounds(
    user: User | AnonymousUser, rounds: Iterable[SurveyRound]
) -> dict[int, Progress]:
    """Progress of each round (two queries, whatever the number of rounds)."""
    rounds = list(rounds)
    if not rounds:
        return {}
    per_building = dict(
        scoped(
            user, Household.objects.filter(room__unit__building__in={r.building_id for r in rounds})
        )
        .values_list("room__unit__building")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = {}
    for round_id, result, n in (
        _latest_only(scoped(user, SurveyVisit.objects.filter(round__in=rounds)))
        .values_list("round", "result")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts.setdefault(round_id, {})[result] = n
    found: dict[int, Progress] = {}
    for r in rounds:
        c = counts.get(r.pk, {})
        found[r.pk] = Progress(
            households=per_building.get(r.building_id, 0),
            verified=c.get(Result.VERIFIED, 0),
            corrected=c.get(Result.CORRECTED, 0),
            refused=c.get(Result.REFUSED, 0),
            nobody_home=c.get(Result.NOBODY_HOME, 0),
        )
    return found


def round_progress(user: User | AnonymousUser, round: SurveyRound) -> Progress:
    return progress_of_rounds(user, [round])[round.pk]


@dataclass(frozen=True)
class BuildingProgress:
    building: Building
    households: int
    rounds: int
    latest_round: SurveyRound | None
    progress: Progress | None


def building_progress(user: User | AnonymousUser) -> list[BuildingProgress]:
    """Every building of the user's area with its households and the progress of its latest
    round (None when it has had none)."""
    buildings = buildings_for(user)
    households = dict(
        scoped(user, Household.objects.all())
        .values_list("room__unit__building")
        .annotate(n=Count("pk"))
        .order_by()
    )
    latest: dict[int, SurveyRound] = {}
    n_rounds: dict[int, int] = {}
    for r in rounds_for(user):
        latest.setdefault(r.building_id, r)
        n_rounds[r.building_id] = n_rounds.get(r.building_id, 0) + 1
    progress = progress_of_rounds(user, latest.values())
    return [
        BuildingProgress(
            building=b,
            households=households.get(b.pk, 0),
            rounds=n_rounds.get(b.pk, 0),
            latest_round=latest.get(b.pk),
            progress=progress.get(latest[b.pk].pk) if b.pk in latest else None,
        )
        for b in buildings
    ]


@dataclass(frozen=True)
class HouseholdRow:
    household: Household
    members: list[Resident]
    latest: SurveyVisit | None
    visits: int

    @property
    def to_visit(self) -> bool:
        return self.latest is None or self.latest.result == Result.NOBODY_HOME


def round_rows(
    user: User | AnonymousUser, round: SurveyRound, *, only_to_visit: bool = False
) -> list[HouseholdRow]:
    """The households of the round's building, in door order, with their members and latest
    visit in the round."""
    households = (
        households_to_visit(user, round) if only_to_visit else round_households(user, round)
    )
    households = households.select_related("room__unit__building__compound").prefetch_related(
        Prefetch("members", queryset=Resident.objects.order_by("-is_active", "date_of_birth", "pk"))
    )
    visits = scoped(user, SurveyVisit.objects.filter(round=round))
    latest = {v.household_id: v for v in _latest_only(visits).select_related("visitor")}
    n_visits = dict(visits.values_list("household").annotate(n=Count("pk")).order_by())
    rows = [
        HouseholdRow(
            household=h,
            members=list(h.members.all()),
            latest=latest.get(h.pk),
            visits=n_visits.get(h.pk, 0),
        )
        for h in households
    ]
    rows.sort(
        key=lambda row: (
            natural_key(row.household.room.unit.number),
            natural_key(row.household.room.number),
            row.household.pk,
        )
    )
    return rows


def round_visits(user: User | AnonymousUser, round: SurveyRound) -> QuerySet[SurveyVisit]:
    """Every visit of the round, latest first."""
    return (
        scoped(user, SurveyVisit.objects.filter(round=round))
        .select_related("visitor", "household__room__unit")
        .order_by("-visited_at", "-pk")
    )
