"""903 returns year after year: each covers one collection year, and none erases another's.

Two consecutive returns (2023-24 and 2024-25) for the same children, imported in either order
and then again, must leave the same history as importing one file holding it all: periods
that ended before the later year are kept, an episode open at the end of the first year gets
its end date from the second, and review numbers carry on across the years.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from reviewdesk.engine import PeriodInput, lac_schedule
from reviewdesk.errors import InvalidInput
from reviewdesk.importers.years import CollectionYear, parse_year
from reviewdesk.settings import working_context
from reviewdesk.storage.models import Child
from tests.actions.shortcuts import import_903
from tests.importers.conftest import write
from tests.importers.test_import_cli import args_903, run

D = dt.date
EP = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC"
RV = "CHILD,REVIEW,REVIEW_CODE"
HEADER = {
    "A1": "A1,1,01/02/2012",
    "B2": "B2,2,03/04/2010",
    "C3": "C3,1,05/06/2015",
    "D4": "D4,2,07/08/2011",
}

# 2023-24: A1 came into care in March 2023 (before the year) and is still looked after on
# 31/03/2024; B2 had a period that ended in October 2023 and came back in February 2024;
# D4 was looked after for the summer only.
YEAR_A = {
    "children": ["A1", "B2", "D4"],
    "episodes": [
        "A1,15/03/2023,S,C1,N1,U1,PR1,01/06/2023,X1",
        "A1,01/06/2023,L,C2,N1,U1,PR1,,",
        "B2,01/05/2023,S,V2,N1,U1,PR1,01/10/2023,E13",
        "B2,01/02/2024,S,C2,N1,U1,PR1,,",
        "D4,01/06/2023,S,V2,N1,U1,PR1,01/09/2023,E13",
    ],
    "reviews": [
        "A1,10/04/2023,PN1",
        "A1,05/07/2023,PN2",
        "A1,20/12/2023,PN1",
        "B2,25/05/2023,PN1",
        "B2,20/08/2023,PN3",
        "B2,25/02/2024,PN1",
        "D4,20/06/2023,PN1",
    ],
}
# 2024-25: A1's episode from 01/06/2023 ended in September and A1 came back in December (a
# new period); B2 is still looked after; C3 is new. Nothing that ended before 01/04/2024.
YEAR_B = {
    "children": ["A1", "B2", "C3"],
    "episodes": [
        "A1,01/06/2023,L,C2,N1,U1,PR1,15/09/2024,E11",
        "A1,01/12/2024,S,C2,N1,U1,PR1,,",
        "B2,01/02/2024,S,C2,N1,U1,PR1,,",
        "C3,05/05/2024,S,V2,N1,U1,PR1,,",
    ],
    "reviews": [
        "A1,10/06/2024,PN4",
        "A1,20/12/2024,PN1",
        "B2,20/05/2024,PN1",
        "B2,10/11/2024,PN2",
        "C3,30/05/2024,PN1",
    ],
}
# Everything both returns say, newest first where they overlap, as one file.
COMBINED = {
    "children": ["A1", "B2", "C3", "D4"],
    "episodes": [e for e in YEAR_A["episodes"] if e != "A1,01/06/2023,L,C2,N1,U1,PR1,,"]
    + [e for e in YEAR_B["episodes"] if not e.startswith("B2,")],
    "reviews": YEAR_A["reviews"] + YEAR_B["reviews"],
}


def files(folder: Path, data: dict) -> tuple[Path, Path, Path]:
    return (
        write(
            folder,
            "header.csv",
            "CHILD,SEX,DOB\n" + "\n".join(HEADER[c] for c in data["children"]) + "\n",
        ),
        write(folder, "episodes.csv", EP + "\n" + "\n".join(data["episodes"]) + "\n"),
        write(folder, "reviews.csv", RV + "\n" + "\n".join(data["reviews"]) + "\n"),
    )


def snapshot(db) -> dict[str, object]:
    """Each child's periods, episodes and held reviews as plain values (no ids)."""
    out: dict[str, object] = {}
    with db.session() as s:
        for child in s.scalars(select(Child).order_by(Child.local_id)):
            periods = sorted(child.periods, key=lambda p: p.start)
            out[child.local_id] = (
                [
                    (
                        p.start,
                        p.end_date,
                        [
                            (e.start, e.end_date, e.rne, e.legal_status, e.rec)
                            for e in sorted(p.episodes, key=lambda e: e.start)
                        ],
                    )
                    for p in periods
                ],
                sorted(
                    (m.held_date, m.participation, m.sequence, m.period.start, m.status)
                    for m in child.meetings
                ),
            )
    return out


