"""The SQL functions a shared server runs: the audit triggers, the stamps, the guard of the
append-only trail, the IRO's staff record and deletes, and memberships.

Each is created in reviewdesk's own schema, owned by the database's owner, with its search
path fixed (``pg_catalog`` first) so that nothing a login creates can stand in for what they
call. Those marked SECURITY DEFINER run with the owner's rights; the rest with the caller's.
Identity is always ``session_user``: the login the server authenticated, which neither
``SET ROLE`` nor an environment variable changes.

The maintenance path (the only way to change or delete audit entries): the owner, in one
transaction, ``SET LOCAL reviewdesk.audit_maintenance = 'on'`` and then DELETE or UPDATE;
the trail then records who did that, when, and how many entries (README, "Your data").
"""

from __future__ import annotations

from reviewdesk.codes import Role
from reviewdesk.storage.server.logins import SPECIAL_NAMES, SPECIAL_PREFIXES, Groups
from reviewdesk.storage.server.names import literal, quote

MAINTENANCE_SETTING = "reviewdesk.audit_maintenance"
#: The entries a login that is not an administrator may add to the trail itself: the record
#: that data left reviewdesk (an export, a printed document). Add a verb here only for an
#: action the app lets IROs or team managers do that is not a change to a record.
OWN_ENTRIES = ("export",)
#: SQLSTATE insufficient_privilege: drivers and psql show it as a permission error.
DENIED = "42501"


def _header(
    schema: str, name: str, returns: str, *, definer: bool, language: str = "plpgsql"
) -> str:
    security = "SECURITY DEFINER" if definer else "SECURITY INVOKER"
    stable = "STABLE " if language == "sql" else ""
    return (
        f"CREATE OR REPLACE FUNCTION {quote(schema)}.{name} RETURNS {returns} "
        f"LANGUAGE {language} {stable}{security} SET search_path = pg_catalog, pg_temp AS "
    )


