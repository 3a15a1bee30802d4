"""IRO oversight's dates: when each stage of a challenge should be answered, when the whole
escalation should be over, when the midway review between two reviews is due, and when a
conference that was not quorate must be reconvened.

Pure, like the rest of the engine: plain values in (dates, the rules, the working-day
calendar), explained dates (`DueDate`) out. Every timescale is a rule (`resources/rules/
england.toml`, "IRO oversight"); a rule switched off gives no date, so no flag.

- A challenge starts informally (stage 0) or at a formal stage (the IRO may go straight to
  a later stage). Each stage's answer is due by its rule (``times = "escalation_response"``,
  ``stage = N``), counted from the day the stage was raised.
- The whole procedure (``oversight.escalation.total``) counts from the first formal stage
  (or, if a council says so, from the day the challenge was raised). A challenge that never
  went formal has the informal stage's time as its whole timescale.
- The midway review (``lac.midway_review``) counts from the midpoint between the review last
  held and the next one due (or from the review itself, if a council counts that way).
- An inquorate conference is reconvened by ``cp.inquorate.reconvene``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from reviewdesk.engine.explain import DueDate, apply_rule
from reviewdesk.kept import KeptAnswers
from reviewdesk.rules import Rule, RuleSet
from reviewdesk.vocabulary import format_uk_long
from reviewdesk.workingdays import WorkingCalendar

TOTAL_RULE = "oversight.escalation.total"
MIDWAY_RULE = "lac.midway_review"
RECONVENE_RULE = "cp.inquorate.reconvene"


def _enabled(rules: RuleSet, rule_id: str) -> Rule | None:
    rule = rules.rules.get(rule_id)
    return rule if rule is not None and rule.enabled else None


# --- challenges and escalations -------------------------------------------------------------


def escalation_stages(rules: RuleSet) -> tuple[Rule, ...]:
    """The council's escalation procedure: the stage rules in force, in stage order (0 is
    informal resolution)."""
    stages = [r for r in rules if r.enabled and r.times == "escalation_response"]
    return tuple(sorted(stages, key=lambda r: (r.stage or 0, r.id)))


def stage_rule(rules: RuleSet, stage: int) -> Rule | None:
    """The rule for one stage, or None when the procedure has no such stage."""
    return next((r for r in escalation_stages(rules) if r.stage == stage), None)


def stage_name(stage: int) -> str:
    """'Informal' or 'Stage 2'."""
    return "Informal" if stage == 0 else f"Stage {stage}"


@dataclass(frozen=True)
class StageInput:
    """A stage as recorded: its number, when it was raised and when it was answered."""

    stage: int
    raised_on: dt.date
    responded_on: dt.date | None = None


@dataclass(frozen=True)
class StageDue:
    """A stage with the date its answer is due (None: the procedure has no such stage)."""

    stage: int
    raised_on: dt.date
    responded_on: dt.date | None
    due: DueDate | None

    def overdue(self, as_of: dt.date) -> bool:
        """Not answered, and the day it was due has passed (as things stood on ``as_of``)."""
        answered = self.responded_on is not None and self.responded_on <= as_of
        return not answered and self.due is not None and as_of > self.due.date

    @property
    def answered_late(self) -> bool:
        return (
            self.responded_on is not None
            and self.due is not None
            and self.responded_on > self.due.date
        )


@dataclass(frozen=True)
class EscalationDates:
    """A challenge's stages with their due dates, and the date it should be over by."""

    raised_on: dt.date
    stages: tuple[StageDue, ...]
    #: The date the whole challenge should be resolved by: the formal procedure's total for
    #: a formal escalation, the informal stage's answer for an informal one (None: no rule).
    deadline: DueDate | None

    @property
    def formal(self) -> bool:
        return any(s.stage > 0 for s in self.stages)

    @property
    def stage_reached(self) -> int:
        return max((s.stage for s in self.stages), default=0)

    @property
    def current(self) -> StageDue | None:
        """The stage it is at: the highest raised."""
        return max(self.stages, key=lambda s: (s.stage, s.raised_on), default=None)

    def open_past_timescale(self, resolved_on: dt.date | None, as_of: dt.date) -> bool:
        """Still open on ``as_of`` (not resolved by then) after the day it was due to end."""
        resolved = resolved_on is not None and resolved_on <= as_of
        return not resolved and self.deadline is not None and as_of > self.deadline.date

    def resolved_in_timescale(self, resolved_on: dt.date | None) -> bool | None:
        """Resolved on or before its deadline (None: not resolved, or no rule)."""
        if resolved_on is None or self.deadline is None:
            return None
        return resolved_on <= self.deadline.date


