"""IRO oversight's dialogs: raise a challenge, take it to the next stage, record a stage's
answer, record the outcome; record a contact; record how the child's views were gathered;
the list of themes. Each saves through its action (`reviewdesk.actions.oversight`) with
`ui.operations.perform`, which shows a refusal or bad input and keeps the dialog open.

Dates due are shown as the person types (the engine's, explained in the tool tip).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reviewdesk import actions, queries
from reviewdesk.engine.oversight import (
    StageInput,
    escalation_dates,
    escalation_stages,
    stage_name,
    stage_rule,
)
from reviewdesk.oversight.child import MeetingVoice
from reviewdesk.oversight.records import EscalationView, StageView, theme_versions, themes
from reviewdesk.oversight.words import CONSULTATION, CONTACT_KINDS, OUTCOMES, VOICE_METHODS
from reviewdesk.queries import ChildDetail
from reviewdesk.vocabulary import format_uk as uk
from ui.context import AppContext
from ui.dialogs import DateOrNone, FormDialog, choice, date_edit, from_qdate, select_data
from ui.operations import perform

PROCESS_WORDS = {"lac": "Looked after (care plan)", "cp": "Child protection plan"}
#: How the child's views were gathered, each tick box with its Alt+letter (the words are
#: `VOICE_METHODS`').
VOICE_KEYS = {
    "by_form": "Consultation &form",
    "by_advocate": "A&dvocate",
    "direct": "Directly with the &IRO",
    "by_app": "A&pp (e.g. Mind Of My Own)",
}


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.save)  # type: ignore[attr-defined]
    buttons.rejected.connect(dialog.reject)
    return buttons


def _text_box(accessible: str, value: str = "", lines: int = 3) -> QPlainTextEdit:
    box = QPlainTextEdit(value)
    box.setAccessibleName(accessible)
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


def _hint() -> QLabel:
    hint = QLabel()
    hint.setWordWrap(True)
    hint.setProperty("role", "hint")
    return hint


def _tri_state(accessible: str, value: bool | None) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(accessible)
    for text, data in (("Not recorded", None), ("Yes", True), ("No", False)):
        combo.addItem(text, data)
    select_data(combo, value)
    return combo


def _chairs(ctx: AppContext) -> list[tuple[int, str]]:
    with ctx.db.session() as s:
        return queries.chairs(s)


def _for_others(ctx: AppContext) -> bool:
    """Whether the acting user may record a challenge or contact as by another IRO (else
    theirs, set by `_default_chair`, is the only one the action takes)."""
    return ctx.actor is not None and actions.records_for_others(ctx.actor)


def _default_chair(ctx: AppContext, detail: ChildDetail, process: str | None = None) -> int | None:
    """Who a challenge or contact is by, to start with: the acting IRO; else the child's."""
    if ctx.actor is not None and ctx.actor.staff_id is not None:
        return ctx.actor.staff_id
    open_periods = [p for p in detail.periods if p.end is None or p.end > ctx.as_of]
    open_plans = [p for p in detail.plans if p.end is None or p.end > ctx.as_of]
    if process != "cp" and open_periods and open_periods[-1].iro_id:
        return open_periods[-1].iro_id
    if open_plans and open_plans[-1].chair_id:
        return open_plans[-1].chair_id
    return None


# --- challenges -----------------------------------------------------------------------------


