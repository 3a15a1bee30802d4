"""Qt item models over the core's query results."""

from PySide6.QtCore import QModelIndex, Qt

#: The raw, comparable value of a cell (a date, not its text); used for sorting.
SortRole = Qt.ItemDataRole.UserRole + 1
#: The database id of the row's record.
IdRole = Qt.ItemDataRole.UserRole + 2

#: The invisible root index (a module-level default for rowCount/columnCount).
ROOT = QModelIndex()
