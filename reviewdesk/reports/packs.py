"""Conference and review packs: what the chair and the clerk take into one meeting.

A pack opens with a cover sheet (the child, the meeting, when it was due and why, where and
who), then the agenda, who is invited and who attended (with interpreter and access needs,
and anyone excluded from part), which reports are in, the deadlines around the meeting, the
previous meeting's decisions, the current plan and a checklist for the clerk; then the
received reports themselves, their pages merged in and numbered with the pack's
(`reviewdesk.reports.attached`). The packs for a week come in one file, each pack numbered on
its own ("Page 2 of 3") so it can be taken out.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from functools import cache

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from reviewdesk.codes import (
    ATTENDANCE_WORDS,
    CP_CATEGORY,
    INITIAL_CONFERENCES,
    LEGAL_STATUS,
    PARTICIPATION,
    MeetingStatus,
    Process,
    agency_label,
)
from reviewdesk.dates import add_months, age_on
from reviewdesk.engine import Deadline, DueDate, meeting_deadlines
from reviewdesk.errors import InvalidInput
from reviewdesk.paths import resource
from reviewdesk.reports.attached import attachments_for, file_content, merge_attachments
from reviewdesk.reports.base import (
    AMBER,
    GREEN,
    INK,
    MUTED,
    RED,
    RULE,
    ZEBRA,
    DocumentSettings,
    Output,
    Section,
    Styles,
    build_pdf,
    data_table,
    esc,
    facts_table,
    fit_cells,
    fitted_paragraph,
    keep,
    layout_pdf,
    make_styles,
    rag_style,
    uk,
    write_document,
)
from reviewdesk.reports.gather import Judgements, council_name, judge_meetings
from reviewdesk.rules import RuleSet
from reviewdesk.safefiles import check_output
from reviewdesk.settings import working_context
from reviewdesk.storage.models import Child, Invitee, Meeting, PeriodOfCare, Report, Room
from reviewdesk.vocabulary import (
    CALLED_OFF_STATUSES,
    LIVE_STATUSES,
    OUTCOME_NOT_RECORDED,
    RECORD_THE_OUTCOME,
    covers,
    format_uk,
    format_uk_long,
    is_outcome_not_recorded,
    room_label,
    week_start,
)
from reviewdesk.workingdays import WorkingCalendar

TICK, BOX = "☑", "☐"
#: Room for a list's heading, its column headings and a row or two: less than this left on
#: a page, the list starts on the next (a heading is never left alone at the foot).
_HEADING_AND_ROWS = 30 * mm


def pack_title(meeting: Meeting) -> str:
    return "Review pack" if meeting.process == Process.LAC.value else "Conference pack"


def _hex(colour) -> str:
    return "#" + colour.hexval()[2:]


def _coloured(text: str, colour) -> str:
    return f'<font color="{_hex(colour)}">{text}</font>'


class _Context:
    """What every pack in one print run shares: rules, calendar, as-of date, styles, and
    each meeting's due date and number from the casework bridge."""

    def __init__(
        self,
        rules: RuleSet,
        calendar: WorkingCalendar,
        as_of: dt.date,
        styles: Styles,
        width: float,
        judged: Judgements,
    ):
        self.rules = rules
        self.calendar = calendar
        self.as_of = as_of
        self.styles = styles
        self.width = width
        self.judged = judged

    def due(self, meeting: Meeting) -> tuple[DueDate | None, bool | None]:
        t = self.judged.timeliness.get(meeting.id)
        return (t.due, t.in_timescale) if t is not None else (None, None)

    def title(self, meeting: Meeting) -> str:
        """'LAC review 3': numbered as the engine counts, not as typed in."""
        return self.judged.label(meeting)


# --- the sections of a pack -----------------------------------------------------------------


