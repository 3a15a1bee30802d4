"""Names in order by their letters, in the database where the sorting happens.

"Ó Briain" belongs among the Os and "Łukasz" among the Ls; a plain ``ORDER BY`` puts both
after Z (their bytes are above every ASCII letter). `by_name(column)` is what to order by:

- PostgreSQL: the column under the collation ``reviewdesk_name`` (ICU, made by migration
  0008), so an index or a sort on the server does it;
- SQLite: ``reviewdesk_name_key(column)``, a deterministic function registered on every
  connection (`register_sqlite`) that gives `reviewdesk.vocabulary.name_key`: called once a
  row, then SQLite sorts the keys itself.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from reviewdesk.vocabulary import name_key

COLLATION = "reviewdesk_name"
SQLITE_FUNCTION = "reviewdesk_name_key"


class by_name(FunctionElement[str]):  # noqa: N801 - reads as a function in a query
    """``ORDER BY by_name(Child.last_name)``: the column's names in letter order."""

    type = String()
    inherit_cache = True
    name = "by_name"


@compiles(by_name)
def _generic(element: by_name, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses
    return compiler.process(column, **kw)


@compiles(by_name, "postgresql")
def _postgresql(element: by_name, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses
    return f"({compiler.process(column, **kw)}) COLLATE {COLLATION}"


@compiles(by_name, "sqlite")
def _sqlite(element: by_name, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses
    return f"{SQLITE_FUNCTION}({compiler.process(column, **kw)})"


def register_sqlite(dbapi_connection: Any) -> None:
    """Give a SQLite connection the sort key (`by_name`)."""
    dbapi_connection.create_function(SQLITE_FUNCTION, 1, name_key, deterministic=True)


__all__ = ["COLLATION", "SQLITE_FUNCTION", "by_name", "register_sqlite"]
