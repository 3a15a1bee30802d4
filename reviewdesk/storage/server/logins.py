"""Who is who on a shared PostgreSQL server: reviewdesk's three group roles, the database's
owner, the role a login has, and giving a login its group.

The groups are named per database (`Groups`), kept in the table ``reviewdesk_server`` that
`reviewdesk server init` makes; a database without that table is not set up for a team
(`groups_of` says None) and the app's own user list decides on its own, as on SQLite.

On a server that is set up, the memberships are the truth: a login's role is the group it
belongs to (directly, or through another role such as an Active Directory group), the
owner of the tables (and a superuser) is an administrator, and a login in no group has no
role (and no access to the data at all). Memberships change only through
``reviewdesk_set_login``, a function that runs as the owner, checks that whoever calls
it is an administrator, gives no group to a name that is not a person's login
(`is_special`) and audits every change in the caller's name; the user actions call it in
their own transaction (`set_login`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from reviewdesk.codes import Role
from reviewdesk.errors import InvalidInput, ReviewdeskError
from reviewdesk.storage.server.names import literal, quote

#: The table that marks a database set up for a team, and names its groups.
CONFIG_TABLE = "reviewdesk_server"
#: The table where `apply` records what it made (its one row, readable by every login).
PROTECTION_TABLE = "reviewdesk_protection"
#: A PostgreSQL identifier is at most 63 bytes.
NAME_LIMIT = 63
#: What each group is called after the prefix.
SUFFIXES = {
    Role.ADMINISTRATOR: "administrator",
    Role.IRO: "iro",
    Role.TEAM_MANAGER: "readonly",
}
#: Names SQL or pg_hba.conf read as something other than a login ("+name" is a group there,
#: "@name" a file): a login so named would be granted or matched by mistake.
SPECIAL_NAMES = frozenset(
    {
        "all",
        "public",
        "none",
        "current_user",
        "current_role",
        "session_user",
        "user",
        "sameuser",
        "samerole",
        "samegroup",
        "replication",
    }
)
#: Beginnings that make a name something other than a login: "+name" (a group in
#: pg_hba.conf), "@name" (a file there) and "pg_" (PostgreSQL's own roles, such as
#: pg_execute_server_program).
SPECIAL_PREFIXES = ("+", "@", "pg_")


def is_special(name: str) -> bool:
    """Whether ``name`` is one SQL or pg_hba.conf reads as something other than a person's
    login (`SPECIAL_NAMES`, `SPECIAL_PREFIXES`): it may be given no group. The owner's
    ``reviewdesk_set_login`` applies the same rule, written from these two."""
    return name.lower() in SPECIAL_NAMES or name.startswith(SPECIAL_PREFIXES)


#: "... the rights of {words}".
ROLE_AS_WORDS: dict[Role | None, str] = {
    Role.ADMINISTRATOR: "an administrator",
    Role.IRO: "an IRO",
    Role.TEAM_MANAGER: "a read-only user",
    None: "no role",
}
_SAFE_PREFIX = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass(frozen=True)
class Groups:
    """The three group roles of one database: administrators, IROs, and read-only users
    (team managers: they read everything, the audit trail included)."""

    administrator: str
    iro: str
    read_only: str

    @classmethod
    def from_prefix(cls, prefix: str) -> Groups:
        prefix = prefix.strip().lower()
        longest = max(len(s) for s in SUFFIXES.values()) + 1
        if not _SAFE_PREFIX.match(prefix) or len(prefix) + longest > NAME_LIMIT:
            raise InvalidInput(
                f"--prefix {prefix!r}: give lower-case letters, digits and _ (starting with a "
                f"letter, at most {NAME_LIMIT - longest} characters), e.g. childrens_reviews"
            )
        return cls(*(f"{prefix}_{SUFFIXES[role]}" for role in SUFFIXES))

    def of(self, role: Role) -> str:
        return {
            Role.ADMINISTRATOR: self.administrator,
            Role.IRO: self.iro,
            Role.TEAM_MANAGER: self.read_only,
        }[role]

    @property
    def all(self) -> tuple[str, str, str]:
        return (self.administrator, self.iro, self.read_only)


def default_prefix(conn: Connection) -> str:
    """The database's name, and its schema's unless that is ``public``: two reviewdesk
    databases on one server get groups of their own."""
    database, schema = conn.execute(text("SELECT current_database(), current_schema()")).one()
    parts = [database] if schema in (None, "public") else [database, schema]
    prefix = re.sub(r"[^a-z0-9_]+", "_", "_".join(parts).lower()).strip("_") or "reviewdesk"
    if not prefix[0].isalpha():
        prefix = f"rd_{prefix}"
    return prefix[: NAME_LIMIT - len("_administrator")].rstrip("_")


def is_postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def groups_of(conn: Connection) -> Groups | None:
    """The groups of a database set up with `reviewdesk server init`; None for SQLite and
    for a PostgreSQL database that is not set up for a team."""
    if not is_postgres(conn):
        return None
    found = conn.execute(text("SELECT to_regclass(:t)"), {"t": CONFIG_TABLE}).scalar()
    if found is None:
        return None
    names = dict(conn.execute(text(f"SELECT kind, role_name FROM {CONFIG_TABLE}")).all())
    try:
        return Groups(names["administrator"], names["iro"], names["read_only"])
    except KeyError:
        return None


def owner_of(conn: Connection) -> str | None:
    """The login that owns reviewdesk's tables here (it made them): the only one that may
    upgrade the schema. None before there are any."""
    return conn.execute(
        text(
            "SELECT pg_get_userbyid(relowner) FROM pg_class "
            "WHERE oid = to_regclass('alembic_version')"
        )
    ).scalar()


def acts_as_owner(conn: Connection, owner: str) -> bool:
    """Whether this connection's login is the owner, or may become it (a member of the
    owner's role, or a superuser)."""
    return bool(
        conn.execute(
            text("SELECT pg_has_role(session_user, :owner, 'MEMBER')"), {"owner": owner}
        ).scalar()
    )


