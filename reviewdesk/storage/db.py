"""Opening the database: the embedded SQLite file by default, PostgreSQL for shared use.

`open_database` first makes sure a SQLite file is reviewdesk's own (another application's
database, a damaged file or a folder is refused before anything touches it), makes the file
if it may (mode 600, in the user's data folder by default), warns when it lies on a network
share, and brings the schema up to date with the packaged migrations: a new database is
created by running them, an older one is upgraded after a backup (`prepare_schema`), each in
one transaction. On a shared server set up for a team whose protection is not this
version's (a release changed a policy without changing the schema), the owner opening it
re-applies it, and anyone else is warned (`Database.warnings`). Sessions come from
`Database.session()`, one per operation.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import StaticPool

from reviewdesk import safefiles
from reviewdesk.errors import InvalidInput, ReviewdeskError
from reviewdesk.identity import database_user, system_account
from reviewdesk.paths import data_folder
from reviewdesk.storage import (
    backup,
    collation,
    locking,
    migrate,
    pgbackup,
    server,
    sqlitefile,
    tracking,
    users,
)
from reviewdesk.storage.locking import ConcurrentChange
from reviewdesk.storage.netshare import network_share_warning
from reviewdesk.storage.server.names import quote

log = logging.getLogger(__name__)

DEFAULT_FILENAME = "reviewdesk.sqlite"
BUSY_TIMEOUT_MS = 10_000


#: What --db accepts, for messages.
SUPPORTED = "a SQLite file path or a postgresql:// URL"


def default_sqlite_path() -> Path:
    """The embedded database's file in the user's data folder (the folder is not created)."""
    return data_folder() / DEFAULT_FILENAME


def resolve_url(target: str | os.PathLike[str] | None) -> str:
    """A SQLAlchemy URL from a --db value: a URL as it is, a path as a SQLite file.

    Raises `InvalidInput` for a URL of a database reviewdesk does not support."""
    if target is None or str(target) == "":
        target = os.environ.get("REVIEWDESK_DB") or default_sqlite_path()
    text = str(target)
    if text == ":memory:":
        return "sqlite://"
    if "://" in text:
        scheme = text.split("://", 1)[0].lower()
        if scheme in ("postgresql", "postgres"):
            # psycopg 3 is the driver we ship; plain URLs would ask for psycopg2.
            return _parsable("postgresql+psycopg://" + text.split("://", 1)[1])
        if scheme in ("postgresql+psycopg", "sqlite"):
            return _parsable(text)
        raise InvalidInput(
            f'"{scheme}://": reviewdesk cannot use this kind of database; give {SUPPORTED}.'
        )
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def _parsable(url: str) -> str:
    """``url``, or `InvalidInput` saying it cannot be read (a port that is not a number, a
    host in unclosed brackets): it was an error the command line called unexpected."""
    try:
        make_url(url)
    except (ValueError, ArgumentError):
        shown = url.split("@")[-1]  # (never a password)
        raise InvalidInput(
            f'"{shown}" cannot be read as a database address: check the server\'s name and '
            "port (a number), as in postgresql://USER@SERVER:5432/DATABASE."
        ) from None
    return url


def display_url(url: str) -> str:
    """A URL fit to show: the file of a SQLite URL, any other without its password."""
    path = backup.sqlite_path(url)
    if path is not None:
        return str(path)
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - unparsable: say it as given, minus any password
        return url.split("@")[-1]


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    collation.register_sqlite(dbapi_connection)  # names sort by their letters


def search_path_names(setting: str, login: str) -> list[str]:
    """The schema names of a search path as PostgreSQL shows it (``"$user", public``), in
    order: quoted names as written, others in lower case, ``$user`` as the login."""
    names: list[str] = []
    name, quoted, i = "", False, 0
    while i <= len(setting):
        c = setting[i] if i < len(setting) else ","
        if quoted and c == '"' and setting[i + 1 : i + 2] == '"':
            name += '"'
            i += 1
        elif c == '"':
            quoted = not quoted
        elif quoted:
            name += c
        elif c == ",":
            if name:
                names.append(login if name == "$user" else name)
            name = ""
        elif not c.isspace():
            name += c.lower()
        i += 1
    return names


def _pin_search_path(dbapi_connection, _record) -> None:
    """PostgreSQL: the connection searches ``pg_catalog``, reviewdesk's schema and
    ``pg_temp``, in that order, and nothing else: no function or table another login made
    in some other schema of the path it was given (``public``, ``"$user"``, one the DBA or
    PGOPTIONS added) is what a name in the app's SQL resolves to, no function stands in for
    a built-in of the same arguments, and no temporary table for one of reviewdesk's. (A
    function of better-matching arguments in reviewdesk's own schema would still be chosen:
    no login but the owner may create anything there, which `reviewdesk server status`
    checks.)

    reviewdesk's schema is the first on the path it was given that exists (as
    `server.no_access` reads it: whether or not this login may use it). The path set is
    that schema then ``pg_temp``: ``pg_catalog``, left off, is searched first; listed first
    it would also be where unqualified names are created and what current_schema() says.
    Nothing here calls a function or operator by a name the given path could resolve."""
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SHOW search_path")
        given = cursor.fetchone()[0]
        cursor.execute("SELECT session_user")
        login = cursor.fetchone()[0]
        cursor.execute("SET search_path = pg_catalog, pg_temp")
        names = [
            n
            for n in search_path_names(given, login)
            if n != "pg_catalog" and not n.startswith("pg_temp")
        ]
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", (names,))
        existing = {row[0] for row in cursor.fetchall()}
        schema = next((n for n in names if n in existing), None)
        if schema is None:
            cursor.execute("SELECT set_config('search_path', %s, false)", (given,))
        else:
            cursor.execute(f"SET search_path = {quote(schema)}, pg_temp")
        cursor.close()
    finally:
        dbapi_connection.autocommit = autocommit


def _limit_lock_waits(dbapi_connection, record) -> None:
    """PostgreSQL: a statement waits at most `locking.LOCK_TIMEOUT_MS` for a lock (a login that may
    delete rows from a table may also LOCK it, holding up every reader), unless the server
    or the URL already limits it. The connection's record keeps the limit, for messages."""
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT setting FROM pg_catalog.pg_settings WHERE name = 'lock_timeout'")
        limit = int(cursor.fetchone()[0])
        if limit == 0:
            limit = int(locking.LOCK_TIMEOUT_MS)
            cursor.execute(f"SET lock_timeout = {limit}")
        cursor.close()
        record.info[_LOCK_TIMEOUT_KEY] = limit
    finally:
        dbapi_connection.autocommit = autocommit