def audit_row(schema: str) -> str:
    """AFTER INSERT, UPDATE or DELETE of a data row: one audit entry, as the app writes
    them (create/update/delete; for an update only the values that changed; the tracking
    columns left out; binary values as their size), naming the login and the child.

    Trigger arguments: the primary key's columns ("a,b"), the binary columns, then the
    child path (`tables.child_path`)."""
    s = quote(schema)
    return (
        _header(schema, "reviewdesk_audit_row()", "trigger", definer=True)
        + f"""$fn$
DECLARE
  bookkeeping CONSTANT text[] := ARRAY['version', 'updated_by', 'updated_at'];
  old_row jsonb;
  new_row jsonb;
  row_values jsonb;
  before_values jsonb;
  after_values jsonb;
  verb text;
  column_name text;
  record text;
  child_text text;
  hop_value text;
  next_column text;
  i integer;
  n integer;
BEGIN
  IF TG_OP <> 'INSERT' THEN old_row := to_jsonb(OLD) - bookkeeping; END IF;
  IF TG_OP <> 'DELETE' THEN new_row := to_jsonb(NEW) - bookkeeping; END IF;
  IF TG_OP = 'INSERT' THEN
    verb := 'create'; after_values := new_row; row_values := new_row;
  ELSIF TG_OP = 'DELETE' THEN
    verb := 'delete'; before_values := old_row; row_values := old_row;
  ELSE
    verb := 'update'; row_values := new_row;
    SELECT jsonb_object_agg(k, old_row -> k), jsonb_object_agg(k, new_row -> k)
      INTO before_values, after_values
      FROM jsonb_object_keys(new_row) AS k
     WHERE (old_row -> k) IS DISTINCT FROM (new_row -> k);
    IF after_values IS NULL THEN
      RETURN NULL;  -- only the version and stamps changed
    END IF;
  END IF;

  FOREACH column_name IN ARRAY coalesce(string_to_array(nullif(TG_ARGV[1], ''), ','), '{{}}')
  LOOP
    IF jsonb_typeof(before_values -> column_name) = 'string' THEN
      before_values := before_values || jsonb_build_object(column_name,
        format('<%s bytes>', (length(before_values ->> column_name) - 2) / 2));
    END IF;
    IF jsonb_typeof(after_values -> column_name) = 'string' THEN
      after_values := after_values || jsonb_build_object(column_name,
        format('<%s bytes>', (length(after_values ->> column_name) - 2) / 2));
    END IF;
  END LOOP;

  SELECT string_agg(row_values ->> k, ',' ORDER BY o) INTO record
    FROM unnest(string_to_array(nullif(TG_ARGV[0], ''), ',')) WITH ORDINALITY AS p(k, o);

  IF TG_ARGV[2] = 'self' THEN
    child_text := row_values ->> 'id';
  ELSIF TG_ARGV[2] = 'column' THEN
    child_text := row_values ->> 'child_id';
  ELSIF TG_ARGV[2] = 'via' THEN
    -- Follow the foreign keys: (column, table, key, key type) per hop; TG_ARGV[3] is the
    -- column of the last table that holds the child's id.
    child_text := row_values ->> TG_ARGV[4];
    i := 4;
    WHILE child_text IS NOT NULL AND i + 3 < TG_NARGS LOOP
      next_column := CASE WHEN i + 7 < TG_NARGS THEN TG_ARGV[i + 4] ELSE TG_ARGV[3] END;
      EXECUTE format('SELECT %I::text FROM %I.%I WHERE %I = CAST($1 AS %s)',
                     next_column, TG_TABLE_SCHEMA, TG_ARGV[i + 1], TG_ARGV[i + 2],
                     TG_ARGV[i + 3])
        INTO hop_value USING child_text;
      GET DIAGNOSTICS n = ROW_COUNT;
      IF n = 0 THEN
        -- That row is gone (deleted by the same statement, a cascade): its own audit
        -- entries know its child.
        SELECT a.child_id::text INTO hop_value FROM {s}.audit_log a
         WHERE a.table_name = TG_ARGV[i + 1] AND a.record_id = child_text
           AND a.child_id IS NOT NULL
         ORDER BY a.id DESC LIMIT 1;
        child_text := hop_value;
        EXIT;
      END IF;
      child_text := hop_value;
      i := i + 4;
    END LOOP;
  END IF;

  INSERT INTO {s}.audit_log
    (at, username, action, table_name, record_id, child_id, before, after)
  VALUES (now(), session_user, verb, left(TG_TABLE_NAME, 50), left(coalesce(record, ''), 50),
          CAST(child_text AS integer), CAST(before_values AS json), CAST(after_values AS json));
  RETURN NULL;
END
$fn$"""
    )


def stamp(schema: str) -> str:
    """BEFORE UPDATE of an edited record: the database stamps it. For any login but the
    owner, whatever the statement says: the version goes up by exactly one (what the app's
    lost-update check sets, so a change made outside the app is seen, and none can move a
    version back to where an out-of-date save would pass), ``updated_by`` is the login and
    ``updated_at`` the time now (none can backdate a record without an entry in the trail:
    the trail leaves those three out). The owner's (a migration's) are its own, but for
    the login."""
    return (
        _header(schema, "reviewdesk_stamp()", "trigger", definer=False)
        + """$fn$
BEGIN
  NEW.updated_by := session_user;
  IF current_user = (SELECT pg_get_userbyid(c.relowner) FROM pg_class c WHERE c.oid = TG_RELID)
  THEN
    IF NEW.version IS NOT DISTINCT FROM OLD.version THEN
      NEW.version := coalesce(OLD.version, 0) + 1;
    END IF;
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
      NEW.updated_at := now();
    END IF;
    RETURN NEW;
  END IF;
  NEW.version := coalesce(OLD.version, 0) + 1;
  NEW.updated_at := now();
  RETURN NEW;
END
$fn$"""
    )


def _maintenance_allowed() -> str:
    """SQL: this transaction asked for audit maintenance, and its login may act as the
    table's owner."""
    return (
        f"current_setting({literal(MAINTENANCE_SETTING)}, true) = 'on' AND "
        "pg_has_role(session_user, "
        "(SELECT pg_get_userbyid(c.relowner) FROM pg_class c WHERE c.oid = TG_RELID), 'MEMBER')"
    )


