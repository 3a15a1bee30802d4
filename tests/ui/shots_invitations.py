"""Screenshots of the invitation screens: a child's family and network, a person's form,
the directory, and a meeting's invitations, reports and pack, each as the whole screen shows
it (so whether it fits can be seen).

Run under a 1366x768 X server, and again at twice the scale::

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python -m tests.ui.shots_invitations OUT
    QT_SCALE_FACTOR=2 xvfb-run -a -s "-screen 0 1366x768x24" \\
        .venv/bin/python -m tests.ui.shots_invitations OUT
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QGuiApplication

    from reviewdesk import actions
    from reviewdesk.storage.db import open_database
    from reviewdesk.storage.models import Report
    from tests.invitations.scenario import AS_OF, conference, invite_proposed, report_pdf
    from ui.app import make_application
    from ui.context import AppContext
    from ui.dialogs.invitations import InvitationsDialog
    from ui.dialogs.people import DirectoryDialog, PeopleDialog, PersonDialog
    from ui.main_window import MainWindow

    out = Path(argv[0] if argv else "/tmp/shots")
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp())
    db = open_database(tmp / "conference.sqlite", username="shots")
    ids = conference(db)
    invite_proposed(db, ids["meeting"])
    actor = actions.whoami(db)
    actions.send_meeting_request(db, actor, ids["meeting"], output=tmp / "r.ics", on=AS_OF)
    with db.session() as s:  # two left to invite: the rules propose them again, ticked
        from reviewdesk.storage.models import Invitee

        left = s.query(Invitee).filter(Invitee.name.in_(["Piotr Brontë", "Mr Tomás Kelly"]))
        taken = [(i.id, i.version) for i in left]
    for invitee_id, version in taken:
        actions.remove_invitee(db, actor, invitee_id, expected_version=version)
    with db.session() as s:
        gp = s.query(Report).filter_by(author="Dr Ann Patel").one()
        gp_id, version = gp.id, gp.version
    actions.attach_report_file(
        db,
        actor,
        gp_id,
        data=report_pdf("Health report"),
        file_name="gp-report.pdf",
        received=AS_OF,
        expected_version=version,
    )
    app = make_application()
    ctx = AppContext.open(db, as_of=AS_OF)
    window = MainWindow(ctx, settings=QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    window.showMaximized()
    window.load_initial_data()
    window.open_child(ids["child"])
    page = window.cases.child
    for row in range(page.model.rowCount()):
        if page.model.row_at(row).meeting_id == ids["meeting"]:
            page.table.selectRow(row)

    def settle() -> None:
        end = time.monotonic() + 0.5
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    def shoot(name: str) -> None:
        settle()
        screen = QGuiApplication.primaryScreen()
        screen.grabWindow(0).save(str(out / f"{name}.png"))

    shoot("invitations-child-page")
    people = PeopleDialog(ctx, ids["child"], "Zoë Brontë", parent=window)
    people.show()
    shoot("invitations-family-and-network")
    with db.session() as s:
        from reviewdesk.invitations.details import child_people

        mother = child_people(s, ids["child"])[0][0]
    person = PersonDialog(ctx, ids["child"], mother, parent=people)
    person.show()
    shoot("invitations-person-form")
    person.close()
    people.close()
    directory = DirectoryDialog(ctx, parent=window)
    directory.show()
    shoot("invitations-directory")
    directory.close()
    dialog = InvitationsDialog(ctx, ids["meeting"], "Zoë Brontë: Initial CP conference", window)
    dialog.show()
    for index, name in enumerate(("invitations", "reports", "pack", "attendance")):
        dialog.tabs.setCurrentIndex(index)
        if name == "reports":
            dialog.reports.select_where(lambda r: r.author == "Dr Ann Patel")
        shoot(f"invitations-meeting-{name}")
    dialog.close()
    window.show_page(4)
    settings = window.settings_page
    settings.show_tab("invitations")
    shoot("invitations-settings")
    from ui.pages.settings_invitations import LetterTemplatesDialog

    templates = LetterTemplatesDialog(ctx, window)
    templates.show()
    shoot("invitations-letter-templates")
    templates.close()
    window.close()
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
