"""Output files that cannot lose or leak data: whole, private, and never over the database;
and input files that cannot hang a command.

Every export and document (CSV, Excel, iCalendar, PDF, JSON dumps, rules files, backups) is
written through here:

- to a temporary file in the target folder, flushed to disk, then renamed over the target,
  so a failure or a crash never leaves half a file (or clobbers a good one);
- with mode 600 (owner only) whatever the umask: the contents are OFFICIAL-SENSITIVE;
- never over a database in use (registered by `protect` when it is opened; the same file
  is recognised through symlinks, hard links and any spelling of its path), its -wal, -shm
  or -journal companions, any other SQLite database, or anything in reviewdesk's data folder
  (except the documents subfolder the app itself prints from).

Every file a person names to read (the database given with --db, a return to import, a
rules file, a backup to restore, a report to attach) is checked by `check_input` before it
is opened: a named pipe would wait for a writer for ever, a device such as /dev/zero never
ends. `read_input_bytes` and `read_input_text` read such a file up to a limit.

``neutralise_cell`` makes a spreadsheet cell safe from formula injection (OWASP's "CSV
injection"): text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading apostrophe, so spreadsheet programs show it as text instead of running it. Numbers,
dates and booleans are left as they are (a negative number stays a number).
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from reviewdesk.errors import InvalidInput
from reviewdesk.paths import DOCUMENTS_FOLDER, data_folder

#: The first characters that make a spreadsheet program read a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
SQLITE_MAGIC = b"SQLite format 3\x00"
#: The files SQLite keeps beside a database while it is in use.
COMPANIONS = ("-wal", "-shm", "-journal")
TEMP_SUFFIX = ".part"

_lock = threading.Lock()
_protected: dict[str, int] = {}  # real path of an open database -> how many opens


def neutralise_cell(value: Any) -> Any:
    """``value`` safe to put in a spreadsheet cell: text that a spreadsheet would run as a
    formula gets a leading apostrophe; anything else (numbers, dates, None) is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def is_formula_like(value: Any) -> bool:
    """True for text a spreadsheet program would take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


# --- which paths are off limits -------------------------------------------------------------


def _real(path: str | os.PathLike[str]) -> str:
    return os.path.normcase(os.path.realpath(os.path.abspath(os.fspath(path))))


def protect(path: str | os.PathLike[str]) -> None:
    """Register a database file now in use: no output may be written over it."""
    key = _real(path)
    with _lock:
        _protected[key] = _protected.get(key, 0) + 1


def release(path: str | os.PathLike[str]) -> None:
    """The database at ``path`` is closed once more (see `protect`)."""
    key = _real(path)
    with _lock:
        left = _protected.get(key, 0) - 1
        if left > 0:
            _protected[key] = left
        else:
            _protected.pop(key, None)


def _protected_files(extra: Iterable[str | os.PathLike[str]]) -> list[str]:
    with _lock:
        bases = list(_protected)
    bases += [_real(p) for p in extra]
    return [base + suffix for base in bases for suffix in ("", *COMPANIONS)]


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _is_sqlite(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def check_output(
    path: str | os.PathLike[str],
    *,
    label: str = "",
    may_replace_database: bool = False,
    databases: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """The absolute path an output may be written to, or `InvalidInput` saying why not.

    ``label`` names the option the path came from (e.g. "-o") in the message.
    ``may_replace_database`` lets a backup replace an older backup (a SQLite file), never a
    database in use; ``databases`` adds files to protect besides those registered.
    """
    prefix = f"{label}: " if label else ""
    target = Path(os.path.abspath(os.path.expanduser(os.fspath(path))))
    shown = os.fspath(path)
    if target.is_dir():
        raise InvalidInput(f"{prefix}{shown} is a folder; give a file name")
    parent = target.parent
    if not parent.exists():
        raise InvalidInput(f'{prefix}{shown}: the folder "{parent}" does not exist')
    if not parent.is_dir():
        raise InvalidInput(f'{prefix}{shown}: "{_existing_file_above(parent)}" is not a folder')
    real = _real(target)
    for guarded in _protected_files(databases):
        if real == os.path.normcase(guarded) or _same_file(target, guarded):
            raise InvalidInput(
                f"{prefix}{shown} is the database in use (or one of its files); "
                "reviewdesk never writes over it. Choose another file name."
            )
    folder = _real(data_folder())
    if _inside(real, folder) and not _inside(real, os.path.join(folder, DOCUMENTS_FOLDER)):
        raise InvalidInput(
            f"{prefix}{shown} is in reviewdesk's data folder ({data_folder()}), which holds "
            "the database and its backups; save it somewhere else."
        )
    if target.is_symlink() or (target.exists() and not target.is_file()):
        # An output is written whole beside it and renamed over it: a link (or a device, a
        # pipe) would be replaced by a plain file, not written through; a pipe hung.
        raise InvalidInput(
            f"{prefix}{shown} is a link or a device, not a plain file; give a file's own name"
        )
    if not may_replace_database and target.exists() and _is_sqlite(os.fspath(target)):
        raise InvalidInput(
            f"{prefix}{shown} is a database; reviewdesk will not write an export over it. "
            "Choose another file name."
        )
    return target


def _existing_file_above(folder: Path) -> Path:
    """The file in ``folder``'s path that stops it being a folder (for the message)."""
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return candidate
    return folder