def audit_frozen(schema: str) -> str:
    """BEFORE UPDATE, DELETE (per row) and TRUNCATE of the audit trail: refused, whoever
    asks, the owner included, except on the documented maintenance path (never TRUNCATE)."""
    return (
        _header(schema, "reviewdesk_audit_frozen()", "trigger", definer=False)
        + f"""$fn$
BEGIN
  IF TG_OP <> 'TRUNCATE' AND {_maintenance_allowed()} THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  RAISE EXCEPTION 'reviewdesk: the audit trail is append-only; % refused for %',
    TG_OP, session_user
    USING ERRCODE = '{DENIED}',
          HINT = 'Only its owner may change it, on the maintenance path in the README.';
END
$fn$"""
    )


def audit_maintained(schema: str) -> str:
    """AFTER a maintenance UPDATE or DELETE of the trail (per statement): one entry saying
    who did it, when, and which entries."""
    s = quote(schema)
    return (
        _header(schema, "reviewdesk_audit_maintained()", "trigger", definer=True)
        + f"""$fn$
DECLARE
  entries bigint;
  first_id bigint;
  last_id bigint;
BEGIN
  SELECT count(*), min(id), max(id) INTO entries, first_id, last_id FROM changed_entries;
  IF entries > 0 THEN
    INSERT INTO {s}.audit_log (at, username, action, table_name, record_id, after)
    VALUES (now(), session_user, 'maintenance', 'audit_log', '*',
            json_build_object('what', lower(TG_OP), 'entries', entries,
                              'from_id', first_id, 'to_id', last_id));
  END IF;
  RETURN NULL;
END
$fn$"""
    )


def audit_insert(schema: str, groups: Groups) -> str:
    """BEFORE INSERT into the trail: ``recorded_by`` is always the login that wrote it.
    The database's own triggers (running as the owner) write what they like. An
    administrator adds the entries of their actions (an import's summary, a backup, a
    restore) and may add entries of other names and times (a restore appends the trail of
    the database it replaced), which keep who recorded them. Anyone else adds only the
    record that data left reviewdesk (`OWN_ENTRIES`), in their own name, now."""
    own = ", ".join(literal(verb) for verb in OWN_ENTRIES)
    return (
        _header(schema, "reviewdesk_audit_insert()", "trigger", definer=False)
        + f"""$fn$
BEGIN
  NEW.recorded_by := session_user;
  IF current_user = (SELECT pg_get_userbyid(c.relowner) FROM pg_class c WHERE c.oid = TG_RELID)
  THEN
    RETURN NEW;
  END IF;
  IF pg_has_role(session_user, {literal(groups.administrator)}, 'USAGE') THEN
    NEW.username := coalesce(NEW.username, session_user);
    NEW.at := coalesce(NEW.at, now());
    RETURN NEW;
  END IF;
  IF NEW.action IS NULL OR NOT NEW.action = ANY (ARRAY[{own}]) THEN
    RAISE EXCEPTION 'reviewdesk: % may add to the audit trail only the record that data '
                    'left reviewdesk; changes to records are audited by the database itself',
                    session_user
      USING ERRCODE = '{DENIED}';
  END IF;
  NEW.username := session_user;
  NEW.at := now();
  RETURN NEW;
END
$fn$"""
    )


def refuse_truncate(schema: str) -> str:
    """BEFORE TRUNCATE of a data table: TRUNCATE would remove rows without a trace (row
    triggers do not see it); DELETE is audited."""
    return (
        _header(schema, "reviewdesk_refuse_truncate()", "trigger", definer=False)
        + f"""$fn$
BEGIN
  IF {_maintenance_allowed()} THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'reviewdesk: TRUNCATE of % is refused: use DELETE, which is audited',
    TG_TABLE_NAME USING ERRCODE = '{DENIED}';
END
$fn$"""
    )