class EscalationDialog(FormDialog):
    """Raise a challenge: informally, or straight at a formal stage."""

    def __init__(self, ctx: AppContext, detail: ChildDetail, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.detail = ctx, detail
        self.setWindowTitle(f"Raise a challenge — {detail.name}")
        self.setMinimumWidth(560)
        with ctx.db.session() as s:
            offered = themes(s)
        self.process = QComboBox()
        self.process.setAccessibleName("Plan challenged")
        for code in ("lac", "cp"):
            has = detail.periods if code == "lac" else (detail.plans or detail.enquiries)
            if has:
                self.process.addItem(PROCESS_WORDS[code], code)
        self.raised_by = choice(_chairs(ctx), "Raised by", none_text="Choose…")
        select_data(self.raised_by, _default_chair(ctx, detail))
        self.raised_by.setEnabled(_for_others(ctx))
        self.raised_on = date_edit(ctx.as_of, "Raised on")
        self.theme = choice(offered, "Theme", none_text="Choose…")
        self.concern = _text_box("Concern")
        self.stage = QComboBox()
        self.stage.setAccessibleName("Stage")
        for rule in escalation_stages(ctx.rules):
            n = rule.stage or 0
            self.stage.addItem(
                "Informal resolution" if n == 0 else f"{stage_name(n)}: {rule.to}", n
            )
        self.raised_with = QLineEdit()
        self.raised_with.setAccessibleName("Raised with")
        self.due = _hint()
        form = QFormLayout()
        form.addRow("&Plan", self.process)
        form.addRow("Raised &by", self.raised_by)
        form.addRow("Raised &on", self.raised_on)
        form.addRow("&Theme", self.theme)
        form.addRow("&Concern", self.concern)
        form.addRow("&Stage", self.stage)
        form.addRow("Raised &with", self.raised_with)
        form.addRow("", self.due)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_buttons(self))
        self.stage.currentIndexChanged.connect(lambda *_: self._stage_changed())
        self.raised_on.dateChanged.connect(lambda *_: self._show_due())
        self._stage_changed()

    def _stage_changed(self) -> None:
        rule = stage_rule(self.ctx.rules, self.stage.currentData() or 0)
        self.raised_with.setPlaceholderText(rule.to if rule else "")
        self._show_due()

    def _show_due(self) -> None:
        _show_stage_due(self.ctx, self.due, self.stage.currentData() or 0, self.raised_on)

    def value(self) -> actions.NewEscalation:
        return actions.NewEscalation(
            process=self.process.currentData() or "",
            raised_by_id=self.raised_by.currentData() or 0,
            raised_on=from_qdate(self.raised_on.date()),
            theme=self.theme.currentData() if self.theme.currentData() is not None else "",
            concern=self.concern.toPlainText(),
            stage=self.stage.currentData() or 0,
            raised_with=self.raised_with.text(),
        )

    def save(self) -> None:
        changes = perform(
            self,
            self.ctx,
            actions.raise_escalation,
            self.detail.id,
            self.value(),
            as_of=self.ctx.as_of,
        )
        if changes is not None:
            self.accept()


def _show_stage_due(ctx: AppContext, hint: QLabel, stage: int, raised: object) -> None:
    day = from_qdate(raised.date())  # type: ignore[attr-defined]
    dates = escalation_dates(day, [StageInput(stage, day)], rules=ctx.rules, calendar=ctx.calendar)
    due = dates.stages[0].due if dates.stages else None
    if due is None:
        hint.setText("The escalation procedure has no such stage.")
        return
    hint.setText(f"Answer due by {uk(due.date)}")
    hint.setToolTip(due.explanation.full_text())


