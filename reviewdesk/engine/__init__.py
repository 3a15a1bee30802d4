"""The due-date engine: pure functions from plain values to explained dates.

No database and no Qt: callers pass periods of care, enquiries, plans and the dates meetings
were held, with the rules, the working-day calendar and an as-of date.
"""

from reviewdesk.engine.cp import (
    ConferenceOutcome,
    CpEpisodeInput,
    CpSchedule,
    PlanMilestone,
    cp_schedule,
    initial_conference_due,
)
from reviewdesk.engine.deadlines import Deadline, meeting_deadlines
from reviewdesk.engine.explain import DueDate, Explanation, apply_rule, rule_date
from reviewdesk.engine.gaps import Gap, Undetermined, gap_between, gap_through
from reviewdesk.engine.lac import (
    LacSchedule,
    NextMeeting,
    PeriodDeadlines,
    PeriodInput,
    ReviewOutcome,
    lac_schedule,
)
from reviewdesk.rules import Rule, RuleSet, default_rules, load_rules, with_overrides

__all__ = [
    "ConferenceOutcome",
    "CpEpisodeInput",
    "CpSchedule",
    "Deadline",
    "DueDate",
    "Explanation",
    "Gap",
    "LacSchedule",
    "NextMeeting",
    "PeriodDeadlines",
    "PeriodInput",
    "PlanMilestone",
    "ReviewOutcome",
    "Rule",
    "RuleSet",
    "Undetermined",
    "apply_rule",
    "cp_schedule",
    "default_rules",
    "gap_between",
    "gap_through",
    "initial_conference_due",
    "lac_schedule",
    "load_rules",
    "meeting_deadlines",
    "rule_date",
    "with_overrides",
]