def iro_delete(schema: str, groups: Groups) -> str:
    """BEFORE DELETE (per row) of a table IROs may delete from: an IRO deleting a row that
    is not theirs is refused with a permission error, as an UPDATE of one is, rather than
    deleting nothing without a word (a row-level policy only hides rows from a DELETE).

    Trigger argument: the condition (`tables.IroWrites`'s ``rows``, written for the table)
    a row must meet for an IRO to delete it."""
    return (
        _header(schema, "reviewdesk_iro_delete()", "trigger", definer=False)
        + f"""$fn$
DECLARE
  allowed boolean;
BEGIN
  IF pg_has_role(current_user, {literal(groups.iro)}, 'USAGE')
     AND NOT pg_has_role(current_user, {literal(groups.administrator)}, 'USAGE') THEN
    -- The condition, on the row being deleted (named as its table, as in the policy).
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM (SELECT ($1).*) AS %I WHERE (%s))',
                   TG_TABLE_NAME, TG_ARGV[0])
      INTO allowed USING OLD;
    IF NOT allowed THEN
      RAISE EXCEPTION 'reviewdesk: % may not delete this row of %: it is not theirs',
        session_user, TG_TABLE_NAME
        USING ERRCODE = '{DENIED}';
    END IF;
  END IF;
  RETURN OLD;
END
$fn$"""
    )


def my_staff(schema: str) -> str:
    """The staff record linked to this login's active user (an IRO's meetings are those
    it chairs), for the row-level policies."""
    s = quote(schema)
    return _header(schema, "reviewdesk_my_staff()", "integer", definer=True, language="sql") + (
        f"$fn$ SELECT u.staff_id FROM {s}.app_user u "
        "WHERE u.username = session_user AND u.active $fn$"
    )


def child_gone(schema: str) -> str:
    """Whether no child has this id (any more), whatever the login may read: the change
    feed's policy shows a login the changes of a child it may read, or of one deleted
    (`reviewdesk.storage.server.apply`), never of one hidden from it."""
    s = quote(schema)
    return _header(
        schema, "reviewdesk_child_gone(integer)", "boolean", definer=True, language="sql"
    ) + (f"$fn$ SELECT NOT EXISTS (SELECT 1 FROM {s}.child c WHERE c.id = $1) $fn$")


def _special_name(column: str) -> str:
    """SQL: ``column`` is a name SQL or pg_hba.conf reads as something other than a
    person's login (`logins.is_special`, from the same two lists)."""
    names = ", ".join(literal(n) for n in sorted(SPECIAL_NAMES))
    prefixes = " OR ".join(f"left({column}, {len(p)}) = {literal(p)}" for p in SPECIAL_PREFIXES)
    return f"(lower({column}) = ANY (ARRAY[{names}]) OR {prefixes})"


