"""What each table of the schema is to the server, read from the database's own catalogue,
so that a table added by any migration is covered without naming it here.

- The audit trail (``audit_log``): append-only; written by the database's triggers.
- reviewdesk's bookkeeping (``alembic_version``, ``reviewdesk_server``,
  ``reviewdesk_protection``): read by everyone, changed by the owner only.
- The change signal (``change_signal``) and its feed (``change_feed``): read by everyone,
  written by no login; only the owner's trigger on the audit trail writes them
  (`reviewdesk.storage.signal`). They have no audit trigger of their own: they echo the
  trail, and auditing them would bump the signal again. A login reads the feed's rows of the
  children it may read (and of children deleted), never of a child hidden from it.
- Everything else is data: read by every group, changed by administrators, every change
  audited by a trigger. IROs change only what `IRO_WRITES` lists, in the rows of meetings
  they chair or of children they are allocated (row-level security).

Each data table's audit entries name the child the record belongs to (`child_path`): its
own ``child_id`` column, or the child reached through its foreign keys (an episode through
its period of care, a report's file through the report and its meeting).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from sqlalchemy import Connection, text

from reviewdesk.storage.server.logins import CONFIG_TABLE, PROTECTION_TABLE
from reviewdesk.storage.server.names import literal
from reviewdesk.vocabulary import LIVE_STATUSES

AUDIT_TABLE = "audit_log"
SIGNAL_TABLE = "change_signal"
FEED_TABLE = "change_feed"
#: The trigger on the audit trail that bumps the signal (created by migration 0011).
SIGNAL_TRIGGER = "reviewdesk_change_signal"
#: Tables only the owner changes (migrations, `reviewdesk server init`, `apply`'s record),
#: readable by all.
BOOKKEEPING_TABLES = frozenset({"alembic_version", CONFIG_TABLE, PROTECTION_TABLE})
#: Columns every edited record carries (`storage.models.Tracked`): stamped by the database.
TRACKING_COLUMNS = ("version", "updated_by", "updated_at")
#: How far foreign keys are followed to find a record's child.
CHILD_HOPS = 3

#: "This row belongs to a meeting the IRO chairs", for tables with a ``meeting_id``.
OF_A_MEETING_THEY_CHAIR = (
    "meeting_id IN (SELECT m.id FROM {schema}.meeting m WHERE m.chair_id = {me})"
)
_LIVE = "(" + ", ".join(literal(status) for status in sorted(LIVE_STATUSES)) + ")"
#: "This row belongs to a live meeting the IRO chairs" (booked, held or adjourned).
OF_A_LIVE_MEETING_THEY_CHAIR = (
    "meeting_id IN (SELECT m.id FROM {schema}.meeting m "
    f"WHERE m.chair_id = {{me}} AND m.status IN {_LIVE})"
)
#: "This row is a report's file, of a meeting the IRO chairs", for tables with a
#: ``report_id``.
OF_A_REPORT_OF_A_MEETING_THEY_CHAIR = (
    "report_id IN (SELECT r.id FROM {schema}.report r JOIN {schema}.meeting m "
    "ON m.id = r.meeting_id WHERE m.chair_id = {me})"
)


#: "The IRO chairs a live meeting of the child" (``{child}``: a qualified column).
_CHAIRS_A_LIVE_MEETING_OF = (
    "EXISTS (SELECT 1 FROM {{schema}}.meeting m WHERE m.child_id = {child} "
    f"AND m.chair_id = {{{{me}}}} AND m.status IN {_LIVE})"
)


def a_child_of_theirs(child: str) -> str:
    """ "The child whose id is ``child`` (a column, qualified by its table: in a subquery an
    unqualified name would be the subquery's own) is the IRO's": the core's rule
    (`reviewdesk.actions.oversight`: allocated to the child as the IRO of a period of care
    or the chair of a CP plan, or chairing one of its live meetings) with no date.

    Row-level security has no as-of date: the core asks whether the allocation is open on
    the day the action is given, which may be an earlier day than the server's. So the
    database lets an IRO write for a child they have ever been allocated (any period of
    care or CP plan, open or closed), never refusing what the core allows on some day,
    and still never for a child who was never theirs; the core applies the date."""
    return (
        f"(EXISTS (SELECT 1 FROM {{schema}}.period_of_care p "
        f"WHERE p.child_id = {child} AND p.iro_id = {{me}}) "
        f"OR EXISTS (SELECT 1 FROM {{schema}}.cp_plan c "
        f"WHERE c.child_id = {child} AND c.chair_id = {{me}}) "
        f"OR EXISTS (SELECT 1 FROM {{schema}}.meeting m WHERE m.child_id = {child} "
        f"AND m.chair_id = {{me}} AND m.status IN {_LIVE}))"
    )


def _a_challenge_of_theirs(escalation: str) -> str:
    """ "The challenge (its row named ``escalation``) is one the IRO may change": one they
    raised, or about a child of theirs, as `reviewdesk.actions.oversight` lets them."""
    return f"({escalation}.raised_by_id = {{me}} OR {a_child_of_theirs(escalation + '.child_id')})"


@dataclass(frozen=True)
class IroWrites:
    """What an IRO may change in one table, and in which rows.

    ``rows`` is a SQL condition on the row (``{me}`` is the staff record linked to the
    IRO's user, ``{schema}`` the schema); ``check`` a further condition every row they
    write must meet; ``new_rows``, when given, the condition for the rows they add instead
    of ``rows`` (stricter: a challenge they may answer is not one they may raise).
    ``columns`` limits UPDATE to those columns (the tracking columns are added); the
    columns naming the row's meeting, child, chair or author are never among them, so an
    IRO cannot move a row into a meeting or case of their own.
    """

    commands: tuple[str, ...]
    rows: str
    columns: tuple[str, ...] = ()
    check: str = "true"
    new_rows: str | None = None


#: Everything an IRO may write on a server: the outcome of a meeting they chair, its
#: reports, the reports' files and who attended (`actions.meetings`, `actions.reports_due`,
#: `actions.invitations`), and oversight (`actions.oversight`): challenges and their
#: stages for a child of theirs or that they raised, their own contacts with a child of
#: theirs, the child's voice at a live meeting they chair. A table not listed here is
#: read-only to IROs. Add a table here, and its action to tests/actions/test_roles.py,
#: when IROs are to change it.
IRO_WRITES: dict[str, IroWrites] = {
    "meeting": IroWrites(
        ("UPDATE",),
        rows="chair_id = {me}",
        columns=(
            "status",
            "held_date",
            "participation",
            "quorate",
            "outcome",
            "late_reason_id",
            "late_reason_note",
            "decisions_issued",
            "minutes_distributed",
            "decisions",
        ),
        check="status = 'held'",
    ),
    "meeting_part": IroWrites(
        ("INSERT", "UPDATE", "DELETE"),
        rows=OF_A_MEETING_THEY_CHAIR,
        columns=("part_no", "held_date", "note"),
    ),
    "report": IroWrites(
        ("UPDATE",),
        rows=OF_A_MEETING_THEY_CHAIR,
        columns=("received", "shared_with_parents"),
    ),
    # attach_report_file (replacing any earlier file), remove_report_file.
    "report_file": IroWrites(("INSERT", "DELETE"), rows=OF_A_REPORT_OF_A_MEETING_THEY_CHAIR),
    # record_outcome: "Plan made" at an initial conference they chair starts the child's CP
    # plan (chaired by them), "Plan ended" at a review conference ends it, and a corrected
    # held date moves its start (those two dates only). (Not `a_child_of_theirs`, which
    # reads cp_plan: its own policy would recurse.)
    "cp_plan": IroWrites(
        ("INSERT", "UPDATE"),
        rows=(
            "(cp_plan.chair_id = {me} OR EXISTS (SELECT 1 FROM {schema}.period_of_care p "
            "WHERE p.child_id = cp_plan.child_id AND p.iro_id = {me}) OR "
            + _CHAIRS_A_LIVE_MEETING_OF.format(child="cp_plan.child_id")
            + ")"
        ),
        columns=("start", "end_date"),
        new_rows=(
            "cp_plan.chair_id = {me} AND "
            + _CHAIRS_A_LIVE_MEETING_OF.format(child="cp_plan.child_id")
        ),
    ),
    # record_attendance, record_meeting_attendance.
    "invitee": IroWrites(("UPDATE",), rows=OF_A_MEETING_THEY_CHAIR, columns=("attendance",)),
    # raise_escalation (as themselves, for a child of theirs); update_escalation.
    "escalation": IroWrites(
        ("INSERT", "UPDATE"),
        rows=_a_challenge_of_theirs("escalation"),
        new_rows=("escalation.raised_by_id = {me} AND " + a_child_of_theirs("escalation.child_id")),
        columns=("theme_id", "concern", "resolved_on", "outcome", "impact", "cafcass_referred_on"),
    ),
    # raise_escalation, add_escalation_stage; record_escalation_response.
    "escalation_stage": IroWrites(
        ("INSERT", "UPDATE"),
        rows=(
            "escalation_stage.escalation_id IN (SELECT e.id FROM {schema}.escalation e "
            "WHERE e.child_id = escalation_stage.child_id AND " + _a_challenge_of_theirs("e") + ")"
        ),
        columns=("responded_on", "response"),
    ),
    # record_contact, remove_contact: their own contacts, with a child of theirs.
    "iro_contact": IroWrites(
        ("INSERT", "DELETE"),
        rows="iro_contact.staff_id = {me} AND " + a_child_of_theirs("iro_contact.child_id"),
    ),
    # record_child_voice: at a live meeting they chair.
    "child_voice": IroWrites(
        ("INSERT", "UPDATE"),
        rows=OF_A_LIVE_MEETING_THEY_CHAIR,
        check=(
            "child_id = (SELECT m.child_id FROM {schema}.meeting m "
            "WHERE m.id = child_voice.meeting_id)"
        ),
        columns=(
            "by_form",
            "by_advocate",
            "direct",
            "by_app",
            "advocacy_offered",
            "advocacy_taken_up",
            "consultation",
            "note",
        ),
    ),
}


@dataclass(frozen=True)
class Hop:
    """One foreign key followed towards the child: the row's ``column`` names the row of
    ``table`` whose ``key`` (of type ``key_type``) it holds."""

    column: str
    table: str
    key: str
    key_type: str


@dataclass(frozen=True)
class TableInfo:
    name: str
    columns: tuple[str, ...]
    primary_key: tuple[str, ...]
    binary_columns: tuple[str, ...]
    #: Foreign keys of one column: column -> (table, its column, that column's type).
    foreign_keys: dict[str, tuple[str, str, str]]
    sequences: tuple[str, ...]
    #: The columns the database numbers (a serial or identity ``id``): no login but the
    #: owner chooses their values (`apply`), so none can plant rows ahead of a sequence.
    numbered: tuple[str, ...] = ()

    @property
    def tracked(self) -> bool:
        return all(c in self.columns for c in TRACKING_COLUMNS)

    @property
    def addable(self) -> tuple[str, ...]:
        """The columns a login other than the owner may give when it adds a row: all but
        those the database numbers."""
        return tuple(c for c in self.columns if c not in self.numbered)


def kind_of(table: str) -> str:
    """ "audit", "signal", "bookkeeping" or "data"."""
    if table == AUDIT_TABLE:
        return "audit"
    if table in (SIGNAL_TABLE, FEED_TABLE):
        return "signal"
    if table in BOOKKEEPING_TABLES:
        return "bookkeeping"
    return "data"


def read_tables(conn: Connection) -> dict[str, TableInfo]:
    """Every table of the current schema, from the catalogue."""
    rows = conn.execute(
        text(
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) "
            "FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
            "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') "
            "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum"
        )
    ).all()
    columns: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        columns.setdefault(table, []).append((column, kind))
    keys: dict[str, list[str]] = {}
    for table, column in conn.execute(
        text(
            "SELECT c.relname, a.attname FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indrelid "
            "JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) ON true "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum "
            "WHERE i.indisprimary AND c.relnamespace = current_schema()::regnamespace "
            "ORDER BY c.relname, k.n"
        )
    ):
        keys.setdefault(table, []).append(column)
    foreign: dict[str, dict[str, tuple[str, str, str]]] = {}
    for table, column, parent, parent_column, kind in conn.execute(
        text(
            "SELECT c.relname, a.attname, p.relname, pa.attname, "
            "format_type(pa.atttypid, pa.atttypmod) FROM pg_constraint f "
            "JOIN pg_class c ON c.oid = f.conrelid JOIN pg_class p ON p.oid = f.confrelid "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = f.conkey[1] "
            "JOIN pg_attribute pa ON pa.attrelid = p.oid AND pa.attnum = f.confkey[1] "
            "WHERE f.contype = 'f' AND cardinality(f.conkey) = 1 "
            "AND c.relnamespace = current_schema()::regnamespace "
            "AND p.relnamespace = c.relnamespace ORDER BY c.relname, a.attnum"
        )
    ):
        foreign.setdefault(table, {})[column] = (parent, parent_column, kind)
    sequences: dict[str, list[str]] = {}
    numbered: dict[str, list[str]] = {}
    for table, sequence, column in conn.execute(
        text(
            "SELECT t.relname, s.relname, a.attname FROM pg_depend d "
            "JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
            "JOIN pg_class t ON t.oid = d.refobjid "
            "LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
            "WHERE d.deptype IN ('a', 'i') AND t.relnamespace = current_schema()::regnamespace"
        )
    ):
        sequences.setdefault(table, []).append(sequence)
        if column is not None:
            numbered.setdefault(table, []).append(column)
    return {
        name: TableInfo(
            name=name,
            columns=tuple(c for c, _ in cols),
            primary_key=tuple(keys.get(name, ())),
            binary_columns=tuple(c for c, kind in cols if kind == "bytea"),
            foreign_keys=foreign.get(name, {}),
            sequences=tuple(sorted(sequences.get(name, ()))),
            numbered=tuple(c for c, _ in cols if c in numbered.get(name, ())),
        )
        for name, cols in columns.items()
    }


def child_path(table: TableInfo, tables: dict[str, TableInfo]) -> tuple[str, ...]:
    """How the audit trigger finds the child of a row of ``table``, as trigger arguments:
    ``("self",)`` for the child table, ``("column",)`` for a table with ``child_id``,
    ``("via", last, hops...)`` through foreign keys (each `Hop` four arguments; ``last`` is
    the column of the last table that holds the child's id), or ``("none",)`` for records
    of no child (staff, settings...). The shortest chain wins, at most `CHILD_HOPS` long."""
    if table.name == "child":
        return ("self",)
    if "child_id" in table.columns:
        return ("column",)
    queue: deque[tuple[str, tuple[Hop, ...]]] = deque([(table.name, ())])
    while queue:
        at, hops = queue.popleft()
        if len(hops) >= CHILD_HOPS:
            continue
        for column, (parent, key, key_type) in sorted(tables[at].foreign_keys.items()):
            chain = (*hops, Hop(column, parent, key, key_type))
            info = tables.get(parent)
            if parent == "child":
                return _via(chain, key)
            if info is None or any(h.table == parent for h in hops) or parent == table.name:
                continue
            if "child_id" in info.columns:
                return _via(chain, "child_id")
            queue.append((parent, chain))
    return ("none",)


def _via(chain: tuple[Hop, ...], last: str) -> tuple[str, ...]:
    args = ["via", last]
    for hop in chain:
        args += [hop.column, hop.table, hop.key, hop.key_type]
    return tuple(args)


__all__ = [
    "AUDIT_TABLE",
    "BOOKKEEPING_TABLES",
    "FEED_TABLE",
    "IRO_WRITES",
    "Hop",
    "IroWrites",
    "TRACKING_COLUMNS",
    "TableInfo",
    "child_path",
    "kind_of",
    "read_tables",
]
