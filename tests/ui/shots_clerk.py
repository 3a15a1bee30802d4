"""Screenshots of the clerk's screens (#17) as they open on the screen they are given: the
window sized by the program (not by the script), each page, and each dialog over it.

Run under Xvfb, e.g. at 1366x768 and at scale 2 on a 2732x1536 screen (1366x768 points):

    xvfb-run -s "-screen 0 1366x768x24" python -m tests.ui.shots_clerk docs/screenshots/1366x768
    QT_SCALE_FACTOR=2 xvfb-run -s "-screen 0 2732x1536x24" \
        python -m tests.ui.shots_clerk docs/screenshots/scale-2

Each picture is the whole screen, so a window or dialog that does not fit shows it.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path


def main(argv: list[str]) -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QGuiApplication

    from reviewdesk import queries
    from reviewdesk.storage.db import open_database
    from reviewdesk.storage.models import Child, PeriodOfCare
    from tests.ui.sample import AS_OF, fill_sample
    from ui.app import make_application
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.screen import clamp_to_screen

    out = Path(argv[0] if argv else "/tmp/clerk-shots")
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp())
    db = open_database(tmp / "sample.sqlite", username="shots")
    ids = fill_sample(db)
    with db.session() as s:  # a child as a 903 import leaves them: an ID, nobody allocated
        imported = Child(local_id="903-4417", dob=dt.date(2013, 3, 3))
        s.add(imported)
        s.flush()
        s.add(PeriodOfCare(child_id=imported.id, start=dt.date(2024, 1, 8)))
        ids["imported"] = imported.id
    app = make_application()
    ctx = AppContext.open(db, as_of=AS_OF)
    window = MainWindow(ctx, settings=QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    window.show()
    window.load_initial_data()
    screen = QGuiApplication.primaryScreen()
    files: list[Path] = []

    def settle() -> None:
        for _ in range(20):
            app.processEvents()

    def save(name: str) -> None:
        settle()
        path = out / f"{name}.png"
        screen.grabWindow(0).save(str(path))
        files.append(path)

    def dialog_shot(name: str, dialog, then=None, leave=None) -> None:  # noqa: ANN001
        """``leave(dialog)`` closes it (by default ``done(0)``: the title bar's close would
        ask whether to drop what ``then`` entered)."""
        dialog.setParent(window, dialog.windowFlags())
        dialog.show()
        geometry = dialog.frameGeometry()
        geometry.moveCenter(window.frameGeometry().center())
        dialog.move(geometry.topLeft())
        clamp_to_screen(dialog)  # as Qt places a dialog: over its window, on the screen
        if then is not None:
            settle()
            then(dialog)
        save(name)
        (leave or (lambda d: d.done(0)))(dialog)

    def typed_over(field: str, text: str):  # noqa: ANN202
        """``text`` typed over the dialog's box ``field``, and Tab: a date or time that is not
        one stays in the box, in red, saying why."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        def then(dialog) -> None:  # noqa: ANN001
            box = getattr(dialog, field)
            dialog.activateWindow()
            box.setFocus()
            settle()
            QTest.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            QTest.keyClicks(box, text)
            QTest.keyClick(box, Qt.Key.Key_Tab)

        return then

    def length_out_of_range(dialog) -> None:  # noqa: ANN001
        """A length of "5" (minutes) typed, and Tab: the box keeps it, in red, and says why."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        dialog.activateWindow()
        dialog.duration.setFocus()
        settle()
        dialog.duration.selectAll()
        QTest.keyClicks(dialog.duration, "5")
        QTest.keyClick(dialog.duration, Qt.Key.Key_Tab)

    from ui.tasks import wait_for_all

    wait_for_all()
    settle()
    window.show_page(0)
    save("dashboard")
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QToolTip

    late = window.dashboard.tiles["out_of_timescale_month"]  # what the tile counts, in full
    QToolTip.showText(late.mapToGlobal(QPoint(20, late.height())), late.toolTip(), late)
    save("dashboard-tile-tooltip")
    QToolTip.hideText()
    window.dashboard.tiles["overdue"].click()
    wait_for_all()
    window.cases.list.table.selectRow(0)
    save("cases-narrowed-to-a-tile")
    window.cases.list.show_all()
    window.open_child(ids["zoe"])
    page = window.cases.child
    page.select_meeting(ids["zoe_first"])
    save("child")
    window.open_child(ids["imported"])
    page.tabs.setCurrentIndex(1)
    save("child-imported-incomplete")
    window.show_page(2)
    window.diary.narrow_diary("chair", ids["lukasz"])
    save("diary-one-chair")
    window.diary.narrow.setCurrentIndex(0)
    window.diary.by.setCurrentIndex(window.diary.by.findData("clerk"))
    save("diary-by-clerk")
    window.show_page(4)
    save("settings")
    tabs = window.settings_page.tabs
    tabs.setCurrentIndex(next(i for i in range(tabs.count()) if "Invitations" in tabs.tabText(i)))
    chase = window.settings_page.invitation_settings.chase_days
    window.activateWindow()
    chase.setFocus()
    settle()
    chase.selectAll()
    from PySide6.QtTest import QTest

    QTest.keyClicks(chase, "75")
    window.settings_page.invitation_settings.mailbox.setFocus()
    settle()
    save("settings-number-out-of-range")
    tabs.setCurrentIndex(0)
    target = window.settings_page.lac_target
    target.setFocus()
    settle()
    target.selectAll()
    QTest.keyClicks(target, "101")
    window.settings_page.council.setFocus()
    settle()
    save("settings-target-out-of-range")

    from ui.dialogs.booking import BookingDialog
    from ui.dialogs.cancel import CancelDialog
    from ui.dialogs.child import AllocationDialog, ChildDetailsDialog
    from ui.dialogs.pick_child import PickChildDialog
    from ui.dialogs.recording import RecordingDialog
    from ui.duedates import due_items

    window.show_page(1)
    with db.session() as s:
        zoe = queries.child_detail(s, ids["zoe"])
        cp = queries.child_detail(s, ids["lukasz_child"])
        incomplete = queries.child_detail(s, ids["imported"])
    first = next(m for m in zoe.meetings if m.id == ids["zoe_first"])
    dialog_shot("booking", BookingDialog(ctx, zoe, dues=due_items(ctx, zoe)))

    def one_in_the_morning(dialog) -> None:  # noqa: ANN001
        """ "1" typed over the time (meaning 1 pm): the booking's warnings say so."""
        from PySide6.QtCore import QTime

        dialog.time.setTime(QTime(1, 0))
        settle()

    dialog_shot(
        "booking-outside-usual-hours",
        BookingDialog(ctx, zoe, dues=due_items(ctx, zoe)),
        one_in_the_morning,
    )
    for name, field, text in (("not-a-date", "date", "31/02/2024"), ("not-a-time", "time", "9:3")):
        dialog_shot(
            f"booking-{name}",
            BookingDialog(ctx, zoe, dues=due_items(ctx, zoe)),
            typed_over(field, text),
        )
    dialog_shot(
        "booking-length-out-of-range",
        BookingDialog(ctx, zoe, dues=due_items(ctx, zoe)),
        length_out_of_range,
    )
    dialog_shot("booking-overdue", BookingDialog(ctx, cp, dues=due_items(ctx, cp)))
    dialog_shot("reschedule", BookingDialog(ctx, zoe, dues=due_items(ctx, zoe), meeting=first))
    dialog_shot("cancel", CancelDialog(ctx, zoe, first))

    def reason_given(dialog) -> None:  # noqa: ANN001
        """A reason chosen and a note typed: Cancel the meeting is the button Enter presses."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        dialog.activateWindow()
        dialog.reason.setFocus()
        settle()
        for _ in range(dialog.reason.findText("Child moved to another authority")):
            QTest.keyClick(dialog.reason, Qt.Key.Key_Down)
        QTest.keyClick(dialog.reason, Qt.Key.Key_Tab)
        QTest.keyClicks(dialog.note, "to Cardiff")

    dialog_shot(
        "cancel-reason-given",
        CancelDialog(ctx, zoe, first),
        reason_given,
    )
    dialog_shot("recording", RecordingDialog(ctx, zoe, first, dues=due_items(ctx, zoe)))
    dialog_shot("child-details", ChildDetailsDialog(ctx, incomplete))
    dialog_shot("allocate", AllocationDialog(ctx, incomplete))
    dialog_shot(
        "pick-child", PickChildDialog(ctx, "Book a meeting on Thu 11/04/2024: for which child?")
    )
    window.set_as_of(dt.date(2024, 3, 27))
    window.show_page(0)
    save("as-of-read-only")
    print("\n".join(str(f) for f in files))
    window.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
