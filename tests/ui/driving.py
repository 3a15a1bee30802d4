"""Small steps of driving the window as a person does, shared by the window's tests."""

from __future__ import annotations

from PySide6.QtCore import Qt


def on_screen(window, qtbot) -> None:  # noqa: ANN001
    """The window shown and active, as on a desktop: shortcuts reach only an active window."""
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def open_audit_trail(window, qtbot):  # noqa: ANN001, ANN201
    """Ctrl+Shift+A (View > Audit trail) in an active window; its trail, once on screen."""
    qtbot.keyClick(
        window,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: window.audit_window is not None and window.audit_window.isVisible())
    return window.audit_window


def zoes_first_review_cancelled(window, sample) -> None:  # noqa: ANN001
    """Zoë's first review (booked in the sample) cancelled through the window's context: it
    is due soon and not booked."""
    from reviewdesk import actions
    from tests.actions.shortcuts import meeting_version

    ctx = window.ctx
    ctx.did_change(
        actions.cancel_meeting(
            ctx.db,
            ctx.actor,
            sample["zoe_first"],
            "Child in hospital",
            expected_version=meeting_version(ctx.db, sample["zoe_first"]),
        )
    )


def shown_rows(table) -> list[tuple[str, ...]]:  # noqa: ANN001
    """What a table shows, row by row, as text (each cell's display text)."""
    model = table.model()
    return [
        tuple(
            str(model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole))
            for c in range(model.columnCount())
        )
        for r in range(model.rowCount())
    ]


def teams_shown(window) -> dict[str, tuple[int, ...]]:  # noqa: ANN001
    """The Workload page's "Social work teams this week", by team: its five figures (meetings,
    overdue, late reports, not received, not shared), the "All teams" row included."""
    return {
        row[0]: tuple(int(n) for n in row[2:]) for row in shown_rows(window.workload.teams_table)
    }


def tooltip_on(qtbot, widget) -> str:  # noqa: ANN001
    """The pointer rested on ``widget``: the tooltip shown (it must show one). Qt's tooltip
    event is sent as its hover timer sends it (the timer itself depends on the window being
    active, which a busy test run may not give)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    QToolTip.hideText()
    centre = widget.rect().center()
    qtbot.mouseMove(widget, centre)
    QApplication.sendEvent(
        widget, QHelpEvent(QEvent.Type.ToolTip, centre, widget.mapToGlobal(centre))
    )
    qtbot.waitUntil(lambda: QToolTip.isVisible() and bool(QToolTip.text()), timeout=5000)
    return QToolTip.text()
