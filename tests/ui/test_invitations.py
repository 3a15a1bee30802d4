"""A clerk's invitations, report requests and pack in the window, driven through the widgets:
typing into the forms, ticking the proposed lists and clicking the buttons, with the modal
loop and the file choosers answered by the recording prompts (tests/ui/conftest.py).

The register is `tests.invitations.scenario.conference`: Zoë Brontë's initial child
protection conference on 20/05/2024, her mother (needing a Polish interpreter) and father,
a GP and a school involved, and the police's contact point in the directory.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from icalendar import Calendar
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from sqlalchemy import select

from reviewdesk.storage.models import (
    ChildProfessional,
    Invitee,
    PackDelivery,
    Person,
    Professional,
    Report,
    ReportFile,
)
from tests.invitations.scenario import AS_OF, conference, report_pdf, set_setting
from tests.ui.test_dialogs import _child_page, _select_meeting
from ui.dialogs import invitations as invitations_dialog
from ui.dialogs.invitations import InvitationsDialog
from ui.dialogs.people import DirectoryDialog, PeopleDialog, PersonDialog, ProfessionalDialog

TODAY = dt.date.today()  # sending records the day it really happened


@pytest.fixture(autouse=True)
def _the_day_stays(monkeypatch):
    """The real day, held for the test: a run that passed midnight saw the dialog record the
    next day (tests on the as-of date pass one explicitly; sending uses the real day)."""
    monkeypatch.setattr(invitations_dialog, "real_today", lambda: TODAY)


@pytest.fixture
def ids(db):
    return conference(db)


@pytest.fixture
def cwindow(db, ids, qapp, qtbot, settings, prompts_recorder):
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.tasks import wait_for_all

    ctx = AppContext.open(db, as_of=AS_OF)
    win = MainWindow(ctx, settings=settings)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.load_initial_data()
    yield win
    wait_for_all()


@pytest.fixture
def dwindow(db, ids, qapp, qtbot, settings, prompts_recorder):
    """The window on the day of the conference: who attended is recorded from then on
    (before it, only apologies)."""
    from tests.invitations.scenario import DAY
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.tasks import wait_for_all

    ctx = AppContext.open(db, as_of=DAY)
    win = MainWindow(ctx, settings=settings)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.load_initial_data()
    yield win
    wait_for_all()


def _save(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def _choose(combo, text: str, qtbot) -> None:
    """Pick an entry of a combo box: in one that takes typing, type the start of its name
    (QTest types ASCII only) and pick it, as from the completer's list."""
    index = combo.findText(text, Qt.MatchFlag.MatchStartsWith)
    assert index >= 0, [combo.itemText(i) for i in range(combo.count())]
    if combo.isEditable():
        combo.lineEdit().clear()
        typed = "".join(itertools.takewhile(str.isascii, text))
        qtbot.keyClicks(combo.lineEdit(), typed)
    combo.setCurrentIndex(index)


def _ticked_texts(box) -> list[str]:
    return [
        box.item(i).text()
        for i in range(box.count())
        if box.item(i).checkState() == Qt.CheckState.Checked
    ]


def _untick(box, start: str) -> None:
    for i in range(box.count()):
        if box.item(i).text().startswith(start):
            box.item(i).setCheckState(Qt.CheckState.Unchecked)
            return
    raise AssertionError(f"{start!r} is not in the list")


def _open_invitations(window, ids, prompts_recorder, work) -> InvitationsDialog:
    """Open the meeting's invitations from the child's page, run ``work(dialog)`` in it."""
    page = _child_page(window, ids["child"])
    _select_meeting(page, ids["meeting"])
    seen = {}

    def run(dialog) -> bool:
        if isinstance(dialog, InvitationsDialog):
            seen["dialog"] = dialog
            work(dialog)
            return True
        return False

    prompts_recorder.on_dialog = run
    assert page.invitations_button.isEnabled()
    page.invitations_button.click()
    return seen["dialog"]


# --- family, network and the directory ---------------------------------------------------------


def test_a_grandmother_is_added_edited_and_removed_by_typing(
    cwindow, ids, db, qtbot, prompts_recorder
) -> None:
    page = _child_page(cwindow, ids["child"])
    state: dict = {}

    def person_form(dialog: PersonDialog) -> bool:
        if state.get("step") == "add":
            qtbot.keyClicks(dialog.name, "Ewa Kowalska")
            _choose(dialog.relation, "Grandparent", qtbot)
            qtbot.keyClicks(dialog.address, "12 Mill Lane")
            qtbot.keyClick(dialog.address, Qt.Key.Key_Return)
            qtbot.keyClicks(dialog.address, "Northgate")
            qtbot.keyClicks(dialog.email, "not an address")
            _save(dialog)  # refused: the email
            state["refused"] = list(prompts_recorder.errors)
            assert not dialog.result()
            dialog.email.clear()
            qtbot.keyClicks(dialog.email, "ewa@mail.example")
            _choose(dialog.contact, "Email", qtbot)
            qtbot.keyClicks(dialog.interpreter, "Polish")
            dialog.excluded.click()
            qtbot.keyClicks(dialog.exclusion_note, "Not for the police information")
        else:  # edit
            assert dialog.name.text() == "Ewa Kowalska"
            qtbot.keyClicks(dialog.phone, "07700 900123")
            dialog.active.click()  # no longer involved
        _save(dialog)
        return dialog.result() == dialog.DialogCode.Accepted

    def people(dialog: PeopleDialog) -> bool:
        state["people"] = dialog
        state["step"] = "add"
        dialog.add_person_button.click()
        state["after_add"] = dialog.people.texts(0)
        assert dialog.people.selected_record().name == "Ewa Kowalska"
        state["step"] = "edit"
        dialog.edit_person_button.click()
        state["after_edit"] = dialog.people.texts(0)
        return False

    def run(dialog) -> bool:
        if isinstance(dialog, PersonDialog):
            return person_form(dialog)
        return people(dialog)

    prompts_recorder.on_dialog = run
    page.people_button.click()
    assert any("email" in e and "not an address" in e for e in state["refused"])
    assert "Ewa Kowalska" in state["after_add"]
    assert "Ewa Kowalska (no longer involved)" in state["after_edit"]
    with db.session() as s:
        ewa = s.scalars(select(Person).where(Person.name == "Ewa Kowalska")).one()
        assert (ewa.relation, ewa.email, ewa.preferred_contact) == (
            "grandparent",
            "ewa@mail.example",
            "email",
        )
        assert ewa.address == "12 Mill Lane\nNorthgate" and ewa.interpreter == "Polish"
        assert ewa.excluded_from_part and ewa.exclusion_note == "Not for the police information"
        assert ewa.phone == "07700 900123" and not ewa.active and ewa.version == 2

    # Removing asks first; declining keeps her.
    dialog = state["people"]
    dialog.people.select_where(lambda p: p.name == "Ewa Kowalska")
    prompts_recorder.confirm_answer = False
    dialog.remove_person_button.click()
    assert "Ewa Kowalska" in " ".join(dialog.people.texts(0))
    prompts_recorder.confirm_answer = True
    dialog.remove_person_button.click()
    assert "Ewa Kowalska" not in " ".join(dialog.people.texts(0))
    with db.session() as s:
        assert s.scalars(select(Person).where(Person.name == "Ewa Kowalska")).first() is None


def test_the_directory_grows_and_a_professional_is_involved_with_the_child(
    cwindow, ids, db, qtbot, prompts_recorder
) -> None:
    state: dict = {}

    def run(dialog) -> bool:
        if isinstance(dialog, ProfessionalDialog):
            qtbot.keyClicks(dialog.name, "Jo Hughes")
            _choose(dialog.agency, "Health visitor", qtbot)
            qtbot.keyClicks(dialog.organisation, "Northgate Health Visiting")
            qtbot.keyClicks(dialog.email, "jo.hughes@nhs.example")
            dialog.secure.click()
            _save(dialog)
            return dialog.result() == dialog.DialogCode.Accepted
        if isinstance(dialog, DirectoryDialog):
            state["directory"] = dialog
            dialog.add_button.click()
            state["rows"] = dialog.table.texts(0)
            qtbot.keyClicks(dialog.search, "north")  # finds by organisation too
            state["found"] = dialog.table.texts(0)
            return False
        raise AssertionError(dialog)

    prompts_recorder.on_dialog = run
    cwindow.directory_action.trigger()  # View ▸ Directory of professionals (Ctrl+Shift+R)
    assert "Jo Hughes" in state["rows"]
    assert state["found"] == ["Public Protection Unit", "Jo Hughes"]
    with db.session() as s:
        jo = s.scalars(select(Professional).where(Professional.name == "Jo Hughes")).one()
        assert (jo.agency, jo.secure_email, jo.email) == (
            "health_visitor",
            True,
            "jo.hughes@nhs.example",
        )
        jo_id = jo.id

    # Involve her with Zoë from the child's page, typing her name into the chooser.
    def people(dialog) -> bool:
        _choose(dialog.directory_choice, "Jo Hughes", qtbot)
        qtbot.keyClicks(dialog.note, "new baby at home")
        dialog.link_button.click()
        state["involved"] = dialog.involved.texts(0)
        dialog.involved.select_where(lambda link: link.professional.name == "Mr Tomás Kelly")
        dialog.unlink_button.click()
        state["after"] = dialog.involved.texts(0)
        return False

    prompts_recorder.on_dialog = people
    _child_page(cwindow, ids["child"]).people_button.click()
    assert state["involved"] == ["Dr Ann Patel", "Mr Tomás Kelly", "Jo Hughes"]
    assert state["after"] == ["Dr Ann Patel", "Jo Hughes"]
    with db.session() as s:
        links = {
            (link.professional_id, link.note)
            for link in s.scalars(
                select(ChildProfessional).where(ChildProfessional.child_id == ids["child"])
            )
        }
    assert links == {(ids["gp"], None), (jo_id, "new baby at home")}
    assert prompts_recorder.errors == []


# --- invitations -------------------------------------------------------------------------------


