"""Reading IRO oversight: challenges with their stages and due dates, contacts, the date of
the IRO's last contact with each child, inquorate conferences, and the child's voice.

Everything is read as things stood on an as-of date: a challenge raised, a stage raised or
answered, a challenge resolved, a contact made after it is not yet there. What is returned
is plain values (the window, the command line, the flags and the reports all read these).

**Last IRO contact with the child** (Ofsted's "Date of last IRO visit / contact to the
child"): the latest of the contacts recorded *with the child* and the LAC reviews the child
physically attended (participation PN1-PN4), on or before the as-of date.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Date, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import Session

from reviewdesk.casework.predicates import id_in
from reviewdesk.casework.register import Register, meeting_sequences
from reviewdesk.casework.rows import fetch_rows
from reviewdesk.codes import MeetingStatus, MeetingType, Process
from reviewdesk.engine import DueDate
from reviewdesk.engine.oversight import (
    EscalationDates,
    StageInput,
    escalation_dates,
    reconvene_due,
    stage_name,
)
from reviewdesk.oversight.words import (
    ATTENDED_REVIEW,
    CONTACT_KINDS,
    OUTCOMES,
    VOICE_METHODS,
)
from reviewdesk.rules import RuleSet
from reviewdesk.settings import working_context
from reviewdesk.storage.models import (
    Child,
    ChildVoice,
    Escalation,
    EscalationStage,
    EscalationTheme,
    IroContact,
    Meeting,
    Staff,
    Team,
)
from reviewdesk.vocabulary import child_name, meeting_label, process_label
from reviewdesk.workingdays import WorkingCalendar

_HELD = MeetingStatus.HELD.value
_ADJOURNED = MeetingStatus.ADJOURNED.value
_LAC_REVIEW = MeetingType.LAC_REVIEW.value
_PREBIRTH = MeetingType.ICPC_PREBIRTH.value


def _context(
    session: Session, rules: RuleSet | None, calendar: WorkingCalendar | None
) -> tuple[RuleSet, WorkingCalendar]:
    if rules is None or calendar is None:
        in_force = working_context(session)
        return rules or in_force[0], calendar or in_force[1]
    return rules, calendar


def _by_date(day: dt.date | None, as_of: dt.date) -> dt.date | None:
    """A date as it stood on ``as_of``: one after it had not happened yet."""
    return day if day is not None and day <= as_of else None


# --- themes ---------------------------------------------------------------------------------


def themes(session: Session, *, active_only: bool = True) -> list[tuple[int, str]]:
    """(id, words) of the challenge themes, in the order they were added."""
    stmt = select(EscalationTheme.id, EscalationTheme.text).order_by(EscalationTheme.id)
    if active_only:
        stmt = stmt.where(EscalationTheme.active.is_(True))
    return [(row.id, row.text) for row in session.execute(stmt)]


def theme_versions(session: Session) -> dict[int, tuple[str, bool, int]]:
    """Theme id -> (words, active, version): what the themes editor shows and saves on."""
    rows = session.execute(
        select(
            EscalationTheme.id,
            EscalationTheme.text,
            EscalationTheme.active,
            EscalationTheme.version,
        ).order_by(EscalationTheme.id)
    )
    return {r.id: (r.text, r.active, r.version) for r in rows}


# --- challenges and escalations -------------------------------------------------------------


@dataclass(frozen=True)
class StageView:
    id: int
    stage: int
    raised_on: dt.date
    raised_with: str
    responded_on: dt.date | None
    response: str | None
    due: DueDate | None
    version: int

    @property
    def name(self) -> str:
        return stage_name(self.stage)


@dataclass(frozen=True)
class EscalationView:
    """A challenge as it stood on ``as_of``, with its stages' due dates and its deadline."""

    id: int
    child_id: int
    child_name: str
    local_id: str
    team: str
    process: str
    raised_by_id: int
    raised_by: str
    raised_on: dt.date
    theme_id: int
    theme: str
    concern: str
    stages: tuple[StageView, ...]
    resolved_on: dt.date | None
    outcome: str | None
    impact: str | None
    cafcass_referred_on: dt.date | None
    version: int
    dates: EscalationDates
    as_of: dt.date

    @property
    def formal(self) -> bool:
        return self.dates.formal

    @property
    def route(self) -> str:
        return "Formal" if self.formal else "Informal"

    @property
    def stage_reached(self) -> int:
        return self.dates.stage_reached

    @property
    def stage_reached_name(self) -> str:
        return stage_name(self.stage_reached)

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None

    @property
    def deadline(self) -> dt.date | None:
        return self.dates.deadline.date if self.dates.deadline is not None else None

    @property
    def past_timescale(self) -> bool:
        """Open after the day it should have been over (formal: the whole procedure's
        timescale; informal: the informal stage's)."""
        return self.dates.open_past_timescale(self.resolved_on, self.as_of)

    @property
    def resolved_in_timescale(self) -> bool | None:
        return self.dates.resolved_in_timescale(self.resolved_on)

    @property
    def current(self) -> StageView | None:
        return max(self.stages, key=lambda s: (s.stage, s.raised_on), default=None)

    def overdue_stage(self) -> StageView | None:
        """The stage the challenge is at, if its answer was due and has not come (only while
        the challenge is open: a stage it has moved on from is answered by the next)."""
        current = self.dates.current
        if not self.is_open or current is None or not current.overdue(self.as_of):
            return None
        return next((s for s in self.stages if s.stage == current.stage), None)

    @property
    def outcome_label(self) -> str:
        return OUTCOMES.get(self.outcome or "", "")

    @property
    def process_label(self) -> str:
        return process_label(self.process)