# --- reading ---------------------------------------------------------------------------------


def check_input(path: str | os.PathLike[str], *, label: str = "") -> Path:
    """The absolute path of a file to read, or `InvalidInput` naming it when it is not a
    plain file: a folder, a named pipe, a device or a socket (through any links). Checked
    without opening it. A path with nothing there passes: each reader says in its own words
    that its file is missing. ``label`` names the option the path came from."""
    shown = os.fspath(path)
    target = Path(os.path.abspath(os.path.expanduser(shown)))
    prefix = f"{label}: " if label else ""
    try:
        mode = os.stat(target).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return target
    except OSError as exc:
        raise InvalidInput(f"{prefix}{shown}: cannot read it ({exc.strerror or exc})") from None
    if not stat.S_ISREG(mode):
        raise _not_a_file(mode, f"{prefix}{shown}")
    return target


def read_input_bytes(
    path: str | os.PathLike[str],
    *,
    limit: int,
    what: str,
    label: str = "",
    too_big: Callable[[int], Exception] | None = None,
) -> bytes:
    """The bytes of a file a person names, but only a plain file (`check_input`: a folder,
    a named pipe, a device or a socket is refused by name) and no more than ``limit``
    bytes: a larger one is refused, naming it, ``what`` it is and the limit (or with
    ``too_big(size)``, the caller's own words), without being read whole. A file that is
    not there or cannot be read raises `OSError`, for the caller to word."""
    shown = f"{label}: {os.fspath(path)}" if label else os.fspath(path)
    target = check_input(path, label=label)
    # Not blocking: were a pipe put there since the check, opening it would wait for ever.
    fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with open(fd, "rb") as fh:
        found = os.fstat(fh.fileno())
        if not stat.S_ISREG(found.st_mode):
            raise _not_a_file(found.st_mode, shown)
        data = b"" if found.st_size > limit else fh.read(limit + 1)
    if found.st_size > limit or len(data) > limit:
        if too_big is not None:
            raise too_big(max(found.st_size, len(data)))
        raise InvalidInput(f"{shown} is larger than {_amount(limit)}, the most a {what} may be")
    return data


def read_input_text(
    path: str | os.PathLike[str],
    *,
    limit: int,
    what: str,
    label: str = "",
    encoding: str = "utf-8",
) -> str:
    """The text of a small file a person names (a rules file), read as `Path.read_text`
    reads it, but only a plain file and no more than ``limit`` bytes (`read_input_bytes`).
    A file that is not there or cannot be read raises `OSError`, and one that is not in
    ``encoding`` `UnicodeDecodeError`, for the caller to word."""
    data = read_input_bytes(path, limit=limit, what=what, label=label)
    return io.TextIOWrapper(io.BytesIO(data), encoding=encoding).read()


def _amount(size: int) -> str:
    """A number of bytes as people say it: 4 MB, 64 KB, 100 bytes."""
    for unit, name in ((1024 * 1024, "MB"), (1024, "KB")):
        if size >= unit and size % unit == 0:
            return f"{size // unit:,} {name}"
    return f"{size:,} byte{'' if size == 1 else 's'}"


def _not_a_file(mode: int, shown: str) -> InvalidInput:
    return InvalidInput(f"{shown} is {_kind(mode)}, not a file; give a file to read")


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


# --- writing -----------------------------------------------------------------------------------