def test_the_rules_list_is_proposed_ticked_and_invitations_go_out_with_their_dates(
    cwindow, ids, db, qtbot, prompts_recorder, tmp_path
) -> None:
    state: dict = {}
    ics, letters = tmp_path / "request.ics", tmp_path / "letters.pdf"

    def work(dialog: InvitationsDialog) -> None:
        state["proposed"] = _ticked_texts(dialog.proposed)
        _untick(dialog.proposed, "Mr Tomás Kelly")  # the clerk leaves the school out
        dialog.invite_ticked_button.click()
        state["listed"] = dialog.invitees.texts(0)
        state["not_yet"] = set(dialog.invitees.texts(3))
        # Then adds the school after all, from the chooser, and an advocate by name.
        _choose(dialog.someone, "Mr Tomás Kelly", qtbot)
        dialog.invite_someone_button.click()
        qtbot.keyClicks(dialog.other_name, "Aled Price")
        qtbot.keyClicks(dialog.other_role, "Youth worker")
        qtbot.keyClicks(dialog.other_email, "aled@youth.example")
        dialog.invite_other_button.click()
        prompts_recorder.save_answer = str(ics)
        dialog.send_request_button.click()
        state["info"] = list(prompts_recorder.infos)
        prompts_recorder.save_answer = str(letters)
        dialog.send_letters_button.click()
        names = dialog.invitees.texts(0)
        state["sent_as"] = dict(zip(names, dialog.invitees.texts(2), strict=True))
        state["dates"] = dict(zip(names, dialog.invitees.texts(3), strict=True))
        state["summary"] = dialog.summary.text()
        # A mistaken invitee comes off the list (asked first: they were invited).
        dialog.invitees.select_where(lambda i: i.name == "Aled Price")
        dialog.remove_invitee_button.click()
        state["final"] = dialog.invitees.texts(0)

    _open_invitations(cwindow, ids, prompts_recorder, work)
    assert prompts_recorder.errors == []
    proposed = " | ".join(state["proposed"])
    for who in ("Małgorzata Brontë", "Piotr Brontë", "Siân Evans"):
        assert who in proposed
    assert "Zoë Brontë" not in proposed  # 8 years old: a CP conference invites from 12
    assert "Public Protection Unit" in proposed and "Dr Ann Patel" in proposed
    assert "Mr Tomás Kelly" not in state["listed"] and state["not_yet"] == {"Not yet"}

    calendar = Calendar.from_ical(ics.read_bytes())
    event = next(iter(calendar.walk("VEVENT")))
    assert str(calendar["METHOD"]) == "REQUEST"
    attendees = {str(a).removeprefix("mailto:").lower() for a in event.get("ATTENDEE")}
    assert {"ppu@police.example", "ann.patel@nhs.example", "aled@youth.example"} <= attendees
    assert "Room 2" in str(event["LOCATION"])
    assert "Zoë" not in str(event["SUMMARY"])  # no child's name by default
    assert state["info"] and "does not reach" in state["info"][0]

    text = "".join(page.extract_text() for page in PdfReader(letters).pages)
    assert "Małgorzata Brontë" in text and "Mr Tomás Kelly" in text
    assert "20 May 2024" in text or "20/05/2024" in text
    assert prompts_recorder.documents == [letters]

    assert state["sent_as"]["Dr Ann Patel"] == "Meeting request"
    assert state["sent_as"]["Małgorzata Brontë"] == "Letter"
    assert set(state["dates"].values()) == {TODAY.strftime("%d/%m/%Y")}
    assert "meeting request sent" in state["summary"]
    assert "Aled Price" not in state["final"]
    assert any("Aled Price was invited on" in q for q in prompts_recorder.questions)
    with db.session() as s:
        rows = s.scalars(select(Invitee).where(Invitee.meeting_id == ids["meeting"])).all()
        assert {r.invited_on for r in rows} == {TODAY}
        assert "Aled Price" not in {r.name for r in rows}
        assert {r.rule_id is not None for r in rows if r.name != "Mr Tomás Kelly"} == {True}


def test_any_part_of_a_name_typed_finds_the_one_it_names(
    cwindow, ids, db, qtbot, prompts_recorder
) -> None:
    """Only the start of the whole label found anyone: "Kelly" (or "tomas") did not find
    "Mr Tomás Kelly" after his title. Any part of a name finds him now, without case or
    accents; a part of several names says which and invites no one."""
    seen = {}

    def work(dialog: InvitationsDialog) -> None:
        _active(dialog, qtbot)
        dialog.someone.setFocus()
        qtbot.waitUntil(dialog.someone.hasFocus)
        qtbot.keyClicks(dialog.someone.lineEdit(), "e")  # in many names
        qtbot.keyClick(dialog.someone.lineEdit(), Qt.Key.Key_Return)
        seen["several"] = list(prompts_recorder.errors)
        dialog.someone.lineEdit().clear()
        qtbot.keyClicks(dialog.someone.lineEdit(), "tomas kel")
        qtbot.keyClick(dialog.someone.lineEdit(), Qt.Key.Key_Return)
        seen["invited"] = dialog.invitees.texts(0)

    _open_invitations(cwindow, ids, prompts_recorder, work)
    [several] = seen["several"]
    assert several.startswith("\u201ce\u201d is in several names (")
    assert several.endswith("): choose one from the list.")
    assert "Mr Tomás Kelly" in seen["invited"]
    with db.session() as s:
        names = s.scalars(select(Invitee.name).where(Invitee.meeting_id == ids["meeting"])).all()
        assert names == ["Mr Tomás Kelly"]


