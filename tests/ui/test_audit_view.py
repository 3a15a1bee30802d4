"""The audit trail in the window: filtered by child, user, kind and dates, and each child's
own history on their page (administrators and team managers)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics

from reviewdesk import actions
from tests.actions.shortcuts import meeting_version
from tests.ui.driving import on_screen, open_audit_trail
from ui.audit_view import COLUMNS


def _texts(model, column: int) -> list[str]:
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def test_the_trail_filters_by_child_user_kind_and_dates(window, qtbot, sample) -> None:
    ctx = window.ctx
    changes = actions.cancel_meeting(
        ctx.db,
        ctx.actor,
        sample["zoe_first"],
        "Child in hospital",
        expected_version=meeting_version(ctx.db, sample["zoe_first"]),
    )
    ctx.did_change(changes)
    assert window.audit_action.shortcut().toString() == "Ctrl+Shift+A"
    window.audit_action.trigger()  # View > Audit trail
    audit = window.audit_window
    assert audit is not None and audit.isVisible()
    model = audit.model
    assert model.rowCount() >= 2  # the cancellation, and the database's first user
    assert _texts(model, 2)[0] == "changed" and _texts(model, 1)[0] == "tester"
    assert "status: booked → cancelled" in model.rows[0].values

    qtbot.keyClicks(audit.child, "C0001")  # Zoë's ID
    qtbot.keyClick(audit.child, Qt.Key.Key_Return)
    assert {r.child for r in model.rows} == {"Zoë Ó Briain"}  # her records alone
    assert {r.kind for r in model.rows} == {"child's record", "period of care", "meeting", "report"}
    audit.child.clear()
    audit.kind.setCurrentIndex(audit.kind.findData("app_user"))
    audit.show_button.click()
    assert _texts(model, 3) == ["user 1"]
    audit.kind.setCurrentIndex(0)
    audit.user.setCurrentText("nobody")
    audit.show_button.click()
    assert model.rowCount() == 0 and "No entries match" in audit.status.text()
    audit.user.setCurrentText("")
    audit.use_to.setChecked(True)
    audit.end.setDate(dt.date(2020, 1, 1))
    audit.show_button.click()
    assert model.rowCount() == 0
    audit.use_to.setChecked(False)
    audit.child.setText("NOPE")
    audit.show_button.click()
    assert "No child has the ID NOPE" in audit.status.text()


def test_a_child_s_page_shows_their_own_history(window, sample) -> None:
    ctx = window.ctx
    window.open_child(sample["zoe"])
    page = window.cases.child
    assert page.history is not None
    page.tabs.setCurrentWidget(page.history)  # filled when opened (tests/ui/test_child_tabs)
    before = page.history.model.rowCount()
    assert before > 0
    ctx.did_change(
        actions.cancel_meeting(
            ctx.db,
            ctx.actor,
            sample["zoe_first"],
            "Moved",
            expected_version=meeting_version(ctx.db, sample["zoe_first"]),
        )
    )
    rows = page.history.model.rows
    assert len(rows) == before + 1  # refreshed at once: the page is on screen
    assert rows[0].action == "changed" and rows[0].kind == "meeting"
    assert "cancel reason: (none) → Moved" in rows[0].values
    assert {r.child for r in rows} == {"Zoë Ó Briain"}  # hers alone


def test_a_child_s_history_reads_in_words_not_field_names_and_ids(window, qtbot, sample) -> None:
    from reviewdesk.scheduling import Booking

    ctx = window.ctx
    ctx.did_change(
        actions.reschedule_meeting(
            ctx.db,
            ctx.actor,
            sample["zoe_first"],
            Booking(
                dt.date(2024, 4, 12),
                dt.time(14, 0),
                chair_id=sample["maire"],
                room_id=sample["room_b"],
            ),
            "Chair on leave",
            expected_version=meeting_version(ctx.db, sample["zoe_first"]),
        )
    )
    window.open_child(sample["zoe"])
    page = window.cases.child
    bar = page.tabs.tabBar()
    history_tab = page.tabs.indexOf(page.history)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(history_tab).center())
    assert page.tabs.currentWidget() is page.history
    model = page.history.model
    values, records = _texts(model, 5), _texts(model, 3)
    assert values[0] == (
        "date booked: 11/04/2024 → 12/04/2024; time: 10:00 → 14:00; "
        "chair: Łukasz Nowak → Máire Ó Briain; clerk: Siân Evans → (none); room: Room A → Room B"
    )
    assert records[0] == "LAC review, 12/04/2024"
    # Its number is still there for whoever needs it (`reviewdesk audit --record`).
    tip = model.data(model.index(0, 3), Qt.ItemDataRole.ToolTipRole)
    assert tip == f"LAC review, 12/04/2024 (meeting {sample['zoe_first']})"
    shown = " ".join(values + records)
    assert "_" not in shown


def test_the_trail_s_columns_show_what_was_done_and_when_whole(window, qtbot) -> None:
    """Opened from the keyboard at 1366 pixels: the time and "data left reviewdesk" (an export,
    the longest words for what was done) are whole, with no sideways scroll; the values,
    which are long, take the room left."""
    ctx = window.ctx
    actions.record_export(
        ctx.db, ctx.actor, "workload list", destination="/tmp/workload.pdf", children=41
    )
    window.resize(1366, 768)
    on_screen(window, qtbot)
    audit = open_audit_trail(window, qtbot)
    qtbot.waitUntil(lambda: audit.model.rowCount() > 0)
    audit.resize(1300, 700)
    qtbot.wait(100)
    table, model = audit.table, audit.model
    header = table.horizontalHeader()
    cells = QFontMetrics(table.font())
    assert _texts(model, 2)[0] == "data left reviewdesk"
    for column in (0, 2):  # when, what
        widest = max(cells.horizontalAdvance(t) for t in _texts(model, column))
        assert header.sectionSize(column) >= widest + 8, COLUMNS[column]
    bold = QFont(header.font())
    bold.setBold(True)
    for column, title in enumerate(COLUMNS):
        assert header.sectionSize(column) >= QFontMetrics(bold).horizontalAdvance(title), title
    assert table.horizontalScrollBar().maximum() == 0
    values = header.sectionSize(len(COLUMNS) - 1)
    assert values == max(header.sectionSize(c) for c in range(len(COLUMNS)))


def test_an_entry_written_in_another_user_s_name_says_who_wrote_it(window, qtbot, sample) -> None:
    """On a shared server an administrator's login can write an entry in an IRO's name (a
    restore appends an older trail so); the trail must not read as the IRO's own doing, as
    `reviewdesk audit` says with "[recorded by ...]"."""
    from reviewdesk.storage.models import AuditEntry

    with window.ctx.db.session() as s, s.begin():
        s.add_all(
            [
                AuditEntry(
                    at=dt.datetime(2024, 3, 1, 10, tzinfo=dt.UTC),
                    username="lukasz",
                    action="update",
                    table_name="meeting",
                    record_id=str(sample["zoe_first"]),
                    before={"outcome": "Plan continued"},
                    after={"outcome": "Plan ended"},
                    recorded_by="aadmin",
                ),
                AuditEntry(  # stamped with its own user: nothing more to say
                    at=dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC),
                    username="maire",
                    action="export",
                    table_name="schedule",
                    record_id="*",
                    recorded_by="maire",
                ),
            ]
        )
    on_screen(window, qtbot)
    audit = open_audit_trail(window, qtbot)
    audit.use_from.setChecked(False)  # (the entries are from before the window's month)
    qtbot.keyClicks(audit.user, "lukasz")
    audit.show_button.click()
    qtbot.waitUntil(lambda: audit.model.rowCount() == 1)
    model = audit.model
    assert _texts(model, 1) == ["lukasz (recorded by aadmin)"]
    tip = model.data(model.index(0, 1), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Written by the login aadmin in lukasz's name")
    audit.user.setCurrentText("maire")
    audit.show_button.click()
    qtbot.waitUntil(lambda: audit.model.rowCount() == 1)
    assert _texts(model, 1) == ["maire"]
