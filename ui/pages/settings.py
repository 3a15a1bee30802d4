"""Settings: the council's name, region and closure days, rule overrides (with sources),
caseload limits, targets, the users and their roles, and the database in use. Only
administrators can change them; every change goes through an action (`reviewdesk.actions`)
built on the versions this page showed, so a change someone else made meanwhile is never
overwritten.

The page is in tabs (`TABS`), each scrolling on its own, so that each fits a 1366x768 screen
(one long page did not); Ctrl+Tab and Ctrl+Page Down (and back) move between them from any
field, and the window remembers the tab last open."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reviewdesk import actions
from reviewdesk.caseload import caseload_range
from reviewdesk.conventions import COUNTING_CONVENTIONS
from reviewdesk.errors import ReviewdeskError
from reviewdesk.rule_overrides import (
    RuleEntry,
    override_history,
    override_versions,
    overrides_from_toml,
    overrides_to_toml,
    rule_entries,
    stored_overrides,
    value_text,
)
from reviewdesk.rules import default_rules, read_rules_text
from reviewdesk.safefiles import write_output
from reviewdesk.settings import DEFAULTS, closure_day_versions, setting_versions
from reviewdesk.storage.backup import DEFAULT_KEPT, KEEP_SETTING
from reviewdesk.vocabulary import format_uk_long
from reviewdesk.workingdays import REGION_LABELS, REGIONS
from ui.column_widths import Column, FittedTable
from ui.context import DEFAULT_REGION, AppContext
from ui.dialogs import date_edit, from_qdate
from ui.dialogs.rule_edit import RuleEditDialog
from ui.dialogs.tables import keyboard_chooses_row
from ui.errors import refusal_message
from ui.models.rules_model import COLUMNS as RULE_TABLE_COLUMNS
from ui.models.rules_model import RulesFilter, RulesModel
from ui.number_box import DecimalBox, NumberBox
from ui.operations import perform
from ui.pages import Page, label
from ui.pages.reasons import ReasonsBox
from ui.pages.settings_invitations import InvitationSettingsBox
from ui.pages.users import UsersBox
from ui.prompts import prompts
from ui.wrong_entries import refuse_wrong_entries

#: How the rules table's columns fit its width (`ui.column_widths`; people can drag them):
#: the rule (room for its whole title first), its status and timescale always, and when the
#: table is too narrow for every column (1366x768 already: it scrolled sideways) the id,
#: process, basis, who changed it, the council's source, the shipped source, the shipped
#: value and how it is counted give way, in that order. All of it is in the details under
#: the table and each row's tip.
RULE_COLUMNS = {
    "title": Column("IRO decisions and recommendations issued", share=4),
    "status": Column("Council's own rule", bold=True),  # the council's rules are in bold
    "value": Column("20 working days", bold=True),
    "counted": Column("after previous review held", drop=1, bold=True),
    "shipped_value": Column("20 working days", drop=2, bold=True),
    "shipped_source": Column(share=3, drop=3),
    "council_source": Column(share=3, drop=4),
    "changed": Column("someone, 00/00/0000 00:00", drop=5),
    "basis": Column("statutory", drop=6),
    "process": Column("LAC", drop=7),
    "id": Column("lac.review.first", drop=8),
}


#: The tabs, in order: (key, title). The key is what the window remembers between runs.
TABS = (
    ("council", "Council"),
    ("closures", "Closure days"),
    ("timescales", "Timescales"),
    ("reasons", "Reasons"),
    ("users", "Users and roles"),
    ("invitations", "Invitations and packs"),
    ("database", "Database"),
    ("counting", "How reviewdesk counts"),
)


#: The widest a tab's form grows, in characters (beyond it the fields read badly).
FORM_WIDTH_CHARS = 130


def regions() -> tuple[str, ...]:
    return tuple(REGIONS)


class SettingsPage(Page):
    title = "Settings"
    shows = frozenset(
        {"setting", "rule_override", "closure_day", "late_reason", "meeting_reason", "app_user"}
    )

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        #: What the form showed: each setting's (value, version), each closure day's.
        self._settings: dict = {}
        self._closure_versions: dict[dt.date, int] = {}
        self._rule_versions: dict[str, int] = {}

        self.council = QLineEdit()
        self.council.setAccessibleName("Council name")
        self.region = QComboBox()
        self.region.setAccessibleName("Region for bank holidays")
        for code in regions():
            self.region.addItem(REGION_LABELS.get(code, code), code)
        self.low = NumberBox(1, 300, 1, "Lowest caseload per full-time IRO")
        self.high = NumberBox(1, 300, 1, "Highest caseload per full-time IRO")
        self.lac_target = DecimalBox(0, 100, 0, "Target: LAC reviews in timescale", suffix=" %")
        self.cp_target = DecimalBox(0, 100, 0, "Target: CP conferences in timescale", suffix=" %")

        self.backups_kept = NumberBox(1, 100, 1, "Backups kept before upgrades and restores")

        general = self.council_box = QWidget()
        form = QFormLayout(general)
        # The fields at their own widths (a spin box as wide as the window reads badly).
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
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
        backups_row = QHBoxLayout()
        backups_row.addWidget(self.backups_kept)
        backups_row.addWidget(
            label("copies taken before each upgrade or restore are kept; older ones go", "hint")
        )
        backups_row.addStretch(1)
        form.addRow("Backups kept", backups_row)
        self.save_button = QPushButton("Save settings")
        self.save_button.setAccessibleName("Save settings")
        self.save_button.clicked.connect(self.save)
        form.addRow("", self.save_button)

        closures = QWidget()
        self.closures = QListWidget()
        self.closures.setAccessibleName("Local closure days")
        self.closures.setMinimumHeight(90)
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

        rules = self._build_rules_box()
        self.users = UsersBox(ctx)

        database = QWidget()
        self.db_current = label("", None, wrap=True)
        self.db_next = QLineEdit()
        self.db_next.setAccessibleName("Database to open next time")
        self.db_next.setPlaceholderText("SQLite file path, or postgresql+psycopg://… URL")
        self.db_save = QPushButton("Use next time")
        self.db_save.setAccessibleName("Use this database next time")
        self.db_save.clicked.connect(self._save_database)
        db_row = QHBoxLayout()
        next_label = label("Next time, open")
        next_label.setBuddy(self.db_next)
        db_row.addWidget(next_label)
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

        conventions = QWidget()
        conventions_layout = QFormLayout(conventions)
        for term, meaning in COUNTING_CONVENTIONS:
            text = label(meaning, None, wrap=True)
            text.setAccessibleName(term)
            conventions_layout.addRow(label(f"<b>{term}</b>"), text)

        self.reasons = ReasonsBox(ctx)
        self.invitation_settings = InvitationSettingsBox(ctx)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Settings sections")
        self.tabs.setUsesScrollButtons(True)  # a narrow window scrolls the tabs, not the page
        self.tabs.setElideMode(Qt.TextElideMode.ElideNone)
        #: Each tab's box, whether it fills the tab (a list or table) and a line saying
        #: what the tab is for (where its title alone would not).
        contents: dict[str, tuple[QWidget, bool, str]] = {
            "council": (general, False, ""),
            "closures": (
                closures,
                True,
                "Days the council is closed besides the bank holidays of its region (on the "
                "Council tab): they are not working days.",
            ),
            "timescales": (
                rules,
                True,
                "The timescales (rules) in force and their sources; a council's change to "
                "one names its own source.",
            ),
            "reasons": (
                self.reasons,
                True,
                "The reasons people choose from when a meeting is out of timescale, cancelled "
                "or moved.",
            ),
            "users": (self.users, True, ""),
            "invitations": (
                self.invitation_settings,
                False,
                "Invitations, report requests and meeting packs.",
            ),
            "database": (database, False, ""),
            "counting": (conventions, False, ""),
        }
        #: Each tab's scroll area (a tab taller than the window scrolls on its own).
        self.tab_scrolls: dict[str, QScrollArea] = {}
        for key, title in TABS:
            box, fills, intro = contents[key]
            self.tab_scrolls[key] = self._add_tab(key, title, box, fills=fills, intro=intro)
        #: Where the focus goes when a tab is opened: its first field (else the first
        #: enabled one, for someone who may only read).
        self._first_fields: dict[str, QWidget] = {
            "council": self.council,
            "closures": self.closure_date,
            "timescales": self.rules_search,
            "reasons": self.reasons.which,
            "users": self.users.table,
            "invitations": self.invitation_settings.address,
            "database": self.db_next,
        }
        self.tabs.currentChanged.connect(self._tab_changed)
        for keys, step in (
            (("Ctrl+Tab", "Ctrl+PgDown"), 1),
            (("Ctrl+Shift+Tab", "Ctrl+Shift+Backtab", "Ctrl+PgUp"), -1),
        ):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(lambda step=step: self.step_tab(step))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label("Settings", "title"))
        self.read_only_note = label("Only an administrator can change settings.", "hint")
        layout.addWidget(self.read_only_note)
        layout.addWidget(self.tabs, 1)
        self._apply_role()

    def _apply_role(self) -> None:
        """Offer changes only to those who may make them (the role can change while the
        window is open; the actions check it again in any case)."""
        editable = self.ctx.can_edit_settings
        self.read_only_note.setVisible(not editable)
        for widget in (
            self.council,
            self.region,
            self.low,
            self.high,
            self.lac_target,
            self.cp_target,
            self.backups_kept,
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
        self._rule_selection_changed()

    # --- tabs -----------------------------------------------------------------------------
    def _add_tab(
        self, key: str, title: str, box: QWidget, *, fills: bool, intro: str
    ) -> QScrollArea:
        """One tab: ``box`` in a frameless scroll area of its own, so a tab taller than the
        window scrolls while the tabs stay put (the tab names it: no frame or title of its
        own); ``intro`` says what the tab is for. A box that ``fills`` (a list or table)
        takes the tab's height; a form keeps its own and a readable width."""
        box.layout().setContentsMargins(0, 0, 0, 0)
        if not fills:
            box.setMaximumWidth(box.fontMetrics().averageCharWidth() * FORM_WIDTH_CHARS)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        if intro:
            body_layout.addWidget(label(intro, "hint", wrap=True))
        body_layout.addWidget(box, 1 if fills else 0)
        if not fills:
            body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName(f"settings-{key}")
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from the tabs to a field
        scroll.setAccessibleName(f"{title} settings")
        self.tabs.addTab(scroll, title)
        return scroll

    def current_tab(self) -> str:
        """The key (`TABS`) of the tab on show: the window remembers it between runs."""
        return TABS[max(self.tabs.currentIndex(), 0)][0]

    def show_tab(self, key: str) -> bool:
        """Open the tab ``key`` (`TABS`); False, and nothing changes, for an unknown key (a
        remembered tab from another version)."""
        keys = [k for k, _title in TABS]
        if key not in keys:
            return False
        self.tabs.setCurrentIndex(keys.index(key))
        return True

    def show_caseload_range(self) -> None:
        """The Council tab, the focus on the caseload range's lower end (the Workload page
        sends people here to change the range it judges caseloads by)."""
        self.show_tab("council")
        self.low.setFocus(Qt.FocusReason.OtherFocusReason)
        self.low.selectAll()

    def step_tab(self, step: int) -> None:
        """Ctrl+Tab / Ctrl+Page Down (``step`` 1) and Ctrl+Shift+Tab / Ctrl+Page Up (-1):
        the next or previous tab, round from the last to the first (as Qt's own do; these
        work in every field, a table or text box included)."""
        count = self.tabs.count()
        self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % count)
        self.focus_first_field()  # (from the tab bar too, where only the arrows stay)

    def _tab_changed(self, _index: int) -> None:
        """A tab opened while the page is on screen: the focus goes to its first field, so
        the keyboard carries on from there (not while the window is still being built).
        Not when the arrows moved along the tabs (the tab bar has the keyboard, no button is
        held): the keyboard stays on the tabs, to go on to the next, and Tab goes into the
        one chosen. The first arrow took it into a field, where the next moved in the field."""
        if not self.isVisible():
            return
        arrows = (
            self.tabs.tabBar().hasFocus() and QApplication.mouseButtons() == Qt.MouseButton.NoButton
        )
        if not arrows:
            self.focus_first_field()

    def focus_first_field(self) -> None:
        """Focus the open tab's first field, else its first one enabled (someone who may
        only read), else the tab bar (Ctrl+Tab still works from there)."""
        key = self.current_tab()
        preferred = self._first_fields.get(key)
        if preferred is not None and preferred.isEnabled():
            preferred.setFocus(Qt.FocusReason.TabFocusReason)
            return
        page = self.tab_scrolls[key].widget()
        widget = page.nextInFocusChain()
        while widget is not page:  # the chain goes round the whole window, in Tab's order
            if (
                page.isAncestorOf(widget)
                and widget.isEnabled()
                and widget.isVisibleTo(page)
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            ):
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                return
            widget = widget.nextInFocusChain()
        self.tabs.tabBar().setFocus(Qt.FocusReason.TabFocusReason)

    def _build_rules_box(self) -> QWidget:
        """The rules in force: a sortable, filterable table; change or reset one rule, load
        or export the council's overrides, or remove them all."""
        box = QWidget()
        self.rules_model = RulesModel(self)
        self.rules_proxy = RulesFilter(self)
        self.rules_proxy.setSourceModel(self.rules_model)
        self.rules = FittedTable([RULE_COLUMNS[key] for key, _heading in RULE_TABLE_COLUMNS])
        self.rules.setModel(self.rules_proxy)
        self.rules.setAccessibleName("Timescale rules and their sources")
        self.rules.setTabKeyNavigation(False)  # Tab leaves the table; the arrows move in it
        self.rules.setSortingEnabled(True)
        self.rules.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the rules file's order
        self.rules.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.rules.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.rules.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.rules.setWordWrap(False)
        self.rules.setAlternatingRowColors(True)
        self.rules.verticalHeader().setVisible(False)
        keyboard_chooses_row(self.rules)  # (Change this rule acts on the rule chosen)
        self.rules.setMinimumHeight(160)  # its tab gives it the height there is
        self.rules.doubleClicked.connect(lambda _index: self.edit_rule())
        edit_key = QShortcut(QKeySequence(Qt.Key.Key_Return), self.rules)
        edit_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        edit_key.activated.connect(self.edit_rule)
        self.rules.selectionModel().selectionChanged.connect(self._rule_selection_changed)

        self.rules_search = QLineEdit()
        self.rules_search.setPlaceholderText("Find a rule: title, id, value or source")
        self.rules_search.setAccessibleName("Find a rule")
        self.rules_search.setClearButtonEnabled(True)
        self.rules_search.textChanged.connect(self.rules_proxy.set_text)
        self.only_overridden = QCheckBox("Only the council's changes")
        self.only_overridden.setAccessibleName("Show only the rules the council changed")
        self.only_overridden.toggled.connect(self.rules_proxy.set_only_overridden)
        self.edit_rule_button = QPushButton("Change this rule…")
        self.edit_rule_button.setAccessibleName("Change the selected rule")
        self.edit_rule_button.clicked.connect(self.edit_rule)
        self.reset_rule_button = QPushButton("Back to the shipped rule")
        self.reset_rule_button.setAccessibleName("Put the selected rule back to the shipped one")
        self.reset_rule_button.clicked.connect(self.reset_rule)
        find_bar = QHBoxLayout()
        find_bar.addWidget(self.rules_search, 1)
        find_bar.addWidget(self.only_overridden)
        find_bar.addWidget(self.edit_rule_button)
        find_bar.addWidget(self.reset_rule_button)

        self.rules_note = label("", "hint", wrap=True)
        self.load_rules = QPushButton("Load the council's rules file…")
        self.load_rules.setAccessibleName("Load the council's rule overrides from a TOML file")
        self.load_rules.clicked.connect(self._load_overrides)
        self.export_rules = QPushButton("Export the council's rules…")
        self.export_rules.setAccessibleName("Export the council's rule overrides to a TOML file")
        self.export_rules.clicked.connect(self.export_overrides)
        self.clear_rules = QPushButton("Remove the council's rules")
        self.clear_rules.setAccessibleName("Remove the council's rule overrides")
        self.clear_rules.clicked.connect(self._clear_overrides)
        file_bar = QHBoxLayout()
        file_bar.addWidget(self.rules_note, 1)
        file_bar.addWidget(self.load_rules)
        file_bar.addWidget(self.export_rules)
        file_bar.addWidget(self.clear_rules)

        self.rule_details = label("", None, wrap=True)
        self.rule_details.setAccessibleName("The selected rule and its sources")
        self.rule_details.setTextFormat(Qt.TextFormat.RichText)

        layout = QVBoxLayout(box)
        layout.addLayout(find_bar)
        layout.addWidget(self.rules)
        layout.addWidget(self.rule_details)
        layout.addLayout(file_bar)
        return box

    # --- loading --------------------------------------------------------------------------
    def refresh(self) -> None:
        self._apply_role()
        with self.ctx.db.session() as s:
            self._settings = setting_versions(s)
            low, high = caseload_range(s)
        values = {key: value for key, (value, _version) in self._settings.items()}
        self.council.setText(values["council_name"] or "")
        region = values["region"] or DEFAULT_REGION
        self.region.setCurrentIndex(max(self.region.findData(region), 0))
        self.low.setValue(round(low))
        self.high.setValue(round(high))
        targets = values.get("targets") or {}
        self.lac_target.setValue(float(targets.get("lac_reviews_in_timescale", 100.0)))
        self.cp_target.setValue(float(targets.get("cp_conferences_in_timescale", 100.0)))
        self.backups_kept.setValue(int(values.get(KEEP_SETTING) or DEFAULT_KEPT))
        self._load_closures()
        self.reasons.refresh()
        self._load_rules()
        self.users.refresh()
        self.invitation_settings.refresh()
        self.db_current.setText(f"In use: {self.ctx.database_label()}")
        self.db_next.setText(str(QSettings().value("database/target", "") or ""))

    def _load_closures(self) -> None:
        self.closures.clear()
        with self.ctx.db.session() as s:
            rows = closure_day_versions(s)
        self._closure_versions = {day: version for day, (_text, version) in rows.items()}
        for day, (description, _version) in rows.items():
            item = QListWidgetItem(f"{format_uk_long(day)} — {description}")
            item.setData(Qt.ItemDataRole.UserRole, day.isoformat())
            self.closures.addItem(item)
        if not rows:
            item = QListWidgetItem("No local closure days.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.closures.addItem(item)

    def _load_rules(self) -> None:
        selected = self.selected_rule()
        with self.ctx.db.session() as s:
            history = override_history(s)
            overrides = stored_overrides(s)
            self._rule_versions = override_versions(s)
        entries = rule_entries(
            self.ctx.rules or default_rules(), history, versions=self._rule_versions
        )
        self.rules_model.set_entries(entries)
        self._overrides = overrides
        if selected is not None:
            self._select_rule_row(selected.rule.id)
        self._rule_selection_changed()
        count = sum(1 for e in self.rules_model.entries if e.overridden)
        self.rules_note.setText(
            f"{len(self.rules_model.entries)} rules in force. "
            + (
                f"{count} overridden by this council (in bold, marked “Council override”)."
                if count
                else "No council overrides: the shipped rules apply."
            )
        )

    # --- one rule -------------------------------------------------------------------------
    def selected_rule(self) -> RuleEntry | None:
        if not hasattr(self, "rules_model"):
            return None
        rows = self.rules.selectionModel().selectedRows()
        if not rows:
            return None
        return self.rules_model.entry(self.rules_proxy.mapToSource(rows[0]).row())

    def select_rule(self, rule_id: str) -> bool:
        """Open the Timescales tab at a rule's row (clearing the search if it hides it), the
        focus on the table; False if the rule is not in force."""
        if not self._select_rule_row(rule_id):
            return False
        self.show_tab("timescales")
        if self.isVisible():
            self.rules.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _select_rule_row(self, rule_id: str) -> bool:
        """Select a rule's row (clearing the search if it hides it), on whichever tab is
        open; False if the rule is not in force."""
        row = self.rules_model.row_of(rule_id)
        if row < 0:
            return False
        index = self.rules_proxy.mapFromSource(self.rules_model.index(row, 0))
        if not index.isValid():
            self.rules_search.clear()
            self.only_overridden.setChecked(False)
            index = self.rules_proxy.mapFromSource(self.rules_model.index(row, 0))
        self.rules.selectRow(index.row())
        self.rules.scrollTo(index)
        return True

    def _rule_selection_changed(self, *_args) -> None:
        if not hasattr(self, "reset_rule_button"):
            return
        entry = self.selected_rule()
        editable = self.ctx.can_edit_settings
        self.rule_details.setText(
            self.rules_model.details(entry)
            if entry is not None
            else "Select a rule to see it in full" + (" and change it." if editable else ".")
        )
        self.edit_rule_button.setEnabled(editable and entry is not None)
        self.reset_rule_button.setEnabled(editable and entry is not None and entry.overridden)
        self.reset_rule_button.setText(
            "Remove the council's rule"
            if entry is not None and entry.overridden and entry.shipped is None
            else "Back to the shipped rule"
        )
        has_overrides = bool(getattr(self, "_overrides", None))
        self.export_rules.setEnabled(has_overrides)
        self.clear_rules.setEnabled(editable and has_overrides)

    def edit_rule(self) -> None:
        """Open the selected rule in the change dialog (administrators only)."""
        entry = self.selected_rule()
        if entry is None or not self.ctx.can_edit_settings:
            return
        dialog = RuleEditDialog(self.ctx, entry, parent=self)
        if prompts().run_dialog(dialog):
            self._rules_changed(f"“{entry.rule.title}” changed.")

    def reset_rule(self) -> None:
        entry = self.selected_rule()
        if entry is None or not self.ctx.can_edit_settings or not entry.overridden:
            return
        if entry.shipped is None:
            question = f"Remove the council's own rule “{entry.rule.title}” ({entry.rule.id})?"
        else:
            question = (
                f"Put “{entry.rule.title}” back to the shipped rule "
                f"({entry.shipped.describe()})? The council's "
                f"change ({value_text(entry.rule)}: {entry.council_source}) is removed."
            )
        if not prompts().confirm(self, question):
            return
        done = perform(
            self,
            self.ctx,
            actions.reset_rule,
            entry.rule.id,
            expected_version=entry.version,
            checks=(),
        )
        if done is not None:
            self._rules_changed(f"“{entry.rule.title}” is back to the shipped rule.")

    def export_overrides(self) -> None:
        """Save the council's overrides as a rules file it can keep (and load again)."""
        with self.ctx.db.session() as s:
            overrides = stored_overrides(s)
            history = override_history(s)
        if not overrides:
            prompts().info(self, "The council has no rule overrides to export.")
            return
        path = prompts().save_file(
            self, "Export the council's rules", "council-rules.toml", "Rules (*.toml)"
        )
        if not path:
            return
        text = overrides_to_toml(overrides, council=self.ctx.council_name(), history=history)
        try:
            write_output(path, text)
        except ReviewdeskError as exc:
            prompts().error(self, f"The rules file was not saved: {exc}")
            return
        perform(
            self,
            self.ctx,
            actions.record_export,
            "council rules",
            destination=path,
            children=None,
            detail={"rules": len(overrides)},
            checks=(),  # (the file is written: its record must not wait on a box)
        )
        prompts().info(self, f"{len(overrides)} council rules saved to {path}")

    def _rules_changed(self, message: str = "") -> None:
        """Show the rules in force now and say what changed (the action's changes have
        already reached every page: the due dates on every page are worked out again)."""
        self._load_rules()
        window = self.window()
        status = getattr(window, "statusBar", None)
        if message and callable(status):
            status().showMessage(message, 8000)

    # --- saving ---------------------------------------------------------------------------
    def form_values(self) -> dict:
        """The settings as the form has them."""
        targets = dict(self._shown("targets") or DEFAULTS["targets"])
        targets["lac_reviews_in_timescale"] = self.lac_target.value()
        targets["cp_conferences_in_timescale"] = self.cp_target.value()
        return {
            "council_name": self.council.text().strip(),
            "region": self.region.currentData(),
            "caseload_min_per_fte": self.low.value(),
            "caseload_max_per_fte": self.high.value(),
            "targets": targets,
            KEEP_SETTING: self.backups_kept.value(),
        }

    def _shown(self, key: str):
        return self._settings.get(key, (DEFAULTS.get(key), 0))[0]

    def save(self) -> None:
        """Save the settings the person changed, each built on the version shown."""
        if not self.ctx.can_edit_settings or refuse_wrong_entries(self.council_box):
            return  # (a number out of range would otherwise read as "nothing changed")
        if self.low.value() > self.high.value():
            prompts().error(self, "Caseload range: the lowest is more than the highest.")
            return
        changes = {
            key: (value, self._settings.get(key, (None, 0))[1])
            for key, value in self.form_values().items()
            if value != self._shown(key)
        }
        if not changes:
            return
        if perform(self, self.ctx, actions.save_settings, changes, checks=self.council_box) is None:
            return
        window = self.window()
        if callable(getattr(window, "statusBar", None)):
            window.statusBar().showMessage("Settings saved.", 8000)

    def _add_closure(self) -> None:
        day: dt.date = from_qdate(self.closure_date.date())
        text = self.closure_text.text().strip() or "Council closed"
        perform(
            self,
            self.ctx,
            actions.set_closure_day,
            day,
            text,
            expected_version=self._closure_versions.get(day, 0),
            checks=self.closure_date,
        )

    def _remove_closure(self) -> None:
        item = self.closures.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item else None
        if not value:
            return
        day = dt.date.fromisoformat(value)
        perform(
            self,
            self.ctx,
            actions.remove_closure_day,
            day,
            expected_version=self._closure_versions.get(day, 0),
            checks=(),
        )

    def _load_overrides(self) -> None:
        """Replace the council's rule overrides with the [[rule]] tables of a TOML file; the
        file is checked in full first (every rule names its source)."""
        if not self.ctx.can_edit_settings:
            return
        path = prompts().open_file(self, "Choose the council's rules file", "Rules (*.toml)")
        if not path:
            return
        try:
            entries = overrides_from_toml(read_rules_text(path), path)
        except ReviewdeskError as exc:
            prompts().error(self, refusal_message(exc))
            return
        done = perform(
            self,
            self.ctx,
            actions.replace_rules,
            entries,
            expected_versions=dict(self._rule_versions),
            checks=(),
        )
        if done is not None:
            self._rules_changed(f"{len(entries)} council rules loaded from {path}")

    def _clear_overrides(self) -> None:
        if not self.ctx.can_edit_settings:
            return
        if prompts().confirm(self, "Go back to the shipped rules, removing the council's own?"):
            done = perform(
                self,
                self.ctx,
                actions.replace_rules,
                [],
                expected_versions=dict(self._rule_versions),
                checks=(),
            )
            if done is not None:
                self._rules_changed("The shipped rules apply again.")

    def _save_database(self) -> None:
        QSettings().setValue("database/target", self.db_next.text().strip())
        prompts().info(self, "reviewdesk will open this database next time it starts.")


__all__ = ["SettingsPage"]