_LOCK_TIMEOUT_KEY = "reviewdesk_lock_timeout_ms"


def _lock_wait_refusal(context: ExceptionContext) -> Exception | None:
    """PostgreSQL: a statement that gave up waiting for a lock is `locking.Locked`, saying
    whose session holds what (read through another connection), not a driver's error."""
    if not locking.is_lock_wait(context.original_exception):
        return None
    pid = waited = None
    with contextlib.suppress(Exception):
        pooled = context.connection.connection
        waited = pooled.info.get(_LOCK_TIMEOUT_KEY)
        pid = pooled.dbapi_connection.info.backend_pid
    return locking.Locked(
        locking.held_up(
            context.engine,
            context.original_exception,
            besides=[pid] if pid else [],
            waited_ms=waited,
        )
    )


def is_memory_url(url: str) -> bool:
    return url in ("sqlite://", "sqlite:///:memory:")


def make_engine(url: str) -> Engine:
    if is_memory_url(url):
        # One shared connection, or every connection would see its own empty database.
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, pool_pre_ping=True)
    event.listen(engine, "connect", _pin_search_path, insert=True)
    event.listen(engine, "connect", _limit_lock_waits)
    event.listen(engine, "handle_error", _lock_wait_refusal)
    return engine


@dataclass
class Database:
    """An open database: its engine, and sessions that act as one named user.

    ``username`` is the identity the system vouches for (`open_database` sets it): the
    operating-system account on SQLite, the PostgreSQL login on a server.
    """

    engine: Engine
    url: str
    username: str
    #: Things the user should be told (e.g. the file is on a network share).
    warnings: list[str] = field(default_factory=list)
    #: The backup taken before an upgrade at start-up, if there was one.
    upgrade_backup: Path | None = None
    #: True when this open created the database (the UI then offers the demo authority).
    created: bool = False

    def __post_init__(self) -> None:
        self._released = False
        path = self.sqlite_path
        if path is not None:
            safefiles.protect(path)  # no export may be written over it while it is open
        self._factory = sessionmaker(
            self.engine, class_=tracking.ReviewdeskSession, expire_on_commit=False
        )

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for one operation: committed on success, rolled back on any error.

        A record saved by someone else since it was loaded raises `ConcurrentChange`;
        a record breaking a rule raises `validation.ValidationFailed` (an `InvalidInput`).
        """
        session = self._factory()
        session.info["username"] = self.username
        try:
            yield session
            session.commit()
        except StaleDataError as exc:
            session.rollback()
            raise ConcurrentChange(
                "Someone else changed this record after you opened it; reopen it to see their "
                "changes. Nothing was saved."
            ) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        return backup.sqlite_path(self.url)

    def dispose(self) -> None:
        self.engine.dispose()
        path = self.sqlite_path
        if path is not None and not self._released:
            self._released = True
            safefiles.release(path)


def _prepare_sqlite_file(path: Path) -> list[str]:
    warnings = []
    text = network_share_warning(path.parent if not path.exists() else path)
    if text:
        log.warning(text)
        warnings.append(text)
    fresh_folder = not path.parent.exists()
    backup.create_private_file(path)
    backup.make_private(path)
    if fresh_folder or path.parent == data_folder():
        # Our own folder: private too (a folder the user chose is left as it is).
        with contextlib.suppress(OSError):
            os.chmod(path.parent, 0o700)
    return warnings


@dataclass(frozen=True)
class Prepared:
    """What `prepare_schema` did: the backup kept before an upgrade, and what to tell."""

    backup: Path | None = None
    message: str = ""


def prepare_schema(engine: Engine, url: str, extra_versions: Sequence[str | Path] = ()) -> Prepared:
    """Create or upgrade the schema, each in one transaction; an upgrade only after a backup
    (beside a SQLite file; a pg_dump in the data folder for PostgreSQL)."""
    revision, has_tables = migrate.schema_state(engine)
    head = migrate.head_revision(extra_versions)
    if revision == head:
        return Prepared()
    where = display_url(url)
    if revision is None and has_tables:
        raise InvalidInput(
            f"{where} has reviewdesk tables but no schema version (made by an early development "
            "build?). Move it aside and start again, or restore a backup."
        )
    if revision is not None and revision not in migrate.known_revisions(extra_versions):
        raise InvalidInput(
            f"{where} was made by a newer version of reviewdesk (schema {revision}). "
            "Install that version or later to open it."
        )
    if revision is None:
        migrate.upgrade(engine, "head", extra_versions)
        return Prepared()
    _check_may_upgrade(engine, url, revision, head)  # before any backup is taken
    kept = _backup_before_upgrade(engine, url, revision, head)
    migrate.upgrade(engine, "head", extra_versions)
    path = backup.sqlite_path(url)
    if path is not None:
        backup.make_private(path)
    if kept is None:
        message = (
            f"reviewdesk upgraded the database {where} from schema {revision} to {head}, "
            f"without a backup of its own ({pgbackup.CONFIRM_ENV} says you made one)."
        )
    else:
        message = (
            f"reviewdesk upgraded the database {where} from schema {revision} to {head}. "
            f"The last good copy from before the upgrade is {kept.path}"
            + ("" if kept.new else " (taken on an earlier try; the data had not changed since)")
            + "."
        )
    log.warning(message)
    return Prepared(backup=kept.path if kept else None, message=message)


def _check_may_upgrade(engine: Engine, url: str, revision: str, head: str) -> None:
    """PostgreSQL: only the owner of the tables upgrades them (`migrate`); anyone else is
    told who to ask and how, before anything is done."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as conn:
        owner = server.owner_of(conn)
        if owner is None or server.acts_as_owner(conn, owner):
            return
        login = server.session_login(conn)
    bare = _owner_url(url)
    raise server.NotTheOwner(
        f"The database {display_url(url)} is at schema {revision}, and this version of "
        f"reviewdesk needs {head}. Only its owner, the PostgreSQL login {owner}, may upgrade "
        f"it (you are {login}): ask them to run `reviewdesk --db {bare} server init` with "
        "this version. Nothing was changed."
    )