def changed(result) -> dict[str, tuple[int, int, int]]:
    return {
        kind: (c.added, c.updated, c.removed)
        for kind, c in result.counts.by_kind.items()
        if c.changed
    }


def next_due(db, as_of: dt.date) -> dict[str, object]:
    """The engine's next review due (date and number) for every child."""
    out: dict[str, object] = {}
    with db.session() as s:
        rules, calendar = working_context(s)
        for child in s.scalars(select(Child).order_by(Child.local_id)):
            periods = [
                PeriodInput(
                    p.start, p.end_date, min(p.episodes, key=lambda e: e.start).legal_status
                )
                for p in sorted(child.periods, key=lambda p: p.start)
            ]
            held = [m.held_date for m in child.meetings if m.meeting_type == "lac_review"]
            schedule = lac_schedule(periods, held, rules=rules, calendar=calendar, as_of=as_of)
            due = schedule.next_due
            out[child.local_id] = (
                None if due is None else (due.sequence, due.due.date),
                [(r.held, r.in_timescale) for r in schedule.reviews],
            )
    return out


@pytest.fixture
def combined(tmp_path_factory) -> tuple[dict, dict]:
    """The history and the engine's view of it, from one file holding both years."""
    from reviewdesk.storage.db import open_database

    folder = tmp_path_factory.mktemp("combined")
    database = open_database(folder / "combined.sqlite", username="tester")
    try:
        assert import_903(database, *files(folder, COMBINED)).errors == []
        return snapshot(database), next_due(database, D(2025, 3, 31))
    finally:
        database.dispose()


# --- the year ------------------------------------------------------------------------------------


def test_the_collection_year_is_the_one_ending_on_the_31_march_after_the_latest_date() -> None:
    assert CollectionYear.containing(D(2025, 3, 31)) == CollectionYear(2024)
    assert CollectionYear.containing(D(2024, 4, 1)) == CollectionYear(2024)
    assert CollectionYear.containing(D(2024, 3, 31)) == CollectionYear(2023)
    year = CollectionYear(2024)
    assert (year.start, year.end, year.label) == (D(2024, 4, 1), D(2025, 3, 31), "2024-25")
    assert year.describe("903") == "903 return for 2024-25 (01/04/2024 to 31/03/2025)"
    assert CollectionYear(1999).label == "1999-00"
    assert parse_year("2024") == parse_year("2024-25") == parse_year("2024-2025") == year
    for bad in ("24", "2024-26", "twenty", ""):
        with pytest.raises(InvalidInput, match="--year"):
            parse_year(bad)


def test_each_file_s_year_is_inferred_and_shown(db, tmp_path) -> None:
    first = import_903(db, *files(tmp_path / "a", YEAR_A), dry_run=True)
    assert first.year == CollectionYear(2023)
    assert first.summary_lines()[1] == "903 return for 2023-24 (01/04/2023 to 31/03/2024)"
    second = import_903(db, *files(tmp_path / "b", YEAR_B), dry_run=True)
    assert second.summary_lines()[1] == "903 return for 2024-25 (01/04/2024 to 31/03/2025)"


# --- consecutive years ---------------------------------------------------------------------------


def test_last_year_then_this_year_keeps_last_year_and_equals_the_combined_history(
    db, tmp_path, combined
) -> None:
    history, due = combined
    assert import_903(db, *files(tmp_path / "a", YEAR_A)).errors == []
    result = import_903(db, *files(tmp_path / "b", YEAR_B))
    assert result.errors == []
    # Nothing of 2023-24 is reported removed: A1's period gets its end and A1 a new period;
    # C3 is new; B2's open period is unchanged; five reviews were held in 2024-25.
    assert changed(result) == {
        "children": (1, 2, 0),
        "periods": (2, 1, 0),
        "episodes": (2, 1, 0),
        "reviews": (5, 0, 0),
    }
    assert snapshot(db) == history
    assert next_due(db, D(2025, 3, 31)) == due

    a1 = history["A1"]
    assert [(p[0], p[1]) for p in a1[0]] == [
        (D(2023, 3, 15), D(2024, 9, 15)),
        (D(2024, 12, 1), None),
    ]
    # Review numbers carry on within the period across the two years.
    assert [(day, seq) for day, _pn, seq, _p, _s in a1[1]] == [
        (D(2023, 4, 10), 1),
        (D(2023, 7, 5), 2),
        (D(2023, 12, 20), 3),
        (D(2024, 6, 10), 4),
        (D(2024, 12, 20), 1),
    ]
    # B2's period that ended in October 2023 is still there, with its reviews.
    assert [(p[0], p[1]) for p in history["B2"][0]] == [
        (D(2023, 5, 1), D(2023, 10, 1)),
        (D(2024, 2, 1), None),
    ]
    assert len(history["B2"][1]) == 5

    # Importing this year's file again changes nothing.
    again = import_903(db, *files(tmp_path / "b", YEAR_B))
    assert changed(again) == {} and {c.status for c in again.children} == {"unchanged"}
    assert snapshot(db) == history