def escalation_views(
    session: Session,
    *,
    as_of: dt.date,
    rules: RuleSet | None = None,
    calendar: WorkingCalendar | None = None,
    child_ids: Iterable[int] | None = None,
    open_only: bool = False,
    raised_from: dt.date | None = None,
    raised_to: dt.date | None = None,
    ids: Iterable[int] | None = None,
) -> list[EscalationView]:
    """Challenges raised on or before ``as_of`` (and within ``raised_from``..``raised_to``,
    for ``child_ids``, only those still open with ``open_only``), oldest first."""
    rules, calendar = _context(session, rules, calendar)
    raised_by, team = Staff.__table__.alias("raised_by"), Team.__table__.alias("child_team")
    stmt = (
        select(
            Escalation.id,
            Escalation.child_id,
            Child.first_name,
            Child.last_name,
            Child.local_id,
            team.c.name.label("team"),
            Escalation.process,
            Escalation.raised_by_id,
            raised_by.c.name.label("raised_by"),
            Escalation.raised_on,
            Escalation.theme_id,
            EscalationTheme.text.label("theme"),
            Escalation.concern,
            Escalation.resolved_on,
            Escalation.outcome,
            Escalation.impact,
            Escalation.cafcass_referred_on,
            Escalation.version,
        )
        .join(Child, Child.id == Escalation.child_id)
        .outerjoin(team, team.c.id == Child.team_id)
        .join(raised_by, raised_by.c.id == Escalation.raised_by_id)
        .join(EscalationTheme, EscalationTheme.id == Escalation.theme_id)
        .where(Escalation.raised_on <= as_of)
        .order_by(Escalation.raised_on, Escalation.id)
    )
    if child_ids is not None:
        stmt = stmt.where(id_in(Escalation.child_id, sorted(set(child_ids))))
    if ids is not None:
        stmt = stmt.where(id_in(Escalation.id, sorted(set(ids))))
    if raised_from is not None:
        stmt = stmt.where(Escalation.raised_on >= raised_from)
    if raised_to is not None:
        stmt = stmt.where(Escalation.raised_on <= raised_to)
    if open_only:
        stmt = stmt.where(or_(Escalation.resolved_on.is_(None), Escalation.resolved_on > as_of))
    rows = fetch_rows(session, stmt)
    stages: dict[int, list[Any]] = defaultdict(list)
    if rows:
        for s in fetch_rows(
            session,
            select(
                EscalationStage.id,
                EscalationStage.escalation_id,
                EscalationStage.stage,
                EscalationStage.raised_on,
                EscalationStage.raised_with,
                EscalationStage.responded_on,
                EscalationStage.response,
                EscalationStage.version,
            )
            .where(
                id_in(EscalationStage.escalation_id, [r.id for r in rows]),
                EscalationStage.raised_on <= as_of,
            )
            .order_by(EscalationStage.stage),
        ):
            stages[s.escalation_id].append(s)
    out = []
    for r in rows:
        mine = stages.get(r.id, [])
        inputs = [StageInput(s.stage, s.raised_on, _by_date(s.responded_on, as_of)) for s in mine]
        dates = escalation_dates(r.raised_on, inputs, rules=rules, calendar=calendar)
        due_by_stage = {d.stage: d.due for d in dates.stages}
        views = tuple(
            StageView(
                s.id,
                s.stage,
                s.raised_on,
                s.raised_with or "",
                _by_date(s.responded_on, as_of),
                s.response if _by_date(s.responded_on, as_of) else None,
                due_by_stage.get(s.stage),
                s.version,
            )
            for s in mine
        )
        resolved = _by_date(r.resolved_on, as_of)
        out.append(
            EscalationView(
                id=r.id,
                child_id=r.child_id,
                child_name=child_name(r.first_name, r.last_name, r.local_id),
                local_id=r.local_id,
                team=r.team or "",
                process=r.process,
                raised_by_id=r.raised_by_id,
                raised_by=r.raised_by,
                raised_on=r.raised_on,
                theme_id=r.theme_id,
                theme=r.theme,
                concern=r.concern or "",
                stages=views,
                resolved_on=resolved,
                outcome=r.outcome if resolved else None,
                impact=r.impact if resolved else None,
                cafcass_referred_on=_by_date(r.cafcass_referred_on, as_of),
                version=r.version,
                dates=dates,
                as_of=as_of,
            )
        )
    return out


