"""The rules of the data, checked before anything is written (a ``before_flush`` hook).

One rule per function. Each takes the session and a new or changed record and returns a
message naming the record, the field, the value and why it is refused, or None. Every ORM
write goes through them, and a refusal rolls the whole save back. Records written in bulk
(imports) are checked by the same rules after they are written, in the same transaction
(`validate_stored`), so a refusal there rolls the import back too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from sqlalchemy import Table, inspect, select
from sqlalchemy.orm import Session

from reviewdesk import codes
from reviewdesk.errors import InvalidInput
from reviewdesk.storage.models import (
    Child,
    CpEnquiry,
    CpPlan,
    Episode,
    Meeting,
    PeriodOfCare,
    Staff,
    User,
)
from reviewdesk.vocabulary import age_on, format_uk, meeting_label

Rule = Callable[[Session, Any], str | None]

#: How many problems one error message lists before "and N more".
MAX_LISTED = 10


class ValidationFailed(InvalidInput):
    """One or more records broke the rules; ``problems`` holds one message per broken rule."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_LISTED]
        text = "\n".join(shown)
        if len(problems) > MAX_LISTED:
            text += f"\n... and {len(problems) - MAX_LISTED} more problems."
        super().__init__(text + "\nNothing was saved.")


def uk(d: dt.date | None) -> str:
    return format_uk(d, "(none)")


def _related(session: Session, obj: Any, name: str, fk: str, cls: type) -> Any:
    """A many-to-one target, also for a pending record given only the id (no lazy load)."""
    value = getattr(obj, name)
    if value is None and getattr(obj, fk) is not None:
        value = session.get(cls, getattr(obj, fk))
    return value


def _child_label(session: Session, obj: Any) -> str:
    child = _related(session, obj, "child", "child_id", Child)
    return f"child {child.local_id}" if child is not None and child.local_id else "the child"


def _episode_label(session: Session, e: Episode) -> str:
    period = _related(session, e, "period", "period_id", PeriodOfCare)
    return f"Episode for {_child_label(session, period)}" if period is not None else "Episode"


#: ``session.info`` key of the function that numbers stored meetings as every other place
#: does (meeting ids -> their numbers), which storage cannot: the action layer, which can ask
#: the engine, sets it for each transaction (`reviewdesk.actions.base.door`). Without it (a
#: session of its own: tests, the demo), a meeting is named with the number stored with it.
MEETING_NUMBERS = "reviewdesk.meeting_numbers"
MeetingNumbers = Callable[[Session, Collection[int]], Mapping[int, int | None]]

#: ``session.info`` key: meeting id -> (type, number stored) of the meetings the messages
#: being built name (`_meeting_label`), numbered once they are all known (`_named`).
_NAMING = "reviewdesk.meetings_to_name"
_MARK = "\x00meeting:{}\x00"


def _meeting_label(session: Session, m: Meeting) -> str:
    try:
        codes.MeetingType(m.meeting_type)
    except ValueError:
        return f"Meeting for {_child_label(session, m)}"
    naming = session.info.get(_NAMING)
    if naming is not None and m.id is not None:
        # A stored meeting: named by its number as every place numbers it, asked for all
        # the meetings named at once when the messages are complete (`_named`).
        naming[m.id] = (m.meeting_type, m.sequence)
        name = _MARK.format(m.id)
    else:
        name = meeting_label(m.meeting_type, m.sequence)
    return f"{name} for {_child_label(session, m)}"


def _naming(session: Session) -> dict[int, tuple[str, int | None]] | None:
    """Start noting the stored meetings the messages name, if a namer is set."""
    if session.info.get(MEETING_NUMBERS) is None:
        return None
    naming: dict[int, tuple[str, int | None]] = {}
    session.info[_NAMING] = naming
    return naming


def _named(
    session: Session, problems: list[str], naming: dict[int, tuple[str, int | None]] | None
) -> list[str]:
    """``problems`` with each stored meeting they name numbered as every other place numbers
    it (`MEETING_NUMBERS`: one read for them all); the number stored with it if the namer
    cannot say."""
    if not naming or not problems:
        return problems
    namer: MeetingNumbers = session.info[MEETING_NUMBERS]
    numbers = namer(session, sorted(naming))
    for meeting_id, (kind, typed) in naming.items():
        name = meeting_label(kind, numbers.get(meeting_id, typed))
        mark = _MARK.format(meeting_id)
        problems = [p.replace(mark, name) for p in problems]
    return problems


