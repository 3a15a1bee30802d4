"""The settings page's rule editor: change one rule with its source, reset it, export the
council's rules; only administrators may change them; due dates follow at once."""

from __future__ import annotations

import datetime as dt
import os
import tomllib

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from reviewdesk import actions
from reviewdesk.casedues import child_dues
from reviewdesk.codes import Role
from reviewdesk.rule_overrides import (
    override_table,
    override_versions,
    rule_entries,
    stored_overrides,
)
from reviewdesk.rules import RULES_FILE_LIMIT, default_rules, with_overrides
from reviewdesk.storage.audit import list_audit
from reviewdesk.storage.models import RuleOverride, User
from tests.ui.sample import AS_OF
from ui.models import SortRole
from ui.models.rules_model import RulesFilter, RulesModel, column

SOURCE = "IRO service standard agreed by the Head of Service, 01/04/2024"


def _zoe_first_review_due(window, sample) -> dt.date:
    ctx = window.ctx
    with ctx.db.session() as s:
        dues = child_dues(s, sample["zoe"], rules=ctx.rules, calendar=ctx.calendar, as_of=AS_OF)
    return next(d.due for d in dues if d.meeting_type == "lac_review" and d.sequence == 1)


def _settings(window):
    window.show_page(4)
    return window.settings_page


def _stored(db) -> list[dict]:
    with db.session() as s:
        return stored_overrides(s)


def _override(window, tables) -> None:
    """Make ``tables`` the council's rules through the action, as the window would, and
    let the window know (its pages then show the rules in force)."""
    db = window.ctx.db
    with db.session() as s:
        versions = override_versions(s)
    window.ctx.did_change(
        actions.replace_rules(db, window.ctx.actor, tables, expected_versions=versions)
    )


def _change(prompts_recorder, **fields):
    """Answer the next dialog by filling in ``fields`` and pressing Save."""
    seen = {}

    def fill(dialog) -> bool:
        seen["dialog"] = dialog
        if "amount" in fields:
            dialog.amount.setValue(fields["amount"])
        if "unit" in fields:
            dialog.unit.setCurrentIndex(dialog.unit.findData(fields["unit"]))
        if "source" in fields:
            dialog.source.setPlainText(fields["source"])
        seen["preview"] = dialog.preview.text()
        seen["problem"] = dialog.problem.text()
        dialog.save_button.click()
        return dialog.result() == QDialog.DialogCode.Accepted

    prompts_recorder.on_dialog = fill
    return seen


def test_rules_model_passes_the_model_tester(qtmodeltester, qapp) -> None:
    table = override_table(default_rules().get("lac.review.first"), amount=15, source=SOURCE)
    rules = with_overrides(default_rules(), [table])
    model = RulesModel()
    model.set_entries(rule_entries(rules))
    qtmodeltester.check(model)
    row = model.row_of("lac.review.first")
    assert model.data(model.index(row, column("value"))) == "15 working days"
    assert model.data(model.index(row, column("shipped_value"))) == "20 working days"
    assert model.data(model.index(row, column("status"))) == "Council override"
    assert model.data(model.index(row, column("council_source"))) == SOURCE
    assert model.data(model.index(row, 0), Qt.ItemDataRole.FontRole).bold()
    other = model.row_of("lac.review.second")
    assert model.data(model.index(other, column("value"))) == "3 months"
    assert model.data(model.index(other, column("status"))) == "Shipped"
    assert model.data(model.index(other, 0), Qt.ItemDataRole.FontRole) is None
    assert model.data(model.index(other, column("council_source"))) == ""

    proxy = RulesFilter()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.sort(column("value"), Qt.SortOrder.AscendingOrder)
    values = [proxy.data(proxy.index(r, column("value")), SortRole) for r in range(len(rules))]
    assert values == sorted(values)
    first = proxy.data(proxy.index(0, column("value")))
    last = proxy.data(proxy.index(proxy.rowCount() - 1, column("value")))
    # The shortest is the IRO midway review (#18): due at the midpoint itself, 0 days after.
    assert first == "0 days" and last == "24 months"
    assert proxy.data(proxy.index(0, column("id"))) == "lac.midway_review"
    assert proxy.data(proxy.index(1, column("value"))) == "1 working day"
    proxy.set_only_overridden(True)
    assert proxy.rowCount() == 1
    proxy.set_only_overridden(False)
    proxy.set_text("working together")
    assert 0 < proxy.rowCount() < len(rules)
    proxy.set_text("REG 33 second")
    assert [proxy.data(proxy.index(r, column("id"))) for r in range(proxy.rowCount())] == [
        "lac.review.second"
    ]
    qtmodeltester.check(proxy)


