"""Nothing in `reviewdesk` or `ui` writes to the database except the actions and the storage
layer beneath them: this reads every module and fails on a write anywhere else.

A write is: SQLAlchemy's insert / update / delete constructs, a session's or connection's
add / add_all / delete / merge / flush / commit / bulk_*, raw SQL that changes data or
schema (given to text, execute or exec_driver_sql), or the old `set_setting`. Sessions are
recognised by name (``s``, ``session``, ``conn``, ``tx.session``, ``self.session``...),
which is how this code base names them.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Where writing is allowed: the actions, and the storage layer they write through.
ALLOWED = ("reviewdesk/actions/", "reviewdesk/storage/")

SQL_CONSTRUCTS = {"insert", "update", "delete"}
WRITE_METHODS = {
    "add",
    "add_all",
    "delete",
    "merge",
    "flush",
    "commit",
    "bulk_insert_mappings",
    "bulk_update_mappings",
    "bulk_save_objects",
}
SESSION_NAMES = {"s", "session", "sess", "conn", "connection", "dst", "db_session"}
WRITE_SQL = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|TRUNCATE)\b", re.I)


def _receiver(node: ast.expr) -> str:
    """The last name of what a method is called on: ``tx.session.add`` -> "session"."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call):
        return _receiver(node.func)
    return ""


def writes_in(source: str, filename: str = "<code>") -> list[str]:
    """Each write found in ``source``, as "line: what"."""
    tree = ast.parse(source, filename=filename)
    found: list[str] = []
    sqlalchemy_names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            for alias in node.names:
                if alias.name in SQL_CONSTRUCTS:
                    sqlalchemy_names.add(alias.asname or alias.name)
                    found.append(f"{node.lineno}: imports sqlalchemy's {alias.name}")
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "set_setting":
            found.append(f"{node.lineno}: set_setting(...)")
        if isinstance(func, ast.Attribute):
            receiver = _receiver(func.value)
            if func.attr in WRITE_METHODS and (
                receiver in SESSION_NAMES or receiver.endswith(("session", "connection"))
            ):
                found.append(f"{node.lineno}: {receiver}.{func.attr}(...)")
            if (
                func.attr in SQL_CONSTRUCTS
                and isinstance(func.value, ast.Name)
                and func.value.id in ("sqlalchemy", "sa")
            ):
                found.append(f"{node.lineno}: sqlalchemy.{func.attr}(...)")
        for arg in node.args:
            if (
                isinstance(arg, ast.Constant)
                and isinstance(arg.value, str)
                and WRITE_SQL.match(arg.value)
                and _receiver(func) in ("text", "execute", "exec_driver_sql", "executescript")
            ):
                found.append(f"{node.lineno}: SQL {arg.value.split()[0].upper()}")
    return found


def _modules() -> list[Path]:
    return sorted(p for package in ("reviewdesk", "ui") for p in (ROOT / package).rglob("*.py"))


def test_only_the_actions_and_storage_write() -> None:
    offenders = []
    for path in _modules():
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(ALLOWED):
            continue
        for write in writes_in(path.read_text(encoding="utf-8"), rel):
            offenders.append(f"{rel}:{write}")
    assert offenders == []


def test_the_scan_catches_each_kind_of_write() -> None:
    planted = """
from sqlalchemy import insert, select
from reviewdesk.settings import set_setting

def save(db, row):
    with db.session() as s:
        s.add(row)
        s.delete(row)
        s.execute(insert(Child), [{}])
        set_setting(s, "region", "wales")
        s.execute(text("UPDATE child SET dob = NULL"))
    tx.session.merge(row)
    self.session.flush()
    conn.exec_driver_sql("DROP TABLE child")
"""
    found = writes_in(planted)
    # The import of insert, each session write, set_setting, and both pieces of raw SQL.
    assert sorted({int(f.split(":")[0]) for f in found}) == [2, 7, 8, 10, 11, 12, 13, 14]
    assert len(found) == 8, found
    harmless = """
from sqlalchemy import select

def read(db, rows, seen):
    with db.session() as s:
        rows.update(s.execute(select(Child)).all())
    seen.add(3)
    items.insert(0, "x")
    text("SELECT 1")
"""
    assert writes_in(harmless) == []


def test_the_allowed_places_do_write() -> None:
    """The scan is not vacuous: the actions and storage are where the writes are."""
    allowed = [p for p in _modules() if p.relative_to(ROOT).as_posix().startswith(ALLOWED)]
    assert sum(len(writes_in(p.read_text(encoding="utf-8"))) for p in allowed) > 20