def test_this_year_then_last_year_keeps_this_year_and_equals_the_combined_history(
    db, tmp_path, combined
) -> None:
    history, due = combined
    assert import_903(db, *files(tmp_path / "b", YEAR_B)).errors == []
    older = import_903(db, *files(tmp_path / "a", YEAR_A))
    assert older.errors == [] and older.year == CollectionYear(2023)
    assert all(c.removed == 0 for c in older.counts.by_kind.values())
    assert snapshot(db) == history
    assert next_due(db, D(2025, 3, 31)) == due
    # Both files again, in either order: nothing changes.
    for folder, data in (("a", YEAR_A), ("b", YEAR_B), ("a", YEAR_A)):
        again = import_903(db, *files(tmp_path / folder, data))
        assert changed(again) == {}, folder
        assert snapshot(db) == history


def test_within_the_year_the_file_is_still_the_truth(db, tmp_path) -> None:
    import_903(db, *files(tmp_path / "a", YEAR_A))
    import_903(db, *files(tmp_path / "b", YEAR_B))
    corrected = dict(YEAR_B)
    corrected["reviews"] = [r for r in YEAR_B["reviews"] if r != "B2,10/11/2024,PN2"]
    result = import_903(db, *files(tmp_path / "c", corrected))
    assert changed(result) == {"children": (0, 1, 0), "reviews": (0, 0, 1)}
    held = snapshot(db)["B2"][1]
    assert D(2024, 11, 10) not in [day for day, *_rest in held]
    assert D(2023, 5, 25) in [day for day, *_rest in held]  # last year's are untouched


def test_dry_run_shows_the_year_and_the_changes_and_writes_nothing(db, tmp_path) -> None:
    import_903(db, *files(tmp_path / "a", YEAR_A))
    before = snapshot(db)
    result = import_903(db, *files(tmp_path / "b", YEAR_B), dry_run=True)
    assert not result.written and result.year == CollectionYear(2024)
    lines = result.summary_lines()
    assert lines[0].startswith("Dry run: nothing was written.")
    assert lines[1] == "903 return for 2024-25 (01/04/2024 to 31/03/2025)"
    assert (
        "A1: updated (periods 1 added, 1 updated; episodes 1 added, 1 updated; reviews 2 added)"
        in [c.describe() for c in result.children]
    )
    assert snapshot(db) == before


def test_cli_year_overrides_the_inferred_year(capsys, tmp_path) -> None:
    db_path = tmp_path / "db.sqlite"
    paths = files(tmp_path / "b", YEAR_B)
    code, out, err = run(capsys, *args_903(db_path, paths), "--dry-run")
    assert code == 0, err
    assert "903 return for 2024-25 (01/04/2024 to 31/03/2025)" in out.splitlines()
    code, out, err = run(capsys, *args_903(db_path, paths), "--year", "2025", "--dry-run")
    assert code == 0, err
    assert "903 return for 2025-26 (01/04/2025 to 31/03/2026)" in out.splitlines()
    code, out, err = run(capsys, *args_903(db_path, paths), "--year", "25")
    assert code != 0 and "--year" in err and "Traceback" not in err


def test_a_given_year_that_ends_before_the_file_s_dates_is_refused(db, tmp_path) -> None:
    import_903(db, *files(tmp_path / "a", YEAR_A))
    before = snapshot(db)
    result = import_903(db, *files(tmp_path / "b", YEAR_B), year=CollectionYear(2023))
    assert result.refused and not result.written
    assert [str(e) for e in result.errors] == [
        '--year, value "2023-24": the file holds dates in 2024-25, after the 2023-24 year ends '
        "on 31/03/2024: give --year 2024 or leave it out"
    ]
    assert snapshot(db) == before
    # A later year than the file's dates is allowed: nothing of it is in the file.
    later = import_903(db, *files(tmp_path / "a", YEAR_A), year=CollectionYear(2024))
    assert later.errors == [] and changed(later) == {}
    assert snapshot(db) == before
