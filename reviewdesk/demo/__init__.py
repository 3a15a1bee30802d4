"""A synthetic authority to try reviewdesk with: `generate_demo(db, ...)`.

The demo is like the authority described in docs/domain.md ("A realistic authority"): about 480
children looked after and 420 on child protection plans by default, 11 IROs (9.8 FTE), three
years of history held on the statutory timetable, bookings for the weeks ahead, a few late
meetings with real reasons, and names with accents. The same seed and as-of date always give
the same rows.
"""

from __future__ import annotations

import datetime as dt
import time
from random import Random

from sqlalchemy import bindparam, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from reviewdesk.codes import DEFAULT_LATE_REASONS
from reviewdesk.demo.generator import (
    CaseGenerator,
    DemoSummary,
    Progress,
    _Writer,
    generate_cases,
    split_targets,
)
from reviewdesk.demo.organisation import (
    DEFAULT_CHILDREN,
    DEMO_ADMINISTRATOR,
    build_organisation,
    closure_days,
)
from reviewdesk.demo.timing import Timescales
from reviewdesk.errors import InvalidInput, ReviewdeskError
from reviewdesk.settings import get_setting, working_context
from reviewdesk.storage.audit import AuditRecord, record_audit, row_audit_suppressed
from reviewdesk.storage.db import Database
from reviewdesk.storage.models import (
    Base,
    Child,
    ClosureDay,
    LateReason,
    Staff,
    Team,
    User,
)
from reviewdesk.workingdays import bank_holidays

AppUserTable = User.__table__

__all__ = ["DEFAULT_CHILDREN", "DemoSummary", "DatabaseNotEmpty", "generate_demo"]

MAX_CHILDREN = 250_000

#: Tables the demo fills, children first; ``replace`` empties them in the reverse order.
_CASE_TABLES = (
    "report",
    "invitee",
    "meeting_part",
    "meeting",
    "cp_plan",
    "cp_enquiry",
    "episode",
    "period_of_care",
    "child",
)
_ORG_TABLES = ("room", "venue", "staff", "team", "locality")


class DatabaseNotEmpty(ReviewdeskError):
    """The database already holds children; the demo would mix with real records."""


def generate_demo(
    db: Database,
    *,
    children: int | None = None,
    seed: int = 1,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
    replace: bool = False,
) -> DemoSummary:
    """Fill ``db`` with a synthetic authority whose open cases number about ``children``.

    ``as_of`` is the day the demo's history runs up to (the caller passes today); it is
    required, so the same arguments always give the same rows. ``progress(stage, fraction)``
    is called now and then. Refuses (DatabaseNotEmpty) when there are children already,
    unless ``replace``, which first removes every child, case, staff member and venue.
    Everything is one transaction: on any error nothing is written.
    """
    if as_of is None:
        raise InvalidInput("as_of: the demo needs the date its history runs up to")
    total = DEFAULT_CHILDREN if children is None else children
    if not 1 <= total <= MAX_CHILDREN:
        raise InvalidInput(f"children: {total} is not a number from 1 to {MAX_CHILDREN:,}")
    started = time.perf_counter()
    scale = total / DEFAULT_CHILDREN
    rng = Random(seed)
    summary = DemoSummary(seed=seed, as_of=as_of, target_open_cases=total)
    with db.session() as session, row_audit_suppressed(session):
        if db.is_sqlite:
            # A bigger page cache for this one large transaction (this connection only).
            session.execute(text("PRAGMA cache_size=-262144"))
        existing = session.scalar(select(func.count()).select_from(Child)) or 0
        if existing and not replace:
            raise DatabaseNotEmpty(
                f"the database already holds {existing:,} children; the demo is only for an "
                "empty database (use --replace to delete them and start again)"
            )
        if replace:
            _empty(session)
        if progress:
            progress("Organisation", 0.0)
        region = get_setting(session, "region")
        holidays_of_region = bank_holidays(region)
        known = set(session.scalars(select(ClosureDay.day)))
        new_closures = [
            {"day": d, "description": text}
            for d, text in closure_days(as_of, holidays_of_region.__contains__)
            if d not in known
        ]
        if new_closures:
            session.execute(insert(ClosureDay.__table__), new_closures)
        rules, calendar = working_context(session)
        late_reasons = _late_reasons(session)
        next_id = {
            table: (session.scalar(select(func.max(Base.metadata.tables[table].c.id))) or 0) + 1
            for table in (*_CASE_TABLES, *_ORG_TABLES, "app_user")
        }
        usernames = set(session.scalars(select(AppUserTable.c.username)))
        # Whoever makes the demo stays an administrator once the demo's users exist.
        runner = session.info.get("username") or db.username
        org = build_organisation(rng, scale, next_id, usernames, runner=runner)
        _insert_organisation(session, org.rows)

        writer = _Writer(session)
        generator = CaseGenerator(
            rng=rng,
            as_of=as_of,
            scale=scale,
            timescales=Timescales(rules, calendar),
            org=org,
            late_reasons=late_reasons,
            next_id=next_id,
            writer=writer,
            summary=summary,
        )
        open_lac, open_cp = split_targets(total)
        generate_cases(generator, open_lac, open_cp, progress)
        writer.flush()

        if not db.is_sqlite:
            _advance_sequences(session, (*_CASE_TABLES, *_ORG_TABLES, "app_user", "late_reason"))
        summary.iros = len(org.iros)
        summary.iro_fte = round(sum(org.iro_fte), 2)
        summary.conferences_by_type = dict(sorted(generator.conference_counts.items()))
        summary.rows = {
            **{name: len(rows) for name, rows in org.rows.items()},
            **dict(writer.counts),
            "closure_day": len(new_closures),
        }
        summary.seconds = time.perf_counter() - started
        record_audit(
            session,
            [
                AuditRecord(
                    action="create",
                    table_name="demo",
                    record_id=f"seed {seed}",
                    before={"replaced": True} if replace else None,
                    after=summary.to_dict(),
                )
            ],
        )
        if progress:
            progress("Saving", 1.0)
    summary.seconds = time.perf_counter() - started
    return summary


