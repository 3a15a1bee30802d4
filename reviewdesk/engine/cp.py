"""Child protection: when each conference is due, and whether each was held in timescale.

Working Together to Safeguard Children: the initial conference (ICPC) within 15 working days of
the strategy discussion at which section 47 enquiries started; the 1st review conference within
3 months of the ICPC; later reviews not more than 6 months after the previous. Transfer-in and
pre-birth conferences follow local rules. The plan's end stops the clock.

"Next" is per open plan and per enquiry awaiting its conference (`CpSchedule.nexts`): a child
on a plan with a new s47 enquiry has both the conference due and the plan's next review.
When some of the history is not in the data (``CpEpisodeInput.gaps``), a conference whose
clock may start in a gap is not judged (`ConferenceOutcome.unknown` says why), and an open
plan or enquiry whose next conference cannot be dated is `Undetermined`, not overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from reviewdesk.codes import MeetingType
from reviewdesk.engine.explain import DueDate, apply_rule
from reviewdesk.engine.gaps import Gap, Undetermined, gap_between, gap_through
from reviewdesk.engine.lac import NextMeeting
from reviewdesk.rules import RuleSet
from reviewdesk.vocabulary import format_uk_long, open_on
from reviewdesk.workingdays import WorkingCalendar


@dataclass(frozen=True)
class CpEpisodeInput:
    """One run of child protection work: enquiry or transfer-in, conference, plan, reviews.

    ``route`` is "s47" or "transfer_in". ``prebirth`` marks an s47 enquiry about an unborn
    child (``expected_delivery`` then gives the local pre-birth deadline). ``initial_type``
    is how the initial conference was recorded (e.g. "icpc_reconvened"), if held.

    ``prior_reviews`` lets a caller pass a truncated history: that many review conferences
    were held on the plan before those in ``reviews_held``, the last of them on
    ``prior_last_held``. The reviews given are then numbered from ``prior_reviews + 1`` and
    the first of them is due counting from ``prior_last_held``, as with the full history.
    Give only reviews held on or after ``prior_last_held``.

    ``gaps``: stretches of the history that are not in the data (`reviewdesk.engine.gaps`).
    """

    route: str = "s47"
    strategy_date: dt.date | None = None
    notified_date: dt.date | None = None
    prebirth: bool = False
    expected_delivery: dt.date | None = None
    initial_held: dt.date | None = None
    initial_type: str | None = None
    icpc_not_required: bool = False
    closed: dt.date | None = None
    plan_start: dt.date | None = None
    plan_end: dt.date | None = None
    reviews_held: tuple[dt.date, ...] = ()
    prior_reviews: int = 0
    prior_last_held: dt.date | None = None
    gaps: tuple[Gap, ...] = ()

    def __post_init__(self) -> None:
        if self.prior_reviews < 0 or (self.prior_reviews > 0) != (self.prior_last_held is not None):
            raise ValueError(
                "prior_reviews must be 0 with no prior_last_held, or positive with one"
            )


@dataclass(frozen=True)
class ConferenceOutcome:
    """A conference held. ``due`` is None when the data cannot say when it was due
    (``unknown`` says why); ``sequence_known`` is False when review conferences may be
    missing before it (``sequence`` is then the least it can be)."""

    episode_index: int
    meeting_type: str
    sequence: int  # 0 for the initial conference, then 1, 2, ... for review conferences
    held: dt.date
    due: DueDate | None  # None when the history does not say what started the clock
    unknown: str | None = None
    sequence_known: bool = True

    @property
    def in_timescale(self) -> bool | None:
        return None if self.due is None else self.held <= self.due.date


@dataclass(frozen=True)
class PlanMilestone:
    episode_index: int
    rule_id: str
    due: DueDate


@dataclass(frozen=True)
class CpSchedule:
    """``nexts``: the next conference of each open plan and of each enquiry awaiting its
    initial conference, by due date; ``next_due`` the earliest. Those the data cannot date
    are in ``undetermined``."""

    conferences: tuple[ConferenceOutcome, ...]
    next_due: NextMeeting | None
    milestones: tuple[PlanMilestone, ...]
    nexts: tuple[NextMeeting, ...] = ()
    undetermined: tuple[Undetermined, ...] = ()


def _no_clock(episode: CpEpisodeInput) -> str:
    """Why an initial conference's due date is unknown."""
    if episode.route == "transfer_in":
        return "the date the transfer-in was notified is not recorded"
    return (
        "what started its clock is not in the data: no s47 enquiry is recorded for it "
        "(a transfer-in, or an enquiry in a return not imported)"
    )


