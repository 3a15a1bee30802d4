"""Invitees and reports for a meeting: added, removed, received with their PDF, and who
the pack went to."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from reviewdesk import actions
from reviewdesk.errors import InvalidInput
from reviewdesk.storage.models import Meeting, PackDelivery, Report, ReportFile
from tests.invitations.scenario import (
    AS_OF,
    conference,
    invite_proposed,
    me,
    report_pdf,
    set_setting,
    version_of,
)

D = dt.date


def _report(db, author: str) -> Report:
    with db.session() as s:
        report = s.scalar(select(Report).where(Report.author == author))
        s.expunge(report)
        return report


def test_a_received_report_is_kept_with_its_file_and_replaced_by_a_new_one(db):
    ids = conference(db)
    invite_proposed(db, ids["meeting"])
    report = _report(db, "Dr Ann Patel")
    data = report_pdf("GP", pages=3)
    changes = actions.attach_report_file(
        db,
        me(db),
        report.id,
        data=data,
        file_name="/tmp/x/gp report.pdf",
        received=D(2024, 5, 14),
        expected_version=report.version,
    )
    assert changes.touches("report_file", "report") and changes.touches_child(ids["child"])
    with db.session() as s:
        stored = s.scalar(select(ReportFile))
        assert (stored.file_name, stored.pages, stored.size) == ("gp report.pdf", 3, len(data))
        assert stored.content == data and s.get(Report, report.id).received == D(2024, 5, 14)
    again = report_pdf("GP corrected", pages=1)
    actions.attach_report_file(
        db,
        me(db),
        report.id,
        data=again,
        file_name="gp2.pdf",
        received=None,
        expected_version=version_of(db, Report, report.id),
    )
    with db.session() as s:
        [stored] = s.scalars(select(ReportFile)).all()
        assert stored.content == again and s.get(Report, report.id).received == D(2024, 5, 14)


def test_a_refused_file_changes_nothing(db):
    ids = conference(db)
    invite_proposed(db, ids["meeting"])
    report = _report(db, "Dr Ann Patel")
    set_setting(db, "attachment_max_mb", 1)
    for data, words in (
        (b"<html>not a pdf</html>", "is not a PDF"),
        (report_pdf("x") + b" " * (1024 * 1024 + 1), "more than the 1 MB"),
    ):
        with pytest.raises(InvalidInput, match=words):
            actions.attach_report_file(
                db,
                me(db),
                report.id,
                data=data,
                file_name="r.pdf",
                received=AS_OF,
                expected_version=report.version,
            )
    with pytest.raises(InvalidInput, match="give the date the report was received"):
        actions.attach_report_file(
            db,
            me(db),
            report.id,
            data=report_pdf("x"),
            file_name="r.pdf",
            received=None,
            expected_version=report.version,
        )
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ReportFile)) == 0
        assert s.get(Report, report.id).received is None


def test_invitees_and_reports_are_checked(db):
    ids = conference(db)
    actor = me(db)
    other = actions.book_meeting(
        db, actor, ids["child"], "icpc", _booking(), enquiry_id=ids["enquiry"]
    )
    actions.add_invitees(db, actor, ids["meeting"], [actions.NewInvitee(person_id=ids["mother"])])
    with pytest.raises(InvalidInput, match="Małgorzata Brontë is already invited"):
        actions.add_invitees(
            db, actor, ids["meeting"], [actions.NewInvitee(person_id=ids["mother"])]
        )
    with pytest.raises(InvalidInput, match="role"):
        actions.add_invitees(db, actor, ids["meeting"], [actions.NewInvitee(name="Someone")])
    with pytest.raises(InvalidInput, match='deadline rule "cp.nonsense" is not in the rules'):
        actions.add_reports(
            db,
            actor,
            ids["meeting"],
            [actions.NewReport(author="X", agency="police", rule_id="cp.nonsense")],
        )
    actions.cancel_meeting(
        db,
        actor,
        other.result,
        "booked twice",
        expected_version=version_of(db, Meeting, other.result),
    )
    with pytest.raises(InvalidInput, match="is cancelled; no one can be invited"):
        actions.add_invitees(db, actor, other.result, [actions.NewInvitee(name="A", role="B")])


def _booking():
    from reviewdesk.scheduling import Booking

    return Booking(D(2024, 5, 21), dt.time(9, 30))


def test_who_the_pack_went_to_is_recorded(db):
    ids = conference(db)
    actor = me(db)
    changes = actions.record_pack_sent(
        db,
        actor,
        ids["meeting"],
        ["Małgorzata Brontë", " DC  Jones ", ""],
        how="secure_email",
        on=D(2024, 5, 16),
        pages=12,
    )
    assert len(changes.result) == 2
    with db.session() as s:
        sent = {(p.recipient, p.how, p.sent_on, p.pages) for p in s.scalars(select(PackDelivery))}
    assert sent == {
        ("Małgorzata Brontë", "secure_email", D(2024, 5, 16), 12),
        ("DC Jones", "secure_email", D(2024, 5, 16), 12),
    }
    with pytest.raises(InvalidInput, match="how: 'pigeon' is not one of"):
        actions.record_pack_sent(db, actor, ids["meeting"], ["X"], how="pigeon", on=AS_OF)
    later = dt.date.today() + dt.timedelta(days=30)  # (a pack is sent on a day that has come)
    with pytest.raises(InvalidInput, match=r"^sent on: \d\d/\d\d/\d{4} is in the future$"):
        actions.record_pack_sent(db, actor, ids["meeting"], ["X"], how="post", on=later)
    with pytest.raises(InvalidInput, match=r"^recipient: .* more than the 200 kept$"):
        actions.record_pack_sent(db, actor, ids["meeting"], ["x" * 201], how="post", on=AS_OF)
