"""The IRO workload list: each IRO's children, what is next for each, and caseload per FTE;
with every IRO's, the social work teams' week (the Workload page's figures).

`collect_workload` reads the register into plain values (`WorkloadReport`); `render_workload`
prints any such values, so the window or a test can print data from elsewhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewdesk.caseload import CHAIR_ROLES, band_of, caseload_range
from reviewdesk.casework.register import Register
from reviewdesk.codes import MeetingStatus, Process
from reviewdesk.errors import InvalidInput
from reviewdesk.flags import Flag, flags_from_register
from reviewdesk.reports.base import (
    AMBER,
    FONT,
    GREEN,
    MUTED,
    RED,
    DocumentSettings,
    Output,
    Section,
    Styles,
    build_pdf,
    data_table,
    esc,
    make_styles,
    rag_style,
    uk,
)
from reviewdesk.reports.gather import council_name
from reviewdesk.storage.models import Staff
from reviewdesk.vocabulary import (
    NEXT_NOT_RECORDED,
    OUTCOME_NOT_RECORDED,
    child_name,
    is_outcome_not_recorded,
    is_upcoming,
    meeting_label,
    process_label,
    week_start,
)
from reviewdesk.workload import (
    AWAITING_DECISIONS,
    AWAITING_MINUTES,
    NO_TEAMS,
    TEAM_HEADINGS,
    TeamWorkload,
    iro_workload,
    no_teams_set_up,
    team_workload,
    teams_total,
)

TITLE = "IRO workload"
#: The room an IRO's list needs to start under the teams' week rather than on a new page:
#: its heading and lines, the column headings and a few children.
FIRST_LIST_ROOM = 60 * mm
_PROCESSES = (Process.LAC.value, Process.CP.value)


@dataclass(frozen=True)
class WorkloadChild:
    child_id: int
    name: str
    local_id: str
    processes: tuple[str, ...]  # "lac", "cp"
    next_meeting: str = ""  # e.g. "LAC review (3rd)"
    due: dt.date | None = None
    overdue: bool = False
    booked: dt.date | None = None
    #: ``booked`` is a day before the as-of date and the meeting was never recorded
    #: (`vocabulary.is_outcome_not_recorded`, the "outcome not recorded" flag's test).
    booked_not_recorded: bool = False
    #: (code, severity) pairs from `reviewdesk.flags`, most severe first.
    flags: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class IroWorkload:
    staff_id: int
    name: str
    fte: float
    children: tuple[WorkloadChild, ...]
    #: "below", "within" or "above" the range, as `reviewdesk.caseload` rates it (None:
    #: work it out from the report's range).
    band: str | None = None
    #: Meetings they chair in the as-of week, and meetings held awaiting their write-ups.
    meetings_this_week: int | None = None
    awaiting_decisions: int | None = None
    awaiting_minutes: int | None = None
    #: Challenges they raised still open (the Workload page's "Open challenges").
    open_challenges: int | None = None

    @property
    def total(self) -> int:
        return len(self.children)

    def count(self, process: str) -> int:
        return sum(1 for c in self.children if process in c.processes)

    @property
    def per_fte(self) -> float | None:
        return self.total / self.fte if self.fte else None


@dataclass(frozen=True)
class WorkloadReport:
    as_of: dt.date
    iros: tuple[IroWorkload, ...]
    min_per_fte: float = 50
    max_per_fte: float = 70
    notes: tuple[str, ...] = field(default=())
    #: Each social work team's week (`reviewdesk.workload.team_workload`, the Workload
    #: page's); None: not printed (one IRO's list).
    teams: tuple[TeamWorkload, ...] | None = None

    def band(self, iro: IroWorkload) -> str:
        """'below', 'within' or 'above' the caseload range per FTE ('' with no FTE)."""
        if iro.band is not None:
            return iro.band
        return band_of(iro.per_fte, self.min_per_fte, self.max_per_fte) or ""


# --- reading the register -------------------------------------------------------------------


def find_iro(session: Session, name: str) -> Staff:
    """The active IRO or chair called ``name`` (case-insensitive; a unique part of a name
    will do)."""
    wanted = name.strip().casefold()
    staff = session.scalars(select(Staff).where(Staff.role.in_(CHAIR_ROLES), Staff.active)).all()
    exact = [s for s in staff if s.name.casefold() == wanted]
    if len(exact) == 1:
        return exact[0]
    partial = [s for s in staff if wanted in s.name.casefold()]
    if len(partial) == 1:
        return partial[0]
    if not partial:
        raise InvalidInput(f'--iro: no active IRO or conference chair is called "{name}"')
    names = ", ".join(sorted(s.name for s in partial))
    raise InvalidInput(f'--iro: "{name}" matches more than one person: {names}')


def collect_workload(
    session: Session, *, as_of: dt.date, iro_id: int | None = None
) -> WorkloadReport:
    """Each active IRO's (or one IRO's) children on ``as_of``: children looked after whose
    period of care the IRO reviews, and children on a plan whose conferences they chair.

    Caseloads and bands come from `reviewdesk.caseload`, schedules from `reviewdesk.casework`
    and flags from `reviewdesk.flags`, so the list agrees with the window. Every IRO's list
    also has the social work teams' week, `reviewdesk.workload.team_workload`'s, as the
    Workload page shows it.
    """
    loads = iro_workload(session, as_of=as_of, weeks=1)
    if iro_id is not None:
        loads = [w for w in loads if w.caseload.staff_id == iro_id]
    loads.sort(key=lambda w: w.caseload.name.casefold())
    staff = [w.caseload for w in loads]
    extras = {w.caseload.staff_id: w for w in loads}
    child_ids = sorted({c for load in staff for c in load.cases})
    data = Register(session, as_of=as_of, children=child_ids)
    flags: dict[int, list[Flag]] = {}
    for flag in flags_from_register(data, child_ids=child_ids):
        if flag.child_id is not None:
            flags.setdefault(flag.child_id, []).append(flag)
    # The meetings still to take place on ``as_of`` (`vocabulary.is_upcoming`): booked, or
    # held or adjourned after it (booked that day, as the case list and the diary have it).
    # An adjourned meeting keeps the day it was adjourned on: once past, it is history.
    # (date, outcome not recorded): a booked one's day may have passed with the meeting never
    # recorded (`vocabulary.is_outcome_not_recorded`), which the list says.
    booked: dict[tuple[int, str], tuple[dt.date, bool]] = {}
    for m in data.meetings:
        if (
            m.booked_date
            and is_upcoming(m.status, m.held_date, as_of)
            and (m.status == MeetingStatus.BOOKED.value or m.booked_date >= as_of)
        ):
            key = (m.child_id, m.process)
            if key not in booked or m.booked_date < booked[key][0]:
                unrecorded = is_outcome_not_recorded(m.status, m.booked_date, as_of)
                booked[key] = (m.booked_date, unrecorded)

    out = []
    for load in staff:
        rows = []
        for cid, processes in load.cases.items():
            child, status = data.children[cid], data.statuses.get(cid)
            nexts = [status.next_for(p) for p in processes] if status else []
            nexts = [n for n in nexts if n is not None]
            nxt = min(nexts, key=lambda n: n.due.date) if nexts else None
            dates = [booked[(cid, p)] for p in processes if (cid, p) in booked]
            name = child_name(child.first_name, child.last_name, child.local_id)
            rows.append(
                WorkloadChild(
                    child_id=cid,
                    name=name,
                    local_id=child.local_id,
                    processes=tuple(p for p in _PROCESSES if p in processes),
                    next_meeting=meeting_label(nxt.meeting_type, nxt.sequence or None)
                    if nxt
                    else "",
                    due=nxt.due.date if nxt else None,
                    overdue=bool(nxt and nxt.overdue),
                    booked=min(dates)[0] if dates else None,
                    booked_not_recorded=min(dates)[1] if dates else False,
                    flags=tuple(dict.fromkeys((f.code, f.severity) for f in flags.get(cid, ()))),
                )
            )
        rows.sort(key=lambda r: (r.due or dt.date.max, r.name.casefold()))
        out.append(
            IroWorkload(
                load.staff_id,
                load.name,
                load.fte,
                tuple(rows),
                band=load.band,
                meetings_this_week=extras[load.staff_id].meetings_per_week[0][1],
                awaiting_decisions=extras[load.staff_id].awaiting_decisions,
                awaiting_minutes=extras[load.staff_id].awaiting_minutes,
                open_challenges=extras[load.staff_id].open_escalations,
            )
        )
    low, high = caseload_range(session)
    return WorkloadReport(
        as_of=as_of,
        iros=tuple(out),
        min_per_fte=low,
        max_per_fte=high,
        teams=tuple(team_workload(session, as_of=as_of)) if iro_id is None else None,
    )


# --- printing -------------------------------------------------------------------------------


def _band_text(report: WorkloadReport, iro: IroWorkload) -> str:
    band = report.band(iro)
    lo, hi = f"{report.min_per_fte:g}", f"{report.max_per_fte:g}"
    return {
        "above": f"Above the {lo}–{hi} range",
        "within": f"Within the {lo}–{hi} range",
        "below": f"Below the {lo}–{hi} range",
    }.get(band, "No FTE recorded")


def _per_fte(iro: IroWorkload) -> str:
    return f"{iro.per_fte:.1f}" if iro.per_fte is not None else "–"


def _summary(report: WorkloadReport, styles: Styles, width: float) -> list[Flowable]:
    header = ["IRO", "FTE", "LAC", "CP", "Children", "Per FTE", "Caseload range", "Overdue"]
    widths = [0.28, 0.07, 0.07, 0.07, 0.09, 0.09, 0.22, 0.11]
    rows, extra = [], []
    totals = [0.0, 0, 0, 0, 0]
    for i, iro in enumerate(report.iros, start=1):
        overdue = sum(1 for c in iro.children if c.overdue)
        rows.append(
            [
                iro.name,
                f"{iro.fte:g}",
                str(iro.count("lac")),
                str(iro.count("cp")),
                str(iro.total),
                _per_fte(iro),
                _band_text(report, iro),
                str(overdue) if overdue else "–",
            ]
        )
        band = report.band(iro)
        extra += rag_style((6, i), {"above": "red", "within": "green"}.get(band))
        if overdue:
            extra.append(("TEXTCOLOR", (7, i), (7, i), RED))
        totals[0] += iro.fte
        totals[1] += iro.count("lac")
        totals[2] += iro.count("cp")
        totals[3] += iro.total
        totals[4] += overdue
    if len(report.iros) > 1:
        per = f"{totals[3] / totals[0]:.1f}" if totals[0] else "–"
        rows.append(
            [
                Paragraph("<b>All IROs</b>", styles.cell),
                f"{totals[0]:g}",
                str(totals[1]),
                str(totals[2]),
                str(totals[3]),
                per,
                "",
                str(totals[4]) if totals[4] else "–",
            ]
        )
        extra.append(("FONT", (1, len(rows)), (-1, len(rows)), "DejaVuSans-Bold", 8, 10))
    table = data_table(
        header,
        rows,
        [w * width for w in widths],
        styles=styles,
        right=(1, 2, 3, 4, 5, 7),
        extra=extra,
    )
    return [Paragraph("Summary", styles.h2), table]


def _teams(report: WorkloadReport, styles: Styles, width: float) -> list[Flowable]:
    """The social work teams' week: each team's figures (`TeamWorkload.figures`), as the
    Workload page gives them, in a table; a line where no team is set up."""
    teams = report.teams or ()
    monday = week_start(report.as_of)
    story: list[Flowable] = [Paragraph("Social work teams", styles.h2)]
    if no_teams_set_up(teams):  # a line saying so, over the children with no team's figures
        story.append(Paragraph(esc(NO_TEAMS), styles.body))
    if not teams:
        return story
    story.append(
        Paragraph(
            esc(
                f"Meetings in the week {uk(monday)} to {uk(monday + dt.timedelta(days=6))}; "
                f"children overdue a meeting and late reports to chase on {uk(report.as_of)} "
                "(reports for meetings still to come, not received by the deadline or not "
                "shared with the parents in time)."
            ),
            styles.muted,
        )
    )
    story.append(Spacer(1, 2 * mm))
    header = ["Team", "Team manager", *TEAM_HEADINGS]
    widths = [0.22, 0.18, 0.12, 0.12, 0.12, 0.12, 0.12]
    figures = list(range(2, len(header)))
    rows, extra = [], []
    for r, team in enumerate(teams, start=1):
        values = team.figures
        rows.append([team.team_name, team.manager_name or "–", *(str(v) for v in values)])
        for column, value in zip((3, 5), (values[1], values[3]), strict=True):
            if value:  # overdue a meeting; a report not received
                extra.append(("TEXTCOLOR", (column, r), (column, r), RED))
    if len(teams) > 1:
        totals = teams_total(teams)
        rows.append([Paragraph("<b>All teams</b>", styles.cell), "", *(str(v) for v in totals)])
        extra.append(("FONT", (2, len(rows)), (-1, len(rows)), "DejaVuSans-Bold", 8, 10))
    story.append(
        data_table(
            header, rows, [w * width for w in widths], styles=styles, right=figures, extra=extra
        )
    )
    return story


def _iro_section(
    report: WorkloadReport, iro: IroWorkload, styles: Styles, width: float
) -> list[Flowable]:
    lac, cp = iro.count("lac"), iro.count("cp")
    line = (
        f"{iro.total} {'child' if iro.total == 1 else 'children'} ({lac} LAC, {cp} CP) · "
        f"{iro.fte:g} FTE · {_per_fte(iro)} per FTE · {_band_text(report, iro).lower()}"
    )
    band_colour = {"above": RED, "within": GREEN}.get(report.band(iro), MUTED)
    work = []
    if iro.meetings_this_week is not None:
        work.append(f"{iro.meetings_this_week} to chair this week")
    if iro.awaiting_decisions:
        work.append(f"{iro.awaiting_decisions} {AWAITING_DECISIONS}")
    if iro.awaiting_minutes:
        work.append(f"{iro.awaiting_minutes} {AWAITING_MINUTES}")
    story: list[Flowable] = [
        Section(iro.name, restart=False),
        Paragraph(esc(iro.name), styles.h1),
        Paragraph(
            f'<font color="#{band_colour.hexval()[2:]}">{esc(line)}</font>',
            styles.body,
        ),
    ]
    if work:
        story.append(Paragraph(esc("Meetings: " + " · ".join(work)), styles.muted))
    if iro.open_challenges:
        story.append(
            Paragraph(esc(f"Open challenges they raised: {iro.open_challenges}"), styles.muted)
        )
    story.append(Spacer(1, 3 * mm))
    if not iro.children:
        story.append(Paragraph("No children allocated on this date.", styles.muted))
        return story
    header = ["Child", "ID", "Process", "Next meeting", "Due", "Booked", "Flags"]
    widths = [0.18, 0.06, 0.065, 0.165, 0.133, 0.133, 0.264]
    # Local ids vary in length between councils: the ID column takes what the longest needs
    # (up to 12% of the width), from the flags column.
    longest = max(pdfmetrics.stringWidth(c.local_id, FONT, 8) for c in iro.children) + 9
    id_share = min(max(longest / width, widths[1]), 0.12)
    widths[6] -= id_share - widths[1]
    widths[1] = id_share
    rows, extra = [], []
    for r, child in enumerate(iro.children, start=1):
        due = uk(child.due)
        if child.overdue:
            due += "  overdue"
            extra.append(("TEXTCOLOR", (4, r), (4, r), RED))
        booked = uk(child.booked, "not booked" if child.due else "")
        if child.booked_not_recorded:  # its day passed, never recorded: not still to come
            # A paragraph: the words wrap under the date, in amber (a wrapped string loses
            # its TEXTCOLOR).
            booked = Paragraph(
                f'{booked} <font color="#{AMBER.hexval()[2:]}">{NEXT_NOT_RECORDED}</font>',
                styles.cell,
            )
        elif child.booked and child.due and child.booked > child.due:
            booked += "  after due"
            extra.append(("TEXTCOLOR", (5, r), (5, r), RED))
        elif not child.booked:
            extra.append(("TEXTCOLOR", (5, r), (5, r), MUTED))
        rows.append(
            [
                child.name,
                child.local_id,
                " + ".join(process_label(p) for p in child.processes),
                child.next_meeting,
                due,
                booked,
                _flags_cell(child, styles, widths[6] * width, extra, r),
            ]
        )
    story.append(data_table(header, rows, [w * width for w in widths], styles=styles, extra=extra))
    return story


#: Short words for the flags column; codes not listed print as their code in words
#: (`flag_words`).
FLAG_WORDS = {
    "due_soon_unbooked": "due soon, not booked",
    "booked_non_working_day": "booked on a non-working day",
    "outcome_not_recorded": OUTCOME_NOT_RECORDED,
    "late_no_reason": "held late, no reason given",
    "report_overdue": "report overdue",
    "report_late": "report late",
    "report_not_shared": "report not shared",
    "consultation_late": "consultation late",
    "decisions_overdue": "decisions overdue",
    "decisions_late": "decisions late",
    "minutes_overdue": "minutes overdue",
    "minutes_late": "minutes late",
    "iro_service_not_notified": "IRO service not notified",
    "iro_service_notified_late": "IRO service notified late",
    "iro_not_allocated": "no IRO allocated",
    "iro_allocated_late": "IRO allocated late",
    "chair_double_booked": "chair double-booked",
    "clerk_double_booked": "clerk double-booked",
    "room_double_booked": "room double-booked",
    "cp_plan_18_months": "plan 18 months",
    "cp_plan_2_years": "plan 2 years",
    "cp_repeat_plan": "repeat plan",
    "participation_age": "participation code",
    "due_date_unknown": "due date not known",
    "midway_review_overdue": "midway review overdue",
    "no_iro_contact_by_midway": "no IRO contact by midway",
    "challenge_response_overdue": "challenge response overdue",
    "escalation_response_overdue": "escalation response overdue",
    "escalation_past_timescale": "escalation past its timescale",
    "inquorate_not_reconvened": "inquorate, not reconvened",
    "inquorate_reconvened_late": "inquorate, reconvened late",
    "inquorate_twice": "inquorate twice in a row",
}
#: Words printed in capitals where a code not in FLAG_WORDS holds them.
_ACRONYMS = {"iro": "IRO", "cp": "CP", "lac": "LAC", "pep": "PEP"}


def flag_words(code: str) -> str:
    """A flag code in words for the list: FLAG_WORDS, else the code's own words with
    acronyms in capitals (a new code never prints "iro")."""
    if code in FLAG_WORDS:
        return FLAG_WORDS[code]
    return " ".join(_ACRONYMS.get(word, word) for word in code.split("_"))


#: Shown in their own columns already (the due date in red, "after due").
_IN_OTHER_COLUMNS = frozenset({"overdue", "booked_after_due"})
_SEVERITY_RANK = {"red": 0, "amber": 1}
_SEVERITY_INK = {"red": RED, "amber": AMBER}


def _flags_cell(child: WorkloadChild, styles: Styles, col_width: float, extra: list, row: int):
    """The flags in words, coloured by the most severe (red, amber; others muted)."""
    shown = [(c, sev) for c, sev in child.flags if c not in _IN_OTHER_COLUMNS]
    if not shown:
        return ""
    words = ", ".join(dict.fromkeys(flag_words(c) for c, _ in shown))
    worst = min((sev for _, sev in shown), key=lambda sev: _SEVERITY_RANK.get(sev, 2))
    ink = _SEVERITY_INK.get(worst, MUTED)
    if pdfmetrics.stringWidth(words, FONT, 8) <= col_width - 8:
        extra.append(("TEXTCOLOR", (6, row), (6, row), ink))
        return words
    return Paragraph(f'<font color="#{ink.hexval()[2:]}">{esc(words)}</font>', styles.cell)


def render_workload(
    report: WorkloadReport,
    out: Output,
    *,
    council: str,
    invariant: bool = False,
) -> int:
    """Print a workload report (landscape). Returns the number of pages."""
    styles = make_styles()
    settings = DocumentSettings(
        title=TITLE,
        council=council,
        landscape=True,
        subtitle=f"Position at {uk(report.as_of)}",
        invariant=invariant,
    )
    width = settings.frame_width
    story: list[Flowable] = []
    if not report.iros:  # (an empty summary table would say nothing)
        story.append(Paragraph("No active IROs or conference chairs are recorded.", styles.body))
    elif len(report.iros) > 1:
        story += _summary(report, styles, width)
    if report.teams is not None:
        story += [Spacer(1, 4 * mm)] if story else []
        story += _teams(report, styles, width)
    if len(report.iros) != 1:
        for note in report.notes:
            story += [Spacer(1, 2 * mm), Paragraph(esc(note), styles.muted)]
    for i, iro in enumerate(report.iros):
        section = _iro_section(report, iro, styles, width)
        if i:  # each later IRO from a new page
            story.append(PageBreak())
        elif story and len(report.iros) == 1:
            # One IRO: their list follows the teams' week on the first page, which it left
            # with a table of a few rows on it, and runs on; a new page only where the room
            # left would not hold its heading and its first rows.
            story += [CondPageBreak(FIRST_LIST_ROOM), Spacer(1, 6 * mm)]
        elif story:
            # The first of several: under the summary and the teams where it fits whole,
            # else from a page of its own (its pages not shared with the summary).
            story.append(Spacer(1, 6 * mm))
            section = [KeepTogether(section)]
        story += section
    if len(report.iros) == 1:
        for note in report.notes:
            story += [Spacer(1, 2 * mm), Paragraph(esc(note), styles.muted)]
    return build_pdf(story, out, settings, as_of=report.as_of)


def build_workload(
    session: Session,
    *,
    as_of: dt.date,
    out: Output,
    iro: str | int | None = None,
    invariant: bool = False,
) -> int:
    """Print the IRO workload list: every IRO, or one (by staff id or name).

    ``out`` is a path or a binary file object. Returns the number of pages.
    """
    iro_id = None
    if isinstance(iro, int):
        iro_id = iro
    elif iro:
        iro_id = find_iro(session, iro).id
    report = collect_workload(session, as_of=as_of, iro_id=iro_id)
    return render_workload(report, out, council=council_name(session), invariant=invariant)
