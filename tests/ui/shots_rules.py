"""Screenshots of the settings page's rule editor and its dialog, over the sample register
with two council overrides.

Run: ``QT_QPA_PLATFORM=offscreen python -m tests.ui.shots_rules /tmp/shots``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

SOURCE = "IRO service standard agreed by the Head of Service, 01/04/2024"


def take(out: Path, window, qapp) -> list[Path]:
    """The settings page's Timescales tab, then the change dialog (good and bad value)."""
    from ui.dialogs.rule_edit import RuleEditDialog

    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []

    def save(widget, name: str) -> None:
        for _ in range(3):
            qapp.processEvents()
        path = out / f"{name}.png"
        widget.grab().save(str(path))
        files.append(path)

    window.show_page(4)
    page = window.settings_page
    page.select_rule("lac.review.first")  # opens the Timescales tab
    save(window, "settings-rules")
    dialog = RuleEditDialog(window.ctx, page.selected_rule(), parent=page)
    dialog.show()
    save(dialog, "rule-dialog")
    dialog.amount.setValue(1500)
    save(dialog, "rule-dialog-invalid")
    dialog.done(0)  # not close(): it would ask whether to drop the change
    return files


def add_overrides(db) -> None:
    """Two council overrides, so the editor shows both kinds of row."""
    from reviewdesk import actions
    from reviewdesk.rule_overrides import override_table, override_versions
    from reviewdesk.rules import default_rules

    rules = default_rules()
    with db.session() as s:
        versions = override_versions(s)
    actions.replace_rules(
        db,
        actions.whoami(db),
        [
            override_table(rules.get("lac.review.first"), amount=15, source=SOURCE),
            override_table(
                rules.get("cp.minutes"),
                amount=15,
                sooner_of=None,
                source="Ynys Môn safeguarding partnership procedures 2024, 4.7",
            ),
        ],
        expected_versions=versions,
    )


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings

    from reviewdesk.storage.db import open_database
    from tests.ui.sample import AS_OF, fill_sample
    from ui.app import make_application
    from ui.context import AppContext
    from ui.main_window import MainWindow

    out = Path(argv[0] if argv else "/tmp/shots")
    tmp = Path(tempfile.mkdtemp())
    db = open_database(tmp / "sample.sqlite", username="Siân Evans")
    fill_sample(db)
    add_overrides(db)
    app = make_application()
    ctx = AppContext.open(db, as_of=AS_OF)
    window = MainWindow(ctx, settings=QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    window.resize(1400, 900)
    window.show()
    window.load_initial_data()
    print("\n".join(str(f) for f in take(out, window, app)))
    window.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
