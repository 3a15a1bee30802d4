"""Kill the process before each SQL statement of opening a database, then check what is left.

Run as a program (one process per sweep, so nothing of a test run's state is shared)::

    python -m tests.storage.crashsweep first WORKDIR [EXTRA_VERSIONS_DIR...]
    python -m tests.storage.crashsweep upgrade WORKDIR REVISION [EXTRA_VERSIONS_DIR...]

``first`` opens the default database in a new data folder (the window's first start);
``upgrade`` opens a database at REVISION holding a few records, which upgrades it to the
head. Extra folders of migration scripts (the tests' own) extend the chain.

For every N from 1 the program forks a child that counts every SQL statement SQLite starts on
any connection (``set_trace_callback``: the driver's own BEGIN/COMMIT and the
pragmas included) and SIGKILLs itself just before statement N. After each kill it inspects
the files left behind, then opens the database again as the next start would. The sweep ends
at the first N the child gets through without being killed. It prints one JSON object:
``{"statements": T, "crashes": [{"n": N, "state": ..., "problems": [...]}, ...]}``.

States: ``absent``/``empty`` (first start: nothing or an empty file), ``before`` (the
database exactly as it was: same schema, same rows), ``after`` (the upgrade had committed),
``changed`` (anything else). A problem is any way the next start is worse off: the database
will not open, rows lost, a second backup of the same data, a stray temporary file.

Most kills leave the same bytes on disk as the kill before them (SQLite keeps a transaction's
pages in memory until it commits), so the next start is tried once for each distinct set of
files left behind (names and bytes, `_left_behind`), and its findings reused for the kills that
left exactly those files. Every statement is still killed at and every state checked.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import sys
import traceback
from pathlib import Path

from sqlalchemy import create_engine

from reviewdesk.storage import migrate
from reviewdesk.storage.db import open_database

#: Folders of extra migration scripts (from the command line).
EXTRAS: list[str] = []

#: Rows every upgrade sweep starts with, written at revision 0001 (whose schema never changes)
#: and carried up to the revision swept from by the migrations themselves.
SAMPLE_0001 = (
    "INSERT INTO child (id, local_id, first_name, last_name, dob, version) "
    "VALUES (1, 'C1', 'Ann', 'Lee', '2015-06-01', 1), (2, 'C2', 'Ben', 'Ray', '2016-02-29', 1)",
    "INSERT INTO period_of_care (id, child_id, start, version) VALUES (1, 1, '2024-03-04', 1)",
    "INSERT INTO meeting (id, child_id, process, meeting_type, sequence, period_id, status, "
    "booked_date, duration_minutes, held_date, version) VALUES "
    "(1, 1, 'lac', 'lac_review', 1, 1, 'held', '2024-04-02', 90, '2024-04-02', 1), "
    "(2, 1, 'lac', 'lac_review', 2, 1, 'booked', '2024-09-01', 90, NULL, 1)",
)


def _kill_before(n: int) -> list[int]:
    """Make every new SQLite connection count statements and die before the n-th."""
    count = [0]
    real = sqlite3.dbapi2.connect

    def trace(_statement: str) -> None:
        count[0] += 1
        if count[0] == n:
            os.kill(os.getpid(), signal.SIGKILL)

    def connect(*args, **kwargs):
        conn = real(*args, **kwargs)
        conn.set_trace_callback(trace)
        return conn

    sqlite3.connect = sqlite3.dbapi2.connect = connect
    return count


def _in_child(n: int, action) -> int:
    """Run ``action`` in a forked child killed before statement ``n``: the child's exit.

    Returns -9 when killed, else the statements counted (the child ran to the end)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        code = 0
        try:
            count = _kill_before(n)
            action()
            os.write(write, str(count[0]).encode())
        except BaseException:  # noqa: BLE001 - reported to the parent
            traceback.print_exc()
            code = 3
        os._exit(code)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    with os.fdopen(read) as pipe:
        told = pipe.read()
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
        return -9
    if os.WEXITSTATUS(status) != 0:
        raise RuntimeError(f"the open failed by itself at N={n} (exit {os.WEXITSTATUS(status)})")
    return int(told)


def _digest(path: Path) -> tuple[list[str], str]:
    """(the schema's SQL, a hash of every row of every table) of a SQLite file."""
    conn = sqlite3.connect(path)
    try:
        schema = [
            row[0]
            for row in conn.execute(
                "SELECT coalesce(sql, type || ' ' || name) FROM sqlite_master ORDER BY type, name"
            )
        ]
        h = hashlib.sha256()
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY 1"):
            for row in conn.execute(f'SELECT * FROM "{name}" ORDER BY rowid'):
                h.update(repr((name, row)).encode())
        return schema, h.hexdigest()
    finally:
        conn.close()


def _revision(path: Path) -> str | None:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    finally:
        conn.close()
    return row[0] if row else None


#: The time in a backup's name (`backup.timestamped_name`), which differs from kill to kill.
BACKUP_TIME = re.compile(r"\d{8}T\d{6}Z")


