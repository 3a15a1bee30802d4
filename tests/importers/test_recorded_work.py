"""An import never silently removes work recorded here (docs/domain.md, "Importing the
returns": a return is the truth for the years it covers, so a held meeting it lacks goes).

A held review or conference the corrected return lacks, in a year it covers, with no date of
the return within `MOVED_WITHIN_DAYS` of it, is removed. When invitees, reports, attendance,
an outcome... were recorded here for it, the import (not a dry run) stops and changes
nothing, listing each such meeting with its reference ("M12"); told it may
(``remove_recorded``: the references of those a person was shown), it removes them, each
record audited. A bare meeting an import created and nobody touched goes without asking.
(Periods of care, plans and enquiries: `tests.importers.test_recorded_records`.)
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, text

from reviewdesk.importers.report import RecordedRemoval
from reviewdesk.storage.models import AuditEntry, Base, Invitee, Meeting, Report
from tests.actions.shortcuts import import_903, import_cin
from tests.importers.conftest import write
from tests.importers.generate import cin_xml
from tests.importers.test_cin import child
from tests.importers.test_ssda903 import REVIEWS, files

D = dt.date
A1_JULY = "A1,01/02/2015,20/07/2023,PN5\n"
B2_REVIEW = "B2,03/04/2022,01/02/2024,PN0\n"


def contents(db) -> dict[str, list[tuple]]:
    """Every table's rows, in order: what must not change when an import stops."""
    out = {}
    with db.session() as s:
        for table in Base.metadata.sorted_tables:
            rows = s.execute(text(f'SELECT * FROM "{table.name}"')).all()  # noqa: S608
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def _record_work(db, day: dt.date) -> int:
    """An invitee who attended, a report and an outcome recorded for the meeting held on
    ``day``, as an administrator would; its id."""
    with db.session() as s:
        meeting = s.scalars(select(Meeting).where(Meeting.held_date == day)).one()
        meeting.outcome = "continue"
        meeting.decisions_issued = day + dt.timedelta(days=3)
        s.add(
            Invitee(meeting_id=meeting.id, name="Siân Jones", role="Mother", attendance="attended")
        )
        s.add(Report(meeting_id=meeting.id, author="Rhys Evans", agency="social_worker"))
        return meeting.id


def test_a_903_import_that_would_remove_a_review_with_work_recorded_stops(db, tmp_path) -> None:
    """A1's review of 20/07/2023 has its invitee, report and outcome recorded here; the
    corrected return lacks it (and B2's bare review). The import removed both, and all that
    was recorded, without a word: now it changes nothing and names the review; a dry run names
    it too; told it may, the import removes it, and the audit shows what was removed."""
    import_903(db, *files(tmp_path / "first"))
    review_id = _record_work(db, D(2023, 7, 20))
    before = contents(db)
    corrected = files(
        tmp_path / "corrected", reviews=REVIEWS.replace(A1_JULY, "").replace(B2_REVIEW, "")
    )
    wanted = RecordedRemoval(
        "A1",
        "LAC review 2",
        D(2023, 7, 20),
        ("1 invitee", "attendance", "1 report", "outcome", "decisions issued date"),
        review_id,
    )

    result = import_903(db, *corrected)
    assert result.held_back and not result.written and not result.refused
    assert result.recorded_removals == [wanted]
    assert result.summary_lines()[0] == (
        "Import stopped: it would remove 1 meeting with work recorded here; nothing was changed."
    )
    assert wanted.ref == f"M{review_id}"
    assert result.recorded_lines() == [
        "Would remove 1 meeting with work recorded here (the return lacks them):",
        f"  [M{review_id}] A1: LAC review 2 held 20/07/2023 (1 invitee, attendance, 1 report, "
        "outcome, decisions issued date)",
    ]
    assert "Had it gone ahead, it would have made these changes:" in result.summary_lines()
    assert contents(db) == before  # not a row written, not an audit entry

    check = import_903(db, *corrected, dry_run=True)
    assert check.dry_run and not check.held_back and check.recorded_removals == [wanted]
    assert check.recorded_lines()[0] == (
        "Would remove 1 meeting with work recorded here (the return lacks them):"
    )
    assert (
        "Would remove 1 meeting with work recorded here (listed below): an import stops "
        "before removing it unless told it may."
    ) in check.summary_lines()
    assert check.counts["reviews"].removed == 2  # B2's bare review too, listed by child
    assert contents(db) == before

    # Agreeing to remove other meetings (those a person was shown before this one had work
    # recorded, say) is not agreeing to remove this one.
    assert import_903(db, *corrected, remove_recorded=frozenset({f"M{review_id + 1}"})).held_back
    assert contents(db) == before

    done = import_903(db, *corrected, remove_recorded=frozenset({f"M{review_id}"}))
    assert done.written and not done.held_back and done.recorded_removals == [wanted]
    assert "Removed 1 meeting with work recorded here, as agreed (listed below)." in (
        done.summary_lines()
    )
    assert done.recorded_lines()[0] == (
        "Removed 1 meeting with work recorded here, as agreed (each is in the audit trail):"
    )
    with db.session() as s:
        assert s.get(Meeting, review_id) is None
        assert s.scalars(select(Meeting.held_date)).all() == [D(2023, 4, 20)]
        [summary] = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "import").order_by(AuditEntry.id.desc())
        ).all()[:1]
        deleted = {
            (
                e.table_name,
                e.before.get("name") or e.before.get("author") or e.before.get("outcome"),
            )
            for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "delete"))
        }
    assert summary.after["removed_with_work_recorded"] == [wanted.listed()]
    assert {
        ("meeting", "continue"),
        ("invitee", "Siân Jones"),
        ("report", "Rhys Evans"),
    } <= deleted