def temporary_name(target: Path) -> str:
    """The prefix of temporary files for ``target``: hidden, in the same folder."""
    return f".{target.name}."


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """A new empty file (mode 600) beside ``target`` for the caller to fill; renamed over
    ``target`` when the block ends without an error, removed if it raises.

    No checks on ``target``: this is for the app's own files (backups beside the database,
    dumps in the data folder). Outputs a person names go through `output_file`. A caller
    that decides not to write after all deletes the temporary file; nothing is renamed then.
    """
    target = Path(target)
    fd, name = tempfile.mkstemp(
        dir=target.parent, prefix=f"{temporary_name(target)}{os.getpid()}-", suffix=TEMP_SUFFIX
    )
    temp = Path(name)
    try:
        os.close(fd)
        _make_private(temp)
        yield temp
        if not temp.exists():
            return  # discarded by the caller
        _make_private(temp)
        _fsync(temp)
        os.replace(temp, target)
        _fsync_folder(target.parent)
    except BaseException:
        for leftover in (temp, Path(f"{temp}-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise


@contextlib.contextmanager
def private_file(
    target: str | os.PathLike[str],
    mode: str = "wb",
    *,
    encoding: str | None = None,
    newline: str | None = None,
) -> Iterator[IO[Any]]:
    """`atomic_path` as an open file: written whole or not at all, mode 600, no checks."""
    with atomic_path(target) as temp, open(temp, mode, encoding=encoding, newline=newline) as fh:
        yield fh


@contextlib.contextmanager
def output_file(
    path: str | os.PathLike[str],
    mode: str = "wb",
    *,
    encoding: str | None = None,
    newline: str | None = None,
    label: str = "",
    may_replace_database: bool = False,
    databases: Iterable[str | os.PathLike[str]] = (),
) -> Iterator[IO[Any]]:
    """An output file a person asked for: checked (`check_output`), then written whole, mode
    600. A failure to write becomes `InvalidInput` naming the file."""
    target = check_output(
        path, label=label, may_replace_database=may_replace_database, databases=databases
    )
    with (
        _naming_failures(path, label),
        private_file(target, mode, encoding=encoding, newline=newline) as fh,
    ):
        yield fh


@contextlib.contextmanager
def output_path(
    path: str | os.PathLike[str],
    *,
    label: str = "",
    may_replace_database: bool = False,
    databases: Iterable[str | os.PathLike[str]] = (),
) -> Iterator[Path]:
    """`output_file` for writers that need a file name (e.g. SQLite's backup): a checked
    output, filled through a temporary path that is renamed over it at the end."""
    target = check_output(
        path, label=label, may_replace_database=may_replace_database, databases=databases
    )
    with _naming_failures(path, label), atomic_path(target) as temp:
        yield temp


@contextlib.contextmanager
def _naming_failures(path: str | os.PathLike[str], label: str) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        prefix = f"{label}: " if label else ""
        raise InvalidInput(
            f"{prefix}{os.fspath(path)}: cannot write it ({exc.strerror or exc})"
        ) from None


def write_output(
    path: str | os.PathLike[str],
    data: bytes | str,
    *,
    encoding: str = "utf-8",
    label: str = "",
) -> Path:
    """Write ``data`` to an output file (see `output_file`); returns its absolute path."""
    if isinstance(data, str):
        data = data.encode(encoding)
    with output_file(path, "wb", label=label) as fh:
        fh.write(data)
    return Path(os.path.abspath(os.path.expanduser(os.fspath(path))))


def write_outputs(
    files: Sequence[tuple[str | os.PathLike[str], bytes]], *, label: str = ""
) -> list[Path]:
    """Write several output files together or not at all: every one is checked
    (`check_output`) before any is written, each is filled beside its target and all are
    renamed into place only once all are written, so a refusal or a failure to write leaves
    none of them (and no temporary). (A rename failing part way, rare within one folder,
    leaves those renamed before it.) Returns their absolute paths."""
    targets = [check_output(path, label=label) for path, _data in files]
    seen: set[str] = set()
    for (path, _data), target in zip(files, targets, strict=True):
        if _real(target) in seen:
            prefix = f"{label}: " if label else ""
            raise InvalidInput(f"{prefix}{os.fspath(path)} would be written twice")
        seen.add(_real(target))
    with contextlib.ExitStack() as stack:
        for (path, data), target in zip(files, targets, strict=True):
            stack.enter_context(_naming_failures(path, label))
            stack.enter_context(atomic_path(target)).write_bytes(data)
    return targets


def copy_output(
    source: str | os.PathLike[str], path: str | os.PathLike[str], *, label: str = ""
) -> Path:
    """Copy a file the app made (e.g. a PDF) to where a person chose, as an output file."""
    with open(source, "rb") as src, output_file(path, "wb", label=label) as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
    return Path(os.path.abspath(os.fspath(path)))


def remove_stale_temporaries(folder: Path, prefix: str) -> list[Path]:
    """Delete temporary files left in ``folder`` by a process that died while writing them
    (those of `atomic_path` whose names start with ``prefix``); returns what was removed."""
    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        if not name.startswith(prefix) or TEMP_SUFFIX not in name:
            continue
        path = folder / name
        if _writer_alive(path):
            continue
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


def _writer_alive(path: Path) -> bool:
    """Whether the process that is writing a temporary file may still be running: its
    name ends ``.<pid>-<random>.part`` (or ``.part-journal``, SQLite's own)."""
    stem = path.name.rsplit(TEMP_SUFFIX, 1)[0]
    pid_text = stem.rsplit(".", 1)[-1].split("-", 1)[0]
    if not pid_text.isdigit():
        return True  # not one of ours: leave it
    pid = int(pid_text)
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # os.kill would end the process: go by age instead
        with contextlib.suppress(OSError):
            return time.time() - path.stat().st_mtime < 24 * 3600
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _make_private(path: Path) -> None:
    os.chmod(path, 0o600)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable (POSIX; folders cannot be opened this way on Windows)."""
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