def _cover(meeting: Meeting, ctx: _Context) -> list[Flowable]:
    s, child = ctx.styles, meeting.child
    day = meeting.booked_date
    when = day or ctx.as_of
    if child.dob:
        born = f"born {format_uk(child.dob)} (age {age_on(child.dob, when)})"
    elif child.expected_delivery:
        born = f"unborn: expected {format_uk(child.expected_delivery)}"
    else:
        born = "date of birth not recorded"
    title = ctx.title(meeting)
    story: list[Flowable] = [
        Paragraph(esc(child.display_name), s.big),
        Paragraph(f"{esc(child.local_id)} · {esc(born)}", s.muted),
        Spacer(1, 4 * mm),
        Paragraph(esc(title), s.h1),
    ]
    status = meeting.status.replace("_", " ").capitalize()
    # Its day passed and it was never recorded (the "outcome not recorded" flag's test).
    unrecorded = is_outcome_not_recorded(meeting.status, meeting.booked_date, ctx.as_of)
    due_date, in_time = ctx.due(meeting)
    unknown = ctx.judged.unknown(meeting.id)
    if due_date is None and meeting.status in CALLED_OFF_STATUSES:
        due_text = _coloured(f"Not counted: the meeting was {status.lower()}", MUTED)
    elif due_date is None and unknown:
        due_text = _coloured(esc(_sentence(unknown)), MUTED)
    elif due_date is None:
        due_text = _coloured("Not known: the record does not say what started the clock", MUTED)
    else:
        due_text = f"<b>{format_uk_long(due_date.date)}</b>"
        if due_date.book_by != due_date.date:
            due_text += f" (book by {format_uk_long(due_date.book_by)})"
    booked = "Not booked"
    if day:
        booked = f"<b>{format_uk_long(day)}</b>"
        if meeting.booked_time:
            end = dt.datetime.combine(day, meeting.booked_time) + dt.timedelta(
                minutes=meeting.duration_minutes or 0
            )
            booked += f", {meeting.booked_time:%H:%M}–{end:%H:%M}"
        if due_date is not None and meeting.status != MeetingStatus.HELD.value:
            if day <= due_date.date:
                booked += "<br/>" + _coloured("Booked within timescale", GREEN)
            else:
                late = ctx.calendar.working_days_between(due_date.date, day)
                booked += "<br/>" + _coloured(
                    f"Booked after the due date ({late} working day{'s' if late != 1 else ''} "
                    "late): record the reason",
                    RED,
                )
    if meeting.status == MeetingStatus.HELD.value and meeting.held_date:
        verdict = {True: ("in timescale", GREEN), False: ("out of timescale", RED)}.get(in_time)
        held = f"Held {format_uk_long(meeting.held_date)}"
        if verdict:
            held += " " + _coloured(verdict[0], verdict[1])
        elif unknown:
            held += " " + _coloured(esc(unknown), MUTED)
        booked += "<br/>" + held
    venue = "No room booked"
    if meeting.room:
        room = meeting.room
        venue = esc(room_label(room.name, room.venue.name))
        if room.virtual:
            venue += " (virtual)"
        if room.venue.address:
            venue += f"<br/>{_coloured(esc(room.venue.address), MUTED)}"
    worker = child.social_worker
    worker_text = esc(worker.name) if worker else "Not recorded"
    if worker and child.team:
        worker_text += f" {_coloured('(' + esc(child.team.name) + ')', MUTED)}"

    def p(text: str) -> Paragraph:
        return Paragraph(text, s.body)

    if unrecorded:
        status = p(
            f"{esc(status)}, " + _coloured(f"{OUTCOME_NOT_RECORDED}: {RECORD_THE_OUTCOME}", AMBER)
        )
    facts = [
        ("Status", status),
        ("Due by", p(due_text)),
        ("Booked for", p(booked)),
        ("Venue", p(venue)),
        ("Chair", meeting.chair.name if meeting.chair else "Not allocated"),
        ("Clerk", meeting.clerk.name if meeting.clerk else "Not allocated"),
        ("Social worker", p(worker_text)),
        ("Invitees", f"{len(meeting.invitees)} invited"),
        ("Reports", _reports_summary(meeting, ctx)),
    ]
    story.append(facts_table(facts, (35 * mm, ctx.width - 35 * mm), styles=s))
    if due_date is not None:
        box = Table(
            [
                [Paragraph("<b>How the due date was worked out</b>", s.small)],
                [Paragraph(esc(_sentence(due_date.explanation.text())), s.body)],
                [Paragraph(esc(due_date.explanation.rule_text()), s.muted)],
            ],
            colWidths=[ctx.width],
        )
        box.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), ZEBRA),
                    ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        story += [Spacer(1, 5 * mm), box]
    return story


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _reports_summary(meeting: Meeting, ctx: _Context) -> str:
    if not meeting.reports:
        return "None recorded"
    received = sum(1 for r in meeting.reports if r.received)
    return f"{received} of {len(meeting.reports)} received"