def _owner_url(url: str) -> str:
    """``url`` without its login or password: what to give `reviewdesk --db` as the owner."""
    parsed = make_url(url)
    return URL.create(
        parsed.drivername, None, None, parsed.host, parsed.port, parsed.database, parsed.query
    ).render_as_string()


def _protection(engine: Engine, url: str) -> str:
    """PostgreSQL set up for a team, whose protection differs from this version's
    (`server.out_of_date`: older, or changed by hand): its owner (or a login that may become
    it) re-applies it now, as an upgrade would; anyone else is told, once. What to tell
    ("" when nothing is amiss)."""
    if engine.dialect.name != "postgresql":
        return ""
    with engine.connect() as conn:
        groups = server.groups_of(conn)
        if groups is None or not server.out_of_date(conn, groups):
            return ""
        owner = server.owner_of(conn)
        may = owner is not None and server.acts_as_owner(conn, owner)
    where = display_url(url)
    if may:
        if not migrate.reapply_protection(engine):
            return ""  # another start of the owner's did it meanwhile
        message = (
            f"reviewdesk brought the protection of the database {where} (what each group may "
            "change, its row-level policies and audit triggers) up to this version: it was "
            "older, or had been changed by hand. No data was changed."
        )
    else:
        message = (
            f"The protection of the database {where} (what the server lets each group "
            "change) is older than this version of reviewdesk, or was changed by hand: until "
            f"its owner, the PostgreSQL login {owner}, brings it up to date (by opening the "
            f"database with this version, or with `reviewdesk --db {_owner_url(url)} server "
            "init`), the server may allow or refuse some changes differently from what "
            "reviewdesk expects."
        )
    log.warning(message)
    return message


