"""What a person on the keyboard alone (and a screen reader) meets in a window or dialog:
each control the Tab key reaches, and what the reader says it is; the Alt+letters.

`unnamed` lists the controls Tab reaches that a screen reader could name only by their
type ("edit", "combo box"): no accessible name, no label made their buddy, no text of their
own. `mnemonic_clashes` lists the Alt+letters that two things on show in one window claim
(Qt then only moves the focus between them on each press: neither button is pressed).
`fields_without_alt_letter` lists the fields no Alt+letter reaches, and
`alt_letters_astray` presses each label's Alt+letter to see the keyboard reach its field.
"""

from __future__ import annotations

import re
from collections import defaultdict

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QPlainTextEdit,
    QRadioButton,
    QTabBar,
    QTextEdit,
    QWidget,
)

#: An Alt+letter in a text: "&" before a letter or digit ("&&" is an ampersand).
_MNEMONIC = re.compile(r"(?<!&)(?:&&)*&([^&\s])")


def mnemonic(text: str) -> str | None:
    """The Alt+letter ``text`` gives (lower case), or None."""
    found = _MNEMONIC.search(text or "")
    return found.group(1).lower() if found else None


def _shown(widget: QWidget, top: QWidget) -> bool:
    return widget is top or widget.isVisibleTo(top)


def _inner_part(widget: QWidget, top: QWidget) -> bool:
    """A part of another control (a spin box's or list box's line edit, a scroll bar)."""
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractSpinBox | QComboBox):
            return True
        parent = parent.parentWidget()
    return widget.focusProxy() is not None


def tab_stops(top: QWidget) -> list[QWidget]:
    """The controls on show in ``top``'s window that Tab can reach (its own window only: a
    dialog's parent window is not walked)."""
    return [
        w
        for w in top.findChildren(QWidget)
        if w.window() is top.window()
        and _shown(w, top)
        and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and not _inner_part(w, top)
    ]


def spoken_name(widget: QWidget) -> str:
    """What a screen reader says the control is: Qt's accessible name (its own, else its
    label's when the label is its buddy, else a button's text)."""
    face = QAccessible.queryAccessibleInterface(widget)
    return (face.text(QAccessible.Text.Name) if face is not None else "").strip()


def describe(widget: QWidget) -> str:
    name = widget.objectName() or spoken_name(widget)
    return f"{type(widget).__name__}({name!r})" if name else type(widget).__name__


def unnamed(top: QWidget) -> list[str]:
    """The Tab stops on show with no name for a screen reader to say."""
    return [describe(w) for w in tab_stops(top) if not spoken_name(w)]


def mnemonics(top: QWidget) -> dict[str, list[str]]:
    """Alt+letter -> what claims it among the things on show in ``top``'s window: buttons
    and tick boxes, labels with a buddy, group boxes, tabs; a main window's menu bar too."""
    claims: dict[str, list[str]] = defaultdict(list)

    def claim(text: str, what: str) -> None:
        letter = mnemonic(text)
        if letter is not None:
            claims[letter].append(f"{what} {text!r}")

    for w in top.findChildren(QWidget):
        if w.window() is not top.window() or not _shown(w, top):
            continue
        if isinstance(w, QAbstractButton) and w.isEnabled():
            claim(w.text(), type(w).__name__)
        elif isinstance(w, QLabel) and w.buddy() is not None and _shown(w.buddy(), top):
            claim(w.text(), "label")
        elif isinstance(w, QGroupBox):
            claim(w.title(), "group")
        elif isinstance(w, QTabBar):
            for n in range(w.count()):
                if w.isTabVisible(n) and w.isTabEnabled(n):
                    claim(w.tabText(n), "tab")
    if isinstance(top, QMainWindow) and top.menuWidget() is not None:
        for action in top.menuBar().actions():
            if action.isVisible():
                claim(action.text(), "menu")
    return dict(claims)


def mnemonic_clashes(top: QWidget) -> dict[str, list[str]]:
    return {k: v for k, v in mnemonics(top).items() if len(v) > 1}


