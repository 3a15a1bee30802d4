"""The case list when the data cannot date an open case's next meeting (one year's census
imported, a plan begun the year before): "Next due" says "not known" and why, in the window's
reading (the shared snapshot, kept up to date after an edit) and in the export, never a
blank like a closed case's."""

from __future__ import annotations

import csv

from openpyxl import load_workbook
from sqlalchemy import select

from reviewdesk import queries
from reviewdesk.casework.mapping import DueNotKnown
from reviewdesk.casework.register import Register
from reviewdesk.dashboard import snapshot, update_snapshot
from reviewdesk.export.cases import WHY_NOT_KNOWN, export_cases
from reviewdesk.storage.models import Child
from tests.dbfixtures import db, db_target, open_db  # noqa: F401
from tests.importers.test_cin_elements import census, imported, plan
from tests.ui.sample import AS_OF, fill_sample

HEADER = [title for _key, title in queries.CASE_COLUMNS] + [WHY_NOT_KNOWN]
DUE = HEADER.index("Next due")
#: The 2023-24 census alone: a plan begun in 2022-23 (not imported), open, with no review in
#: 2023-24, so its last review may be in the year not imported.
ONE_YEAR = census(
    "2024-03-31",
    "<CINreferralDate>2022-05-01</CINreferralDate>"
    "<DateOfInitialCPC>2022-06-20</DateOfInitialCPC>" + plan("2022-06-20"),
).replace("<LAchildID>P1</LAchildID>", "<LAchildID>Q771</LAchildID>")
WHY = (
    "Next Subsequent review CP conference: a review conference may have been held that is "
    "not in the data (no CIN census before 2023-24 is imported)"
)


def _setup(db, tmp_path) -> tuple[dict[str, int], int]:  # noqa: F811
    sample = fill_sample(db)
    imported(db, tmp_path, ONE_YEAR)
    with db.session() as s:
        q771 = s.scalar(select(Child.id).where(Child.local_id == "Q771"))
    return sample, q771


def test_the_snapshot_says_not_known_and_why(db, tmp_path) -> None:  # noqa: F811
    sample, q771 = _setup(db, tmp_path)
    with db.session() as s:
        fresh = snapshot(s, as_of=AS_OF)
        status = Register(s, as_of=AS_OF).statuses[q771]
        again = update_snapshot(s, fresh, [q771, sample["zoe"]])
    assert status.next_due is None
    assert fresh.next_dues[q771] == DueNotKnown((WHY,)) == status.next_due_shown()
    assert sample["closed"] not in fresh.next_dues  # closed: nothing due, not "not known"
    assert again.next_dues == fresh.next_dues


def test_the_export_says_not_known_and_why(db, tmp_path) -> None:  # noqa: F811
    sample, q771 = _setup(db, tmp_path)
    ids = [sample["zoe"], q771, sample["closed"]]
    with db.session() as s:
        assert export_cases(s, ids, tmp_path / "cases.xlsx", as_of=AS_OF) == 3
        assert export_cases(s, ids, tmp_path / "cases.csv", as_of=AS_OF) == 3
    rows = list(load_workbook(tmp_path / "cases.xlsx").active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    zoe, unknown, closed = rows[1:]
    assert zoe[DUE] is not None and zoe[-1] is None
    assert (unknown[DUE], unknown[-1]) == ("not known", WHY)
    assert (closed[DUE], closed[-1]) == (None, None)
    lines = list(csv.reader((tmp_path / "cases.csv").read_text("utf-8-sig").splitlines()))
    assert lines[0] == HEADER
    assert (lines[2][DUE], lines[2][-1]) == ("not known", WHY)
    assert (lines[3][DUE], lines[3][-1]) == ("", "")