def initial_conference_due(
    episode: CpEpisodeInput, *, rules: RuleSet, calendar: WorkingCalendar
) -> tuple[str, DueDate | None]:
    """The initial conference's type and due date for an episode."""
    if episode.route == "transfer_in":
        kind = MeetingType.ICPC_TRANSFER_IN.value
        if episode.notified_date is None:
            return kind, None
        return kind, apply_rule(rules.get("cp.transfer_in"), episode.notified_date, calendar)
    kind = (MeetingType.ICPC_PREBIRTH if episode.prebirth else MeetingType.ICPC).value
    if episode.strategy_date is None:
        return kind, None
    s47 = apply_rule(rules.get("cp.icpc"), episode.strategy_date, calendar)
    if episode.prebirth and episode.expected_delivery is not None:
        prebirth = apply_rule(rules.get("cp.prebirth"), episode.expected_delivery, calendar)
        if episode.strategy_date <= prebirth.date < s47.date:
            return kind, prebirth
        # The pre-birth limit is later (or already past at the strategy discussion): the
        # 15-working-day rule governs. Say so in the explanation.
        why = f"the pre-birth rule gives {format_uk_long(prebirth.date)}, " + (
            "which is later" if prebirth.date >= s47.date else "before the strategy discussion"
        )
        s47 = replace(s47, explanation=replace(s47.explanation, note=why))
    return kind, s47


def cp_schedule(
    episodes: Sequence[CpEpisodeInput],
    *,
    rules: RuleSet,
    calendar: WorkingCalendar,
    as_of: dt.date,
) -> CpSchedule:
    """Every conference assessed and the next one due, as things stood on ``as_of``."""
    conferences: list[ConferenceOutcome] = []
    milestones: list[PlanMilestone] = []
    candidates: list[NextMeeting] = []
    undetermined: list[Undetermined] = []

    for index, ep in enumerate(episodes):
        started = ep.notified_date if ep.route == "transfer_in" else ep.strategy_date
        if started is not None and started > as_of:
            continue
        kind, initial_due = initial_conference_due(ep, rules=rules, calendar=calendar)
        initial_held = ep.initial_held if ep.initial_held and ep.initial_held <= as_of else None
        if initial_held is not None:
            why = _no_clock(ep) if initial_due is None else None
            conferences.append(
                ConferenceOutcome(index, ep.initial_type or kind, 0, initial_held, initial_due, why)
            )
        elif (
            initial_due is not None
            and not ep.icpc_not_required
            and not (ep.closed and ep.closed <= as_of)
            and not (ep.plan_start and ep.plan_start <= as_of)
        ):
            gap = gap_through(ep.gaps, started, as_of) if started is not None else None
            if gap is not None:
                why = f"the conference may have been held and not be in the data ({gap.why})"
                undetermined.append(Undetermined(kind, 0, why, episode_index=index))
            else:
                candidates.append(
                    NextMeeting(kind, 0, initial_due, as_of > initial_due.date, episode_index=index)
                )

        if ep.plan_start is None or ep.plan_start > as_of:
            continue
        for rule_id in ("cp.plan.18_months", "cp.plan.2_years"):
            milestones.append(
                PlanMilestone(
                    index, rule_id, apply_rule(rules.get(rule_id), ep.plan_start, calendar)
                )
            )
        plan_open = open_on(ep.plan_start, ep.plan_end, as_of)
        last_day = as_of if plan_open else ep.plan_end
        clock = initial_held or ep.plan_start  # what the first review counts from
        if ep.prior_reviews and ep.prior_last_held is not None:
            due = apply_rule(
                rules.get("cp.review.later"),
                ep.prior_last_held,
                calendar,
                event="previous review conference held",
            )
            sequence = ep.prior_reviews + 1
            anchor = ep.prior_last_held
        else:
            due = apply_rule(
                rules.get("cp.review.first"),
                clock,
                calendar,
                event="initial conference held" if initial_held else "plan started",
            )
            sequence = 1
            anchor = clock
        for day in sorted(d for d in ep.reviews_held if ep.plan_start <= d <= last_day):
            known = gap_between(ep.gaps, clock, day) is None  # no review missing before it
            kind_n = (
                MeetingType.RCPC_FIRST if sequence == 1 and known else MeetingType.RCPC_SUBSEQUENT
            ).value
            gap = gap_between(ep.gaps, anchor, day)
            if gap is None:
                conferences.append(
                    ConferenceOutcome(index, kind_n, sequence, day, due, sequence_known=known)
                )
            else:
                why = f"previous conference not in the data ({gap.why})"
                conferences.append(
                    ConferenceOutcome(index, kind_n, sequence, day, None, why, sequence_known=False)
                )
            due = apply_rule(
                rules.get("cp.review.later"), day, calendar, event="previous review conference held"
            )
            sequence += 1
            anchor = day
        if plan_open:
            known = gap_through(ep.gaps, clock, as_of) is None
            kind_n = (
                MeetingType.RCPC_FIRST if sequence == 1 and known else MeetingType.RCPC_SUBSEQUENT
            ).value
            gap = gap_through(ep.gaps, anchor, as_of)
            if gap is None:
                # Its number is not known when a review may be missing before it.
                number = sequence if known else None
                candidates.append(
                    NextMeeting(kind_n, number, due, as_of > due.date, episode_index=index)
                )
            else:
                why = f"a review conference may have been held that is not in the data ({gap.why})"
                undetermined.append(Undetermined(kind_n, sequence, why, episode_index=index))

    nexts = tuple(sorted(candidates, key=lambda m: (m.due.date, m.episode_index or 0)))
    next_due = nexts[0] if nexts else None
    return CpSchedule(tuple(conferences), next_due, tuple(milestones), nexts, tuple(undetermined))