def _meeting_date(m: Meeting) -> tuple[str, dt.date | None]:
    if m.held_date is not None:
        return "held date", m.held_date
    return "booked date", m.booked_date


def _unknown(field: str, value: Any, allowed: Iterable[str], what: str) -> str:
    choices = ", ".join(allowed)
    return f"{what}: {field} {value!r} is not a known code (expected one of {choices})."


# --- children ---------------------------------------------------------------------------------


def child_has_birth_or_due_date(session: Session, c: Child) -> str | None:
    if c.dob is None and c.expected_delivery is None:
        return (
            f"Child {c.local_id}: date of birth is missing. Give the date of birth, or the "
            "expected delivery date for an unborn child."
        )
    return None


# --- looked after -----------------------------------------------------------------------------


def period_end_not_before_start(session: Session, p: PeriodOfCare) -> str | None:
    if p.end_date is not None and p.start is not None and p.end_date < p.start:
        return (
            f"Period of care for {_child_label(session, p)}: end date {uk(p.end_date)} is before "
            f"its start date {uk(p.start)}."
        )
    return None


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    """Do two date ranges overlap? An open end runs for ever; touching at one day is allowed."""
    far = dt.date.max
    return a_start < (b_end or far) and b_start < (a_end or far)


def periods_do_not_overlap(session: Session, p: PeriodOfCare) -> str | None:
    child = _related(session, p, "child", "child_id", Child)
    if child is None or p.start is None:
        return None
    others = [o for o in child.periods if o is not p and o not in session.deleted]
    for o in others:
        if o.start is not None and _overlaps(p.start, p.end_date, o.start, o.end_date):
            return (
                f"Period of care for {_child_label(session, p)} starting {uk(p.start)} overlaps "
                f"the period from {uk(o.start)} to {uk(o.end_date)}: a child has one period of "
                "care at a time."
            )
    return None


def episode_end_not_before_start(session: Session, e: Episode) -> str | None:
    if e.end_date is not None and e.start is not None and e.end_date < e.start:
        return (
            f"{_episode_label(session, e)}: end date {uk(e.end_date)} is before its start date "
            f"{uk(e.start)}."
        )
    return None


def episode_legal_status_known(session: Session, e: Episode) -> str | None:
    if e.legal_status not in codes.LEGAL_STATUS:
        what = _episode_label(session, e)
        return _unknown("legal status", e.legal_status, codes.LEGAL_STATUS, what)
    return None


def episode_reason_known(session: Session, e: Episode) -> str | None:
    if e.rne is not None and e.rne not in codes.REASON_NEW_EPISODE:
        what = _episode_label(session, e)
        return _unknown("reason for new episode", e.rne, codes.REASON_NEW_EPISODE, what)
    return None


def episode_within_period(session: Session, e: Episode) -> str | None:
    period = _related(session, e, "period", "period_id", PeriodOfCare)
    if period is None or e.start is None or period.start is None:
        return None
    if e.start < period.start:
        return (
            f"{_episode_label(session, e)}: start date {uk(e.start)} is before its period of "
            f"care began on {uk(period.start)}."
        )
    if period.end_date is not None and e.start > period.end_date:
        return (
            f"{_episode_label(session, e)}: start date {uk(e.start)} is after its period of "
            f"care ended on {uk(period.end_date)}."
        )
    return None


def episodes_do_not_overlap(session: Session, e: Episode) -> str | None:
    period = _related(session, e, "period", "period_id", PeriodOfCare)
    if period is None or e.start is None:
        return None
    for o in period.episodes:
        if o is e or o in session.deleted or o.start is None:
            continue
        if _overlaps(e.start, e.end_date, o.start, o.end_date):
            return (
                f"{_episode_label(session, e)} starting {uk(e.start)} overlaps the episode from "
                f"{uk(o.start)} to {uk(o.end_date)} in the same period of care."
            )
    return None


# --- child protection -------------------------------------------------------------------------


def enquiry_closed_not_before_start(session: Session, q: CpEnquiry) -> str | None:
    start = q.strategy_date or q.notified_date
    if q.closed_date is not None and start is not None and q.closed_date < start:
        return (
            f"Child protection enquiry for {_child_label(session, q)}: closed date "
            f"{uk(q.closed_date)} is before it started on {uk(start)}."
        )
    return None


