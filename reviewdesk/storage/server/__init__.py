"""A shared PostgreSQL server that protects the data itself.

Set up once by the database's owner (`set_up`, ``reviewdesk server init``), a database has
three group roles named for it (`Groups`: administrators, IROs, read-only users) and every
login reviewdesk knows is a member of one of them. Then the database, not the app, decides:

- **GRANTs** (`apply`): every group reads the data; administrators change it; read-only
  logins change nothing; IROs change only what `tables.IRO_WRITES` lists, and
- **row-level security** limits those writes to the meetings they chair and the children
  they are allocated (through the staff record linked to their user).
- **The audit trail is written by triggers** on every table, as the login the server
  authenticated (``session_user``), with the values before and after and the child: a
  change made with psql is audited like one made in the window. It is append-only for
  everyone: no UPDATE, DELETE or TRUNCATE grant, and a trigger refusing them even to the
  owner except on the documented maintenance path (`functions`).
- Who is who (`logins`): a login's role is its group; memberships change through the user
  actions (`set_login`), which run the owner's ``reviewdesk_set_login`` in their own
  transaction.

The app keeps writing its own entries for what is not a row change (an export, a backup,
an import's summary, a restore); the row changes themselves are the triggers' alone
(`row_audit_by_database`), so each change has exactly one entry. `apply` runs again after
every upgrade, covering every table a later migration adds.

A release may change a policy, a trigger's function or a grant without changing the schema:
`apply` records a fingerprint of what it made (``reviewdesk_protection``, which only the
owner writes and every login reads), and `out_of_date` compares it with this version's. When
they differ (or a policy was changed by hand since), the owner opening the database re-applies
everything, as an upgrade does; anyone else is told their owner must (`Database.warnings`),
and `problems` (``reviewdesk server status``) says so.
"""

from __future__ import annotations

from sqlalchemy import Connection

from reviewdesk.storage.server.apply import apply, out_of_date, problems
from reviewdesk.storage.server.functions import MAINTENANCE_SETTING
from reviewdesk.storage.server.initialise import SetUp, set_up, who_connects
from reviewdesk.storage.server.logins import (
    CONFIG_TABLE,
    PROTECTION_TABLE,
    Groups,
    LoginChange,
    NotTheOwner,
    acts_as_owner,
    become_owner,
    end_sessions,
    groups_of,
    login_role,
    members,
    no_access,
    owner_of,
    session_login,
    set_login,
)
from reviewdesk.storage.server.tables import IRO_WRITES, IroWrites


def row_audit_by_database(conn: Connection) -> bool:
    """Whether the database's triggers audit every row change on this connection (a shared
    server set up for a team), so the app must not write those entries itself."""
    return groups_of(conn) is not None


__all__ = [
    "CONFIG_TABLE",
    "Groups",
    "IRO_WRITES",
    "IroWrites",
    "LoginChange",
    "MAINTENANCE_SETTING",
    "NotTheOwner",
    "PROTECTION_TABLE",
    "SetUp",
    "acts_as_owner",
    "apply",
    "become_owner",
    "end_sessions",
    "groups_of",
    "login_role",
    "members",
    "no_access",
    "out_of_date",
    "owner_of",
    "problems",
    "row_audit_by_database",
    "session_login",
    "set_login",
    "set_up",
    "who_connects",
]
