"""Screenshots of every main view, from a real (offscreen) window over the sample register.

Run: ``QT_QPA_PLATFORM=offscreen python -m tests.ui.shots /tmp/shots [--theme dark]``;
``--theme`` forces the light or dark scheme (through ``REVIEWDESK_THEME``), and
``QT_SCALE_FACTOR=2`` gives the high-DPI pictures.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def take(out: Path, window, qapp) -> list[Path]:
    """Show each page in turn and save it; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    files = []

    def save(name: str) -> None:
        for _ in range(3):
            qapp.processEvents()
        path = out / f"{name}.png"
        window.grab().save(str(path))
        files.append(path)

    for index, name in enumerate(("dashboard", "cases", "diary", "workload", "settings")):
        window.show_page(index)
        save(name)
    ids = window.ctx_sample_ids if hasattr(window, "ctx_sample_ids") else None
    if ids:
        window.open_child(ids["sian_child"])
        save("child")
        window.diary.by.setCurrentIndex(1)
        window.show_page(2)
        save("diary-by-room")
    return files


def preview_shot(out: Path, db, qapp, as_of) -> Path:
    """The print preview of the packs for the week of ``as_of``, its pages drawn."""
    import datetime as dt
    import time

    from reviewdesk import reports
    from ui.print_preview import PrintPreview

    out.mkdir(parents=True, exist_ok=True)
    week = as_of - dt.timedelta(days=as_of.weekday())
    pdf = out / "print-preview.pdf"
    with db.session() as s:
        reports.build_packs(s, week=week, as_of=as_of, out=pdf, invariant=True)
    preview = PrintPreview(pdf, f"Packs for the week of {week:%d/%m/%Y}")
    preview.resize(1000, 800)
    preview.show()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not (preview.pages and 0 in preview.strip.images):
        qapp.processEvents()
        time.sleep(0.01)
    for _ in range(3):
        qapp.processEvents()
    preview.statusBar().clearMessage()  # a tool tip of the button under the offscreen cursor
    path = out / "print-preview.png"
    preview.grab().save(str(path))
    preview.close()
    pdf.unlink()
    return path


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import argparse
    import datetime as dt

    from PySide6.QtCore import QSettings

    from reviewdesk.storage.db import open_database
    from tests.ui.sample import AS_OF, fill_sample
    from ui.app import make_application
    from ui.context import AppContext
    from ui.main_window import MainWindow

    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?", default="/tmp/shots")
    parser.add_argument("--db", help="an existing database (e.g. the demo) instead of the sample")
    parser.add_argument("--as-of", default=AS_OF.isoformat())
    parser.add_argument("--child", type=int, help="the child whose page to show")
    parser.add_argument("--theme", choices=("light", "dark"), help="force a colour scheme")
    args = parser.parse_args(argv)
    if args.theme:
        from ui.theme import THEME_VARIABLE

        os.environ[THEME_VARIABLE] = args.theme
    out = Path(args.out)
    tmp = Path(tempfile.mkdtemp())
    if args.db:
        db = open_database(args.db, username="shots")
        ids = {"zoe": args.child or 1, "sian_child": args.child or 1}
        with db.session() as s:
            from reviewdesk.storage.models import Meeting

            meeting = s.query(Meeting).filter_by(child_id=ids["zoe"]).first()
            ids["zoe_first"] = meeting.id if meeting else None
    else:
        db = open_database(tmp / "sample.sqlite", username="shots")
        ids = fill_sample(db)
        from tests.ui.shots_rules import add_overrides

        add_overrides(db)
    app = make_application()
    ctx = AppContext.open(db, as_of=dt.date.fromisoformat(args.as_of))
    window = MainWindow(ctx, settings=QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    window.ctx_sample_ids = ids
    room = app.primaryScreen().availableGeometry()  # e.g. Xvfb's 1366x768: no bigger
    window.resize(min(1400, room.width()), min(900, room.height()))
    window.show()
    window.load_initial_data()
    files = take(out, window, app)
    from reviewdesk import queries
    from ui.dialogs.booking import BookingDialog
    from ui.dialogs.recording import RecordingDialog
    from ui.duedates import due_items

    with db.session() as s:
        detail = queries.child_detail(s, ids["zoe"])
    dues = due_items(ctx, detail)
    booking = BookingDialog(ctx, detail, dues=dues)
    booking.show()
    app.processEvents()
    booking.grab().save(str(out / "booking.png"))
    meeting = next((m for m in detail.meetings if m.id == ids["zoe_first"]), detail.meetings[0])
    recording = RecordingDialog(ctx, detail, meeting, dues=dues)
    recording.show()
    app.processEvents()
    recording.grab().save(str(out / "recording.png"))
    from ui.dialogs.import_dialog import ImportDialog

    wizard = ImportDialog(ctx)
    wizard.show()
    app.processEvents()
    wizard.grab().save(str(out / "import.png"))
    wizard.close()
    from tests.ui import shots_rules

    files += shots_rules.take(out, window, app)
    preview = preview_shot(out, db, app, ctx.as_of)
    files += [out / "booking.png", out / "recording.png", out / "import.png", preview]
    print("\n".join(str(f) for f in files))
    window.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