def set_login(schema: str, groups: Groups) -> str:
    """Give a login one reviewdesk group (or none), creating it (LOGIN, no password) if the
    server has no such role and the caller allows it. Runs as the owner, for an
    administrator (or the owner) only; touches only reviewdesk's own groups, never gives one
    to a name that is not a person's login (`logins.is_special`: ``pg_...``, ``public``...).

    Each change (a login made, or its groups other than before) is audited here, in the
    caller's name (``session_user``), as the app's user actions are: a change of role made
    with psql is in the trail all the same. The entry: action ``login`` on the user's row of
    ``app_user`` (no record id when the login is not on the list), the login's reviewdesk
    groups before and after, and whether the login was made now."""
    s = quote(schema)
    a, i, r = (literal(g) for g in groups.all)
    return (
        _header(
            schema,
            "reviewdesk_set_login(login text, kind text, may_create boolean)",
            "text",
            definer=True,
        )
        + f"""$fn$
DECLARE
  owner_name text := (SELECT pg_get_userbyid(c.relowner) FROM pg_class c
                       WHERE c.oid = CAST('{s}.app_user' AS regclass));
  wanted text;
  g text;
  done text := 'mapped';
  groups_before text[];
  groups_after text[];
  user_id text;
BEGIN
  {_administrator_check(a, "owner_name")}
  IF login IS NULL THEN
    RAISE EXCEPTION 'reviewdesk: no login given';
  END IF;
  wanted := CASE kind WHEN 'administrator' THEN {a} WHEN 'iro' THEN {i}
                      WHEN 'team_manager' THEN {r} WHEN 'none' THEN NULL END;
  IF kind IS DISTINCT FROM 'none' AND wanted IS NULL THEN
    RAISE EXCEPTION 'reviewdesk: no such role %', kind;
  END IF;
  IF login IN ({a}, {i}, {r}, owner_name) THEN
    RAISE EXCEPTION 'reviewdesk: % is one of reviewdesk''s own roles, not a person''s login', login
      USING ERRCODE = '{DENIED}';
  END IF;
  IF wanted IS NOT NULL AND {_special_name("login")} THEN
    RAISE EXCEPTION 'reviewdesk: user name %: PostgreSQL (or its pg_hba.conf) gives that '
                    'name a meaning of its own, so it cannot be a person''s login', login
      USING ERRCODE = '{DENIED}';
  END IF;
  groups_before := ARRAY(
    SELECT gr.rolname::text FROM pg_auth_members m
      JOIN pg_roles gr ON gr.oid = m.roleid JOIN pg_roles mr ON mr.oid = m.member
     WHERE mr.rolname = login AND gr.rolname IN ({a}, {i}, {r}) ORDER BY gr.rolname);
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login) THEN
    IF wanted IS NULL THEN
      RETURN 'absent';  -- no login, so no group to take away
    END IF;
    IF NOT may_create THEN
      RAISE EXCEPTION 'reviewdesk: the server has no login %', login USING ERRCODE = '42704';
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN', login);
    done := 'created';
  ELSIF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login AND rolsuper) THEN
    RAISE EXCEPTION 'reviewdesk: % is a superuser, which no group can limit', login
      USING ERRCODE = '{DENIED}';
  END IF;
  FOREACH g IN ARRAY ARRAY[{a}, {i}, {r}] LOOP
    IF g IS DISTINCT FROM wanted AND EXISTS (
        SELECT 1 FROM pg_auth_members m
         WHERE m.roleid = (SELECT oid FROM pg_roles WHERE rolname = g)
           AND m.member = (SELECT oid FROM pg_roles WHERE rolname = login)) THEN
      EXECUTE format('REVOKE %I FROM %I', g, login);
    END IF;
  END LOOP;
  IF wanted IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM pg_auth_members m
       WHERE m.roleid = (SELECT oid FROM pg_roles WHERE rolname = wanted)
         AND m.member = (SELECT oid FROM pg_roles WHERE rolname = login)) THEN
    EXECUTE format('GRANT %I TO %I', wanted, login);
  END IF;
  groups_after := ARRAY(
    SELECT gr.rolname::text FROM pg_auth_members m
      JOIN pg_roles gr ON gr.oid = m.roleid JOIN pg_roles mr ON mr.oid = m.member
     WHERE mr.rolname = login AND gr.rolname IN ({a}, {i}, {r}) ORDER BY gr.rolname);
  IF done = 'created' OR groups_after IS DISTINCT FROM groups_before THEN
    SELECT u.id::text INTO user_id FROM {s}.app_user u WHERE u.username = login;
    INSERT INTO {s}.audit_log (at, username, action, table_name, record_id, before, after)
    VALUES (now(), session_user, 'login', 'app_user', coalesce(user_id, ''),
            json_build_object('username', login, 'groups', to_json(groups_before)),
            json_build_object('username', login, 'groups', to_json(groups_after),
                              'login', CASE WHEN done = 'created' THEN 'created'
                                            ELSE 'the server''s own' END));
  END IF;
  RETURN done;
END
$fn$"""
    )


def _administrator_check(a: str, owner: str) -> str:
    """PL/pgSQL: refuse anyone but an administrator (a member of the group ``a``, an SQL
    literal, by its own memberships) or the owner (``owner``: an expression)."""
    return f"""IF NOT (pg_has_role(session_user, {a}, 'USAGE')
          OR pg_has_role(session_user, {owner}, 'MEMBER')) THEN
    RAISE EXCEPTION 'reviewdesk: % is not an administrator of this database', session_user
      USING ERRCODE = '{DENIED}';
  END IF;"""