def test_change_lac_first_review_to_15_working_days(window, sample, prompts_recorder) -> None:
    page = _settings(window)
    assert _zoe_first_review_due(window, sample) == dt.date(2024, 4, 24)
    assert page.select_rule("lac.review.first")
    seen = _change(prompts_recorder, amount=15, source=SOURCE)
    page.edit_rule_button.click()
    assert prompts_recorder.errors == []
    # The dialog showed what the rule would be, with an example date.
    assert seen["preview"].startswith("15 working days after became looked after")
    assert "Wed 01/05/2024" in seen["preview"]  # 15 working days from Wed 10/04/2024

    assert window.ctx.rules.get("lac.review.first").amount == 15
    assert window.ctx.rules.get("lac.review.first").source == SOURCE
    # Zoë came into care on Mon 25/03/2024: 15 working days (Easter skipped) is Wed 17/04.
    assert _zoe_first_review_due(window, sample) == dt.date(2024, 4, 17)
    window.show_page(1)
    cases = window.cases.list.model
    assert cases.next_dues is not None and cases.next_dues[sample["zoe"]] == dt.date(2024, 4, 17)

    # The table marks the change in words and bold, with who and when.
    model = page.rules_model
    row = model.row_of("lac.review.first")
    entry = model.entry(row)
    assert entry.overridden and entry.change is not None and entry.change.username == "tester"
    assert model.data(model.index(row, column("status"))) == "Council override"
    assert model.data(model.index(row, column("changed"))).startswith("tester, ")
    assert model.data(model.index(row, 0), Qt.ItemDataRole.FontRole).bold()
    assert "1 overridden by this council" in page.rules_note.text()
    assert page.selected_rule().rule.id == "lac.review.first"
    details = page.rule_details.text()
    assert "First review: 15 working days after became looked after" in details
    assert "Shipped: 20 working days after became looked after" in details
    assert SOURCE in details and "changed by tester, " in details
    assert page.reset_rule_button.isEnabled()
    # Audited like every change, with the rule's values.
    with window.ctx.db.session() as s:
        entries = list_audit(s, table="rule_override")
    assert len(entries) == 1 and entries[0].username == "tester"
    assert entries[0].after["definition"]["amount"] == 15

    # Back to the shipped rule.
    page.reset_rule_button.click()
    assert "back to the shipped rule (20 working days" in prompts_recorder.questions[-1]
    assert window.ctx.rules.get("lac.review.first").amount == 20
    assert _zoe_first_review_due(window, sample) == dt.date(2024, 4, 24)
    assert not page.rules_model.entry(row).overridden
    assert _stored(window.ctx.db) == []
    assert "No council overrides" in page.rules_note.text()


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"amount": 1500, "source": SOURCE}, ["field amount", '"1500"']),
        ({"amount": 15, "source": "   "}, ["field source", "names its source"]),
    ],
)
def test_a_bad_value_is_explained_and_nothing_is_saved(
    window, sample, prompts_recorder, fields, words
) -> None:
    page = _settings(window)
    page.select_rule("lac.review.first")
    seen = _change(prompts_recorder, **fields)
    page.edit_rule_button.click()
    message = prompts_recorder.errors[-1]
    assert 'rule "lac.review.first"' in message
    for word in words:
        assert word in message
    assert seen["dialog"].problem.text() == message
    assert seen["dialog"].result() != QDialog.DialogCode.Accepted
    assert _stored(window.ctx.db) == []
    assert window.ctx.rules.get("lac.review.first").amount == 20
    assert _zoe_first_review_due(window, sample) == dt.date(2024, 4, 24)