def open_escalations_by_raiser(session: Session, *, as_of: dt.date) -> Counter[int]:
    """Staff id -> how many of the challenges they raised were open on ``as_of``."""
    rows = session.execute(
        select(Escalation.raised_by_id, func.count())
        .where(
            Escalation.raised_on <= as_of,
            or_(Escalation.resolved_on.is_(None), Escalation.resolved_on > as_of),
        )
        .group_by(Escalation.raised_by_id)
    )
    return Counter(dict(rows.all()))


# --- contacts and the last contact with the child -------------------------------------------


@dataclass(frozen=True)
class ContactView:
    id: int
    child_id: int
    staff_id: int
    staff: str
    contact_date: dt.date
    kind: str
    with_child: bool
    midway_review: bool
    note: str
    version: int

    @property
    def kind_label(self) -> str:
        return CONTACT_KINDS.get(self.kind, self.kind)


def contacts(
    session: Session,
    *,
    as_of: dt.date,
    child_ids: Iterable[int] | None = None,
    since: dt.date | None = None,
) -> list[ContactView]:
    """Contacts on or before ``as_of`` (and after ``since``), newest first."""
    stmt = (
        select(
            IroContact.id,
            IroContact.child_id,
            IroContact.staff_id,
            Staff.name.label("staff"),
            IroContact.contact_date,
            IroContact.kind,
            IroContact.with_child,
            IroContact.midway_review,
            IroContact.note,
            IroContact.version,
        )
        .join(Staff, Staff.id == IroContact.staff_id)
        .where(IroContact.contact_date <= as_of)
        .order_by(IroContact.contact_date.desc(), IroContact.id.desc())
    )
    if child_ids is not None:
        stmt = stmt.where(id_in(IroContact.child_id, sorted(set(child_ids))))
    if since is not None:
        stmt = stmt.where(IroContact.contact_date > since)
    return [
        ContactView(
            r.id,
            r.child_id,
            r.staff_id,
            r.staff,
            r.contact_date,
            r.kind,
            bool(r.with_child),
            bool(r.midway_review),
            r.note or "",
            r.version,
        )
        for r in fetch_rows(session, stmt)
    ]


