"""Screenshots of each Settings tab as the whole screen shows it (the window sized by the
program, not the script), so whether a tab fits can be seen: over the sample register with
two council rule overrides and a closure day.

Run under Xvfb, at 1366x768, at scale 2 on a 2732x1536 screen (1366x768 points, a high-DPI
laptop), and at scale 2 on a 1366x768 screen itself (683x384 points: the tabs scroll)::

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python -m tests.ui.shots_settings \\
        docs/screenshots/settings/1366x768
    QT_SCALE_FACTOR=2 xvfb-run -a -s "-screen 0 2732x1536x24" .venv/bin/python \\
        -m tests.ui.shots_settings docs/screenshots/settings/scale-2-on-2732x1536
    QT_SCALE_FACTOR=2 xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python \\
        -m tests.ui.shots_settings docs/screenshots/settings/scale-2-on-1366x768
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path


def main(argv: list[str]) -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QGuiApplication

    from reviewdesk import actions
    from reviewdesk.storage.db import open_database
    from tests.ui.sample import AS_OF, fill_sample
    from tests.ui.shots_rules import add_overrides
    from ui.app import make_application
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.pages.settings import TABS

    out = Path(argv[0] if argv else "/tmp/settings-shots")
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp())
    db = open_database(tmp / "sample.sqlite", username="shots")
    fill_sample(db)
    add_overrides(db)
    actions.set_closure_day(
        db, actions.whoami(db), dt.date(2024, 4, 23), "Staff training day", expected_version=0
    )
    app = make_application()
    ctx = AppContext.open(db, as_of=AS_OF)
    window = MainWindow(ctx, settings=QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    window.show()
    window.load_initial_data()
    screen = QGuiApplication.primaryScreen()

    def settle() -> None:
        for _ in range(20):
            app.processEvents()

    from ui.tasks import wait_for_all

    wait_for_all()
    window.show_page(4)
    page = window.settings_page
    for number, (key, _title) in enumerate(TABS, start=1):
        page.show_tab(key)
        if key == "timescales":
            page.select_rule("lac.review.first")
        settle()
        path = out / f"{number}-{key}.png"
        screen.grabWindow(0).save(str(path))
        print(path)
    window.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
