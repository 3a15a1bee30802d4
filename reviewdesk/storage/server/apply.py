"""(Re)apply the server's protection to every table of the schema: functions, GRANTs,
triggers and row-level policies, from what the catalogue says is there.

`apply` runs when `reviewdesk server init` sets a database up and after every upgrade of a
database that is set up (in the upgrade's own transaction), so a table a later migration
adds is covered without anyone naming it. It starts from nothing each time: it revokes
every privilege the groups (and PUBLIC) have on the schema's tables, sequences and
functions, then grants what each kind of table calls for (`tables.kind_of`). `problems`
checks the result table by table; `reviewdesk server status` prints it.

A release can change what `apply` makes without a migration (a policy's rows, a function's
body). So `apply` records, when it is done, a fingerprint of the statements it ran to create
or grant (`Plan`: made the same way without running them by `plan`, from this version's
definitions and what the catalogue says is there) and a digest of each definition as the
catalogue then shows it (`Record`, in ``reviewdesk_protection``); `out_of_date` compares both
with now. `reviewdesk.storage.db` re-applies when the owner opens a database whose record
differs, and warns anyone else.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from reviewdesk.codes import Role
from reviewdesk.storage.server.functions import CALLABLE, all_functions
from reviewdesk.storage.server.logins import (
    PROTECTION_TABLE,
    ROLE_AS_WORDS,
    Groups,
    inherited_through,
    login_role,
    owner_of,
)
from reviewdesk.storage.server.names import literal, quote
from reviewdesk.storage.server.tables import (
    FEED_TABLE,
    IRO_WRITES,
    SIGNAL_TRIGGER,
    TRACKING_COLUMNS,
    TableInfo,
    child_path,
    kind_of,
    read_tables,
)
from reviewdesk.vocabulary import format_uk

#: Every table the app needs before it can be protected.
REQUIRED = ("audit_log", "app_user", "meeting", "alembic_version")
#: The triggers each kind of table carries: name -> (when, events, level, function).
DATA_TRIGGERS = (
    "reviewdesk_audit",
    "reviewdesk_stamp",
    "reviewdesk_no_truncate",
    "reviewdesk_iro_delete",
    "reviewdesk_user_list",
)
#: The user list: who may change it, and how a login may change its own row.
USER_TABLE = "app_user"
AUDIT_TRIGGERS = {
    "reviewdesk_audit_insert": "BEFORE INSERT ON {t} FOR EACH ROW "
    "EXECUTE FUNCTION {s}.reviewdesk_audit_insert()",
    "reviewdesk_audit_frozen": "BEFORE UPDATE OR DELETE ON {t} FOR EACH ROW "
    "EXECUTE FUNCTION {s}.reviewdesk_audit_frozen()",
    "reviewdesk_audit_no_truncate": "BEFORE TRUNCATE ON {t} FOR EACH STATEMENT "
    "EXECUTE FUNCTION {s}.reviewdesk_audit_frozen()",
    "reviewdesk_audit_deleted": "AFTER DELETE ON {t} REFERENCING OLD TABLE AS changed_entries "
    "FOR EACH STATEMENT EXECUTE FUNCTION {s}.reviewdesk_audit_maintained()",
    "reviewdesk_audit_updated": "AFTER UPDATE ON {t} REFERENCING NEW TABLE AS changed_entries "
    "FOR EACH STATEMENT EXECUTE FUNCTION {s}.reviewdesk_audit_maintained()",
}
POLICY_PREFIX = "reviewdesk_"
WRITES = ("INSERT", "UPDATE", "DELETE")


class _Statements:
    """Where `apply`'s statements go: run on the connection and kept (``running``), or
    only kept, for the fingerprint (`plan`). Each kept statement names what it makes (a
    key such as ``policy reviewdesk_read on meeting``); the statements that only clear
    the way (a DROP of what exists, a setting for the transaction) are run, never kept, as
    they depend on what the catalogue holds, not on this version's definitions."""

    def __init__(self, conn: Connection, *, running: bool) -> None:
        self.conn = conn
        self.running = running
        self.kept: list[tuple[str, str]] = []
        #: The policies made: table -> {policy: its command (ALL, SELECT, INSERT...)}.
        self.policies: dict[str, dict[str, str]] = {}

    def make(self, what: str, sql: str) -> None:
        self.kept.append((what, sql))
        if self.running:
            self.conn.execute(text(sql))

    def clear(self, sql: str) -> None:
        if self.running:
            self.conn.execute(text(sql))


