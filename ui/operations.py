"""Running an action (`reviewdesk.actions`) from the window, as Anki's ``CollectionOp`` does.

`perform` calls an action as the acting user; a refusal, a stale save or bad input is shown
to the person (nothing changed) and gives None. `perform_in_background` runs slow ones (an
import, the demo) off the UI thread. Either way, success is announced with
`AppContext.did_change`, so every page refreshes what it shows of the change at once (and
`AppContext.action_starting` comes first, so that `ui.change_watch` tells the action's own
change from other people's). The window never writes to the database any other way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QWidget

from reviewdesk.actions import Changes
from reviewdesk.errors import ReviewdeskError
from ui.context import AppContext
from ui.errors import refusal_message
from ui.prompts import prompts
from ui.tasks import ProgressFn, Task, run_in_background
from ui.wrong_entries import refuse_wrong_entries

Action = Callable[..., Changes]


def perform(
    parent: QWidget | None,
    ctx: AppContext,
    action: Action,
    /,
    *args: Any,
    on_refused: Callable[[ReviewdeskError], None] | None = None,
    checks: QWidget | Sequence[QWidget] | None = None,
    **kwargs: Any,
) -> Changes | None:
    """Run ``action(ctx.db, ctx.actor, *args, **kwargs)`` now; the changes, or None (the
    person has been told why) when it was refused or failed. ``on_refused`` is called with
    the refusal once the person has read it (a dialog puts the keyboard on the field the
    message names). A box in ``checks`` (default: all of ``parent``; ``()`` for an action
    that reads none), the parts of the form the action reads, holding something typed that
    it does not take (a date that is not one, a number out of range) stops it first
    (`refuse_wrong_entries`): a form of several parts saves one while another holds a wrong
    date."""
    parts = [parent] if checks is None else [checks] if isinstance(checks, QWidget) else checks
    if any(refuse_wrong_entries(part) for part in parts):
        return None
    ctx.action_starting()
    try:
        changes = action(ctx.db, ctx.actor, *args, **kwargs)
    except ReviewdeskError as exc:
        ctx.action_failed()
        prompts().error(parent, refusal_message(exc))
        if on_refused is not None:
            on_refused(exc)
        return None
    except BaseException:
        ctx.action_failed()  # (a fault: told by the window's error handler)
        raise
    ctx.did_change(changes)
    return changes


def perform_in_background(
    parent: QWidget | None,
    ctx: AppContext,
    work: Callable[[ProgressFn], Changes],
    *,
    on_success: Callable[[Changes], None] | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
) -> Task:
    """Run ``work(progress)`` (which calls an action) in the thread pool; on the UI thread
    afterwards, announce the changes and call ``on_success``, or report the failure."""

    def succeeded(changes: Changes) -> None:
        try:
            ctx.did_change(changes)
        finally:  # what was done is said even when a page fails to show it
            if on_success is not None:
                on_success(changes)

    def failed(exc: BaseException) -> None:
        ctx.action_failed()
        if on_failure is not None:
            on_failure(exc)
            return
        from ui.errors import friendly_message

        prompts().error(parent, friendly_message(exc))

    ctx.action_starting()
    return run_in_background(work, on_success=succeeded, on_failure=failed, on_progress=on_progress)


__all__ = ["perform", "perform_in_background"]