def enquiry_route_known(session: Session, q: CpEnquiry) -> str | None:
    if q.route not in ("s47", "transfer_in"):
        return _unknown("route", q.route, ("s47", "transfer_in"), "Child protection enquiry")
    return None


def plan_end_not_before_start(session: Session, p: CpPlan) -> str | None:
    if p.end_date is not None and p.start is not None and p.end_date < p.start:
        return (
            f"Child protection plan for {_child_label(session, p)}: end date {uk(p.end_date)} "
            f"is before its start date {uk(p.start)}."
        )
    return None


def plan_categories_known(session: Session, p: CpPlan) -> str | None:
    for field, value in (
        ("initial category", p.initial_category),
        ("latest category", p.latest_category),
    ):
        if value is not None and value not in codes.CP_CATEGORY:
            what = f"Child protection plan for {_child_label(session, p)}"
            return _unknown(field, value, codes.CP_CATEGORY, what)
    return None


# --- meetings ---------------------------------------------------------------------------------


def meeting_type_known(session: Session, m: Meeting) -> str | None:
    if m.meeting_type not in codes.MeetingType.__members__.values():
        return _unknown(
            "meeting type", m.meeting_type, [t.value for t in codes.MeetingType], "Meeting"
        )
    return None


def meeting_process_matches_type(session: Session, m: Meeting) -> str | None:
    try:
        expected = codes.MeetingType(m.meeting_type).process
    except ValueError:
        return None  # reported by meeting_type_known
    if m.process != expected.value:
        return (
            f"{_meeting_label(session, m)}: process {m.process!r} does not match the meeting "
            f"type (expected {expected.value!r})."
        )
    return None


def meeting_status_known(session: Session, m: Meeting) -> str | None:
    if m.status not in codes.MeetingStatus.__members__.values():
        allowed = [s.value for s in codes.MeetingStatus]
        return _unknown("status", m.status, allowed, _meeting_label(session, m))
    return None


def held_meeting_has_date(session: Session, m: Meeting) -> str | None:
    if m.status == codes.MeetingStatus.HELD and m.held_date is None:
        return f"{_meeting_label(session, m)}: status is held but the held date is missing."
    return None


def participation_known(session: Session, m: Meeting) -> str | None:
    if m.participation is not None and m.participation not in codes.PARTICIPATION:
        return _unknown(
            "participation", m.participation, codes.PARTICIPATION, _meeting_label(session, m)
        )
    return None


def participation_matches_age(session: Session, m: Meeting) -> str | None:
    """PN0 means 'under 4 at the review' (903 REVIEW_CODE), and only then."""
    if m.participation not in codes.PARTICIPATION:
        return None
    child = _related(session, m, "child", "child_id", Child)
    _, when = _meeting_date(m)
    if child is None or child.dob is None or when is None:
        return None
    age = age_on(child.dob, when)
    if m.participation == "PN0" and age >= 4:
        return (
            f"{_meeting_label(session, m)}: participation 'PN0' is only for a child under 4, "
            f"but the child was {age} on {uk(when)} (born {uk(child.dob)})."
        )
    if m.participation != "PN0" and age < 4:
        return (
            f"{_meeting_label(session, m)}: participation {m.participation!r} is for a child "
            f"aged 4 or over, but the child was {age} on {uk(when)} (born {uk(child.dob)}); "
            "use PN0."
        )
    return None


def meeting_not_before_period(session: Session, m: Meeting) -> str | None:
    period = _related(session, m, "period", "period_id", PeriodOfCare)
    field, when = _meeting_date(m)
    if period is None or when is None or period.start is None:
        return None
    if when < period.start:
        return (
            f"{_meeting_label(session, m)}: {field} {uk(when)} is before the period of care "
            f"began on {uk(period.start)}."
        )
    return None


def booking_not_after_period_ended(session: Session, m: Meeting) -> str | None:
    if m.status != codes.MeetingStatus.BOOKED or m.booked_date is None:
        return None
    period = _related(session, m, "period", "period_id", PeriodOfCare)
    if period is None or period.end_date is None:
        return None
    if m.booked_date > period.end_date:
        return (
            f"{_meeting_label(session, m)}: booked date {uk(m.booked_date)} is after the period "
            f"of care ended on {uk(period.end_date)}; a review cannot be booked for a closed case."
        )
    return None


def _is_review_conference(m: Meeting) -> bool:
    return m.meeting_type in (codes.MeetingType.RCPC_FIRST, codes.MeetingType.RCPC_SUBSEQUENT)