def test_a_bare_review_the_import_created_is_removed_without_asking(db, tmp_path) -> None:
    """B2's review came from the first return and nobody touched it: the corrected return
    that lacks it removes it, as before."""
    import_903(db, *files(tmp_path / "first"))
    result = import_903(db, *files(tmp_path / "corrected", reviews=REVIEWS.replace(B2_REVIEW, "")))
    assert result.written and not result.held_back and result.recorded_removals == []
    assert result.recorded_lines() == []
    assert result.counts["reviews"].removed == 1
    with db.session() as s:
        assert D(2024, 2, 1) not in s.scalars(select(Meeting.held_date)).all()


def test_a_census_import_that_would_remove_a_conference_with_work_recorded_stops(
    db, tmp_path
) -> None:
    """P1's first review conference (15/09/2023) has its invitees and decisions recorded
    here; the corrected census lacks it. The import stops, changing nothing; told it may, it
    removes it."""
    import_cin(db, write(tmp_path, "a.xml", cin_xml([child()])))
    with db.session() as s:
        conference = s.scalars(select(Meeting).where(Meeting.held_date == D(2023, 9, 15))).one()
        conference_id = conference.id
        conference.quorate = True
        conference.minutes_distributed = D(2023, 9, 29)
        s.add_all(
            Invitee(meeting_id=conference_id, name=name, role=role)
            for name, role in (("Dr Siân Hughes", "GP"), ("PC Owen", "Police"))
        )
    before = contents(db)
    corrected = write(tmp_path, "b.xml", cin_xml([child(reviews=[D(2024, 3, 1)])]))

    result = import_cin(db, corrected)
    assert result.held_back and not result.written
    assert [r.line() for r in result.recorded_removals] == [
        "P1: 1st review CP conference held 15/09/2023 (2 invitees, quoracy, "
        "minutes distributed date)"
    ]
    assert contents(db) == before

    assert import_cin(db, corrected, dry_run=True).recorded_removals == result.recorded_removals
    assert contents(db) == before

    done = import_cin(db, corrected, remove_recorded=frozenset({f"M{conference_id}"}))
    assert done.written and done.counts["conferences"].removed == 1
    with db.session() as s:
        assert s.get(Meeting, conference_id) is None
        assert s.scalars(select(Invitee)).all() == []
        audited = s.scalars(
            select(AuditEntry.table_name).where(
                AuditEntry.action == "delete", AuditEntry.table_name.in_(["meeting", "invitee"])
            )
        ).all()
    assert sorted(audited) == ["invitee", "invitee", "meeting"]