def test_enter_in_a_name_invites_and_adds_the_report_as_the_buttons_beside_them(
    cwindow, ids, db, qtbot, prompts_recorder
) -> None:
    """A clerk types an advocate's name, role and email and presses Enter; picks the father
    from the family by typing and presses Enter; types another report's author and presses
    Enter. Enter pressed the dialog's default button, Save attendance on a tab not shown,
    so nothing happened and each needed the mouse on a button with no key of its own."""
    seen = {}

    def work(dialog: InvitationsDialog) -> None:
        _active(dialog, qtbot)
        dialog.other_name.setFocus()
        qtbot.keyClicks(dialog.other_name, "Jane Price")
        qtbot.keyClicks(dialog.other_role, "Advocate")
        qtbot.keyClicks(dialog.other_email, "jane@advocacy.example")
        qtbot.keyClick(dialog.other_email, Qt.Key.Key_Return)
        seen["by_name"] = dialog.invitees.texts(0)
        seen["cleared"] = dialog.other_name.text()
        dialog.someone.setFocus()
        _choose(dialog.someone, "Piotr Brontë", qtbot)
        qtbot.keyClick(dialog.someone, Qt.Key.Key_Return)  # the box has the focus
        seen["someone"] = dialog.invitees.texts(0)
        qtbot.keyClick(dialog, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
        dialog.report_author.setFocus()
        qtbot.keyClicks(dialog.report_author, "Jane Price")
        qtbot.keyClick(dialog.report_author, Qt.Key.Key_Return)
        seen["reports"] = dialog.reports.texts(0)
        seen["open"] = dialog.isVisible()

    _open_invitations(cwindow, ids, prompts_recorder, work)
    assert prompts_recorder.errors == []
    assert "Jane Price" in seen["by_name"] and seen["cleared"] == ""
    assert "Piotr Brontë" in seen["someone"]
    assert seen["reports"] == ["Jane Price"] and seen["open"]
    with db.session() as s:
        names = s.scalars(select(Invitee.name).where(Invitee.meeting_id == ids["meeting"])).all()
        assert sorted(names) == ["Jane Price", "Piotr Brontë"]


def test_a_father_with_no_needs_but_excluded_from_part_reads_so_without_a_stray_dot(
    cwindow, ids, prompts_recorder
) -> None:
    """The Needs column and the details line read " · excluded from part" for the father
    (no interpreter or access needs recorded, excluded from part by the chair)."""
    seen = {}

    def work(dialog: InvitationsDialog) -> None:
        dialog.invite_ticked_button.click()
        rows = dict(zip(dialog.invitees.texts(0), dialog.invitees.texts(5), strict=True))
        seen["father"], seen["mother"] = rows["Piotr Brontë"], rows["Małgorzata Brontë"]
        dialog.invitees.select_where(lambda i: i.name == "Piotr Brontë")
        seen["details"] = dialog.invitee_details.text()

    _open_invitations(cwindow, ids, prompts_recorder, work)
    assert seen["father"] == "excluded from part"
    assert seen["mother"] == "Interpreter: Polish"
    assert "Needs: excluded from part ·" in seen["details"]


def test_a_read_only_user_sees_the_invitations_but_cannot_change_them(
    db, ids, qapp, qtbot, prompts_recorder, settings
) -> None:
    import dataclasses

    from ui.context import AppContext

    ctx = AppContext.open(db, as_of=AS_OF)
    ctx.actor = dataclasses.replace(ctx.actor, role=None)  # off the user list: read only
    dialog = InvitationsDialog(ctx, ids["meeting"], "ICPC")
    qtbot.addWidget(dialog)
    for button in (
        dialog.invite_ticked_button,
        dialog.send_request_button,
        dialog.add_ticked_reports_button,
        dialog.record_pack_button,
    ):
        assert not button.isEnabled()


# --- reports -------------------------------------------------------------------------------------


def test_reports_are_requested_attached_and_marked_received_and_shared(
    cwindow, ids, db, qtbot, prompts_recorder, tmp_path
) -> None:
    state: dict = {}
    requests = tmp_path / "requests.pdf"
    draft = tmp_path / "gp.eml"
    good = tmp_path / "gp-report.pdf"
    good.write_bytes(report_pdf("Health report for the conference"))
    fake = tmp_path / "not-a-report.pdf"
    fake.write_bytes(b"MZ\x90\x00 this is a program, not a PDF" * 10)

    def work(dialog: InvitationsDialog) -> None:
        dialog.tabs.setCurrentIndex(1)
        state["expected"] = _ticked_texts(dialog.proposed_reports)
        dialog.add_ticked_reports_button.click()
        qtbot.keyClicks(dialog.report_author, "Northgate Housing")
        _choose(dialog.report_agency, "Housing", qtbot)
        dialog.add_report_button.click()
        state["reports"] = dialog.reports.texts(0)
        state["due"] = dict(zip(dialog.reports.texts(0), dialog.reports.texts(2), strict=True))
        prompts_recorder.save_answer = str(requests)
        dialog.request_letters_button.click()
        state["requested"] = set(dialog.reports.texts(3))
        dialog.reports.select_where(lambda r: r.author == "Dr Ann Patel")
        prompts_recorder.save_answer = str(draft)
        dialog.request_email_button.click()
        # A file that is not a PDF is refused, and nothing is recorded.
        prompts_recorder.file_answer = str(fake)
        dialog.attach_button.click()
        state["refused"] = list(prompts_recorder.errors)
        prompts_recorder.errors.clear()
        # The real report: received on the date ticked.
        dialog.reports.select_where(lambda r: r.author == "Dr Ann Patel")
        dialog.received.check.click()
        dialog.received.edit.setDate(dt.date(2024, 5, 14))
        prompts_recorder.file_answer = str(good)
        dialog.attach_button.click()
        row = dialog.reports.selected_record()
        state["file"] = row.file.name if row.file else None
        # Shared with the family the next day.
        dialog.shared.check.click()
        dialog.shared.edit.setFocus()
        dialog.shared.edit.setDate(dt.date(2024, 5, 15))
        dialog.save_dates_button.click()
        state["row"] = [
            dialog.reports.item(dialog.reports.currentRow(), c).text() for c in range(8)
        ]
        # Housing's report is no longer due.
        dialog.reports.select_where(lambda r: r.author == "Northgate Housing")
        dialog.remove_report_button.click()
        state["final"] = dialog.reports.texts(0)

    _open_invitations(cwindow, ids, prompts_recorder, work)
    assert prompts_recorder.errors == []
    assert any("Dr Ann Patel" in t for t in state["expected"])
    assert "Northgate Housing" in state["reports"] and "Dr Ann Patel" in state["reports"]
    assert state["due"]["Dr Ann Patel"]  # a deadline from the rules
    assert state["requested"] == {TODAY.strftime("%d/%m/%Y")}
    text = "".join(p.extract_text() for p in PdfReader(requests).pages)
    assert "Dr Ann Patel" in text and "Northgate Housing" in text
    assert b"ann.patel@nhs.example" in draft.read_bytes()
    assert state["refused"] and "not-a-report.pdf" in state["refused"][0]
    assert state["file"] == "gp-report.pdf"
    assert state["row"][4:7] == ["14/05/2024", "15/05/2024", "gp-report.pdf (2 pages)"]
    assert "Northgate Housing" not in state["final"]
    with db.session() as s:
        gp = s.scalars(select(Report).where(Report.author == "Dr Ann Patel")).one()
        assert (gp.received, gp.shared_with_parents) == (dt.date(2024, 5, 14), dt.date(2024, 5, 15))
        stored = s.scalars(select(ReportFile)).one()
        assert stored.report_id == gp.id and stored.pages == 2
        assert s.scalars(select(Report).where(Report.author == "Northgate Housing")).first() is None


def test_a_report_too_big_is_refused_before_it_is_read(
    cwindow, ids, db, qtbot, prompts_recorder, tmp_path
) -> None:
    set_setting(db, "attachment_max_mb", 1)
    big = tmp_path / "big.pdf"
    big.write_bytes(report_pdf("x") + b"%" + b"0" * (2 * 1024 * 1024))

    def work(dialog: InvitationsDialog) -> None:
        qtbot.keyClicks(dialog.report_author, "Dr Ann Patel")
        dialog.add_report_button.click()
        dialog.reports.select_where(lambda r: r.author == "Dr Ann Patel")
        prompts_recorder.file_answer = str(big)
        dialog.attach_button.click()

    _open_invitations(cwindow, ids, prompts_recorder, work)
    assert len(prompts_recorder.errors) == 1
    assert "big.pdf" in prompts_recorder.errors[0] and "1 MB" in prompts_recorder.errors[0]
    with db.session() as s:
        assert s.scalars(select(ReportFile)).first() is None


def test_a_named_pipe_chosen_as_a_report_is_refused_by_name_not_waited_on(
    cwindow, ids, db, qtbot, prompts_recorder, tmp_path
) -> None:
    """The window opened the file chosen with plain open(): a named pipe (a FIFO) chosen in
    the file dialog stopped the window for ever, waiting for someone to write into it."""
    import os

    pipe = tmp_path / "report.pdf"
    os.mkfifo(pipe)

    def work(dialog: InvitationsDialog) -> None:
        qtbot.keyClicks(dialog.report_author, "Dr Ann Patel")
        dialog.add_report_button.click()
        dialog.reports.select_where(lambda r: r.author == "Dr Ann Patel")
        prompts_recorder.file_answer = str(pipe)
        dialog.attach_button.click()

    _open_invitations(cwindow, ids, prompts_recorder, work)
    assert prompts_recorder.errors == [
        f"Nothing was saved. {pipe} is a named pipe, not a file; give a file to read."
    ]
    with db.session() as s:
        assert s.scalars(select(ReportFile)).first() is None


# --- the pack ------------------------------------------------------------------------------------


def test_the_printed_pack_holds_the_attached_report_and_its_recipients_are_recorded(
    cwindow, ids, db, qtbot, prompts_recorder, tmp_path
) -> None:
    from ui.documents import document_job

    good = tmp_path / "police.pdf"
    good.write_bytes(report_pdf("Police information for Zoë", pages=3))
    state: dict = {}

    def work(dialog: InvitationsDialog) -> None:
        dialog.invite_ticked_button.click()
        dialog.add_ticked_reports_button.click()
        dialog.reports.select_where(lambda r: r.agency == "police")
        prompts_recorder.file_answer = str(good)
        dialog.attach_button.click()
        dialog.tabs.setCurrentIndex(2)
        for i in range(dialog.pack_recipients.count()):
            item = dialog.pack_recipients.item(i)
            if item.text().startswith(("Dr Ann Patel", "Małgorzata Brontë")):
                item.setCheckState(Qt.CheckState.Checked)
        _choose(dialog.pack_how, "Secure email", qtbot)
        dialog.record_pack_button.click()
        state["sent"] = dialog.deliveries.texts(0)
        state["how"] = set(dialog.deliveries.texts(1))

    _open_invitations(cwindow, ids, prompts_recorder, work)
    assert prompts_recorder.errors == []
    assert sorted(state["sent"]) == ["Dr Ann Patel", "Małgorzata Brontë"]
    assert state["how"] == {"Secure email"}
    with db.session() as s:
        rows = s.scalars(select(PackDelivery)).all()
        assert {(r.recipient, r.how, r.sent_on) for r in rows} == {
            ("Dr Ann Patel", "secure_email", TODAY),
            ("Małgorzata Brontë", "secure_email", TODAY),
        }

    # The pack the Print pack button makes: the attached report's pages are in it.
    title, work_fn = document_job(cwindow.ctx, "pack", meeting_id=ids["meeting"])
    path = work_fn(lambda *_a: None)
    reader = PdfReader(path)
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Police information for Zoë page 3" in text
    assert "Małgorzata Brontë" in text  # the invitees' list
    assert f"of {len(reader.pages)}" in reader.pages[-1].extract_text()  # pages per pack


def test_the_chase_list_is_a_printed_document(cwindow, ids, db, prompts_recorder) -> None:
    from reviewdesk import actions
    from tests.invitations.scenario import invite_proposed
    from ui.documents import document_job

    invite_proposed(db, ids["meeting"])
    title, work = document_job(cwindow.ctx, "chase")
    path = work(lambda *_a: None)
    text = "\n".join(p.extract_text() for p in PdfReader(path).pages)
    assert title == "Reports to chase"
    assert "Dr Ann Patel" in text and "Public Protection Unit" in text
    assert work.children == 1
    assert actions  # the chase list is reached from Documents ▸ Reports to chase
    menu_texts = [
        a.text() for m in cwindow.menuBar().actions() if m.menu() for a in m.menu().actions()
    ]
    assert "Reports to &chase" in menu_texts


def test_booking_a_meeting_goes_straight_on_to_its_invitations(
    window, prompts_recorder, sample, db
) -> None:
    from ui.dialogs.booking import BookingDialog

    page = _child_page(window, sample["zoe"])
    seen: dict = {}

    def run(dialog) -> bool:
        if isinstance(dialog, BookingDialog):
            dialog.date.setDate(dt.date(2024, 4, 16))
            dialog.room.setCurrentIndex(dialog.room.findData(sample["room_b"]))
            dialog.book_button.click()
            return dialog.result() == dialog.DialogCode.Accepted
        seen["dialog"] = dialog
        seen["proposed"] = _ticked_texts(dialog.proposed)
        dialog.invite_ticked_button.click()
        return True

    prompts_recorder.on_dialog = run
    page.book_button.click()
    dialog = seen["dialog"]
    assert isinstance(dialog, InvitationsDialog)
    assert seen["proposed"], "the rules propose someone (the child, the social worker…)"
    with db.session() as s:
        invited = s.scalars(select(Invitee).where(Invitee.meeting_id == dialog.meeting_id)).all()
    assert len(invited) == len(seen["proposed"])


def test_alt_n_and_alt_m_open_the_meeting_invitations_and_the_family(
    cwindow, ids, qtbot, prompts_recorder
) -> None:
    cwindow.show()
    qtbot.waitExposed(cwindow)
    cwindow.activateWindow()
    qtbot.waitUntil(cwindow.isActiveWindow)
    page = _child_page(cwindow, ids["child"])
    _select_meeting(page, ids["meeting"])
    page.table.setFocus()
    opened = []
    prompts_recorder.on_dialog = lambda dialog: opened.append(type(dialog).__name__) or False
    qtbot.keyClick(cwindow, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: len(opened) == 1)  # a button's shortcut clicks it after 100 ms
    qtbot.keyClick(cwindow, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: len(opened) == 2)
    assert opened == ["InvitationsDialog", "PeopleDialog"]


def test_the_dialogs_fit_a_small_screen_and_stack_their_parts(
    db, ids, qapp, qtbot, prompts_recorder
) -> None:
    from ui.context import AppContext

    ctx = AppContext.open(db, as_of=AS_OF)
    room = qapp.primaryScreen().availableGeometry()
    dialogs = [
        InvitationsDialog(ctx, ids["meeting"], "ICPC"),
        PeopleDialog(ctx, ids["child"], "Zoë Brontë"),
        DirectoryDialog(ctx),
        PersonDialog(ctx, ids["child"]),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        assert dialog.width() <= room.width() and dialog.height() <= room.height(), dialog
    invitations = dialogs[0]
    invitations.show()
    invitations.resize(680, 380)  # 1366x768 at twice the scale
    qtbot.waitUntil(lambda: invitations.width() == 680)
    pair = invitations._pairs[0]
    assert pair.box.direction() == pair.box.Direction.TopToBottom
    invitations.resize(1200, 700)
    qtbot.waitUntil(lambda: pair.box.direction() == pair.box.Direction.LeftToRight)


def _headings_too_wide(table) -> list[str]:
    """The shown columns' headings wider than their sections (in the style sheet's bold,
    with room for the header's padding)."""
    from PySide6.QtGui import QFont, QFontMetrics

    header = table.horizontalHeader()
    font = QFont(header.font())
    font.setBold(True)
    metrics = QFontMetrics(font)
    return [
        table.horizontalHeaderItem(c).text()
        for c in range(table.columnCount())
        if not table.isColumnHidden(c)
        and metrics.horizontalAdvance(table.horizontalHeaderItem(c).text()) + 12
        > header.sectionSize(c)
    ]


@pytest.mark.parametrize(
    ("size", "all_shown"),
    [((1100, 640), True), ((683, 384), False)],  # 1366x768, and the same at 200%
    ids=["1366x768", "scale-2"],
)
def test_the_invitation_list_fits_the_dialog_without_scrolling_sideways(
    db, ids, qapp, qtbot, prompts_recorder, size, all_shown
) -> None:
    # Seven columns in the dialog's left part scrolled sideways at 1366x768, and at 200%
    # showed three and a half of them (the reports' eight, the same).
    from tests.invitations.scenario import invite_proposed
    from ui.context import AppContext

    invite_proposed(db, ids["meeting"])
    ctx = AppContext.open(db, as_of=AS_OF)
    dialog = InvitationsDialog(ctx, ids["meeting"], "ICPC")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.resize(*size)
    qtbot.waitUntil(lambda: dialog.width() == size[0])
    qapp.processEvents()
    table = dialog.invitees
    assert table.rowCount() >= 4
    assert table.horizontalScrollBar().maximum() == 0
    assert dialog.tabs.widget(0).horizontalScrollBar().maximum() == 0
    assert _headings_too_wide(table) == []
    hidden = [table.horizontalHeaderItem(c).text() for c in table.columns_hidden()]
    if all_shown:
        assert hidden == []
    else:
        # The least needed give way; name, role, how and when they were invited stay.
        assert hidden and not {"Name", "Role", "Sent as", "Invited on"} & set(hidden)
        assert all(h.lower() in dialog.invitee_details.text() for h in hidden)
    # What a column no longer shows, or a cell cuts short, is whole in the row's tip and,
    # for the person chosen, in the details line (which the keyboard reaches).
    assert table.select_where(lambda inv: inv.name == "Małgorzata Brontë")
    details = dialog.invitee_details.text()
    assert details.startswith("Małgorzata Brontë, Mother")
    assert "Interpreter: Polish" in details and "Attendance: not recorded yet" in details
    assert "Email: none" in details
    row = table.currentRow()
    assert all(table.item(row, c).toolTip() == details for c in range(table.columnCount()))
    # The reports' list on the next tab, the same way.
    dialog.tabs.setCurrentIndex(1)
    qapp.processEvents()
    reports = dialog.reports
    assert reports.rowCount() >= 2
    assert reports.horizontalScrollBar().maximum() == 0
    assert dialog.tabs.widget(1).horizontalScrollBar().maximum() == 0
    assert _headings_too_wide(reports) == []
    assert (reports.columns_hidden() == []) is all_shown
    assert reports.select_where(lambda r: r.author == "Dr Ann Patel")
    details = dialog.report_details.text()
    assert details.startswith("Dr Ann Patel, GP") and "File: none attached" in details
    assert reports.item(reports.currentRow(), 0).toolTip() == details


def test_after_a_reschedule_the_dialog_asks_for_the_update_and_sends_it(
    cwindow, ids, db, qtbot, prompts_recorder, tmp_path
) -> None:
    from reviewdesk import actions
    from reviewdesk.scheduling import Booking
    from reviewdesk.storage.models import Meeting
    from tests.invitations.scenario import invite_proposed, version_of

    invite_proposed(db, ids["meeting"])
    actor = actions.whoami(db)
    actions.send_meeting_request(db, actor, ids["meeting"], output=tmp_path / "1.ics", on=AS_OF)
    moved = Booking(
        dt.date(2024, 5, 21),
        dt.time(14, 0),
        90,
        chair_id=ids["chair"],
        room_id=ids["room"],
        clerk_id=ids["clerk"],
    )
    actions.reschedule_meeting(
        db,
        actor,
        ids["meeting"],
        moved,
        "Chair ill",
        expected_version=version_of(db, Meeting, ids["meeting"]),
    )
    update = tmp_path / "update.ics"
    seen = {}

    def work(dialog: InvitationsDialog) -> None:
        seen["before"] = dialog.summary.text()
        prompts_recorder.save_answer = str(update)
        dialog.send_request_button.click()
        seen["after"] = dialog.summary.text()

    _open_invitations(cwindow, ids, prompts_recorder, work)
    assert "the meeting has changed since: send the update" in seen["before"]
    assert "meeting request (update 1) sent" in seen["after"]
    assert "changed since" not in seen["after"]
    # What the clerk is told, in words: it said "Update for 21/05/2024 to 5 attendees
    # (SEQUENCE 1)", the calendar file's field.
    assert prompts_recorder.infos[-1].startswith(
        f"Update 1 for 21/05/2024 to 5 attendees saved as {update}: open it in Outlook"
    )
    assert "SEQUENCE" not in prompts_recorder.infos[-1]
    event = next(iter(Calendar.from_ical(update.read_bytes()).walk("VEVENT")))
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART").date() == dt.date(2024, 5, 21)


def test_the_chase_list_is_exported_from_the_file_menu(
    cwindow, ids, db, qtbot, prompts_recorder, tmp_path
) -> None:
    import csv

    from reviewdesk.storage.audit import list_audit
    from tests.invitations.scenario import invite_proposed

    invite_proposed(db, ids["meeting"])
    target = tmp_path / "chase.csv"
    prompts_recorder.save_answer = str(target)
    cwindow.export_chase_action.trigger()
    qtbot.waitUntil(lambda: "Saved" in cwindow.statusBar().currentMessage(), timeout=10000)
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["author"] for r in rows} >= {"Dr Ann Patel", "Public Protection Unit"}
    assert prompts_recorder.errors == []
    with db.session() as s:
        left = [(e.after["what"], e.after["destination"]) for e in list_audit(s, action="export")]
    assert ("reports to chase", str(target)) in left


def test_a_cancelled_meeting_sends_its_cancellation(
    cwindow, ids, db, qtbot, prompts_recorder, tmp_path
) -> None:
    from reviewdesk import actions
    from reviewdesk.storage.models import Meeting
    from tests.invitations.scenario import invite_proposed, version_of

    invite_proposed(db, ids["meeting"])
    actor = actions.whoami(db)
    actions.send_meeting_request(db, actor, ids["meeting"], output=tmp_path / "1.ics", on=AS_OF)
    page = _child_page(cwindow, ids["child"])
    _select_meeting(page, ids["meeting"])

    def why(dialog) -> bool:  # the child's page asks why, as a clerk would answer
        from ui.dialogs.cancel import CancelDialog

        assert isinstance(dialog, CancelDialog)
        dialog.note.setText("Family moved away")  # not on the list: the note is the reason
        dialog.cancel_meeting_button.click()
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = why
    page.cancel_button.click()
    assert prompts_recorder.errors == []
    assert version_of(db, Meeting, ids["meeting"]) > 1
    cancel = tmp_path / "cancel.ics"
    seen = {}

    def work(dialog: InvitationsDialog) -> None:
        seen["before"] = dialog.summary.text()
        seen["invite_enabled"] = dialog.invite_ticked_button.isEnabled()
        prompts_recorder.save_answer = str(cancel)
        dialog.send_request_button.click()

    _open_invitations(cwindow, ids, prompts_recorder, work)
    assert "cancelled since: send the cancellation" in seen["before"]
    assert not seen["invite_enabled"]  # no one is invited to a cancelled meeting
    calendar = Calendar.from_ical(cancel.read_bytes())
    assert str(calendar["METHOD"]) == "CANCEL"
    event = next(iter(calendar.walk("VEVENT")))
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) >= 1


