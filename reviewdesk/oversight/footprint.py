"""The IRO's footprint between two reviews: the midway review and contact with the child.

Pure (plain values in and out), so the flags, the child's page and the reports read the
same answer. The interval is the one the engine counts the next review from: the review
last held in the period of care (the event its due date is counted from) to the next one
due. A first review has no interval before it (nothing is due between the child coming into
care and the first review, 20 working days later).

- The midway review is due by `reviewdesk.engine.oversight.midway_review_due`; it is done
  when a contact marked as the midway review is recorded after the review held.
- "No contact by the midway point": the midway date has passed and the IRO has had no
  contact with the child (a contact recorded *with the child*) since the review held.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from reviewdesk.engine import DueDate, NextMeeting
from reviewdesk.engine.oversight import midway_review_due
from reviewdesk.rules import RuleSet
from reviewdesk.workingdays import WorkingCalendar


@dataclass(frozen=True)
class ContactFact:
    """What the footprint needs of a contact."""

    contact_date: dt.date
    with_child: bool
    midway_review: bool


@dataclass(frozen=True)
class Footprint:
    """Where the IRO's footprint stands between the review last held and the next one."""

    previous_review: dt.date
    next_review_due: dt.date
    midway_due: DueDate | None
    #: The midway review recorded since the review held (the first), if any.
    midway_done: dt.date | None
    #: The first contact with the child since the review held, if any.
    contact_since_review: dt.date | None

    def midway_overdue(self, as_of: dt.date) -> bool:
        return (
            self.midway_due is not None
            and self.midway_done is None
            and as_of > (self.midway_due.date)
        )

    def no_contact_by_midway(self, as_of: dt.date) -> bool:
        return (
            self.midway_due is not None
            and self.contact_since_review is None
            and as_of > self.midway_due.date
        )


def previous_review(next_due: NextMeeting | None) -> dt.date | None:
    """The review the next one is counted from (None before the first review): the event
    date of the next review's explained due date. A next review whose number the data
    cannot tell (sequence None: the period began before the first return imported) is dated
    from a review held in the data, so it has one too."""
    if next_due is None or (next_due.sequence is not None and next_due.sequence < 2):
        return None
    return next_due.due.explanation.event_date


def footprint(
    next_due: NextMeeting | None,
    contacts: Iterable[ContactFact | Any],
    *,
    rules: RuleSet,
    calendar: WorkingCalendar,
    as_of: dt.date,
) -> Footprint | None:
    """The footprint of an open period of care whose next review is ``next_due`` (the
    engine's), from the child's contacts (any order; those after ``as_of`` are ignored).
    None before the first review."""
    held = previous_review(next_due)
    if held is None or next_due is None:
        return None
    since = sorted(
        (c for c in contacts if held < c.contact_date <= as_of), key=lambda c: c.contact_date
    )
    return Footprint(
        previous_review=held,
        next_review_due=next_due.due.date,
        midway_due=midway_review_due(held, next_due.due.date, rules=rules, calendar=calendar),
        midway_done=next((c.contact_date for c in since if c.midway_review), None),
        contact_since_review=next((c.contact_date for c in since if c.with_child), None),
    )


__all__ = ["ContactFact", "Footprint", "footprint", "previous_review"]
