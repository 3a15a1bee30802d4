"""Other people's changes reach an open window without F5.

Two windows share one database (a team's PostgreSQL server, or two on one SQLite file): a
meeting an administrator books must show in an IRO's open diary. The window learns of its
own changes from its actions (`AppContext.did_change`); of everyone else's from the change
signal (`reviewdesk.storage.signal`), which the database moves whenever a change commits.

`ChangeWatcher` reads the signal every few seconds off the UI thread. When it has moved
and the move is not the window's own, it reads the signal's feed for what changed since
(`reviewdesk.actions.others_changes`) and announces that as the window's own actions
announce theirs (`AppContext.did_change`): another's booking for one child refreshes that
child on every page (the register's figures worked out again for that child alone,
milliseconds, where reading it whole takes seconds at 100,000 children). A change the feed
cannot name child by child (staff, settings, an import, a restore, hundreds of children)
makes every page read again as after an import. Either way the child on screen stays open
with its meeting selected, the diary's cell stays, the case list keeps the children a tile
narrowed it to (which F5 would clear), and the status bar says why for a few seconds.
Never under an open dialog: the person may be halfway through a booking, and the refresh
waits until it closes (what came meanwhile is shown together).

The window's own actions: just before one runs (`AppContext.action_starting`) the signal is
read, so another's change that came before it is still shown; once it is announced
(`did_change`) the signal is read again and taken as seen, so the action's own change is
not refreshed a second time. What another person commits while one of the window's own
actions runs (a moment, for all but an import) is folded into that action's own refresh:
the pages it touched show it, the rest at the next change or F5. A read that started before
an action of the window's own is stale and dropped; one that comes back while it runs (an
import, the demo, in the background) is held until it ends, as it may have read the action's
own commit.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow
from sqlalchemy import Engine

from reviewdesk.actions import Changes, others_changes
from reviewdesk.storage.signal import Signal, read_signal
from ui.context import AppContext
from ui.tasks import Task, run_in_background

log = logging.getLogger(__name__)

#: How often the signal is read: each read is one row by its key (well under a millisecond
#: on SQLite and on a server nearby), off the UI thread.
POLL_MS = 3000
NOTE = "Updated with changes from another user"
NOTE_MS = 6000
#: The action name of the refresh the watcher announces (`Changes.action`).
OTHERS = "changes_from_another_user"


class ChangeWatcher(QObject):
    """Reads the change signal every ``every_ms`` and refreshes ``window`` for others'
    changes (see the module)."""

    def __init__(self, ctx: AppContext, window: QMainWindow, *, every_ms: int = POLL_MS):
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        #: The signal as the window last showed it (None: not read yet).
        self.seen: Signal | None = self._read_now()
        #: Someone else's change has been read and not yet shown (a dialog is open).
        self.pending = False
        #: What those changes were (`others_changes`), together, to be announced.
        self.pending_changes = Changes()
        #: Refreshes done for others' changes (for tests and the log).
        self.refreshes = 0
        self._reading: Task | None = None
        self._failing = False
        #: Moves with every action of the window's own: a read started before one is stale.
        self._epoch = 0
        #: What was pending when the window's own action started (None: none running).
        self._before_own: tuple[bool, Changes] | None = None
        ctx.before_actions(self._before_own_action)
        ctx.after_failed_actions(self._own_action_failed)
        ctx.subscribe(self._after_change)
        self.timer = QTimer(self)
        self.timer.setInterval(every_ms)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def _read_now(self) -> Signal | None:
        """The signal read on the UI thread (one row: at the start and around an action);
        None if the database cannot be reached now (the next tick tries again)."""
        try:
            return read_signal(self.ctx.db.engine)
        except Exception:  # noqa: BLE001 - a lost connection must not stop the window
            log.warning("could not read the change signal", exc_info=True)
            return None

    @staticmethod
    def _read(engine: Engine, seen: Signal | None) -> tuple[Signal, Changes]:
        """The signal now and, when it moved from ``seen``, what changed since (the feed's
        few rows by their counter: an index, milliseconds)."""
        now = read_signal(engine)
        if seen is None or now == seen:
            return now, Changes()
        return now, others_changes(engine, seen, now)

    def _read_changes_now(self) -> tuple[Signal, Changes] | None:
        """`_read` on the UI thread (just before an action of the window's own); None if
        the database cannot be reached now. Everything if only the feed cannot be read."""
        now = self._read_now()
        if now is None or self.seen is None or now == self.seen:
            return None if now is None else (now, Changes())
        try:
            return now, others_changes(self.ctx.db.engine, self.seen, now)
        except Exception:  # noqa: BLE001 - as for the signal
            log.warning("could not read the change feed", exc_info=True)
            return now, Changes(everything=True)

    def tick(self) -> None:
        """Show a change already read if no dialog is open now, and read the signal again."""
        self._show_if_free()
        if self._reading is not None:
            return  # the last read has not come back (a slow network): no pile-up
        engine, epoch, seen = self.ctx.db.engine, self._epoch, self.seen
        self._reading = run_in_background(
            lambda _p: self._read(engine, seen),
            on_success=lambda read: self._arrived(epoch, read),
            on_failure=self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        """The database could not be reached: said once in the log (not every few seconds
        while a server is down); the next tick tries again."""
        self._reading = None
        log.log(logging.DEBUG if self._failing else logging.WARNING, "change signal: %s", exc)
        self._failing = True

    def _arrived(self, epoch: int, read: tuple[Signal, Changes]) -> None:
        self._reading = None
        self._failing = False
        if epoch != self._epoch:
            return  # read before an action of the window's own: it may not include it
        self._note(read)
        self._show_if_free()

    def _note(self, read: tuple[Signal, Changes] | None) -> None:
        """A reading of the signal, with what changed since the window last showed it: a
        move is news, kept until it can be shown."""
        if read is None:
            return
        signal, changes = read
        if self.seen is not None and signal != self.seen:
            self.pending = True
            self.pending_changes = self.pending_changes | changes
        self.seen = signal

    def _before_own_action(self) -> None:
        self._epoch += 1
        self._note(self._read_changes_now())
        self._before_own = (self.pending, self.pending_changes)

    def _after_change(self, changes: Changes) -> None:
        if changes.action == OTHERS:
            return
        # The window's own action: what the signal says now includes it, already shown.
        self._epoch += 1
        now = self._read_now()
        if now is not None:
            self.seen = now
        if self._before_own is not None:
            # A poll that read the signal after the action committed, and came back before
            # the action was announced, took the action's own change for another's: only
            # what was pending when it started is still news (the rest is folded into its
            # refresh, as the module says).
            self.pending, self.pending_changes = self._before_own
            self._before_own = None

    def _own_action_failed(self) -> None:
        """Refused or failed: it changed nothing, so what was read meanwhile is others'."""
        self._before_own = None

    @staticmethod
    def dialog_open() -> bool:
        """Whether a dialog is open (a modal one, the platform's own file dialogs included,
        or any other of ours on screen, such as a print preview)."""
        return QApplication.activeModalWidget() is not None or any(
            isinstance(widget, QDialog) and widget.isVisible()
            for widget in QApplication.topLevelWidgets()
        )

    def _show_if_free(self) -> None:
        if not self.pending or self._before_own is not None or self.dialog_open():
            return  # (while the window's own action runs, what was read may be its own)
        changes, self.pending, self.pending_changes = self.pending_changes, False, Changes()
        self.refreshes += 1
        log.info(
            "refreshing for changes from another user (%s): %s",
            self.seen,
            "everything" if changes.everything else f"{len(changes.children)} children",
        )
        self.ctx.did_change(replace(changes, action=OTHERS))
        self.window.statusBar().showMessage(NOTE, NOTE_MS)


__all__ = ["NOTE", "OTHERS", "POLL_MS", "ChangeWatcher"]