_FUNCTION_NAME = re.compile(r"FUNCTION .*?\.(reviewdesk_\w+)\(")
#: How many of the things that differ the line saying so names.
_NAMED = 4


def _digest(text_: str) -> str:
    return hashlib.sha256(text_.encode()).hexdigest()


@dataclass(frozen=True)
class Plan:
    """What `apply` makes: its statements, each naming what it makes (``policy
    reviewdesk_read on meeting``, ``function reviewdesk_audit_row``, ``grants on
    child``...), and the policies per table with their commands."""

    statements: tuple[tuple[str, str], ...]
    policies: dict[str, dict[str, str]]

    @classmethod
    def of(cls, out: _Statements) -> Plan:
        return cls(tuple(out.kept), {t: dict(p) for t, p in out.policies.items()})

    @property
    def fingerprint(self) -> str:
        """One digest of every statement, in order: it changes with any definition."""
        return _digest("\n;\n".join(sql for _, sql in self.statements))

    @property
    def digests(self) -> dict[str, str]:
        """Per thing made, a digest of its statements."""
        grouped: dict[str, list[str]] = {}
        for what, sql in self.statements:
            grouped.setdefault(what, []).append(sql)
        return {what: _digest("\n;\n".join(sqls))[:16] for what, sqls in grouped.items()}


@dataclass(frozen=True)
class Record:
    """What the last `apply` on this server made, as it recorded it: this version's
    fingerprint then, the digest of each thing's statements, and of each policy, trigger,
    function and row-level security setting as the catalogue showed it just after."""

    fingerprint: str
    statements: dict[str, str]
    definitions: dict[str, str]
    made_at: dt.datetime
    made_by: str


#: The definitions of what `apply` makes, as the catalogue shows them (read with the
#: search path set to pg_catalog alone, so every name is written out in full whoever reads).
_DEFINITIONS = """
SELECT 'policy ' || p.policyname || ' on ' || p.tablename,
       concat_ws(E'\\n', p.permissive, p.cmd,
                 array_to_string(ARRAY(SELECT r FROM unnest(p.roles) AS r ORDER BY 1), ','),
                 p.qual, p.with_check)
  FROM pg_catalog.pg_policies p
 WHERE p.schemaname = :s AND p.policyname LIKE 'reviewdesk\\_%'
UNION ALL
SELECT 'function ' || f.proname, pg_catalog.pg_get_functiondef(f.oid)
  FROM pg_catalog.pg_proc f JOIN pg_catalog.pg_namespace n ON n.oid = f.pronamespace
 WHERE n.nspname = :s AND f.proname LIKE 'reviewdesk\\_%' AND f.prokind = 'f'
UNION ALL
SELECT 'trigger ' || t.tgname || ' on ' || c.relname,
       pg_catalog.pg_get_triggerdef(t.oid) || ' ' || t.tgenabled::text
  FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = :s AND NOT t.tgisinternal AND t.tgname LIKE 'reviewdesk\\_%'
UNION ALL
SELECT 'row-level security on ' || c.relname,
       c.relrowsecurity::text || ' ' || c.relforcerowsecurity::text
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = :s AND c.relkind IN ('r', 'p')
"""


def definitions(conn: Connection, schema: str) -> dict[str, str]:
    """A digest of each policy, trigger and function of reviewdesk's (and each table's
    row-level security) as the catalogue defines it now."""
    saved = conn.execute(text("SELECT current_setting('search_path')")).scalar_one()
    conn.execute(text("SELECT set_config('search_path', 'pg_catalog', false)"))
    restore = text("SELECT set_config('search_path', :p, false)")
    try:
        rows = conn.execute(text(_DEFINITIONS), {"s": schema}).all()
    except BaseException:
        # The transaction failed (it waited too long for a table another session locked,
        # say): it refuses every statement now, and its rollback puts the path back.
        with contextlib.suppress(DBAPIError):
            conn.execute(restore, {"p": saved})
        raise
    conn.execute(restore, {"p": saved})
    return {what: _digest(body or "")[:16] for what, body in rows}