def end_sessions(schema: str, groups: Groups) -> str:
    """End a login's open sessions on this database (after its group was taken away: a
    session that had taken the group's role with SET ROLE keeps it, as PostgreSQL checks
    membership only then). Runs as the owner, for an administrator only; ends sessions only
    as far as the owner may (a member of pg_signal_backend, which `reviewdesk server init`
    gives it where it can). Returns how many it ended and how many it could not end."""
    s = quote(schema)
    a, i, r = (literal(g) for g in groups.all)
    return (
        _header(
            schema,
            "reviewdesk_end_sessions(login text, OUT ended integer, OUT still_open integer)",
            "record",
            definer=True,
        )
        + f"""$fn$
DECLARE
  owner_name text := (SELECT pg_get_userbyid(c.relowner) FROM pg_class c
                       WHERE c.oid = CAST('{s}.app_user' AS regclass));
  backend integer;
BEGIN
  {_administrator_check(a, "owner_name")}
  IF login IS NULL OR login IN ({a}, {i}, {r}, owner_name) THEN
    RAISE EXCEPTION 'reviewdesk: % is not a person''s login', login USING ERRCODE = '{DENIED}';
  END IF;
  ended := 0;
  still_open := 0;
  FOR backend IN
    SELECT a.pid FROM pg_stat_activity a
     WHERE a.usename = login AND a.datname = current_database() AND a.pid <> pg_backend_pid()
  LOOP
    BEGIN
      IF pg_terminate_backend(backend) THEN
        ended := ended + 1;
      END IF;
    EXCEPTION WHEN insufficient_privilege THEN
      still_open := still_open + 1;
    END;
  END LOOP;
END
$fn$"""
    )


def user_list(schema: str, groups: Groups) -> str:
    """BEFORE INSERT, UPDATE or DELETE of the user list (``app_user``): changed only by a
    login that is an administrator by its own memberships now (a session that took the
    administrators' role with SET ROLE before its login lost the group is refused), and no
    login but the owner puts itself on the list, makes itself active again or changes its
    own role while deactivated (`reviewdesk server init` gives an active user's login its
    group back)."""
    return (
        _header(schema, "reviewdesk_user_list()", "trigger", definer=False)
        + f"""$fn$
DECLARE
  owner_name text := (SELECT pg_get_userbyid(c.relowner) FROM pg_class c
                       WHERE c.oid = TG_RELID);
BEGIN
  IF pg_has_role(session_user, owner_name, 'MEMBER') THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF NOT pg_has_role(session_user, {literal(groups.administrator)}, 'USAGE') THEN
    RAISE EXCEPTION 'reviewdesk: % is not an administrator of this database (any more): '
                    'only an administrator changes the user list', session_user
      USING ERRCODE = '{DENIED}';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  IF NEW.username = session_user AND (
       TG_OP = 'INSERT' OR OLD.username IS DISTINCT FROM NEW.username
       OR (NEW.active AND NOT OLD.active)
       OR (NOT OLD.active AND NEW.role IS DISTINCT FROM OLD.role)) THEN
    RAISE EXCEPTION 'reviewdesk: % may not put themselves on the user list, reactivate '
                    'themselves or change their own role while deactivated: another '
                    'administrator must', session_user
      USING ERRCODE = '{DENIED}';
  END IF;
  RETURN NEW;
END
$fn$"""
    )


def all_functions(schema: str, groups: Groups) -> list[str]:
    """Every function, in an order that creates each before it is used."""
    return [
        my_staff(schema),
        child_gone(schema),
        audit_row(schema),
        stamp(schema),
        audit_frozen(schema),
        audit_maintained(schema),
        audit_insert(schema, groups),
        refuse_truncate(schema),
        iro_delete(schema, groups),
        set_login(schema, groups),
        end_sessions(schema, groups),
        user_list(schema, groups),
    ]


#: Functions the groups may call (the rest are triggers): signature -> whose group may.
CALLABLE: dict[str, tuple[Role, ...]] = {
    "reviewdesk_my_staff()": (Role.IRO,),
    "reviewdesk_child_gone(integer)": (Role.ADMINISTRATOR, Role.IRO, Role.TEAM_MANAGER),
    "reviewdesk_set_login(text, text, boolean)": (Role.ADMINISTRATOR,),
    "reviewdesk_end_sessions(text)": (Role.ADMINISTRATOR,),
}

__all__ = [
    "CALLABLE",
    "DENIED",
    "MAINTENANCE_SETTING",
    "all_functions",
]
