"""SQL names and strings written into the statements the server module builds (role, schema
and table names come from the catalogue or the council, never from a form)."""

from __future__ import annotations


def quote(name: str) -> str:
    """A SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    """A SQL string literal (standard_conforming_strings, on since PostgreSQL 9.1)."""
    return "'" + value.replace("'", "''") + "'"


__all__ = ["literal", "quote"]