def _record(conn: Connection, made: Plan) -> None:
    """Keep what `apply` just made, in the one row of ``reviewdesk_protection`` (changed
    only when it differs, so that the trail records each change once)."""
    schema = current_schema(conn)
    digests = made.digests
    now = {k: v for k, v in definitions(conn, schema).items() if k in digests}
    conn.execute(
        text(
            f"INSERT INTO {quote(schema)}.{quote(PROTECTION_TABLE)} AS p "
            "(id, fingerprint, statements, definitions, made_at, made_by) "
            "VALUES (1, :f, :st, :d, now(), session_user) ON CONFLICT (id) DO UPDATE SET "
            "fingerprint = EXCLUDED.fingerprint, statements = EXCLUDED.statements, "
            "definitions = EXCLUDED.definitions, made_at = EXCLUDED.made_at, "
            "made_by = EXCLUDED.made_by "
            "WHERE (p.fingerprint, p.statements, p.definitions) IS DISTINCT FROM "
            "(EXCLUDED.fingerprint, EXCLUDED.statements, EXCLUDED.definitions)"
        ),
        {
            "f": made.fingerprint,
            "st": json.dumps(digests, sort_keys=True),
            "d": json.dumps(now, sort_keys=True),
        },
    )


def recorded(conn: Connection) -> Record | None:
    """What the last `apply` here recorded; None if none did (a server set up by a version
    of reviewdesk that kept no record)."""
    table = f"{quote(current_schema(conn))}.{quote(PROTECTION_TABLE)}"
    if conn.execute(text("SELECT to_regclass(:t)"), {"t": table}).scalar() is None:
        return None
    row = conn.execute(
        text(
            "SELECT fingerprint, statements, definitions, made_at, made_by "
            f"FROM {table} WHERE id = 1"
        )
    ).first()
    if row is None:
        return None
    try:
        statements, made = json.loads(row.statements), json.loads(row.definitions)
    except ValueError:
        statements, made = {}, {}
    return Record(row.fingerprint, statements, made, row.made_at, row.made_by)


def current_schema(conn: Connection) -> str:
    schema = conn.execute(text("SELECT current_schema()")).scalar()
    if not schema:
        raise RuntimeError("no schema to set up: the search path names none that exists")
    return str(schema)


def apply(conn: Connection, groups: Groups) -> dict[str, TableInfo]:
    """Make every table of the current schema what its kind calls for, in the caller's
    transaction (run as the owner of the tables), and record what was made (`Record`, in
    ``reviewdesk_protection``), for `out_of_date`. Returns the tables it covered."""
    out = _Statements(conn, running=True)
    tables = _make(out, groups)
    _record(conn, Plan.of(out))
    return tables


def plan(conn: Connection, groups: Groups) -> Plan:
    """What `apply` would make here now, without making it: this version's statements for
    this schema's tables and these groups (read from the catalogue as `apply` reads it)."""
    out = _Statements(conn, running=False)
    _make(out, groups)
    return Plan.of(out)


def _make(out: _Statements, groups: Groups) -> dict[str, TableInfo]:
    conn = out.conn
    schema = current_schema(conn)
    s = quote(schema)
    tables = read_tables(conn)
    missing = [name for name in REQUIRED if name not in tables]
    if missing:
        raise RuntimeError(f"the schema {schema} lacks reviewdesk's tables ({', '.join(missing)})")
    out.make(
        "record of the protections",
        f"CREATE TABLE IF NOT EXISTS {s}.{quote(PROTECTION_TABLE)} ("
        "id smallint PRIMARY KEY CHECK (id = 1), fingerprint text NOT NULL, "
        "statements text NOT NULL, definitions text NOT NULL, "
        "made_at timestamptz NOT NULL, made_by text NOT NULL)",
    )
    if out.running and PROTECTION_TABLE not in tables:
        tables = read_tables(conn)
    # The change signal's trigger on the trail waits for the end of the transaction; while
    # any of its calls wait, PostgreSQL refuses to alter the trail's table: make them now.
    out.clear("SET CONSTRAINTS ALL IMMEDIATE")
    for sql in all_functions(schema, groups):
        name = _FUNCTION_NAME.search(sql)
        out.make(f"function {name.group(1) if name else '?'}", sql)
    _grants(out, schema, groups, tables)
    others = set(
        conn.execute(
            text(
                "SELECT DISTINCT tablename FROM pg_policies WHERE schemaname = :s "
                "AND policyname NOT LIKE 'reviewdesk\\_%'"
            ),
            {"s": schema},
        ).scalars()
    )
    for info in tables.values():
        _triggers(out, schema, info, tables)
        _policies(out, schema, groups, info, others)
    return tables