def test_the_dialog_warns_as_you_type(window, prompts_recorder) -> None:
    page = _settings(window)
    page.select_rule("lac.review.second")
    seen = {}

    def look(dialog) -> bool:
        seen["empty"] = dialog.problem.text()
        dialog.source.setPlainText(SOURCE)
        dialog.amount.setValue(2000)
        seen["big"] = dialog.problem.text()
        dialog.amount.setValue(12)
        dialog.unit.setCurrentIndex(dialog.unit.findData("weeks"))
        seen["weeks"] = (dialog.problem.text(), dialog.preview.text())
        seen["required"] = dialog.enabled.isEnabled()
        return False  # cancelled

    prompts_recorder.on_dialog = look
    page.edit_rule()
    assert seen["empty"] == "A source or reason is required to save."
    assert 'field amount: "2000"' in seen["big"]
    assert seen["weeks"][0] == ""
    assert seen["weeks"][1].startswith("12 weeks after previous review held")
    assert seen["required"] is False  # the engine needs this rule: it cannot be switched off
    assert _stored(window.ctx.db) == []


def test_export_and_load_the_council_s_rules(window, prompts_recorder, tmp_path) -> None:
    page = _settings(window)
    assert not page.export_rules.isEnabled()
    page.select_rule("cp.icpc")
    _change(prompts_recorder, amount=10, source="Cyngor Sir Ynys Môn: “10 working days”")
    page.edit_rule()
    assert page.export_rules.isEnabled()
    out = tmp_path / "council-rules.toml"
    prompts_recorder.save_answer = str(out)
    page.export_rules.click()
    data = tomllib.loads(out.read_text(encoding="utf-8"))
    assert [(r["id"], r["amount"], r["source"]) for r in data["rule"]] == [
        ("cp.icpc", 10, "Cyngor Sir Ynys Môn: “10 working days”")
    ]
    assert "# changed by tester on " in out.read_text(encoding="utf-8")

    page.clear_rules.click()
    assert window.ctx.rules.get("cp.icpc").amount == 15
    prompts_recorder.file_answer = str(out)
    page.load_rules.click()
    assert prompts_recorder.errors == []
    assert window.ctx.rules.get("cp.icpc").amount == 10
    assert page.rules_model.entry(page.rules_model.row_of("cp.icpc")).overridden


def test_a_rules_file_too_large_or_not_a_file_is_refused_by_name(
    window, prompts_recorder, tmp_path
) -> None:
    """The window read a council's rules file whole, however large (a wrong file chosen
    could fill the memory), and a named pipe chosen hung it. Both are refused by name, and
    the rules stay as they were."""
    page = _settings(window)
    huge = tmp_path / "council.toml"
    with huge.open("wb") as fh:
        fh.truncate(RULES_FILE_LIMIT + 1)  # sparse: nothing written
    prompts_recorder.file_answer = str(huge)
    page.load_rules.click()
    assert prompts_recorder.errors[-1] == (
        f"Nothing was saved. {huge} is larger than 4 MB, the most a rules file may be."
    )
    if hasattr(os, "mkfifo"):
        pipe = tmp_path / "pipe.toml"
        os.mkfifo(pipe)
        prompts_recorder.file_answer = str(pipe)
        page.load_rules.click()
        assert prompts_recorder.errors[-1] == (
            f"Nothing was saved. {pipe} is a named pipe, not a file; give a file to read."
        )
    assert window.ctx.rules.get("cp.icpc").amount == 15


def test_search_and_only_the_council_s_changes(window, prompts_recorder) -> None:
    page = _settings(window)
    rule = default_rules().get("lac.review.minutes")
    _override(window, [override_table(rule, amount=15, source=SOURCE)])
    page.only_overridden.setChecked(True)
    assert page.rules_proxy.rowCount() == 1
    page.only_overridden.setChecked(False)
    page.rules_search.setText("conference")
    shown = page.rules_proxy.rowCount()
    assert 0 < shown < page.rules_model.rowCount()
    # Selecting a rule the search hides clears the search.
    assert page.select_rule("lac.review.first")
    assert page.rules_search.text() == ""
    assert page.selected_rule().rule.id == "lac.review.first"


