"""Inserting many rows as fast as the driver allows: the storage layer's bulk writers and the
audit trail use it.

On SQLite, SQLAlchemy's per-row parameter handling is most of the cost of an executemany:
here the values are converted by the columns' own bind processors (dates as ISO text, JSON
as text) and handed to one DB-API ``executemany``, about twice as fast. New ids come from
SQLite's rowid rule (a new row's id is one more than the largest), which holds for the rows
of one executemany in a write transaction; they are checked after. Other databases use
SQLAlchemy's own executemany, with RETURNING for the ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select
from sqlalchemy.types import Date, DateTime

CHUNK = 20_000


def _chunks(rows: Sequence[Any], size: int = CHUNK):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _remembering(process: Any) -> Any:
    """``process`` with its last answer kept: a bulk write stamps every row with the same
    moment, whose conversion is the dearest of all."""
    last_in: Any = object()
    last_out: Any = None

    def convert(value: Any) -> Any:
        nonlocal last_in, last_out
        if value is not last_in:
            last_in, last_out = value, process(value)
        return last_out

    return convert


def _sqlite_executemany(connection: Connection, table: Table, rows: Sequence[dict]) -> None:
    """The same INSERT as Core's, values converted by the columns' bind processors, then one
    DB-API executemany (all rows share the first row's keys)."""
    dialect = connection.dialect
    names = list(rows[0])
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    procs = [table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names]
    # Dates are most of the values: SQLite's DATE storage is exactly ISO 8601.
    procs = [
        dt.date.isoformat
        if isinstance(table.c[n].type, Date) and not isinstance(table.c[n].type, DateTime)
        else (_remembering(p) if p is not None else None)
        for n, p in zip(names, procs, strict=True)
    ]
    get = itemgetter(*names)
    single = len(names) == 1
    convert = [(i, p) for i, p in enumerate(procs) if p is not None]
    values = []
    for row in rows:
        value = [get(row)] if single else list(get(row))
        for i, p in convert:
            if value[i] is not None:
                value[i] = p(value[i])
        values.append(tuple(value))
    connection.exec_driver_sql(sql, values)


def insert_rows(connection: Connection, table: Table, rows: Sequence[dict]) -> None:
    """Insert ``rows`` (each with the same keys)."""
    for chunk in _chunks(rows):
        if connection.dialect.name == "sqlite":
            _sqlite_executemany(connection, table, chunk)
        else:
            # inline: no RETURNING of the new ids, which a login that may add rows but not
            # read them (an IRO adding to the audit trail) could not be given.
            connection.execute(insert(table).inline(), list(chunk))


def insert_returning_ids(connection: Connection, table: Table, rows: Sequence[dict]) -> list[int]:
    """Insert ``rows`` (each with the same keys, no id) and return their new ids in order."""
    ids: list[int] = []
    for chunk in _chunks(rows):
        if connection.dialect.name != "sqlite":
            stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            ids.extend(connection.execute(stmt, list(chunk)).scalars())
            continue
        _sqlite_executemany(connection, table, chunk)
        last = connection.exec_driver_sql("SELECT last_insert_rowid()").scalar_one()
        first = last - len(chunk) + 1
        found = connection.execute(
            select(func.count()).select_from(table).where(table.c.id.between(first, last))
        ).scalar_one()
        if found != len(chunk):  # never, by SQLite's rowid rule; refuse rather than guess
            raise RuntimeError(f"{table.name}: the new rows' ids are not {first} to {last}")
        ids.extend(range(first, last + 1))
    return ids


__all__ = ["insert_returning_ids", "insert_rows"]