class NotTheOwner(ReviewdeskError):
    """Only the owner of reviewdesk's tables may change the schema or its protection."""

    exit_code = 2


def session_login(conn: Connection) -> str:
    return str(conn.execute(text("SELECT session_user")).scalar_one())


def become_owner(conn: Connection, owner: str, doing: str) -> None:
    """Act as ``owner`` for the rest of this transaction (what the schema's changes need,
    so that every table keeps one owner): at once if this login is the owner, through
    ``SET LOCAL ROLE`` if it may become the owner; otherwise `NotTheOwner`, saying who to
    ask. ``doing`` completes "only its owner may ..."."""
    current = str(conn.execute(text("SELECT current_user")).scalar_one())
    if current == owner:
        return
    if not acts_as_owner(conn, owner):
        raise NotTheOwner(
            f"Only the owner of this reviewdesk database, the PostgreSQL login {owner}, may "
            f"{doing}; you are {session_login(conn)}. Nothing was changed."
        )
    conn.execute(text(f"SET LOCAL ROLE {quote(owner)}"))


def no_access(conn: Connection) -> str | None:
    """Why this login cannot use the reviewdesk tables of its search path's schema (it has
    no group there, or lost it), or None. Without this the tables would just look absent."""
    row = conn.execute(
        text(
            "SELECT n.nspname, has_schema_privilege(n.oid, 'USAGE'),"
            " has_table_privilege(c.oid, 'SELECT') "
            "FROM unnest(string_to_array(current_setting('search_path'), ',')) "
            "  WITH ORDINALITY AS p(name, o) "
            "JOIN pg_namespace n ON n.nspname = replace(trim(both ' \"' FROM p.name), "
            "  '$user', session_user) "
            "JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = 'alembic_version' "
            "ORDER BY p.o LIMIT 1"
        )
    ).first()
    if row is None or (row[1] and row[2]):
        return None
    return (
        f"The PostgreSQL login {session_login(conn)} may not use this reviewdesk database: "
        "it is in none of its groups (or was deactivated). Ask a reviewdesk administrator "
        f"to add it: reviewdesk users add {session_login(conn)} --role ..."
    )


