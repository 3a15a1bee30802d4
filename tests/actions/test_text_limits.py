"""Text longer than its column is refused, naming the field, on both databases.

PostgreSQL refused an outcome of more than 40 characters, a "raised with" of more than 200
and a council rule id of more than 80, and the window said only "Something went wrong";
SQLite kept them whole; a report's author was cut to 200 characters without a word. Each is
now refused before anything is written, with the field, the text and the limit, and the
limits are read from the columns (`reviewdesk.actions.text`)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from reviewdesk import actions
from reviewdesk.actions.text import column_limit
from reviewdesk.errors import InvalidInput
from reviewdesk.rule_overrides import check_overrides, override_table, override_versions
from reviewdesk.rules import RULE_ID_LIMIT, STAGE_TO_LIMIT, default_rules
from reviewdesk.storage.models import (
    EscalationStage,
    Invitee,
    Meeting,
    Report,
    RuleOverride,
)
from tests.dbfixtures import open_as
from tests.oversight.register import AS_OF, oversight_case

D = dt.date
OUTCOME = "Plan endorsed; placement to continue; contact with mother to be reviewed in six weeks"
RAISED_WITH = "Head of Service for Children in Care, copied to the Assistant Director " * 4


@pytest.fixture
def case(db):
    ids = oversight_case(db)
    with db.session() as s:
        meeting = s.scalars(
            select(Meeting).where(Meeting.child_id == ids["zoe"], Meeting.held_date.is_not(None))
        ).first()
        ids["meeting"], ids["version"] = meeting.id, meeting.version
        ids["held"] = meeting.held_date
    return ids


def _count(db, model) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_an_outcome_longer_than_kept_is_refused_naming_it(db, case) -> None:
    me = actions.whoami(db)
    with pytest.raises(InvalidInput) as refused:
        actions.record_outcome(
            db,
            me,
            case["meeting"],
            actions.Outcome(parts=[case["held"]], participation="PN1", outcome=OUTCOME),
            late=False,
            as_of=AS_OF,
            expected_version=case["version"],
        )
    assert str(refused.value) == (
        f"outcome: \u201c{OUTCOME[:30]}\u2026\u201d is {len(OUTCOME)} characters, more than "
        "the 40 kept"
    )
    with db.session() as s:
        assert s.get(Meeting, case["meeting"]).version == case["version"]  # nothing written


def test_whom_a_challenge_was_raised_with_longer_than_kept_is_refused(db, case) -> None:
    me = actions.whoami(db)
    before = _count(db, EscalationStage)
    new = actions.NewEscalation(
        "lac", case["sian"], D(2024, 3, 25), "placement stability", "Third move in a year",
        stage=0, raised_with=RAISED_WITH,
    )  # fmt: skip
    with pytest.raises(InvalidInput, match=r"^raised with: .* more than the 200 kept$"):
        actions.raise_escalation(db, me, case["zoe"], new, as_of=AS_OF)
    challenge = actions.raise_escalation(
        db, me, case["zoe"], new.__class__(**{**new.__dict__, "raised_with": ""}), as_of=AS_OF
    ).result
    with pytest.raises(InvalidInput, match=r"^raised with: .* more than the 200 kept$"):
        actions.add_escalation_stage(db, me, challenge, 1, D(2024, 4, 2), RAISED_WITH, as_of=AS_OF)
    assert _count(db, EscalationStage) == before + 1  # the one raised without it, alone


def test_a_reports_author_longer_than_kept_is_refused_not_cut_short(db, case) -> None:
    author = "Dr Aleksandra Wiśniewska-Ó Briain, Consultant Community Paediatrician, " * 4
    with pytest.raises(InvalidInput, match=r"^report from: .* more than the 200 kept$"):
        actions.add_reports(
            db,
            actions.whoami(db),
            case["meeting"],
            [actions.NewReport(author=author, agency="health")],
        )
    assert _count(db, Report) == 0


def test_an_invitees_name_and_role_name_the_one_too_long(db, case) -> None:
    me = actions.whoami(db)
    with pytest.raises(InvalidInput, match=r"^invitee's name: .* more than the 200 kept$"):
        actions.add_invitees(
            db, me, case["meeting"], [actions.NewInvitee(name="n" * 201, role="GP")]
        )
    with pytest.raises(InvalidInput, match=r"^invitee Sam: role: .* more than the 100 kept$"):
        actions.add_invitees(
            db, me, case["meeting"], [actions.NewInvitee(name="Sam", role="r" * 101)]
        )
    assert _count(db, Invitee) == 0


def test_a_rules_file_with_a_rule_id_or_stage_longer_than_kept_is_refused(db) -> None:
    table = override_table(default_rules().get("cp.icpc"), source="Council rules file 2024")
    table["id"] = (
        "council.cp.initial_conference_for_unborn_babies_referred_before_32_weeks_gestation"
    )
    assert len(table["id"]) > RULE_ID_LIMIT
    with pytest.raises(InvalidInput, match=r"field id: .* is more than 80 characters$"):
        check_overrides([table])
    with db.session() as s:
        versions = override_versions(s)
    with pytest.raises(InvalidInput, match=r"field id: .* is more than 80 characters$"):
        actions.replace_rules(db, actions.whoami(db), [table], expected_versions=versions)
    assert _count(db, RuleOverride) == 0
    stage = next(r for r in default_rules() if r.stage)
    long_to = override_table(stage, source="Council rules file 2024")
    long_to["to"] = "x" * 201
    with pytest.raises(InvalidInput, match=r"field to: more than 200 characters$"):
        check_overrides([long_to])


def test_the_rules_files_limits_are_the_columns() -> None:
    assert column_limit(RuleOverride.rule_id) == RULE_ID_LIMIT
    assert column_limit(EscalationStage.raised_with) == STAGE_TO_LIMIT
    assert column_limit(Report.rule_id) >= RULE_ID_LIMIT
    assert column_limit(Invitee.rule_id) >= RULE_ID_LIMIT


def test_a_value_postgresql_refuses_is_a_clear_refusal(pg_target, monkeypatch) -> None:
    """Were an action to miss a check, PostgreSQL's "value too long" reaches the person as a
    refusal saying nothing was saved, not "Something went wrong"."""
    import reviewdesk.actions.meetings as meetings

    db = open_as(pg_target, "tester")
    try:
        case = oversight_case(db)
        with db.session() as s:
            meeting = s.scalars(
                select(Meeting).where(
                    Meeting.child_id == case["zoe"], Meeting.held_date.is_not(None)
                )
            ).first()
            mid, version, held = meeting.id, meeting.version, meeting.held_date
        monkeypatch.setattr(meetings, "chosen_outcome", lambda _m, o: o.outcome)  # missed
        with pytest.raises(InvalidInput, match="^The database would not keep a value given"):
            actions.record_outcome(
                db,
                actions.whoami(db),
                mid,
                actions.Outcome(parts=[held], participation="PN1", outcome=OUTCOME),
                late=False,
                as_of=AS_OF,
                expected_version=version,
            )
        with db.session() as s:
            assert s.get(Meeting, mid).outcome != OUTCOME
    finally:
        db.dispose()