def _grants(out: _Statements, schema: str, groups: Groups, tables: dict[str, TableInfo]) -> None:
    s = quote(schema)
    every = ", ".join(quote(g) for g in groups.all)
    a, i, r = (quote(g) for g in groups.all)
    on_schema = "grants on the schema"
    for what in ("TABLES", "SEQUENCES", "FUNCTIONS"):
        out.make(on_schema, f"REVOKE ALL ON ALL {what} IN SCHEMA {s} FROM PUBLIC, {every}")
    out.make(on_schema, f"GRANT USAGE ON SCHEMA {s} TO {every}")
    # No login but the owner may create objects beside reviewdesk's in its own schema: a
    # function there of better-matching arguments would be what a name in anyone's SQL
    # resolves to. Taken from PUBLIC and the groups, and from any other role that has it,
    # where the tables' owner may (it owns the schema, or is a member of its owner, as the
    # database's owner is of pg_database_owner, the owner of public on PostgreSQL 15);
    # `problems` says where it could not. (The tables' owner, as `apply` runs: the same for
    # `plan`, whoever reads.)
    if out.conn.execute(
        text(
            "SELECT pg_has_role(c.relowner, n.nspowner, 'MEMBER') "
            "FROM pg_namespace n, pg_class c WHERE n.nspname = :s AND c.oid = to_regclass(:t)"
        ),
        {"s": schema, "t": f"{s}.alembic_version"},
    ).scalar():
        out.make(on_schema, f"REVOKE CREATE ON SCHEMA {s} FROM PUBLIC, {every}")
        for grantee in _may_create(out.conn, schema):
            if grantee != "PUBLIC":
                out.clear(f"REVOKE CREATE ON SCHEMA {s} FROM {quote(grantee)}")
    for info in tables.values():
        t = f"{s}.{quote(info.name)}"
        key = f"grants on {info.name}"
        kind = kind_of(info.name)
        sequences = [f"{s}.{quote(q)}" for q in info.sequences]
        # Adding rows, no login but the owner chooses the number the database gives them:
        # rows planted ahead of the sequence would make the next rows anyone adds (every
        # audit entry the triggers write) fail on the primary key.
        addable = f"INSERT ({', '.join(quote(c) for c in info.addable)}) ON {t}"
        if kind == "audit":
            out.make(key, f"GRANT SELECT ON {t} TO {a}, {r}")
            out.make(key, f"GRANT {addable} TO {every}")
            for q in sequences:
                out.make(key, f"GRANT USAGE ON SEQUENCE {q} TO {every}")
            continue
        out.make(key, f"GRANT SELECT ON {t} TO {every}")
        if kind in ("bookkeeping", "signal"):
            continue
        # (Administrators add rows with the numbers they had: a restore copies a backup's
        # rows as they are, then moves the sequences on past them.)
        out.make(key, f"GRANT INSERT, UPDATE, DELETE ON {t} TO {a}")
        for q in sequences:
            out.make(key, f"GRANT USAGE, SELECT, UPDATE ON SEQUENCE {q} TO {a}")
        writes = IRO_WRITES.get(info.name)
        if writes is None:
            continue
        for command in writes.commands:
            if command == "UPDATE":
                columns = [c for c in (*writes.columns, *TRACKING_COLUMNS) if c in info.columns]
                listed = ", ".join(quote(c) for c in columns)
                out.make(key, f"GRANT UPDATE ({listed}) ON {t} TO {i}")
            elif command == "INSERT":
                out.make(key, f"GRANT {addable} TO {i}")
            else:
                out.make(key, f"GRANT {command} ON {t} TO {i}")
        if "INSERT" in writes.commands:
            for q in sequences:
                out.make(key, f"GRANT USAGE ON SEQUENCE {q} TO {i}")
    for signature, roles in CALLABLE.items():
        who = ", ".join(quote(groups.of(role)) for role in roles)
        out.make("grants on functions", f"GRANT EXECUTE ON FUNCTION {s}.{signature} TO {who}")


def _may_create(conn: Connection, schema: str) -> list[str]:
    """The roles (``PUBLIC`` for everyone) that may create objects in ``schema``, but its
    owner and the owner of reviewdesk's tables."""
    return list(
        conn.execute(
            text(
                "SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' "
                "  ELSE pg_get_userbyid(a.grantee) END "
                "FROM pg_namespace n, "
                "  aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) AS a "
                "WHERE n.nspname = :s AND a.privilege_type = 'CREATE' "
                "AND a.grantee <> n.nspowner AND a.grantee <> coalesce("
                "  (SELECT c.relowner FROM pg_class c WHERE c.oid = to_regclass(:t)), 0) "
                "ORDER BY 1"
            ),
            {"s": schema, "t": f"{quote(schema)}.alembic_version"},
        ).scalars()
    )


def _literal_args(args: tuple[str, ...]) -> str:
    return ", ".join(literal(a) for a in args)


