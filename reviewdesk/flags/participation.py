"""Participation codes (SSDA903 REVIEW_CODE) that do not fit the child's age at the review.

PN0 is for a child under 4 at the time of the review, and only then.
"""

from __future__ import annotations

from collections.abc import Iterator

from reviewdesk.codes import PARTICIPATION, MeetingType
from reviewdesk.flags.base import AMBER, Flag, FlagContext
from reviewdesk.vocabulary import age_on, format_uk, is_held

CHECKS = {
    "participation_age": (AMBER, "Participation code does not fit the child's age"),
}


def check(ctx: FlagContext) -> Iterator[Flag]:
    as_of = ctx.as_of
    children = ctx.register.children
    review = MeetingType.LAC_REVIEW.value
    for m in ctx.live_meetings():
        code = m.participation
        if m.meeting_type != review or not code or not is_held(m.status, m.held_date, as_of):
            continue
        child = children.get(m.child_id)
        if child is None or child.dob is None:
            continue
        age = age_on(child.dob, m.held_date)
        held = format_uk(m.held_date)
        if code == "PN0" and age >= 4:
            why = f"PN0 is only for children under 4, but the child was {age} at the review"
        elif code != "PN0" and age < 4:
            why = f"{code} is recorded, but the child was under 4 at the review (use PN0)"
        elif code not in PARTICIPATION:
            why = f'"{code}" is not a participation code (PN0-PN7)'
        else:
            continue
        yield Flag(
            "participation_age",
            AMBER,
            f"LAC review held {held}: {why}",
            m.child_id,
            m.id,
            m.chair_id,
            m.held_date,
        )
