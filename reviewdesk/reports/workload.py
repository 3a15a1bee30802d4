"""The IRO workload list: each IRO's children, what is next for each, and caseload per FTE.

`collect_workload` reads the register into plain values (`WorkloadReport`); `render_workload`
prints any such values, so the window or a test can print data from elsewhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer
from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewdesk.codes import MeetingStatus, Process, StaffRole
from reviewdesk.errors import InvalidInput
from reviewdesk.reports import gather
from reviewdesk.reports.base import (
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
from reviewdesk.settings import get_setting, working_context
from reviewdesk.storage.models import CpPlan, PeriodOfCare, Staff

TITLE = "IRO workload"


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
    flags: tuple[str, ...] = ()  # short labels, most severe first


@dataclass(frozen=True)
class IroWorkload:
    staff_id: int
    name: str
    fte: float
    children: tuple[WorkloadChild, ...]

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
    #: Set when the flags were not available, to say so on the page rather than print none.
    flags_note: str | None = None
    notes: tuple[str, ...] = field(default=())

    def band(self, iro: IroWorkload) -> str:
        """'below', 'within' or 'above' the caseload range per FTE ('' with no FTE)."""
        per = iro.per_fte
        if per is None:
            return ""
        if per > self.max_per_fte:
            return "above"
        return "below" if per < self.min_per_fte else "within"


# --- reading the register -------------------------------------------------------------------


def find_iro(session: Session, name: str) -> Staff:
    """The IRO or chair called ``name`` (case-insensitive; a unique part of a name will do)."""
    wanted = name.strip().casefold()
    staff = session.scalars(
        select(Staff).where(Staff.role.in_([StaffRole.IRO.value, StaffRole.CP_CHAIR.value]))
    ).all()
    exact = [s for s in staff if s.name.casefold() == wanted]
    if len(exact) == 1:
        return exact[0]
    partial = [s for s in staff if wanted in s.name.casefold()]
    if len(partial) == 1:
        return partial[0]
    if not partial:
        raise InvalidInput(f'--iro: no IRO or conference chair is called "{name}"')
    names = ", ".join(sorted(s.name for s in partial))
    raise InvalidInput(f'--iro: "{name}" matches more than one person: {names}')


def collect_workload(
    session: Session, *, as_of: dt.date, iro_id: int | None = None
) -> WorkloadReport:
    """Each active IRO's (or one IRO's) children on ``as_of``: children looked after whose
    period of care the IRO reviews, and children on a plan whose conferences they chair."""
    rules, calendar = working_context(session)
    query = select(Staff).where(
        Staff.role.in_([StaffRole.IRO.value, StaffRole.CP_CHAIR.value]), Staff.active
    )
    if iro_id is not None:
        query = select(Staff).where(Staff.id == iro_id)
    iros = sorted(session.scalars(query).all(), key=lambda s: s.name.casefold())
    ids = [s.id for s in iros]

    assigned: dict[int, dict[int, set[str]]] = {i: {} for i in ids}
    for period in session.scalars(
        select(PeriodOfCare).where(
            PeriodOfCare.iro_id.in_(ids),
            PeriodOfCare.start <= as_of,
            (PeriodOfCare.end_date.is_(None)) | (PeriodOfCare.end_date > as_of),
        )
    ):
        assigned[period.iro_id].setdefault(period.child_id, set()).add(Process.LAC.value)
    for plan in session.scalars(
        select(CpPlan).where(
            CpPlan.chair_id.in_(ids),
            CpPlan.start <= as_of,
            (CpPlan.end_date.is_(None)) | (CpPlan.end_date > as_of),
        )
    ):
        assigned[plan.chair_id].setdefault(plan.child_id, set()).add(Process.CP.value)

    child_ids = {c for per_iro in assigned.values() for c in per_iro}
    children = {c.id: c for c in gather._load_children(session, child_ids)}
    views = {
        cid: gather.case_view(children[cid], as_of=as_of, rules=rules, calendar=calendar)
        for cid in child_ids
    }
    flags, flags_note = _flags_by_child(session, as_of=as_of, child_ids=child_ids)

    out = []
    for staff in iros:
        rows = []
        for cid, processes in assigned[staff.id].items():
            child, view = children[cid], views[cid]
            nxt = None
            for process in sorted(processes):
                candidate = view.next_due(process)
                if candidate and (nxt is None or candidate.due.date < nxt.due.date):
                    nxt = candidate
            booked = [
                m.booked_date
                for m in child.meetings
                if m.process in processes
                and m.status == MeetingStatus.BOOKED.value
                and m.booked_date is not None
                and m.held_date is None
            ]
            rows.append(
                WorkloadChild(
                    child_id=cid,
                    name=child.display_name,
                    local_id=child.local_id,
                    processes=tuple(
                        p for p in (Process.LAC.value, Process.CP.value) if p in processes
                    ),
                    next_meeting=gather.meeting_title(nxt.meeting_type, nxt.sequence or None)
                    if nxt
                    else "",
                    due=nxt.due.date if nxt else None,
                    overdue=bool(nxt and nxt.overdue),
                    booked=min(booked) if booked else None,
                    flags=flags.get(cid, ()),
                )
            )
        rows.sort(key=lambda r: (r.due or dt.date.max, r.name.casefold()))
        out.append(IroWorkload(staff.id, staff.name, float(staff.fte or 0), tuple(rows)))
    return WorkloadReport(
        as_of=as_of,
        iros=tuple(out),
        min_per_fte=float(get_setting(session, "caseload_min_per_fte")),
        max_per_fte=float(get_setting(session, "caseload_max_per_fte")),
        flags_note=flags_note,
    )


def _flags_by_child(
    session: Session, *, as_of: dt.date, child_ids: set[int]
) -> tuple[dict[int, tuple[str, ...]], str | None]:
    """Each child's flag codes, most severe first, or a note that flags are unavailable."""
    try:
        from reviewdesk.flags import compute_flags  # lands with the flags work
    except ImportError:
        return {}, "Flags are not available in this version of reviewdesk."
    severity_rank = {"red": 0, "high": 0, "amber": 1, "medium": 1}
    by_child: dict[int, list] = {}
    for flag in compute_flags(session, as_of=as_of, child_ids=sorted(child_ids)):
        if flag.child_id is not None:
            by_child.setdefault(flag.child_id, []).append(flag)
    return (
        {
            cid: tuple(
                dict.fromkeys(
                    f.code for f in sorted(fl, key=lambda f: severity_rank.get(str(f.severity), 2))
                )
            )
            for cid, fl in by_child.items()
        },
        None,
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


def _iro_section(
    report: WorkloadReport, iro: IroWorkload, styles: Styles, width: float
) -> list[Flowable]:
    lac, cp = iro.count("lac"), iro.count("cp")
    line = (
        f"{iro.total} {'child' if iro.total == 1 else 'children'} ({lac} LAC, {cp} CP) · "
        f"{iro.fte:g} FTE · {_per_fte(iro)} per FTE · {_band_text(report, iro).lower()}"
    )
    band_colour = {"above": RED, "within": GREEN}.get(report.band(iro), MUTED)
    story: list[Flowable] = [
        Section(iro.name, restart=False),
        Paragraph(esc(iro.name), styles.h1),
        Paragraph(
            f'<font color="#{band_colour.hexval()[2:]}">{esc(line)}</font>',
            styles.body,
        ),
        Spacer(1, 3 * mm),
    ]
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
        if child.booked and child.due and child.booked > child.due:
            booked += "  after due"
            extra.append(("TEXTCOLOR", (5, r), (5, r), RED))
        elif not child.booked:
            extra.append(("TEXTCOLOR", (5, r), (5, r), MUTED))
        rows.append(
            [
                child.name,
                child.local_id,
                " + ".join(gather.process_label(p) for p in child.processes),
                child.next_meeting,
                due,
                booked,
                ", ".join(child.flags),
            ]
        )
    story.append(data_table(header, rows, [w * width for w in widths], styles=styles, extra=extra))
    return story


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
    if len(report.iros) != 1:
        story += _summary(report, styles, width)
        notes = list(report.notes)
        if report.flags_note:
            notes.append(report.flags_note)
        for note in notes:
            story += [Spacer(1, 2 * mm), Paragraph(esc(note), styles.muted)]
    for i, iro in enumerate(report.iros):
        if i or len(report.iros) != 1:
            story.append(PageBreak())
        story += _iro_section(report, iro, styles, width)
    if len(report.iros) == 1:
        for note in (*report.notes, report.flags_note):
            if note:
                story += [Spacer(1, 2 * mm), Paragraph(esc(note), styles.muted)]
    if not report.iros:
        story.append(Paragraph("No IROs are recorded.", styles.body))
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
    return render_workload(report, out, council=gather.council_name(session), invariant=invariant)