class StageDialog(FormDialog):
    """Take an open challenge to a later stage (the IRO may skip stages)."""

    def __init__(self, ctx: AppContext, escalation: EscalationView, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.escalation = ctx, escalation
        self.setWindowTitle(f"Escalate the challenge — {escalation.child_name}")
        self.setMinimumWidth(480)
        self.stage = QComboBox()
        self.stage.setAccessibleName("Stage")
        for rule in escalation_stages(ctx.rules):
            n = rule.stage or 0
            if n > escalation.stage_reached:
                self.stage.addItem(f"{stage_name(n)}: {rule.to}", n)
        self.raised_on = date_edit(ctx.as_of, "Raised on")
        self.raised_with = QLineEdit()
        self.raised_with.setAccessibleName("Raised with")
        self.due = _hint()
        form = QFormLayout()
        form.addRow(
            "", QLabel(f"Now at {escalation.stage_reached_name.lower()}: {escalation.theme}")
        )
        form.addRow("&Stage", self.stage)
        form.addRow("Raised &on", self.raised_on)
        form.addRow("Raised &with", self.raised_with)
        form.addRow("", self.due)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_buttons(self))
        self.stage.currentIndexChanged.connect(lambda *_: self._show_due())
        self.raised_on.dateChanged.connect(lambda *_: self._show_due())
        self._show_due()

    def _show_due(self) -> None:
        stage = self.stage.currentData()
        rule = stage_rule(self.ctx.rules, stage) if stage is not None else None
        self.raised_with.setPlaceholderText(rule.to if rule else "")
        if stage is None:
            self.due.setText("The challenge is at the last stage of the procedure.")
            return
        _show_stage_due(self.ctx, self.due, stage, self.raised_on)

    def save(self) -> None:
        stage = self.stage.currentData()
        changes = perform(
            self,
            self.ctx,
            actions.add_escalation_stage,
            self.escalation.id,
            stage if stage is not None else -1,
            from_qdate(self.raised_on.date()),
            self.raised_with.text(),
            as_of=self.ctx.as_of,
        )
        if changes is not None:
            self.accept()


class ResponseDialog(FormDialog):
    """The answer to the stage a challenge is at, and its date."""

    def __init__(self, ctx: AppContext, stage: StageView, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.stage = ctx, stage
        self.setWindowTitle(f"Answer to {stage.name.lower()}")
        self.setMinimumWidth(480)
        due = f"; answer due by {uk(stage.due.date)}" if stage.due else ""
        self.answered_on = date_edit(stage.responded_on or ctx.as_of, "Answered on")
        self.answer = _text_box("Answer", stage.response or "")
        form = QFormLayout()
        form.addRow("", QLabel(f"Raised with {stage.raised_with} on {uk(stage.raised_on)}{due}"))
        form.addRow("Answered &on", self.answered_on)
        form.addRow("&Answer", self.answer)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_buttons(self))

    def save(self) -> None:
        changes = perform(
            self,
            self.ctx,
            actions.record_escalation_response,
            self.stage.id,
            from_qdate(self.answered_on.date()),
            self.answer.toPlainText(),
            as_of=self.ctx.as_of,
            expected_version=self.stage.version,
        )
        if changes is not None:
            self.accept()


class OutcomeDialog(FormDialog):
    """A challenge's theme and concern, and its outcome, impact and any Cafcass referral."""

    def __init__(self, ctx: AppContext, escalation: EscalationView, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.escalation = ctx, escalation
        self.setWindowTitle(f"Challenge — {escalation.child_name}")
        self.setMinimumWidth(560)
        with ctx.db.session() as s:
            offered = themes(s)
        if escalation.theme_id not in {i for i, _t in offered}:
            offered.append((escalation.theme_id, escalation.theme))
        self.theme = choice(offered, "Theme", none_text=None)
        select_data(self.theme, escalation.theme_id)
        self.concern = _text_box("Concern", escalation.concern)
        self.resolved = DateOrNone(escalation.resolved_on, ctx.as_of, "Resolved on")
        self.outcome = QComboBox()
        self.outcome.setAccessibleName("Outcome")
        self.outcome.addItem("Choose…", None)
        for code, words in OUTCOMES.items():
            self.outcome.addItem(words, code)
        select_data(self.outcome, escalation.outcome)
        self.impact = _text_box("Impact for the child", escalation.impact or "")
        self.cafcass = DateOrNone(
            escalation.cafcass_referred_on, ctx.as_of, "Referred to Cafcass on"
        )
        due = f"due to be resolved by {uk(escalation.deadline)}" if escalation.deadline else ""
        form = QFormLayout()
        form.addRow(
            "",
            QLabel(
                f"{escalation.route} challenge, raised {uk(escalation.raised_on)} by "
                f"{escalation.raised_by}; at {escalation.stage_reached_name.lower()}"
                + (f"; {due}" if due else "")
            ),
        )
        form.addRow("&Theme", self.theme)
        form.addRow("&Concern", self.concern)
        form.addRow("&Resolved on", self.resolved)
        form.addRow("&Outcome", self.outcome)
        form.addRow("&Impact", self.impact)
        form.addRow("Referred to Ca&fcass", self.cafcass)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_buttons(self))

    def value(self) -> actions.EscalationUpdate:
        return actions.EscalationUpdate(
            theme=self.theme.currentData(),
            concern=self.concern.toPlainText(),
            resolved_on=self.resolved.value(),
            outcome=self.outcome.currentData(),
            impact=self.impact.toPlainText(),
            cafcass_referred_on=self.cafcass.value(),
        )

    def save(self) -> None:
        changes = perform(
            self,
            self.ctx,
            actions.update_escalation,
            self.escalation.id,
            self.value(),
            as_of=self.ctx.as_of,
            expected_version=self.escalation.version,
        )
        if changes is not None:
            self.accept()


