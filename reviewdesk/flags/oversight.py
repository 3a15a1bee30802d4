"""IRO oversight: challenges not answered or not resolved in time, the IRO's footprint
between reviews, and conferences that were not quorate.

- A stage's answer overdue: the stage an open challenge is at, not answered by its due date
  (red for a formal stage, amber for informal resolution: time to escalate).
- An escalation open past its timescale: the formal procedure's whole timescale (20 working
  days, IRO Handbook 6.2) or, for an informal challenge answered but not resolved, the
  informal stage's (one not answered has the flag above).
- Midway review overdue, and no contact with the child by the midway point: open periods of
  care, between the review last held and the next (`reviewdesk.oversight.footprint`).
- Inquorate: not reconvened within its timescale (red), reconvened late (amber, for a
  quarter after), and two inquorate conferences in a row (red, for a quarter after).

Challenges count whether or not the child's case is still open (an open challenge is still
open); the footprint counts for open periods of care only; inquorate conferences for a
quarter after they sat (`base.HELD_LOOKBACK_DAYS`), like meetings held.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator

from reviewdesk.flags.base import AMBER, RED, Flag, FlagContext
from reviewdesk.oversight.footprint import footprint, previous_review
from reviewdesk.oversight.records import contacts, escalation_views, inquorate_conferences
from reviewdesk.vocabulary import format_uk, open_on

CHECKS = {
    "escalation_response_overdue": (RED, "Escalation stage not answered in time"),
    "challenge_response_overdue": (AMBER, "Informal challenge not answered in time"),
    "escalation_past_timescale": (RED, "Challenge open past its timescale"),
    "midway_review_overdue": (AMBER, "IRO midway review not done by its due date"),
    "no_iro_contact_by_midway": (AMBER, "No IRO contact with the child by the midway point"),
    "inquorate_not_reconvened": (RED, "Inquorate conference not reconvened in time"),
    "inquorate_reconvened_late": (AMBER, "Inquorate conference reconvened late"),
    "inquorate_twice": (RED, "Two inquorate conferences in a row"),
}


def check(ctx: FlagContext) -> Iterator[Flag]:
    for part, _codes in PARTS:
        yield from part(ctx)


def _escalations(ctx: FlagContext) -> Iterator[Flag]:
    as_of, register = ctx.as_of, ctx.register
    wanted = None if register.includes_every_open_case else list(register.children)
    for e in escalation_views(
        ctx.session,
        as_of=as_of,
        rules=register.rules,
        calendar=register.calendar,
        child_ids=wanted,
        open_only=True,
    ):
        about = f"{e.theme} ({e.process_label}), raised {format_uk(e.raised_on)} by {e.raised_by}"
        s = e.overdue_stage()
        if s is not None and s.due is not None:
            formal = s.stage > 0
            hint = "" if formal else "; consider the formal procedure"
            what = f"{s.name} of the challenge" if formal else "Informal challenge"
            yield Flag(
                "escalation_response_overdue" if formal else "challenge_response_overdue",
                RED if formal else AMBER,
                f"{what} about {about}: raised with "
                f"{s.raised_with or 'no one named'} on {format_uk(s.raised_on)}, answer due "
                f"by {format_uk(s.due.date)} and not recorded{hint}",
                e.child_id,
                None,
                e.raised_by_id,
                s.due.date,
            )
        # An informal challenge's timescale is its stage's: one flag says it, not two.
        if e.past_timescale and e.deadline is not None and (e.formal or s is None):
            yield Flag(
                "escalation_past_timescale",
                RED,
                f"Challenge about {about} is still open at {e.stage_reached_name.lower()}: it "
                f"was to be resolved by {format_uk(e.deadline)}",
                e.child_id,
                None,
                e.raised_by_id,
                e.deadline,
            )


def _footprint(ctx: FlagContext) -> Iterator[Flag]:
    as_of, register = ctx.as_of, ctx.register
    intervals = {}
    for child_id, status in register.statuses.items():
        if status.lac is None or status.lac.next_due is None:
            continue
        held = previous_review(status.lac.next_due)
        if held is not None:
            intervals[child_id] = (status.lac.next_due, held)
    if not intervals:
        return
    since = min(held for _nxt, held in intervals.values())
    by_child = defaultdict(list)
    for c in contacts(ctx.session, as_of=as_of, child_ids=intervals, since=since):
        by_child[c.child_id].append(c)
    iro_of = {p.child_id: p.iro_id for p in register.periods if open_on(p.start, p.end_date, as_of)}
    for child_id, (nxt, held) in sorted(intervals.items()):
        steps = footprint(
            nxt,
            by_child.get(child_id, ()),
            rules=register.rules,
            calendar=register.calendar,
            as_of=as_of,
        )
        if steps is None or steps.midway_due is None:
            continue
        due = steps.midway_due.date
        between = (
            f"between the review held {format_uk(held)} and the next due {format_uk(nxt.due.date)}"
        )
        if steps.midway_overdue(as_of):
            yield Flag(
                "midway_review_overdue",
                AMBER,
                f"IRO midway review {between} was due by {format_uk(due)} and is not recorded",
                child_id,
                None,
                iro_of.get(child_id),
                due,
            )
        if steps.no_contact_by_midway(as_of):
            yield Flag(
                "no_iro_contact_by_midway",
                AMBER,
                f"No IRO contact with the child since the review held {format_uk(held)}; the "
                f"midway point was {format_uk(due)}",
                child_id,
                None,
                iro_of.get(child_id),
                due,
            )


def _quoracy(ctx: FlagContext) -> Iterator[Flag]:
    as_of, register = ctx.as_of, ctx.register
    wanted = None if register.includes_every_open_case else list(register.children)
    start = ctx.lookback_start
    for v in inquorate_conferences(
        ctx.session,
        as_of=as_of,
        rules=register.rules,
        calendar=register.calendar,
        child_ids=wanted,
        register=register,
    ):
        recent = v.day >= start
        if v.second_in_a_row and recent:
            yield Flag(
                "inquorate_twice",
                RED,
                f"{v.label} on {format_uk(v.day)} was not quorate, and neither was the "
                "conference before it",
                v.child_id,
                v.meeting_id,
                v.chair_id,
                v.day,
            )
        if v.due is None:
            continue
        status = ctx.statuses.get(v.child_id)
        if v.not_reconvened(as_of) and (recent or (status is not None and status.cp_open)):
            yield Flag(
                "inquorate_not_reconvened",
                RED,
                f"{v.label} on {format_uk(v.day)} was not quorate and has not been reconvened; "
                f"it was to be by {format_uk(v.due.date)}",
                v.child_id,
                v.meeting_id,
                v.chair_id,
                v.due.date,
            )
        elif v.reconvened_late and v.reconvened_on is not None and v.reconvened_on >= start:
            yield Flag(
                "inquorate_reconvened_late",
                AMBER,
                f"{v.label} on {format_uk(v.day)} was not quorate; it was reconvened on "
                f"{format_uk(v.reconvened_on)}, after {format_uk(v.due.date)}",
                v.child_id,
                v.meeting_id,
                v.chair_id,
                v.due.date,
            )


#: The codes each part of the check gives (challenges, the footprint and quoracy).
ESCALATION_CODES = frozenset(
    {"escalation_response_overdue", "challenge_response_overdue", "escalation_past_timescale"}
)
FOOTPRINT_CODES = frozenset({"midway_review_overdue", "no_iro_contact_by_midway"})
QUORACY_CODES = frozenset(
    {"inquorate_not_reconvened", "inquorate_reconvened_late", "inquorate_twice"}
)
#: The check's parts and the codes each gives: a caller wanting only some codes runs only
#: the parts that give them (`reviewdesk.flags.flags_from_register`'s ``codes``; the
#: footprint alone takes a quarter of a second at 100,000 children).
PARTS: tuple[tuple[Callable[[FlagContext], Iterator[Flag]], frozenset[str]], ...] = (
    (_escalations, ESCALATION_CODES),
    (_footprint, FOOTPRINT_CODES),
    (_quoracy, QUORACY_CODES),
)