def _triggers(out: _Statements, schema: str, info: TableInfo, tables: dict[str, TableInfo]):
    s = quote(schema)
    t = f"{s}.{quote(info.name)}"
    kind = kind_of(info.name)

    def make(name: str, sql: str) -> None:
        out.make(f"trigger {name} on {info.name}", sql)

    for name in (*DATA_TRIGGERS, *AUDIT_TRIGGERS):
        out.clear(f"DROP TRIGGER IF EXISTS {name} ON {t}")
    if kind == "audit":
        for name, body in AUDIT_TRIGGERS.items():
            make(name, f"CREATE TRIGGER {name} " + body.format(t=t, s=s))
        return
    if kind == "signal":
        return  # its only writer is the trail's own trigger: auditing it would loop
    args = (",".join(info.primary_key), ",".join(info.binary_columns), *child_path(info, tables))
    make(
        "reviewdesk_audit",
        f"CREATE TRIGGER reviewdesk_audit AFTER INSERT OR UPDATE OR DELETE ON {t} "
        f"FOR EACH ROW EXECUTE FUNCTION {s}.reviewdesk_audit_row({_literal_args(args)})",
    )
    if kind == "bookkeeping":
        return
    if info.tracked:
        make(
            "reviewdesk_stamp",
            f"CREATE TRIGGER reviewdesk_stamp BEFORE UPDATE ON {t} "
            f"FOR EACH ROW EXECUTE FUNCTION {s}.reviewdesk_stamp()",
        )
    make(
        "reviewdesk_no_truncate",
        f"CREATE TRIGGER reviewdesk_no_truncate BEFORE TRUNCATE ON {t} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {s}.reviewdesk_refuse_truncate()",
    )
    if info.name == USER_TABLE:
        make(
            "reviewdesk_user_list",
            f"CREATE TRIGGER reviewdesk_user_list BEFORE INSERT OR UPDATE OR DELETE ON {t} "
            f"FOR EACH ROW EXECUTE FUNCTION {s}.reviewdesk_user_list()",
        )