# --- contacts -------------------------------------------------------------------------------


class ContactDialog(FormDialog):
    """An IRO's visit, call, message or meeting; the midway review is one, marked so."""

    def __init__(
        self,
        ctx: AppContext,
        detail: ChildDetail,
        *,
        midway_due: dt.date | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ctx, self.detail = ctx, detail
        self.setWindowTitle(f"Record a contact — {detail.name}")
        self.setMinimumWidth(480)
        self.staff = choice(_chairs(ctx), "IRO", none_text="Choose…")
        select_data(self.staff, _default_chair(ctx, detail))
        self.staff.setEnabled(_for_others(ctx))
        self.contact_date = date_edit(ctx.as_of, "Contact date")
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of contact")
        for code, words in CONTACT_KINDS.items():
            self.kind.addItem(words, code)
        self.with_child = QCheckBox("&With the child")
        self.with_child.setAccessibleName("With the child")
        self.with_child.setChecked(True)
        self.midway = QCheckBox("This is the IRO's &midway review")
        self.midway.setAccessibleName("Midway review")
        self.note = _text_box("Note", lines=2)
        form = QFormLayout()
        form.addRow("&IRO", self.staff)
        form.addRow("&Date", self.contact_date)
        form.addRow("&Kind", self.kind)
        form.addRow("", self.with_child)
        form.addRow("", self.midway)
        hint = _hint()
        if midway_due is not None:
            hint.setText(f"Midway review due by {uk(midway_due)}")
        else:  # not looked after, or no review held yet: a tick would count for nothing
            self.midway.setEnabled(False)
            hint.setText("No midway review is due: it falls between one LAC review and the next")
        form.addRow("", hint)
        form.addRow("&Note", self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_buttons(self))

    def value(self) -> actions.NewContact:
        return actions.NewContact(
            staff_id=self.staff.currentData() or 0,
            contact_date=from_qdate(self.contact_date.date()),
            kind=self.kind.currentData(),
            with_child=self.with_child.isChecked(),
            midway_review=self.midway.isChecked(),
            note=self.note.toPlainText(),
        )

    def save(self) -> None:
        changes = perform(
            self,
            self.ctx,
            actions.record_contact,
            self.detail.id,
            self.value(),
            as_of=self.ctx.as_of,
        )
        if changes is not None:
            self.accept()


# --- the child's voice ----------------------------------------------------------------------


class VoiceDialog(FormDialog):
    """How the child's views reached a review: how gathered, advocacy, the consultation."""

    def __init__(self, ctx: AppContext, meeting: MeetingVoice, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.meeting = ctx, meeting
        self.setWindowTitle(f"The child's voice — {meeting.label}, {uk(meeting.held)}")
        self.setMinimumWidth(460)
        voice = meeting.voice
        self.methods: dict[str, QCheckBox] = {}
        box = QVBoxLayout()
        for key, words in VOICE_METHODS.items():
            check = QCheckBox(VOICE_KEYS.get(key, words))
            check.setAccessibleName(words)
            check.setChecked(bool(voice and voice.methods.get(key)))
            self.methods[key] = check
            box.addWidget(check)
        self.offered = _tri_state("Advocacy offered", voice.advocacy_offered if voice else None)
        self.taken_up = _tri_state("Advocacy taken up", voice.advocacy_taken_up if voice else None)
        self.consultation = QComboBox()
        self.consultation.setAccessibleName("Consultation")
        self.consultation.addItem("Not recorded", None)
        for code, words in CONSULTATION.items():
            self.consultation.addItem(words, code)
        select_data(self.consultation, voice.consultation if voice else None)
        self.note = _text_box("Note", voice.note if voice else "", lines=2)
        form = QFormLayout()
        if meeting.participation:
            form.addRow("Participation", QLabel(meeting.participation))
        form.addRow("Views gathered", box)
        form.addRow("Advocacy &offered", self.offered)
        form.addRow("Advocacy &taken up", self.taken_up)
        form.addRow("&Consultation", self.consultation)
        form.addRow("&Note", self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_buttons(self))

    def value(self) -> actions.Voice:
        return actions.Voice(
            **{key: check.isChecked() for key, check in self.methods.items()},
            advocacy_offered=self.offered.currentData(),
            advocacy_taken_up=self.taken_up.currentData(),
            consultation=self.consultation.currentData(),
            note=self.note.toPlainText(),
        )

    def save(self) -> None:
        voice = self.meeting.voice
        changes = perform(
            self,
            self.ctx,
            actions.record_child_voice,
            self.meeting.meeting_id,
            self.value(),
            expected_version=voice.version if voice else 0,
        )
        if changes is not None:
            self.accept()


# --- themes ---------------------------------------------------------------------------------


class ThemesDialog(FormDialog):
    """The themes challenges are filed under: add one, or retire one (administrators). Each
    is saved as it is added or retired; Esc and Close ask first only while a new theme is
    typed and not added (`unsaved`)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Challenge themes")
        self.setMinimumWidth(440)
        self.list = QListWidget()
        self.list.setAccessibleName("Themes")
        themes_label = QLabel("&Themes")
        themes_label.setBuddy(self.list)
        self.new = QLineEdit()
        self.new.setAccessibleName("New theme")
        self.new.setPlaceholderText("A new theme")
        new_label = QLabel("&New theme")
        new_label.setBuddy(self.new)
        add = QPushButton("&Add")
        add.clicked.connect(self.add)
        self.new.returnPressed.connect(self.add)
        retire = QPushButton("&Retire selected")
        retire.clicked.connect(self.retire)
        row = QHBoxLayout()
        row.addWidget(new_label)
        row.addWidget(self.new, 1)
        row.addWidget(add)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(themes_label)
        layout.addWidget(self.list)
        layout.addLayout(row)
        layout.addWidget(retire)
        layout.addWidget(close)
        self.load()

    def unsaved(self) -> list[str]:
        typed = self.new.text().strip()
        return [f"the new theme typed (\u201c{typed}\u201d)"] if typed else []

    def load(self) -> None:
        self.list.clear()
        with self.ctx.db.session() as s:
            for theme_id, (text, active, version) in theme_versions(s).items():
                item = QListWidgetItem(text if active else f"{text} (retired)")
                item.setData(256, (theme_id, version, active))
                self.list.addItem(item)

    def add(self) -> None:
        if perform(self, self.ctx, actions.add_escalation_theme, self.new.text()):
            self.new.clear()
        self.load()

    def retire(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        theme_id, version, active = item.data(256)
        if active:
            perform(
                self, self.ctx, actions.retire_escalation_theme, theme_id, expected_version=version
            )
        self.load()


__all__ = [
    "ContactDialog",
    "EscalationDialog",
    "OutcomeDialog",
    "ResponseDialog",
    "StageDialog",
    "ThemesDialog",
    "VoiceDialog",
]
