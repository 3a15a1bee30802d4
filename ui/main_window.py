"""The main window: navigation on the left, one page at a time, menus and a status bar.

Its size, position and splitter state are remembered between runs (QSettings), with the
case list's columns, the diary's grouping and the Settings tab last open.
"""

from __future__ import annotations

import datetime as dt
import gc
import re

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reviewdesk import __version__
from reviewdesk.actions import Changes
from reviewdesk.codes import Role
from reviewdesk.periods import Period
from reviewdesk.storage.db import is_memory_url
from reviewdesk.vocabulary import format_uk as uk
from reviewdesk.vocabulary import format_uk_long, week_start
from ui.context import AppContext
from ui.pages import Page
from ui.prompts import prompts
from ui.screen import clamp_to_screen, fit_main_window

PAGE_NAMES = ("Dashboard", "Cases", "Diary", "Workload", "Settings")
#: The pages a child's page can be opened from (a meeting on them), and the child page's
#: back button's words for each.
BACK_WORDS = {0: "the dashboard", 2: "the diary"}

#: Keys that work in place (not menu shortcuts), for the F1 list, each with what the role
#: needs for it (the `AppContext` property that enables it; None for anyone).
KEYS_IN_PLACE: list[tuple[str, str | None]] = [
    ("Tab / Shift+Tab\tMove between the boxes, lists and buttons (Tab leaves a table)", None),
    ("Arrows, Page Up / Page Down\tMove in a list or table", None),
    ("Down or Enter in the search box\tGo to the children found", None),
    ("Enter or double-click\tOpen the selected child; in the diary, open a meeting", None),
    (
        "Enter or double-click on a child's timeline\tRecord the selected meeting's outcome",
        "can_record_any",
    ),
    (
        "Enter or double-click on a meeting due (a child's timeline) or a free slot (the "
        "diary)\tBook it",
        "can_book",
    ),
    (
        "Esc\tBack from a child to where you opened them (the case list, the diary or the "
        "dashboard); show every child again; close a dialog (asking first if what you "
        "entered in it would be lost)",
        None,
    ),
    (
        "In a date box\tType the date (dd/mm/yyyy) over it; Up / Down change the part under "
        "the cursor; Alt+Down opens the calendar",
        None,
    ),
    (
        "In the booking dialog\tEnter on a free slot takes it; only the Book button books",
        "can_book",
    ),
    ("Alt + the underlined letter\tThe field or button with that letter", None),
    (
        "Ctrl+Tab / Ctrl+Shift+Tab, Ctrl+Page Down / Ctrl+Page Up\tIn Settings, the next or "
        "previous tab",
        None,
    ),
    (
        "On a child's page\tAlt+M family and network; Alt+N the selected meeting's "
        "invitations, reports and pack",
        None,
    ),
    (
        "In a print preview\tCtrl+P print, Ctrl+S save a copy, Page Up / Page Down, "
        "Ctrl+Plus / Ctrl+Minus zoom, Esc close",
        None,
    ),
]


#: File > Import, and the same item for a role that may not import.
IMPORT_TEXT = "&Import from 903 or CIN census…"
IMPORT_OFF_TEXT = "&Import from 903 or CIN census (an administrator imports)"


