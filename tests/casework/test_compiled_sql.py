"""`fetch_rows` compiles each statement once for each shape and set of values
(`rows.compiled_sql`): the SQL kept must be what compiling afresh writes, whatever values
the same shape is given (dates, texts, lists, ids written in), and every read through it
must give what compiling afresh gives (tests/demo/test_compiled_reads.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from reviewdesk.casework import rows
from reviewdesk.casework.predicates import IdList, id_in, open_case_ids_query, recent_meetings
from reviewdesk.storage.models import Child, Meeting

D = dt.date


def _fresh(stmt, dialect) -> str:
    return str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def _statements():
    """The same few shapes, each with values that differ only in what is written in."""
    for day in (D(2024, 1, 1), D(2024, 1, 2), D(2025, 12, 10)):
        for among in (None, IdList([1, 2]), IdList([1, 3]), IdList([])):
            yield open_case_ids_query(day, among)
        yield select(Meeting.id).where(*recent_meetings(day, day, IdList([4]), IdList([5, 6])))
    for word in ("Nowak", "Ó Briain", "2024-01-01"):
        yield select(Child.id).where(Child.last_name == word)
    yield select(Child.id).where(Child.dob == D(2024, 1, 1))  # a date, not the text above
    for ids in ([1, 2], [1, 3], [1, 2, 3]):
        yield select(Child.id).where(Child.id.in_(ids))
        yield select(Child.id).where(id_in(Child.id, ids)).limit(len(ids))


@pytest.mark.parametrize(
    "dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "postgresql"]
)
def test_the_sql_kept_is_the_sql_compiled_afresh(dialect, monkeypatch) -> None:
    monkeypatch.setattr(rows, "_COMPILED", type(rows._COMPILED)())
    statements = list(_statements())
    first = [rows.compiled_sql(s, dialect) for s in statements]
    assert first == [_fresh(s, dialect) for s in statements]
    assert len(set(first)) == len(first) - 2  # only the two empty id lists say the same
    # Built again (new objects, the same values): each found, the same SQL.
    again = list(_statements())
    kept = len(rows._COMPILED)
    assert [rows.compiled_sql(s, dialect) for s in again] == first
    assert len(rows._COMPILED) == kept


def test_only_so_many_statements_are_kept_and_no_long_ones(monkeypatch) -> None:
    monkeypatch.setattr(rows, "_COMPILED", type(rows._COMPILED)())
    monkeypatch.setattr(rows, "COMPILED_KEPT", 3)
    dialect = sqlite.dialect()
    for n in range(10):
        rows.compiled_sql(select(Child.id).where(Child.id == n), dialect)
    assert len(rows._COMPILED) == 3
    many = IdList(range(10_000))
    stmt = select(Child.id).where(id_in(Child.id, many))
    assert rows.compiled_sql(stmt, dialect) == _fresh(stmt, dialect)
    assert all(len(sql) <= rows.COMPILED_LONGEST for sql in rows._COMPILED.values())