@cache
def agenda_items(process: str) -> tuple[str, ...]:
    """The agenda printed in a pack (``resources/agendas/<process>.txt``, one item a line;
    a council edits the file to change it)."""
    path = resource("agendas", f"{process}.txt")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ()
    return tuple(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _agenda(meeting: Meeting, ctx: _Context) -> list[Flowable]:
    s = ctx.styles
    items = agenda_items(meeting.process)
    story: list[Flowable] = [Paragraph("Agenda", s.h2)]
    if not items:
        return [*story, Paragraph("No agenda is set for this kind of meeting.", s.muted)]
    rows = [[f"{n}.", Paragraph(esc(item), s.body)] for n, item in enumerate(items, start=1)]
    table = Table(rows, colWidths=[8 * mm, ctx.width - 8 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (0, -1), "DejaVuSans", 9, 12),
                ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story.append(table)
    excluded = [
        inv.name
        for inv in meeting.invitees
        if inv.person is not None and inv.person.excluded_from_part
    ]
    if excluded:
        story.append(Spacer(1, 1.5 * mm))
        story.append(
            Paragraph(
                esc(
                    "Part of the meeting will be held without "
                    + ", ".join(excluded)
                    + " (the chair's decision; see the invitees)."
                ),
                s.muted,
            )
        )
    return story


def _invitee_notes(inv) -> str:
    """Interpreter, access needs and exclusion, in a few words ('' for none)."""
    p = inv.person
    if p is None:
        return ""
    notes = []
    if p.interpreter:
        notes.append(f"Interpreter: {p.interpreter}")
    if p.access_needs:
        notes.append(" ".join(p.access_needs.split()))
    if p.excluded_from_part:
        notes.append("Excluded from part of the meeting")
    return "; ".join(notes)


def _invitees(meeting: Meeting, ctx: _Context) -> list[Flowable]:
    s = ctx.styles
    heading = Paragraph("Invitees and attendance", s.h2)
    if not meeting.invitees:
        return [heading, Paragraph("No one has been invited yet.", s.muted)]
    rows: list[list] = []
    extra: list[tuple] = []
    # The attendance boxes need 0.31 of an A4 page; a role such as "Child and Adolescent
    # Mental Health Services practitioner" wrapped to four lines at 0.16.
    widths = [0.24, 0.27, 0.18, 0.31]
    for inv in meeting.invitees:
        if inv.attendance:
            attendance = ATTENDANCE_WORDS.get(inv.attendance, inv.attendance)
        else:
            attendance = f"{BOX} Attended   {BOX} Apologies   {BOX} Absent"
            extra.append(("TEXTCOLOR", (3, len(rows) + 1), (3, len(rows) + 1), MUTED))
        notes = _invitee_notes(inv)
        name: object = inv.name
        if notes:
            name = fitted_paragraph(
                f"{esc(inv.name)}<br/>{_coloured(esc(notes), MUTED)}",
                f"{inv.name} {notes}",
                s.cell,
                widths[0] * ctx.width,
            )
        invited = uk(inv.invited_on, "not invited")
        if inv.invited_on and inv.sent_by:
            invited += f" ({inv.sent_by})"
        rows.append([name, inv.role, invited, attendance])
    table = data_table(
        ["Name", "Role", "Invited", "Attendance"],
        rows,
        [w * ctx.width for w in widths],
        styles=s,
        extra=extra,
        tall_rows=True,  # notes on access needs are free text, of any length
    )
    return [CondPageBreak(_HEADING_AND_ROWS), heading, table]


def _report_deadlines(deadlines: Sequence[Deadline]) -> tuple[Deadline | None, Deadline | None]:
    """The deadline for reports to the chair, and the one for sharing them with parents."""
    reports = [d for d in deadlines if d.times == "report" and d.direction == "before"]
    parents = [d for d in reports if "parent" in (d.rule.title + d.rule.id).lower()]
    to_chair = [d for d in reports if d not in parents] or reports
    # The latest date still in time for the chair is the deadline that binds reports in.
    chair = max(to_chair, key=lambda d: d.date) if to_chair else None
    return chair, (parents[0] if parents else None)


def _reports(meeting: Meeting, deadlines: Sequence[Deadline], ctx: _Context) -> list[Flowable]:
    s = ctx.styles
    heading = Paragraph("Reports", s.h2)
    if not meeting.reports:
        return [heading, Paragraph("No reports are recorded for this meeting.", s.muted)]
    by_rule = {d.rule.id: d for d in deadlines}
    default_due, parents_due = _report_deadlines(deadlines)
    rows, extra = [], []
    for r, report in enumerate(meeting.reports, start=1):
        deadline = by_rule.get(report.rule_id or "", default_due)
        due = deadline.date if deadline else None
        if report.received:
            late = due is not None and report.received > due
            status, rag = ("Received late", "red") if late else ("Received", "green")
            if report.file is not None:
                pages = report.file.pages
                status += f", attached ({pages} page{'s' if pages != 1 else ''})"
        elif due is not None and ctx.as_of > due:
            status, rag = "Overdue", "red"
        else:
            status, rag = "Awaited", None
        shared = uk(report.shared_with_parents, "not shared")
        shared_on = report.shared_with_parents
        if parents_due and shared_on and shared_on > parents_due.date:
            shared += " (late)"
            extra.append(("TEXTCOLOR", (4, r), (4, r), RED))
        elif not shared_on:
            extra.append(("TEXTCOLOR", (4, r), (4, r), MUTED))
        extra += rag_style((5, r), rag)
        rows.append(
            [
                report.author,
                agency_label(report.agency),
                uk(due, "–"),
                uk(report.received, "–"),
                shared,
                status,
            ]
        )
    widths = [0.3, 0.14, 0.12, 0.12, 0.18, 0.14]
    table = data_table(
        ["From", "Agency", "Due by", "Received", "Shared with parents", "Status"],
        rows,
        [w * ctx.width for w in widths],
        styles=s,
        extra=extra,
    )
    notes = []
    if default_due:
        notes.append(
            f"Due by {format_uk_long(default_due.date)}: {default_due.rule.title} "
            f"({default_due.rule.limit.describe()} before the meeting)."
        )
    if parents_due is default_due and default_due is not None:
        notes[-1] = notes[-1][:-1] + "; the same date applies to sharing them with parents."
    elif parents_due:
        notes.append(
            f"Shared with parents by {format_uk_long(parents_due.date)}: "
            f"{parents_due.rule.title} ({parents_due.rule.limit.describe()} before the meeting)."
        )
    return [
        CondPageBreak(_HEADING_AND_ROWS),
        heading,
        table,
        Spacer(1, 1.5 * mm),
        *(Paragraph(esc(n), s.muted) for n in notes),
    ]


def _meeting_day(meeting: Meeting) -> dt.date | None:
    if meeting.status == MeetingStatus.HELD.value and meeting.held_date:
        return meeting.held_date
    return meeting.booked_date


def _done(meeting: Meeting, deadline: Deadline, *, sharing: bool = False) -> tuple[str, str | None]:
    """What the record says about one deadline: text and a RAG rating (or none).

    ``sharing``: the deadline is for sharing the reports with the parents (a rule of its
    own, as before an initial conference), so it is met by the reports shared, not received.
    """
    times = deadline.times
    if times == "report":
        if not meeting.reports:
            return "", None
        if sharing:
            days, done = [r.shared_with_parents for r in meeting.reports], "shared"
        else:
            days, done = [r.received for r in meeting.reports], "received"
        met = [day for day in days if day]
        text = f"{len(met)} of {len(meeting.reports)} {done}"
        if len(met) == len(meeting.reports):
            late = any(day > deadline.date for day in met)
            return text, "red" if late else "green"
        return text, None
    day = {
        "consultation": meeting.consultation_sent,
        "decisions": meeting.decisions_issued,
        "minutes": meeting.minutes_distributed,
    }.get(times)
    if times not in ("consultation", "decisions", "minutes"):
        return "", None
    if day is None:
        return "", None
    return (
        f"{format_uk(day)}{' (late)' if day > deadline.date else ''}",
        ("red" if day > deadline.date else "green"),
    )


def _deadlines(meeting: Meeting, deadlines: Sequence[Deadline], ctx: _Context) -> list[Flowable]:
    s = ctx.styles
    heading = Paragraph("Deadlines around this meeting", s.h2)
    if not deadlines:
        return [heading, Paragraph("No meeting date yet, so no deadlines.", s.muted)]
    to_chair, to_parents = _report_deadlines(deadlines)
    rows, extra = [], []
    for r, d in enumerate(deadlines, start=1):
        text, rag = _done(meeting, d, sharing=d is to_parents and d is not to_chair)
        if (
            not text
            and ctx.as_of > d.date
            and d.times
            in (
                "consultation",
                "decisions",
                "minutes",
            )
        ):
            text, rag = "not recorded", "red"
        rows.append(
            [
                d.rule.title,
                d.rule.offset(),
                format_uk_long(d.date),
                text,
            ]
        )
        extra += rag_style((3, r), rag)
    extra.append(("TEXTCOLOR", (1, 1), (1, -1), MUTED))
    widths = [0.44, 0.22, 0.16, 0.18]
    return [
        heading,
        data_table(
            ["Deadline", "Rule", "Date", "Done"],
            rows,
            [w * ctx.width for w in widths],
            styles=s,
            extra=extra,
        ),
    ]


def _previous(meeting: Meeting, ctx: _Context) -> list[Flowable]:
    s = ctx.styles
    heading = Paragraph("Previous meeting and its decisions", s.h2)
    day = _meeting_day(meeting) or ctx.as_of
    held = [
        m
        for m in meeting.child.meetings
        if m.id != meeting.id
        and m.process == meeting.process
        and m.status == MeetingStatus.HELD.value
        and m.held_date is not None
        and m.held_date <= day
    ]
    if not held:
        return [heading, Paragraph("No earlier meeting is recorded.", s.muted)]
    prev = max(held, key=lambda m: (m.held_date, m.id))
    facts: list[tuple[str, object]] = [
        ("Meeting", ctx.title(prev)),
        ("Held", format_uk_long(prev.held_date)),
        ("Chair", prev.chair.name if prev.chair else "Not recorded"),
        ("Outcome", _sentence(prev.outcome) if prev.outcome else "Not recorded"),
    ]
    if prev.process == Process.LAC.value:
        code = prev.participation
        facts.append(
            (
                "Participation",
                f"{code}: {PARTICIPATION.get(code, '')}".rstrip(": ") if code else "Not recorded",
            )
        )
    elif prev.quorate is not None:
        facts.append(("Quorate", "Yes" if prev.quorate else "No"))
    facts.append(("Decisions issued", uk(prev.decisions_issued, "Not recorded")))
    facts.append(("Minutes distributed", uk(prev.minutes_distributed, "Not recorded")))
    if prev.decisions:
        text = "<br/>".join(esc(line) for line in prev.decisions.strip().splitlines())
        decisions = Paragraph(text, s.body)
    else:
        decisions = Paragraph("No decisions recorded.", s.muted)
    # Neither the facts nor the decisions start a page without their heading.
    return [
        keep(heading, facts_table(facts, (40 * mm, ctx.width - 40 * mm), styles=s)),
        keep(Paragraph("Decisions", s.h3), decisions),
    ]


def _plan(meeting: Meeting, ctx: _Context) -> list[Flowable]:
    s, child = ctx.styles, meeting.child
    day = _meeting_day(meeting) or ctx.as_of
    if meeting.process == Process.LAC.value:
        heading = Paragraph("Care: legal status and placement", s.h2)
        period = meeting.period or next(
            (p for p in reversed(child.periods) if covers(p.start, p.end_date, day)),
            None,
        )
        if period is None:
            return [heading, Paragraph("No period of care is recorded.", s.muted)]
        episodes = [e for e in period.episodes if e.start <= day] or period.episodes
        facts: list[tuple[str, object]] = [
            ("Looked after since", format_uk(period.start)),
            ("IRO", period.iro.name if period.iro else "Not allocated"),
        ]
        if episodes:
            ep = episodes[-1]
            status = LEGAL_STATUS.get(ep.legal_status, "")
            facts.append(("Legal status", f"{ep.legal_status}: {status}".rstrip(": ")))
            placement = ep.placement or "Not recorded"
            if ep.placement_provider:
                placement += f" (provider {ep.placement_provider})"
            facts.append(("Placement", placement))
            facts.append(("Current episode since", format_uk(ep.start)))
        else:
            facts.append(("Legal status", "No episode recorded"))
        return [heading, facts_table(facts, (40 * mm, ctx.width - 40 * mm), styles=s)]

    heading = Paragraph("Child protection plan", s.h2)
    plan = meeting.plan
    if plan is None:
        plan = next(
            (p for p in reversed(child.plans) if p.start <= day and p.end_date is None), None
        )
    if plan is None or meeting.meeting_type in INITIAL_CONFERENCES and plan.start >= day:
        enquiry = meeting.enquiry
        facts = [("Plan", "No plan yet: this conference decides whether one is needed")]
        if enquiry is not None:
            if enquiry.route == "transfer_in":
                facts.append(("Transfer-in notified", uk(enquiry.notified_date, "Not recorded")))
            else:
                facts.append(
                    ("Strategy discussion (s47)", uk(enquiry.strategy_date, "Not recorded"))
                )
        return [heading, facts_table(facts, (45 * mm, ctx.width - 45 * mm), styles=s)]

    def category(code: str | None) -> str:
        return f"{code}: {CP_CATEGORY.get(code, '')}".rstrip(": ") if code else "Not recorded"

    months = (day.year - plan.start.year) * 12 + day.month - plan.start.month
    if day.day < plan.start.day:
        months -= 1
    facts = [
        ("Plan started", format_uk(plan.start)),
        ("Initial category", category(plan.initial_category)),
        ("Latest category", category(plan.latest_category)),
        ("Length of plan", f"{max(months, 0)} months at this conference"),
        ("18 months on", format_uk(add_months(plan.start, 18))),
        ("2 years on", format_uk(add_months(plan.start, 24))),
        ("Previous plans", str(plan.previous_plans or 0)),
        ("Chair", plan.chair.name if plan.chair else "Not recorded"),
    ]
    if plan.end_date:
        facts.insert(1, ("Plan ended", format_uk(plan.end_date)))
    return [heading, facts_table(facts, (45 * mm, ctx.width - 45 * mm), styles=s)]


def _checklist(
    meeting: Meeting, deadlines: Sequence[Deadline], due: DueDate | None, ctx: _Context
) -> list[Flowable]:
    s = ctx.styles
    by_times: dict[str, Deadline] = {}
    for d in deadlines:
        by_times.setdefault(d.times, d)

    def by(times: str) -> str:
        d = by_times.get(times)
        return f"by {format_uk_long(d.date)}" if d else ""

    def of(done: int, total: int, nothing: str) -> str:
        return f"({done} of {total})" if total else f"({nothing})"

    to_chair, to_parents = _report_deadlines(deadlines)

    invited = sum(1 for i in meeting.invitees if i.invited_on)
    received = sum(1 for r in meeting.reports if r.received)
    shared = sum(1 for r in meeting.reports if r.shared_with_parents)
    n_reports = len(meeting.reports)
    cp = meeting.process == Process.CP.value
    items: list[tuple[bool, str, str]] = [
        (meeting.room is not None, "Room booked and confirmed", ""),
        (meeting.chair is not None, "Chair confirmed", ""),
        (
            bool(meeting.invitees) and invited == len(meeting.invitees),
            f"Invitations sent {of(invited, len(meeting.invitees), 'no invitees recorded yet')}",
            "",
        ),
    ]
    if not cp:
        items.append(
            (
                meeting.consultation_sent is not None,
                "Consultation sent to the child, parents and carers",
                by("consultation"),
            )
        )
    items += [
        (
            n_reports > 0 and received == n_reports,
            f"Reports received {of(received, n_reports, 'none recorded yet')}",
            f"by {format_uk_long(to_chair.date)}" if to_chair else "",
        ),
        (
            n_reports > 0 and shared == n_reports,
            f"Reports shared with parents {of(shared, n_reports, 'none recorded yet')}",
            f"by {format_uk_long(to_parents.date)}" if to_parents else "",
        ),
        (False, "Interpreter, advocate or adjustments arranged where needed", ""),
        (
            False,
            "Quorum checked before the conference starts" if cp else "Child's views gathered",
            "",
        ),
        (False, "Attendance recorded", ""),
    ]
    if not cp:
        items.append(
            (meeting.participation is not None, "Participation code (PN0–PN7) recorded", "")
        )
    else:
        items.append(
            (meeting.outcome is not None, "Outcome recorded (plan made, continued or ended)", "")
        )
    items += [
        (meeting.decisions_issued is not None, "Decisions issued", by("decisions")),
        (meeting.minutes_distributed is not None, "Minutes distributed", by("minutes")),
    ]
    day = _meeting_day(meeting)
    if due is not None and day is not None and day > due.date:
        items.append(
            (
                meeting.late_reason_id is not None,
                "Out of timescale: reason for lateness recorded",
                "",
            )
        )
    widths = [8 * mm, ctx.width * 0.62, ctx.width * 0.38 - 8 * mm]
    rows = fit_cells(
        [[TICK if done else BOX, text, when] for done, text, when in items], widths, s.body
    )
    table = Table(rows, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (1, 0), (1, -1), "DejaVuSans", 9, 12),
                ("FONT", (2, 0), (2, -1), "DejaVuSans", 8, 10),
                ("TEXTCOLOR", (0, 0), (1, -1), INK),
                ("TEXTCOLOR", (2, 0), (2, -1), MUTED),
                ("FONT", (0, 0), (0, -1), "DejaVuSans", 12, 14),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    notes = Table([["Notes"], [""], [""], [""]], colWidths=[ctx.width], rowHeights=[14, 18, 18, 18])
    notes.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "DejaVuSans", 8, 10),
                ("TEXTCOLOR", (0, 0), (-1, -1), MUTED),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
            ]
        )
    )
    return [
        keep(
            Paragraph("Checklist for the clerk", s.h2),
            Paragraph("Ticked where the record already shows it done.", s.muted),
            Spacer(1, 1.5 * mm),
            table,
        ),
        Spacer(1, 4 * mm),
        notes,
    ]


