"""SSDA903 import: what becomes what, re-imports, dry runs, and every kind of bad file."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
from sqlalchemy import select

from reviewdesk.storage.models import Child, Episode, Meeting, PeriodOfCare, Staff
from tests.actions.shortcuts import import_903
from tests.importers.conftest import count, write
from tests.importers.generate import write_903

D = dt.date
HEADER = (
    "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nA1,1,01/02/2015,WBRI,,,\nB2,2,03/04/2022,ABAN,,,\n"
)
EP_COLS = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
)
EPISODES = (
    f"{EP_COLS}\n"
    "A1,01/04/2023,S,C1,N1,U1,PR1,01/06/2023,X1,,,,\n"
    "A1,01/06/2023,L,C2,N1,U1,PR1,,,,,,\n"
    "B2,10/01/2024,S,V2,N1,U1,PR1,,,,,,\n"
)
REVIEWS = (
    "CHILD,DOB,REVIEW,REVIEW_CODE\n"
    "A1,01/02/2015,20/04/2023,PN1\n"
    "A1,01/02/2015,20/07/2023,PN5\n"
    "B2,03/04/2022,01/02/2024,PN0\n"
)


def files(folder: Path, header: str = HEADER, episodes: str = EPISODES, reviews: str = REVIEWS):
    return (
        write(folder, "header.csv", header),
        write(folder, "episodes.csv", episodes),
        write(folder, "reviews.csv", reviews),
    )


def errors(result) -> list[str]:
    return [str(e) for e in result.errors]


# --- what becomes what -------------------------------------------------------------------------


def test_clean_files_become_children_periods_episodes_and_held_reviews(db, tmp_path) -> None:
    result = import_903(db, *files(tmp_path))
    assert result.errors == [] and result.written and not result.refused
    assert result.counts["children"].added == 2
    assert result.counts["periods"].added == 2  # A1's two episodes are joined by X1
    assert result.counts["episodes"].added == 3
    assert result.counts["reviews"].added == 3
    with db.session() as s:
        a1 = s.scalars(select(Child).where(Child.local_id == "A1")).one()
        assert (a1.first_name, a1.last_name, a1.display_name) == ("", "", "A1")
        assert (a1.sex, a1.dob, a1.ethnicity) == ("1", D(2015, 2, 1), "WBRI")
        [period] = a1.periods
        assert (period.start, period.end_date) == (D(2023, 4, 1), None)
        assert [(e.start, e.legal_status, e.rec) for e in period.episodes] == [
            (D(2023, 4, 1), "C1", "X1"),
            (D(2023, 6, 1), "C2", None),
        ]
        reviews = sorted(a1.meetings, key=lambda m: m.held_date)
        assert [
            (m.process, m.meeting_type, m.status, m.held_date, m.participation, m.sequence)
            for m in reviews
        ] == [
            ("lac", "lac_review", "held", D(2023, 4, 20), "PN1", 1),
            ("lac", "lac_review", "held", D(2023, 7, 20), "PN5", 2),
        ]
        assert all(m.period_id == period.id for m in reviews)


def test_an_ending_other_than_x1_starts_a_new_period_and_numbering_restarts(db, tmp_path) -> None:
    episodes = (
        f"{EP_COLS}\n"
        "A1,01/04/2023,S,V2,N1,U1,PR1,01/06/2023,E13,,,,\n"
        "A1,01/09/2023,S,C1,N1,U1,PR1,,,,,,\n"
    )
    reviews = "CHILD,DOB,REVIEW,REVIEW_CODE\nA1,,20/04/2023,PN1\nA1,,25/09/2023,PN1\n"
    header = "CHILD,SEX,DOB\nA1,1,01/02/2015\n"
    result = import_903(db, *files(tmp_path, header, episodes, reviews))
    assert result.errors == []
    with db.session() as s:
        periods = s.scalars(select(PeriodOfCare).order_by(PeriodOfCare.start)).all()
        assert [(p.start, p.end_date) for p in periods] == [
            (D(2023, 4, 1), D(2023, 6, 1)),
            (D(2023, 9, 1), None),
        ]
        meetings = s.scalars(select(Meeting).order_by(Meeting.held_date)).all()
        assert [(m.period_id, m.sequence) for m in meetings] == [
            (periods[0].id, 1),
            (periods[1].id, 1),
        ]


def test_a_series_of_short_breaks_is_one_period_ending_with_the_last_break(db, tmp_path) -> None:
    episodes = (
        f"{EP_COLS}\n"
        "A1,05/01/2024,S,V3,N1,U1,PR1,07/01/2024,E8,,,,\n"
        "A1,02/02/2024,S,V3,N1,U1,PR1,04/02/2024,E8,,,,\n"
        "A1,01/03/2024,S,V4,N1,U1,PR1,03/03/2024,E8,,,,\n"
        "A1,01/05/2024,S,V2,N1,U1,PR1,,,,,,\n"
    )
    reviews = "CHILD,DOB,REVIEW,REVIEW_CODE\nA1,,20/02/2024,PN1\n"
    result = import_903(db, *files(tmp_path, "CHILD,SEX,DOB\nA1,1,01/02/2015\n", episodes, reviews))
    assert result.errors == []
    with db.session() as s:
        periods = s.scalars(select(PeriodOfCare).order_by(PeriodOfCare.start)).all()
        assert [(p.start, p.end_date, len(p.episodes)) for p in periods] == [
            (D(2024, 1, 5), D(2024, 3, 3), 3),
            (D(2024, 5, 1), None, 1),
        ]
        # A review between two breaks belongs to the series.
        assert s.scalars(select(Meeting)).one().period_id == periods[0].id


def test_generated_authority_imports_with_the_counts_it_was_made_with(db, tmp_path) -> None:
    made = write_903(tmp_path, 60, seed=3)
    result = import_903(db, made.header, made.episodes, made.reviews)
    assert result.errors == []
    assert result.counts["children"].added == made.children == count(db, Child)
    assert result.counts["episodes"].added == made.episode_rows == count(db, Episode)
    assert result.counts["reviews"].added == made.review_rows == count(db, Meeting)
    assert count(db, PeriodOfCare) == 60 + 20  # every third child left care and came back


# --- re-imports and dry runs -------------------------------------------------------------------


def test_reimporting_the_same_files_changes_nothing_and_duplicates_nothing(db, tmp_path) -> None:
    paths = files(tmp_path)
    import_903(db, *paths)
    before = [count(db, m) for m in (Child, PeriodOfCare, Episode, Meeting)]
    again = import_903(db, *paths)
    assert again.errors == []
    assert [count(db, m) for m in (Child, PeriodOfCare, Episode, Meeting)] == before
    for kind in ("children", "periods", "episodes", "reviews"):
        c = again.counts[kind]
        assert (c.added, c.updated, c.removed) == (0, 0, 0), kind
    assert {c.status for c in again.children} == {"unchanged"}


def test_a_later_file_updates_in_place_and_keeps_what_was_added_here(db, tmp_path) -> None:
    import_903(db, *files(tmp_path / "first"))
    with db.session() as s:
        iro = Staff(name="Ifeoma Iro", role="iro")
        s.add(iro)
        a1 = s.scalars(select(Child).where(Child.local_id == "A1")).one()
        a1.first_name, a1.last_name = "Zoë", "Ødegård"
        a1.periods[0].iro = iro
        period_id = a1.periods[0].id
    later_episodes = EPISODES.replace("B2,10/01/2024,S,V2,N1,U1,PR1,,,,,,", "")
    later_episodes = later_episodes.replace(
        "A1,01/06/2023,L,C2,N1,U1,PR1,,,,,,",
        "A1,01/06/2023,L,C2,N1,U1,PR1,01/03/2024,E11,,,,",
    )
    later_reviews = (
        "CHILD,DOB,REVIEW,REVIEW_CODE\n"
        "A1,01/02/2015,20/04/2023,PN1\n"
        "A1,01/02/2015,20/07/2023,PN7\n"  # corrected code
        "A1,01/02/2015,10/01/2024,PN1\n"  # a new review
    )
    header = "CHILD,SEX,DOB,ETHNIC\nA1,1,01/02/2015,WBRI\n"
    result = import_903(db, *files(tmp_path / "later", header, later_episodes, later_reviews))
    assert result.errors == []
    c = result.counts
    # B2 is not in the later return for the same year: not looked after then, as it now says.
    assert (c["periods"].updated, c["periods"].added, c["periods"].removed) == (1, 0, 1)
    assert (c["episodes"].updated, c["episodes"].unchanged) == (1, 1)
    assert (c["reviews"].added, c["reviews"].updated, c["reviews"].unchanged) == (1, 1, 1)
    with db.session() as s:
        a1 = s.scalars(select(Child).where(Child.local_id == "A1")).one()
        assert a1.display_name == "Zoë Ødegård"  # names typed in reviewdesk are kept
        [period] = a1.periods
        assert period.id == period_id and period.iro.name == "Ifeoma Iro"
        assert period.end_date == D(2024, 3, 1)
        codes = [m.participation for m in sorted(a1.meetings, key=lambda m: m.held_date)]
        assert codes == ["PN1", "PN7", "PN1"]
    # B2 stays a child (a child is never deleted by an import), with no period that year.
    assert count(db, Child) == 2
    with db.session() as s:
        b2 = s.scalars(select(Child).where(Child.local_id == "B2")).one()
        assert b2.periods == []


def test_a_child_whose_history_shrinks_loses_the_records_the_file_no_longer_has(
    db, tmp_path
) -> None:
    import_903(db, *files(tmp_path / "first"))
    episodes = (
        f"{EP_COLS}\nA1,01/06/2023,S,C2,N1,U1,PR1,,,,,,\nB2,10/01/2024,S,V2,N1,U1,PR1,,,,,,\n"
    )
    reviews = "CHILD,DOB,REVIEW,REVIEW_CODE\nA1,01/02/2015,20/07/2023,PN5\n"
    result = import_903(db, *files(tmp_path / "later", HEADER, episodes, reviews))
    assert result.errors == []
    assert result.counts["periods"].removed == 1 and result.counts["periods"].added == 1
    assert result.counts["reviews"].removed == 2  # A1's April review and B2's review
    with db.session() as s:
        periods = s.scalars(select(PeriodOfCare).order_by(PeriodOfCare.start))
        assert [(p.start, len(p.episodes)) for p in periods] == [
            (D(2023, 6, 1), 1),
            (D(2024, 1, 10), 1),
        ]
        [review] = s.scalars(select(Meeting)).all()
        assert review.held_date == D(2023, 7, 20) and review.sequence == 1
        assert review.period.start == D(2023, 6, 1)


def test_dry_run_reports_the_changes_and_writes_nothing(db, tmp_path) -> None:
    result = import_903(db, *files(tmp_path), dry_run=True)
    assert result.dry_run and not result.written and result.errors == []
    assert result.counts["children"].added == 2 and result.counts["reviews"].added == 3
    assert [c.describe() for c in result.children] == [
        "A1: new (periods 1 added; episodes 2 added; reviews 2 added)",
        "B2: new (periods 1 added; episodes 1 added; reviews 1 added)",
    ]
    assert [count(db, m) for m in (Child, PeriodOfCare, Episode, Meeting)] == [0, 0, 0, 0]


def test_progress_is_reported_in_order_up_to_the_total(db, tmp_path) -> None:
    seen: list[tuple[int, int, str]] = []
    import_903(db, *files(tmp_path), progress=lambda d, t, m: seen.append((d, t, m)))
    dones = [d for d, _t, _m in seen]
    assert dones == sorted(dones) and len(seen) >= 5
    assert seen[-1][0] == seen[-1][1] == 100
    assert all(m for _d, _t, m in seen)


# --- real-world mess ---------------------------------------------------------------------------


def test_an_impossible_date_names_file_row_column_and_value(db, tmp_path) -> None:
    episodes = EPISODES.replace("A1,01/06/2023,L", "A1,31/02/2024,L")
    result = import_903(db, *files(tmp_path, episodes=episodes))
    assert result.refused
    assert 'episodes.csv row 3, column DECOM, value "31/02/2024": not a real date' in errors(result)
    assert count(db, Child) == 0


def test_every_error_in_every_file_is_reported_and_nothing_is_written(db, tmp_path) -> None:
    header = HEADER.replace("A1,1,01/02/2015", "A1,7,1/2/15")
    episodes = EPISODES.replace(",V2,", ",Z9,").replace("01/04/2023,S", "2023-04-01,S")
    reviews = REVIEWS.replace("PN5", "PN9")
    result = import_903(db, *files(tmp_path, header, episodes, reviews))
    assert result.refused and not result.written
    got = errors(result)
    assert (
        'header.csv row 2, column SEX, value "7": not a known sex (1 male, 2 female) code '
        "(expected one of 1, 2)" in got
    )
    assert (
        'header.csv row 2, column DOB, value "1/2/15": not a date in the form dd/mm/yyyy '
        "(the year needs four digits)" in got
    )
    assert (
        'episodes.csv row 2, column DECOM, value "2023-04-01": not a date in the form '
        "dd/mm/yyyy (this looks like yyyy-mm-dd)" in got
    )
    assert any(
        e.startswith('episodes.csv row 4, column LS, value "Z9": not a known legal') for e in got
    )
    assert any(e.startswith('reviews.csv row 3, column REVIEW_CODE, value "PN9"') for e in got)
    assert count(db, Child) == 0 and count(db, Meeting) == 0


def test_missing_columns_are_all_named_against_the_header_found(db, tmp_path) -> None:
    episodes = "CHILD,DECOM,RNE,PLACE,DEC\nA1,01/04/2023,S,U1,\n"
    result = import_903(db, *files(tmp_path, episodes=episodes))
    assert errors(result) == [
        "episodes.csv row 1, column LS: missing column (the header row has: CHILD, DECOM, "
        "RNE, PLACE, DEC)",
        "episodes.csv row 1, column REC: missing column (the header row has: CHILD, DECOM, "
        "RNE, PLACE, DEC)",
    ]


def test_columns_are_matched_by_name_in_any_order_and_case(db, tmp_path) -> None:
    header = " dob ,Child,SEX\n01/02/2015,A1,1\n03/04/2022,B2,2\n"
    episodes = (
        "rec,DEC,ls,PLACE,rne,DECOM,child\n"
        "X1,01/06/2023,C1,U1,S,01/04/2023,A1\n"
        ",,C2,U1,L,01/06/2023,A1\n"
        ",,V2,U1,S,10/01/2024,B2\n"
    )
    result = import_903(db, *files(tmp_path, header, episodes))
    assert result.errors == [] and result.counts["episodes"].added == 3


def test_duplicate_rows_are_reported_against_the_first(db, tmp_path) -> None:
    episodes = EPISODES + "A1,01/06/2023,L,C2,N1,U1,PR1,,,,,,\n"
    reviews = REVIEWS + "A1,01/02/2015,20/07/2023,PN5\n"
    header = HEADER + "B2,1,03/04/2022,ABAN,,,\n"
    got = errors(import_903(db, *files(tmp_path, header, episodes, reviews)))
    assert (
        'episodes.csv row 5, column DECOM, value "01/06/2023": duplicate row (the same as '
        "row 3)" in got
    )
    assert (
        'reviews.csv row 5, column REVIEW, value "20/07/2023": duplicate row (the same as '
        "row 3)" in got
    )
    assert (
        'header.csv row 4, column CHILD, value "B2": this child is already in the file at '
        "row 3" in got
    )


def test_reviews_for_a_child_with_no_episode_or_outside_care(db, tmp_path) -> None:
    header = HEADER + "C3,1,01/01/2010,,,,\n"
    reviews = REVIEWS + "C3,01/01/2010,01/02/2024,PN1\nA1,01/02/2015,01/01/2023,PN1\n"
    got = errors(import_903(db, *files(tmp_path, header, reviews=reviews)))
    assert got == [
        'reviews.csv row 5, column CHILD, value "C3": this child has no episode in the '
        "episodes file",
        'reviews.csv row 6, column REVIEW, value "01/01/2023": not within any period of care '
        "of this child in the episodes file",
    ]


def test_overlapping_episodes_and_broken_x1_chains(db, tmp_path) -> None:
    episodes = (
        f"{EP_COLS}\n"
        "A1,01/04/2023,S,C1,N1,U1,PR1,01/06/2023,X1,,,,\n"
        "A1,15/05/2023,L,C2,N1,U1,PR1,,,,,,\n"
        "C3,01/01/2024,S,C1,N1,U1,PR1,01/02/2024,X1,,,,\n"
        "C3,05/02/2024,L,C2,N1,U1,PR1,,,,,,\n"
        "B2,10/01/2024,S,V2,N1,U1,PR1,,,,,,\n"
        "B2,20/01/2024,P,V2,N1,U4,PR1,,,,,,\n"
    )
    header = HEADER + "C3,1,01/01/2010,,,,\n"
    reviews = "CHILD,REVIEW,REVIEW_CODE\n"
    got = errors(import_903(db, *files(tmp_path, header, episodes, reviews)))
    assert got == [
        'episodes.csv row 3, column DECOM, value "15/05/2023": overlaps the previous episode '
        "(row 2), which ends on 01/06/2023",
        'episodes.csv row 4, column REC, value "X1": X1 means the next episode starts the same '
        "day, but this child's next episode starts on 05/02/2024 (row 5)",
        'episodes.csv row 7, column DECOM, value "20/01/2024": overlaps the episode starting '
        "10/01/2024 (row 6), which has no end date",
    ]


def test_participation_pn0_only_under_four(db, tmp_path) -> None:
    reviews = REVIEWS.replace("PN1", "PN0").replace(
        "B2,03/04/2022,01/02/2024,PN0", "B2,,01/02/2024,PN2"
    )
    got = errors(import_903(db, *files(tmp_path, reviews=reviews)))
    assert got == [
        'reviews.csv row 2, column REVIEW_CODE, value "PN0": PN0 is only for a child under 4 '
        "at the review; this child was 8",
        'reviews.csv row 4, column REVIEW_CODE, value "PN2": the child was under 4 at the '
        "review, so the code must be PN0",
    ]


def test_byte_order_mark_cp1252_and_blank_trailing_rows_are_handled(db, tmp_path) -> None:
    header = "\ufeffCHILD,SEX,DOB,FORENAME\nA1,1,01/02/2015,Léa\nB2,2,03/04/2022,Zoé\n,,,\n\n"
    episodes = EPISODES + ",,,,,,,,,,,,\n,,,,,,,,,,,,\n"
    folder = tmp_path
    paths = (
        write(folder, "header.csv", header, encoding="utf-8"),  # the BOM is in the text
        write(folder, "episodes.csv", episodes.replace("PR1,,,,", "PR1,,,,"), encoding="cp1252"),
        write(folder, "reviews.csv", REVIEWS + "\r\n\r\n", encoding="cp1252"),
    )
    result = import_903(db, *paths)
    assert result.errors == [] and result.counts["children"].added == 2


def test_cp1252_text_is_decoded_so_the_error_shows_the_real_letter(db, tmp_path) -> None:
    episodes = EPISODES.replace(",V2,", ",Vé,")
    paths = (
        write(tmp_path, "header.csv", HEADER),
        write(tmp_path, "episodes.csv", episodes, encoding="cp1252"),
        write(tmp_path, "reviews.csv", REVIEWS),
    )
    assert (tmp_path / "episodes.csv").read_bytes().count(b"\xe9") == 1
    got = errors(import_903(db, *paths))
    assert got[0].startswith('episodes.csv row 4, column LS, value "Vé": not a known legal status')


def test_files_that_are_not_csv_say_what_they_are(db, tmp_path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["CHILD", "SEX", "DOB"])
    buffer = io.BytesIO()
    book.save(buffer)
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("reviews.csv", REVIEWS)
    paths = (
        write(tmp_path, "header.xlsx", buffer.getvalue()),
        write(tmp_path, "episodes.csv", b"\x00\x01\x02binary\x00junk"),
        write(tmp_path, "reviews.zip", zipped.getvalue()),
    )
    got = errors(import_903(db, *paths))
    assert got == [
        "header.xlsx: this is a zip file (perhaps an Excel .xlsx workbook), not a CSV file; "
        "in Excel use Save As, CSV (Comma delimited)",
        "episodes.csv: this is a binary file, not a CSV file",
        "reviews.zip: this is a zip file (perhaps an Excel .xlsx workbook), not a CSV file; "
        "in Excel use Save As, CSV (Comma delimited)",
    ]


def test_empty_and_missing_files(db, tmp_path) -> None:
    got = errors(
        import_903(
            db,
            write(tmp_path, "h.csv", ""),
            tmp_path / "nope.csv",
            write(tmp_path, "r.csv", "\n\n"),
        )
    )
    assert got == [
        "h.csv: the file is empty",
        f"nope.csv: file not found: {tmp_path / 'nope.csv'}",
        "r.csv: the file is empty",
    ]


def test_skip_invalid_imports_the_valid_children_and_lists_the_others(db, tmp_path) -> None:
    episodes = EPISODES.replace("B2,10/01/2024", "B2,31/02/2024")
    result = import_903(db, *files(tmp_path, episodes=episodes), skip_invalid=True)
    assert not result.refused and result.written
    assert list(result.skipped) == ["B2"]
    assert result.counts["children"].added == 1
    with db.session() as s:
        assert s.scalars(select(Child.local_id)).all() == ["A1"]


def test_skip_invalid_still_refuses_errors_that_belong_to_no_child(db, tmp_path) -> None:
    episodes = EPISODES + ",01/01/2024,S,V2,N1,U1,PR1,,,,,,\n"
    result = import_903(db, *files(tmp_path, episodes=episodes), skip_invalid=True)
    assert result.refused
    assert errors(result) == ['episodes.csv row 5, column CHILD, value "": a value is required']
    assert count(db, Child) == 0


def test_semicolon_files_and_rows_with_too_many_values(db, tmp_path) -> None:
    header = HEADER.replace(",", ";")
    episodes = EPISODES.replace(
        "B2,10/01/2024,S,V2,N1,U1,PR1,,,,,,", "B2,10/01/2024,S,V2,N1,U1,PR1,,,,,,,Flat 2, High St"
    )
    got = errors(import_903(db, *files(tmp_path, header, episodes)))
    assert got == [
        "episodes.csv row 4: this row has 15 values but the header has 13 columns (a comma "
        "inside a value that is not in quotes?)"
    ]
    result = import_903(db, *files(tmp_path, header))
    assert result.errors == [] and result.counts["children"].added == 2


def test_a_review_booked_here_follows_its_child_into_the_new_period(db, tmp_path) -> None:
    import_903(db, *files(tmp_path / "first"))
    with db.session() as s:
        a1 = s.scalars(select(Child).where(Child.local_id == "A1")).one()
        s.add(
            Meeting(
                child=a1,
                process="lac",
                meeting_type="lac_review",
                sequence=3,
                status="booked",
                booked_date=D(2024, 1, 15),
                period_id=a1.periods[0].id,
            )
        )
    moved = EPISODES.replace("A1,01/04/2023,S", "A1,02/04/2023,S")  # start corrected
    result = import_903(db, *files(tmp_path / "later", episodes=moved))
    assert result.errors == []
    with db.session() as s:
        a1 = s.scalars(select(Child).where(Child.local_id == "A1")).one()
        [period] = a1.periods
        assert period.start == D(2023, 4, 2)
        booked = [m for m in a1.meetings if m.status == "booked"]
        assert [(m.period_id, m.booked_date) for m in booked] == [(period.id, D(2024, 1, 15))]


def test_a_refused_result_can_be_raised_as_one_invalid_input(db, tmp_path) -> None:
    from reviewdesk.errors import InvalidInput

    episodes = EPISODES.replace("A1,01/06/2023,L", "A1,31/02/2024,L")
    result = import_903(db, *files(tmp_path, episodes=episodes))
    assert result.summary_lines()[0] == "Import refused: 1 error(s); nothing was changed."
    try:
        result.raise_if_refused()
    except InvalidInput as exc:
        assert str(exc) == 'episodes.csv row 3, column DECOM, value "31/02/2024": not a real date'
    else:
        raise AssertionError("a refused import must raise")
    ok = import_903(db, *files(tmp_path / "ok"))
    assert ok.raise_if_refused() is ok


def test_the_audit_trail_has_each_record_the_import_wrote(db, tmp_path) -> None:
    from reviewdesk.storage.audit import list_audit

    paths = files(tmp_path)
    import_903(db, *paths)
    with db.session() as s:
        first = list_audit(s, limit=None)
    import_903(db, *paths)  # unchanged: only the import's own entry, changing nothing
    with db.session() as s:
        entries = list_audit(s, limit=None)
    assert len(entries) == len(first) + 1
    summary = [e for e in entries if e.action == "import"]
    assert [(e.table_name, e.record_id, e.username) for e in summary] == [
        ("import", "903", "tester")
    ] * 2
    assert [e.after["children"] for e in summary] == [0, 2]  # newest first
    entries = first
    created = {e.table_name for e in entries if e.action == "create"} - {"app_user"}
    assert created == {
        "child",
        "period_of_care",
        "episode",
        "meeting",
        "imported_return",
        "return_record",
    }
    # The returns as imported are kept one row per child and year, audited like the rest
    # (as a shared server's triggers audit them); they name the child by its local id.
    kept = [e for e in entries if e.table_name == "return_record"]
    assert {(e.after["source"], e.after["local_id"]) for e in kept} == {
        ("903", e.after["local_id"]) for e in entries if e.table_name == "child"
    }
    records = [
        e
        for e in entries
        if e.action == "create"
        and e.table_name not in ("app_user", "imported_return", "return_record")
    ]
    assert all(e.username == "tester" and e.child_id is not None for e in records)
    reviews = [e for e in entries if e.action == "create" and e.table_name == "meeting"]
    assert {e.after["status"] for e in reviews} == {"held"}


def test_excel_unicode_text_and_an_xml_file_given_as_csv(db, tmp_path) -> None:
    # Excel's "Unicode Text" export: UTF-16 with a byte-order mark, tab-delimited.
    header = write(tmp_path, "header.txt", HEADER.replace(",", "\t"), encoding="utf-16")
    assert header.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    _h, episodes, reviews = files(tmp_path)
    assert import_903(db, header, episodes, reviews).errors == []
    xml = write(tmp_path, "reviews.xml", '<?xml version="1.0"?><Message/>')
    got = errors(import_903(db, header, episodes, xml))
    assert got == ["reviews.xml: this looks like an XML or HTML file, not a CSV file"]


def test_a_review_a_corrected_return_dates_a_day_later_keeps_what_was_recorded_here(
    db, tmp_path
) -> None:
    """A1's review of 20/07/2023 was recorded here with its invitees and attendance; the
    case management system's corrected return has it on 21/07/2023. The import removed the
    review, with all that was recorded for it, and added a bare one: now it is the same
    review, moved to the return's date. A review the return dates weeks apart is another
    review, as before: the one held here goes, once the import is told it may (it has work
    recorded here)."""
    from reviewdesk.storage.models import Invitee

    import_903(db, *files(tmp_path / "first"))
    with db.session() as s:
        review = s.scalars(select(Meeting).where(Meeting.held_date == D(2023, 7, 20))).one()
        review_id = review.id
        s.add(
            Invitee(meeting_id=review_id, name="Siân Jones", role="Mother", attendance="attended")
        )
    corrected = REVIEWS.replace("A1,01/02/2015,20/07/2023,PN5", "A1,01/02/2015,21/07/2023,PN5")
    result = import_903(db, *files(tmp_path / "corrected", reviews=corrected))
    assert result.errors == []
    c = result.counts["reviews"]
    assert (c.added, c.updated, c.removed) == (0, 1, 0)
    with db.session() as s:
        moved = s.get(Meeting, review_id)
        assert (moved.held_date, moved.participation, moved.sequence) == (D(2023, 7, 21), "PN5", 2)
        assert [(i.name, i.attendance) for i in moved.invitees] == [("Siân Jones", "attended")]
        assert count(db, Meeting) == 3

    far = REVIEWS.replace("A1,01/02/2015,20/07/2023,PN5", "A1,01/02/2015,20/09/2023,PN5")
    assert import_903(db, *files(tmp_path / "far", reviews=far)).held_back
    agreed = frozenset({f"M{review_id}"})
    result = import_903(db, *files(tmp_path / "far", reviews=far), remove_recorded=agreed)
    c = result.counts["reviews"]
    assert (c.added, c.removed) == (1, 1)
    with db.session() as s:
        assert s.get(Meeting, review_id) is None
