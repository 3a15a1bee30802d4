"""When meetings are due and booked: due soon and not booked, overdue, booked too late or on a
non-working day, held late with no reason recorded; and a next meeting whose due date the
data cannot give (a return not imported), so someone checks it by hand.

Every next meeting of a child is checked: one per open plan, per enquiry awaiting its
conference and per open period of care (`CaseStatus.nexts_for`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from reviewdesk.flags.base import AMBER, INFO, RED, Flag, FlagContext
from reviewdesk.vocabulary import (
    DUE_NOT_KNOWN,
    RECORD_THE_OUTCOME,
    format_uk,
    is_held,
    is_outcome_not_recorded,
    is_upcoming,
    meeting_label,
)

CHECKS = {
    "due_soon_unbooked": (AMBER, "Due within the set number of working days and not booked"),
    "overdue": (RED, "Not held by its due date"),
    "booked_after_due": (RED, "Booked after its due date"),
    "booked_non_working_day": (AMBER, "Booked on a day that is not a working day"),
    "outcome_not_recorded": (AMBER, "Booked for a day now past, and its outcome not recorded"),
    "late_no_reason": (AMBER, "Held out of timescale with no reason recorded"),
    "due_date_unknown": (
        INFO,
        "Next meeting's due date not in the data (a return not imported): check it",
    ),
}


def check(ctx: FlagContext) -> Iterator[Flag]:
    as_of, calendar = ctx.as_of, ctx.register.calendar
    soon = int(ctx.settings["due_soon_working_days"])
    booked_by_case: dict[tuple[int, str], list] = defaultdict(list)
    statuses = ctx.statuses
    for m in ctx.live_meetings():
        if is_upcoming(m.status, m.held_date, as_of):
            day = m.booked_date
            if day is None:
                continue
            booked_by_case[(m.child_id, m.process)].append(m)
            status = statuses[m.child_id]
            timeliness = status.meetings.get(m.id)
            label = ctx.register.label(m)  # numbered by the one rule (docs/domain.md)
            if timeliness is not None and day > timeliness.due.date:
                yield Flag(
                    "booked_after_due",
                    RED,
                    f"{label} is booked for {format_uk(day)}, after its due date "
                    f"{format_uk(timeliness.due.date)}",
                    m.child_id,
                    m.id,
                    m.chair_id,
                    day,
                )
            if is_outcome_not_recorded(m.status, day, as_of):
                ago = (as_of - day).days
                yield Flag(
                    "outcome_not_recorded",
                    AMBER,
                    f"{label} was booked for {format_uk(day)} ({ago} day{'' if ago == 1 else 's'} "
                    f"ago) and its outcome is not recorded: {RECORD_THE_OUTCOME}",
                    m.child_id,
                    m.id,
                    m.chair_id,
                    day,
                )
            if not calendar.is_working_day(day):
                yield Flag(
                    "booked_non_working_day",
                    AMBER,
                    f"{label} is booked for {format_uk(day)}, which is not a working day "
                    f"({calendar.non_working_reason(day)})",
                    m.child_id,
                    m.id,
                    m.chair_id,
                    day,
                )
        elif (
            m.late_reason_id is None
            and is_held(m.status, m.held_date, as_of)
            and not (m.late_reason_note or "").strip()
            and (timeliness := statuses[m.child_id].meetings.get(m.id)) is not None
            and timeliness.in_timescale is False
        ):
            label = ctx.register.label(m)
            yield Flag(
                "late_no_reason",
                AMBER,
                f"{label} was held on {format_uk(m.held_date)}, after its due date "
                f"{format_uk(timeliness.due.date)}, and no reason for the delay is recorded",
                m.child_id,
                m.id,
                m.chair_id,
                m.held_date,
            )

    left_by_day: dict[dt.date, int] = {}  # book-by date -> working days left (shared)
    for child_id, status in statuses.items():
        # (`CaseStatus.nexts_for` and `undetermined_for`, unrolled: this runs over every
        # open case, twice.)
        for process, schedule in (("lac", status.lac), ("cp", status.cp)):
            if schedule is None:
                continue
            nexts = schedule.nexts
            booked_all = booked_by_case.get((child_id, process), [])
            for nxt in nexts:
                due = nxt.due
                # Several due (a plan's review and a new enquiry's conference): a booking
                # counts for the one it is for.
                booked = booked_all
                if len(nexts) > 1:
                    booked = [
                        m
                        for m in booked_all
                        if (t := status.meetings.get(m.id)) is not None
                        and t.episode == nxt.record_index
                    ]
                if as_of > due.date:
                    label = meeting_label(nxt.meeting_type, nxt.sequence)
                    late = calendar.working_days_between(due.date, as_of)
                    note = (
                        f"booked for {format_uk(min(m.booked_date for m in booked))}"
                        if booked
                        else "not booked"
                    )
                    yield Flag(
                        "overdue",
                        RED,
                        f"{label} was due by {format_uk(due.date)} and has not been held "
                        f"({late} working days overdue; {note})",
                        child_id,
                        None,
                        None,
                        due.date,
                    )
                elif not booked:
                    left = left_by_day.get(due.book_by)
                    if left is None:
                        left = calendar.working_days_between(as_of, due.book_by)
                        left_by_day[due.book_by] = left
                    if left <= soon:
                        label = meeting_label(nxt.meeting_type, nxt.sequence)
                        yield Flag(
                            "due_soon_unbooked",
                            AMBER,
                            f"{label} is due by {format_uk(due.date)} ({left} working days "
                            "left) and is not booked",
                            child_id,
                            None,
                            None,
                            due.date,
                        )
            for unknown in schedule.undetermined:
                label = meeting_label(unknown.meeting_type, None)
                yield Flag(
                    "due_date_unknown",
                    INFO,
                    f"Next {label}: {DUE_NOT_KNOWN}, {unknown.reason}",
                    child_id,
                    None,
                    None,
                    as_of,
                )