def test_an_iro_records_reports_for_the_meetings_they_chair_only(
    db, ids, qapp, qtbot, prompts_recorder
) -> None:
    import dataclasses

    from reviewdesk.codes import Role
    from tests.invitations.scenario import invite_proposed
    from ui.context import AppContext

    ctx = AppContext.open(db, as_of=AS_OF)
    invite_proposed(db, ids["meeting"])
    shown = {}
    for who, staff_id in (("chair", ids["chair"]), ("another IRO", ids["worker"])):
        ctx.actor = dataclasses.replace(ctx.actor, role=Role.IRO, staff_id=staff_id)
        dialog = InvitationsDialog(ctx, ids["meeting"], "ICPC")
        qtbot.addWidget(dialog)
        dialog.reports.select_where(lambda r: r.author == "Dr Ann Patel")
        shown[who] = (
            dialog.attach_button.isEnabled(),
            dialog.save_dates_button.isEnabled(),
            dialog.invite_ticked_button.isEnabled(),  # inviting is the administrators'
        )
    assert shown == {"chair": (True, True, False), "another IRO": (False, False, False)}


def test_one_chairs_calendar_is_exported_with_rooms_clerks_and_no_child_names(
    cwindow, ids, db, qtbot, prompts_recorder, tmp_path
) -> None:
    from reviewdesk.storage.audit import list_audit
    from ui.dialogs.schedule_filter import ScheduleFilterDialog

    target = tmp_path / "nowak.ics"
    prompts_recorder.save_answer = str(target)

    def choose(dialog: ScheduleFilterDialog) -> bool:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()  # nothing chosen
        assert not dialog.result()
        _choose(dialog.combos["chair"], "Łukasz Nowak", qtbot)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = choose
    cwindow.export_calendar_action.trigger()
    qtbot.waitUntil(lambda: "Saved" in cwindow.statusBar().currentMessage(), timeout=10000)
    assert prompts_recorder.errors == ["Choose a chair, a room or a clerk."]
    assert "Export the calendar of Łukasz Nowak" in prompts_recorder.questions
    events = list(Calendar.from_ical(target.read_bytes()).walk("VEVENT"))
    booked = [e for e in events if "Room 2" in str(e.get("LOCATION", ""))]
    assert len(booked) == 1
    assert "Chloé Cooper" in str(booked[0]["DESCRIPTION"])  # the clerk
    assert all("Zoë" not in str(e["SUMMARY"]) for e in events)
    with db.session() as s:
        entry = [e for e in list_audit(s, action="export")][-1]
    assert entry.after["what"] == "meeting schedule" and "Nowak" in str(entry.after)


