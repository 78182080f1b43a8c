"""What an import reports: the errors row by row (and their workbook), the warnings of a file
that goes in, and the values a preview of changes shows."""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from linli.lib.masking import mask_id_number, mask_phone
from linli.lib.uploads import excerpt
from linli.people.actions.register import alone_among_several
from linli.people.importer.headers import HeaderColumns

# The errors kept (all are counted): enough to fix a file by, not a copy of a hostile one.
MAX_WARNINGS = 50
MAX_CHANGES_SHOWN = 500
MAX_ERRORS_KEPT = 1000
MAX_REASON = 200  # characters of a reason, whatever value it quotes


@dataclass
class RowError:
    row: int
    column: str
    reason: str

    def as_list(self) -> list[object]:
        return [self.row, self.column, self.reason]


@dataclass
class ErrorReport:
    """Problems found row by row: all are counted, the first MAX_ERRORS_KEPT are kept."""

    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    max_kept: int = MAX_ERRORS_KEPT

    def add_error(self, row: int, column: str, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < self.max_kept:
            self.errors.append(RowError(row, excerpt(column, 40), excerpt(reason, MAX_REASON)))


@dataclass
class Outcome(ErrorReport):
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    committed: bool = False
    # What the file makes of the register that contradicts itself (not an error: the import
    # goes in), e.g. "lives alone" among several.
    warnings: list[str] = field(default_factory=list)
    # Per resident the file changes (the first MAX_CHANGES_SHOWN): [row, name, field, before,
    # after], numbers masked, so that a preview says what a re-import will do.
    changes: list[list[object]] = field(default_factory=list)


class Warnings(HeaderColumns):
    """The warnings of a file that goes in, from what checking and writing it noted."""

    outcome: Outcome
    unrecognised: list[str]
    unknown_births: list[int]
    serial_births: list[int]
    serial_example: tuple[int, object, date] | None
    new_rooms: set[tuple[int, str, str]]
    buildings: dict[tuple[int, str], int]
    room_rows: dict[tuple[int, str, str], int]
    alone_rows: dict[tuple[int, str, str], list[tuple[int, str]]]
    households_written: set[int]

    def _warnings(self) -> list[str]:
        """What goes in but is worth a look: the file's columns left out, the birth dates read
        from Excel date serials, the rooms that will be added, and a "lives alone" tag among
        several, in the file (a tagged row whose room has other rows) and, once imported, in
        the register (a tag kept in a household the file filled)."""
        found: list[str] = []
        if self.unrecognised:
            found.append(
                _(
                    "columns not recognised, left out (their values are not imported, and"
                    " nothing the register has for them changes): %(names)s"
                )
                % {"names": "、".join(excerpt(n, 20) for n in self.unrecognised[:20])}
            )
        if self.unknown_births:
            rows = "、".join(map(str, self.unknown_births[:30]))
            found.append(
                _(
                    "%(n)s people have neither identity number nor birth date: they go in with"
                    " their age unknown, so they are not counted among the elderly (60+, 80+)"
                    " until the committee asks for one. Rows %(rows)s"
                )
                % {
                    "n": len(self.unknown_births),
                    "rows": rows + (" …" if len(self.unknown_births) > 30 else ""),
                }
            )
        if self.serial_example:
            found.append(self._serial_births_warning(*self.serial_example))
        if self.new_rooms:
            numbers = {pk: number for (_c, number), pk in self.buildings.items()}
            rooms = sorted(f"{numbers.get(b, b)}-{u}-{r}" for b, u, r in self.new_rooms)
            found.append(
                _("%(n)s rooms are not in the register yet and will be added: %(rooms)s")
                % {
                    "n": len(rooms),
                    "rooms": "、".join(rooms[:30]) + (" …" if len(rooms) > 30 else ""),
                }
            )
        found += [
            _(
                "row %(row)s: %(name)s is tagged “lives alone”, but the file puts %(n)s people"
                " in the same room"
            )
            % {"row": number, "name": name, "n": self.room_rows[room]}
            for room, tagged in self.alone_rows.items()
            if self.room_rows[room] > 1
            for number, name in tagged
        ]
        if self.outcome.committed and self.households_written:
            noted = {name for _n, name in (t for ts in self.alone_rows.values() for t in ts)}
            found += [
                w for name, w in alone_among_several(self.households_written) if name not in noted
            ]
        if len(found) > MAX_WARNINGS:
            more = len(found) - MAX_WARNINGS
            found = [*found[:MAX_WARNINGS], _("… and %(n)s more") % {"n": more}]
        return found

    def _serial_births_warning(self, row: int, serial: object, read: date) -> str:
        """The rows whose birth date was an Excel date serial, with one serial and its date for
        the worker to see how it was read."""
        rows = "、".join(map(str, self.serial_births[:30]))
        return _(
            "rows %(rows)s: the birth date in column “%(column)s” was an Excel date serial"
            " number and was read as a date (row %(row)s: %(serial)s is %(date)s)"
        ) % {
            "rows": rows + (" …" if len(self.serial_births) > 30 else ""),
            "column": excerpt(self._header("date_of_birth"), 20),
            "row": row,
            "serial": serial,
            "date": read,
        }


def shown(field_name: str, value: object) -> str:
    """A value as the preview of changes shows it: numbers masked, lists joined."""
    if value is None:
        return ""
    if field_name == "phone":
        return mask_phone(str(value))
    if field_name == "id_number":
        return mask_id_number(str(value))
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def error_report_xlsx(
    errors: list[RowError] | list[list[object]], error_count: int | None = None
) -> bytes:
    """The per-row error report: row, column, reason; and how many more errors there were."""
    from linli.lib.xlsx import Sheet

    sheet = Sheet(_("Errors"), widths=[8, 16, 60])
    sheet.header([_("Row"), _("Column"), _("Reason")])
    sheet.rows(error.as_list() if isinstance(error, RowError) else list(error) for error in errors)
    more = (error_count or 0) - len(errors)
    if more > 0:
        sheet.row(["", "", _("… and %(n)s more errors, not listed: fix these first") % {"n": more}])
    return sheet.content()
