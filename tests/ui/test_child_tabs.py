"""The child's page fills its Allocations, IRO oversight and History tabs when they are
opened, not with every child shown: opened by keyboard or mouse, as a person would, each
shows what filling it at once would have shown (a section filled directly, from records
read the general way), and the tab on show follows the child opened next at once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget

from reviewdesk import queries
from reviewdesk.storage.models import Child
from reviewdesk.vocabulary import format_uk as uk
from tests.test_child_detail import _fill_in
from tests.ui.test_changes import open_child
from ui.audit_view import ChildHistory
from ui.pages.child import KIND_WORDS
from ui.pages.oversight_section import OversightSection


@pytest.fixture
def filled(db, sample):
    """The sample with allocations, contacts, parts and moves (before the window reads it)."""
    _fill_in(db, sample)
    return sample


@pytest.fixture
def on_screen(filled, window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def _texts(table: QTableWidget) -> list[tuple[str, ...]]:
    return [
        tuple(table.item(r, c).text() for c in range(table.columnCount()))
        for r in range(table.rowCount())
    ]


def _next_tab(qtbot, page) -> None:
    """The right arrow on the focused tab bar: the next tab."""
    bar = page.tabs.tabBar()
    bar.setFocus()
    qtbot.keyClick(bar, Qt.Key.Key_Right)


def _click_tab(qtbot, page, title: str) -> None:
    bar = page.tabs.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i) == title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert page.tabs.currentIndex() == index


def _general(window, child_id: int):
    """The child's details read record by record (`queries.detail_of`), the general way."""
    with window.ctx.db.session() as s:
        return queries.detail_of(s.get(Child, child_id))


def _same_as_filled_at_once(window, qtbot, page, child_id: int) -> None:
    """Each tab of the page, opened in turn by keyboard, against its content filled at once."""
    detail = _general(window, child_id)
    _next_tab(qtbot, page)
    assert page.tabs.currentWidget() is page.allocations
    assert _texts(page.allocations) == [
        (KIND_WORDS.get(a.kind, a.kind), a.name or "nobody", uk(a.start, "not known"),
         uk(a.end, "now"), a.reason or "")
        for a in detail.allocations
    ]  # fmt: skip
    _next_tab(qtbot, page)
    assert page.tabs.currentWidget() is page.oversight
    direct = OversightSection(window.ctx)
    qtbot.addWidget(direct)
    direct.show_child(detail)
    section = page.oversight
    assert section.detail == detail and section.data == direct.data
    assert section.summary.text() == direct.summary.text()
    for table in ("escalations", "contacts", "voices"):
        assert _texts(getattr(section, table)) == _texts(getattr(direct, table)), table
    _next_tab(qtbot, page)
    assert page.tabs.currentWidget() is page.history
    history = ChildHistory(window.ctx)
    qtbot.addWidget(history)
    history.show_child(child_id)
    assert page.history.model.rows == history.model.rows
    assert page.history.note.text() == history.note.text()


def test_each_tab_is_filled_when_opened_with_what_it_showed_before(
    on_screen, qtbot, filled
) -> None:
    window = on_screen
    page = open_child(window, qtbot, "llewelyn")
    assert page.tabs.currentIndex() == 0  # the due dates
    # The facts line has the last contact without the oversight tab being read.
    assert "last IRO contact 08/04/2024" in page.facts.text()
    assert page.allocations.rowCount() == 0 and page.oversight.data is None
    assert page.history.model.rowCount() == 0
    _same_as_filled_at_once(window, qtbot, page, filled["sian_child"])
    assert page.allocations.rowCount() == 3 and page.oversight.contacts.rowCount() == 1

    # Another child, with History on show: it follows at once; the others when opened.
    qtbot.keyClick(page, Qt.Key.Key_Escape)  # back to the case list
    zoe = open_child(window, qtbot, "briain")
    assert zoe is page and page.tabs.currentWidget() is page.history
    history = ChildHistory(window.ctx)
    qtbot.addWidget(history)
    history.show_child(filled["zoe"])
    assert page.history.model.rows == history.model.rows
    assert {r.child for r in page.history.model.rows} == {"Zoë Ó Briain"}
    assert page.oversight.detail.id == filled["sian_child"]  # not opened since
    _click_tab(qtbot, page, "Due dates")
    _same_as_filled_at_once(window, qtbot, page, filled["zoe"])
    assert page.allocations.rowCount() == 0 and page.oversight.contacts.rowCount() == 0


def test_a_change_refills_the_tab_on_show(on_screen, qtbot, filled, prompts_recorder) -> None:
    """The contact removed from the oversight tab is gone from it at once (the page is read
    again from the change), and the history tab then shows the removal when opened."""
    window = on_screen
    page = open_child(window, qtbot, "llewelyn")
    _click_tab(qtbot, page, "IRO oversight")
    section = page.oversight
    assert section.contacts.rowCount() == 1
    section.contacts.selectRow(0)
    qtbot.mouseClick(section.remove_button, Qt.MouseButton.LeftButton)
    assert prompts_recorder.questions[-1].startswith("Remove the visit of 08/04/2024")
    assert section.contacts.rowCount() == 0
    assert "last IRO contact 08/04/2024" not in page.facts.text()
    _click_tab(qtbot, page, "History")
    assert page.history.model.rows[0].action == "removed"


def _shown(page) -> tuple[list[tuple[str, ...]], str, str]:
    """What the child's page shows: its timeline's cells, its due dates and its heading."""
    model = page.model
    cells = [
        tuple(str(model.index(r, c).data() or "") for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]
    return cells, page.explanation.toPlainText(), page.heading.text()


def test_the_childs_page_reads_the_child_once_on_each_refresh(
    on_screen, qtbot, sample, monkeypatch
) -> None:
    """F5 on Zoë's page reads her history once (one `Register` of her), for the meetings'
    names and the due dates together, where it read it twice (once for each); the page shows
    what the two reads showed: her meetings named as `queries.child_detail` names them and
    her due dates as `casedues.child_due_report` gives them."""
    from reviewdesk.casedues import child_due_report
    from reviewdesk.casework.register import Register
    from tests.ui.sample import AS_OF

    window = on_screen
    zoe = sample["zoe"]
    page = open_child(window, qtbot, "zoe")
    before = _shown(page)
    with window.ctx.db.session() as s:
        detail = queries.child_detail(s, zoe, as_of=AS_OF)
        dues, not_judged = child_due_report(
            s, zoe, rules=window.ctx.rules, calendar=window.ctx.calendar, as_of=AS_OF
        )
    assert page.detail == detail
    assert (page.dues, page.not_judged) == (dues, not_judged)
    assert dues and detail.meetings

    reads: list[list[int] | None] = []
    real = Register.__init__

    def counted(self, session, **kw) -> None:  # noqa: ANN001
        real(self, session, **kw)
        reads.append(self.asked)

    monkeypatch.setattr(Register, "__init__", counted)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.cases.stack.currentWidget() is page)
    assert reads.count([zoe]) == 1, reads
    assert _shown(page) == before
    assert page.detail == detail
    assert (page.dues, page.not_judged) == (dues, not_judged)
