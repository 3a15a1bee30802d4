"""The weekly schedule: each day's meetings, by chair and by room, with clashes marked.

Chairs carry the "by chair" list; reception and the clerks use the "by room" list. A chair or
room booked for two meetings at once is marked, since that is one of the real reasons
conferences ran late (no room, no chair free). A meeting the data cannot judge (a yearly
return not imported) says so under its name: "not judged (why)" once held, "due date not
known (why)" while still to come. A meeting booked for a day before the as-of date and never
recorded says "(outcome not recorded)", as the flag of that name has it, and the week's
opening lines count them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from reviewdesk import queries
from reviewdesk.codes import MeetingStatus
from reviewdesk.overlaps import length, span, sweep
from reviewdesk.queries import DiaryEntry
from reviewdesk.reports.base import (
    AMBER,
    FONT_BOLD,
    MUTED,
    RED,
    AtPageTop,
    DocumentSettings,
    Output,
    Styles,
    build_pdf,
    data_table,
    esc,
    fitted_paragraph,
    make_styles,
)
from reviewdesk.reports.gather import Judgements, council_name, judge_meetings
from reviewdesk.rules import RuleSet
from reviewdesk.settings import working_context
from reviewdesk.storage.db import Database
from reviewdesk.storage.models import Meeting, Room
from reviewdesk.vocabulary import (
    LIVE_STATUSES,
    OUTCOME_NOT_RECORDED,
    format_uk,
    is_outcome_not_recorded,
    room_label,
    week_start,
)
from reviewdesk.workingdays import WorkingCalendar

#: The amber of the flags, for markup.
_AMBER = "#" + AMBER.hexval()[2:]

TITLE = "Weekly schedule"
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class ScheduledMeeting:
    meeting_id: int
    day: dt.date
    start: dt.time | None
    minutes: int
    child: str
    local_id: str
    meeting: str  # e.g. "LAC review (3rd)"
    status: str
    chair: str
    room: str  # "Conference Room 1, County Hall" or ""
    clerk: str
    #: "not judged (why)" or "due date not known (why)" (`gather.Judgements.unknown`).
    unknown: str = ""

    def outcome_not_recorded(self, as_of: dt.date) -> bool:
        """Booked for a day before ``as_of`` and never recorded
        (`vocabulary.is_outcome_not_recorded`, as the "outcome not recorded" flag has it)."""
        return is_outcome_not_recorded(self.status, self.day, as_of)

    @property
    def end(self) -> dt.time | None:
        if self.start is None:
            return None
        moment = dt.datetime.combine(self.day, self.start) + dt.timedelta(minutes=self.minutes)
        return moment.time()

    @property
    def times(self) -> str:
        if self.start is None:
            return "time to be set"
        end = self.end
        return f"{self.start:%H:%M}–{end:%H:%M}" if end else f"{self.start:%H:%M}"


@dataclass(frozen=True)
class WeekSchedule:
    monday: dt.date
    meetings: tuple[ScheduledMeeting, ...]
    days_off: dict[dt.date, str]  # non-working days of the week and why

    def on(self, day: dt.date) -> list[ScheduledMeeting]:
        return [m for m in self.meetings if m.day == day]


def collect_week(session: Session, week: dt.date) -> WeekSchedule:
    """Meetings on a day of the Monday-to-Sunday week holding ``week``: the day they were
    held, else the day they are booked for (as the diary shows them, weekends included)."""
    monday = week_start(week)
    sunday = monday + dt.timedelta(days=6)
    day = func.coalesce(Meeting.held_date, Meeting.booked_date)
    meetings = session.scalars(
        select(Meeting)
        .where(
            or_(
                Meeting.booked_date.between(monday, sunday),
                Meeting.held_date.between(monday, sunday),
            ),
            day >= monday,
            day <= sunday,
            Meeting.status.in_(sorted(LIVE_STATUSES)),
        )
        .options(
            selectinload(Meeting.child),
            selectinload(Meeting.chair),
            selectinload(Meeting.clerk),
            selectinload(Meeting.room).selectinload(Room.venue),
        )
    ).all()
    rules, calendar = working_context(session)
    judged = _judge_week(session, monday, {m.child_id for m in meetings}, rules, calendar)

    days_off = {}
    for i in range(7):
        day = monday + dt.timedelta(days=i)
        reason = calendar.non_working_reason(day)
        if reason:
            days_off[day] = reason
    rows = [
        ScheduledMeeting(
            meeting_id=m.id,
            day=m.held_date or m.booked_date,
            start=m.booked_time,
            minutes=length(m.duration_minutes),  # as the diary shows it
            child=m.child.display_name,
            local_id=m.child.local_id,
            meeting=judged.label(m),
            status=m.status,
            chair=m.chair.name if m.chair else "",
            room=room_label(m.room.name, m.room.venue.name) if m.room else "",
            clerk=m.clerk.name if m.clerk else "",
            unknown=judged.unknown(m.id),
        )
        for m in meetings
        if (m.held_date or m.booked_date) is not None
    ]
    rows.sort(key=lambda m: (m.day, m.start or dt.time.max, m.child.casefold()))
    return WeekSchedule(monday, tuple(rows), days_off)


def _judge_week(
    session: Session,
    monday: dt.date,
    child_ids: Iterable[int],
    rules: RuleSet | None = None,
    calendar: WorkingCalendar | None = None,
) -> Judgements:
    """The week's meetings judged as the schedule prints them: as of the week's Sunday."""
    if rules is None or calendar is None:
        rules, calendar = working_context(session)
    return judge_meetings(
        session,
        as_of=monday + dt.timedelta(days=6),
        rules=rules,
        calendar=calendar,
        child_ids=child_ids,
    )


def numbered_as_scheduled(session: Session, entries: Sequence[DiaryEntry]) -> list[DiaryEntry]:
    """The diary's ``entries`` numbered as the weekly schedule numbers them, so that each
    one's `DiaryEntry.label` ('LAC review 3', '2nd review CP conference') is the name the
    printed week gives the same meeting: the engine's count, judged as of the week's Sunday
    (`Judgements.sequence`), not the number stored with it."""
    weeks: dict[dt.date, set[int]] = {}
    for e in entries:
        weeks.setdefault(week_start(e.day), set()).add(e.child_id)
    judged = {monday: _judge_week(session, monday, ids) for monday, ids in weeks.items()}
    return [
        replace(e, sequence=judged[week_start(e.day)].sequence(e.meeting_id, e.sequence))
        for e in entries
    ]


def read_week_meetings(
    db: Database,
    monday: dt.date,
    chair_id: int | None = None,
    rows: int | None = None,
    numbered: bool = True,
) -> tuple[list[DiaryEntry], int]:
    """The meetings of the week from ``monday`` (those ``chair_id`` chairs, unless None), in
    a session of its own (any thread or process): the first ``rows`` of them (all: None),
    each named as this schedule names it (`numbered_as_scheduled`) unless not ``numbered``
    (as typed in: no child's history read), and how many there are."""
    with db.session() as s:
        entries = queries.diary_entries(s, monday, monday + dt.timedelta(days=6))
        if chair_id is not None:
            entries = [e for e in entries if e.chair_id == chair_id]
        first = entries if rows is None else entries[:rows]
        if numbered:
            first = numbered_as_scheduled(s, first)
        return first, len(entries)


# --- clashes --------------------------------------------------------------------------------


def clashes(
    meetings: Sequence[ScheduledMeeting], key: Callable[[ScheduledMeeting], str]
) -> set[int]:
    """Ids of meetings that overlap another with the same key (chair or room) on the day, by
    `reviewdesk.overlaps`' one rule, as the diary and the double-booking flags find them: a
    meeting with no length recorded takes 90 minutes, one with no time set the whole day."""
    days: dict[tuple[str, dt.date], list[tuple[tuple[int, int], int]]] = {}
    for m in meetings:
        if key(m):
            days.setdefault((key(m), m.day), []).append((span(m.start, m.minutes), m.meeting_id))
    out: set[int] = set()
    for group in days.values():
        if len(group) > 1:
            group.sort()
            out.update(group[i][1] for i, _count, _first in sweep([s for s, _id in group]))
    return out


# --- printing -------------------------------------------------------------------------------


def _grouped_table(
    meetings: Sequence[ScheduledMeeting],
    *,
    group: Callable[[ScheduledMeeting], str],
    group_label: str,
    empty_group: str,
    other: tuple[str, Callable[[ScheduledMeeting], str]],
    clashing: set[int],
    styles: Styles,
    width: float,
    caption: str,
    as_of: dt.date,
) -> Flowable:
    """One day's meetings under a row per chair (or room), each group in time order.

    ``caption`` ("Monday 13/05/2024, by room") heads the part of the table that runs onto
    another page, with the chair or room it is in."""
    header = ["Time", "Child", "Meeting", other[0], "Clerk"]
    widths = [0.11, 0.25, 0.22, 0.24, 0.18]
    groups: dict[str, list[ScheduledMeeting]] = {}
    for m in meetings:
        groups.setdefault(group(m), []).append(m)
    rows: list[list] = []
    extra: list[tuple] = []
    labels: dict[int, str] = {}
    for name in sorted(groups, key=lambda g: (g == "", g.casefold())):
        r = len(rows) + 1
        label = f"{group_label}: {name}" if name else empty_group
        labels[r] = label
        rows.append([Paragraph(f"<b>{esc(label)}</b>", styles.cell), "", "", "", ""])
        extra.append(("LINEABOVE", (0, r), (-1, r), 0.5, MUTED))
        for m in groups[name]:
            r = len(rows) + 1
            child = f"{esc(m.child)} <font color='#5f6b7a'>{esc(m.local_id)}</font>"
            meeting = esc(m.meeting)
            if m.outcome_not_recorded(as_of):  # its day passed: not one still to come
                meeting += f" <font color='{_AMBER}'>({OUTCOME_NOT_RECORDED})</font>"
            elif m.status != MeetingStatus.BOOKED.value:
                meeting += f" <font color='#5f6b7a'>({esc(m.status.replace('_', ' '))})</font>"
            if m.unknown:
                meeting += f"<br/><font color='#5f6b7a'>{esc(m.unknown)}</font>"
            times = m.times
            if m.meeting_id in clashing:
                times += "\nclash"
                extra += [
                    ("TEXTCOLOR", (0, r), (0, r), RED),
                    ("FONT", (0, r), (0, r), FONT_BOLD, 8, 10),
                ]
            rows.append(
                [
                    times,
                    fitted_paragraph(
                        child, f"{m.child} {m.local_id}", styles.cell, widths[1] * width
                    ),
                    Paragraph(meeting, styles.cell),
                    other[1](m),
                    m.clerk or "no clerk allocated",
                ]
            )
    return data_table(
        header,
        rows,
        [w * width for w in widths],
        styles=styles,
        extra=extra,
        zebra=False,
        groups=labels,
        caption=caption,
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def render_week(
    schedule: WeekSchedule, out: Output, *, council: str, as_of: dt.date, invariant: bool = False
) -> int:
    """Print a week's schedule (landscape). Returns the number of pages."""
    styles = make_styles()
    sunday = schedule.monday + dt.timedelta(days=6)
    settings = DocumentSettings(
        title=TITLE,
        council=council,
        landscape=True,
        subtitle=f"Week of {format_uk(schedule.monday)} to {format_uk(sunday)}",
        invariant=invariant,
    )
    width = settings.frame_width
    lac = sum(1 for m in schedule.meetings if m.meeting.startswith("LAC"))
    cp = len(schedule.meetings) - lac
    story: list[Flowable] = [
        Paragraph(
            f"{_count(len(schedule.meetings), 'meeting')} this week: "
            f"{_count(lac, 'LAC review')} and {_count(cp, 'child protection conference')}.",
            styles.body,
        ),
    ]
    chair_clash = clashes(schedule.meetings, lambda m: m.chair)
    room_clash = clashes(schedule.meetings, lambda m: m.room)
    if chair_clash or room_clash:
        story.append(
            Paragraph(
                f'<font color="#b42318"><b>Clashes:</b> {len(chair_clash)} meetings share a '
                f"chair and {len(room_clash)} share a room at the same time; they are marked "
                "“clash”.</font>",
                styles.body,
            )
        )
    unrecorded = sum(m.outcome_not_recorded(as_of) for m in schedule.meetings)
    if unrecorded:
        story.append(
            Paragraph(
                f'<font color="{_AMBER}"><b>{OUTCOME_NOT_RECORDED.capitalize()}:</b> '
                f"{_count(unrecorded, 'meeting')} booked for a day before "
                f"{format_uk(as_of)} {'has' if unrecorded == 1 else 'have'} no outcome recorded; "
                f"they are marked “{OUTCOME_NOT_RECORDED}”.</font>",
                styles.body,
            )
        )
    first = True
    for i in range(7):
        day = schedule.monday + dt.timedelta(days=i)
        todays = schedule.on(day)
        off = schedule.days_off.get(day)
        if not todays and off in ("Saturday", "Sunday"):
            continue
        story.append(Spacer(1, 2 * mm) if first else CondPageBreak(45 * mm))
        first = False
        day_name = f"{_DAY_NAMES[day.weekday()]} {format_uk(day)}"
        heading = day_name
        if off and off not in ("Saturday", "Sunday"):
            heading += f" · {off} (not a working day)"
        count = _count(len(todays), "meeting") if todays else ""
        story.append(
            Paragraph(f"{esc(heading)}  <font size='9' color='#5f6b7a'>{count}</font>", styles.h2)
        )
        if not todays:
            story.append(Paragraph("No meetings booked.", styles.muted))
            continue
        story.append(Paragraph("By chair", styles.h3))
        story.append(
            _grouped_table(
                todays,
                group=lambda m: m.chair,
                group_label="Chair",
                empty_group="No chair allocated",
                other=("Room", lambda m: m.room or "no room booked"),
                clashing=chair_clash,
                styles=styles,
                width=width,
                caption=f"{day_name}, by chair",
                as_of=as_of,
            )
        )
        # The room list often starts a new page: not without its heading, nor its day.
        story.append(CondPageBreak(30 * mm))
        story.append(AtPageTop(Paragraph(esc(f"{day_name} (continued)"), styles.h2)))
        story.append(Paragraph("By room", styles.h3))
        story.append(
            _grouped_table(
                todays,
                group=lambda m: m.room,
                group_label="Room",
                empty_group="No room booked",
                other=("Chair", lambda m: m.chair or "no chair allocated"),
                clashing=room_clash,
                styles=styles,
                width=width,
                caption=f"{day_name}, by room",
                as_of=as_of,
            )
        )
    return build_pdf(story, out, settings, as_of=as_of)


def build_weekly(
    session: Session,
    *,
    week: dt.date,
    out: Output,
    as_of: dt.date | None = None,
    invariant: bool = False,
) -> int:
    """Print the schedule for the week (Monday to Sunday) holding ``week``.

    ``as_of`` dates the print (default today), and a meeting booked for a day before it and
    never recorded is marked "outcome not recorded". Returns the number of pages.
    """
    schedule = collect_week(session, week)
    return render_week(
        schedule,
        out,
        council=council_name(session),
        as_of=as_of or dt.date.today(),
        invariant=invariant,
    )
