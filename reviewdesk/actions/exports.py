"""Data leaving the system: exports, printed and saved documents, rules files.

Each records itself in the audit trail with `record_export`: who, when, what, where it went
and how many children's records it held. Anyone who may read may export (the entry is the
record of a read), so the action needs only the READ permission. `document_children` counts
the children a printed document holds, for the entry.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy.orm import Session

from reviewdesk.actions.base import Actor, Changes, Permission, action, door
from reviewdesk.errors import InvalidInput
from reviewdesk.storage.audit import AuditRecord, record_audit
from reviewdesk.storage.db import Database


@dataclass(frozen=True)
class ExportRecord:
    """What left the system: a file written, a document printed or saved."""

    what: str  # "case list", "schedule", "measures", "weekly schedule", "pack", ...
    destination: str  # a file, or "printer"
    children: int | None  # how many children's records it holds; None for figures only


@action("record_export", "record data leaving reviewdesk", Permission.READ)
def record_export(
    db: Database,
    actor: Actor,
    what: str,
    *,
    destination: str | os.PathLike[str],
    children: int | Collection[int] | None,
    detail: dict | None = None,
) -> Changes:
    """Record that data left the system (an export, a printed or saved document): who, when,
    what, where, and how many children's records (ids given are counted, not stored)."""
    count = children if isinstance(children, int) or children is None else len(set(children))
    if not what.strip():
        raise InvalidInput("what: say what left the system")
    with door(db, actor, "record_export") as tx:
        record_audit(
            tx.session,
            [
                AuditRecord(
                    "export",
                    what.strip()[:50],
                    "*",
                    after={
                        "what": what.strip(),
                        "destination": os.fspath(destination),
                        "children": count,
                        **(detail or {}),
                    },
                )
            ],
        )
        return tx.changes(result=ExportRecord(what.strip(), os.fspath(destination), count))


def document_children(session: Session, kind: str, **options: object) -> int | None:
    """How many children's records a printed document holds: a week's meetings (weekly
    schedule, packs), one meeting's child (a pack), every open case (the workload list);
    None for figures only (timeliness)."""
    from reviewdesk import queries

    if kind in ("weekly", "packs"):
        week = options["week"]
        assert isinstance(week, dt.date)
        monday = week - dt.timedelta(days=week.weekday())
        entries = queries.diary_entries(session, monday, monday + dt.timedelta(days=6))
        return len({e.child_id for e in entries})
    if kind == "pack":
        return 1
    if kind == "workload":
        as_of = options.get("as_of")
        rows = queries.caseloads(session, as_of=as_of if isinstance(as_of, dt.date) else None)
        iro = options.get("iro")
        if iro:  # one IRO's list: a staff id or (part of) a name, as the document takes it
            text = str(iro).casefold()
            rows = [r for r in rows if str(r.staff_id) == text or text in r.name.casefold()]
        return sum(r.children for r in rows)
    return None


__all__ = ["ExportRecord", "document_children", "record_export"]
