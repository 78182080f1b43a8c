"""Matching the rows of a roster to the register: the community's places, households and
residents loaded once, each row matched to the resident it updates (by identity number, else by
name and room), and what that changes."""

from linli.core.models import Building, Community, Compound, Room, Unit
from linli.people.importer.report import MAX_CHANGES_SHOWN, Outcome, shown
from linli.people.importer.rows import Row
from linli.people.models import Household, Resident, Vulnerability


class Matching:
    community: Community
    outcome: Outcome
    room_rows: dict[tuple[int, str, str], int]
    alone_rows: dict[tuple[int, str, str], list[tuple[int, str]]]
    new_rooms: set[tuple[int, str, str]]

    # Register lookups, loaded once for the community.
    def _load_register(self) -> None:
        c = self.community
        self.compounds = {
            name: pk for pk, name in Compound.objects.filter(community=c).values_list("pk", "name")
        }
        self.buildings = {
            (compound, number): pk
            for pk, compound, number in Building.objects.filter(compound__community=c).values_list(
                "pk", "compound_id", "number"
            )
        }
        self.units = {
            (building, number): pk
            for pk, building, number in Unit.objects.filter(
                building__compound__community=c
            ).values_list("pk", "building_id", "number")
        }
        self.rooms = {
            (unit, number): pk
            for pk, unit, number in Room.objects.filter(
                unit__building__compound__community=c
            ).values_list("pk", "unit_id", "number")
        }
        self.households: dict[int, int] = {}
        for pk, room in (
            Household.objects.filter(community=c).values_list("pk", "room_id").order_by("pk")
        ):
            self.households.setdefault(room, pk)
        self.existing_by_id: dict[str, int] = {}
        self.existing_by_name: dict[tuple[str, int], int] = {}
        for pk, id_number, name, room in Resident.objects.filter(community=c).values_list(
            "pk", "id_number", "name", "household__room_id"
        ):
            if id_number:
                self.existing_by_id[id_number] = pk
            self.existing_by_name[(name, room)] = pk

    def _note_room(self, row: "Row") -> None:
        self.room_rows[row.room_key] = self.room_rows.get(row.room_key, 0) + 1
        building, unit_number, room_number = row.room_key
        unit = self.units.get((building, unit_number))
        if unit is None or (unit, room_number) not in self.rooms:
            self.new_rooms.add(row.room_key)
        if Vulnerability.Kind.LIVES_ALONE in row.tags:
            self.alone_rows.setdefault(row.room_key, []).append((row.number, row.name))

    def _match(self, rows: list[Row]) -> list[tuple[Row, int, bool]]:
        """Each row with the resident it updates (0 for a new one) and whether that changes
        anything, counted as the outcome will be (a dry run's counts are a real run's)."""
        entries: list[tuple[Row, int, bool]] = []
        matched: list[tuple[int, Row, int | None]] = []
        for row in rows:
            building, unit_number, room_number = row.room_key
            unit = self.units.get((building, unit_number))
            room = self.rooms.get((unit, room_number)) if unit is not None else None
            match = (self.existing_by_id.get(row.id_number) if row.id_number else None) or (
                self.existing_by_name.get((row.name, room)) if room is not None else None
            )
            if match is None:
                entries.append((row, 0, False))
            else:
                matched.append(
                    (match, row, self.households.get(room) if room is not None else None)
                )
        current = Resident.objects.in_bulk([pk for pk, _row, _household in matched])
        for pk, row, household_id in matched:
            resident = current.get(pk)
            changed = (
                resident is None
                or household_id is None
                or resident.household_id != household_id
                or any(getattr(resident, f) != v for f, v in row.changes().items())
            )
            entries.append((row, pk, changed))
            if changed and resident is not None:
                self._note_changes(row, resident, household_id)
            if changed:
                self.outcome.updated += 1
            else:
                self.outcome.unchanged += 1
        self.outcome.created += len(rows) - len(matched)
        return entries

    def _note_changes(self, row: Row, resident: Resident, household_id: int | None) -> None:
        listed = self.outcome.changes
        if len(listed) >= MAX_CHANGES_SHOWN:
            return
        for name, after in row.changes().items():
            before = getattr(resident, name)
            if before != after:
                listed.append([row.number, resident.name, name, shown(name, before), shown(name, after)])  # fmt: skip
        if household_id is None or resident.household_id != household_id:
            listed.append([row.number, resident.name, "room", "", "-".join(row.room_key[1:])])
