"""CIN census import: enquiries, plans and conferences; re-imports; bad and foreign files."""

from __future__ import annotations

import datetime as dt
import zipfile

from sqlalchemy import select

from reviewdesk.storage.models import Child, CpEnquiry, CpPlan, Meeting
from tests.actions.shortcuts import import_cin
from tests.importers.conftest import count, write
from tests.importers.generate import CinChild, cin_xml, write_cin

D = dt.date


def child(**kw) -> CinChild:
    base = dict(
        local_id="P1",
        dob=D(2016, 5, 1),
        s47=D(2023, 6, 1),
        icpc=D(2023, 6, 20),
        plan_start=D(2023, 6, 20),
        reviews=[D(2023, 9, 15), D(2024, 3, 1)],
    )
    base.update(kw)
    return CinChild(**base)


def errors(result) -> list[str]:
    return [str(e) for e in result.errors]


def test_enquiry_plan_and_conferences_are_created(db, tmp_path) -> None:
    result = import_cin(db, write(tmp_path, "cin.xml", cin_xml([child()])))
    assert result.errors == []
    c = result.counts
    assert (c["children"].added, c["enquiries"].added, c["plans"].added) == (1, 1, 1)
    assert c["conferences"].added == 3
    with db.session() as s:
        kid = s.scalars(select(Child)).one()
        assert (kid.local_id, kid.dob, kid.sex, kid.ethnicity) == ("P1", D(2016, 5, 1), "2", "WBRI")
        [enquiry] = kid.enquiries
        assert (enquiry.route, enquiry.strategy_date) == ("s47", D(2023, 6, 1))
        [plan] = kid.plans
        assert (plan.start, plan.end_date, plan.initial_category, plan.previous_plans) == (
            D(2023, 6, 20),
            None,
            "NEG",
            0,
        )
        assert plan.enquiry_id == enquiry.id
        meetings = sorted(kid.meetings, key=lambda m: m.held_date)
        assert [
            (m.process, m.meeting_type, m.status, m.held_date, m.sequence) for m in meetings
        ] == [
            ("cp", "icpc", "held", D(2023, 6, 20), 0),
            ("cp", "rcpc_first", "held", D(2023, 9, 15), 1),
            ("cp", "rcpc_subsequent", "held", D(2024, 3, 1), 2),
        ]
        assert meetings[0].enquiry_id == enquiry.id and meetings[0].plan_id == plan.id
        assert all(m.plan_id == plan.id for m in meetings[1:])


def test_an_unborn_child_has_a_prebirth_conference(db, tmp_path) -> None:
    unborn = child(dob=None, expected=D(2023, 9, 1), plan_start=D(2023, 6, 20), reviews=[])
    born_later = child(local_id="P2", dob=D(2023, 7, 1))  # ICPC 20/06/2023, before birth
    result = import_cin(db, write(tmp_path, "cin.xml", cin_xml([unborn, born_later])))
    assert result.errors == []
    with db.session() as s:
        types = s.execute(
            select(Child.local_id, Meeting.meeting_type)
            .join(Meeting)
            .where(Meeting.sequence == 0)
            .order_by(Child.local_id)
        ).all()
        assert types == [("P1", "icpc_prebirth"), ("P2", "icpc_prebirth")]
        p1 = s.scalars(select(Child).where(Child.local_id == "P1")).one()
        assert (p1.dob, p1.expected_delivery) == (None, D(2023, 9, 1))


def test_reimport_is_idempotent_and_a_later_census_updates(db, tmp_path) -> None:
    path = write(tmp_path, "a.xml", cin_xml([child(), child(local_id="P2")]))
    import_cin(db, path)
    again = import_cin(db, path)
    assert {c.status for c in again.children} == {"unchanged"}
    assert [count(db, m) for m in (Child, CpEnquiry, CpPlan, Meeting)] == [2, 2, 2, 6]

    later = child(plan_end=D(2024, 3, 1), category="EMO")  # plan ended at the 2nd review
    second = child(local_id="P2", reviews=[D(2023, 9, 15)])  # a review was recorded wrongly
    result = import_cin(db, write(tmp_path, "b.xml", cin_xml([later, second])))
    assert result.errors == []
    assert result.counts["plans"].updated == 1 and result.counts["plans"].unchanged == 1
    assert result.counts["conferences"].removed == 1
    with db.session() as s:
        plan = s.scalars(select(CpPlan).join(Child).where(Child.local_id == "P1")).one()
        assert (plan.end_date, plan.initial_category) == (D(2024, 3, 1), "EMO")
    assert [count(db, m) for m in (Child, CpEnquiry, CpPlan, Meeting)] == [2, 2, 2, 5]