def stray_ampersands(top: QWidget) -> list[str]:
    """Labels on show that print an "&" meant as an Alt+letter: a label with no buddy
    shows it as it is ("&Free slots")."""
    return [
        describe(w)
        for w in top.findChildren(QLabel)
        if w.window() is top.window()
        and _shown(w, top)
        and w.buddy() is None
        and w.textFormat() != Qt.TextFormat.RichText
        and mnemonic(w.text()) is not None
        and not QtGui.Qt.mightBeRichText(w.text())
    ]


#: What a person types into, chooses from or ticks: the fields a form's Alt+letters are for.
FIELDS = (
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QPlainTextEdit,
    QTextEdit,
    QListView,
    QCheckBox,
    QRadioButton,
)


def _takes_focus(widget: QWidget) -> bool:
    """Whether a label's Alt+letter can give ``widget`` the keyboard (Qt gives it only to a
    buddy whose own focus policy takes it, then on to its focus proxy)."""
    return widget.isEnabled() and widget.focusPolicy() != Qt.FocusPolicy.NoFocus


def alt_letter_labels(top: QWidget) -> list[QLabel]:
    """The labels on show in ``top``'s window with an Alt+letter and a buddy on show."""
    return [
        w
        for w in top.findChildren(QLabel)
        if w.window() is top.window()
        and _shown(w, top)
        and w.buddy() is not None
        and _shown(w.buddy(), top)
        and mnemonic(w.text()) is not None
    ]


def fields_without_alt_letter(top: QWidget) -> list[str]:
    """The fields on show, to be typed in or chosen from, that Tab reaches and no Alt+letter
    does: not their own (a tick box's), nor a label's whose buddy (taking the keyboard) is
    the field or holds it, nor that of the control a pair hands the keyboard to (a date's
    tick box, when the two are one widget with the tick box its focus proxy)."""
    entries: list[QWidget] = [w.buddy() for w in alt_letter_labels(top) if _takes_focus(w.buddy())]
    entries += [
        w
        for w in top.findChildren(QAbstractButton)
        if w.window() is top.window() and _shown(w, top) and mnemonic(w.text()) is not None
    ]
    missing = []
    for w in tab_stops(top):
        if not isinstance(w, FIELDS) or not w.isEnabled():
            continue
        if isinstance(w, QLineEdit | QPlainTextEdit | QTextEdit) and w.isReadOnly():
            continue  # (shown, not entered)
        holder = w.parentWidget()
        pair = holder.focusProxy() if holder is not None else None
        if not any(e is w or e.isAncestorOf(w) or e is pair for e in entries):
            missing.append(describe(w))
    return missing


def alt_letters_astray(top: QWidget) -> list[str]:
    """Each label's Alt+letter pressed in ``top``'s window (which must be active): those
    that leave the keyboard somewhere other than a field that is, or is in, its buddy (a
    row given the keyboard itself is not a field). A buddy that is a button is not pressed
    (its Alt+letter would click it)."""
    astray = []
    for label in alt_letter_labels(top):
        buddy = label.buddy()
        if isinstance(buddy, QAbstractButton) or not _takes_focus(buddy):
            continue
        letter = mnemonic(label.text())
        QTest.keyClick(QApplication.focusWidget() or top, letter, Qt.KeyboardModifier.AltModifier)
        at = QApplication.focusWidget()
        field = at  # (the field the keyboard is in: none above the buddy)
        while field is not None and not isinstance(field, FIELDS):
            field = None if field is buddy else field.parentWidget()
        if at is None or not (at is buddy or buddy.isAncestorOf(at)) or field is None:
            astray.append(f"Alt+{letter.upper()} ({label.text()!r}) went to {describe(at)}")
    return astray


def keyboard_problems(top: QWidget) -> list[str]:
    """Everything above, in words, for an assertion's message."""
    problems = [f"no name for a screen reader: {w}" for w in unnamed(top)]
    problems += [
        f"Alt+{letter.upper()} claimed by {', '.join(who)}"
        for letter, who in mnemonic_clashes(top).items()
    ]
    problems += [f"'&' shown as it is: {w}" for w in stray_ampersands(top)]
    return problems
