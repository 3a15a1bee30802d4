"""The error log: where a failure nobody expected is written in full, so that what a person
reads can be one plain sentence and a path, never a traceback or an exception's own words.

The window (`ui.errors`) and the command line (`reviewdesk.cli.main`) both write here: one
file in the user's data folder, whichever of them met the failure.
"""

from __future__ import annotations

import datetime as dt
import traceback
from pathlib import Path
from types import TracebackType

from reviewdesk.paths import user_data_dir


def log_path() -> Path:
    return user_data_dir() / "reviewdesk-errors.log"


def write_log(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> Path | None:
    """Append the traceback to the error log; returns its path (None if it cannot be written)."""
    return write_log_text("".join(traceback.format_exception(exc_type, exc, tb)))


def write_log_text(text: str) -> Path | None:
    """Append a traceback already written out (one from a worker process) to the error log."""
    try:
        path = log_path()  # the data folder is made here: it may not be writable
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')}\n{text}")
        return path
    except OSError:
        return None


__all__ = ["log_path", "write_log", "write_log_text"]