def test_each_proposed_person_s_reason_is_shown_whole(
    cwindow, ids, qtbot, prompts_recorder
) -> None:
    """The dialog at 1366x768: every line of the rules' proposals is wrapped to the list's
    width, with no sideways scroll, so a person's reason ("Parents and those with parental
    responsibility") can be read without a tooltip (which the keyboard cannot reach). The
    reasons were cut off at the list's edge."""
    cwindow.resize(1366, 768)
    seen = {}

    def work(dialog: InvitationsDialog) -> None:
        dialog.show()
        dialog.resize(1100, 640)
        qtbot.waitExposed(dialog)
        qtbot.wait(50)
        box = dialog.proposed
        metrics = box.fontMetrics()
        seen["lines"] = [
            (
                box.item(i).text(),
                box.visualItemRect(box.item(i)),
                metrics.boundingRect(
                    0,
                    0,
                    box.viewport().width() - 40,
                    10_000,
                    Qt.TextFlag.TextWordWrap,
                    box.item(i).text(),
                ).height(),
            )
            for i in range(box.count())
        ]
        seen["port"] = box.viewport().width()
        seen["sideways"] = box.horizontalScrollBar().maximum()

    _open_invitations(cwindow, ids, prompts_recorder, work)
    assert any("parental responsibility" in text for text, _, _ in seen["lines"])
    assert seen["sideways"] == 0
    for text, rect, wrapped_height in seen["lines"]:
        assert rect.right() <= seen["port"], text
        assert rect.height() >= wrapped_height, text


# --- attendance ----------------------------------------------------------------------------


def _attendance_of(db, meeting_id: int) -> dict[str, str | None]:
    with db.session() as s:
        rows = s.scalars(select(Invitee).where(Invitee.meeting_id == meeting_id))
        return {r.name: r.attendance for r in rows}


def _active(dialog, qtbot) -> None:
    """The dialog on screen and active, as when it opens: its Alt keys reach it only then."""
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)