def login_role(conn: Connection, groups: Groups, login: str) -> Role | None:
    """The role the server gives ``login``: the owner and superusers are administrators;
    otherwise the first group it has the privileges of (administrator, IRO, read-only);
    None when it has none of them."""
    owner = owner_of(conn)
    row = conn.execute(
        text(
            "SELECT r.rolsuper OR (CAST(:owner AS text) IS NOT NULL "
            "  AND pg_has_role(r.oid, CAST(:owner AS text), 'MEMBER')),"
            " pg_has_role(r.oid, :a, 'USAGE'), pg_has_role(r.oid, :i, 'USAGE'),"
            " pg_has_role(r.oid, :r, 'USAGE') "
            "FROM pg_roles r WHERE r.rolname = :login"
        ),
        {
            "owner": owner,
            "a": groups.administrator,
            "i": groups.iro,
            "r": groups.read_only,
            "login": login,
        },
    ).first()
    if row is None:
        return None
    owns, admin, iro, reader = row
    if owns or admin:
        return Role.ADMINISTRATOR
    if iro:
        return Role.IRO
    if reader:
        return Role.TEAM_MANAGER
    return None


@dataclass(frozen=True)
class LoginChange:
    """What `set_login` did: made a new login, or used one the server already had (or
    found none, when taking a group away), and its reviewdesk groups before and after."""

    login: str
    created: bool
    can_log_in: bool
    exists: bool = True
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    #: The role the server gives the login now, and the roles that are not reviewdesk's
    #: (a directory group, say) through which it has one that was not asked for.
    role_now: Role | None = None
    kept_by: tuple[str, ...] = ()
    #: The role asked for (None: no group).
    wanted: Role | None = None
    #: After a group was taken away (`end_sessions`): the login's open sessions ended,
    #: and those the server did not let reviewdesk end (None: it could not tell).
    sessions_ended: int = 0
    sessions_open: int | None = 0

    @property
    def took_a_group_away(self) -> bool:
        return bool(set(self.before) - set(self.after))

    @property
    def sessions_note(self) -> str | None:
        """What to tell of the login's open sessions (after a group was taken away), or
        None when it had none."""
        if self.sessions_open is None or self.sessions_open:
            n = self.sessions_open
            which = (
                f"the server did not let reviewdesk end {n} open session(s) of {self.login}"
                if n
                else f"reviewdesk could not tell whether {self.login} has sessions open (the "
                "server's protection is older than this version)"
            )
            return (
                f"close their open sessions: {which}, in which the login may keep the rights "
                "it had until they close. Ask the server's administrator to run: SELECT "
                "pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = "
                f"{literal(self.login)}; (reviewdesk does it itself once the database's owner "
                "is a member of pg_signal_backend: see `reviewdesk server init`)"
            )
        if self.sessions_ended:
            return f"{self.sessions_ended} open session(s) of {self.login} were ended."
        return None

    @property
    def changed(self) -> bool:
        return self.created or self.before != self.after

    @property
    def warning(self) -> str | None:
        """What the server still lets the login do beyond what was asked (its membership
        of another role, which only the server's administrator can change), or None."""
        if self.role_now is self.wanted:
            return None
        through = (
            f"its membership of {', '.join(self.kept_by)}"
            if self.kept_by
            else "an attribute or membership the server's administrator gave it"
        )
        return (
            f"the server still gives the login {self.login} the rights of "
            f"{ROLE_AS_WORDS[self.role_now]} through {through}, which reviewdesk does not "
            "manage: until the server's administrator takes that away (or the directory "
            f"group behind it), the database lets {self.login} do what that role may."
        )


def direct_groups(conn: Connection, groups: Groups, login: str) -> tuple[str, ...]:
    """The reviewdesk groups ``login`` is a member of itself (not through another role)."""
    return tuple(
        conn.execute(
            text(
                "SELECT g.rolname FROM pg_auth_members m "
                "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member "
                "WHERE r.rolname = :login AND g.rolname = ANY(:groups) ORDER BY g.rolname"
            ),
            {"login": login, "groups": list(groups.all)},
        ).scalars()
    )


