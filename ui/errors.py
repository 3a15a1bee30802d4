"""A friendly message for any failure: the traceback goes to a log file, never to the screen."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable
from pathlib import Path

from reviewdesk.errorlog import write_log
from reviewdesk.errors import ReviewdeskError
from reviewdesk.storage import locking

log = logging.getLogger("reviewdesk.ui")


def friendly_message(exc: BaseException) -> str:
    """What a person reads: our own errors as they are, anything else in plain words."""
    if isinstance(exc, ReviewdeskError):
        return str(exc)
    if isinstance(exc, PermissionError):
        return f"reviewdesk was not allowed to open a file: {exc.filename or exc}"
    if isinstance(exc, OSError):
        return f"A file or network problem stopped this: {exc.strerror or exc}"
    if locking.is_lock_wait(exc):  # (reviewdesk's own engines say whose lock: `Locked`)
        return locking.locked_message([])
    name = type(exc).__name__
    if name in ("OperationalError", "InterfaceError"):
        return "The database could not be reached or is busy. Try again in a moment."
    if name == "StaleDataError":
        return "Someone else changed this record while you were editing it. Reload and try again."
    if name == "IntegrityError":
        return "That change would break the records (a duplicate or a missing link)."
    return "Something went wrong and this action did not finish."


#: A core refusal that starts with the field at fault, as the command line words it ("held
#: date: 10/02/2026 is in the future"); only such a label is capitalised, never a name or a
#: file name a message starts with ("deputy (deactivated) cannot...", "not-a-report.pdf").
_FIELD_FIRST = re.compile(r"[a-z][a-z ()-]*: ")
#: Words that already tell the person what was not done ("Nothing was saved", "... was
#: changed", "... was attached").
_SAID_NOTHING_DONE = re.compile(r"\bnothing was\b", re.IGNORECASE)


def refusal_message(why: str | BaseException) -> str:
    """A refused change as every form words it: "Nothing was saved." first, then why, as a
    sentence (the date box's words: "Nothing was saved. Meeting date: ..."). A message that
    already says what was not done is shown as the core wrote it."""
    text = str(why).strip()
    if not text:
        return "Nothing was saved."
    if _FIELD_FIRST.match(text):
        text = text[0].upper() + text[1:]
    if text[-1] not in ".?!":
        text += "."
    if _SAID_NOTHING_DONE.search(text):
        return text
    return f"Nothing was saved. {text}"


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
