"""A friendly message for any failure: the traceback goes to a log file, never to the screen."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

from reviewdesk.errorlog import write_log
from reviewdesk.errors import ReviewdeskError

log = logging.getLogger("reviewdesk.ui")


def friendly_message(exc: BaseException) -> str:
    """What a person reads: our own errors as they are, anything else in plain words."""
    if isinstance(exc, ReviewdeskError):
        return str(exc)
    if isinstance(exc, PermissionError):
        return f"reviewdesk was not allowed to open a file: {exc.filename or exc}"
    if isinstance(exc, OSError):
        return f"A file or network problem stopped this: {exc.strerror or exc}"
    name = type(exc).__name__
    if name in ("OperationalError", "InterfaceError"):
        return "The database could not be reached or is busy. Try again in a moment."
    if name == "StaleDataError":
        return "Someone else changed this record while you were editing it. Reload and try again."
    if name == "IntegrityError":
        return "That change would break the records (a duplicate or a missing link)."
    return "Something went wrong and this action did not finish."


def install_excepthook(show: Callable[[str, Path | None], None]) -> None:
    """Route uncaught exceptions to ``show(message, log_path)`` after logging the traceback."""

    def hook(exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        path = write_log(exc_type, exc, tb)
        log.error("unhandled %s: %s", exc_type.__name__, exc)
        try:
            show(friendly_message(exc), path)
        except Exception:  # noqa: BLE001 - the hook itself must never raise
            sys.stderr.write(f"reviewdesk: {friendly_message(exc)}\n")

    sys.excepthook = hook