def _last_contact_recorded(as_of: dt.date, child_column: Any) -> Any:
    return (
        select(func.max(IroContact.contact_date))
        .where(
            IroContact.child_id == child_column,
            IroContact.with_child.is_(True),
            IroContact.contact_date <= as_of,
        )
        .scalar_subquery()
    )


def _last_review_attended(as_of: dt.date, child_column: Any) -> Any:
    return (
        select(func.max(Meeting.held_date))
        .where(
            Meeting.child_id == child_column,
            Meeting.meeting_type == _LAC_REVIEW,
            Meeting.status == _HELD,
            Meeting.held_date <= as_of,
            Meeting.participation.in_(sorted(ATTENDED_REVIEW)),
        )
        .scalar_subquery()
    )


def last_contact_sql(as_of: dt.date, child_column: Any = Child.id) -> Any:
    """SQL for the date of the IRO's last contact with the child (see the module), correlated
    with ``child_column``: the case list shows and sorts by it."""
    recorded = _last_contact_recorded(as_of, child_column)
    attended = _last_review_attended(as_of, child_column)
    return case(
        (recorded.is_(None), attended),
        (attended.is_(None), recorded),
        (recorded >= attended, recorded),
        else_=attended,
    )


#: Up to this many children, `last_contacts` passes their ids as parameters to statements
#: built once (compiled once); beyond it, it writes them into the SQL (`id_in`: no limit).
FEW_CHILDREN = 500


def last_contacts(
    session: Session, *, as_of: dt.date, child_ids: Iterable[int] | None = None
) -> dict[int, dt.date]:
    """Child id -> the date of the IRO's last contact with the child (see the module), for
    the children who have had any."""
    wanted = None if child_ids is None else sorted(set(child_ids))
    if wanted is not None and len(wanted) <= FEW_CHILDREN:
        params = {"as_of": as_of, "ids": wanted}
        found = [session.execute(stmt, params) for stmt in _last_contact_selects()]
    else:
        recorded, attended = _last_contact_parts(as_of)
        if wanted is not None:
            recorded = recorded.where(id_in(IroContact.child_id, wanted))
            attended = attended.where(id_in(Meeting.child_id, wanted))
        found = [
            session.execute(recorded.group_by(IroContact.child_id)),
            session.execute(attended.group_by(Meeting.child_id)),
        ]
    out: dict[int, dt.date] = {}
    for rows in found:
        for child_id, day in rows:
            if day is not None and (child_id not in out or day > out[child_id]):
                out[child_id] = day
    return out


def _last_contact_parts(as_of: Any) -> tuple[Any, Any]:
    """The two halves of `last_contacts`: the latest contact recorded with the child, and
    the latest LAC review the child attended, on or before ``as_of`` (a date or a bound
    parameter), per child."""
    recorded = select(IroContact.child_id, func.max(IroContact.contact_date)).where(
        IroContact.with_child.is_(True), IroContact.contact_date <= as_of
    )
    attended = select(Meeting.child_id, func.max(Meeting.held_date)).where(
        Meeting.meeting_type == _LAC_REVIEW,
        Meeting.status == _HELD,
        Meeting.held_date <= as_of,
        Meeting.participation.in_(sorted(ATTENDED_REVIEW)),
    )
    return recorded, attended


@cache
def _last_contact_selects() -> tuple[Any, Any]:
    """`last_contacts`'s statements for a few children, in the parameters ``as_of`` and
    ``ids``: built once, so compiled once (a child's page asks for one child each time)."""
    recorded, attended = _last_contact_parts(bindparam("as_of", type_=Date()))
    ids = bindparam("ids", expanding=True)
    return (
        recorded.where(IroContact.child_id.in_(ids)).group_by(IroContact.child_id),
        attended.where(Meeting.child_id.in_(ids)).group_by(Meeting.child_id),
    )


