"""`reviewdesk import` never silently removes work recorded here, on SQLite and PostgreSQL.

A corrected return that lacks a held review, a period of care, a CP plan or an s47 enquiry
with work recorded here (docs/domain.md, "Importing the returns") stops the import: exit
status 3, each such record named on stderr with its reference, how to go on, no traceback,
nothing changed. `--dry-run` lists them as what it would remove; `--remove-recorded` naming
them (the references listed: M12,P3) lets the import go ahead, and only over those: should it
find another, it stops again. It agreed to every such record in the run, whatever was listed.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from reviewdesk.storage.models import CpEnquiry, CpPlan, Invitee, Meeting, PeriodOfCare
from tests.importers.conftest import write
from tests.importers.generate import cin_xml
from tests.importers.test_cin import child
from tests.importers.test_corrected_starts import HEADER, _allocate, episodes
from tests.importers.test_corrected_starts import REVIEWS as A1_REVIEWS
from tests.importers.test_recorded_records import FAR, _cp_work
from tests.importers.test_recorded_work import A1_JULY, contents
from tests.importers.test_ssda903 import EP_COLS, REVIEWS, files
from tests.storage.cli_helpers import cli


def _import(db_target: str, paths, *options: str) -> int:
    header, episodes, reviews = paths
    return cli(
        db_target,
        "import",
        "903",
        "--header",
        str(header),
        "--episodes",
        str(episodes),
        "--reviews",
        str(reviews),
        *options,
    )


def test_an_import_that_would_remove_recorded_work_stops_until_told(
    db, db_target, cli_admin, tmp_path, capsys
) -> None:
    assert _import(db_target, files(tmp_path / "first")) == 0
    with db.session() as s:
        review = s.scalars(select(Meeting).where(Meeting.held_date == dt.date(2023, 7, 20))).one()
        review_id = review.id
        s.add(
            Invitee(meeting_id=review_id, name="Siân Jones", role="Mother", attendance="apologies")
        )
    capsys.readouterr()
    before = contents(db)
    corrected = files(tmp_path / "corrected", reviews=REVIEWS.replace(A1_JULY, ""))

    assert _import(db_target, corrected) == 3
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "reviewdesk: import stopped: it would remove 1 held meeting with work recorded here, "
        "which the return lacks; nothing was changed",
        f"  [M{review_id}] A1: LAC review 2 held 20/07/2023 (1 invitee, attendance)",
        "If the return is wrong, correct it in the case management system and import it "
        "again. To remove it, with all that was recorded for it (each removal is kept in "
        f"the audit trail), run the same import again with --remove-recorded M{review_id}",
    ]
    assert "Traceback" not in err and "Error" not in err
    assert contents(db) == before

    assert _import(db_target, corrected, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "Would remove 1 meeting with work recorded here (the return lacks them):\n" in out
    assert f"  [M{review_id}] A1: LAC review 2 held 20/07/2023 (1 invitee, attendance)\n" in out
    assert contents(db) == before

    assert _import(db_target, corrected, "--remove-recorded", f"m{review_id}") == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == "Import complete."
    assert (
        "Removed 1 meeting with work recorded here, as agreed (each is in the audit trail):\n"
        in out
    )
    with db.session() as s:
        assert s.get(Meeting, review_id) is None
        assert s.scalars(select(Invitee)).all() == []


def _import_a1(db_target: str, folder, start: str, *options: str) -> int:
    return _import(db_target, files(folder, HEADER, episodes(start), A1_REVIEWS), *options)


def test_a_period_of_care_with_an_iro_is_removed_only_when_named(
    db, db_target, cli_admin, tmp_path, capsys
) -> None:
    """A1's period of care has its IRO and dates recorded here; the corrected return starts
    A1's care 60 days earlier. The import stops naming the period with its reference; a
    consent that names something else, or is not a reference, changes nothing; when a
    colleague meanwhile records work on a review the return lacks too, the consent the first
    refusal printed does not cover it: the import stops again, naming both. Named, both go."""
    assert _import_a1(db_target, tmp_path / "first", "15/06/2023") == 0
    period_id, _iro = _allocate(db)
    capsys.readouterr()
    before = contents(db)
    far = tmp_path / "far"
    # The corrected return also lacks the review of 10/10/2023.
    reviews = A1_REVIEWS.replace("A1,01/02/2015,10/10/2023,PN1\n", "")
    corrected = files(far, HEADER, episodes("16/04/2023"), reviews)
    line = (
        f"  [P{period_id}] A1: period of care started 15/06/2023 (IRO, social worker, IRO "
        "service notified date, IRO allocated date, 1 allocation record)"
    )

    assert _import(db_target, corrected) == 3
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "reviewdesk: import stopped: it would remove 1 period of care with work recorded "
        "here, which the return lacks; nothing was changed",
        line,
        "If the return is wrong, correct it in the case management system and import it "
        "again. To remove it, with all that was recorded for it (each removal is kept in "
        f"the audit trail), run the same import again with --remove-recorded P{period_id}",
    ]
    assert "Traceback" not in err and "Error" not in err
    assert contents(db) == before

    assert _import(db_target, corrected, "--remove-recorded", "A1") == 2
    err = capsys.readouterr().err
    assert (
        'error: --remove-recorded: "A1" is not a reference a stopped import or a dry run '
        "lists (M12 a held meeting, P3 a period of care, CP4 a CP plan, S5 an s47 enquiry)"
    ) in err
    assert "Traceback" not in err
    assert contents(db) == before

    assert _import(db_target, corrected, "--remove-recorded", f"P{period_id + 1}") == 3
    err = capsys.readouterr().err
    assert line in err.splitlines()
    assert f"Not named by --remove-recorded: P{period_id}" in err.splitlines()
    assert contents(db) == before

    with db.session() as s:  # a colleague records work on A1's review of 10/10/2023
        review = s.scalars(select(Meeting).where(Meeting.held_date == dt.date(2023, 10, 10))).one()
        review.outcome, review_id = "continue", review.id
    assert _import(db_target, corrected, "--remove-recorded", f"P{period_id}") == 3
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (
        "reviewdesk: import stopped: it would remove 1 period of care and 1 held meeting with "
        "work recorded here, which the return lacks; nothing was changed"
    )
    assert err[1:3] == [
        line,
        f"  [M{review_id}] A1: LAC review 2 held 10/10/2023 (outcome)",
    ]
    assert err[3] == f"Not named by --remove-recorded: M{review_id}"
    assert err[-1].endswith(
        f"run the same import again with --remove-recorded P{period_id},M{review_id}"
    )
    with db.session() as s:
        assert s.get(PeriodOfCare, period_id) is not None

    agreed = f"P{period_id},M{review_id}"
    assert _import(db_target, corrected, "--remove-recorded", agreed) == 0
    out = capsys.readouterr().out
    assert (
        "Removed 1 period of care and 1 meeting with work recorded here, as agreed (each is in "
        "the audit trail):\n" + line + "\n"
    ) in out
    with db.session() as s:
        assert s.get(PeriodOfCare, period_id) is None and s.get(Meeting, review_id) is None


def test_a_census_import_names_the_plan_and_enquiry_it_would_remove(
    db, db_target, cli_admin, tmp_path, capsys
) -> None:
    """P1's plan has its chair recorded here and its s47 enquiry notes; the corrected census
    has them two months later. `import cin` stops (3), naming both; `--dry-run` lists them
    with their references; named, they go."""
    assert cli(db_target, "import", "cin", str(write(tmp_path, "a.xml", cin_xml([child()])))) == 0
    plan_id, enquiry_id, _chair = _cp_work(db)
    capsys.readouterr()
    before = contents(db)
    corrected = str(write(tmp_path, "b.xml", cin_xml([child(**FAR)])))
    named = [
        f"  [S{enquiry_id}] P1: s47 enquiry started 01/06/2023 (notes, notified date)",
        f"  [CP{plan_id}] P1: CP plan started 20/06/2023 (chair)",
    ]

    assert cli(db_target, "import", "cin", corrected) == 3
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    assert err.splitlines()[0] == (
        "reviewdesk: import stopped: it would remove 1 s47 enquiry and 1 CP plan with work "
        "recorded here, which the return lacks; nothing was changed"
    )
    assert err.splitlines()[1:3] == named
    assert err.splitlines()[-1].endswith(
        f"run the same import again with --remove-recorded S{enquiry_id},CP{plan_id}"
    )
    assert contents(db) == before

    assert cli(db_target, "import", "cin", corrected, "--dry-run") == 0
    out = capsys.readouterr().out.splitlines()
    at = out.index(
        "Would remove 1 s47 enquiry and 1 CP plan with work recorded here (the return lacks them):"
    )
    assert out[at + 1 : at + 3] == named
    assert contents(db) == before

    agreed = f"S{enquiry_id} CP{plan_id}"  # spaces between do too
    assert cli(db_target, "import", "cin", corrected, "--remove-recorded", agreed) == 0
    assert capsys.readouterr().out.splitlines()[0] == "Import complete."
    with db.session() as s:
        assert s.get(CpPlan, plan_id) is None and s.get(CpEnquiry, enquiry_id) is None


def test_the_dates_moved_to_a_later_corrected_start_are_listed(
    db, db_target, cli_admin, tmp_path, capsys
) -> None:
    """A corrected return starts A1's care on 20/06/2023, not 15/06; the IRO was allocated
    on 16/06 here. `--dry-run` and the import itself list each date recorded here that moves
    to the new start, naming the child, the field and the value."""
    assert _import_a1(db_target, tmp_path / "first", "15/06/2023") == 0
    _allocate(db)
    capsys.readouterr()
    allocated = (
        "  A1: IRO allocated date 16/06/2023 is before the period of care's corrected start, "
        "20/06/2023: now 20/06/2023"
    )
    assert _import_a1(db_target, tmp_path / "later", "20/06/2023", "--dry-run") == 0
    out = capsys.readouterr().out.splitlines()
    assert "Would move 3 dates recorded here to a corrected start (check them):" in out
    assert allocated in out
    assert _import_a1(db_target, tmp_path / "later", "20/06/2023") == 0
    out, err = capsys.readouterr()
    assert "Moved 3 dates recorded here to a corrected start (check them):" in out.splitlines()
    assert allocated in out.splitlines() and "Traceback" not in err


def test_the_dates_after_an_earlier_corrected_end_are_listed(
    db, db_target, cli_admin, tmp_path, capsys
) -> None:
    """A corrected return ends A1's care on 01/09/2023; the IRO was allocated on 16/06 and
    the IRO service told on 15/06 here, but set later below (18/09, 20/09). The command lists
    each date recorded after the new end, left as it was."""
    assert _import_a1(db_target, tmp_path / "first", "15/06/2023") == 0
    period_id, _iro = _allocate(db)
    with db.session() as s:
        period = s.get(PeriodOfCare, period_id)
        period.iro_notified, period.iro_allocated = dt.date(2023, 9, 18), dt.date(2023, 9, 20)
    capsys.readouterr()
    ended = f"{EP_COLS}\nA1,15/06/2023,S,C1,N1,U1,PR1,01/09/2023,E4A,,,,\n"
    one_review = "CHILD,DOB,REVIEW,REVIEW_CODE\nA1,01/02/2015,10/07/2023,PN1\n"
    corrected = files(tmp_path / "ended", HEADER, ended, one_review)
    assert _import(db_target, corrected) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert "2 dates recorded here fall after a corrected end (check them):" in lines
    assert (
        "  A1: IRO allocated date 20/09/2023 is after the period of care's corrected end, "
        "01/09/2023: left as it was"
    ) in lines
    assert "Traceback" not in err