def _policies(
    out: _Statements, schema: str, groups: Groups, info: TableInfo, others: set[str]
) -> None:
    """``others``: the tables with policies that are not reviewdesk's (a DBA's own)."""
    conn = out.conn
    s = quote(schema)
    t = f"{s}.{quote(info.name)}"
    if out.running:
        ours = conn.execute(
            text(
                "SELECT policyname FROM pg_policies WHERE schemaname = :s AND tablename = :t "
                "AND policyname LIKE 'reviewdesk\\_%'"
            ),
            {"s": schema, "t": info.name},
        ).scalars()
        for name in list(ours):
            out.clear(f"DROP POLICY {quote(name)} ON {t}")
    security = f"row-level security on {info.name}"
    if info.name == FEED_TABLE:
        _feed_policy(out, schema, groups, security)
        return
    writes = IRO_WRITES.get(info.name) if kind_of(info.name) == "data" else None
    if writes is None:
        if info.name not in others:
            out.make(security, f"ALTER TABLE {t} DISABLE ROW LEVEL SECURITY")
        return
    made = out.policies.setdefault(info.name, {})

    def policy(name: str, command: str, rest: str) -> None:
        made[name] = command
        out.make(
            f"policy {name} on {info.name}", f"CREATE POLICY {name} ON {t} FOR {command} {rest}"
        )

    every = ", ".join(quote(g) for g in groups.all)
    a, i = quote(groups.administrator), quote(groups.iro)
    me = f"{s}.reviewdesk_my_staff()"
    rows = "(" + writes.rows.format(schema=s, me=me) + ")"
    also = "(" + writes.check.format(schema=s, me=me) + ")"
    added = "(" + (writes.new_rows or writes.rows).format(schema=s, me=me) + ")"
    out.make(security, f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
    policy("reviewdesk_read", "SELECT", f"TO {every} USING (true)")
    policy("reviewdesk_administrator", "ALL", f"TO {a} USING (true) WITH CHECK (true)")
    for command in writes.commands:
        name = f"reviewdesk_iro_{command.lower()}"
        if command == "INSERT":
            policy(name, "INSERT", f"TO {i} WITH CHECK ({added} AND {also})")
        elif command == "UPDATE":
            # USING (true): an IRO's UPDATE of another's row is an error (the new row fails
            # the check), not a silent "0 rows"; they cannot change the columns that say
            # whose the row is, so the new row's owner is the old row's.
            policy(name, "UPDATE", f"TO {i} USING (true) WITH CHECK ({rows} AND {also})")
        else:
            # USING (true) as for UPDATE: the trigger refuses an IRO's DELETE of another's
            # row with an error (a policy would only hide it: "0 rows", without a word).
            policy(name, "DELETE", f"TO {i} USING (true)")
            out.make(
                f"trigger reviewdesk_iro_delete on {info.name}",
                f"CREATE TRIGGER reviewdesk_iro_delete BEFORE DELETE ON {t} FOR EACH ROW "
                f"EXECUTE FUNCTION {s}.reviewdesk_iro_delete({literal(rows)})",
            )


#: Who may read a row of the change feed: a row of no child (0), of a child the login may
#: read (the child table's own policies decide, whatever they are: the subquery runs as the
#: login), or of a child deleted since. So the feed never says that a child hidden from a
#: login changed, and still tells everyone of a deletion.
FEED_READABLE = (
    "child_id = 0 OR EXISTS (SELECT 1 FROM {s}.child c WHERE c.id = {t}.child_id) "
    "OR {s}.reviewdesk_child_gone({t}.child_id)"
)


def _feed_policy(out: _Statements, schema: str, groups: Groups, security: str) -> None:
    """The change feed: row-level security on, every group reading by `FEED_READABLE`."""
    s = quote(schema)
    t = f"{s}.{quote(FEED_TABLE)}"
    every = ", ".join(quote(g) for g in groups.all)
    readable = FEED_READABLE.format(s=s, t=t)
    out.make(security, f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
    out.policies.setdefault(FEED_TABLE, {})["reviewdesk_read"] = "SELECT"
    out.make(
        f"policy reviewdesk_read on {FEED_TABLE}",
        f"CREATE POLICY reviewdesk_read ON {t} FOR SELECT TO {every} USING ({readable})",
    )


# --- checking ------------------------------------------------------------------------------


def out_of_date(conn: Connection, groups: Groups) -> list[str]:
    """How the server's protections differ from what this version's `apply` makes ([] when
    they do not): a record (`recorded`) missing or of other statements is one line, saying
    they are older than this version and who must run ``reviewdesk server init``; then,
    table by table, reviewdesk's policies missing, extra or of another command, and any
    policy, trigger, function or row-level security setting whose definition the catalogue
    now shows otherwise than just after `apply` made it (changed by hand since).

    The fingerprint covers every statement `apply` runs to create or grant (definitions
    included: a policy's expressions, a function's body, a trigger's arguments), for this
    schema's tables and these groups; the DROPs it runs first are not in it."""
    made = plan(conn, groups)
    record = recorded(conn)
    found: list[str] = []
    if record is None or record.fingerprint != made.fingerprint:
        found.append(_older(conn, made, record))
    now = definitions(conn, current_schema(conn))
    reported: set[str] = set()
    actual: dict[tuple[str, str], str] = {
        (table, name): command
        for table, name, command in conn.execute(
            text(
                "SELECT tablename, policyname, cmd FROM pg_policies WHERE schemaname = :s "
                "AND policyname LIKE 'reviewdesk\\_%' ORDER BY tablename, policyname"
            ),
            {"s": current_schema(conn)},
        )
    }
    for table in sorted({t for t, _ in actual} | set(made.policies)):
        wanted = made.policies.get(table, {})
        for name in sorted(set(wanted) | {n for t, n in actual if t == table}):
            has = actual.get((table, name))
            if has is None:
                found.append(f"{table}: no policy {name} (for {wanted[name]})")
            elif name not in wanted:
                found.append(f"{table}: the policy {name} is not one reviewdesk makes")
            elif has != wanted[name]:
                found.append(
                    f"{table}: the policy {name} is for {has}, where reviewdesk makes it "
                    f"for {wanted[name]}"
                )
            else:
                continue
            reported.add(f"policy {name} on {table}")
    if record is not None:
        for what, digest in sorted(record.definitions.items()):
            if what in reported:
                continue
            if what not in now:
                if what.startswith("function "):
                    found.append(f"the {what} is missing")
            elif now[what] != digest:
                found.append(
                    f"the {what} is not the one reviewdesk made (as {record.made_by}, on "
                    f"{format_uk(record.made_at.date())}): it was changed since"
                )
    return found


def _older(conn: Connection, made: Plan, record: Record | None) -> str:
    owner = owner_of(conn)
    if record is None:
        which = " (the server has no record of what made them)"
    else:
        ours = made.digests
        differ = sorted(
            what
            for what in set(ours) | set(record.statements)
            if ours.get(what) != record.statements.get(what)
        )
        named = ", ".join(differ[:_NAMED])
        if len(differ) > _NAMED:
            named += f" and {len(differ) - _NAMED} more"
        which = f" (what differs: {named})" if differ else ""
    return (
        "the server's protections (its permissions, triggers and row-level policies) are "
        f"older than this version of reviewdesk{which}: its owner, the PostgreSQL login "
        f"{owner}, must run `reviewdesk server init` with this version"
    )


def problems(conn: Connection, groups: Groups) -> list[str]:
    """What is not as `apply` makes it, table by table ([] when all is well): the
    protections older than this version or changed since (`out_of_date`, whose fingerprint
    covers the definitions of every policy, trigger and function), then each table's
    triggers, grants and row-level security as the catalogue has them, then deactivated
    users the server still lets in."""
    schema = current_schema(conn)
    tables = read_tables(conn)
    found: list[str] = []
    triggers = {
        (table, name): enabled
        for table, name, enabled in conn.execute(
            text(
                "SELECT c.relname, t.tgname, t.tgenabled <> 'D' FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal"
            )
        )
    }
    rls = dict(
        conn.execute(
            text(
                "SELECT relname, relrowsecurity FROM pg_class "
                "WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p')"
            )
        ).all()
    )

    def may(group: str, table: str, privilege: str) -> bool:
        return bool(
            conn.execute(
                text("SELECT has_table_privilege(:g, :t, :p)"),
                {"g": group, "t": f"{quote(schema)}.{quote(table)}", "p": privilege},
            ).scalar()
        )

    def may_any_column(group: str, table: str, privilege: str) -> bool:
        """The privilege on the table, or (INSERT, UPDATE) on any of its columns."""
        if privilege not in ("INSERT", "UPDATE"):
            return may(group, table, privilege)
        return bool(
            conn.execute(
                text("SELECT has_any_column_privilege(:g, :t, :p)"),
                {"g": group, "t": f"{quote(schema)}.{quote(table)}", "p": privilege},
            ).scalar()
        )

    a, i, r = groups.all
    for grantee in _may_create(conn, schema):
        everyone = grantee == "PUBLIC"
        found.append(
            f"the schema {schema}: {'every login (PUBLIC)' if everyone else grantee} may create "
            "objects in it, such as a function that anyone's SQL would call in place of a "
            "built-in one: its owner (or the server's administrator) must run REVOKE CREATE "
            f"ON SCHEMA {quote(schema)} FROM {'PUBLIC' if everyone else quote(grantee)};"
        )
    # (Not an extension's, which the DBA installed.)
    for what, owner in conn.execute(
        text(
            "SELECT format('function %s.%s(%s)', quote_ident(:s), quote_ident(p.proname), "
            "pg_get_function_identity_arguments(p.oid)), pg_get_userbyid(p.proowner) "
            "FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace "
            "AND p.proowner <> (SELECT c.relowner FROM pg_class c "
            "  WHERE c.oid = to_regclass('alembic_version')) "
            "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass "
            "  AND d.objid = p.oid AND d.deptype = 'e') "
            "UNION ALL SELECT 'operator ' || o.oid::regoperator::text, "
            "pg_get_userbyid(o.oprowner) FROM pg_operator o "
            "WHERE o.oprnamespace = current_schema()::regnamespace "
            "AND o.oprowner <> (SELECT c.relowner FROM pg_class c "
            "  WHERE c.oid = to_regclass('alembic_version')) "
            "AND NOT EXISTS (SELECT 1 FROM pg_depend d "
            "  WHERE d.classid = 'pg_operator'::regclass AND d.objid = o.oid "
            "  AND d.deptype = 'e') ORDER BY 1"
        ),
        {"s": schema},
    ):
        found.append(
            f"the {what} in the schema {schema} is {owner}'s, not reviewdesk's: anyone's SQL "
            "may call it in place of a built-in one; unless the DBA knows it, its owner (or "
            "the server's administrator) should drop it"
        )
    for info in tables.values():
        name = info.name
        kind = kind_of(name)
        wanted = {
            "audit": [*AUDIT_TRIGGERS, SIGNAL_TRIGGER],
            "signal": [],
        }.get(kind, ["reviewdesk_audit"])
        if kind == "data":
            wanted.append("reviewdesk_no_truncate")
            if info.tracked:
                wanted.append("reviewdesk_stamp")
            if "DELETE" in getattr(IRO_WRITES.get(name), "commands", ()):
                wanted.append("reviewdesk_iro_delete")
            if name == USER_TABLE:
                wanted.append("reviewdesk_user_list")
        for trigger in wanted:
            state = triggers.get((name, trigger))
            if state is None:
                found.append(f"{name}: no trigger {trigger}")
            elif not state:
                found.append(f"{name}: trigger {trigger} is disabled")
        for group in (a, r) if kind == "audit" else (a, i, r):
            if not may(group, name, "SELECT"):
                found.append(f"{name}: {group} cannot read it")
        for group in (a, i, r, "public"):
            if may(group, name, "TRUNCATE"):
                found.append(f"{name}: {group} may TRUNCATE it")
        numbering = {a, i, r, "public"} - ({a} if kind == "data" else set())
        for group in sorted(numbering):
            for column in info.numbered:
                if _may_column(conn, group, schema, name, column, "INSERT"):
                    found.append(
                        f"{name}: {group} may choose the {column} of a row it adds (rows "
                        "planted ahead of the database's numbering would stop others' saves)"
                    )
        if kind == "audit":
            if may(i, name, "SELECT"):
                found.append(f"{name}: {i} can read the audit trail")
            for group in (a, i, r, "public"):
                for privilege in ("UPDATE", "DELETE"):
                    if may_any_column(group, name, privilege):
                        found.append(f"{name}: {group} may {privilege} the audit trail")
            continue
        writers = {a} if kind == "data" else set()
        for group in (a, i, r):
            for privilege in WRITES:
                allowed = group in writers or (
                    group == i
                    and privilege in getattr(IRO_WRITES.get(name), "commands", ())
                    and kind == "data"
                )
                has = may_any_column(group, name, privilege)
                if has and not allowed:
                    found.append(f"{name}: {group} may {privilege} it")
                if allowed and not has:
                    found.append(f"{name}: {group} cannot {privilege} it")
        if name == FEED_TABLE and not rls.get(name):
            found.append(f"{name}: row-level security is off, so it names every child")
        if kind == "data" and name in IRO_WRITES and not rls.get(name):
            found.append(f"{name}: row-level security is off, so IROs could change any row")
    return (
        out_of_date(conn, groups)
        + found
        + deactivated_with_access(conn, groups)
        + roles_not_as_listed(conn, groups)
    )


def _may_column(
    conn: Connection, group: str, schema: str, table: str, column: str, privilege: str
) -> bool:
    return bool(
        conn.execute(
            text("SELECT has_column_privilege(:g, :t, :c, :p)"),
            {"g": group, "t": f"{quote(schema)}.{quote(table)}", "c": column, "p": privilege},
        ).scalar()
    )


def deactivated_with_access(conn: Connection, groups: Groups) -> list[str]:
    """Deactivated users whose logins the server still gives a role (through a role that
    is not reviewdesk's, such as a directory group: deactivating cannot take them out)."""
    owner = owner_of(conn)
    found = []
    for username in conn.execute(
        text("SELECT username FROM app_user WHERE NOT active ORDER BY username")
    ).scalars():
        role = login_role(conn, groups, username) if username != owner else None
        if role is None:
            continue
        through = (
            ", ".join(inherited_through(conn, groups, username))
            or "a membership or attribute the server's administrator gave it"
        )
        found.append(
            f"user {username} is deactivated, but the server still gives the login the "
            f"rights of {ROLE_AS_WORDS[role]} through {through}: the server's administrator "
            "must take it out of that role"
        )
    return found


def roles_not_as_listed(conn: Connection, groups: Groups) -> list[str]:
    """Active users whose logins the server gives another role than the user list's (a
    membership changed with psql, or by the DBA): the database lets them do what their
    group may, whatever the list says."""
    owner = owner_of(conn)
    found = []
    for username, listed in conn.execute(
        text(
            "SELECT u.username, u.role FROM app_user u JOIN pg_roles r ON r.rolname = u.username "
            "WHERE u.active AND NOT r.rolsuper ORDER BY u.username"
        )
    ).all():
        if username == owner:
            continue
        try:
            wanted: Role | None = Role(listed)
        except ValueError:
            wanted = None
        role = login_role(conn, groups, username)
        if role is wanted:
            continue
        through = ", ".join(inherited_through(conn, groups, username))
        found.append(
            f"user {username} is on the list as {ROLE_AS_WORDS[wanted]}, but the server gives "
            f"the login the rights of {ROLE_AS_WORDS[role]}"
            + (f" (through {through})" if through else "")
            + f": put it right with `reviewdesk users set-role {username} ROLE`"
            + (", or have the server's administrator take it out of that role" if through else "")
        )
    return found


__all__ = [
    "Plan",
    "Record",
    "apply",
    "current_schema",
    "deactivated_with_access",
    "definitions",
    "out_of_date",
    "plan",
    "problems",
    "recorded",
    "roles_not_as_listed",
]