def review_conference_not_before_plan(session: Session, m: Meeting) -> str | None:
    if not _is_review_conference(m):
        return None
    plan = _related(session, m, "plan", "plan_id", CpPlan)
    field, when = _meeting_date(m)
    if plan is None or when is None or plan.start is None:
        return None
    if when < plan.start:
        return (
            f"{_meeting_label(session, m)}: {field} {uk(when)} is before the child protection "
            f"plan began on {uk(plan.start)}."
        )
    return None


def booking_not_after_plan_ended(session: Session, m: Meeting) -> str | None:
    if not _is_review_conference(m) or m.status != codes.MeetingStatus.BOOKED:
        return None
    plan = _related(session, m, "plan", "plan_id", CpPlan)
    if plan is None or plan.end_date is None or m.booked_date is None:
        return None
    if m.booked_date > plan.end_date:
        return (
            f"{_meeting_label(session, m)}: booked date {uk(m.booked_date)} is after the child "
            f"protection plan ended on {uk(plan.end_date)}; a review conference cannot be "
            "booked for a closed case."
        )
    return None


def initial_conference_not_before_enquiry(session: Session, m: Meeting) -> str | None:
    if m.meeting_type not in {t.value for t in codes.INITIAL_CONFERENCES}:
        return None
    enquiry = _related(session, m, "enquiry", "enquiry_id", CpEnquiry)
    field, when = _meeting_date(m)
    if enquiry is None or when is None:
        return None
    start = enquiry.strategy_date or enquiry.notified_date
    if start is not None and when < start:
        started = "the strategy discussion" if enquiry.strategy_date else "the notification"
        return (
            f"{_meeting_label(session, m)}: {field} {uk(when)} is before {started} on {uk(start)}."
        )
    return None


# --- people -----------------------------------------------------------------------------------


def staff_role_known(session: Session, s: Staff) -> str | None:
    if s.role not in codes.StaffRole.__members__.values():
        allowed = [r.value for r in codes.StaffRole]
        return _unknown("role", s.role, allowed, f"Staff member {s.name}")
    return None


def staff_fte_in_range(session: Session, s: Staff) -> str | None:
    if s.fte is not None and not 0 <= s.fte <= 1.5:
        return f"Staff member {s.name}: FTE {s.fte} must be between 0 and 1.5."
    return None


def user_role_known(session: Session, u: User) -> str | None:
    if u.role not in codes.Role.__members__.values():
        return _unknown("role", u.role, [r.value for r in codes.Role], f"User {u.username}")
    return None


RULES: dict[type, tuple[Rule, ...]] = {
    Child: (child_has_birth_or_due_date,),
    PeriodOfCare: (period_end_not_before_start, periods_do_not_overlap),
    Episode: (
        episode_end_not_before_start,
        episode_legal_status_known,
        episode_reason_known,
        episode_within_period,
        episodes_do_not_overlap,
    ),
    CpEnquiry: (enquiry_route_known, enquiry_closed_not_before_start),
    CpPlan: (plan_end_not_before_start, plan_categories_known),
    Meeting: (
        meeting_type_known,
        meeting_process_matches_type,
        meeting_status_known,
        held_meeting_has_date,
        participation_known,
        participation_matches_age,
        meeting_not_before_period,
        booking_not_after_period_ended,
        review_conference_not_before_plan,
        booking_not_after_plan_ended,
        initial_conference_not_before_enquiry,
    ),
    Staff: (staff_role_known, staff_fte_in_range),
    User: (user_role_known,),
}


def problems_with(session: Session, obj: Any, model: type | None = None) -> list[str]:
    """Every rule ``obj`` breaks (empty when it is fine). ``model`` is the record's class
    when ``obj`` is a stand-in for one (see `validate_stored`)."""
    found = []
    for rule in RULES.get(model or type(obj), ()):
        message = rule(session, obj)
        if message:
            found.append(message)
    return found


def validate_flush(session: Session, objects: Iterable[Any]) -> None:
    """Raise `ValidationFailed` listing every broken rule among ``objects``."""
    problems: list[str] = []
    with session.no_autoflush:
        naming = _naming(session)
        try:
            for obj in objects:
                if type(obj) in RULES and not inspect(obj).deleted:
                    problems.extend(problems_with(session, obj))
        finally:
            session.info.pop(_NAMING, None)
        problems = _named(session, problems, naming)
    if problems:
        raise ValidationFailed(problems)