def test_dry_run_writes_nothing(db, tmp_path) -> None:
    result = import_cin(db, write_cin(tmp_path / "c.xml", 5), dry_run=True)
    assert result.counts["children"].added == 5 and not result.written
    assert count(db, Child) == 0


def test_bad_values_name_the_line_element_and_value(db, tmp_path) -> None:
    text = cin_xml([child(), child(local_id="P2")])
    text = text.replace(
        "<CPPstartDate>2023-06-20</CPPstartDate>", "<CPPstartDate>2023-02-31</CPPstartDate>", 1
    )
    text = text.replace("<InitialCategoryOfAbuse>NEG", "<InitialCategoryOfAbuse>XXX", 1)
    text = text.replace("<S47ActualStartDate>2023-06-01<", "<S47ActualStartDate>01/06/2023<", 1)
    text = text.replace("><", ">\n<")  # one element per line, so lines are meaningful
    path = write(tmp_path, "cin.xml", text)
    lines = text.splitlines()

    def line_of(fragment: str, nth: int = 0) -> int:
        return [i for i, line in enumerate(lines, start=1) if fragment in line][nth]

    got = errors(import_cin(db, path))
    assert got == [
        f'cin.xml line {line_of("01/06/2023")}, element S47ActualStartDate, value "01/06/2023": '
        "not a date in the form yyyy-mm-dd (this looks like dd/mm/yyyy)",
        f'cin.xml line {line_of("2023-02-31")}, element CPPstartDate, value "2023-02-31": '
        "not a real date",
        f'cin.xml line {line_of(">XXX<")}, element InitialCategoryOfAbuse, value "XXX": not a '
        "known category of abuse code (expected one of EMO, MUL, NEG, PHY, SAB)",
    ]
    assert count(db, Child) == 0


def test_reviews_outside_the_plan_and_overlapping_plans(db, tmp_path) -> None:
    early = child(reviews=[D(2023, 6, 1)])
    text = cin_xml([early]).replace("><", ">\n<")
    got = errors(import_cin(db, write(tmp_path, "cin.xml", text)))
    assert len(got) == 1 and got[0].endswith(
        'element CPPreviewDate, value "2023-06-01": on or before the day the plan started '
        "(20/06/2023): a review conference is held after it (rule 8841)"
    )


def test_not_well_formed_xml_gives_the_line(db, tmp_path) -> None:
    text = cin_xml([child()]).replace("><", ">\n<").replace("</Sex>", "</Sexx>")
    line = next(i for i, x in enumerate(text.splitlines(), start=1) if "</Sexx>" in x)
    got = errors(import_cin(db, write(tmp_path, "cin.xml", text)))
    assert got == [
        f"cin.xml line {line}: not well-formed XML: mismatched tag (at character 9 of the line)"
    ]


def test_xml_that_is_not_a_census_and_files_that_are_not_xml(db, tmp_path) -> None:
    other = write(
        tmp_path, "other.xml", "<?xml version='1.0'?>\n<Invoice><Total>3</Total></Invoice>"
    )
    assert errors(import_cin(db, other)) == [
        "other.xml line 2: not a CIN census file: the root element is <Invoice>; a census file "
        "has <Message> holding <Children>"
    ]
    with zipfile.ZipFile(tmp_path / "cin.zip", "w") as z:
        z.writestr("cin.xml", cin_xml([child()]))
    assert errors(import_cin(db, tmp_path / "cin.zip")) == [
        "cin.zip: this is a zip file (perhaps an Excel .xlsx workbook), not an XML file"
    ]
    csv_file = write(tmp_path, "header.csv", "CHILD,SEX,DOB\nA1,1,01/02/2015\n")
    assert errors(import_cin(db, csv_file)) == [
        "header.csv line 1: not an XML file (it looks like a CSV file): a CIN census return is "
        'XML, beginning "<"; this file begins "CHILD,SEX,DOB"'
    ]
    doctype = write(
        tmp_path, "evil.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Message/>'
    )
    assert "DOCTYPE" in errors(import_cin(db, doctype))[0]


