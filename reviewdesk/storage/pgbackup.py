"""A backup of a PostgreSQL database before reviewdesk upgrades its schema, with ``pg_dump``.

The dump is plain SQL (restore it with ``psql``), written to the user's data folder through
a temporary file, mode 600, named ``<database>.before-upgrade-from-<schema>-<time>.sql``.
It is not taken again when the newest one already holds the same data (a retry after a
failed upgrade), and older ones are rotated like the SQLite backups (the ``backups_kept``
setting). Without ``pg_dump`` (or when it fails) the upgrade is refused with the exact
command to run; once that backup is made, setting ``REVIEWDESK_UPGRADE_BACKED_UP=1`` lets
the upgrade go ahead.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from itertools import zip_longest
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from reviewdesk.errors import ReviewdeskError
from reviewdesk.paths import user_data_dir
from reviewdesk.safefiles import atomic_path, remove_stale_temporaries, temporary_name
from reviewdesk.storage import locking
from reviewdesk.storage.backup import Kept, automatic_backups, rotate, timestamped_name

#: Set to 1 once the database has been backed up by hand: the upgrade then goes ahead.
CONFIRM_ENV = "REVIEWDESK_UPGRADE_BACKED_UP"
SUFFIX = ".sql"
TIMEOUT_SECONDS = 3600


class UpgradeNeedsBackup(ReviewdeskError):
    """The upgrade was not started: no backup could be taken (the message says how)."""

    exit_code = 2


def confirmed_by_environment() -> bool:
    return os.environ.get(CONFIRM_ENV, "").strip().lower() in ("1", "yes", "true")


def _schema(url: URL) -> str | None:
    """The schema named by a ``-csearch_path=...`` option in the URL (as the tests use)."""
    options = url.query.get("options", "")
    if isinstance(options, tuple):
        options = " ".join(options)
    for part in str(options).split():
        if part.startswith("-csearch_path="):
            return part.split("=", 1)[1].split(",")[0].strip('"') or None
    return None


def libpq_uri(url: URL) -> str:
    """The connection as ``pg_dump`` takes it, without the password (given to it in
    PGPASSWORD, or found in the person's .pgpass)."""
    bare = URL.create("postgresql", url.username, None, url.host, url.port, url.database, url.query)
    return bare.render_as_string(hide_password=False)


def dump_command(url: URL, file: Path | str, pg_dump: str = "pg_dump") -> list[str]:
    # A table someone has locked (`locking`) fails the dump, so the upgrade is refused
    # with pg_dump's reason, rather than the dump waiting until its own time runs out.
    command = [
        pg_dump,
        "--format=plain",
        f"--file={file}",
        f"--lock-wait-timeout={locking.LOCK_TIMEOUT_MS}",
    ]
    schema = _schema(url)
    if schema:
        command.append(f"--schema={schema}")
    command.append(f"--dbname={libpq_uri(url)}")
    return command


def backup_base(url: URL) -> Path:
    """The name the dumps of this database get in the data folder (before the label)."""
    name = url.database or "reviewdesk"
    schema = _schema(url)
    return user_data_dir() / (f"{name}.{schema}" if schema else name)


def backup_before_upgrade(url_text: str, revision: str, head: str, *, keep: int) -> Kept | None:
    """Dump the database before upgrading it from ``revision`` to ``head``.

    Returns the dump kept (None when the person confirmed a backup of their own with
    ``REVIEWDESK_UPGRADE_BACKED_UP=1``); raises `UpgradeNeedsBackup` when none can be made.
    """
    if confirmed_by_environment():
        return None
    url = make_url(url_text)
    base = backup_base(url)
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise _refusal(url, revision, head, "pg_dump is not installed on this computer")
    remove_stale_temporaries(base.parent, temporary_name(base))
    destination = timestamped_name(base, f"before-upgrade-from-{revision}", suffix=SUFFIX)
    newest = automatic_backups(base, SUFFIX)[-1:]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    reused = None
    with atomic_path(destination) as temp:
        try:
            done = subprocess.run(
                dump_command(url, temp, pg_dump),
                env=env,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_SECONDS,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise _refusal(url, revision, head, f"pg_dump did not run ({exc})") from None
        if done.returncode != 0:
            reason = (done.stderr or "").strip().splitlines()
            raise _refusal(
                url, revision, head, "pg_dump failed: " + (reason[0] if reason else "no message")
            )
        if newest and same_dump(temp, newest[0]):
            temp.unlink()
            reused = newest[0]
    rotate(base, keep, SUFFIX)
    return Kept(reused, new=False) if reused else Kept(destination, new=True)


#: Lines of a plain dump that differ from one dump to the next (psql's \\restrict key).
_VOLATILE = ("\\restrict ", "\\unrestrict ")


def same_dump(a: Path, b: Path) -> bool:
    """Whether two plain dumps hold the same database (their random keys aside)."""
    with open(a, encoding="utf-8") as fa, open(b, encoding="utf-8") as fb:
        for line_a, line_b in zip_longest(fa, fb):
            if line_a == line_b:
                continue
            if line_a is None or line_b is None:
                return False
            if not (line_a.startswith(_VOLATILE) and line_b.startswith(_VOLATILE)):
                return False
    return True


def _refusal(url: URL, revision: str, head: str, reason: str) -> UpgradeNeedsBackup:
    file = f"{url.database or 'reviewdesk'}-before-upgrade-from-{revision}.sql"
    command = " ".join(shlex.quote(part) for part in dump_command(url, file))
    where = url.render_as_string(hide_password=True)
    return UpgradeNeedsBackup(
        f"The database {where} needs upgrading (schema {revision} to {head}) and reviewdesk "
        f"backs it up first, but {reason}.\n"
        f"Back it up yourself (restore it with psql if ever needed):\n    {command}\n"
        f"then run reviewdesk again with {CONFIRM_ENV}=1 set, e.g.\n"
        f"    {CONFIRM_ENV}=1 reviewdesk ...      (Windows: set {CONFIRM_ENV}=1)\n"
        "Nothing was changed."
    )
