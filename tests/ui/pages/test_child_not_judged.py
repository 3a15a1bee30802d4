"""The child's page after importing one year's census: what the data cannot judge says so.

As a person does it: Ctrl+I, choose the 2023-24 census, import; find the child by typing
their ID, open them, click the review on the timeline. The plan began in 2022-23 (not
imported), so the review's previous conference is not in the data: "Not judged" (never "Out
of timescale"), with why, on the timeline and in the explanation beside it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.importers.test_cin_elements import census, plan
from tests.ui.test_changes import open_child

CENSUS = census(
    "2024-03-31",
    "<CINreferralDate>2022-05-01</CINreferralDate>"
    "<DateOfInitialCPC>2022-06-20</DateOfInitialCPC>" + plan("2022-06-20", "2023-08-20"),
).replace("<LAchildID>P1</LAchildID>", "<LAchildID>Q771</LAchildID>")


def test_a_review_after_a_year_not_imported_is_not_judged(
    window, qtbot, prompts_recorder, tmp_path
) -> None:
    # Not the `shown` fixture: an import changes everything, so the whole register is
    # rightly read again after it (that fixture fails any test that does so).
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    path = tmp_path / "cin-2023-24.xml"
    path.write_text(CENSUS, encoding="utf-8")
    seen = {}

    def drive(dialog) -> bool:
        dialog.kind.setCurrentIndex(dialog.kind.findData("cin"))
        prompts_recorder.file_answer = str(path)
        qtbot.mouseClick(dialog.field_cin.browse, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=20000)
        seen["status"] = dialog.status.text()
        seen["said"] = dialog.details.toPlainText()  # the whole summary, then the details
        return True

    prompts_recorder.on_dialog = drive
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert seen["status"] == "Import complete."
    assert "Not in the data: anything before 2023-24." in seen["said"]

    window.cases.list.open_only.setCurrentIndex(1)  # all children
    page = open_child(window, qtbot, "Q771")
    model = page.model
    rows = [model.row_at(r) for r in range(model.rowCount())]
    review = next(r for r in rows if r.held is not None and r.held.isoformat() == "2023-08-20")
    assert review.timescale == "Not judged"
    why = "previous conference not in the data (no CIN census before 2023-24 is imported)"
    assert review.explanation == why
    # The initial conference, held at CINdetails level, has no s47 in the data: not judged.
    icpc = next(r for r in rows if r.held is not None and r.held.isoformat() == "2022-06-20")
    assert icpc.timescale == "Not judged"

    row = rows.index(review)
    rect = page.table.visualRect(model.index(row, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    text = page.explanation.toPlainText()
    assert "held 20/08/2023: not judged" in text
    assert why in text
    assert "Out of timescale" not in [r.timescale for r in rows]
