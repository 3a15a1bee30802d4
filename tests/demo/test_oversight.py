"""The demo authority's IRO oversight (`reviewdesk.demo.oversight`): realistic escalations,
contacts, midway reviews, the child's voice and inquorate conferences, each record one the
actions would have accepted (stages in order and in time, answers not before their stage,
nothing after the as-of date, the council's own stage recipients and themes)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from sqlalchemy import select

from reviewdesk.codes import Process
from reviewdesk.demo.oversight import CONTACT_NOTES
from reviewdesk.engine.oversight import stage_rule
from reviewdesk.oversight.figures import oversight_summary
from reviewdesk.oversight.records import inquorate_conferences
from reviewdesk.oversight.words import (
    CONSULTATION,
    CONTACT_KINDS,
    DEFAULT_THEMES,
    OUTCOMES,
    RAISER_ROLES,
)
from reviewdesk.settings import working_context
from reviewdesk.storage.models import (
    ChildVoice,
    Escalation,
    EscalationStage,
    IroContact,
    Meeting,
    Staff,
)
from tests.demo.conftest import AS_OF

D = dt.date


def test_the_demo_has_every_kind_of_oversight(default_demo):
    db, _ = default_demo
    with db.session() as s:
        challenges = s.scalars(select(Escalation)).all()
        stages = Counter(s.scalars(select(EscalationStage.stage)))
        contacts = s.scalars(select(IroContact)).all()
        voices = s.scalars(select(ChildVoice)).all()
        inquorate = s.scalars(select(Meeting).where(Meeting.quorate.is_(False))).all()
        themes = {e.theme.text for e in challenges}
    # Challenges: mostly informal, a good share formal, some up to the director (stage 4).
    assert len(challenges) > 100
    assert set(stages) == {0, 1, 2, 3, 4}
    assert stages[0] > stages[1] > stages[2] > stages[4] > 0
    assert {Process.LAC.value, Process.CP.value} <= {e.process for e in challenges}
    still_open = [e for e in challenges if e.resolved_on is None]
    assert 0 < len(still_open) < len(challenges) / 4
    assert {e.outcome for e in challenges if e.resolved_on} <= set(OUTCOMES)
    assert any(e.cafcass_referred_on for e in challenges)
    assert len(themes) >= 8
    # The footprint: every kind, with and without the child, midway reviews.
    assert {c.kind for c in contacts} == set(CONTACT_KINDS)
    assert {c.with_child for c in contacts} == {True, False}
    assert sum(c.midway_review for c in contacts) > 100
    # The child's voice at reviews; a few inquorate conferences.
    assert len(voices) > 300
    assert {v.consultation for v in voices} <= {*CONSULTATION, None}
    assert any(v.advocacy_taken_up for v in voices)
    assert 5 <= len(inquorate) <= 60
    assert {m.process for m in inquorate} == {Process.CP.value}


def test_every_challenge_is_one_the_actions_would_accept(default_demo):
    db, _ = default_demo
    with db.session() as s:
        rules, _calendar = working_context(s)
        roles = dict(s.execute(select(Staff.id, Staff.role)).all())
        by_challenge = defaultdict(list)
        for st in s.scalars(select(EscalationStage).order_by(EscalationStage.stage)):
            by_challenge[st.escalation_id].append(st)
        for e in s.scalars(select(Escalation)):
            assert e.theme.text in DEFAULT_THEMES
            assert roles[e.raised_by_id] in RAISER_ROLES
            assert e.raised_on <= AS_OF and e.concern
            own = by_challenge[e.id]
            assert own and own[0].raised_on == e.raised_on and own[0].stage in (0, 1)
            for earlier, later in zip(own, own[1:], strict=False):
                assert later.stage == earlier.stage + 1
                assert earlier.responded_on is not None
                assert later.raised_on >= earlier.responded_on
            for st in own:
                assert st.child_id == e.child_id
                assert st.raised_with == stage_rule(rules, st.stage).to
                if st.responded_on is not None:
                    assert st.raised_on <= st.responded_on <= AS_OF
            if e.resolved_on is not None:
                assert own[-1].responded_on <= e.resolved_on <= AS_OF
                assert e.outcome in OUTCOMES
            else:
                assert e.outcome is None and e.cafcass_referred_on is None
            if e.cafcass_referred_on is not None:
                assert own[-1].stage == 4 and e.cafcass_referred_on <= AS_OF


def test_contacts_and_voices_are_the_childs_own(default_demo):
    db, _ = default_demo
    with db.session() as s:
        roles = dict(s.execute(select(Staff.id, Staff.role)).all())
        for c in s.scalars(select(IroContact)):
            assert c.contact_date <= AS_OF and roles[c.staff_id] in RAISER_ROLES
        meetings = {
            m.id: m
            for m in s.scalars(select(Meeting).where(Meeting.id.in_(select(ChildVoice.meeting_id))))
        }
        for v in s.scalars(select(ChildVoice)):
            m = meetings[v.meeting_id]
            assert m.child_id == v.child_id and m.status == "held" and m.held_date <= AS_OF
            assert not (v.advocacy_taken_up and v.advocacy_offered is False)


def test_inquorate_conferences_are_nearly_all_reconvened_in_time(default_demo):
    db, _ = default_demo
    with db.session() as s:
        views = inquorate_conferences(s, as_of=AS_OF)
    assert views
    reconvened = [v for v in views if v.reconvened_on is not None]
    in_time = [v for v in reconvened if not v.reconvened_late]
    assert len(reconvened) >= len(views) - 2
    assert len(in_time) >= 0.7 * len(views)


def test_a_contacts_note_fits_it(default_demo):
    db, _ = default_demo
    with db.session() as s:
        for c in s.scalars(select(IroContact)):
            assert c.note in CONTACT_NOTES[c.kind, c.with_child]


def test_the_quarters_themes_come_most_raised_first(default_demo):
    db, _ = default_demo
    with db.session() as s:
        summary = oversight_summary(s, start=D(2025, 7, 1), end=D(2025, 9, 30), as_of=AS_OF)
    themes = [(-b.raised, b.label.casefold()) for b in summary.by_theme]
    assert themes == sorted(themes) and themes[0][0] < themes[-1][0]
    assert sum(b.raised for b in summary.by_theme) == summary.raised > 20
    iros = [b.label.casefold() for b in summary.by_iro]
    assert iros == sorted(iros)
