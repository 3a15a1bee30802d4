"""The demo authority (administrators only): fill an empty database, or with ``replace``
delete every case, staff member and venue first. One transaction; one audit entry with what
was made (the rows are generated, not typed, so they are not audited one by one)."""

from __future__ import annotations

import datetime as dt
import time
from random import Random

from sqlalchemy import bindparam, delete, func, select, text, update
from sqlalchemy.orm import Session

from reviewdesk.actions.base import Actor, Changes, Permission, action, door
from reviewdesk.codes import DEFAULT_LATE_REASONS
from reviewdesk.demo import (
    CASE_TABLES,
    DEMO_ADMINISTRATOR,
    ORG_TABLES,
    TABLE_ORDER,
    DatabaseNotEmpty,
    DemoSummary,
    check_request,
    closure_days,
    generate_cases_into,
    organisation,
)
from reviewdesk.demo.generator import Progress
from reviewdesk.demo.people import PeopleRows, people_for
from reviewdesk.settings import get_setting, working_context
from reviewdesk.storage.audit import AuditRecord, record_audit, row_audit_suppressed
from reviewdesk.storage.bulk import BulkInserter
from reviewdesk.storage.db import Database
from reviewdesk.storage.fastinsert import insert_rows
from reviewdesk.storage.models import Base, Child, ClosureDay, LateReason, Team, User
from reviewdesk.workingdays import bank_holidays

_TABLES = Base.metadata.tables


@action("create_demo", "create the demo authority", Permission.BACKUP_RESTORE)
def create_demo(
    db: Database,
    actor: Actor,
    *,
    children: int | None = None,
    seed: int = 1,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
    replace: bool = False,
) -> Changes:
    """Fill ``db`` with a synthetic authority whose open cases number about ``children``.

    ``as_of`` is the day the history runs up to (required: the same arguments always give
    the same rows). Refuses (`DatabaseNotEmpty`) when there are children already, unless
    ``replace``. On any error nothing is written. The result is the `DemoSummary`.
    """
    total = check_request(children, as_of)
    assert as_of is not None
    started = time.perf_counter()
    rng = Random(seed)
    summary = DemoSummary(seed=seed, as_of=as_of, target_open_cases=total)
    with door(db, actor, "create_demo") as tx, row_audit_suppressed(tx.session):
        session = tx.session
        if db.is_sqlite:
            # A bigger page cache for this one large transaction (this connection only).
            session.execute(text("PRAGMA cache_size=-262144"))
        existing = session.scalar(select(func.count()).select_from(Child)) or 0
        if existing and not replace:
            raise DatabaseNotEmpty(
                f"the database already holds {existing:,} children; the demo is only for an "
                "empty database (use --replace to delete them and start again)"
            )
        writer = BulkInserter(session, _TABLES, TABLE_ORDER)
        if replace:
            _empty(session)
        if progress:
            progress("Organisation", 0.0)
        holidays_of_region = bank_holidays(get_setting(session, "region"))
        known = set(session.scalars(select(ClosureDay.day)))
        new_closures = [
            {"day": d, "description": words}
            for d, words in closure_days(as_of, holidays_of_region.__contains__)
            if d not in known
        ]
        writer.insert_now(ClosureDay.__table__, new_closures)  # type: ignore[arg-type]
        rules, calendar = working_context(session)
        late_reasons = _late_reasons(session, writer)
        next_id = {
            table: (session.scalar(select(func.max(_TABLES[table].c.id))) or 0) + 1
            for table in (*CASE_TABLES, *ORG_TABLES, "app_user")
        }
        usernames = set(session.scalars(select(User.username)))
        org = organisation(rng, total, next_id, usernames, tx.actor.username)
        _insert_organisation(session, writer, org.rows)
        generator = generate_cases_into(
            writer,
            rng=rng,
            total=total,
            as_of=as_of,
            rules=rules,
            calendar=calendar,
            org=org,
            late_reasons=late_reasons,
            next_id=next_id,
            summary=summary,
            progress=progress,
        )
        people = people_for(session, rng=rng, as_of=as_of, next_id=next_id)
        _add_people(session, people)
        if not db.is_sqlite:
            _advance_sequences(session, (*CASE_TABLES, *ORG_TABLES, "app_user", "late_reason"))
        summary.iros = len(org.iros)
        summary.iro_fte = round(sum(org.iro_fte), 2)
        summary.conferences_by_type = dict(sorted(generator.conference_counts.items()))
        summary.rows = {
            **{name: len(rows) for name, rows in org.rows.items()},
            **dict(writer.counts),
            **people.counts(),
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
                    before={"replaced": existing} if replace else None,
                    after=summary.to_dict(),
                )
            ],
        )
        if progress:
            progress("Saving", 1.0)
    summary.seconds = time.perf_counter() - started
    return Changes(everything=True, result=summary)