def _pack(meeting: Meeting, ctx: _Context) -> list[Flowable]:
    day = _meeting_day(meeting)
    deadlines = (
        meeting_deadlines(meeting.meeting_type, day, rules=ctx.rules, calendar=ctx.calendar)
        if day
        else []
    )
    return [
        *_cover(meeting, ctx),
        PageBreak(),
        *_agenda(meeting, ctx),
        *_invitees(meeting, ctx),
        *_reports(meeting, deadlines, ctx),
        keep(*_deadlines(meeting, deadlines, ctx)),
        *_previous(meeting, ctx),
        keep(*_plan(meeting, ctx)),
        *_checklist(meeting, deadlines, ctx.due(meeting)[0], ctx),
    ]


# --- reading and building -------------------------------------------------------------------


def _load_meetings(session: Session, where) -> list[Meeting]:
    return list(
        session.scalars(
            select(Meeting)
            .where(where)
            .options(
                selectinload(Meeting.child).selectinload(Child.team),
                selectinload(Meeting.child).selectinload(Child.social_worker),
                selectinload(Meeting.child)
                .selectinload(Child.periods)
                .selectinload(PeriodOfCare.iro),
                selectinload(Meeting.child).selectinload(Child.plans),
                selectinload(Meeting.period).selectinload(PeriodOfCare.episodes),
                selectinload(Meeting.plan),
                selectinload(Meeting.enquiry),
                selectinload(Meeting.chair),
                selectinload(Meeting.clerk),
                selectinload(Meeting.room).selectinload(Room.venue),
                selectinload(Meeting.invitees).selectinload(Invitee.person),
                selectinload(Meeting.reports).selectinload(Report.file),
            )
        ).all()
    )