def test_every_record_kept_for_a_meeting_is_work_recorded_here() -> None:
    """The one definition misses nothing: each table that hangs off a meeting, and each
    column of a meeting an import does not set, counts (a new one must be placed)."""
    from reviewdesk.casework.recorded import RECORDED_FIELDS, RECORDED_TABLES

    hanging = {
        table.name
        for table in Base.metadata.sorted_tables
        for key in table.foreign_keys
        if key.column.table.name == "meeting"
    }
    assert hanging == {table.name for table, _one, _many in RECORDED_TABLES}
    set_by_imports = {
        "id",
        "child_id",
        "process",
        "meeting_type",
        "sequence",
        "period_id",
        "enquiry_id",
        "plan_id",
        "status",
        "held_date",
        "participation",  # the 903 return's (counted for a CP conference)
        "duration_minutes",  # counted when not the imports' 90
        "version",
        "updated_by",
        "updated_at",
    }
    recorded = {column for column, _name in RECORDED_FIELDS}
    assert not recorded & set_by_imports
    assert set(Meeting.__table__.c.keys()) == set_by_imports | recorded


#: For each record an import may remove besides a meeting: the columns the returns set (or
#: bookkeeping), and the tables hanging off it that are not work recorded on it (the return's
#: own, or judged record by record).
SET_BY_IMPORTS = {
    "period_of_care": (
        {"id", "child_id", "start", "end_date", "end_unknown"},
        {
            "episode": "the 903 return's",
            "meeting": "each held meeting is judged as a meeting; others are re-linked",
        },
    ),
    "cp_plan": (
        {
            "id",
            "child_id",
            "enquiry_id",
            "start",
            "end_date",
            "initial_category",
            "latest_category",
            "previous_plans",
            "end_unknown",
        },
        {"meeting": "each held conference is judged as a meeting; others are re-linked"},
    ),
    "cp_enquiry": (
        {
            "id",
            "child_id",
            "route",
            "strategy_date",
            "icpc_not_required",
            "closed_date",
            "closed_reason",
            "closed_unknown",
        },
        {
            "cp_plan": "the census's link from a plan to the enquiry that led to it",
            "meeting": "each held conference is judged as a meeting; others are re-linked",
        },
    ),
}


def test_every_column_and_record_kept_for_a_period_plan_or_enquiry_is_placed() -> None:
    """The one definition misses nothing for the other records an import may remove: each
    column of a period of care, CP plan or s47 enquiry is either the return's (or
    bookkeeping) or work recorded here, and each table hanging off one is either counted or
    said not to be work recorded on it: a new column or table must be placed."""
    from reviewdesk.casework.recorded import KINDS, MEETING

    bookkeeping = {"version", "updated_by", "updated_at"}
    assert set(KINDS) == {"meeting", *SET_BY_IMPORTS}
    for name, (set_by_imports, not_recorded) in SET_BY_IMPORTS.items():
        kind = KINDS[name]
        table = Base.metadata.tables[name]
        recorded = {column for column, _name in kind.fields}
        assert recorded and not recorded & set_by_imports, name
        assert set(table.c.keys()) == set_by_imports | bookkeeping | recorded, name
        hanging = {
            t.name
            for t in Base.metadata.sorted_tables
            for key in t.foreign_keys
            if key.column.table.name == name
        }
        counted = {t.name for t, _column, _one, _many in kind.tables}
        assert not counted & set(not_recorded), name
        assert hanging == counted | set(not_recorded), name
    assert KINDS["meeting"] is MEETING


def test_the_summary_names_a_meeting_as_every_place_here_does(db, tmp_path) -> None:
    """A1's review of 20/07/2023, its work recorded here, is stored with a number other than
    the engine's (5, as a booking before it took the engine's number could store it): the
    import's summary and its audit entry name it "LAC review 2", as the weekly schedule, the
    child's page and every list here do, not "LAC review 5"."""
    import_903(db, *files(tmp_path / "first"))
    review_id = _record_work(db, D(2023, 7, 20))
    with db.session() as s:
        s.get(Meeting, review_id).sequence = 5
    corrected = files(tmp_path / "corrected", reviews=REVIEWS.replace(A1_JULY, ""))

    result = import_903(db, *corrected)
    assert result.held_back
    assert [r.what for r in result.recorded_removals] == ["LAC review 2"]
    assert result.recorded_lines()[1].startswith(
        f"  [M{review_id}] A1: LAC review 2 held 20/07/2023 ("
    )

    done = import_903(db, *corrected, remove_recorded=frozenset({f"M{review_id}"}))
    assert [r.what for r in done.recorded_removals] == ["LAC review 2"]
    with db.session() as s:
        [summary] = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "import").order_by(AuditEntry.id.desc())
        ).all()[:1]
    [line] = summary.after["removed_with_work_recorded"]
    assert line.startswith(f"[M{review_id}] A1: LAC review 2 held 20/07/2023 (")