# --- quoracy --------------------------------------------------------------------------------


@dataclass(frozen=True)
class InquorateView:
    """A CP conference recorded as not quorate, and what followed it."""

    meeting_id: int
    child_id: int
    meeting_type: str
    #: Its number as the engine counts it (`casework.mapping.meeting_number`; None: it
    #: cannot count it).
    sequence: int | None
    day: dt.date
    chair_id: int | None
    due: DueDate | None  # reconvene by (None: no rule)
    #: The next quorate conference held after it (by the as-of date), if any.
    reconvened_on: dt.date | None
    #: The conference before it was not quorate either (a pre-birth conference excepted).
    second_in_a_row: bool

    @property
    def label(self) -> str:
        return meeting_label(self.meeting_type, self.sequence)

    def not_reconvened(self, as_of: dt.date) -> bool:
        return self.due is not None and self.reconvened_on is None and as_of > self.due.date

    @property
    def reconvened_late(self) -> bool:
        return (
            self.due is not None
            and self.reconvened_on is not None
            and self.reconvened_on > self.due.date
        )


def _not_quorate(quorate: object) -> bool:
    """Recorded as not quorate (raw rows may give 0 for false; None is not recorded)."""
    return quorate is not None and not quorate


def _conference_day(status: str, held: dt.date | None, booked: dt.date | None) -> dt.date | None:
    return held if status == _HELD else booked


def inquorate_conferences(
    session: Session,
    *,
    as_of: dt.date,
    rules: RuleSet | None = None,
    calendar: WorkingCalendar | None = None,
    child_ids: Iterable[int] | None = None,
    since: dt.date | None = None,
    register: Register | None = None,
) -> list[InquorateView]:
    """CP conferences recorded as not quorate (held or adjourned, on or before ``as_of``,
    and on or after ``since``), in date order, with their reconvene-by date, each numbered
    as every place numbers it (`casework.register.Register.sequence`): from ``register`` (as
    of ``as_of``) when the caller has one (the flags: a lookup each), else from one read of
    the few children with one."""
    rules, calendar = _context(session, rules, calendar)
    day = case((Meeting.status == _HELD, Meeting.held_date), else_=Meeting.booked_date)
    bad = select(Meeting.child_id).where(
        Meeting.process == Process.CP.value,
        Meeting.quorate.is_(False),
        Meeting.status.in_((_HELD, _ADJOURNED)),
        day <= as_of,
    )
    if since is not None:
        bad = bad.where(day >= since)
    if child_ids is not None:
        bad = bad.where(id_in(Meeting.child_id, sorted(set(child_ids))))
    # The conferences of the children with one not quorate, in one query (their ids found
    # by SQL, not read back and written in).
    rows = fetch_rows(
        session,
        select(
            Meeting.id,
            Meeting.child_id,
            Meeting.process,
            Meeting.meeting_type,
            Meeting.sequence,
            Meeting.status,
            Meeting.held_date,
            Meeting.booked_date,
            Meeting.quorate,
            Meeting.chair_id,
        ).where(
            Meeting.child_id.in_(bad),
            Meeting.process == Process.CP.value,
            Meeting.status.in_((_HELD, _ADJOURNED)),
        ),
    )
    by_child: dict[int, list[tuple[dt.date, Any]]] = defaultdict(list)
    for m in rows:
        when = _conference_day(m.status, m.held_date, m.booked_date)
        if when is not None and when <= as_of:
            by_child[m.child_id].append((when, m))
    # Numbered as the engine counts them, as the weekly schedule names them.
    if register is None:
        numbers = meeting_sequences(
            session, by_child.keys(), as_of=as_of, rules=rules, calendar=calendar
        )
    else:
        numbers = {
            m.id: register.sequence(m)
            for pairs in by_child.values()
            for _when, m in pairs
            if m.child_id in register.statuses
        }
    out = []
    for child_id, held in by_child.items():
        held.sort(key=lambda pair: (pair[0], pair[1].id))
        for n, (when, m) in enumerate(held):
            if not _not_quorate(m.quorate) or (since is not None and when < since):
                continue
            later = (
                w for w, x in held[n + 1 :] if x.status == _HELD and not _not_quorate(x.quorate)
            )
            before = held[n - 1][1] if n else None
            out.append(
                InquorateView(
                    meeting_id=m.id,
                    child_id=child_id,
                    meeting_type=m.meeting_type,
                    sequence=numbers.get(m.id, m.sequence),
                    day=when,
                    chair_id=m.chair_id,
                    due=reconvene_due(when, rules=rules, calendar=calendar),
                    reconvened_on=next(later, None),
                    second_in_a_row=before is not None
                    and _not_quorate(before.quorate)
                    and m.meeting_type != _PREBIRTH,
                )
            )
    out.sort(key=lambda v: (v.day, v.meeting_id))
    return out


