"""Roster import (xlsx or csv): recognise the headers, validate every row, write all or nothing.

One pass over the file, streamed (csv.reader / openpyxl read-only), that never holds the
database's write lock for long (on SQLite there is one, and the hotline, the public form and the
API all need it): rows are read and checked outside any transaction, and every BATCH clean rows
are matched against the register (a re-import updates the residents it finds, by identity
number, else by name and room) and written in one short transaction of their own, through the
fastest path of the database (COPY on PostgreSQL, executemany on SQLite). Reading and checking
the next batch is the pause in which everyone else writes.

All or nothing as anyone sees it: the rows are written under the import's mark. New households,
residents and groups carry `imported_by`, and the register hides them while their import is
WRITING; changes to residents already there are staged as `ImportChange` rows. After the first
bad row nothing more is written but every row is still checked, so the report is complete, and
the rows written so far are deleted. A clean file is published in one short step (the import's
status leaves WRITING), and its staged changes are then applied batch by batch, each batch
deleting what it applied, so that an import stopped there is resumed where it was (published, it
rolls forward). An import stopped before publishing is CRASHED: its rows were never seen, and a
periodic job deletes them. A dry run writes nothing at all.

The package, by responsibility: `headers` (the column vocabulary, finding the header row),
`rows` (reading the file, checking each row), `match` (rows against the register), `write`
(batches, publishing, applying staged changes; its tunables BATCH, SQLITE_PAUSE, ANALYZE_AFTER
are read from there at run time), `report` (errors, warnings, the error workbook) and `run` (the
import itself, `Importer`).
"""

from linli.people.importer.headers import HEADERS, NORMALISE, find_header, map_columns
from linli.people.importer.report import (
    MAX_ERRORS_KEPT,
    ErrorReport,
    Outcome,
    RowError,
    error_report_xlsx,
)
from linli.people.importer.rows import ID_TYPES, ROOM_WITH_FLOOR, Row, count_rows, read_rows
from linli.people.importer.run import Importer
from linli.people.importer.write import BATCH, apply_changes, clear_rows

__all__ = [
    "BATCH",
    "HEADERS",
    "ID_TYPES",
    "MAX_ERRORS_KEPT",
    "NORMALISE",
    "ROOM_WITH_FLOOR",
    "ErrorReport",
    "Importer",
    "Outcome",
    "Row",
    "RowError",
    "apply_changes",
    "clear_rows",
    "count_rows",
    "error_report_xlsx",
    "find_header",
    "map_columns",
    "read_rows",
]
