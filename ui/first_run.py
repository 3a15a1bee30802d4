"""First launch on an empty database: offer to create the demo authority.

The demo generator (``reviewdesk.demo``) is another part of the core; it is imported only
when needed, and its absence is reported plainly.
"""

from __future__ import annotations

import inspect

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from ui.context import AppContext, optional_module
from ui.prompts import prompts
from ui.tasks import run_in_background

#: Names the demo module may use for its entry point, tried in order.
DEMO_ENTRY_POINTS = ("generate_demo", "create_demo_authority", "create_demo")


def demo_entry_point():
    module = optional_module("reviewdesk.demo")
    if module is None:
        return None
    for name in DEMO_ENTRY_POINTS:
        fn = getattr(module, name, None)
        if callable(fn):
            return fn
    return None


def _call_demo(fn, ctx: AppContext, progress) -> object:
    params = inspect.signature(fn).parameters
    kwargs = {}
    if "as_of" in params:
        kwargs["as_of"] = ctx.as_of
    if "progress" in params:
        # reviewdesk.demo reports progress(stage, fraction); shown as a percentage.
        kwargs["progress"] = lambda stage, fraction: progress(
            int(round(float(fraction) * 100)), 100, str(stage)
        )
    first = next(iter(params), "")
    if first in ("session", "s"):
        with ctx.db.session() as s:
            return fn(s, **kwargs)
    return fn(ctx.db, **kwargs)


def offer_demo(parent: QWidget | None, ctx: AppContext, *, ask: bool = True) -> bool:
    """Ask (if ``ask``), then build the demo authority in the background. True when built."""
    fn = demo_entry_point()
    if fn is None:
        if not ask:
            prompts().info(
                parent,
                "The demo authority generator is not part of this version yet. "
                "Import your data from File, or run 'reviewdesk demo' when it is available.",
            )
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

    run_in_background(
        lambda report: _call_demo(fn, ctx, report),
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