# --- the child's voice ----------------------------------------------------------------------


@dataclass(frozen=True)
class VoiceView:
    id: int
    meeting_id: int
    methods: dict[str, bool]
    advocacy_offered: bool | None
    advocacy_taken_up: bool | None
    consultation: str | None
    note: str
    version: int


#: What is read of a child's voice record (`VoiceView`'s fields).
_VOICE_COLUMNS = (
    ChildVoice.id,
    ChildVoice.meeting_id,
    *(getattr(ChildVoice, key) for key in VOICE_METHODS),
    ChildVoice.advocacy_offered,
    ChildVoice.advocacy_taken_up,
    ChildVoice.consultation,
    ChildVoice.note,
    ChildVoice.version,
)


def _voice_view(r: Any) -> VoiceView:
    return VoiceView(
        r.id,
        r.meeting_id,
        {key: bool(getattr(r, key)) for key in VOICE_METHODS},
        None if r.advocacy_offered is None else bool(r.advocacy_offered),
        None if r.advocacy_taken_up is None else bool(r.advocacy_taken_up),
        r.consultation,
        r.note or "",
        r.version,
    )


def voices(session: Session, meeting_ids: Iterable[int]) -> dict[int, VoiceView]:
    """Meeting id -> how the child's views reached it, for those with a record."""
    ids = sorted(set(meeting_ids))
    if not ids:
        return {}
    rows = fetch_rows(session, select(*_VOICE_COLUMNS).where(id_in(ChildVoice.meeting_id, ids)))
    return {r.meeting_id: _voice_view(r) for r in rows}


def voices_of_reviews_held(
    session: Session, start: dt.date, end: dt.date
) -> list[tuple[dt.date, VoiceView]]:
    """(Day held, how the child's views reached it) of each LAC review held from ``start`` to
    ``end`` that has a record, in the order held.

    Read from the records joined to their meetings: a year of a national register holds tens
    of thousands of reviews, few with a record of the child's voice."""
    rows = fetch_rows(
        session,
        select(*_VOICE_COLUMNS, Meeting.held_date)
        .join(Meeting, Meeting.id == ChildVoice.meeting_id)
        .where(
            Meeting.meeting_type == MeetingType.LAC_REVIEW.value,
            Meeting.status == MeetingStatus.HELD.value,
            Meeting.held_date >= start,
            Meeting.held_date <= end,
        )
        .order_by(Meeting.held_date, Meeting.id),
    )
    return [(r.held_date, _voice_view(r)) for r in rows]


def staff_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return dict(
        session.execute(select(Staff.id, Staff.name).where(and_(Staff.id.in_(wanted)))).all()
    )


__all__ = [
    "ContactView",
    "EscalationView",
    "InquorateView",
    "StageView",
    "VoiceView",
    "contacts",
    "escalation_views",
    "inquorate_conferences",
    "last_contact_sql",
    "last_contacts",
    "open_escalations_by_raiser",
    "staff_names",
    "theme_versions",
    "themes",
    "voices",
    "voices_of_reviews_held",
]