def _refuse_without_access(engine: Engine, url: str) -> None:
    """PostgreSQL: a login with no reviewdesk group on a shared server is told so, rather
    than finding no tables (or trying to make them)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as conn:
        why = server.no_access(conn)
    if why:
        raise InvalidInput(f"{display_url(url)}: {why}")


def _backup_before_upgrade(
    engine: Engine, url: str, revision: str, head: str
) -> backup.Kept | None:
    path = backup.sqlite_path(url)
    if path is not None:
        return backup.keep_backup(path, f"before-upgrade-from-{revision}")
    if engine.dialect.name == "postgresql":
        keep = backup.backups_kept(engine)
        return pgbackup.backup_before_upgrade(url, revision, head, keep=keep)
    return None  # in-memory: nothing to keep


class NothingThere(InvalidInput):
    """``open_database(create=False)`` found no reviewdesk database: no file, or one (or a
    PostgreSQL schema) with no reviewdesk tables. Nothing was made."""


class NotUpgraded(InvalidInput):
    """``open_database(upgrade=False)`` found a database an earlier version made: it was
    left as it was."""


def _refuse_to_upgrade(url: str, revision: str, extra: Sequence[str | Path]) -> None:
    head = migrate.head_revision(extra)
    if revision != head and revision in migrate.known_revisions(extra):
        raise NotUpgraded(
            f"{display_url(url)} was made by an earlier version of reviewdesk (schema "
            f"{revision}, this version's is {head}), and a dry run changes nothing, so it does "
            "not upgrade it. Open it once without --dry-run (or in the window), which upgrades "
            "it after taking a backup, then run the dry run again. Nothing was changed."
        )


def _nothing_there(url: str, found: sqlitefile.SqliteFile | None) -> NothingThere:
    where = display_url(url)
    if found is not None and not found.exists:
        what = f"There is no reviewdesk database at {where}"
    else:
        what = f"{where} holds no reviewdesk data yet"
    return NothingThere(
        f"{what}. Check the path, or make one with `reviewdesk demo`, `reviewdesk import` or "
        "`reviewdesk restore` (the window makes one in your data folder on first start)."
    )


def _cannot_connect(url: str, exc: DBAPIError) -> InvalidInput:
    lines = str(exc.orig if exc.orig is not None else exc).strip().splitlines()
    reason = lines[0] if lines else "no reason given"
    reason = reason.removeprefix("connection failed: ")
    return InvalidInput(f"{display_url(url)}: cannot open the database ({reason}).")


def _identity(engine: Engine, username: str | None) -> str:
    """Who this process is: the PostgreSQL login, else the operating-system account.

    ``username`` is for tests only (see `open_database`): honoured on SQLite; on PostgreSQL
    it must be the login itself, since the server decides who a connection is.
    """
    with engine.connect() as conn:
        login = database_user(conn)
    if login is not None:
        if username is not None and username != login:
            raise ReviewdeskError(
                f"On PostgreSQL you are the login {login!r}; you cannot act as {username!r}."
            )
        return login
    return username if username is not None else system_account()


def open_database(
    target: str | os.PathLike[str] | None = None,
    *,
    username: str | None = None,
    extra_migrations: Sequence[str | Path] = (),
    create: bool = True,
    upgrade: bool = True,
) -> Database:
    """Open (creating or upgrading if needed) the database named by ``target``.

    ``target`` is a file path, a URL (``postgresql+psycopg://...``), ":memory:" (a private
    in-memory database, for quick tests) or None for $REVIEWDESK_DB or the file in the
    user's data folder. With ``create=False`` (commands that only read) a missing file or an
    empty database is refused rather than made. Anything that is not a reviewdesk database
    is refused as `InvalidInput`, unchanged. With ``upgrade=False`` (a dry run, which changes
    nothing) one made by an earlier version is refused as `NotUpgraded`, not upgraded.
    ``extra_migrations`` adds folders of migration
    scripts (used by tests).

    Who the database is opened as comes from the system (`reviewdesk.identity`): the
    PostgreSQL login, else the operating-system account of the process's real user id.
    ``username`` exists **for tests only**: it opens a SQLite database as a named user (on
    PostgreSQL it must equal the login). No command-line option or environment variable
    reaches it. A database with no users yet gets its owner as its first administrator
    (`reviewdesk.storage.users.ensure_owner`): whoever created it.
    """
    url = resolve_url(target)
    warnings: list[str] = []
    path = backup.sqlite_path(url)
    found = None
    if path is not None:
        found = sqlitefile.inspect(path)  # before any pragma, file mode or table is touched
        if not found.has_schema and not create:
            raise _nothing_there(url, found)
        warnings = _prepare_sqlite_file(path)
    engine = make_engine(url)
    try:
        try:
            _refuse_without_access(engine, url)
            revision, has_tables = migrate.schema_state(engine)
        except DBAPIError as exc:
            raise _cannot_connect(url, exc) from None
        if revision is None and not has_tables and not create:
            raise _nothing_there(url, found)
        if not upgrade and revision is not None:
            _refuse_to_upgrade(url, revision, extra_migrations)
        prepared = prepare_schema(engine, url, extra_migrations)
        protection = _protection(engine, url)
        identity = _identity(engine, username)
        users.ensure_owner(engine, identity if revision is None else None, path)
    except Exception:
        engine.dispose()
        raise
    if prepared.message:
        warnings.append(prepared.message)
    if protection:
        warnings.append(protection)
    return Database(
        engine=engine,
        url=url,
        username=identity,
        warnings=warnings,
        upgrade_backup=prepared.backup,
        created=revision is None,
    )
