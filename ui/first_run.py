"""First launch on an empty database: offer to create the demo authority (the demo action,
`reviewdesk.actions.create_demo`, for those whose role allows it)."""

from __future__ import annotations

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from reviewdesk.actions import Changes
from ui.context import AppContext
from ui.operations import perform_in_background
from ui.prompts import prompts


def _call_demo(ctx: AppContext, progress) -> Changes:
    """The demo action as the acting user; progress(stage, fraction) shown as a percentage."""
    from reviewdesk.actions import create_demo

    return create_demo(
        ctx.db,
        ctx.actor,
        as_of=ctx.as_of,
        progress=lambda stage, fraction: progress(
            int(round(float(fraction) * 100)), 100, str(stage)
        ),
    )


def offer_demo(parent: QWidget | None, ctx: AppContext, *, ask: bool = True) -> bool:
    """Ask (if ``ask``), then build the demo authority in the background. True when built;
    its changes reach every page (`AppContext.did_change`)."""
    if not ctx.can_create_demo:
        return False
    if ask and not prompts().confirm(
        parent,
        "This database is empty.\n\nCreate a demo authority (made-up children, staff, rooms "
        "and meetings) to try reviewdesk?",
    ):
        return False
    dialog = QProgressDialog("Creating the demo authority…", "", 0, 0, parent)
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    loop = QEventLoop()
    outcome: dict[str, object] = {}

    def progress(done: int, total: int, text: str) -> None:
        dialog.setMaximum(max(total, 0))
        dialog.setValue(done)
        if text:
            dialog.setLabelText(text)

    def done(result) -> None:
        outcome["ok"] = result
        loop.quit()

    def failed(exc) -> None:
        outcome["error"] = exc
        loop.quit()

    # As every action of the window's (`ui.operations`): announced to every page
    # (`AppContext.did_change`), and known to `ui.change_watch` as the window's own.
    perform_in_background(
        parent,
        ctx,
        lambda report: _call_demo(ctx, report),
        on_success=done,
        on_failure=failed,
        on_progress=progress,
    )
    loop.exec()
    dialog.close()
    if "error" in outcome:
        from ui.errors import friendly_message

        prompts().error(
            parent, "The demo authority could not be created: " + friendly_message(outcome["error"])
        )
        return False
    return True
