"""The invitation rules: shipped as data with their sources, checked whole."""

from __future__ import annotations

import pytest

from reviewdesk.codes import MeetingType
from reviewdesk.errors import InvalidInput
from reviewdesk.invitations.invite_rules import (
    default_invitation_rules,
    load_invitation_rules,
    rules_from_data,
)
from reviewdesk.rules import default_rules


def test_the_shipped_rules_cover_every_meeting_and_name_their_sources() -> None:
    rules = default_invitation_rules()
    for kind in MeetingType:
        whom = {r.who for r in rules.invites_for(kind.value)}
        assert {"family", "social_worker", "agencies"} <= whom, kind
        assert rules.reports_for(kind.value), f"no reports due for {kind}"
    for rule in (*rules.invites, *rules.reports):
        assert len(rule.source) >= 15 and rule.title
    timescales = default_rules()
    for rule in rules.reports:  # every deadline is a timescale rule counted from the meeting
        deadline = timescales.get(rule.deadline)
        assert deadline.times == "report" and deadline.from_event == "meeting"
        assert set(rule.meetings) <= set(deadline.meetings), rule.id
    # Police at every initial conference, even when no officer is involved yet.
    police = [r for r in rules.invites_for("icpc") if r.required and "police" in r.agencies]
    assert police


GOOD = {
    "id": "x.parents",
    "meetings": ["icpc"],
    "who": "family",
    "parental_responsibility": True,
    "title": "Parents",
    "source": "Local procedures, para 1",
}


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"who": "neighbours"}, "who", "is not one of"),
        ({"source": ""}, "source", "missing"),
        ({"meetings": ["tea_party"]}, "meetings", "must be a list"),
        ({"parental_responsibility": False}, "relations", "names relations"),
        ({"relations": ["uncle_bob"]}, "relations", "must be a list"),
        ({"colour": "red"}, "colour", "unknown field"),
        ({"min_age": 99}, "min_age", "not an age"),
    ],
)
def test_a_bad_rule_is_refused_naming_the_file_rule_and_field(change, field, words) -> None:
    with pytest.raises(InvalidInput) as refused:
        rules_from_data({"invite": [{**GOOD, **change}]}, "council.toml")
    text = str(refused.value)
    assert text.startswith('council.toml: rule "x.parents", field ' + field), text
    assert words in text


def test_duplicate_ids_and_a_report_without_a_deadline_are_refused(tmp_path) -> None:
    with pytest.raises(InvalidInput, match="appears twice"):
        rules_from_data({"invite": [GOOD, GOOD]}, "f.toml")
    report = {"id": "r", "meetings": ["icpc"], "from": "social_worker", "title": "t", "source": "s"}
    with pytest.raises(InvalidInput, match='rule "r", field deadline: missing'):
        rules_from_data({"report": [report]}, "f.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[invite]\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="bad.toml: not a valid TOML file"):
        load_invitation_rules(bad)