def set_login(
    conn: Connection, login: str, role: Role | None, *, create: bool = True
) -> LoginChange:
    """Make ``login`` a member of ``role``'s group only (None: of none of them), creating
    the login (without a password) when the server has none and ``create`` is set. Runs in
    the caller's transaction, through the owner's ``reviewdesk_set_login``, which refuses
    anyone but an administrator."""
    if len(login.encode()) > NAME_LIMIT:
        raise InvalidInput(
            f"user name {login!r}: a PostgreSQL login has at most {NAME_LIMIT} bytes"
        )
    if is_special(login) and role is not None:  # taking every group away is always allowed
        raise InvalidInput(
            f"user name {login!r}: PostgreSQL (or its pg_hba.conf) gives that name a meaning "
            "of its own, so it cannot be a person's login; choose another"
        )
    kind = role.value if role is not None else "none"
    groups = groups_of(conn)
    before = direct_groups(conn, groups, login) if groups is not None else ()
    try:
        done = conn.execute(
            text("SELECT reviewdesk_set_login(:login, :kind, :create)"),
            {"login": login, "kind": kind, "create": create},
        ).scalar_one()
    except DBAPIError as exc:
        lines = str(exc.orig or exc).strip().splitlines()
        raise InvalidInput(
            (lines[0] if lines else "the server refused").removeprefix("reviewdesk: ")
            + ". Nothing was changed."
        ) from None
    can_log_in = conn.execute(
        text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :login"), {"login": login}
    ).scalar()
    if groups is None:
        return LoginChange(login, done == "created", bool(can_log_in), done != "absent")
    after = direct_groups(conn, groups, login)
    role_now = login_role(conn, groups, login)
    kept_by = () if role_now is role else inherited_through(conn, groups, login)
    return LoginChange(
        login,
        done == "created",
        bool(can_log_in),
        done != "absent",
        before,
        after,
        role_now,
        kept_by,
        role,
    )


def end_sessions(engine: Engine, change: LoginChange) -> LoginChange:
    """After a transaction that took a group away from a login has committed: end the
    login's open sessions on this database, through the owner's ``reviewdesk_end_sessions``
    (a session that had taken the group's role with SET ROLE keeps it until it closes:
    PostgreSQL checks membership only then). ``change`` with what became of them; never
    raises (the change itself is made)."""
    if not change.took_a_group_away or not change.exists:
        return change
    try:
        with engine.begin() as conn:
            ended, still_open = conn.execute(
                text("SELECT ended, still_open FROM reviewdesk_end_sessions(:login)"),
                {"login": change.login},
            ).one()
    except DBAPIError:
        return replace(change, sessions_open=None)
    return replace(change, sessions_ended=ended, sessions_open=still_open)


def inherited_through(conn: Connection, groups: Groups, login: str) -> tuple[str, ...]:
    """The roles ``login`` is a member of itself that are not reviewdesk's groups but have
    the privileges of one of them (an Active Directory group the DBA granted one to)."""
    return tuple(
        conn.execute(
            text(
                "SELECT g.rolname FROM pg_auth_members m "
                "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member "
                "WHERE r.rolname = :login AND NOT g.rolname = ANY(:groups) "
                "AND (pg_has_role(g.oid, :a, 'USAGE') OR pg_has_role(g.oid, :i, 'USAGE') "
                "  OR pg_has_role(g.oid, :r, 'USAGE')) ORDER BY g.rolname"
            ),
            {
                "login": login,
                "groups": list(groups.all),
                "a": groups.administrator,
                "i": groups.iro,
                "r": groups.read_only,
            },
        ).scalars()
    )


def members(conn: Connection, groups: Groups) -> dict[str, Role]:
    """Every login with a reviewdesk role through a group (directly or through another
    role), with that role; the owner is not listed."""
    found: dict[str, Role] = {}
    for role in (Role.ADMINISTRATOR, Role.IRO, Role.TEAM_MANAGER):
        names = conn.execute(
            text(
                "SELECT rolname FROM pg_roles WHERE rolcanlogin "
                "AND pg_has_role(oid, :g, 'USAGE') AND NOT rolsuper ORDER BY rolname"
            ),
            {"g": groups.of(role)},
        ).scalars()
        for name in names:
            found.setdefault(name, role)
    return found


__all__ = [
    "CONFIG_TABLE",
    "Groups",
    "PROTECTION_TABLE",
    "LoginChange",
    "NotTheOwner",
    "ROLE_AS_WORDS",
    "SPECIAL_NAMES",
    "SPECIAL_PREFIXES",
    "acts_as_owner",
    "become_owner",
    "default_prefix",
    "direct_groups",
    "end_sessions",
    "groups_of",
    "inherited_through",
    "is_postgres",
    "is_special",
    "login_role",
    "members",
    "no_access",
    "owner_of",
    "session_login",
    "set_login",
]