def _late_reasons(session: Session) -> dict[str, int]:
    """The late reasons by text, adding any of the standard reasons not yet there."""
    have = {row.text: row.id for row in session.execute(select(LateReason.id, LateReason.text))}
    missing = [text for text in DEFAULT_LATE_REASONS if text not in have]
    if missing:
        start = (session.scalar(select(func.max(LateReason.id))) or 0) + 1
        rows = [{"id": start + i, "text": text, "active": True} for i, text in enumerate(missing)]
        session.execute(insert(LateReason.__table__), rows)
        have.update({row["text"]: row["id"] for row in rows})
    return have


def _insert_organisation(session: Session, rows: dict[str, list[dict]]) -> None:
    """Teams go in before their staff and get their managers after (the two refer to each
    other)."""
    tables = Base.metadata.tables
    managers = [{"tid": r["id"], "mid": r["manager_id"]} for r in rows["team"]]
    for name in ("locality", "team", "staff", "venue", "room", "app_user"):
        batch = rows[name]
        if name == "team":
            batch = [{**r, "manager_id": None} for r in batch]
        if batch:
            session.execute(insert(tables[name]), batch)
    if managers:
        team = Team.__table__
        session.execute(
            update(team).where(team.c.id == bindparam("tid")).values(manager_id=bindparam("mid")),
            managers,
        )


def _empty(session: Session) -> None:
    """Remove every case, staff member, team and venue (for ``replace``)."""
    tables = Base.metadata.tables
    for name in _CASE_TABLES:
        session.execute(delete(tables[name]))
    session.execute(
        delete(AppUserTable).where(
            AppUserTable.c.staff_id.is_not(None)
            | (AppUserTable.c.display_name == DEMO_ADMINISTRATOR)
        )
    )
    session.execute(update(Team.__table__).values(manager_id=None))
    session.execute(delete(Staff.__table__))
    for name in ("team", "locality", "room", "venue"):
        session.execute(delete(tables[name]))


def _advance_sequences(session: Session, tables: tuple[str, ...]) -> None:
    """PostgreSQL: move each id sequence past the ids assigned here, so that rows added
    later by the app do not collide with the demo's."""
    for name in tables:
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
            )
        )
