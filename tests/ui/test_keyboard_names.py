"""Every window and dialog the program opens on the sample register, as a person on the
keyboard alone and a screen reader meet it (`tests.ui.keyboard`): each control Tab reaches
has a name to be read out (its own, its label's, or its text), no Alt+letter is claimed
twice in one window, and no label shows an "&" meant as an Alt+letter. In the forms of
`ALT_LETTER_FORMS` and the audit trail's filters, each field has an Alt+letter too, and
each label's, pressed, takes the keyboard to its field.

The dialogs are opened as the person opens them (the child page's keys, the menus, the
buttons), each looked at as it opens and then closed; the window's pages with each of their
tabs; the audit trail and a print preview."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tests.ui.driving import on_screen
from tests.ui.keyboard import (
    alt_letters_astray,
    fields_without_alt_letter,
    keyboard_problems,
    mnemonic_clashes,
    stray_ampersands,
    unnamed,
)

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
NONE = Qt.KeyboardModifier.NoModifier

#: Every dialog class the walk below opens (so that none is left out unnoticed).
DIALOGS = {
    "AllocationDialog",
    "BookingDialog",  # booking, and rescheduling
    "CancelDialog",
    "ChildDetailsDialog",
    "ContactDialog",
    "DirectoryDialog",
    "EscalationDialog",
    "ImportDialog",
    "InvitationsDialog",  # a LAC review's, and a CP conference's
    "LetterTemplatesDialog",
    "OutcomeDialog",
    "PeopleDialog",
    "PeriodDialog",
    "PersonDialog",
    "PickChildDialog",
    "ProfessionalDialog",
    "RecordingDialog",  # a LAC review's, and an initial CP conference's
    "ResponseDialog",
    "RuleEditDialog",
    "ScheduleFilterDialog",
    "ShortcutsDialog",
    "StageDialog",
    "ThemesDialog",
    "UserDialog",
    "VoiceDialog",
}


#: The forms each of whose fields an Alt+letter reaches, as the walk below checks (pressing
#: each label's): the other dialogs have fields reached only with Tab or the mouse.
ALT_LETTER_FORMS = {
    "ContactDialog",
    "EscalationDialog",
    "ImportDialog",
    "OutcomeDialog",
    "PickChildDialog",
    "ResponseDialog",
    "ScheduleFilterDialog",  # "Whose calendar"
    "StageDialog",
    "ThemesDialog",
    "UserDialog",
    "VoiceDialog",
    "BookingDialog",  # the reschedule's note
    "RecordingDialog",  # the reports' tick boxes
    "PeopleDialog",
    "PersonDialog",
    "DirectoryDialog",
    "ProfessionalDialog",
    "RuleEditDialog",
    "LetterTemplatesDialog",
    "InvitationsDialog",  # the invite boxes, the proposed list
    # (these had theirs already)
    "AllocationDialog",
    "CancelDialog",
    "ChildDetailsDialog",
    "PeriodDialog",
}


def test_the_checks_find_what_they_look_for(qtbot) -> None:
    """A box with no name, two Alt+R's and an "&" printed as it is are each found (the
    test below would pass on a broken check otherwise)."""
    dialog = QDialog()
    qtbot.addWidget(dialog)
    form = QFormLayout()
    form.addRow("&Reason", QLineEdit())  # named by its label (its buddy)
    nameless = QLineEdit()
    form.addRow(nameless)
    stray = QLabel("&Free slots")
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    layout.addWidget(stray)
    layout.addWidget(QPushButton("&Reschedule"))
    layout.addWidget(QCheckBox("&Tick"))
    dialog.show()
    assert unnamed(dialog) == ["QLineEdit"]
    assert list(mnemonic_clashes(dialog)) == ["r"]
    assert stray_ampersands(dialog) == ["QLabel('&Free slots')"]
    nameless.setAccessibleName("Note")
    stray.setText("Free slots")
    assert unnamed(dialog) == [] and stray_ampersands(dialog) == []


def test_the_alt_letter_checks_find_what_they_look_for(qtbot) -> None:
    """A field with no Alt+letter, one inside a row given as the buddy (the row takes no
    keyboard, so the label's Alt+letter goes nowhere) and a row that takes the keyboard
    itself (the Alt+letter stops on the row, not in a field) are each found; a tick box with
    its own Alt+letter and the date it holds as one widget are not."""
    dialog = QDialog()
    qtbot.addWidget(dialog)
    form = QFormLayout()
    form.addRow("&Reason", QLineEdit())
    form.addRow("Note", QLineEdit())
    row = QWidget()
    QVBoxLayout(row).addWidget(QLineEdit())
    form.addRow("&File", row)
    taking = QWidget()
    taking.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    QVBoxLayout(taking).addWidget(QLineEdit())
    form.addRow("&Place", taking)
    pair = QWidget()
    pair_layout = QVBoxLayout(pair)
    tick = QCheckBox("&Tick")
    pair_layout.addWidget(tick)
    pair_layout.addWidget(QLineEdit())
    pair.setFocusProxy(tick)
    form.addRow(pair)
    for n, name in enumerate(("Reason", "Note", "File", "Place", "Date")):
        field = form.itemAt(n, QFormLayout.ItemRole.FieldRole).widget()
        for box in [field, *field.findChildren(QLineEdit)]:
            box.setAccessibleName(name)
    dialog.setLayout(form)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert fields_without_alt_letter(dialog) == ["QLineEdit('Note')", "QLineEdit('File')"]
    assert alt_letters_astray(dialog) == ["Alt+P ('&Place') went to QWidget('Place')"]


def test_every_window_and_dialog_names_its_controls_and_claims_each_alt_letter_once(
    window, qtbot, prompts_recorder, sample
) -> None:
    window.resize(1256, 678)  # as on a 1366x768 laptop
    on_screen(window, qtbot)
    problems: dict[str, list[str]] = {}
    seen: set[str] = set()

    def look(name: str, top: QWidget) -> None:
        found = keyboard_problems(top)
        if found:
            problems.setdefault(name, []).extend(found)

    def look_for_alt_letters(name: str, top: QWidget) -> None:
        """Each field has an Alt+letter, and each label's takes the keyboard to its field."""
        found = [f"no Alt+letter reaches {w}" for w in fields_without_alt_letter(top)]
        found += alt_letters_astray(top)
        if found:
            problems.setdefault(name, []).extend(found)

    nested = {}

    def run(dialog: QDialog) -> bool:
        dialog.show()
        qtbot.waitExposed(dialog)
        name = type(dialog).__name__
        seen.add(name)
        look(f"{name} {dialog.windowTitle()!r}", dialog)
        if name in ALT_LETTER_FORMS:
            dialog.activateWindow()  # (its Alt+letters reach it only then)
            qtbot.waitUntil(dialog.isActiveWindow)
            look_for_alt_letters(f"{name} {dialog.windowTitle()!r}", dialog)
        if name == "InvitationsDialog":  # each of its tabs
            for n in range(dialog.tabs.count()):
                dialog.tabs.setCurrentIndex(n)
                look(f"{name}, tab {dialog.tabs.tabText(n)!r}", dialog)
        then = nested.get(name)
        if then is not None:
            then(dialog)
        dialog.done(QDialog.DialogCode.Rejected)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        return False

    prompts_recorder.on_dialog = run

    def press(key: Qt.Key, modifiers=NONE) -> None:  # noqa: ANN001
        QTest.keyClick(QApplication.focusWidget() or window, key, modifiers)

    # The pages, and each tab of those that have them.
    for n, key in enumerate((Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4), 1):
        press(key, CTRL)
        look(f"page {n}", window)
    press(Qt.Key.Key_5, CTRL)
    tabs = window.settings_page.tabs
    for n in range(tabs.count()):
        tabs.setCurrentIndex(n)
        look(f"Settings, tab {tabs.tabText(n)!r}", window)
    window.open_child(sample["zoe"])
    page = window.cases.child
    for n in range(page.tabs.count()):
        page.tabs.setCurrentIndex(n)
        look(f"child page, tab {page.tabs.tabText(n)!r}", window)
    section = page.oversight
    for n in range(section.tabs.count()):
        page.tabs.setCurrentWidget(section)
        section.tabs.setCurrentIndex(n)
        look(f"child page, IRO oversight, tab {section.tabs.tabText(n)!r}", window)
    section.tabs.setCurrentIndex(0)
    page.tabs.setCurrentIndex(0)

    # The child page's dialogs, by their keys.
    page.table.setFocus()
    press(Qt.Key.Key_B, CTRL)
    page.select_meeting(sample["zoe_first"])
    nested["PeopleDialog"] = lambda d: d.add_person_button.click()
    for key, modifiers in (
        (Qt.Key.Key_R, CTRL),
        (Qt.Key.Key_X, CTRL | SHIFT),
        (Qt.Key.Key_O, CTRL),
        (Qt.Key.Key_F2, NONE),
        (Qt.Key.Key_L, CTRL),
        (Qt.Key.Key_M, ALT),
        (Qt.Key.Key_N, ALT),
    ):
        page.table.setFocus()
        press(key, modifiers)
    window.open_child(sample["lukasz_child"])
    page.select_meeting(sample["rcpc"])
    page.table.setFocus()
    press(Qt.Key.Key_N, ALT)  # a CP conference's invitations and reports
    page.select_meeting(sample["icpc"])
    press(Qt.Key.Key_O, CTRL)  # an initial conference's outcome (the category of abuse)

    # IRO oversight: a challenge raised, then taken on; the child's voice at a review.
    window.open_child(sample["zoe"])
    page.tabs.setCurrentWidget(section)

    def raise_one(dialog) -> None:  # noqa: ANN001
        dialog.theme.setCurrentIndex(1)
        dialog.concern.setPlainText("Care plan not updated")
        dialog.save()

    nested["EscalationDialog"] = raise_one
    section.raise_button.click()
    del nested["EscalationDialog"]
    section.escalations.selectRow(0)
    for button in (
        section.escalate_button,
        section.answer_button,
        section.outcome_button,
        section.themes_button,
        section.contact_button,
        section.raise_button,
    ):
        button.click()
    window.open_child(sample["sian_child"])
    page.tabs.setCurrentWidget(section)
    section.tabs.setCurrentIndex(2)
    section.voices.selectRow(0)
    section.voice_button.click()

    # The window's menus and keys.
    press(Qt.Key.Key_F1)
    nested["DirectoryDialog"] = lambda d: d.add_button.click()
    press(Qt.Key.Key_R, CTRL | SHIFT)
    press(Qt.Key.Key_I, CTRL)
    window.export_calendar_action.trigger()
    window.export_measures_action.trigger()
    window.show_page(2)
    window.diary.book_at(0, 1)  # a free slot: for which child?

    # Settings: a rule, the letter templates, a user.
    settings = window.settings_page
    window.show_page(4)
    tabs.setCurrentWidget(
        next(tabs.widget(n) for n in range(tabs.count()) if "Time" in tabs.tabText(n))
    )
    settings.rules.selectRow(0)

    def second_limit(dialog) -> None:  # noqa: ANN001
        """The second limit's boxes, on only while it is ticked, have theirs too."""
        dialog.sooner.setChecked(True)
        look(f"RuleEditDialog {dialog.windowTitle()!r}, a second limit", dialog)
        look_for_alt_letters(f"RuleEditDialog {dialog.windowTitle()!r}, a second limit", dialog)
        dialog.sooner.setChecked(False)  # (closed without asking)

    nested["RuleEditDialog"] = second_limit
    settings.edit_rule_button.click()
    settings.invitation_settings.templates_button.click()
    settings.users.add_button.click()

    assert seen == DIALOGS

    # The audit trail, and a print preview.
    trail_window = window.audit_window
    press(Qt.Key.Key_A, CTRL | SHIFT)
    qtbot.waitUntil(lambda: window.audit_window is not None and window.audit_window.isVisible())
    look("audit trail", window.audit_window)
    window.audit_window.activateWindow()
    qtbot.waitUntil(window.audit_window.isActiveWindow)
    look_for_alt_letters("audit trail", window.audit_window)
    assert trail_window is None
    from ui.print_preview import open_previews
    from ui.tasks import wait_for_all

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    press(Qt.Key.Key_P, CTRL)  # the week's schedule
    qtbot.waitUntil(lambda: bool(open_previews()), timeout=10000)
    wait_for_all()
    preview = open_previews()[0]
    look("print preview", preview)
    preview.close()

    assert problems == {}
