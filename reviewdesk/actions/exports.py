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
from reviewdesk.vocabulary import week_start


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
    if not what.strip():
        raise InvalidInput("what: say what left the system")
    with door(db, actor, "record_export") as tx:
        entry = export_entry(what, destination=destination, children=children, detail=detail)
        record_audit(tx.session, [entry])
        count = entry.after["children"] if entry.after else None
        return tx.changes(result=ExportRecord(what.strip(), os.fspath(destination), count))


def export_entry(
    what: str,
    *,
    destination: str | os.PathLike[str],
    children: int | Collection[int] | None,
    detail: dict | None = None,
    record_id: str = "*",
    child_id: int | None = None,
) -> AuditRecord:
    """The audit entry saying data left the system, for an action that sends something as
    part of its own change (a meeting request, letters) to write in its transaction."""
    count = children if isinstance(children, int) or children is None else len(set(children))
    return AuditRecord(
        "export",
        what.strip()[:50],
        record_id,
        after={
            "what": what.strip(),
            "destination": os.fspath(destination),
            "children": count,
            **(detail or {}),
        },
        child_id=child_id,
    )


def document_children(session: Session, kind: str, **options: object) -> int | None:
    """How many children's records a printed document holds: a week's meetings (weekly
    schedule, packs), one meeting's child (a pack), the children in the caseloads listed (the
    workload list: every IRO's, or the one IRO's named by ``iro``, a staff id or part of a
    name as the document takes it), the children whose reports are to chase (the chase
    list), the children whose challenges an oversight report lists; None for figures only
    (timeliness)."""
    from reviewdesk import queries
    from reviewdesk.caseload import caseloads

    if kind in ("weekly", "packs"):
        week = options["week"]
        assert isinstance(week, dt.date)
        monday = week_start(week)
        entries = queries.diary_entries(session, monday, monday + dt.timedelta(days=6))
        return len({e.child_id for e in entries})
    if kind == "pack":
        return 1
    if kind == "chase":  # the children whose reports are listed
        from reviewdesk.invitations.chase import chase_rows
        from reviewdesk.settings import get_setting, working_context

        day = options.get("as_of")
        as_of = day if isinstance(day, dt.date) else dt.date.today()
        rules, calendar = working_context(session)
        within = int(get_setting(session, "chase_working_days"))
        rows = chase_rows(session, as_of=as_of, within=within, rules=rules, calendar=calendar)
        return len({r.child_id for r in rows})
    if kind == "workload":
        as_of = options.get("as_of")
        loads = list(
            caseloads(
                session, as_of=as_of if isinstance(as_of, dt.date) else dt.date.today()
            ).values()
        )
        iro = options.get("iro")
        if iro:
            text = str(iro).casefold()
            loads = [c for c in loads if str(c.staff_id) == text or text in c.name.casefold()]
        return len(frozenset().union(*(c.child_ids for c in loads)))
    if kind == "oversight":  # the children whose challenges are listed
        from reviewdesk.oversight.figures import oversight_summary

        start, end, as_of = options["start"], options["end"], options.get("as_of")
        assert isinstance(start, dt.date) and isinstance(end, dt.date)
        summary = oversight_summary(
            session,
            start=start,
            end=end,
            as_of=as_of if isinstance(as_of, dt.date) else dt.date.today(),
        )
        return len(summary.child_ids)
    return None


__all__ = ["ExportRecord", "document_children", "export_entry", "record_export"]