def _add_people(session: Session, people: PeopleRows) -> None:
    """The demo's people and directory (`reviewdesk.demo.people`): their rows, then the
    links from the invitations and reports of the meetings booked ahead."""
    connection = session.connection()
    for name in ("professional", "person", "child_professional"):
        insert_rows(connection, _TABLES[name], people.rows[name])
    invitee, report = _TABLES["invitee"], _TABLES["report"]
    if people.invitee_links:
        session.execute(
            update(invitee)
            .where(invitee.c.id == bindparam("iid"))
            .values(
                name=bindparam("name"),
                person_id=bindparam("person_id"),
                professional_id=bindparam("professional_id"),
                email=bindparam("email"),
            ),
            people.invitee_links,
        )
    for link in people.report_links:
        values = {"professional_id": link["professional_id"], "staff_id": link["staff_id"]}
        if link["author"]:
            values["author"] = link["author"]
        if link["received"]:
            values["received"] = link["received"]
        session.execute(update(report).where(report.c.id == link["rid"]).values(**values))
    insert_rows(connection, _TABLES["report_file"], people.rows["report_file"])


def _late_reasons(session: Session, writer: BulkInserter) -> dict[str, int]:
    """The late reasons by text, adding any of the standard reasons not yet there."""
    have = {row.text: row.id for row in session.execute(select(LateReason.id, LateReason.text))}
    missing = [words for words in DEFAULT_LATE_REASONS if words not in have]
    if missing:
        start = (session.scalar(select(func.max(LateReason.id))) or 0) + 1
        rows = [{"id": start + i, "text": words, "active": True} for i, words in enumerate(missing)]
        writer.insert_now(LateReason.__table__, rows)  # type: ignore[arg-type]
        have.update({row["text"]: row["id"] for row in rows})
    return have


def _insert_organisation(
    session: Session, writer: BulkInserter, rows: dict[str, list[dict]]
) -> None:
    """Teams go in before their staff and get their managers after (the two refer to each
    other)."""
    managers = [{"tid": r["id"], "mid": r["manager_id"]} for r in rows["team"]]
    for name in ("locality", "team", "staff", "venue", "room", "app_user"):
        batch = rows[name]
        if name == "team":
            batch = [{**r, "manager_id": None} for r in batch]
        writer.insert_now(_TABLES[name], batch)
    if managers:
        team = Team.__table__
        session.execute(
            update(team).where(team.c.id == bindparam("tid")).values(manager_id=bindparam("mid")),
            managers,
        )


def _empty(session: Session) -> None:
    """Remove every case, staff member, team and venue (for ``replace``), and the users the
    demo made (those linked to staff, and the "admin" of older demos)."""
    for name in CASE_TABLES:
        session.execute(delete(_TABLES[name]))
    users = User.__table__
    session.execute(
        delete(users).where(
            users.c.staff_id.is_not(None) | (users.c.display_name == DEMO_ADMINISTRATOR)
        )
    )
    session.execute(update(Team.__table__).values(manager_id=None))
    for name in ("staff", "team", "locality", "room", "venue"):
        session.execute(delete(_TABLES[name]))


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


__all__ = ["create_demo"]