def test_an_administrator_records_who_attended_with_the_keyboard(
    dwindow, ids, db, qtbot, prompts_recorder
) -> None:
    """After the conference the administrator opens its invitations (Alt+N), goes to the
    Attendance tab (Alt+D), Tabs down the list choosing with the arrow keys, and saves with
    Alt+N: what each person did is kept, the list says so, and the audit trail has it."""
    from reviewdesk.storage.audit import list_audit
    from tests.invitations.scenario import invite_proposed

    invite_proposed(db, ids["meeting"])
    before = _attendance_of(db, ids["meeting"])
    assert set(before.values()) == {None} and len(before) >= 3
    state: dict = {}

    def work(dialog: InvitationsDialog) -> None:
        _active(dialog, qtbot)
        qtbot.keyClick(dialog, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: dialog.tabs.currentIndex() == 3)
        names = [inv.name for inv, _box in dialog.attendance_rows]
        state["names"] = names
        state["note"] = dialog.attendance_note.text()
        # The first Tab goes into the list; the first person attended, the second sent
        # apologies, the third did not attend; the rest are left to "the unrecorded".
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        for downs in (1, 2, 3):
            box = dialog.focusWidget()
            state.setdefault("focused", []).append(box.accessibleName())
            for _ in range(downs):
                qtbot.keyClick(box, Qt.Key.Key_Down)
            qtbot.keyClick(box, Qt.Key.Key_Tab)
        qtbot.keyClick(dialog, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)  # the rest came
        qtbot.waitUntil(lambda: dialog.attendance_rows[-1][1].currentData() == "attended")
        qtbot.keyClick(dialog, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # save
        qtbot.waitUntil(lambda: bool(dialog.attendance_saved.text()), timeout=5000)
        state["saved"] = dialog.attendance_saved.text()
        state["column"] = dict(zip(dialog.invitees.texts(0), dialog.invitees.texts(6), strict=True))
        state["boxes"] = {inv.name: box.currentText() for inv, box in dialog.attendance_rows}
        dialog.hide()

    _open_invitations(dwindow, ids, prompts_recorder, work)
    assert prompts_recorder.errors == []
    first, second, third, *rest = state["names"]
    assert state["focused"] == [f"Attendance: {n}" for n in (first, second, third)]
    assert "attended, sent apologies or did not attend" in state["note"]
    stored = _attendance_of(db, ids["meeting"])
    assert stored == {
        first: "attended",
        second: "apologies",
        third: "absent",
        **{name: "attended" for name in rest},
    }
    assert state["column"][second] == "Sent apologies"
    assert state["column"][third] == "Did not attend"
    assert state["boxes"][first] == "Attended"  # read again after saving
    assert first in state["saved"]
    with db.session() as s:
        entries = [
            e for e in list_audit(s, table="invitee", action="update", limit=None) if e.after
        ]
        audited = {(e.username, e.after.get("attendance")) for e in entries}
    assert ("tester", "apologies") in audited and ("tester", "absent") in audited
    assert sum(1 for e in entries if "attendance" in e.after) == len(stored)


def test_esc_asks_before_dropping_attendance_or_a_name_not_saved_and_not_once_they_are(
    dwindow, ids, db, qtbot, prompts_recorder
) -> None:
    """Alt+D, the first person's attendance chosen with the arrow keys, then Esc (a slip):
    the dialog closed without a word and the choice was lost; so was a name typed to invite.
    Esc asks now, No by default (back, all as it was), naming what would be lost; once it
    is saved (Alt+N) or invited (Enter), Esc closes at once, though the dialog's lists are
    not as they opened."""
    from tests.invitations.scenario import invite_proposed
    from tests.ui.test_keyboard_day import focus, press, tab_to, typed

    alt = Qt.KeyboardModifier.AltModifier
    invite_proposed(db, ids["meeting"])
    seen: dict = {}

    def work(dialog: InvitationsDialog) -> None:
        _active(dialog, qtbot)
        press(Qt.Key.Key_D, alt)  # Attendance
        press(Qt.Key.Key_Tab)
        box = focus()
        press(Qt.Key.Key_Down)  # Attended
        chosen = box.currentText()
        prompts_recorder.confirm_answer = False  # No: back to the dialog
        press(Qt.Key.Key_Escape)
        seen["attendance kept"] = dialog.isVisible() and box.currentText() == chosen
        press(Qt.Key.Key_N, alt)  # Save attendance
        qtbot.waitUntil(lambda: bool(dialog.attendance_saved.text()), timeout=5000)
        press(Qt.Key.Key_I, alt)  # Invitations
        tab_to(dialog.other_name)
        typed("Jane Price")
        press(Qt.Key.Key_Escape)
        seen["name kept"] = dialog.isVisible() and dialog.other_name.text() == "Jane Price"
        prompts_recorder.confirm_answer = True
        press(Qt.Key.Key_Tab)
        typed("Advocate")  # their role
        press(Qt.Key.Key_Return)  # invited
        press(Qt.Key.Key_Escape)
        seen["closed at once"] = not dialog.isVisible()

    dialog = _open_invitations(dwindow, ids, prompts_recorder, work)
    assert prompts_recorder.errors == []
    assert seen == {"attendance kept": True, "name kept": True, "closed at once": True}
    close = f"Close \u201c{dialog.windowTitle()}\u201d without saving?"
    assert prompts_recorder.questions == [
        f"{close} The attendance chosen (Attendance tab) will be lost.",
        f"{close} The name typed to invite (Invitations tab) will be lost.",
    ]
    assert prompts_recorder.defaults_no == [True, True]  # Esc, Enter: back to the dialog
    stored = _attendance_of(db, ids["meeting"])
    assert "attended" in stored.values() and "Jane Price" in stored


def test_esc_names_everything_not_saved_on_each_tab(
    cwindow, ids, db, qtbot, prompts_recorder
) -> None:
    """A name typed to find someone to invite, another report's author typed and someone
    ticked as sent the pack, none of them saved: Esc names each, and where it is."""
    from tests.invitations.scenario import invite_proposed
    from tests.ui.test_keyboard_day import press, tab_to, typed

    alt = Qt.KeyboardModifier.AltModifier
    invite_proposed(db, ids["meeting"])
    seen: dict = {}

    def work(dialog: InvitationsDialog) -> None:
        _active(dialog, qtbot)
        tab_to(dialog.someone)
        typed("Piotr")
        press(Qt.Key.Key_R, alt)  # Reports
        tab_to(dialog.report_author)
        typed("Dr Ann Patel")
        press(Qt.Key.Key_P, alt)  # Pack
        tab_to(dialog.pack_recipients)
        press(Qt.Key.Key_Space)  # the first ticked
        prompts_recorder.confirm_answer = False
        press(Qt.Key.Key_Escape)
        seen["open"] = dialog.isVisible()
        dialog.done(0)

    dialog = _open_invitations(cwindow, ids, prompts_recorder, work)
    assert seen == {"open": True}
    assert prompts_recorder.questions == [
        f"Close \u201c{dialog.windowTitle()}\u201d without saving? The person chosen to invite "
        "(Invitations tab), the report typed to add (Reports tab) and the pack's recipients "
        "ticked (Pack tab) will be lost."
    ]


def _report_dates(db, meeting_id: int) -> dict[str, tuple]:
    with db.session() as s:
        rows = s.scalars(select(Report).where(Report.meeting_id == meeting_id))
        return {r.author: (r.received, r.shared_with_parents) for r in rows}


def test_choosing_another_report_asks_before_dropping_the_dates_typed_for_the_last(
    cwindow, ids, db, qtbot, prompts_recorder
) -> None:
    """Alt+R, Tab to the reports (the first chosen), Tab to Received, Space (received
    today), Shift+Tab back to the list and Down: the next report was chosen and the date
    ticked for the first was dropped without a word. Now the dialog asks: Cancel goes back
    to the first report, still ticked; Discard drops it and shows the next; Save (Enter's
    answer) saves the date typed and shows the report chosen."""
    from tests.invitations.scenario import invite_proposed
    from tests.ui.test_keyboard_day import press, tab_to

    alt = Qt.KeyboardModifier.AltModifier
    invite_proposed(db, ids["meeting"])
    seen: dict = {}

    def chosen(dialog: InvitationsDialog) -> str:
        return dialog.reports.selected_record().author

    def work(dialog: InvitationsDialog) -> None:
        _active(dialog, qtbot)
        press(Qt.Key.Key_R, alt)  # Reports
        tab_to(dialog.reports)
        seen["authors"] = dialog.reports.texts(0)
        first, second = seen["authors"][:2]
        tab_to(dialog.received.check)
        press(Qt.Key.Key_Space)  # received today
        tab_to(dialog.reports, back=True)
        prompts_recorder.save_answer_to_move_on = None  # Cancel
        press(Qt.Key.Key_Down)
        qtbot.waitUntil(lambda: len(prompts_recorder.questions) == 1)
        seen["cancel"] = (
            chosen(dialog),
            dialog.received.value(),
            first in dialog.report_details.text(),
        )
        prompts_recorder.save_answer_to_move_on = "discard"
        press(Qt.Key.Key_Down)
        qtbot.waitUntil(lambda: len(prompts_recorder.questions) == 2)
        seen["discard"] = (chosen(dialog), dialog.received.value())
        tab_to(dialog.received.check)
        press(Qt.Key.Key_Space)  # the second received today
        tab_to(dialog.reports, back=True)
        prompts_recorder.save_answer_to_move_on = "save"
        press(Qt.Key.Key_Up)
        qtbot.waitUntil(lambda: len(prompts_recorder.questions) == 3)
        seen["save"] = (chosen(dialog), dialog.received.value(), dialog.unsaved())
        seen["second row"] = dialog.reports.texts(4)[1]
        dialog.hide()

    _open_invitations(cwindow, ids, prompts_recorder, work)
    assert prompts_recorder.errors == []
    first, second = seen["authors"][:2]
    assert seen["cancel"] == (first, TODAY, True)
    assert seen["discard"] == (second, None)
    assert seen["save"] == (first, None, [])
    assert seen["second row"] == TODAY.strftime("%d/%m/%Y")
    asked = [
        f"The dates typed for the report from {who} are not saved. "
        "Save them before going to another report?"
        for who in (first, first, second)
    ]
    assert prompts_recorder.questions == asked
    stored = _report_dates(db, ids["meeting"])
    assert stored[first] == (None, None) and stored[second] == (TODAY, None)


def test_enter_saves_and_esc_cancels_when_asked_about_dates_not_saved(qapp, qtbot) -> None:
    """The question asked before leaving dates not saved: Enter answers Save (nothing is
    lost), Esc Cancel (back to them); neither drops them."""
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QMessageBox

    from ui.prompts import Prompts

    def answer_with(key: Qt.Key) -> str | None:
        def press() -> None:
            box = QApplication.activeModalWidget()
            if not isinstance(box, QMessageBox):
                QTimer.singleShot(20, press)
                return
            QTest.keyClick(box, key)

        QTimer.singleShot(20, press)
        return Prompts().save_or_discard(None, "The dates typed are not saved. Save them?")

    assert answer_with(Qt.Key.Key_Return) == "save"
    assert answer_with(Qt.Key.Key_Escape) is None


def test_a_save_on_one_tab_keeps_what_is_typed_and_not_saved_on_the_others(
    dwindow, ids, db, qtbot, prompts_recorder
) -> None:
    """On the conference's day: a report ticked received (Reports), the first person ticked
    as sent the pack (Pack), the first person's attendance chosen (Attendance), none saved;
    then someone invited by name, Enter (Invitations). The dialog was read again after the
    invitation and the report's date, the tick and the attendance were gone without a word.
    They stay now, and so after recording the pack (Alt+E) do the date and the attendance;
    each is saved when its own tab's button is pressed."""
    from tests.invitations.scenario import invite_proposed
    from tests.ui.test_keyboard_day import focus, press, tab_to, typed

    alt = Qt.KeyboardModifier.AltModifier
    invite_proposed(db, ids["meeting"])
    seen: dict = {}

    def work(dialog: InvitationsDialog) -> None:
        _active(dialog, qtbot)
        press(Qt.Key.Key_R, alt)  # Reports: the first report received today
        tab_to(dialog.reports)
        seen["report"] = dialog.reports.selected_record().author
        tab_to(dialog.received.check)
        press(Qt.Key.Key_Space)
        press(Qt.Key.Key_P, alt)  # Pack: the first person ticked
        tab_to(dialog.pack_recipients)
        press(Qt.Key.Key_Space)
        seen["pack"] = _ticked_texts(dialog.pack_recipients)
        press(Qt.Key.Key_D, alt)  # Attendance: the first person attended
        press(Qt.Key.Key_Tab)
        press(Qt.Key.Key_Down)
        seen["attended"] = focus().accessibleName()
        press(Qt.Key.Key_I, alt)  # Invitations: someone invited by name
        tab_to(dialog.other_name)
        typed("Jane Price")
        press(Qt.Key.Key_Tab)
        typed("Advocate")  # their role
        press(Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "Jane Price" in dialog.invitees.texts(0))
        seen["after invite"] = dialog.unsaved()
        seen["kept"] = (
            dialog.received.value(),
            _ticked_texts(dialog.pack_recipients),
            [b.accessibleName() for _inv, b in dialog.attendance_rows if b.currentData()],
        )
        press(Qt.Key.Key_P, alt)
        press(Qt.Key.Key_E, alt)  # Record pack sent
        qtbot.waitUntil(lambda: dialog.deliveries.rowCount() == 1)
        seen["after pack"] = dialog.unsaved()
        press(Qt.Key.Key_R, alt)
        press(Qt.Key.Key_S, alt)  # Save dates
        press(Qt.Key.Key_D, alt)
        press(Qt.Key.Key_N, alt)  # Save attendance
        qtbot.waitUntil(lambda: bool(dialog.attendance_saved.text()), timeout=5000)
        seen["at the end"] = dialog.unsaved()
        dialog.hide()

    _open_invitations(dwindow, ids, prompts_recorder, work)
    assert prompts_recorder.errors == []
    dates = "the chosen report's dates (Reports tab)"
    pack = "the pack's recipients ticked (Pack tab)"
    attendance = "the attendance chosen (Attendance tab)"
    assert seen["after invite"] == [dates, pack, attendance]
    assert seen["kept"] == (TODAY, seen["pack"], [seen["attended"]])
    assert seen["after pack"] == [dates, attendance]
    assert seen["at the end"] == []
    assert _report_dates(db, ids["meeting"])[seen["report"]] == (TODAY, None)
    with db.session() as s:
        assert [d.recipient for d in s.scalars(select(PackDelivery))] == [
            seen["pack"][0].split(" · ")[0]
        ]
    assert "attended" in _attendance_of(db, ids["meeting"]).values()


def test_a_name_half_typed_to_find_stays_when_someone_else_is_invited(
    cwindow, ids, db, qtbot, prompts_recorder
) -> None:
    """Half a name typed into the box to find someone from the family or the directory
    ("tomas"), then Tab to the name of someone else, their name, Tab, their role, Enter:
    they were invited, and "tomas" was gone. It stays now, to be finished; once Mr Tomás
    Kelly is invited (Enter) the box is empty."""
    from tests.ui.test_keyboard_day import press, tab_to, typed

    seen: dict = {}

    def work(dialog: InvitationsDialog) -> None:
        _active(dialog, qtbot)
        tab_to(dialog.someone)
        typed("tomas")
        tab_to(dialog.other_name)
        typed("Jane Price")
        press(Qt.Key.Key_Tab)
        typed("Advocate")  # their role
        press(Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "Jane Price" in dialog.invitees.texts(0))
        seen["kept"] = (dialog.someone.currentText(), dialog.other_name.text(), dialog.unsaved())
        tab_to(dialog.someone, back=True)
        press(Qt.Key.Key_End)
        typed(" kel")
        press(Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "Mr Tomás Kelly" in dialog.invitees.texts(0))
        seen["after"] = (dialog.someone.currentText(), dialog.unsaved())
        dialog.hide()

    _open_invitations(cwindow, ids, prompts_recorder, work)
    assert prompts_recorder.errors == []
    assert seen["kept"] == ("tomas", "", ["the person chosen to invite (Invitations tab)"])
    assert seen["after"] == ("", [])


def test_a_week_before_the_conference_only_apologies_are_recorded(
    cwindow, ids, db, qtbot, prompts_recorder
) -> None:
    """On 13/05/2024, a week before the conference, the clerk opened the Attendance tab,
    pressed Alt+U (the unrecorded as attended) and Alt+N: everyone was saved as having
    attended a meeting not yet held. Now the tab says only apologies are recorded before
    the day and Alt+U is off; "Attended" chosen with the arrow keys is refused in words,
    nothing saved; the GP's apologies, sent ahead, are saved."""
    from tests.invitations.scenario import invite_proposed

    invite_proposed(db, ids["meeting"])
    state: dict = {}

    def work(dialog: InvitationsDialog) -> None:
        _active(dialog, qtbot)
        qtbot.keyClick(dialog, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: dialog.tabs.currentIndex() == 3)
        state["note"] = dialog.attendance_note.text()
        state["alt_u"] = dialog.unrecorded_attended_button.isEnabled()
        mother = dialog.attendance_rows[0][1]
        mother.setFocus()
        qtbot.keyClick(mother, Qt.Key.Key_Down)  # Not recorded -> Attended
        qtbot.keyClick(dialog, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: bool(prompts_recorder.errors), timeout=5000)
        state["after_refusal"] = _attendance_of(db, ids["meeting"])
        for inv, box in dialog.attendance_rows:
            box.setCurrentIndex(box.findData("apologies" if inv.name == "Dr Ann Patel" else None))
        qtbot.keyClick(dialog, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: bool(dialog.attendance_saved.text()), timeout=5000)
        dialog.hide()

    _open_invitations(cwindow, ids, prompts_recorder, work)
    assert state["note"].startswith("The meeting is on 20/05/2024: until then, record only")
    assert not state["alt_u"]
    assert prompts_recorder.errors == [
        "Nothing was saved. Attendance: Małgorzata Brontë cannot be recorded as 'Attended' "
        "before the meeting on 20/05/2024; until then, only apologies."
    ]
    assert set(state["after_refusal"].values()) == {None}
    stored = _attendance_of(db, ids["meeting"])
    assert stored.pop("Dr Ann Patel") == "apologies"
    assert set(stored.values()) == {None}


def test_enter_after_choosing_one_persons_attendance_saves_it_and_marks_no_one_else(
    dwindow, ids, db, qtbot, prompts_recorder
) -> None:
    """On the Attendance tab an administrator chose "Attended" for the first person with
    the arrow keys and pressed Enter: "Mark the unrecorded as attended", the dialog's default
    button, marked all seven attended (one Save from being stored). Enter now saves what
    was chosen, and no one else's box changes."""
    from tests.invitations.scenario import invite_proposed

    invite_proposed(db, ids["meeting"])
    state: dict = {}

    def work(dialog: InvitationsDialog) -> None:
        _active(dialog, qtbot)
        qtbot.keyClick(dialog, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: dialog.tabs.currentIndex() == 3)
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        box = dialog.focusWidget()
        qtbot.keyClick(box, Qt.Key.Key_Down)  # Attended
        qtbot.keyClick(box, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: bool(dialog.attendance_saved.text()), timeout=5000)
        state["boxes"] = [b.currentText() for _inv, b in dialog.attendance_rows]
        state["names"] = [inv.name for inv, _b in dialog.attendance_rows]
        state["open"] = dialog.isVisible()
        dialog.hide()

    _open_invitations(dwindow, ids, prompts_recorder, work)
    assert prompts_recorder.errors == [] and state["open"]
    first, *rest = state["names"]
    assert state["boxes"] == ["Attended"] + ["Not recorded"] * len(rest)
    stored = _attendance_of(db, ids["meeting"])
    assert stored[first] == "attended" and all(stored[name] is None for name in rest)


@pytest.mark.parametrize("role", ["team_manager", None])
def test_a_read_only_role_reads_the_attendance_but_cannot_change_it(
    db, ids, qapp, qtbot, prompts_recorder, role
) -> None:
    """A team manager (or someone not on the list) sees who came, in words, with the boxes
    and buttons off and a line saying who records it; clicking and keys change nothing."""
    import dataclasses

    from reviewdesk import actions
    from reviewdesk.codes import Role
    from tests.invitations.scenario import invite_proposed, version_of
    from ui.context import AppContext

    invite_proposed(db, ids["meeting"])
    with db.session() as s:
        gp = s.scalars(select(Invitee).where(Invitee.name == "Dr Ann Patel")).one()
        gp_id = gp.id
    actions.record_attendance(
        db, actions.whoami(db), gp_id, "apologies", expected_version=version_of(db, Invitee, gp_id)
    )
    ctx = AppContext.open(db, as_of=AS_OF)
    ctx.actor = dataclasses.replace(ctx.actor, role=Role(role) if role else None)
    dialog = InvitationsDialog(ctx, ids["meeting"], "ICPC")
    qtbot.addWidget(dialog)
    _active(dialog, qtbot)
    qtbot.keyClick(dialog, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.tabs.currentIndex() == 3)
    boxes = {inv.name: box for inv, box in dialog.attendance_rows}
    assert boxes["Dr Ann Patel"].currentText() == "Sent apologies"
    assert not any(box.isEnabled() for box in boxes.values())
    assert not dialog.save_attendance_button.isEnabled()
    assert not dialog.unrecorded_attended_button.isEnabled()
    assert "you can read it here" in dialog.attendance_note.text()
    qtbot.mouseClick(boxes["Dr Ann Patel"], Qt.MouseButton.LeftButton)
    qtbot.keyClick(boxes["Dr Ann Patel"], Qt.Key.Key_Down)
    qtbot.mouseClick(dialog.unrecorded_attended_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(dialog, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.mouseClick(dialog.save_attendance_button, Qt.MouseButton.LeftButton)
    qtbot.wait(150)  # a button's Alt key clicks it after 100 ms
    assert boxes["Dr Ann Patel"].currentText() == "Sent apologies"
    assert prompts_recorder.errors == []
    stored = _attendance_of(db, ids["meeting"])
    assert stored.pop("Dr Ann Patel") == "apologies"
    assert set(stored.values()) == {None}


def test_an_iro_records_attendance_only_at_a_meeting_they_chair(
    db, ids, qapp, qtbot, prompts_recorder
) -> None:
    import dataclasses

    from reviewdesk.codes import Role
    from tests.invitations.scenario import DAY, invite_proposed
    from ui.context import AppContext

    invite_proposed(db, ids["meeting"])
    ctx = AppContext.open(db, as_of=DAY)
    shown = {}
    for who, staff_id in (("chair", ids["chair"]), ("another IRO", ids["worker"])):
        ctx.actor = dataclasses.replace(ctx.actor, role=Role.IRO, staff_id=staff_id)
        dialog = InvitationsDialog(ctx, ids["meeting"], "ICPC")
        qtbot.addWidget(dialog)
        shown[who] = (
            dialog.save_attendance_button.isEnabled(),
            dialog.attendance_rows[0][1].isEnabled(),
            dialog.attendance_note.text(),
        )
        if who == "chair":
            qtbot.mouseClick(dialog.unrecorded_attended_button, Qt.MouseButton.LeftButton)
            qtbot.mouseClick(dialog.save_attendance_button, Qt.MouseButton.LeftButton)
    assert shown["chair"][:2] == (True, True)
    assert shown["another IRO"][:2] == (False, False)
    assert "only at the meetings they chair" in shown["another IRO"][2]
    assert prompts_recorder.errors == []
    assert set(_attendance_of(db, ids["meeting"]).values()) == {"attended"}


def test_attendance_changed_meanwhile_is_refused_in_words_and_the_list_read_again(
    dwindow, ids, db, qtbot, prompts_recorder
) -> None:
    """Someone else records the GP's apologies while the dialog is open: saving "attended"
    over it is refused with a message (no exception's name), and the list shows theirs.
    Everyone else changed with it is not saved either: one action, all or nothing."""
    from reviewdesk import actions
    from tests.invitations.scenario import invite_proposed, version_of

    invite_proposed(db, ids["meeting"])
    state: dict = {}

    def work(dialog: InvitationsDialog) -> None:
        boxes = {inv.name: box for inv, box in dialog.attendance_rows}
        gp_id = next(inv.id for inv, _box in dialog.attendance_rows if inv.name == "Dr Ann Patel")
        actions.record_attendance(
            db,
            actions.whoami(db),
            gp_id,
            "apologies",
            expected_version=version_of(db, Invitee, gp_id),
        )
        for box in boxes.values():  # everyone, the GP among them: attended
            box.setCurrentIndex(box.findData("attended"))
        state["others"] = sorted(set(boxes) - {"Dr Ann Patel"})
        qtbot.mouseClick(dialog.save_attendance_button, Qt.MouseButton.LeftButton)
        state["shown"] = {inv.name: box.currentText() for inv, box in dialog.attendance_rows}

    _open_invitations(dwindow, ids, prompts_recorder, work)
    assert len(prompts_recorder.errors) == 1
    message = prompts_recorder.errors[0]
    assert "was changed by" in message and "Nothing was saved" in message, message
    assert "Error" not in message and "Traceback" not in message and "Stale" not in message
    assert state["shown"]["Dr Ann Patel"] == "Sent apologies"
    stored = _attendance_of(db, ids["meeting"])
    assert stored["Dr Ann Patel"] == "apologies"
    assert state["others"] and all(stored[name] is None for name in state["others"])
    assert all(state["shown"][name] == "Not recorded" for name in state["others"])


def test_an_iro_with_no_staff_record_is_told_why_nothing_can_be_recorded(
    db, ids, qapp, qtbot, prompts_recorder
) -> None:
    """An IRO whose user has no staff record linked: the invitations dialog says why the
    attendance and the reports' dates cannot be recorded, and where an administrator links
    one; the buttons' tips say it too."""
    import dataclasses

    from reviewdesk.codes import Role
    from tests.invitations.scenario import invite_proposed
    from ui.context import AppContext

    invite_proposed(db, ids["meeting"])
    ctx = AppContext.open(db, as_of=AS_OF)
    ctx.actor = dataclasses.replace(ctx.actor, role=Role.IRO, staff_id=None)
    dialog = InvitationsDialog(ctx, ids["meeting"], "ICPC")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    reason = "Your user has no staff record linked"
    assert dialog.unlinked.isVisible() and reason in dialog.unlinked.text()
    assert "Settings > Users and roles (Name and staff record…)" in dialog.unlinked.text()
    assert reason in dialog.attendance_note.text()
    assert not dialog.save_attendance_button.isEnabled()
    assert reason in dialog.save_attendance_button.toolTip()
    assert reason in dialog.attach_button.toolTip()

    ctx.actor = dataclasses.replace(ctx.actor, staff_id=ids["chair"])  # linked: no word
    linked = InvitationsDialog(ctx, ids["meeting"], "ICPC")
    qtbot.addWidget(linked)
    linked.show()
    qtbot.waitExposed(linked)
    assert not linked.unlinked.isVisible()
    assert linked.save_attendance_button.isEnabled()
    assert linked.save_attendance_button.toolTip() == ""


def _conference_day(db, ids, qtbot, settings):  # noqa: ANN001, ANN202
    """The window on the conference's day, on screen, its child's page open with the
    conference chosen and the keyboard on the timeline: (window, page)."""
    from tests.invitations.scenario import DAY
    from tests.ui.driving import on_screen
    from ui.context import AppContext
    from ui.main_window import MainWindow

    window = MainWindow(AppContext.open(db, as_of=DAY), settings=settings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.load_initial_data()
    on_screen(window, qtbot)
    page = _child_page(window, ids["child"])
    _select_meeting(page, ids["meeting"])
    page.table.setFocus()
    return window, page


def test_attendance_is_recorded_with_the_outcome_of_the_conference(
    db, ids, qapp, qtbot, settings, prompts_recorder
) -> None:
    """On the day of the conference its chair's administrator presses Ctrl+O on it: the
    recording dialog lists those invited; Alt+U marks them attended, the GP's box is put to
    "Sent apologies" with the keyboard, and Alt+S saves the outcome and the attendance."""
    from reviewdesk.storage.models import Meeting
    from tests.invitations.scenario import invite_proposed
    from ui.dialogs.recording import RecordingDialog
    from ui.tasks import wait_for_all

    invite_proposed(db, ids["meeting"])
    window, page = _conference_day(db, ids, qtbot, settings)
    state: dict = {}

    def fill(dialog) -> bool:
        assert isinstance(dialog, RecordingDialog)
        _active(dialog, qtbot)
        state["listed"] = [inv.name for inv, _box in dialog.attendance.rows]
        dialog.outcome.setCurrentText("Plan made")
        qtbot.keyClick(dialog, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: not any(b.currentData() is None for b in dialog.attendance.boxes()))
        gp = next(box for inv, box in dialog.attendance.rows if inv.name == "Dr Ann Patel")
        gp.setFocus()
        qtbot.keyClick(gp, Qt.Key.Key_Down)  # Attended -> Sent apologies
        qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted, timeout=5000)
        return True

    prompts_recorder.on_dialog = fill
    qtbot.keyClick(page.table, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    wait_for_all()
    assert prompts_recorder.errors == []
    stored = _attendance_of(db, ids["meeting"])
    assert set(state["listed"]) == set(stored)
    assert stored.pop("Dr Ann Patel") == "apologies"
    assert set(stored.values()) == {"attended"}
    with db.session() as s:
        assert s.get(Meeting, ids["meeting"]).status == "held"


def test_enter_twice_records_no_conference_outcome_nobody_chose(
    db, ids, qapp, qtbot, settings, prompts_recorder
) -> None:
    """Ctrl+O on the initial conference, then Enter: the outcome opened on "Plan made" (the
    list's first), so the conference was recorded as held and a CP plan started that nobody
    decided on. Now the outcome opens on "Choose…", Enter is refused naming it (the keyboard
    on the outcome), and nothing is recorded; a typed outcome is not possible."""
    from reviewdesk.storage.models import CpPlan, Meeting
    from ui.dialogs.recording import RecordingDialog
    from ui.tasks import wait_for_all

    window, page = _conference_day(db, ids, qtbot, settings)
    seen: dict = {}

    def enter(dialog) -> bool:
        assert isinstance(dialog, RecordingDialog)
        _active(dialog, qtbot)
        seen["opened_on"] = dialog.outcome.currentText()
        seen["typed"] = dialog.outcome.isEditable()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: bool(prompts_recorder.errors))
        seen["focus"] = dialog.focusWidget() is dialog.outcome
        seen["open"] = dialog.isVisible()
        dialog.reject()
        return False

    prompts_recorder.on_dialog = enter
    qtbot.keyClick(page.table, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    wait_for_all()
    assert (seen["opened_on"], seen["typed"]) == ("Choose…", False)
    assert prompts_recorder.errors == [
        "Nothing was saved. Outcome: choose what the conference decided (Plan made, Plan "
        "continued, Plan ended or No plan needed): it decides whether the child's plan starts, "
        "goes on or ends."
    ]
    assert seen["focus"] and seen["open"]
    with db.session() as s:
        assert s.get(Meeting, ids["meeting"]).status == "booked"
        assert s.query(CpPlan).filter_by(child_id=ids["child"]).count() == 0


def test_plan_made_at_the_initial_conference_starts_the_plan_and_its_first_review(
    db, ids, qapp, qtbot, settings, prompts_recorder
) -> None:
    """Ctrl+O on the initial conference on its day, outcome "Plan made", category chosen
    with Alt+G, Alt+S: recording it started no plan, so no first review conference was due
    anywhere (the dialog said "none (the case closes or has no clock)") until a CIN census
    import brought the plan, months later. The plan now starts on the day held, and the
    1st review conference is due within 3 months (docs/domain.md, `cp.review.first`)."""
    from reviewdesk.storage.models import CpPlan
    from tests.invitations.scenario import DAY
    from ui.dialogs.recording import RecordingDialog
    from ui.tasks import wait_for_all

    window, page = _conference_day(db, ids, qtbot, settings)
    said: dict = {}

    def fill(dialog) -> bool:
        assert isinstance(dialog, RecordingDialog)
        _active(dialog, qtbot)
        dialog.outcome.setFocus()
        qtbot.waitUntil(dialog.outcome.hasFocus)
        qtbot.keyClick(dialog.outcome, Qt.Key.Key_Down)  # "Choose…" to "Plan made"
        said["next"] = dialog.next_due.text()
        said["note"] = dialog.plan_note.text()
        qtbot.keyClick(dialog, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.category)
        qtbot.keyClick(dialog.category, Qt.Key.Key_Down)  # Neglect (NEG)
        qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted, timeout=5000)
        return True

    prompts_recorder.on_dialog = fill
    qtbot.keyClick(page.table, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    wait_for_all()
    assert prompts_recorder.errors == []
    assert "case closes" not in said["next"]
    assert said["next"].startswith("Next meeting due: the 1st review CP conference")
    assert said["note"].startswith("Saving starts the child's CP plan on the day held")
    with db.session() as s:
        [plan] = s.query(CpPlan).filter_by(child_id=ids["child"]).all()
        assert (plan.start, plan.end_date, plan.initial_category) == (DAY, None, "NEG")
    # The child's page: the first review conference due by 20/08/2024, 3 months on.
    window.cases.child.show_child(ids["child"])
    dues = [
        (page.model.data(page.model.index(r, 1)), page.model.data(page.model.index(r, 2)))
        for r in range(page.model.rowCount())
    ]
    assert ("1st review CP conference", "20/08/2024") in dues


def test_a_wrong_pack_date_stops_only_the_pack_not_a_report_received(
    cwindow, ids, db, qtbot, prompts_recorder
) -> None:
    """A date typed wrong on the pack's tab is refused when the pack is recorded, and only
    then: a report's dates saved on another tab meanwhile are saved (the whole dialog used to
    be refused for it)."""
    state: dict = {}

    def work(dialog: InvitationsDialog) -> None:
        _active(dialog, qtbot)
        dialog.invite_ticked_button.click()
        dialog.add_ticked_reports_button.click()
        dialog.tabs.setCurrentIndex(2)
        box = dialog.pack_on
        box.setFocus()
        qtbot.waitUntil(box.hasFocus)
        qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(box, "30/02/2024")
        qtbot.keyClick(box, Qt.Key.Key_Tab)
        state["pack_on"] = box.wrong_typed
        dialog.tabs.setCurrentIndex(1)
        dialog.reports.select_where(lambda r: r.author == "Dr Ann Patel")
        dialog.received.check.click()
        dialog.received.edit.setDate(dt.date(2024, 5, 14))
        dialog.save_dates_button.click()
        state["errors_after_dates"] = list(prompts_recorder.errors)
        dialog.tabs.setCurrentIndex(2)
        dialog.pack_recipients.item(0).setCheckState(Qt.CheckState.Checked)
        dialog.record_pack_button.click()
        state["errors_after_pack"] = list(prompts_recorder.errors)
        state["focus_on_pack_date"] = box.hasFocus()

    _open_invitations(cwindow, ids, prompts_recorder, work)
    assert state["pack_on"] == "30/02/2024"
    assert state["errors_after_dates"] == []
    assert state["errors_after_pack"] == [
        "Nothing was saved. Pack sent on: \u201c30/02/2024\u201d is not a date. "
        "Type it as dd/mm/yyyy, for example 07/04/2025."
    ]
    assert state["focus_on_pack_date"]
    with db.session() as s:
        gp = s.scalars(select(Report).where(Report.author == "Dr Ann Patel")).one()
        assert gp.received == dt.date(2024, 5, 14)
        assert s.scalars(select(PackDelivery)).first() is None
