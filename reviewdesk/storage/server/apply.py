"""(Re)apply the server's protection to every table of the schema: functions, GRANTs,
triggers and row-level policies, from what the catalogue says is there.

`apply` runs when `reviewdesk server init` sets a database up and after every upgrade of a
database that is set up (in the upgrade's own transaction), so a table a later migration
adds is covered without anyone naming it. It starts from nothing each time: it revokes
every privilege the groups (and PUBLIC) have on the schema's tables, sequences and
functions, then grants what each kind of table calls for (`tables.kind_of`). `problems`
checks the result table by table; `reviewdesk server status` prints it.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from reviewdesk.storage.server.functions import CALLABLE, all_functions
from reviewdesk.storage.server.logins import (
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

#: Every table the app needs before it can be protected.
REQUIRED = ("audit_log", "app_user", "meeting", "alembic_version")
#: The triggers each kind of table carries: name -> (when, events, level, function).
DATA_TRIGGERS = (
    "reviewdesk_audit",
    "reviewdesk_stamp",
    "reviewdesk_no_truncate",
    "reviewdesk_iro_delete",
)
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


def _run(conn: Connection, sql: str) -> None:
    conn.execute(text(sql))


def current_schema(conn: Connection) -> str:
    schema = conn.execute(text("SELECT current_schema()")).scalar()
    if not schema:
        raise RuntimeError("no schema to set up: the search path names none that exists")
    return str(schema)


def apply(conn: Connection, groups: Groups) -> dict[str, TableInfo]:
    """Make every table of the current schema what its kind calls for, in the caller's
    transaction (run as the owner of the tables). Returns the tables it covered."""
    schema = current_schema(conn)
    tables = read_tables(conn)
    missing = [name for name in REQUIRED if name not in tables]
    if missing:
        raise RuntimeError(f"the schema {schema} lacks reviewdesk's tables ({', '.join(missing)})")
    # The change signal's trigger on the trail waits for the end of the transaction; while
    # any of its calls wait, PostgreSQL refuses to alter the trail's table: make them now.
    _run(conn, "SET CONSTRAINTS ALL IMMEDIATE")
    for sql in all_functions(schema, groups):
        _run(conn, sql)
    _grants(conn, schema, groups, tables)
    for info in tables.values():
        _triggers(conn, schema, info, tables)
        _policies(conn, schema, groups, info)
    return tables


def _grants(conn: Connection, schema: str, groups: Groups, tables: dict[str, TableInfo]) -> None:
    s = quote(schema)
    every = ", ".join(quote(g) for g in groups.all)
    a, i, r = (quote(g) for g in groups.all)
    for what in ("TABLES", "SEQUENCES", "FUNCTIONS"):
        _run(conn, f"REVOKE ALL ON ALL {what} IN SCHEMA {s} FROM PUBLIC, {every}")
    _run(conn, f"GRANT USAGE ON SCHEMA {s} TO {every}")
    if conn.execute(
        text(
            "SELECT nspowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) "
            "FROM pg_namespace WHERE nspname = :s"
        ),
        {"s": schema},
    ).scalar():
        # No login may create objects beside reviewdesk's in its own schema.
        _run(conn, f"REVOKE CREATE ON SCHEMA {s} FROM PUBLIC, {every}")
    for info in tables.values():
        t = f"{s}.{quote(info.name)}"
        kind = kind_of(info.name)
        sequences = [f"{s}.{quote(q)}" for q in info.sequences]
        if kind == "audit":
            _run(conn, f"GRANT SELECT, INSERT ON {t} TO {a}, {r}")
            _run(conn, f"GRANT INSERT ON {t} TO {i}")
            for q in sequences:
                _run(conn, f"GRANT USAGE ON SEQUENCE {q} TO {every}")
            continue
        _run(conn, f"GRANT SELECT ON {t} TO {every}")
        if kind in ("bookkeeping", "signal"):
            continue
        _run(conn, f"GRANT INSERT, UPDATE, DELETE ON {t} TO {a}")
        for q in sequences:
            _run(conn, f"GRANT USAGE, SELECT, UPDATE ON SEQUENCE {q} TO {a}")
        writes = IRO_WRITES.get(info.name)
        if writes is None:
            continue
        for command in writes.commands:
            if command == "UPDATE":
                columns = [c for c in (*writes.columns, *TRACKING_COLUMNS) if c in info.columns]
                listed = ", ".join(quote(c) for c in columns)
                _run(conn, f"GRANT UPDATE ({listed}) ON {t} TO {i}")
            else:
                _run(conn, f"GRANT {command} ON {t} TO {i}")
        if "INSERT" in writes.commands:
            for q in sequences:
                _run(conn, f"GRANT USAGE ON SEQUENCE {q} TO {i}")
    for signature, roles in CALLABLE.items():
        who = ", ".join(quote(groups.of(role)) for role in roles)
        _run(conn, f"GRANT EXECUTE ON FUNCTION {s}.{signature} TO {who}")


def _literal_args(args: tuple[str, ...]) -> str:
    return ", ".join(literal(a) for a in args)


def _triggers(conn: Connection, schema: str, info: TableInfo, tables: dict[str, TableInfo]):
    s = quote(schema)
    t = f"{s}.{quote(info.name)}"
    kind = kind_of(info.name)
    for name in (*DATA_TRIGGERS, *AUDIT_TRIGGERS):
        _run(conn, f"DROP TRIGGER IF EXISTS {name} ON {t}")
    if kind == "audit":
        for name, body in AUDIT_TRIGGERS.items():
            _run(conn, f"CREATE TRIGGER {name} " + body.format(t=t, s=s))
        return
    if kind == "signal":
        return  # its only writer is the trail's own trigger: auditing it would loop
    args = (",".join(info.primary_key), ",".join(info.binary_columns), *child_path(info, tables))
    _run(
        conn,
        f"CREATE TRIGGER reviewdesk_audit AFTER INSERT OR UPDATE OR DELETE ON {t} "
        f"FOR EACH ROW EXECUTE FUNCTION {s}.reviewdesk_audit_row({_literal_args(args)})",
    )
    if kind == "bookkeeping":
        return
    if info.tracked:
        _run(
            conn,
            f"CREATE TRIGGER reviewdesk_stamp BEFORE UPDATE ON {t} "
            f"FOR EACH ROW EXECUTE FUNCTION {s}.reviewdesk_stamp()",
        )
    _run(
        conn,
        f"CREATE TRIGGER reviewdesk_no_truncate BEFORE TRUNCATE ON {t} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {s}.reviewdesk_refuse_truncate()",
    )


def _policies(conn: Connection, schema: str, groups: Groups, info: TableInfo) -> None:
    s = quote(schema)
    t = f"{s}.{quote(info.name)}"
    ours = conn.execute(
        text(
            "SELECT policyname FROM pg_policies WHERE schemaname = :s AND tablename = :t "
            "AND policyname LIKE 'reviewdesk\\_%'"
        ),
        {"s": schema, "t": info.name},
    ).scalars()
    for name in list(ours):
        _run(conn, f"DROP POLICY {quote(name)} ON {t}")
    if info.name == FEED_TABLE:
        _feed_policy(conn, schema, groups)
        return
    writes = IRO_WRITES.get(info.name) if kind_of(info.name) == "data" else None
    if writes is None:
        others = conn.execute(
            text("SELECT count(*) FROM pg_policies WHERE schemaname = :s AND tablename = :t"),
            {"s": schema, "t": info.name},
        ).scalar()
        if not others:
            _run(conn, f"ALTER TABLE {t} DISABLE ROW LEVEL SECURITY")
        return
    every = ", ".join(quote(g) for g in groups.all)
    a, i = quote(groups.administrator), quote(groups.iro)
    me = f"{s}.reviewdesk_my_staff()"
    rows = "(" + writes.rows.format(schema=s, me=me) + ")"
    also = "(" + writes.check.format(schema=s, me=me) + ")"
    added = "(" + (writes.new_rows or writes.rows).format(schema=s, me=me) + ")"
    _run(conn, f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
    _run(conn, f"CREATE POLICY reviewdesk_read ON {t} FOR SELECT TO {every} USING (true)")
    _run(
        conn,
        f"CREATE POLICY reviewdesk_administrator ON {t} FOR ALL TO {a} "
        "USING (true) WITH CHECK (true)",
    )
    for command in writes.commands:
        name = f"reviewdesk_iro_{command.lower()}"
        if command == "INSERT":
            _run(
                conn,
                f"CREATE POLICY {name} ON {t} FOR INSERT TO {i} WITH CHECK ({added} AND {also})",
            )
        elif command == "UPDATE":
            # USING (true): an IRO's UPDATE of another's row is an error (the new row fails
            # the check), not a silent "0 rows"; they cannot change the columns that say
            # whose the row is, so the new row's owner is the old row's.
            _run(
                conn,
                f"CREATE POLICY {name} ON {t} FOR UPDATE TO {i} USING (true) "
                f"WITH CHECK ({rows} AND {also})",
            )
        else:
            # USING (true) as for UPDATE: the trigger refuses an IRO's DELETE of another's
            # row with an error (a policy would only hide it: "0 rows", without a word).
            _run(conn, f"CREATE POLICY {name} ON {t} FOR DELETE TO {i} USING (true)")
            _run(
                conn,
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


def _feed_policy(conn: Connection, schema: str, groups: Groups) -> None:
    """The change feed: row-level security on, every group reading by `FEED_READABLE`."""
    s = quote(schema)
    t = f"{s}.{quote(FEED_TABLE)}"
    every = ", ".join(quote(g) for g in groups.all)
    readable = FEED_READABLE.format(s=s, t=t)
    _run(conn, f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
    _run(conn, f"CREATE POLICY reviewdesk_read ON {t} FOR SELECT TO {every} USING ({readable})")


# --- checking ------------------------------------------------------------------------------


def problems(conn: Connection, groups: Groups) -> list[str]:
    """What is not as `apply` makes it, table by table ([] when all is well)."""
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
    return found + deactivated_with_access(conn, groups)


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


__all__ = ["apply", "current_schema", "deactivated_with_access", "problems"]
