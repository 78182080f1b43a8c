"""SQL for the busiest paths (an intake): new rows written in one round trip, and a prepared
cursor for the few statements every intake runs.

Django's ORM sends one statement per `save()` or `bulk_create()`, each wrapped in the round trips
of its transaction. On PostgreSQL the rows of one new thing (a request, its first timeline lines,
the answer kept for its retries) can go in one statement instead: their primary keys are taken
from their sequences first, so rows can refer to each other, and one statement needs no
transaction of its own. Columns and values come from the models' own fields, as the ORM's.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import groupby
from typing import Any

import psycopg
from django.db import connection, models, transaction
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper


class _PreparedCursor(psycopg.Cursor[Any]):
    """Server-side binding, so Python does not quote each value into the SQL text, and every
    statement prepared at once: PostgreSQL parses and plans it once per connection. (Preparing
    is on when the connection has a `prepare_threshold`, see settings; Django's own cursors bind
    on the client side, and psycopg never prepares those.)"""

    def execute(
        self,
        query: Any,
        params: Any = None,
        *,
        prepare: bool | None = None,
        binary: bool | None = None,
    ) -> "_PreparedCursor":
        return super().execute(query, params, prepare=True, binary=binary)


class _DebugWrapper(CursorDebugWrapper):
    """Logs a prepared statement as written: psycopg keeps no text with the values filled in."""

    @contextmanager
    def debug_sql(
        self,
        sql: str | None = None,
        params: Any = None,
        use_last_executed_query: bool = False,
        many: bool = False,
    ) -> Iterator[None]:
        with super().debug_sql(sql, params, use_last_executed_query=False, many=many):
            yield


@contextmanager
def hot_cursor() -> Iterator[CursorWrapper]:
    """A cursor for the few statements every intake runs, whose plans do not depend on their
    values: prepared on PostgreSQL (unless LINLI_PG_PREPARE=0, e.g. behind PgBouncer in
    transaction mode), Django's own cursor elsewhere. Django's other statements are not
    prepared: a generic plan cannot use the partial indexes the ledger's pages rely on."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = _PreparedCursor(connection.connection)
    wrapper = _DebugWrapper if connection.queries_logged else CursorWrapper
    with wrapper(raw, connection) as cursor:
        yield cursor


def placeholders(n: int) -> str:
    """`%s, %s, …`: the parameters of an IN list of n values."""
    return ", ".join(["%s"] * n)


def one_statement() -> bool:
    """Whether `insert_rows` writes in one statement here (PostgreSQL), so that keys must be
    given with `reserve_pk` before the rows refer to each other."""
    return connection.vendor == "postgresql"


def reserve_pk(obj: models.Model) -> None:
    """Give an unsaved row its primary key from its sequence (PostgreSQL only)."""
    meta = obj._meta
    with hot_cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s))", [meta.db_table, meta.pk.column]
        )
        obj.pk = cursor.fetchone()[0]


def _model(obj: models.Model) -> type[models.Model]:
    return obj._meta.model


def _row(obj: models.Model, fields: list[models.Field[Any, Any]]) -> list[Any]:
    return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]


def insert_rows(objs: Sequence[models.Model]) -> None:
    """Insert new rows, in this order: in one statement on PostgreSQL, where a row's primary key
    is either reserved (`reserve_pk`) or left to its sequence and then not read back; with
    `bulk_create` per model elsewhere."""
    if not one_statement():
        with transaction.atomic(savepoint=False):
            for model, group in groupby(objs, key=_model):
                model._default_manager.bulk_create(list(group))
        return
    qn = connection.ops.quote_name
    parts: list[str] = []
    params: list[Any] = []
    for model, group in groupby(objs, key=_model):
        rows = list(group)
        with_pk = rows[0].pk is not None
        if any((row.pk is not None) != with_pk for row in rows):
            raise ValueError("rows of one model need a primary key for all or for none")
        fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        # Only quoted names from the models' metadata; every value is a parameter.
        columns = ", ".join(qn(f.column or f.name) for f in fields)
        values = f"({placeholders(len(fields))})"
        table = qn(model._meta.db_table)
        parts.append(f"INSERT INTO {table} ({columns}) VALUES " + ", ".join(values for _ in rows))  # noqa: S608
        for row in rows:
            params.extend(_row(row, fields))
    # Every INSERT but the last goes into a WITH clause: one statement, all or nothing.
    *first, last = parts
    sql = last
    if first:
        sql = "WITH " + ", ".join(f"w{i} AS ({part})" for i, part in enumerate(first)) + " " + last
    with hot_cursor() as cursor:
        cursor.execute(sql, params)
    for obj in objs:  # saved, as after bulk_create (rows left to their sequence keep pk None)
        obj._state.adding = False
        obj._state.db = connection.alias


def reserve_pks(model: type[models.Model], n: int) -> list[int]:
    """`n` primary keys for rows about to be written, so that other rows can refer to them:
    from the table's sequence on PostgreSQL (safe beside other writers); after the largest id
    elsewhere (SQLite: read inside the writing transaction, which holds the write lock)."""
    if n == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if one_statement():
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, model._meta.pk.column, n],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX({model._meta.pk.column}), 0) + 1 FROM {table}")  # noqa: S608
        first: int = cursor.fetchone()[0]
    return list(range(first, first + n))


def copy_rows(objs: Sequence[models.Model]) -> None:
    """Many new rows of one model in one go (thousands): COPY on PostgreSQL, one executemany
    elsewhere; a primary key left empty is the sequence's, and not read back."""
    if not objs:
        return
    model = _model(objs[0])
    with_pk = objs[0].pk is not None
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    rows = ([f.pre_save(obj, True) for f in fields] for obj in objs)
    copy_values(model, [f.attname for f in fields], rows)


def copy_values(
    model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """As `copy_rows`, from the values of the fields `names` (attnames) rather than from model
    instances, which cost more to make than the rows to write."""
    # Made before the COPY starts: a query while it runs (a lazy row reading a relation) would
    # wait on the COPY for ever.
    rows = list(rows)
    if not rows:
        return
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    fields = [by_name[name] for name in names]
    qn = connection.ops.quote_name
    # Only quoted names from the model's metadata; every value is a parameter.
    columns = ", ".join(qn(f.column or f.name) for f in fields)
    table = qn(model._meta.db_table)
    as_is = [f.get_internal_type() in AS_THEY_ARE for f in fields]
    with connection.cursor() as cursor:
        if one_statement():
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([
                        v if plain else f.get_db_prep_save(v, connection)
                        for v, f, plain in zip(row, fields, as_is, strict=True)
                    ])  # fmt: skip
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders(len(fields))})",  # noqa: S608
                [
                    [f.get_db_prep_save(v, connection) for v, f in zip(row, fields, strict=True)]
                    for row in rows
                ],
            )


# Fields whose Python value COPY takes as it is (psycopg adapts str, int, bool, date, time and
# an aware datetime as Django would): preparing each through Django costs more than the COPY.
AS_THEY_ARE = frozenset({
    "AutoField", "BigAutoField", "CharField", "TextField", "IntegerField", "SmallIntegerField",
    "BigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "BooleanField",
    "DateField", "DateTimeField", "TimeField", "ForeignKey", "OneToOneField",
})  # fmt: skip
