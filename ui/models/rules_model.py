"""The rules in force as a table: value with its unit, the shipped source and, when the
council changed a rule, its own source and who changed it when. Overridden rules are bold
and say so in words (not colour alone)."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from reviewdesk.rule_overrides import (
    BASIS_WORDS,
    PROCESS_WORDS,
    RuleEntry,
    counted_text,
    describe_rule,
    value_text,
)
from reviewdesk.storage.locking import local_time
from reviewdesk.vocabulary import format_uk_time
from ui.models import ROOT, SortRole

#: The rule's id (for the page and the dialog).
RuleIdRole = Qt.ItemDataRole.UserRole + 3

COLUMNS: tuple[tuple[str, str], ...] = (
    ("title", "Rule"),
    ("status", "Status"),
    ("value", "Timescale"),
    ("counted", "Counted"),
    ("shipped_value", "Shipped value"),
    ("shipped_source", "Source of the shipped rule"),
    ("council_source", "Council's source or reason"),
    ("changed", "Changed by, on"),
    ("basis", "Basis"),
    ("process", "Process"),
    ("id", "Rule id"),
)
_KEYS = [key for key, _ in COLUMNS]
PROCESS_SHORT = {"lac": "LAC", "cp": "CP", "oversight": "IRO"}
#: Roughly how many calendar days a unit is, so "3 months" sorts after "20 working days".
_UNIT_DAYS = {"working_days": 7 / 5, "days": 1.0, "weeks": 7.0, "months": 30.44}
#: A tint behind overridden rows, readable in light and dark themes (bold and the Status
#: column say the same thing in words).
_OVERRIDE_TINT = QColor(255, 193, 7, 48)


def column(key: str) -> int:
    return _KEYS.index(key)


def changed_text(entry: RuleEntry) -> str:
    if entry.change is None:
        return ""
    return f"{entry.change.username}, {format_uk_time(local_time(entry.change.at))}"


class RulesModel(QAbstractTableModel):
    """One row per rule in force (`reviewdesk.rule_overrides.rule_entries`)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.entries: list[RuleEntry] = []

    def set_entries(self, entries: list[RuleEntry]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()

    def entry(self, row: int) -> RuleEntry | None:
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def row_of(self, rule_id: str) -> int:
        return next((i for i, e in enumerate(self.entries) if e.rule.id == rule_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1] if 0 <= section < len(COLUMNS) else None
        return None

    def text(self, entry: RuleEntry, key: str) -> str:
        rule = entry.rule
        if key == "title":
            return rule.title
        if key == "status":
            return entry.status
        if key == "value":
            return value_text(rule) if rule.enabled else f"switched off ({value_text(rule)})"
        if key == "counted":
            return counted_text(rule)
        if key == "process":
            return PROCESS_SHORT.get(rule.process, rule.process)
        if key == "basis":
            return BASIS_WORDS.get(rule.basis, rule.basis)
        if key == "shipped_value":
            return value_text(entry.shipped) if entry.shipped is not None else "(none)"
        if key == "shipped_source":
            return entry.shipped_source
        if key == "council_source":
            return entry.council_source
        if key == "changed":
            return changed_text(entry)
        return rule.id

    def _sort_value(self, entry: RuleEntry, key: str) -> Any:
        rule = entry.rule
        if key == "value":
            return rule.amount * _UNIT_DAYS.get(rule.unit, 1.0) + (0 if rule.enabled else 1e6)
        if key == "shipped_value":
            shipped = entry.shipped
            return -1.0 if shipped is None else shipped.amount * _UNIT_DAYS.get(shipped.unit, 1)
        if key == "changed":
            return entry.change.at.isoformat() if entry.change else ""
        if key == "status":
            return ("Shipped", "Council override", "Council's own rule").index(entry.status)
        return self.text(entry, key).casefold()

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        entry = self.entries[index.row()]
        key = _KEYS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(entry, key)
        if role == SortRole:
            return self._sort_value(entry, key)
        if role == RuleIdRole:
            return entry.rule.id
        if role == Qt.ItemDataRole.FontRole and entry.overridden:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and entry.overridden:
            return QBrush(_OVERRIDE_TINT)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(entry)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            text = self.text(entry, key)
            return f"{text} (changed by the council)" if entry.overridden else text
        return None

    def details(self, entry: RuleEntry) -> str:
        """The whole rule in words, for the panel under the table (rich text)."""
        rule = entry.rule
        about = ", ".join(
            (
                rule.id,
                PROCESS_WORDS.get(rule.process, rule.process),
                BASIS_WORDS.get(rule.basis, rule.basis),
                entry.status,
            )
        )
        lines = [f"<b>{escape(describe_rule(rule))}</b> &nbsp;({escape(about)})"]
        if entry.shipped is not None:
            lines.append(
                f"Shipped: {escape(entry.shipped.describe())}. "
                f"Source: {escape(entry.shipped_source)}"
            )
        if entry.overridden:
            who = f" (changed by {escape(changed_text(entry))})" if entry.change else ""
            lines.append(f"Council's source or reason: {escape(entry.council_source)}{who}")
        return "<br>".join(lines)

    def tooltip(self, entry: RuleEntry) -> str:
        lines = [f"{entry.rule.id}: {describe_rule(entry.rule)}"]
        if entry.shipped is not None:
            lines.append(f"Shipped: {value_text(entry.shipped)}. {entry.shipped.source}")
        if entry.overridden:
            lines.append(f"Council: {entry.council_source}")
            if entry.change is not None:
                lines.append(f"Changed by {changed_text(entry)}")
        return "\n".join(lines)


class RulesFilter(QSortFilterProxyModel):
    """Sorts by raw values and keeps rows whose words contain the search text (any case),
    optionally only the rules the council changed."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._text = ""
        self._only_overridden = False
        self.setSortRole(SortRole)

    def set_text(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "_text", text.strip().casefold()))

    def set_only_overridden(self, only: bool) -> None:
        self._refilter(lambda: setattr(self, "_only_overridden", only))

    def _refilter(self, change) -> None:
        """Apply ``change`` and filter again (beginFilterChange from Qt 6.9; before it,
        invalidateRowsFilter, which later versions deprecate)."""
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            change()
            self.invalidateRowsFilter()

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        model = self.sourceModel()
        if not isinstance(model, RulesModel):
            return True
        entry = model.entry(source_row)
        if entry is None:
            return False
        if self._only_overridden and not entry.overridden:
            return False
        if not self._text:
            return True
        words = " ".join(model.text(entry, key) for key in _KEYS).casefold()
        return all(part in words for part in self._text.split())