def _render(
    session: Session,
    meetings: Sequence[Meeting],
    out: Output,
    *,
    title: str,
    subtitle: str,
    as_of: dt.date,
    invariant: bool,
    empty: str,
) -> int:
    rules, calendar = working_context(session)
    styles = make_styles()
    settings = DocumentSettings(
        title=title,
        council=council_name(session),
        subtitle=subtitle,
        invariant=invariant,
        section_label="Pack",
    )
    judged = judge_meetings(
        session,
        as_of=as_of,
        rules=rules,
        calendar=calendar,
        child_ids={m.child_id for m in meetings},
    )
    ctx = _Context(rules, calendar, as_of, styles, settings.frame_width, judged)
    story: list[Flowable] = []
    sections: list[str] = []
    for i, meeting in enumerate(meetings):
        if i:
            story.append(PageBreak())
        day = _meeting_day(meeting)
        label = f"{meeting.child.display_name}, {format_uk(day) if day else 'not booked'}"
        sections.append(label)
        story.append(Section(label))
        story += _pack(meeting, ctx)
    if not meetings:
        story.append(Paragraph(esc(empty), styles.body))
    # The received reports follow each pack's own pages, numbered with them: pack n is
    # numbering group n (each pack starts a Section).
    found = attachments_for(session, [m.id for m in meetings])
    by_group = {n: found[m.id] for n, m in enumerate(meetings, start=1) if found.get(m.id)}
    if not by_group:
        return build_pdf(story, out, settings, as_of=as_of)
    if isinstance(out, str | os.PathLike):
        check_output(out)  # before the work, so a bad name is refused at once
    extra = [(group, sum(a.pages for a in items)) for group, items in by_group.items()]
    layout = layout_pdf(story, settings, as_of=as_of, extra_pages=extra)
    data = merge_attachments(
        layout,
        by_group,
        content=lambda file_id: file_content(session, file_id),
        sections=sections,
        section_label=settings.section_label,
    )
    write_document(data, out)
    return layout.pages + sum(pages for _group, pages in extra)


