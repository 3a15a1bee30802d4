"""Screenshots of IRO oversight: a child's "IRO oversight" section (challenges, contacts, the
child's voice), the dashboard with its tile and the quarter's figures, the Workload page's
open challenges, and the dialogs, over a small demo authority.

Run (a real X server at the size people use, or offscreen):

    xvfb-run -s "-screen 0 1366x768x24" python -m tests.ui.shots_oversight /tmp/shots
    QT_SCALE_FACTOR=2 xvfb-run -s "-screen 0 2732x1536x24" \
        python -m tests.ui.shots_oversight /tmp/shots2
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

AS_OF = dt.date(2025, 12, 10)


def _busiest_child(db) -> int:
    """A looked-after child with a challenge that went formal, contacts and voices."""
    from sqlalchemy import func, select

    from reviewdesk.storage.models import Escalation, EscalationStage, IroContact

    with db.session() as s:
        formal = select(EscalationStage.child_id).where(EscalationStage.stage > 0)
        contacts = (
            select(IroContact.child_id, func.count().label("n"))
            .group_by(IroContact.child_id)
            .subquery()
        )
        row = s.execute(
            select(Escalation.child_id)
            .join(contacts, contacts.c.child_id == Escalation.child_id)
            .where(Escalation.child_id.in_(formal), Escalation.process == "lac")
            .order_by(contacts.c.n.desc(), Escalation.child_id)
            .limit(1)
        ).first()
    return row[0]


def take(out: Path, window, qapp, child_id: int) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []

    def settle() -> None:
        from ui.tasks import wait_for_all

        wait_for_all()
        for _ in range(5):
            qapp.processEvents()

    def save(widget, name: str) -> None:
        settle()
        path = out / f"{name}.png"
        widget.grab().save(str(path))
        files.append(path)

    window.show_page(0)
    save(window, "oversight-dashboard")
    window.show_page(3)
    save(window, "oversight-workload")
    window.open_child(child_id)
    page = window.cases.child
    page.tabs.setCurrentWidget(page.oversight)
    save(window, "oversight-child")
    page.oversight.tabs.setCurrentIndex(1)
    save(window, "oversight-contacts")
    page.oversight.tabs.setCurrentIndex(2)
    save(window, "oversight-voice")
    page.oversight.tabs.setCurrentIndex(0)

    from ui.dialogs.oversight import (
        ContactDialog,
        EscalationDialog,
        OutcomeDialog,
        ResponseDialog,
        StageDialog,
        ThemesDialog,
        VoiceDialog,
    )

    data = page.oversight.data
    challenge = data.escalations[0]
    for dialog, name in (
        (EscalationDialog(window.ctx, page.detail), "oversight-raise"),
        (StageDialog(window.ctx, challenge), "oversight-escalate"),
        (ResponseDialog(window.ctx, challenge.stages[-1]), "oversight-answer"),
        (OutcomeDialog(window.ctx, challenge), "oversight-outcome"),
        (ContactDialog(window.ctx, page.detail), "oversight-contact"),
        (VoiceDialog(window.ctx, data.meetings[0]), "oversight-voice-dialog"),
        (ThemesDialog(window.ctx), "oversight-themes"),
    ):
        dialog.show()
        save(dialog, name)
        dialog.close()
    return files


def main(argv: list[str]) -> int:
    import argparse

    from PySide6.QtCore import QSettings

    from reviewdesk.storage.db import open_database
    from tests.actions.shortcuts import generate_demo
    from ui.app import make_application
    from ui.context import AppContext
    from ui.main_window import MainWindow

    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?", default="/tmp/shots")
    parser.add_argument("--children", type=int, default=200)
    args = parser.parse_args(argv)
    os.environ.setdefault("XDG_DATA_HOME", tempfile.mkdtemp())
    tmp = Path(tempfile.mkdtemp())
    db = open_database(tmp / "demo.sqlite", username="shots")
    generate_demo(db, children=args.children, seed=3, as_of=AS_OF)
    app = make_application()
    ctx = AppContext.open(db, as_of=AS_OF)
    window = MainWindow(ctx, settings=QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    window.show()
    window.load_initial_data()
    window.resize(1366, 768)  # a laptop's screen (twice the pixels at QT_SCALE_FACTOR=2)
    files = take(Path(args.out), window, app, _busiest_child(db))
    print("\n".join(str(f) for f in files))
    window.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
