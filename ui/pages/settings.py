"""Settings: the council's name, region and closure days, rule overrides (with sources),
caseload limits, targets, and the database in use. Only administrators can change them."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
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
from PySide6.QtCore import Qt
from sqlalchemy import select

from reviewdesk.storage.models import ClosureDay
from ui.context import DEFAULT_REGION, AppContext, optional_module, save_setting, setting
from ui.dialogs import date_edit, from_qdate
from ui.pages import Page, label
from ui.pages.workload import DEFAULT_RANGE, caseload_range
from ui.prompts import prompts

REGION_LABELS = {
    "england-and-wales": "England and Wales",
    "scotland": "Scotland",
    "northern-ireland": "Northern Ireland",
}
DEFAULT_TARGETS = {"lac_timeliness": 100.0, "cp_timeliness": 100.0}


def regions() -> tuple[str, ...]:
    module = optional_module("reviewdesk.workingdays")
    return tuple(getattr(module, "REGIONS", REGION_LABELS.keys()))


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
        self.closures.setMinimumHeight(120)
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
        self.rules = QTableWidget(0, 3)
        self.rules.setAccessibleName("Timescale rules and their sources")
        self.rules.setHorizontalHeaderLabels(["Rule", "Timescale", "Source"])
        self.rules.horizontalHeader().setStretchLastSection(True)
        self.rules.verticalHeader().setVisible(False)
        self.rules.setMinimumHeight(160)
        self.rules_note = label("", "hint", wrap=True)
        rules_layout = QVBoxLayout(rules)
        rules_layout.addWidget(self.rules_note)
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

        body = QWidget()
        columns = QHBoxLayout(body)
        left = QVBoxLayout()
        left.addWidget(general)
        left.addWidget(closures, 1)
        right = QVBoxLayout()
        right.addWidget(rules, 1)
        right.addWidget(database)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
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
        targets = setting(db, "targets", DEFAULT_TARGETS) or DEFAULT_TARGETS
        self.lac_target.setValue(float(targets.get("lac_timeliness", 100.0)))
        self.cp_target.setValue(float(targets.get("cp_timeliness", 100.0)))
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
        engine = optional_module("reviewdesk.engine")
        rules = None
        if engine is not None and hasattr(engine, "default_rules"):
            try:
                rules = engine.default_rules()
            except Exception:  # noqa: BLE001 - a broken rules file is shown, not raised
                rules = None
        rows = list(_rule_rows(rules)) if rules is not None else []
        self.rules.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                self.rules.setItem(r, c, QTableWidgetItem(value))
        self.rules.resizeColumnsToContents()
        if rules is None:
            self.rules_note.setText(
                "The rules engine is not installed in this version, so no timescales are shown."
            )
        else:
            self.rules_note.setText(
                "Timescales come from the rules files; a council overrides one with its own "
                "rules file. Each rule names its source."
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
        save_setting(db, "caseload_range", [self.low.value(), self.high.value()])
        save_setting(
            db,
            "targets",
            {"lac_timeliness": self.lac_target.value(), "cp_timeliness": self.cp_target.value()},
        )
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

    def _save_database(self) -> None:
        QSettings().setValue("database/target", self.db_next.text().strip())
        prompts().info(self, "reviewdesk will open this database next time it starts.")


def _rule_rows(rules):
    """(rule, timescale, source) rows from the engine's RuleSet, whatever its exact shape."""
    items = getattr(rules, "rules", rules)
    if isinstance(items, dict):
        items = items.values()
    for rule in items or []:
        name = getattr(rule, "id", None) or getattr(rule, "name", "") or str(rule)
        amount = getattr(rule, "amount", None) or getattr(rule, "n", None)
        unit = getattr(rule, "unit", "")
        describe = getattr(rule, "describe", None)
        timescale = describe() if callable(describe) else f"{amount or ''} {unit}".strip()
        source = getattr(rule, "source", "") or ""
        yield str(name), str(timescale), str(source)


__all__ = ["SettingsPage", "DEFAULT_RANGE"]