def build_pack(
    session: Session,
    meeting_id: int,
    *,
    as_of: dt.date,
    out: Output,
    invariant: bool = False,
) -> int:
    """Print the pack for one meeting. Returns the number of pages."""
    meetings = _load_meetings(session, Meeting.id == meeting_id)
    if not meetings:
        raise InvalidInput(f"meeting {meeting_id}: there is no meeting with this id")
    meeting = meetings[0]
    return _render(
        session,
        meetings,
        out,
        title=pack_title(meeting),
        subtitle=f"Position at {format_uk(as_of)}",
        as_of=as_of,
        invariant=invariant,
        empty="",
    )


def week_meetings(session: Session, week: dt.date) -> list[Meeting]:
    """Meetings booked in the week holding ``week`` (not cancelled), in date and time order."""
    monday = week_start(week)
    meetings = _load_meetings(
        session,
        (Meeting.booked_date >= monday)
        & (Meeting.booked_date <= monday + dt.timedelta(days=6))
        & Meeting.status.in_(sorted(LIVE_STATUSES)),
    )
    meetings.sort(key=lambda m: (m.booked_date, m.booked_time or dt.time.max, m.child.display_name))
    return meetings


def build_packs(
    session: Session,
    *,
    week: dt.date,
    as_of: dt.date,
    out: Output,
    invariant: bool = False,
) -> int:
    """Print every pack for the meetings booked in the week holding ``week``, one file.

    Each pack starts on a new page and is numbered on its own. Returns the number of pages.
    """
    monday = week_start(week)
    meetings = week_meetings(session, week)
    return _render(
        session,
        meetings,
        out,
        title="Meeting packs",
        subtitle=f"Week of {format_uk(monday)} · position at {format_uk(as_of)}",
        as_of=as_of,
        invariant=invariant,
        empty="No meetings are booked this week.",
    )
