"""Optimistic locking: a second person saving stale data is refused and told who got there first.

Every `Tracked` row has a ``version`` that SQLAlchemy checks on UPDATE and DELETE. When the
check fails, `conflict_message` reads the row's current ``updated_by`` / ``updated_at`` through
a fresh connection and says who changed it and when.

Waiting for a lock (PostgreSQL): a login that may change a table may also ``LOCK TABLE`` it,
and PostgreSQL cannot take that right away on its own, so an IRO's open transaction holding
one would hold up everyone reading it. reviewdesk's connections wait at most
``lock_timeout`` (`LOCK_TIMEOUT_MS`) for a lock; a statement that gives up is `Locked`,
whose message names the table and whose session holds it (`lock_holders`, read through a
fresh connection), and `reviewdesk server status` names a session holding such a lock for
long. Taking turns to upgrade (`wait_for_turn`) waits as long as it takes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, inspect, select, text

from reviewdesk.errors import ReviewdeskError
from reviewdesk.vocabulary import format_uk

#: PostgreSQL: the longest one of reviewdesk's statements waits for a lock another session
#: holds (``lock_timeout``) before it gives up with `Locked`, unless the server or the URL
#: sets another (``ALTER DATABASE ... SET lock_timeout``, ``options=-c
#: lock_timeout=...``). Not a setting of reviewdesk's: the settings are in the database,
#: read after the connection is made, and a lock can hold up reading them.
LOCK_TIMEOUT_MS = 15_000

#: What a person calls each kind of record.
RECORD_NOUNS: dict[str, str] = {
    "meeting": "meeting",
    "child": "child's record",
    "period_of_care": "period of care",
    "episode": "episode",
    "cp_enquiry": "child protection enquiry",
    "cp_plan": "child protection plan",
    "staff": "staff record",
    "team": "team",
    "venue": "venue",
    "room": "room",
    "app_user": "user",
    "setting": "setting",
    "rule_override": "council rule",
    "closure_day": "closure day",
    "late_reason": "late reason",
    "report": "report",
    "invitee": "invitee",
    "escalation_theme": "challenge theme",
    "escalation": "challenge",
    "escalation_stage": "escalation stage",
    "iro_contact": "IRO contact",
    "child_voice": "record of the child's views",
    "person": "family member's record",
    "professional": "directory entry",
    "child_professional": "professional's link to the child",
    "meeting_request": "meeting request",
    "report_file": "report's file",
    "pack_delivery": "record of a pack sent",
    "allocation": "allocation",
    "meeting_reason": "reason",
}


class ConcurrentChange(ReviewdeskError):
    """Someone else saved the same record after it was opened; nothing was saved."""


def local_time(moment: dt.datetime) -> dt.datetime:
    """A stored UTC moment as UK wall-clock time (the councils' time zone)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    try:
        return moment.astimezone(ZoneInfo("Europe/London"))
    except Exception:  # noqa: BLE001 - no time zone data: fall back to the machine's zone
        return moment.astimezone()


def describe_change(noun: str, updated_by: str | None, updated_at: dt.datetime | None) -> str:
    who = updated_by or "someone else"
    if updated_at is None:
        when = ""
    else:
        t = local_time(updated_at)
        when = f" at {t:%H:%M} on {format_uk(t)}"
    return (
        f"This {noun} was changed by {who}{when} after you opened it; reopen it to see their "
        "changes. Nothing was saved."
    )


def describe_deleted(noun: str) -> str:
    return f"This {noun} was deleted by someone else after you opened it. Nothing was saved."


def opened_version(obj: Any) -> int | None:
    """The version a record had when it was loaded (what the UPDATE will check against)."""
    state = inspect(obj)
    history = state.attrs.version.history
    if history.deleted:
        return history.deleted[0]
    return state.dict.get("version")


def conflict_message(engine: Engine, candidates: list[tuple[type, Any, int | None]]) -> str:
    """The message for the first candidate whose stored version differs from the opened one.

    ``candidates`` are (model class, primary key, opened version) of records being saved.
    """
    with engine.connect() as conn:
        for cls, pk, version in candidates:
            table = cls.__table__
            pk_col = next(iter(table.primary_key.columns))
            row = conn.execute(
                select(table.c.version, table.c.updated_by, table.c.updated_at).where(pk_col == pk)
            ).first()
            noun = RECORD_NOUNS.get(table.name, "record")
            if row is None:
                return describe_deleted(noun)
            if version is None or row.version != version:
                return describe_change(noun, row.updated_by, row.updated_at)
    return (
        "Someone else changed this record after you opened it; reopen it to see their "
        "changes. Nothing was saved."
    )


def ensure_unchanged(obj: Any, opened_version: int) -> None:
    """For forms that keep only a record's id and version: refuse to save over a newer one.

    Load the record in the saving session, call this, then apply the form's values; the
    version check at flush catches anyone who saves in between.
    """
    if obj.version != opened_version:
        noun = RECORD_NOUNS.get(type(obj).__tablename__, "record")
        raise ConcurrentChange(describe_change(noun, obj.updated_by, obj.updated_at))


# --- waiting for another session's lock (PostgreSQL) ---------------------------------------

#: PostgreSQL's SQLSTATE lock_not_available: a statement gave up waiting for a lock
#: (``lock_timeout`` passed).
LOCK_NOT_AVAILABLE = "55P03"
#: Table lock modes no statement of reviewdesk's holds for more than a moment: another
#: session holding one is someone's ``LOCK TABLE`` (or a schema change under way), and it
#: holds up everyone writing the table (ACCESS EXCLUSIVE: everyone reading it too).
STRONG_MODES = ("ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock")
#: Modes a session changing rows holds: with ``table`` named, its holders may hold up a
#: change of the same rows.
ROW_MODES = ("RowExclusiveLock", "RowShareLock")


class Locked(ReviewdeskError):
    """A statement gave up waiting for a lock another session holds (PostgreSQL's
    ``lock_timeout``); its transaction was rolled back. The message names the table and who
    holds it, when the server shows that."""


@dataclass(frozen=True)
class LockHolder:
    """Another session's lock on one of reviewdesk's tables (`lock_holders`)."""

    table: str
    login: str | None
    pid: int
    mode: str  # as pg_locks names it: "AccessExclusiveLock"
    #: How long its transaction has been open, in seconds; None when the server does not
    #: show it to this login (another login's session, without pg_read_all_stats).
    held_for: float | None = None

    @property
    def mode_words(self) -> str:
        """The mode as ``LOCK TABLE`` takes it: "ACCESS EXCLUSIVE"."""
        return " ".join(re.findall(r"[A-Z][a-z]+", self.mode.removesuffix("Lock"))).upper()

    @property
    def who(self) -> str:
        login = f"the PostgreSQL login {self.login}" if self.login else "a PostgreSQL login"
        return f"{login}, process {self.pid}"


def is_lock_wait(exc: BaseException) -> bool:
    """Whether ``exc`` (a driver's error, or SQLAlchemy's wrapping one) is PostgreSQL's
    lock_not_available: a statement that gave up waiting for a lock."""
    inner = getattr(exc, "orig", None) or exc
    return getattr(inner, "sqlstate", None) == LOCK_NOT_AVAILABLE


def waited_for_table(exc: BaseException) -> str | None:
    """The table a statement waited for a row of ("while updating tuple (0,1) in relation
    "meeting""), when PostgreSQL says; None for a wait for a whole table, which it does not
    name."""
    inner = getattr(exc, "orig", None) or exc
    context = getattr(getattr(inner, "diag", None), "context", None) or ""
    found = re.search(r'in relation "((?:[^"]|"")+)"', context)
    return found.group(1).replace('""', '"') if found else None


_HOLDERS = text(
    "SELECT c.relname, a.usename, l.pid, l.mode, "
    "  extract(epoch FROM clock_timestamp() - a.xact_start) "
    "FROM pg_locks l "
    "JOIN pg_class c ON c.oid = l.relation "
    "LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.locktype = 'relation' AND l.granted AND l.pid <> pg_backend_pid() "
    "AND l.pid <> ALL(CAST(:mine AS integer[])) "
    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
    "AND c.relnamespace = current_schema()::regnamespace "
    "AND (l.mode = ANY(CAST(:strong AS text[])) "
    "  OR (c.relname = :table AND l.mode = ANY(CAST(:rows AS text[])))) "
    "ORDER BY c.relname, l.pid, l.mode"
)


def lock_holders(
    conn: Connection, table: str | None = None, *, besides: Sequence[int] = ()
) -> list[LockHolder]:
    """Other sessions' locks on the tables of reviewdesk's schema (the connection's) that
    hold others up: every lock of a `STRONG_MODES` mode, and on ``table`` a changing
    session's too (`ROW_MODES`: its uncommitted changes hold up a change of the same
    rows). Not this connection's, nor the sessions whose process ids are in ``besides``.
    Every login may read this (pg_locks; the login of each session in pg_stat_activity)."""
    rows = conn.execute(
        _HOLDERS,
        {
            "mine": list(besides),
            "strong": list(STRONG_MODES),
            "rows": list(ROW_MODES),
            "table": table or "",
        },
    ).all()
    return [
        LockHolder(name, login, pid, mode, None if held is None else float(held))
        for name, login, pid, mode, held in rows
    ]


def seconds_words(ms: int) -> str:
    """A wait in milliseconds as people say it: 15 seconds, 0.3 seconds."""
    amount = f"{ms / 1000:.3f}".rstrip("0").rstrip(".")
    return f"{amount} second{'' if amount == '1' else 's'}"


def _listed(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def locked_message(
    holders: Sequence[LockHolder], waited_ms: int | None = None, table: str | None = None
) -> str:
    """What a person is told when reviewdesk gave up waiting for a lock: the table, whose
    session holds it (``holders``, as `lock_holders` found them), how long it waited."""
    tables = list(dict.fromkeys(h.table for h in holders)) or ([table] if table else [])
    if not tables:
        what = "A table reviewdesk needed"
    else:
        what = f"The table{'s' if len(tables) > 1 else ''} {_listed(tables)}"
    sessions = list(dict.fromkeys(h.who for h in holders))
    if not sessions:
        who = "another session (the server's pg_locks shows whose)"
        end = "ask an administrator"
    elif len(sessions) == 1:
        who = f"another session ({sessions[0]})"
        end = "ask an administrator to end that session"
    else:
        who = f"other sessions ({'; '.join(sessions)})"
        end = "ask an administrator to end those sessions"
    is_are = "are" if len(tables) > 1 else "is"
    waited = f" after {seconds_words(waited_ms)}" if waited_ms else ""
    return (
        f"{what} {is_are} locked by {who}, so reviewdesk stopped waiting for it{waited}. "
        f"Try again in a moment; if it stays locked, {end}."
    )


def held_up(
    engine: Engine | None,
    exc: BaseException,
    *,
    besides: Sequence[int] = (),
    waited_ms: int | None = None,
) -> str:
    """`locked_message` for ``exc``, a statement that gave up waiting for a lock after
    ``waited_ms`` on a connection of ``engine`` (whose process id is in ``besides``): who
    holds what, read through a fresh connection. Without one (or should it fail) the
    message says less."""
    table = waited_for_table(exc)
    holders: list[LockHolder] = []
    if engine is not None:
        try:
            with engine.connect() as conn:
                holders = lock_holders(conn, table, besides=besides)
        except Exception:  # noqa: BLE001 - whose lock it is helps; the message stands without
            holders = []
    return locked_message(holders, waited_ms, table)


def long_held_locks(conn: Connection, longer_than: float) -> list[LockHolder]:
    """`STRONG_MODES` locks other sessions hold on reviewdesk's tables, whose transaction
    has been open more than ``longer_than`` seconds, or for a time the server does not show
    this login (then they are listed too)."""
    return [h for h in lock_holders(conn) if h.held_for is None or h.held_for > longer_than]


def waiting_for(conn: Connection, pid: int) -> int:
    """How many sessions are waiting for a lock the session ``pid`` holds."""
    return int(
        conn.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE :p = ANY(pg_blocking_pids(pid))"),
            {"p": pid},
        ).scalar()
        or 0
    )


def wait_for_turn(conn: Connection, key: int, *, transaction: bool = False) -> None:
    """PostgreSQL: take the advisory lock ``key`` (``transaction``: until the transaction
    ends; otherwise until unlocked), waiting as long as it takes. Such a lock is how two
    people starting an upgrade, or two owners running ``server init``, take turns: the
    second waits for the first to finish, however long it takes, rather than giving up
    after the connection's ``lock_timeout`` (which is for a table someone has locked).
    The connection's own limit is put back once the lock is had."""
    before = conn.execute(text("SELECT pg_catalog.current_setting('lock_timeout')")).scalar()
    local = transaction  # a session-wide change would outlive the transaction's lock
    conn.execute(text("SELECT pg_catalog.set_config('lock_timeout', '0', :l)"), {"l": local})
    function = "pg_advisory_xact_lock" if transaction else "pg_advisory_lock"
    conn.execute(text(f"SELECT pg_catalog.{function}(:k)"), {"k": key})
    conn.execute(
        text("SELECT pg_catalog.set_config('lock_timeout', :v, :l)"), {"v": before, "l": local}
    )
