"""The case list as a person sees it when one year's census is imported and a plan began the
year before: "Next due" reads "not known" (never blank), says why on hover, sorts after the
dates whichever way the column is clicked, and the export says the same."""

from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from sqlalchemy import select

from reviewdesk.storage.models import Child
from tests.export.test_cases_not_known import ONE_YEAR, WHY
from tests.importers.test_cin_elements import imported
from tests.ui.sample import fill_sample
from ui.models.case_model import COLUMNS


@pytest.fixture
def sample(db, tmp_path):  # the window's children, and Q771 from the 2023-24 census
    ids = fill_sample(db)
    imported(db, tmp_path, ONE_YEAR)
    with db.session() as s:
        ids["q771"] = s.scalar(select(Child.id).where(Child.local_id == "Q771"))
    return ids


def _click_header(qtbot, table, column: int) -> None:
    header = table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    QTest.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def test_next_due_not_known_in_the_case_list(
    window, qtbot, prompts_recorder, sample, tmp_path
) -> None:
    window.show()
    qtbot.waitExposed(window)
    window.show_page(1)
    cases = window.cases.list
    model, table = cases.model, cases.table
    qtbot.waitUntil(lambda: model.dues_known, timeout=20000)
    column = [key for key, _title in COLUMNS].index("next_due")
    dated = {cid for cid, due in model.next_dues.items() if cid != sample["q771"]}
    assert dated and sample["q771"] in model.next_dues

    def ids() -> list[int]:
        return [model.child_id(r) for r in range(model.rowCount())]

    for _ascending_then_descending in range(2):
        before = ids()
        _click_header(qtbot, table, column)
        qtbot.waitUntil(lambda before=before: ids() != before, timeout=10000)
        order = ids()
        # The dates first (either way), then the case whose next due date is not known.
        assert set(order[: len(dated)]) == dated and order[len(dated)] == sample["q771"]
    row = ids().index(sample["q771"])
    index = table.model().index(row, column)
    assert index.data() == "not known"
    assert index.data(Qt.ItemDataRole.ToolTipRole) == f"Due date not known: {WHY}"

    prompts_recorder.save_answer = str(tmp_path / "cases.csv")
    window.export_action.trigger()
    qtbot.waitUntil(lambda: "cases.csv" in window.statusBar().currentMessage(), timeout=10000)
    with (tmp_path / "cases.csv").open(encoding="utf-8-sig") as fh:
        lines = list(csv.reader(fh))
    q771 = next(r for r in lines if r[1] == "Q771")
    assert q771[column] == "not known" and q771[-1] == WHY
