"""Settings: the council's name, region and closure days, rule overrides (with sources),
caseload limits, targets, and the database in use. Only administrators can change them."""

from __future__ import annotations

import datetime as dt
import tomllib

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from reviewdesk.conventions import COUNTING_CONVENTIONS
from reviewdesk.errors import InvalidInput
from reviewdesk.rules import default_rules, with_overrides
from reviewdesk.storage.models import ClosureDay
from reviewdesk.workingdays import REGION_LABELS, REGIONS
from ui.context import DEFAULT_REGION, AppContext, save_setting, setting
from ui.dialogs import date_edit, from_qdate
from ui.pages import Page, label
from ui.pages.workload import DEFAULT_RANGE, caseload_range
from ui.prompts import prompts


def regions() -> tuple[str, ...]:
    return tuple(REGIONS)


class SettingsPage(Page):
    title = "Settings"
    calendar_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        editable = ctx.can_edit_settings

        self.council = QLineEdit()
        self.council.setAccessibleName("Council name")
        self.region = QComboBox()
        self.region.setAccessibleName("Region for bank holidays")
        for code in regions():
            self.region.addItem(REGION_LABELS.get(code, code), code)
        self.low = QSpinBox()
        self.low.setRange(1, 300)
        self.low.setAccessibleName("Lowest caseload per full-time IRO")
        self.high = QSpinBox()
        self.high.setRange(1, 300)
        self.high.setAccessibleName("Highest caseload per full-time IRO")
        self.lac_target = QDoubleSpinBox()
        self.cp_target = QDoubleSpinBox()
        for spin, name in (
            (self.lac_target, "Target: LAC reviews in timescale"),
            (self.cp_target, "Target: CP conferences in timescale"),
        ):
            spin.setRange(0, 100)
            spin.setDecimals(1)
            spin.setSuffix(" %")
            spin.setAccessibleName(name)

        general = QGroupBox("Council")
        form = QFormLayout(general)
        form.addRow("Council name", self.council)
        form.addRow("Bank holidays of", self.region)
        caseload_row = QHBoxLayout()
        caseload_row.addWidget(self.low)
        caseload_row.addWidget(label("to"))
        caseload_row.addWidget(self.high)
        caseload_row.addWidget(label("children per full-time IRO (IRO Handbook: 50–70)", "hint"))
        caseload_row.addStretch(1)
        form.addRow("Caseload range", caseload_row)
        form.addRow("Target, LAC reviews", self.lac_target)
        form.addRow("Target, CP conferences", self.cp_target)
        self.save_button = QPushButton("Save settings")
        self.save_button.setAccessibleName("Save settings")
        self.save_button.clicked.connect(self.save)
        form.addRow("", self.save_button)

        closures = QGroupBox("Local closure days (not working days)")
        self.closures = QListWidget()
        self.closures.setAccessibleName("Local closure days")
        self.closures.setMinimumHeight(90)
        self.closures.setMaximumHeight(150)
        self.closure_date = date_edit(ctx.as_of, "Closure day to add")
        self.closure_text = QLineEdit("Council closed")
        self.closure_text.setAccessibleName("Description of the closure day")
        self.add_closure = QPushButton("Add")
        self.add_closure.setAccessibleName("Add closure day")
        self.remove_closure = QPushButton("Remove selected")
        self.remove_closure.setAccessibleName("Remove the selected closure day")
        self.add_closure.clicked.connect(self._add_closure)
        self.remove_closure.clicked.connect(self._remove_closure)
        closure_row = QHBoxLayout()
        closure_row.addWidget(self.closure_date)
        closure_row.addWidget(self.closure_text, 1)
        closure_row.addWidget(self.add_closure)
        closure_row.addWidget(self.remove_closure)
        closure_layout = QVBoxLayout(closures)
        closure_layout.addWidget(self.closures)
        closure_layout.addLayout(closure_row)

        rules = QGroupBox("Timescales (rules) and their sources")
        self.rules = QTableWidget(0, 4)
        self.rules.setAccessibleName("Timescale rules and their sources")
        self.rules.setHorizontalHeaderLabels(["Rule", "Timescale", "Source", "From"])
        self.rules.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.rules.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 330), (1, 330), (3, 80)):
            self.rules.setColumnWidth(column, width)
        self.rules.setWordWrap(False)
        self.rules.verticalHeader().setVisible(False)
        self.rules.setMinimumHeight(480)
        self.rules_note = label("", "hint", wrap=True)
        self.load_rules = QPushButton("Load the council's rules file…")
        self.load_rules.setAccessibleName("Load the council's rule overrides from a TOML file")
        self.load_rules.clicked.connect(self._load_overrides)
        self.clear_rules = QPushButton("Remove the council's rules")
        self.clear_rules.setAccessibleName("Remove the council's rule overrides")
        self.clear_rules.clicked.connect(self._clear_overrides)
        rules_bar = QHBoxLayout()
        rules_bar.addWidget(self.rules_note, 1)
        rules_bar.addWidget(self.load_rules)
        rules_bar.addWidget(self.clear_rules)
        rules_layout = QVBoxLayout(rules)
        rules_layout.addLayout(rules_bar)
        rules_layout.addWidget(self.rules)

        database = QGroupBox("Database")
        self.db_current = label("", None, wrap=True)
        self.db_next = QLineEdit()
        self.db_next.setAccessibleName("Database to open next time")
        self.db_next.setPlaceholderText("SQLite file path, or postgresql+psycopg://… URL")
        self.db_save = QPushButton("Use next time")
        self.db_save.setAccessibleName("Use this database next time")
        self.db_save.clicked.connect(self._save_database)
        db_row = QHBoxLayout()
        db_row.addWidget(self.db_next, 1)
        db_row.addWidget(self.db_save)
        db_layout = QVBoxLayout(database)
        db_layout.addWidget(self.db_current)
        db_layout.addLayout(db_row)
        db_layout.addWidget(
            label(
                "Shared use needs PostgreSQL: a SQLite file on a network share can be corrupted.",
                "hint",
                wrap=True,
            )
        )

        conventions = QGroupBox("How reviewdesk counts")
        conventions_layout = QFormLayout(conventions)
        for term, meaning in COUNTING_CONVENTIONS:
            text = label(meaning, None, wrap=True)
            text.setAccessibleName(term)
            conventions_layout.addRow(label(f"<b>{term}</b>"), text)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(general)
        left.addWidget(closures)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(conventions)
        right.addWidget(database)
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        body_layout.addLayout(columns)
        body_layout.addWidget(rules)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label("Settings", "title"))
        if not editable:
            layout.addWidget(label("Only an administrator can change settings.", "hint"))
        layout.addWidget(scroll, 1)

        for widget in (
            self.council,
            self.region,
            self.low,
            self.high,
            self.lac_target,
            self.cp_target,
            self.save_button,
            self.closure_date,
            self.closure_text,
            self.add_closure,
            self.remove_closure,
            self.db_next,
            self.db_save,
            self.load_rules,
            self.clear_rules,
        ):
            widget.setEnabled(editable)

    # --- loading --------------------------------------------------------------------------
    def refresh(self) -> None:
        db = self.ctx.db
        self.council.setText(setting(db, "council_name", "") or "")
        region = setting(db, "region", DEFAULT_REGION) or DEFAULT_REGION
        self.region.setCurrentIndex(max(self.region.findData(region), 0))
        low, high = caseload_range(self.ctx)
        self.low.setValue(low)
        self.high.setValue(high)
        targets = setting(db, "targets", {}) or {}
        self.lac_target.setValue(float(targets.get("lac_reviews_in_timescale", 100.0)))
        self.cp_target.setValue(float(targets.get("cp_conferences_in_timescale", 100.0)))
        self._load_closures()
        self._load_rules()
        self.db_current.setText(f"In use: {self.ctx.database_label()}")
        self.db_next.setText(str(QSettings().value("database/target", "") or ""))

    def _load_closures(self) -> None:
        self.closures.clear()
        with self.ctx.db.session() as s:
            rows = list(s.scalars(select(ClosureDay).order_by(ClosureDay.day)))
            for row in rows:
                item = QListWidgetItem(f"{row.day:%a %d/%m/%Y} — {row.description}")
                item.setData(Qt.ItemDataRole.UserRole, row.day.isoformat())
                self.closures.addItem(item)
        if not rows:
            item = QListWidgetItem("No local closure days.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.closures.addItem(item)

    def _load_rules(self) -> None:
        rules = list(self.ctx.rules or [])
        self.rules.setRowCount(len(rules))
        for r, rule in enumerate(rules):
            origin = "council" if rule.origin == "settings" else "shipped"
            values = (
                rule.title,
                rule.describe() if rule.enabled else "switched off",
                f"{rule.basis}: {rule.source}",
                origin,
            )
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(f"{rule.id}: {value}")
                self.rules.setItem(r, c, item)
        overrides = setting(self.ctx.db, "rule_overrides", []) or []
        self.rules_note.setText(
            f"{len(rules)} rules in force. "
            + (
                f"{len(overrides)} overridden by this council (shown with their origin)."
                if overrides
                else "No council overrides: the shipped rules apply."
            )
        )

    # --- saving ---------------------------------------------------------------------------
    def save(self) -> None:
        if not self.ctx.can_edit_settings:
            return
        if self.low.value() > self.high.value():
            prompts().error(self, "Caseload range: the lowest is more than the highest.")
            return
        db = self.ctx.db
        old_region = setting(db, "region", DEFAULT_REGION)
        save_setting(db, "council_name", self.council.text().strip())
        save_setting(db, "region", self.region.currentData())
        save_setting(db, "caseload_min_per_fte", self.low.value())
        save_setting(db, "caseload_max_per_fte", self.high.value())
        targets = dict(setting(db, "targets", {}) or {})
        targets["lac_reviews_in_timescale"] = self.lac_target.value()
        targets["cp_conferences_in_timescale"] = self.cp_target.value()
        save_setting(db, "targets", targets)
        if old_region != self.region.currentData():
            self.calendar_changed.emit()

    def _add_closure(self) -> None:
        day: dt.date = from_qdate(self.closure_date.date())
        text = self.closure_text.text().strip() or "Council closed"
        with self.ctx.db.session() as s:
            row = s.get(ClosureDay, day)
            if row is None:
                s.add(ClosureDay(day=day, description=text))
            else:
                row.description = text
        self._load_closures()
        self.calendar_changed.emit()

    def _remove_closure(self) -> None:
        item = self.closures.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item else None
        if not value:
            return
        with self.ctx.db.session() as s:
            row = s.get(ClosureDay, dt.date.fromisoformat(value))
            if row is not None:
                s.delete(row)
        self._load_closures()
        self.calendar_changed.emit()

    def _load_overrides(self) -> None:
        """Replace the council's rule overrides with the [[rule]] tables of a TOML file; the
        file is checked in full first (every rule names its source)."""
        path = prompts().open_file(self, "Choose the council's rules file", "Rules (*.toml)")
        if not path:
            return
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
            entries = data.get("rule", [])
            if not isinstance(entries, list) or not entries:
                raise InvalidInput(f"{path}: no [[rule]] tables in the file")
            with_overrides(default_rules(), entries, origin="settings")
        except tomllib.TOMLDecodeError as exc:
            prompts().error(self, f"{path}: not a valid rules file ({exc})")
            return
        except (OSError, InvalidInput) as exc:
            prompts().error(self, str(exc))
            return
        save_setting(self.ctx.db, "rule_overrides", entries)
        self.calendar_changed.emit()
        self._load_rules()

    def _clear_overrides(self) -> None:
        if prompts().confirm(self, "Go back to the shipped rules, removing the council's own?"):
            save_setting(self.ctx.db, "rule_overrides", [])
            self.calendar_changed.emit()
            self._load_rules()

    def _save_database(self) -> None:
        QSettings().setValue("database/target", self.db_next.text().strip())
        prompts().info(self, "reviewdesk will open this database next time it starts.")


__all__ = ["SettingsPage", "DEFAULT_RANGE"]
