"""The council's rule overrides, one rule at a time (`reviewdesk.rule_overrides`)."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest

from reviewdesk import actions
from reviewdesk.codes import Role
from reviewdesk.engine import apply_rule
from reviewdesk.errors import InvalidInput
from reviewdesk.rule_overrides import (
    counted_text,
    describe_rule,
    override_history,
    override_table,
    override_versions,
    overrides_from_toml,
    overrides_to_toml,
    rule_entries,
    rule_table,
    stored_overrides,
    value_text,
    with_override,
    without_override,
)
from reviewdesk.rules import default_rules, with_overrides
from reviewdesk.settings import working_context
from reviewdesk.storage.audit import list_audit
from reviewdesk.workingdays import WorkingCalendar

RULES = default_rules()
FIRST = RULES.get("lac.review.first")
SOURCE = "Local standard agreed by the IRO service manager, 01/04/2024"


def test_rules_in_words() -> None:
    assert value_text(FIRST) == "20 working days"
    assert value_text(RULES.get("lac.review.second")) == "3 months"
    assert value_text(RULES.get("cp.icpc.report_to_chair")) == "1 working day"
    assert value_text(RULES.get("cp.minutes")) == (
        "20 working days or 4 weeks, whichever is sooner"
    )
    assert counted_text(FIRST) == "after became looked after"
    assert describe_rule(FIRST) == "First review: 20 working days after became looked after"
    assert describe_rule(RULES.get("cp.minutes")) == (
        "Conference minutes distributed: 20 working days after meeting "
        "(or 4 weeks, whichever is sooner)"
    )


def test_rule_table_round_trips_every_shipped_rule() -> None:
    for rule in RULES:
        again = with_overrides(RULES, [rule_table(rule)]).get(rule.id)
        assert again.limit == rule.limit and again.sooner_of == rule.sooner_of
        assert (again.title, again.source, again.meetings) == (
            rule.title,
            rule.source,
            rule.meetings,
        )


def test_an_override_changes_the_due_date_and_carries_its_source() -> None:
    table = override_table(FIRST, amount=15, source=f"  {SOURCE}  ")
    assert table["amount"] == 15 and table["source"] == SOURCE
    assert table["title"] == FIRST.title and table["from"] == "became_looked_after"
    rules = with_overrides(RULES, [table])
    rule = rules.get("lac.review.first")
    assert rule.origin == "settings" and rule.source == SOURCE
    start = dt.date(2024, 3, 25)  # Mon; Good Friday and Easter Monday are skipped
    calendar = WorkingCalendar()
    assert apply_rule(FIRST, start, calendar).date == dt.date(2024, 4, 24)
    assert apply_rule(rule, start, calendar).date == dt.date(2024, 4, 17)


def test_unit_and_second_limit_can_change() -> None:
    table = override_table(RULES.get("lac.review.second"), amount=12, unit="weeks", source="x")
    assert (table["amount"], table["unit"]) == (12, "weeks")
    minutes = RULES.get("cp.minutes")
    assert "sooner_of" not in override_table(minutes, sooner_of=None, source="x")
    changed = override_table(minutes, sooner_of=(3, "weeks"), source="x")
    assert changed["sooner_of"] == {"amount": 3, "unit": "weeks"}
    first = override_table(FIRST, sooner_of=(1, "months"), source="x")
    assert value_text(with_overrides(RULES, [first]).get(FIRST.id)) == (
        "20 working days or 1 month, whichever is sooner"
    )


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"amount": 1500}, ["field amount", '"1500"', "whole number"]),
        ({"amount": "fifteen"}, ["field amount", '"fifteen"']),
        ({"amount": True}, ["field amount"]),
        ({"unit": "fortnights"}, ["field unit", '"fortnights"']),
        ({"sooner_of": (-1, "weeks")}, ["field sooner_of.amount", '"-1"']),
        ({"sooner_of": (2, "years")}, ["field sooner_of.unit", '"years"']),
        ({"enabled": False}, ["field enabled", "required rule cannot be switched off"]),
        ({"source": "   "}, ["field source", "every rule names its source"]),
    ],
)
def test_a_bad_value_is_refused_naming_rule_field_and_value(changes, words) -> None:
    changes = {"source": SOURCE, **changes}
    with pytest.raises(InvalidInput) as caught:
        override_table(FIRST, **changes)
    message = str(caught.value)
    assert 'rule "lac.review.first"' in message
    for word in words:
        assert word in message


def test_an_optional_rule_can_be_switched_off_and_on() -> None:
    consultation = RULES.get("lac.review.consultation")
    off = override_table(consultation, enabled=False, source="Not our practice")
    assert off["enabled"] is False
    rule = with_overrides(RULES, [off]).get(consultation.id)
    assert not rule.enabled and describe_rule(rule).endswith("(switched off)")
    on = override_table(rule, enabled=True, source="Back in use")
    assert "enabled" not in on


def test_with_and_without_an_override() -> None:
    a = override_table(FIRST, amount=15, source="a")
    b = override_table(RULES.get("cp.icpc"), amount=10, source="b")
    a2 = override_table(FIRST, amount=18, source="a2")
    listed = with_override(with_override([], a), b)
    assert [t["id"] for t in listed] == ["lac.review.first", "cp.icpc"]
    replaced = with_override(listed, a2)
    assert [t["amount"] for t in replaced] == [18, 10]
    assert listed[0]["amount"] == 15  # the input is not changed
    assert [t["id"] for t in without_override(replaced, "lac.review.first")] == ["cp.icpc"]
    with pytest.raises(InvalidInput, match='rule "cp.review.first": the council has not'):
        without_override(replaced, "cp.review.first")


def test_export_to_toml_loads_back_the_same() -> None:
    tricky = 'Agreed by "Máire Ó Briain" \\ IRO service; see minutes\nof 02/04/2024'
    tables = [
        override_table(FIRST, amount=15, source=tricky),
        override_table(RULES.get("cp.minutes"), sooner_of=(3, "weeks"), source="Ynys Môn"),
        override_table(RULES.get("lac.review.consultation"), enabled=False, source="n/a"),
    ]
    text = overrides_to_toml(tables, council="Cyngor Sir Ynys Môn")
    data = tomllib.loads(text)
    assert data["meta"]["name"] == "Cyngor Sir Ynys Môn: rule overrides"
    assert data["rule"] == tables
    assert overrides_from_toml(text, "council.toml") == tables


def test_loading_a_bad_file_names_the_file_rule_and_field() -> None:
    with pytest.raises(InvalidInput, match="council.toml: not a valid TOML"):
        overrides_from_toml("[[rule]\n", "council.toml")
    with pytest.raises(InvalidInput, match=r"council.toml: no \[\[rule\]\]"):
        overrides_from_toml("[meta]\nname = 'x'\n", "council.toml")
    table = rule_table(FIRST) | {"amount": -2}
    text = overrides_to_toml([table])
    with pytest.raises(InvalidInput, match='council.toml: rule "lac.review.first", field amount'):
        overrides_from_toml(text, "council.toml")


def _version(db, rule_id: str) -> int:
    with db.session() as s:
        return override_versions(s).get(rule_id, 0)


def set_rule(db, rule_id: str, **changes):
    """The rule action as the database's user, built on the rule's version now."""
    return actions.set_rule(
        db, actions.whoami(db), rule_id, expected_version=_version(db, rule_id), **changes
    )


def reset_rule(db, rule_id: str):
    return actions.reset_rule(
        db, actions.whoami(db), rule_id, expected_version=_version(db, rule_id)
    )


def test_saving_is_audited_and_changes_the_rules_in_force(db) -> None:
    set_rule(db, "lac.review.first", amount=15, source=SOURCE)
    with db.session() as s:
        rules, _calendar = working_context(s)
        assert rules.get("lac.review.first").amount == 15
        history = override_history(s)
        assert set(history) == {"lac.review.first"}
        assert history["lac.review.first"].username == "Siân Evans"
        [entry] = list_audit(s, table="rule_override")
        assert (entry.action, entry.username) == ("create", "Siân Evans")
        assert entry.after["definition"]["amount"] == 15
        assert entry.after["definition"]["source"] == SOURCE
        entries_by_id = rule_entries(rules, history, versions=override_versions(s))
    entry = next(e for e in entries_by_id if e.rule.id == "lac.review.first")
    assert entry.overridden and entry.status == "Council override"
    assert entry.council_source == SOURCE and entry.shipped_source == FIRST.source
    assert entry.change is not None and entry.version == 1
    other = next(e for e in entries_by_id if e.rule.id == "cp.icpc")
    assert not other.overridden and other.status == "Shipped" and other.council_source == ""
    assert other.change is None and other.version == 0

    set_rule(db, "cp.icpc", amount=10, source="Local: quicker")
    reset_rule(db, "lac.review.first")
    with db.session() as s:
        assert [t["id"] for t in stored_overrides(s)] == ["cp.icpc"]
        rules, _calendar = working_context(s)
        assert rules.get("lac.review.first").amount == 20
        assert rules.get("lac.review.first").origin.endswith("england.toml")
        assert set(override_history(s)) == {"cp.icpc"}
        [removed] = list_audit(s, table="rule_override", action="delete")
        assert removed.before["definition"]["amount"] == 15 and removed.after is None


def test_a_failed_change_saves_nothing(db) -> None:
    set_rule(db, "lac.review.first", amount=15, source=SOURCE)
    with pytest.raises(InvalidInput, match="lac.review.second"):
        set_rule(db, "lac.review.second", amount=5000, source="bad")
    with db.session() as s:
        assert [t["id"] for t in stored_overrides(s)] == ["lac.review.first"]
    unknown = 'rule "lac.nonsense" is not a rule in force'
    with pytest.raises(InvalidInput, match=unknown):
        set_rule(db, "lac.nonsense", amount=1, source="x")
    with pytest.raises(InvalidInput, match="has not changed this rule"):
        reset_rule(db, "cp.icpc")


@pytest.mark.parametrize("role", [Role.TEAM_MANAGER, Role.IRO])
def test_only_administrators_may_change_rules(db, open_db, role) -> None:
    actions.add_user(db, actions.whoami(db), "someone", role)
    theirs = open_db("someone", role=None)  # the same database, as them (on the list above)
    with pytest.raises(actions.Refused, match="cannot change the council's rules"):
        set_rule(theirs, "lac.review.first", amount=15, source=SOURCE)
    with pytest.raises(actions.Refused, match="cannot change the council's rules"):
        actions.replace_rules(theirs, actions.whoami(theirs), [], expected_versions={})
    with db.session() as s:
        assert stored_overrides(s) == []


def test_a_council_s_own_rule_is_listed_as_such() -> None:
    own = rule_table(FIRST) | {"id": "lac.review.first.local", "title": "Local pre-meeting"}
    rules = with_overrides(RULES, [own])
    entry = next(e for e in rule_entries(rules) if e.rule.id == "lac.review.first.local")
    assert entry.overridden and entry.shipped is None
    assert entry.status == "Council's own rule" and entry.shipped_source == ""
