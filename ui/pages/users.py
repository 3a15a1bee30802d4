"""The users and their roles, in Settings (administrators change them; everyone may look).

A user's name is their computer account (SQLite) or PostgreSQL login: reviewdesk asks the
system who is running it. Every change goes through the user actions
(`reviewdesk.actions.add_user`, `set_role`, `set_user_details`, `deactivate_user`,
`reactivate_user`), built on the version shown here, and is audited; the last active
administrator cannot be demoted or deactivated.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from reviewdesk import actions
from reviewdesk.codes import Role
from reviewdesk.storage.models import Staff
from reviewdesk.storage.users import all_users
from ui.context import ROLE_LABEL, AppContext
from ui.dialogs import FormDialog, choice, select_data
from ui.dialogs.tables import keyboard_chooses_row
from ui.operations import perform
from ui.pages import label
from ui.prompts import prompts

ROLES = (Role.ADMINISTRATOR, Role.IRO, Role.TEAM_MANAGER)
COLUMNS = ("User name", "Role", "Name", "Staff record", "Active")


def _staff_items(ctx: AppContext, keep: int | None = None) -> list[tuple[int, str]]:
    """The active staff records to choose from, and ``keep`` (a user's own record) even when
    it is no longer active: left out, changing only the name would unlink it."""
    with ctx.db.session() as s:
        return [
            (sid, name)
            for sid, name in s.execute(
                select(Staff.id, Staff.name)
                .where(Staff.active.is_(True) | (Staff.id == keep))
                .order_by(Staff.name)
            )
        ]


@dataclass(frozen=True)
class ListedUser:
    """Someone on the user list as the box shows them, with the version a change builds on."""

    username: str
    display_name: str
    staff_id: int | None
    version: int


class UserDialog(FormDialog):
    """Put someone on the user list: account or login, role, name and staff record. With
    ``user``, change the name and staff record of someone on it: an IRO added without a
    staff record has no meeting of theirs to record until it is linked."""

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, user: ListedUser | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.user = user
        self.setWindowTitle(
            "Add a user" if user is None else f"Name and staff record: {user.username}"
        )
        self.username = QLineEdit(user.username if user else "")
        self.username.setAccessibleName("User name (computer account or database login)")
        self.username.setReadOnly(user is not None)  # a user name is never changed
        self.role = QComboBox()
        self.role.setAccessibleName("Role")
        for role in ROLES:
            self.role.addItem(ROLE_LABEL[role], role.value)
        self.display_name = QLineEdit(user.display_name if user else "")
        self.display_name.setAccessibleName("Name")
        kept = user.staff_id if user else None
        self.staff = choice(_staff_items(ctx, kept), "Staff record", none_text="Not linked")
        if user is not None:
            select_data(self.staff, user.staff_id)
        form = QFormLayout()
        form.addRow("&User name", self.username)
        if user is None:  # (a role is changed beside the list)
            form.addRow("&Role", self.role)
        else:
            self.role.hide()
        form.addRow("&Name", self.display_name)
        form.addRow("&Staff record (an IRO's meetings)", self.staff)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            label(
                "The user name is the person's computer account, or their PostgreSQL login on "
                "a shared server: reviewdesk asks the system who is running it.",
                "hint",
                wrap=True,
            )
        )
        layout.addLayout(form)
        layout.addWidget(buttons)

    def save(self) -> None:
        if self.user is None:
            done = perform(
                self,
                self.ctx,
                actions.add_user,
                self.username.text(),
                self.role.currentData(),
                display_name=self.display_name.text(),
                staff_id=self.staff.currentData(),
            )
        else:
            done = perform(
                self,
                self.ctx,
                actions.set_user_details,
                self.user.username,
                display_name=self.display_name.text(),
                staff_id=self.staff.currentData(),
                expected_version=self.user.version,
            )
        if done is not None:
            tell_of_login(self, done)
            self.accept()


def tell_of_login(parent: QWidget, changes: actions.Changes) -> None:
    """Say what the server still lets a login do after a change to its user (another role
    kept through a directory group; open sessions not ended), as the command line warns."""
    for note in actions.login_warnings(changes.result):
        prompts().info(parent, note[0].upper() + note[1:])


class UsersBox(QWidget):
    """The user list with its roles, and (for administrators) what changes it: the Users and
    roles tab of Settings, which names it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.versions: dict[str, int] = {}
        self.listed: dict[str, ListedUser] = {}
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Users and their roles")
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; the arrows move in it
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setMinimumHeight(140)
        keyboard_chooses_row(self.table)  # (the buttons below act on the user chosen)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection)
        self.add_button = QPushButton("Add a user…")
        self.add_button.setAccessibleName("Add a user")
        self.add_button.clicked.connect(self.add_user)
        self.role = QComboBox()
        self.role.setAccessibleName("New role for the selected user")
        for role in ROLES:
            self.role.addItem(ROLE_LABEL[role], role.value)
        self.role_button = QPushButton("Change role")
        self.role_button.setAccessibleName("Change the selected user's role")
        self.role_button.clicked.connect(self.change_role)
        self.deactivate_button = QPushButton("Deactivate")
        self.deactivate_button.setAccessibleName("Deactivate the selected user")
        self.deactivate_button.clicked.connect(self.deactivate)
        self.reactivate_button = QPushButton("Reactivate")
        self.reactivate_button.setAccessibleName("Reactivate the selected user")
        self.reactivate_button.clicked.connect(self.reactivate)
        self.details_button = QPushButton("Name and staff record…")
        self.details_button.setAccessibleName("Change the selected user's name and staff record")
        self.details_button.clicked.connect(self.edit_details)
        self.me = label("", "hint", wrap=True)
        change = QHBoxLayout()
        change.addWidget(self.role, 1)
        change.addWidget(self.role_button)
        change.addWidget(self.deactivate_button)
        change.addWidget(self.reactivate_button)
        add = QHBoxLayout()
        add.addWidget(self.add_button)
        add.addWidget(self.details_button)
        add.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(change)
        layout.addLayout(add)
        layout.addWidget(self.me)
        self._selection()

    def refresh(self) -> None:
        selected = self.selected()
        with self.ctx.db.session() as s:
            staff = dict(s.execute(select(Staff.id, Staff.name)).all())
            users = [
                (u.username, u.role, u.display_name, u.staff_id, u.active, u.version)
                for u in all_users(s)
            ]
        self.versions = {name: version for name, *_rest, version in users}
        self.listed = {
            name: ListedUser(name, display or "", staff_id, version)
            for name, _role, display, staff_id, _active, version in users
        }
        self.table.setRowCount(len(users))
        for row, (name, role, display, staff_id, active, _version) in enumerate(users):
            words = ROLE_LABEL.get(Role(role) if role in Role._value2member_map_ else None, role)
            values = (
                name,
                words,
                display or "",
                staff.get(staff_id, "") if staff_id is not None else "",
                "yes" if active else "no (reads only)",
            )
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
            if name == selected:
                self.table.selectRow(row)
        actor = self.ctx.actor
        self.me.setText(
            f"You are {actor.username}: {self.ctx.role_label.lower()}. Administrators do "
            "everything; IROs read and record the outcome of meetings they chair; team "
            "managers read; anyone not on the list reads only."
            if actor is not None
            else ""
        )
        self._selection()

    def selected(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return item.text() if item is not None else None

    def _selection(self) -> None:
        allowed = self.ctx.can_manage_users
        chosen = self.selected() is not None
        self.add_button.setEnabled(allowed)
        for widget in (
            self.role,
            self.role_button,
            self.deactivate_button,
            self.reactivate_button,
            self.details_button,
        ):
            widget.setEnabled(allowed and chosen)
        if chosen:
            row = self.table.selectionModel().selectedRows()[0].row()
            role_text = self.table.item(row, 1).text()
            for role in ROLES:
                if ROLE_LABEL[role] == role_text:
                    select_data(self.role, role.value)

    def add_user(self) -> None:
        if self.ctx.can_manage_users:
            prompts().run_dialog(UserDialog(self.ctx, self))

    def edit_details(self) -> None:
        name = self.selected()
        if self.ctx.can_manage_users and name in self.listed:
            prompts().run_dialog(UserDialog(self.ctx, self, user=self.listed[name]))

    def change_role(self) -> None:
        name = self.selected()
        if name is None:
            return
        done = perform(
            self,
            self.ctx,
            actions.set_role,
            name,
            self.role.currentData(),
            expected_version=self.versions.get(name, 0),
        )
        if done is not None:
            tell_of_login(self, done)

    def deactivate(self) -> None:
        name = self.selected()
        if name is None or not prompts().confirm(
            self, f"Deactivate {name}? From now on they may only read."
        ):
            return
        done = perform(
            self,
            self.ctx,
            actions.deactivate_user,
            name,
            expected_version=self.versions.get(name, 0),
        )
        if done is not None:
            tell_of_login(self, done)

    def reactivate(self) -> None:
        name = self.selected()
        if name is not None:
            perform(
                self,
                self.ctx,
                actions.reactivate_user,
                name,
                expected_version=self.versions.get(name, 0),
            )


__all__ = ["ListedUser", "UserDialog", "UsersBox"]