@pytest.mark.parametrize("role", [Role.TEAM_MANAGER, Role.IRO])
def test_team_managers_and_iros_read_only(
    db, sample, qapp, qtbot, tmp_path, prompts_recorder, role
) -> None:
    from ui.context import AppContext
    from ui.main_window import MainWindow

    with db.session() as s:  # set up as another administrator would have
        s.scalar(select(User).where(User.username == "tester")).role = role.value
        s.add(User(username="someone-else", role="administrator"))
        table = override_table(default_rules().get("cp.icpc"), amount=10, source=SOURCE)
        s.add(RuleOverride(rule_id="cp.icpc", definition=table))
    ctx = AppContext.open(db, as_of=AS_OF)
    win = MainWindow(ctx, settings=QSettings(str(tmp_path / "r.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    page = _settings(win)
    assert page.rules_model.rowCount() == len(ctx.rules)
    assert page.select_rule("cp.icpc")
    for button in (page.edit_rule_button, page.reset_rule_button, page.load_rules):
        assert not button.isEnabled()
    assert not page.clear_rules.isEnabled()
    assert page.export_rules.isEnabled()  # reading the council's rules is allowed
    prompts_recorder.on_dialog = lambda dialog: pytest.fail("no dialog for a reader")
    page.edit_rule()
    page.reset_rule()
    assert prompts_recorder.dialogs == []
    assert ctx.rules.get("cp.icpc").amount == 10
    # Even a dialog opened by other means refuses to save for a reader.
    from ui.dialogs.rule_edit import RuleEditDialog

    dialog = RuleEditDialog(ctx, page.selected_rule())
    dialog.source.setPlainText("x")
    dialog.amount.setValue(5)
    dialog.save()
    assert "Only an administrator" in prompts_recorder.errors[-1]
    assert _stored(db)[0]["amount"] == 10
    # And should it get past the window, the core refuses it.
    with pytest.raises(actions.Refused, match="cannot change the council's rules"):
        actions.set_rule(db, ctx.actor, "cp.icpc", expected_version=1, source="x", amount=5)


def test_a_council_s_own_rule_can_be_removed_and_enter_opens_a_rule(
    window, qtbot, prompts_recorder
) -> None:
    from reviewdesk.rule_overrides import rule_table

    page = _settings(window)
    own = rule_table(default_rules().get("lac.review.consultation")) | {
        "id": "lac.review.premeeting",
        "title": "Pre-meeting with the child's carers",
        "source": "Local practice agreed 2024",
    }
    _override(window, [own])
    assert page.select_rule("lac.review.premeeting")
    assert page.reset_rule_button.isEnabled()
    assert page.reset_rule_button.text() == "Remove the council's rule"
    page.reset_rule_button.click()
    assert "Remove the council's own rule" in prompts_recorder.questions[-1]
    assert "lac.review.premeeting" not in window.ctx.rules
    assert page.rules_model.row_of("lac.review.premeeting") == -1

    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    page.select_rule("cp.icpc")
    page.rules.setFocus()
    qtbot.waitUntil(page.rules.hasFocus)
    qtbot.keyClick(page.rules, Qt.Key.Key_Return)
    assert prompts_recorder.dialogs and prompts_recorder.dialogs[-1].entry.rule.id == "cp.icpc"


def test_the_rule_editor_renders(window, qapp, tmp_path) -> None:
    from PySide6.QtGui import QImage

    from tests.ui.shots_rules import take

    window.show()
    files = take(tmp_path, window, qapp)
    assert [f.stem for f in files] == ["settings-rules", "rule-dialog", "rule-dialog-invalid"]
    for f in files:
        image = QImage(str(f))
        assert image.width() > 400 and image.height() > 300, f
        colours = {
            image.pixel(x, y)
            for x in range(0, image.width(), 17)
            for y in range(0, image.height(), 13)
        }
        assert len(colours) > 8, f