def _left_behind(folder: Path) -> str:
    """A digest of every file under ``folder``: its path (a backup's time left out) and its
    bytes. Two kills with the same digest leave the next start exactly the same files."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(BACKUP_TIME.sub("<time>", str(path.relative_to(folder))).encode() + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def _reopen(target: str | None) -> str | None:
    """Open the database as the next start would; None if fine, else why not."""
    try:
        open_database(target, extra_migrations=EXTRAS).dispose()
    except Exception as exc:  # noqa: BLE001 - what a user would be told
        return f"will not open: {exc}"
    return None


def _data_rows(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT id, local_id FROM child ORDER BY id").fetchall() + [
            ("meetings", conn.execute("SELECT count(*) FROM meeting").fetchone()[0])
        ]
    finally:
        conn.close()


def _backups(folder: Path, name: str) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith(f"{name}.before-upgrade-"))


def _strays(folder: Path, name: str) -> list[str]:
    known = {name, f"{name}-wal", f"{name}-shm", f"{name}-journal"}
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.name not in known and not p.name.startswith(f"{name}.before-upgrade-")
    )


def sweep_first(work: Path) -> dict:
    """The window's first start: the default database in a data folder not made yet."""
    head = migrate.head_revision(EXTRAS)
    crashes = []
    tried: dict[str, list[str]] = {}  # what the next start found, by the files left behind
    n = 0
    while True:
        n += 1
        run = work / f"n{n}"
        os.environ["XDG_DATA_HOME"] = str(run / "xdg")
        os.environ.pop("REVIEWDESK_DB", None)
        result = _in_child(n, lambda: open_database(None, extra_migrations=EXTRAS).dispose())
        path = Path(str(run / "xdg" / "reviewdesk" / "reviewdesk.sqlite"))
        if result != -9:
            shutil.rmtree(run)
            return {"statements": result, "crashes": crashes}
        left = _left_behind(run)  # before anything below opens (and so changes) the files
        if not path.exists():
            state = "absent"
        elif path.stat().st_size == 0:
            state = "empty"
        else:
            revision = _revision(path)
            schema, _ = _digest(path)
            state = "after" if revision == head else ("empty" if not schema else "changed")
        if left not in tried:
            tried[left] = _first_start_problems(path, head)
        crashes.append({"n": n, "state": state, "problems": tried[left]})
        shutil.rmtree(run)


def _first_start_problems(path: Path, head: str) -> list[str]:
    """How the next start fares after a first start was killed: [] when it is fine."""
    problems = []
    broken = _reopen(None)
    if broken:
        problems.append(broken)
    elif _revision(path) != head:
        problems.append("opened, but not at the current schema")
    else:
        conn = sqlite3.connect(path)
        try:
            reasons = conn.execute("SELECT count(*) FROM late_reason").fetchone()[0]
        finally:
            conn.close()
        if reasons == 0:
            problems.append("created without its seed rows")
    strays = _strays(path.parent, path.name)
    if strays:
        problems.append(f"stray files: {strays}")
    return problems


def make_template(path: Path, revision: str) -> None:
    """A database at ``revision`` with the sample rows (written at 0001, then upgraded)."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        migrate.upgrade(engine, "0001", EXTRAS)
        with engine.begin() as conn:
            for statement in SAMPLE_0001:
                conn.exec_driver_sql(statement)
        if revision != "0001":
            migrate.upgrade(engine, revision, EXTRAS)
    finally:
        engine.dispose()


def sweep_upgrade(work: Path, revision: str) -> dict:
    """Opening a database at ``revision`` (with data): it is backed up and upgraded."""
    head = migrate.head_revision(EXTRAS)
    template = work / "template.sqlite"
    make_template(template, revision)
    before_schema, before_rows = _digest(template)
    data = _data_rows(template)
    crashes = []
    tried: dict[str, list[str]] = {}  # what the next start found, by the files left behind
    n = 0
    while True:
        n += 1
        run = work / f"n{n}"
        run.mkdir()
        path = run / "reviewdesk.sqlite"
        shutil.copyfile(template, path)
        os.chmod(path, 0o600)
        result = _in_child(n, lambda p=path: open_database(p, extra_migrations=EXTRAS).dispose())
        if result != -9:
            shutil.rmtree(run)
            return {"statements": result, "crashes": crashes}
        left = _left_behind(run)  # before anything below opens (and so changes) the files
        found = _revision(path)
        schema, rows = _digest(path)
        if found == revision and (schema, rows) == (before_schema, before_rows):
            state = "before"
        elif found == head:
            state = "after"
        else:
            state = "changed"
        if left not in tried:
            tried[left] = _upgrade_problems(path, state, head, data)
        crashes.append({"n": n, "state": state, "problems": tried[left]})
        shutil.rmtree(run)


def _upgrade_problems(path: Path, state: str, head: str, data: list[tuple]) -> list[str]:
    """How the next start fares after an upgrade was killed: [] when it is fine."""
    problems = []
    broken = _reopen(str(path))
    if broken:
        problems.append(broken)
    else:
        if _revision(path) != head:
            problems.append("opened, but not at the current schema")
        if _data_rows(path) != data:
            problems.append("records lost or changed")
    backups = _backups(path.parent, path.name)
    if state == "before" or state == "changed":
        if len(backups) != 1:
            problems.append(f"{len(backups)} backups after a crash and a retry")
    elif len(backups) > 1:
        problems.append(f"{len(backups)} backups after a crash and a retry")
    strays = _strays(path.parent, path.name)
    if strays:
        problems.append(f"stray files: {strays}")
    return problems


def main(argv: list[str]) -> int:
    scenario, work = argv[0], Path(argv[1])
    work.mkdir(parents=True, exist_ok=True)
    if scenario == "first":
        EXTRAS.extend(argv[2:])
        result = sweep_first(work)
    elif scenario == "upgrade":
        EXTRAS.extend(argv[3:])
        result = sweep_upgrade(work, argv[2])
    else:
        raise SystemExit(f"unknown scenario {scenario!r}")
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