class MainWindow(QMainWindow):
    def __init__(
        self, ctx: AppContext, *, settings: QSettings | None = None, background: bool = False
    ) -> None:
        """``background``: load long lists off the UI thread (the real window; tests and the
        smoke check load synchronously)."""
        super().__init__()
        from ui.pages.cases import CasesPage
        from ui.pages.dashboard import DashboardPage
        from ui.pages.diary import DiaryPage
        from ui.pages.settings import SettingsPage
        from ui.pages.workload import WorkloadPage

        self.ctx = ctx
        self.settings = settings or QSettings()
        council = ctx.council_name()
        self.setWindowTitle(f"reviewdesk — {council}" if council else "reviewdesk")
        self.setAccessibleName("reviewdesk main window")

        self.dashboard = DashboardPage(ctx, background=background)
        self.cases = CasesPage(ctx, background=background)
        self.diary = DiaryPage(ctx, background=background)
        self.workload = WorkloadPage(ctx, background=background)
        self.settings_page = SettingsPage(ctx)
        self.pages: list[Page] = [
            self.dashboard,
            self.cases,
            self.diary,
            self.workload,
            self.settings_page,
        ]
        self.dashboard.open_cases.connect(self._open_case_list)
        self.dashboard.open_flagged.connect(self._open_case_list)
        self.dashboard.open_child.connect(self.open_child)
        self.diary.open_child.connect(self.open_child)
        self.workload.open_cases.connect(self._open_case_list)
        self.workload.open_caseload_range.connect(self._open_caseload_range)
        self.dashboard.open_workload.connect(lambda: self.show_page(3))
        self.cases.child.back.connect(self._back_from_child)  # after the case page's own
        self.audit_window = None
        self.change_watcher = None
        # Every action's changes reach every page (Anki's operation_did_execute).
        ctx.subscribe(self.on_changes)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Navigation")
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        for n, name in enumerate(PAGE_NAMES, start=1):
            item = QListWidgetItem(name)
            item.setToolTip(f"{name} (Ctrl+{n})")
            self.nav.addItem(item)
        self.nav.setFixedWidth(170)
        self.stack = QStackedWidget()
        for page in self.pages:
            page.setAccessibleName(f"{page.title} page")
            self.stack.addWidget(page)
        self.nav.currentRowChanged.connect(self._navigate)

        # Shown while the register is seen as of another day: what, and the way back.
        self.as_of_bar = QWidget()
        self.as_of_bar.setObjectName("asOfBar")
        self.as_of_bar.setProperty("role", "as-of")
        self.as_of_text = QLabel()
        self.as_of_text.setWordWrap(True)
        self.as_of_text.setAccessibleName("Viewing the register as of another day")
        self.as_of_back = QPushButton("Back to today")
        self.as_of_back.setAccessibleName("Back to today")
        self.as_of_back.clicked.connect(lambda: self.set_as_of(self.ctx.today))
        bar_row = QHBoxLayout(self.as_of_bar)
        bar_row.setContentsMargins(12, 6, 12, 6)
        bar_row.addWidget(self.as_of_text, 1)
        bar_row.addWidget(self.as_of_back)
        self.as_of_bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.as_of_bar.setVisible(False)

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(16, 10, 16, 6)
        holder_layout.addWidget(self.as_of_bar)
        holder_layout.addWidget(self.stack)
        # On a screen smaller than a page needs (a 1366x768 laptop at scale 2 leaves 683x384
        # points) the page scrolls inside the window rather than the window growing past the
        # screen's edges; on any larger screen the page simply fills it.
        self.page_scroll = QScrollArea()
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.page_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no invisible Tab stop
        self.page_scroll.setWidget(holder)
        row.addWidget(self.page_scroll, 1)
        # Each page opens at its top left (a child's page from the list too): the scroll
        # was the last page's, and a tile far right on the dashboard opened the case list
        # with its heading and the children's names off the left edge.
        self.stack.currentChanged.connect(self._page_from_its_top_left)
        self.cases.stack.currentChanged.connect(self._page_from_its_top_left)
        self.setCentralWidget(central)

        self._build_menus()
        self._build_status_bar()
        self._restore_layout()
        self.nav.setCurrentRow(0)

    # --- menus ----------------------------------------------------------------------------
    def _action(self, text: str, shortcut, slot, *, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.refresh_action = self._action(
            "&Refresh", QKeySequence.StandardKey.Refresh, self.refresh_all, tip="Reload the data"
        )
        file_menu.addAction(self.refresh_action)
        self.demo_action = self._action(
            "Create &demo authority…", None, self.offer_demo, tip="Fill an empty database"
        )
        self._offer_demo()
        file_menu.addAction(self.demo_action)
        self.import_action = self._action(
            IMPORT_TEXT, "Ctrl+I", self.import_data, tip="Import returns"
        )
        file_menu.addAction(self.import_action)
        self.export_action = self._action(
            "&Export the case list…", "Ctrl+E", self.export_cases, tip="As shown: xlsx or csv"
        )
        file_menu.addAction(self.export_action)
        self.export_schedule_action = self._action(
            "Export the meeting &schedule…",
            None,
            lambda _checked=False: self.export_schedule(),
            tip="Meetings from the as-of date: csv, xlsx or iCalendar",
        )
        self.export_measures_action = self._action(
            "Export the timeliness &measures…",
            None,
            self.export_measures,
            tip="The last 12 months: csv or xlsx",
        )
        self.export_calendar_action = self._action(
            "Export a chair's, room's or clerk's &calendar…",
            None,
            self.export_calendar_of,
            tip="Their meetings only: iCalendar, csv or xlsx",
        )
        self.export_chase_action = self._action(
            "Export the reports to &chase…",
            None,
            self.export_chase,
            tip="Reports due soon and not received, by author and agency: csv or xlsx",
        )
        file_menu.addAction(self.export_schedule_action)
        file_menu.addAction(self.export_calendar_action)
        file_menu.addAction(self.export_measures_action)
        file_menu.addAction(self.export_chase_action)
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", QKeySequence.StandardKey.Quit, self.close))

        view = bar.addMenu("&View")
        self.page_actions = []
        for n, name in enumerate(PAGE_NAMES):
            action = self._action(
                f"&{name}", f"Ctrl+{n + 1}", lambda _c=False, i=n: self._go_to_page(i)
            )
            self.page_actions.append(action)
            view.addAction(action)
        view.addSeparator()
        self.as_of_action = self._action(
            "&As-of date…", "Ctrl+Shift+D", self.choose_as_of, tip="See the register as on a date"
        )
        view.addAction(self.as_of_action)
        self.find_action = self._action(
            "&Find a child…", QKeySequence.StandardKey.Find, self.focus_search
        )
        view.addAction(self.find_action)
        self.audit_action = self._action(
            "Audit &trail…",
            "Ctrl+Shift+A",
            self.show_audit,
            tip="Who changed what and when (administrators and team managers)",
        )
        view.addAction(self.audit_action)
        self.directory_action = self._action(
            "Di&rectory of professionals…",
            "Ctrl+Shift+R",
            self.show_directory,
            tip="Professionals and agencies to invite and ask for reports",
        )
        view.addAction(self.directory_action)

        diary = bar.addMenu("&Diary")
        diary.addAction(self._action("&Previous week", "Alt+Left", self._prev_week))
        diary.addAction(self._action("&Next week", "Alt+Right", self._next_week))
        diary.addAction(self._action("&This week", "Alt+Home", self._this_week))

        child = bar.addMenu("&Child")
        # The child page's own actions (their shortcuts work on that page; F1 lists them).
        for action in self.cases.child.page_actions:
            child.addAction(action)
        child.aboutToShow.connect(self.cases.child._selection)
        self.child_menu = child

        documents = bar.addMenu("D&ocuments")
        for text, kind, shortcut in (
            ("&Weekly schedule (the diary's week)", "weekly", "Ctrl+P"),
            ("&Packs for the diary's week", "packs", None),
            ("Work&load list", "workload", None),
            ("Reports to &chase", "chase", None),
            ("&Timeliness report…", "timeliness", None),
            ("IRO &oversight report…", "oversight", None),
        ):
            documents.addAction(
                self._action(text, shortcut, lambda _c=False, k=kind: self.print_document(k))
            )
            if kind == "workload":
                # An IRO's own children only (every IRO's list runs to dozens of pages).
                self.my_workload_action = self._action(
                    "&My workload list",
                    None,
                    lambda _c=False: self.print_document("workload", own=True),
                    tip="Your own caseload: the children you review or chair, and when",
                )
                documents.addAction(self.my_workload_action)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(
            self._action(
                "&Keyboard shortcuts", QKeySequence.StandardKey.HelpContents, self.shortcuts
            )
        )
        help_menu.addAction(self._action("&About reviewdesk", None, self.about))

        #: What the window's menu actions need of the role (the `AppContext` property that
        #: says so); the child page's own are in its ``role_needs``. `role_allows` reads
        #: them: for enabling the actions and for F1's list alike.
        self.role_needs: dict[QAction, str] = {
            self.import_action: "can_import",
            self.audit_action: "can_view_audit",
        }
        self._enable_by_role()

    def role_allows(self, action: QAction) -> bool:
        """Whether the acting user's role may use a menu action at all."""
        need = self.role_needs.get(action)
        if need is None:
            return self.cases.child.role_allows(action)
        return bool(getattr(self.ctx, need))

    def _enable_by_role(self) -> None:
        for action in self.role_needs:
            action.setEnabled(self.role_allows(action))
        # Off, the item says who imports (a disabled menu item shows no tip in Fusion).
        self.import_action.setText(
            IMPORT_TEXT if self.role_allows(self.import_action) else IMPORT_OFF_TEXT
        )
        self.my_workload_action.setVisible(self.own_caseload() is not None)

    def own_caseload(self) -> int | None:
        """The staff record whose caseload is the acting user's own: an IRO's, linked."""
        actor = self.ctx.actor
        if actor is None or actor.role is not Role.IRO:
            return None
        return actor.staff_id

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.db_label = _ShortenedLabel(f"Database: {self.ctx.database_label()}")
        self.db_label.setAccessibleName("Database in use")
        warnings = list(getattr(self.ctx.db, "warnings", []) or [])
        if warnings:
            self.db_label.setText(f"⚠ Database: {self.ctx.database_label()}")
            self.db_label.setToolTip("\n".join([self.db_label.text(), *warnings]))
        self.user_label = QLabel()
        self.user_label.setAccessibleName("Signed-in user and role")
        self._user_status()
        self.as_of_label = QLabel(f"As of {uk(self.ctx.as_of)}")
        self.as_of_label.setAccessibleName("As-of date")
        self.calendar_label = QLabel()
        self._calendar_status()
        status.addWidget(self.db_label, 1)
        status.addPermanentWidget(self.calendar_label)
        status.addPermanentWidget(self.user_label)
        status.addPermanentWidget(self.as_of_label)

    def _user_status(self) -> None:
        actor = self.ctx.actor
        name = actor.username if actor is not None else self.ctx.db.username
        self.user_label.setText(f"{name} — {self.ctx.role_label}")

    def _calendar_status(self) -> None:
        self.calendar_label.setText(f"Bank holidays: {self.ctx.region_label()}")
        self.calendar_label.setAccessibleName("Working-day calendar in use")

    # --- pages ----------------------------------------------------------------------------
    def show_page(self, index: int) -> None:
        if not 0 <= index < len(self.pages):
            return
        page = self.pages[index]
        for other in self.pages:
            # The stack asks only the page on show for its least size: one page's needs (the
            # dashboard's tiles) no longer make every other page scroll in a small window.
            ignored = other is not page
            other.setSizePolicy(
                QSizePolicy.Policy.Ignored if ignored else QSizePolicy.Policy.Preferred,
                QSizePolicy.Policy.Ignored if ignored else QSizePolicy.Policy.Preferred,
            )
        self.stack.setCurrentWidget(page)
        if page is not self.cases and self.cases.child.back_to != "cases":
            self.cases.child.set_back_to("cases")  # gone elsewhere: back is the case list
        page.ensure_loaded()
        if self.nav.currentRow() != index:
            self.nav.setCurrentRow(index)

    def _page_from_its_top_left(self, _index: int = 0) -> None:
        self.page_scroll.horizontalScrollBar().setValue(0)
        self.page_scroll.verticalScrollBar().setValue(0)

    def _navigate(self, index: int) -> None:
        """A page chosen from the navigation (or Ctrl+1…5): the case list shows every child
        again, not the children a dashboard tile narrowed it to."""
        if index == 1 and self.cases.list.narrowed_to is not None:
            self.cases.list.show_only(None)
        self.show_page(index)

    def current_page(self) -> Page:
        return self.stack.currentWidget()

    def refresh_all(self) -> None:
        """F5 and a new as-of date: every page reads again (the one on screen at once, the
        others when next shown); the case list shows every child again. Who is acting is read
        again too: another administrator may have changed their role meanwhile."""
        actor = self.ctx.actor
        self.ctx.reload_actor()
        if self.ctx.actor != actor:
            self._apply_role()
        else:
            self._offer_demo()  # someone else may have filled the database meanwhile
        self.ctx.data_version += 1
        self.cases.list.show_all()
        for page in self.pages:
            page.reload(shown=page is self.current_page())

    def on_changes(self, changes: Changes) -> None:
        """An action changed data: the status bar, the menus the role allows, and each page
        that shows any of it (on screen at once; others when next shown)."""
        if changes.calendar:
            self._calendar_status()
        if changes.touches("setting"):
            council = self.ctx.council_name()
            self.setWindowTitle(f"reviewdesk — {council}" if council else "reviewdesk")
        if changes.touches("app_user"):
            self._apply_role()
        elif changes.touches("child"):
            self._offer_demo()  # the first children arrived, or the last went
        for page in self.pages:
            page.on_changes(changes)
        if self.audit_window is not None:
            self.audit_window.on_changes(changes)

    def watch_others_changes(self, every_ms: int | None = None) -> None:
        """Show other people's changes without F5 (`ui.change_watch`): the real window
        does; a database in memory has no one else."""
        from ui.change_watch import POLL_MS, ChangeWatcher

        if self.change_watcher is None and not is_memory_url(self.ctx.db.url):
            self.change_watcher = ChangeWatcher(self.ctx, self, every_ms=every_ms or POLL_MS)

    def _offer_demo(self) -> None:
        """The demo authority only for an empty database (the action refuses any other), and
        for those who may create it."""
        self.demo_action.setEnabled(self.ctx.can_create_demo and self.ctx.is_empty())

    def _apply_role(self) -> None:
        """The acting user's role changed: the status bar, and what the window offers."""
        self._user_status()
        self._offer_demo()
        self._enable_by_role()
        self.cases.child.apply_role()
        self.workload.apply_role()
        # The diary says whether a free slot can be booked: read again.
        self.diary.reload(shown=self.current_page() is self.diary)
        if self.audit_window is not None and not self.ctx.can_view_audit:
            self.audit_window.close()  # the new role may not read the trail

    def show_audit(self) -> None:
        """The audit trail with its filters (administrators and team managers)."""
        from ui.audit_view import AuditWindow

        if not self.ctx.can_view_audit:
            return
        if self.audit_window is None:
            self.audit_window = AuditWindow(self.ctx, self)
        self.audit_window.show()
        self.audit_window.raise_()
        self.audit_window.activateWindow()

    def show_directory(self) -> None:
        from ui.dialogs.people import DirectoryDialog

        prompts().run_dialog(DirectoryDialog(self.ctx, parent=self))

    def load_initial_data(self) -> None:
        """Load the pages people look at first (the smoke check calls this too)."""
        # The window, its pages and the libraries are made and kept for the session: left
        # out of the collector's full passes from now (they are most of what it would go
        # through while the first readings come in). `ui.snapshot` freezes again later.
        gc.freeze()
        self.dashboard.ensure_loaded()
        self.cases.ensure_loaded()

    def _go_to_page(self, index: int) -> None:
        """Ctrl+1…5: as the navigation does (and Cases shows the list, not a child), with
        the keyboard in the page's main table (`Page.home`)."""
        if index == 1:
            self.cases.show_list()
        if self.nav.currentRow() == index:
            self._navigate(index)
        else:
            self.nav.setCurrentRow(index)
        home = self.pages[index].home()
        if home is not None:
            home.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_search(self) -> None:
        self.show_page(1)
        self.cases.show_list()
        self.cases.list.search.setFocus()
        self.cases.list.search.selectAll()

    def open_child(self, child_id: int, meeting_id: int | None = None) -> None:
        """The child's page; with ``meeting_id`` (a meeting opened from the diary or the
        dashboard's week) that meeting is selected, so Ctrl+R, Ctrl+Shift+X and Ctrl+O act
        on it at once."""
        came_from = self.stack.currentIndex()
        self.show_page(1)
        self.cases.open_child(child_id)
        if came_from in BACK_WORDS:  # Esc leads back there, not to the case list
            self.cases.child.set_back_to(BACK_WORDS[came_from])
        if meeting_id is not None:
            self.cases.child.select_meeting(meeting_id)

    def _back_from_child(self) -> None:
        """The child page's back button (Esc): the case list is shown behind it, and the
        page the child was opened from (the diary, the dashboard) comes back to the front."""
        where = next((i for i, w in BACK_WORDS.items() if w == self.cases.child.back_to), None)
        if where is not None:
            self.show_page(where)

    def _open_case_list(self, child_ids, caption: str, reasons=None, tile=None) -> None:
        self.show_page(1)
        self.cases.show_list()
        self.cases.list.show_only(child_ids, caption, reasons, tile)

    def _open_caseload_range(self) -> None:
        """The Workload page's "Caseload range…": Settings, at the range's first field."""
        self.show_page(PAGE_NAMES.index("Settings"))
        self.settings_page.show_caseload_range()

    def _prev_week(self) -> None:
        self.show_page(2)
        self.diary.move_weeks(-1)

    def _next_week(self) -> None:
        self.show_page(2)
        self.diary.move_weeks(1)

    def _this_week(self) -> None:
        self.show_page(2)
        self.diary.go_to(self.ctx.as_of)

    def choose_as_of(self) -> None:
        from reviewdesk.dates import parse_uk
        from reviewdesk.errors import InvalidInput

        text = prompts().text(
            self, "As-of date", "Show everything as it stood on (dd/mm/yyyy; empty for today):"
        )
        if text is None:
            return
        try:
            day = parse_uk(text.strip(), "as-of date") if text.strip() else dt.date.today()
        except InvalidInput as exc:
            prompts().error(self, str(exc))
            return
        self.set_as_of(day)

    def set_as_of(self, day: dt.date) -> None:
        """Look at the register as it stood on ``day``: every page works from this date. On
        a day other than the session's own a bar says so, and nothing can be booked,
        recorded or edited until Back to today."""
        self.ctx.as_of = day
        past = self.ctx.viewing_past
        self.as_of_label.setText(f"As of {uk(day)}" + (" (read only)" if past else ""))
        self.as_of_bar.setVisible(past)
        self.as_of_text.setText(
            f"You are looking at the register as it stood on {format_uk_long(day)}. "
            "Booking, recording and editing are off until you go back to today."
            if past
            else ""
        )
        self.cases.list.model.set_as_of(day)
        self.diary.monday = week_start(day)
        self.refresh_all()
        self.cases.child._selection()

    def shortcut_lines(self) -> list[str]:
        """Every menu action's shortcut and what it does (read from the menus, so none is
        left out), then the keys that work inside lists and boxes: only those the acting
        user's role may use (`role_allows`, the check that enables them)."""
        lines = []
        for menu_action in self.menuBar().actions():
            menu = menu_action.menu()
            title = menu_action.text().replace("&", "")
            for action in menu.actions() if menu is not None else ():
                key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                if key and not action.isSeparator() and self.role_allows(action):
                    what = action.text().replace("&", "").rstrip("…")
                    lines.append(f"{key}\t{what} ({title})")
        return lines + [
            line for line, need in KEYS_IN_PLACE if need is None or getattr(self.ctx, need)
        ]

    def shortcuts(self) -> None:
        from ui.shortcuts_dialog import ShortcutsDialog

        prompts().run_dialog(ShortcutsDialog(self.shortcut_lines(), self))

    def about(self) -> None:
        from reviewdesk.errorlog import log_path

        prompts().info(
            self,
            f"reviewdesk {__version__}\n\nStatutory reviews and child protection conferences: "
            "due dates, flags, scheduling and packs.\n\n"
            f"Problems are logged in {log_path()}",
        )

    def print_document(self, kind: str, *, own: bool = False) -> None:
        """A document of the menu's; ``own``: the workload list of the acting IRO only."""
        from ui.documents import make_document

        options: dict[str, object] = {}
        if kind in ("weekly", "packs"):
            options["week"] = self.diary.monday
        if kind in ("timeliness", "oversight"):
            period = self.choose_period(
                "Timeliness report" if kind == "timeliness" else "IRO oversight report",
                usual=0 if kind == "timeliness" else 2,  # the last 12 months; last quarter
            )
            if period is None:
                return
            options["start"], options["end"] = period.start, period.end
        if own:
            staff_id = self.own_caseload()
            if staff_id is None:
                return
            options["iro"] = staff_id
        make_document(self, self.ctx, kind, **options)

    def export_cases(self) -> None:
        """Save the case list as it is shown (filter and order) to an xlsx or csv file."""
        from pathlib import Path

        from reviewdesk.export.cases import export_cases
        from ui.operations import perform_in_background

        model = self.cases.list.model
        ids = [model.child_id(r) for r in range(model.rowCount())]
        name = f"cases-{self.ctx.as_of.isoformat()}.xlsx"
        target = prompts().save_file(
            self, "Export the case list", name, "Excel workbook (*.xlsx);;CSV (*.csv)"
        )
        if not target:
            return
        path = Path(target)
        if path.suffix.lower() not in (".xlsx", ".csv"):
            path = path.with_suffix(".xlsx")
        db, as_of, dues, actor = self.ctx.db, self.ctx.as_of, model.next_dues, self.ctx.actor
        self.statusBar().showMessage(f"Exporting {len(ids):,} children…")

        def job(progress) -> Changes:
            from reviewdesk.actions import record_export

            with db.session() as s:
                count = export_cases(s, ids, path, as_of=as_of, dues=dues, progress=progress)
            return record_export(
                db,
                actor,
                "case list",
                destination=path,
                children=ids,
                detail={"format": path.suffix.lower().lstrip("."), "rows": count},
            )

        def done(changes: Changes) -> None:
            count = changes.result.children or 0
            self.statusBar().showMessage(f"Exported {count:,} children to {path}", 8000)

        def failed(exc: BaseException) -> None:
            from ui.errors import friendly_message

            self.statusBar().clearMessage()
            prompts().error(self, "The case list was not exported: " + friendly_message(exc))

        self._export_task = perform_in_background(
            self, self.ctx, job, on_success=done, on_failure=failed
        )

    def _export_file(self, title: str, name: str, patterns: str, formats: tuple[str, ...], job):
        """Ask where to save, then run ``job(path, fmt)`` off the UI thread; the job returns
        what it recorded as data leaving the system (`record_export`'s changes)."""
        from pathlib import Path

        from ui.tasks import run_in_background

        target = prompts().save_file(self, title, name, patterns)
        if not target:
            return
        path = Path(target)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in formats:
            fmt = formats[0]
            path = path.with_suffix(f".{fmt}")
        self.statusBar().showMessage(f"{title}…")

        def done(changes) -> None:
            if isinstance(changes, Changes):
                self.ctx.did_change(changes)
            else:
                self.ctx.action_failed()  # (nothing recorded: nothing changed)
            self.statusBar().showMessage(f"Saved {path}", 8000)

        def failed(exc: BaseException) -> None:
            from ui.errors import friendly_message

            self.ctx.action_failed()
            self.statusBar().clearMessage()
            prompts().error(self, f"{title} did not finish: {friendly_message(exc)}")

        self.ctx.action_starting()  # the job records the export (an action)
        self._export_task = run_in_background(
            lambda _p: job(path, fmt), on_success=done, on_failure=failed
        )

    def export_schedule(self, filters: dict | None = None, whose: dict | None = None) -> None:
        """Export the schedule: everyone's, or (``filters``: chair_ids, room_ids, clerk_ids)
        the meetings of the chair, room or clerk named in ``whose``."""
        from reviewdesk.export import export_schedule

        db, as_of, actor = self.ctx.db, self.ctx.as_of, self.ctx.actor
        filters, whose = filters or {}, whose or {}

        def job(path, fmt):
            from reviewdesk.actions import record_export

            with db.session() as s:
                rows = export_schedule(s, path, fmt, as_of=as_of, **filters)
            return record_export(
                db,
                actor,
                "meeting schedule",
                destination=path,
                children={r.child_key for r in rows},
                detail={"format": fmt, "rows": len(rows), **whose},
            )

        if whose:
            slug = "-".join(
                re.sub(r"[^a-z0-9]+", "-", n.lower()).strip("-") for n in whose.values()
            )
            self._export_file(
                "Export the calendar of " + ", ".join(whose.values()),
                f"calendar-{slug}-{as_of.isoformat()}.ics",
                "iCalendar (*.ics);;Excel workbook (*.xlsx);;CSV (*.csv)",
                ("ics", "xlsx", "csv"),
                job,
            )
            return
        self._export_file(
            "Export the meeting schedule",
            f"schedule-{as_of.isoformat()}.xlsx",
            "Excel workbook (*.xlsx);;CSV (*.csv);;iCalendar (*.ics)",
            ("xlsx", "csv", "ics"),
            job,
        )

    def export_calendar_of(self) -> None:
        """One chair's, room's or clerk's meetings (a calendar of their own)."""
        from ui.dialogs.schedule_filter import ScheduleFilterDialog

        dialog = ScheduleFilterDialog(self.ctx, self)
        if prompts().run_dialog(dialog):
            whose = {key: name for key, (_ident, name) in dialog.chosen().items()}
            self.export_schedule(dialog.filters(), whose)

    def choose_period(self, title: str, *, usual: int = 0) -> Period | None:
        """The period a report covers, as the person chooses it (None: cancelled)."""
        from ui.dialogs.period import PeriodDialog

        dialog = PeriodDialog(title, self.ctx.as_of, self, usual=usual)
        return dialog.period() if prompts().run_dialog(dialog) else None

    def export_measures(self) -> None:
        from reviewdesk.export import write_measures
        from reviewdesk.measures import compute_measures

        period = self.choose_period("Export the timeliness measures")
        if period is None:
            return
        db, actor = self.ctx.db, self.ctx.actor
        start, end = period.start, period.end

        def job(path, fmt):
            from reviewdesk.actions import record_export

            with db.session() as s:
                report = compute_measures(s, start=start, end=end)
            write_measures(report, path, fmt)
            return record_export(
                db,
                actor,
                "timeliness measures",
                destination=path,
                children=None,
                detail={"format": fmt, "from": start.isoformat(), "to": end.isoformat()},
            )

        self._export_file(
            "Export the timeliness measures",
            f"timeliness-{start.isoformat()}-to-{end.isoformat()}.xlsx",
            "Excel workbook (*.xlsx);;CSV (*.csv)",
            ("xlsx", "csv"),
            job,
        )

    def export_chase(self) -> None:
        from reviewdesk.export.chase import write_chase
        from reviewdesk.invitations.chase import chase_rows
        from reviewdesk.settings import get_setting, working_context

        db, as_of, actor = self.ctx.db, self.ctx.as_of, self.ctx.actor

        def job(path, fmt):
            from reviewdesk.actions import record_export

            with db.session() as s:
                within = int(get_setting(s, "chase_working_days"))
                rules, calendar = working_context(s)
                rows = chase_rows(s, as_of=as_of, within=within, rules=rules, calendar=calendar)
            write_chase(rows, path, fmt)
            return record_export(
                db,
                actor,
                "reports to chase",
                destination=path,
                children={r.child_id for r in rows},
                detail={"format": fmt, "rows": len(rows), "within": within},
            )

        self._export_file(
            "Export the reports to chase",
            f"reports-to-chase-{as_of.isoformat()}.xlsx",
            "Excel workbook (*.xlsx);;CSV (*.csv)",
            ("xlsx", "csv"),
            job,
        )

    def import_data(self) -> None:
        from ui.dialogs.import_dialog import ImportDialog

        if not self.ctx.can_import:
            return
        dialog = ImportDialog(self.ctx, self)
        prompts().run_dialog(dialog)  # the import's changes reach every page as it finishes

    def offer_demo(self) -> None:
        from ui.first_run import offer_demo

        offer_demo(self, self.ctx, ask=False)  # its changes reach every page

    # --- layout memory --------------------------------------------------------------------
    def _restore_layout(self) -> None:
        """The size and place of last time, kept on the screen (a geometry saved on a bigger
        monitor, or at another scale, is pulled back and shrunk to fit); the first time,
        most of the screen."""
        geometry = self.settings.value("main/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
            clamp_to_screen(self)
        else:
            fit_main_window(self)
        state = self.settings.value("main/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        columns = self.settings.value("cases/columns")
        if isinstance(columns, QByteArray):
            self.cases.list.table.horizontalHeader().restoreState(columns)
            # Widths a person chose are kept; others are fitted to this window when it shows.
            table = self.cases.list.table
            table.sized_by_hand = self.settings.value("cases/columns-by-hand") in (True, "true")
        by = self.settings.value("diary/by")
        if by in ("chair", "room", "clerk"):
            self.diary.by.setCurrentIndex(self.diary.by.findData(by))
        tab = self.settings.value("settings/tab")
        if isinstance(tab, str):
            self.settings_page.show_tab(tab)
        mine = self.settings.value("dashboard/my-cases") in (True, "true")
        self.dashboard.my_cases.setChecked(mine and not self.dashboard.my_cases.isHidden())

    def save_layout(self) -> None:
        self.settings.setValue("main/geometry", self.saveGeometry())
        self.settings.setValue("main/state", self.saveState())
        self.settings.setValue(
            "cases/columns", self.cases.list.table.horizontalHeader().saveState()
        )
        self.settings.setValue("cases/columns-by-hand", self.cases.list.table.sized_by_hand)
        self.settings.setValue("diary/by", self.diary.by.currentData())
        self.settings.setValue("settings/tab", self.settings_page.current_tab())
        self.settings.setValue("dashboard/my-cases", self.dashboard.my_cases.isChecked())

    def closeEvent(self, event: QCloseEvent) -> None:
        from ui.print_preview import open_previews

        self.save_layout()
        for preview in open_previews():  # before they go down with the window
            preview.close()
        super().closeEvent(event)


__all__ = ["MainWindow", "PAGE_NAMES"]


class _ShortenedLabel(QLabel):
    """A one-line label that gives up width before its neighbours do, shortening its text
    with "…" (the whole text in its tooltip): the database's path in the status bar, so
    the calendar, user and as-of date stay whole on a narrow screen or at 200% scale."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.setToolTip(text)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("Database: …") + 8)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideMiddle, rect.width()
        )
        painter.drawText(rect, int(self.alignment() | Qt.AlignmentFlag.AlignVCenter), shown)