def test_namespaced_cp1252_census_without_declaration(db, tmp_path) -> None:
    text = cin_xml([child()]).replace('<?xml version="1.0" encoding="UTF-8"?>\n', "")
    text = text.replace("<Message>", '<Message xmlns="http://www.dcsf.gov.uk/CIN">')
    text = text.replace("<Collection>CIN</Collection>", "<Collection>CIN é</Collection>")
    path = write(tmp_path, "cin.xml", text, encoding="cp1252")
    result = import_cin(db, path)
    assert result.errors == [] and result.counts["plans"].added == 1


def test_duplicate_children_and_skip_invalid(db, tmp_path) -> None:
    kids = [child(), child(local_id="P2", category="BAD"), child()]
    path = write(tmp_path, "cin.xml", cin_xml(kids).replace("><", ">\n<"))
    result = import_cin(db, path, skip_invalid=True)
    assert not result.refused and sorted(result.skipped) == ["P1", "P2"]
    assert any("this child is already in the file at line" in e for e in errors(result))
    # P1's first record was valid, but its repeat makes the child ambiguous: both left out.
    assert count(db, Child) == 0


def test_meetings_booked_here_survive_a_reimport_and_follow_the_new_plan(db, tmp_path) -> None:
    import_cin(db, write(tmp_path, "a.xml", cin_xml([child()])))
    with db.session() as s:
        kid = s.scalars(select(Child)).one()
        [plan] = kid.plans
        s.add_all(
            [
                Meeting(
                    child=kid,
                    process="cp",
                    meeting_type="rcpc_subsequent",
                    sequence=3,
                    status="booked",
                    booked_date=D(2024, 8, 20),
                    plan_id=plan.id,
                ),
                Meeting(
                    child=kid,
                    process="cp",
                    meeting_type="icpc_transfer_in",
                    sequence=0,
                    status="held",
                    held_date=D(2023, 1, 5),
                ),
            ]
        )
    # The later census has the plan starting two months later: another plan, so the old plan
    # goes and a new one comes (a start corrected by a few days keeps the plan:
    # test_corrected_starts).
    other = child(plan_start=D(2023, 8, 20), icpc=D(2023, 8, 20))
    result = import_cin(db, write(tmp_path, "b.xml", cin_xml([other])))
    assert result.errors == []
    assert (result.counts["plans"].added, result.counts["plans"].removed) == (1, 1)
    with db.session() as s:
        [plan] = s.scalars(select(CpPlan)).all()
        booked = s.scalars(select(Meeting).where(Meeting.status == "booked")).one()
        assert booked.plan_id == plan.id and booked.booked_date == D(2024, 8, 20)
        transfer = s.scalars(select(Meeting).where(Meeting.meeting_type == "icpc_transfer_in"))
        assert transfer.one().held_date == D(2023, 1, 5)


def test_a_conference_a_corrected_census_dates_days_later_keeps_what_was_recorded_here(
    db, tmp_path
) -> None:
    """P1's review conference of 15/09/2023 was recorded here with its invitees; the corrected
    census has it on 18/09/2023. It stays the same conference, moved, with its invitees (the
    import removed it and added a bare one)."""
    from reviewdesk.storage.models import Invitee

    import_cin(db, write(tmp_path, "a.xml", cin_xml([child()])))
    with db.session() as s:
        review_id = s.scalars(select(Meeting.id).where(Meeting.held_date == D(2023, 9, 15))).one()
        s.add(
            Invitee(meeting_id=review_id, name="Dr Siân Hughes", role="GP", attendance="apologies")
        )
    corrected = child(reviews=[D(2023, 9, 18), D(2024, 3, 1)])
    result = import_cin(db, write(tmp_path, "b.xml", cin_xml([corrected])))
    assert result.errors == []
    c = result.counts["conferences"]
    assert (c.added, c.updated, c.removed) == (0, 1, 0)
    with db.session() as s:
        moved = s.get(Meeting, review_id)
        assert (moved.held_date, moved.meeting_type, moved.sequence) == (
            D(2023, 9, 18),
            "rcpc_first",
            1,
        )
        assert [i.name for i in moved.invitees] == ["Dr Siân Hughes"]
    assert count(db, Meeting) == 3