def escalation_dates(
    raised_on: dt.date,
    stages: Sequence[StageInput],
    *,
    rules: RuleSet,
    calendar: WorkingCalendar,
) -> EscalationDates:
    """Each stage's answer due and the whole challenge's deadline, explained."""
    dues = []
    for s in sorted(stages, key=lambda s: (s.stage, s.raised_on)):
        rule = stage_rule(rules, s.stage)
        due = None
        if rule is not None:
            event = "challenge raised informally" if s.stage == 0 else f"stage {s.stage} raised"
            due = apply_rule(rule, s.raised_on, calendar, event=event)
        dues.append(StageDue(s.stage, s.raised_on, s.responded_on, due))
    formal = [s.raised_on for s in dues if s.stage > 0]
    deadline: DueDate | None = None
    total = _enabled(rules, TOTAL_RULE)
    if formal:
        if total is not None:
            start = raised_on if total.from_event == "escalation_raised" else min(formal)
            deadline = apply_rule(total, start, calendar)
    else:
        informal = next((s for s in dues if s.stage == 0), None)
        deadline = informal.due if informal is not None else None
    return EscalationDates(raised_on, tuple(dues), deadline)


# --- the IRO's footprint between reviews ----------------------------------------------------


def midway_review_due(
    previous_review: dt.date,
    next_due: dt.date,
    *,
    rules: RuleSet,
    calendar: WorkingCalendar,
) -> DueDate | None:
    """When the IRO's midway review falls due between a review held on ``previous_review``
    and the next, due by ``next_due`` (None when the council has no midway rule).

    Kept as `apply_rule`'s answers are (`KeptAnswers`: the flags ask it for every child
    looked after, each time).
    """
    key = (previous_review, next_due, id(rules), id(calendar))
    hit = _MIDWAY.entries.get(key)
    if hit is not None:
        return hit[0]
    due = _midway_review_due(previous_review, next_due, rules, calendar)
    return _MIDWAY.keep(key, due, rules, calendar)


_MIDWAY = KeptAnswers(65_536)


def _midway_review_due(
    previous_review: dt.date, next_due: dt.date, rules: RuleSet, calendar: WorkingCalendar
) -> DueDate | None:
    rule = _enabled(rules, MIDWAY_RULE)
    if rule is None:
        return None
    if rule.from_event == "previous_review":
        return apply_rule(rule, previous_review, calendar, event="review held")
    midpoint = previous_review + dt.timedelta(days=(next_due - previous_review).days // 2)
    event = (
        f"midpoint between the review held {format_uk_long(previous_review)} and the next due "
        f"{format_uk_long(next_due)}"
    )
    return apply_rule(rule, midpoint, calendar, event=event)


# --- quoracy --------------------------------------------------------------------------------


def reconvene_due(
    inquorate_on: dt.date, *, rules: RuleSet, calendar: WorkingCalendar
) -> DueDate | None:
    """When a conference that was not quorate on ``inquorate_on`` must be reconvened by."""
    rule = _enabled(rules, RECONVENE_RULE)
    if rule is None:
        return None
    return apply_rule(rule, inquorate_on, calendar, event="conference not quorate")


__all__ = [
    "EscalationDates",
    "MIDWAY_RULE",
    "RECONVENE_RULE",
    "StageDue",
    "StageInput",
    "TOTAL_RULE",
    "escalation_dates",
    "escalation_stages",
    "midway_review_due",
    "reconvene_due",
    "stage_name",
    "stage_rule",
]