# --- records written in bulk ------------------------------------------------------------------


class _Stored:
    """A stored row standing in for its model object: its columns as attributes, and the
    relationships the rules follow (child, period, plan, enquiry, and the lists)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__ = values


_CASE_MODELS: dict[str, type] = {
    "child": Child,
    "period_of_care": PeriodOfCare,
    "episode": Episode,
    "cp_enquiry": CpEnquiry,
    "cp_plan": CpPlan,
    "meeting": Meeting,
}
_CHUNK = 5000


def _table(model: type) -> Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]


def _select_in(session: Session, table: Table, column: str, keys: list[int]) -> dict[int, _Stored]:
    """The rows whose ``column`` is one of ``keys``, as stand-ins by id."""
    found: dict[int, _Stored] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        result = session.execute(select(table).where(table.c[column].in_(chunk)))
        names = list(result.keys())
        for row in result:
            values = dict(zip(names, row, strict=True))
            found[values["id"]] = _Stored(values)
    return found


def _children_of(session: Session, changed: Mapping[str, Collection[int]]) -> set[int]:
    children = set(changed.get("child", ()))
    for name in ("period_of_care", "cp_enquiry", "cp_plan", "meeting"):
        ids = list(changed.get(name, ()))
        if ids:
            table = _table(_CASE_MODELS[name])
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start : start + _CHUNK]
                children.update(
                    session.scalars(select(table.c.child_id).where(table.c.id.in_(chunk)))
                )
    episode_ids = list(changed.get("episode", ()))
    if episode_ids:
        episode, period = _table(Episode), _table(PeriodOfCare)
        for start in range(0, len(episode_ids), _CHUNK):
            chunk = episode_ids[start : start + _CHUNK]
            children.update(
                session.scalars(
                    select(period.c.child_id)
                    .join(episode, episode.c.period_id == period.c.id)
                    .where(episode.c.id.in_(chunk))
                )
            )
    return children


def validate_stored(
    session: Session,
    changed: Mapping[str, Collection[int]],
    children: Collection[int] | None = None,
) -> None:
    """Check records already written in this transaction (by table name: ids), with the
    same rules as every other save, against the whole stored history of their children
    (``children``, their ids, when the caller knows them). Raise `ValidationFailed` listing
    every broken rule; the caller's transaction then rolls the whole write back."""
    wanted = {name: set(ids) for name, ids in changed.items() if name in _CASE_MODELS and ids}
    if not wanted:
        return
    child_ids = sorted(children if children is not None else _children_of(session, wanted))
    children = _select_in(session, _table(Child), "id", child_ids)
    for child in children.values():
        child.periods, child.plans, child.enquiries, child.meetings = [], [], [], []
    loaded: dict[str, dict[int, _Stored]] = {"child": children}
    for name, attr in (
        ("period_of_care", "periods"),
        ("cp_enquiry", "enquiries"),
        ("cp_plan", "plans"),
        ("meeting", "meetings"),
    ):
        loaded[name] = _select_in(session, _table(_CASE_MODELS[name]), "child_id", child_ids)
        for obj in loaded[name].values():
            obj.child = children.get(obj.child_id)
            getattr(obj.child, attr).append(obj)
    periods = loaded["period_of_care"]
    for period in periods.values():
        period.episodes = []
    loaded["episode"] = _select_in(session, _table(Episode), "period_id", sorted(periods))
    for episode in loaded["episode"].values():
        episode.period = periods.get(episode.period_id)
        episode.period.episodes.append(episode)
    for plan in loaded["cp_plan"].values():
        plan.enquiry = loaded["cp_enquiry"].get(plan.enquiry_id)
    for meeting in loaded["meeting"].values():
        meeting.period = periods.get(meeting.period_id)
        meeting.plan = loaded["cp_plan"].get(meeting.plan_id)
        meeting.enquiry = loaded["cp_enquiry"].get(meeting.enquiry_id)

    problems: list[str] = []
    with session.no_autoflush:
        naming = _naming(session)
        try:
            for name, ids in wanted.items():
                model = _CASE_MODELS[name]
                for record_id in sorted(ids):
                    obj = loaded[name].get(record_id)
                    if obj is not None:
                        problems.extend(problems_with(session, obj, model))
        finally:
            session.info.pop(_NAMING, None)
        problems = _named(session, problems, naming)
    if problems:
        raise ValidationFailed(problems)
