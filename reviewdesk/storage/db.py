"""Opening the database: the embedded SQLite file by default, PostgreSQL for shared use.

(Minimal first version: creates the schema directly. Migrations, backups, file permissions
and the network-share warning come with the storage work.)
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from reviewdesk.paths import user_data_dir
from reviewdesk.storage.models import Base

DEFAULT_FILENAME = "reviewdesk.sqlite"


def default_sqlite_path() -> Path:
    return user_data_dir() / DEFAULT_FILENAME


def resolve_url(target: str | os.PathLike[str] | None) -> str:
    """A SQLAlchemy URL from a --db value: a URL as it is, a path as a SQLite file."""
    if target is None or str(target) == "":
        target = os.environ.get("REVIEWDESK_DB") or default_sqlite_path()
    text = str(target)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


@dataclass
class Database:
    """An open database: its engine, and sessions that act as one named user."""

    engine: Engine
    url: str
    username: str

    def __post_init__(self) -> None:
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for one operation: committed on success, rolled back on any error."""
        session = self._factory()
        session.info["username"] = self.username
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(
    target: str | os.PathLike[str] | None = None, *, username: str | None = None
) -> Database:
    """Open (creating if needed) the database named by ``target`` (path, URL or default)."""
    url = resolve_url(target)
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    return Database(engine=engine, url=url, username=username or getpass.getuser())
