"""The case list export (`reviewdesk.export.cases`): the list's columns and order, the engine's
next due dates, real dates in a workbook and dd/mm/yyyy in CSV."""

from __future__ import annotations

import csv
import datetime as dt

from openpyxl import load_workbook

from reviewdesk import queries
from reviewdesk.casework.register import Register
from reviewdesk.export.cases import WHY_NOT_KNOWN, case_records, export_cases
from tests.dbfixtures import db, db_target, open_db  # noqa: F401
from tests.ui.sample import AS_OF, fill_sample

HEADER = [title for _key, title in queries.CASE_COLUMNS] + [WHY_NOT_KNOWN]


def test_rows_follow_the_ids_given_with_the_engines_next_due(db, tmp_path) -> None:  # noqa: F811
    sample = fill_sample(db)
    ids = [sample["sian_child"], sample["zoe"], 99999, sample["lukasz_child"]]
    with db.session() as s:
        records = case_records(s, ids, as_of=AS_OF)
        register = Register(s, as_of=AS_OF)
        listed = queries.case_rows(s, ids, as_of=AS_OF)
    assert [r[1] for r in records] == ["C0003", "C0001", "C0002"]  # 99999 is no child
    due_at = HEADER.index("Next due")
    for record, cid in zip(records, [ids[0], ids[1], ids[3]], strict=True):
        assert record[due_at] == register.statuses[cid].next_due.due.date
        assert record[0] == listed[cid].name and record[-2] == listed[cid].status
        assert record[-1] is None  # every next due date is known


def test_workbook_and_csv(db, tmp_path) -> None:  # noqa: F811
    sample = fill_sample(db)
    ids = [sample["zoe"], sample["closed"]]
    dues = {sample["zoe"]: dt.date(2024, 4, 24)}
    with db.session() as s:
        assert export_cases(s, ids, tmp_path / "cases.xlsx", as_of=AS_OF, dues=dues) == 2
        assert export_cases(s, ids, tmp_path / "cases.csv", as_of=AS_OF, dues=dues) == 2
    sheet = load_workbook(tmp_path / "cases.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    due = rows[1][HEADER.index("Next due")]
    assert due.date() == dt.date(2024, 4, 24)
    assert sheet.cell(row=2, column=HEADER.index("Next due") + 1).number_format == "DD/MM/YYYY"
    assert rows[2][HEADER.index("Next due")] is None  # no open case, nothing due
    raw = (tmp_path / "cases.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    lines = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert lines[0] == HEADER
    assert lines[1][HEADER.index("Next due")] == "24/04/2024"
    assert lines[1][0] == "Zoë Ó Briain"


def test_a_next_meeting_never_recorded_is_exported_as_the_list_shows_it(
    db,  # noqa: F811
    tmp_path,
) -> None:
    """Łukasz's 1st review CP conference, booked for 14/03/2024, never recorded: on
    10/04/2024 the case list says "not recorded" under "Next meeting"; the CSV and the
    workbook left it empty, as for a child with nothing booked."""
    sample = fill_sample(db)
    ids = [sample["lukasz_child"], sample["zoe"]]
    with db.session() as s:
        export_cases(s, ids, tmp_path / "cases.csv", as_of=AS_OF)
        export_cases(s, ids, tmp_path / "cases.xlsx", as_of=AS_OF)
    at = HEADER.index("Next meeting")
    lines = list(csv.reader((tmp_path / "cases.csv").read_text("utf-8-sig").splitlines()))
    assert [line[at] for line in lines[1:]] == ["not recorded", "11/04/2024"]
    rows = list(load_workbook(tmp_path / "cases.xlsx").active.iter_rows(values_only=True))
    assert rows[1][at] == "not recorded"
    assert rows[2][at].date() == dt.date(2024, 4, 11)
