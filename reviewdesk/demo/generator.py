"""The synthetic authority: children, periods of care, child protection work and meetings.

Cases are drawn as arrivals (a child becomes looked after; an s47 strategy discussion or a
transfer-in notification) spread over the years before the as-of date, and each is lived
forward on the statutory timetable: reviews held a few working days before they fall due,
about 2.5% held late with a real reason, plans ending at review conferences (a third at the
first). Arrivals are drawn until exactly the target number of cases is open on the as-of date;
cases that closed within the three years of history are kept with them. Rows are plain dicts,
ids assigned here, handed to the demo action's `BulkInserter` (one transaction).

Everything comes from one `random.Random(seed)` and the as-of date: the same seed and date give
the same rows.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from random import Random
from typing import Any

from reviewdesk.codes import MEETING_OUTCOMES, MeetingStatus, MeetingType, Process
from reviewdesk.dates import add_months
from reviewdesk.demo.names import ADULT_FIRST, BOYS, GIRLS, SURNAMES
from reviewdesk.demo.organisation import DEFAULT_OPEN_LAC, Organisation
from reviewdesk.demo.timing import TIMES, Diary, Timescales
from reviewdesk.storage.bulk import BulkInserter
from reviewdesk.vocabulary import age_on, format_uk

Progress = Callable[[str, float], None]

HISTORY_YEARS = 3
LAC_WINDOW_DAYS = 12 * 365  # entries into care this far back may still be open
CP_WINDOW_DAYS = 6 * 365
DETAIL_DAYS = 400  # invitees and reports kept for meetings from this many days back
BOOK_AHEAD_DAYS = 56  # clerks book this far ahead
DIARY_DAYS = 30  # chairs, clerks and rooms kept free of clashes from this many days back
P_LATE = 0.025
P_FIRST_REVIEW_ENDS_PLAN = 0.33  # a third (docs/domain.md, "A realistic authority")
P_LATER_REVIEW_ENDS_PLAN = 0.536  # gives the paper's ratio of subsequent to first reviews
P_PLAN_MADE = {"icpc": 0.80, "icpc_prebirth": 0.85, "icpc_transfer_in": 1.0}
#: Initial conferences a year (docs/domain.md, "A realistic authority").
INITIAL_MIX = (
    (MeetingType.ICPC, 274),
    (MeetingType.ICPC_PREBIRTH, 64),
    (MeetingType.ICPC_TRANSFER_IN, 25),
    (MeetingType.ICPC_RECONVENED, 2),
)
CATEGORY_MIX = (("NEG", 48), ("EMO", 35), ("PHY", 7), ("SAB", 4), ("MUL", 6))
#: PN1-PN7 for children aged 4 and over: 91% PN1-PN6 (docs/domain.md, "What managers are shown").
PARTICIPATION_MIX = (
    ("PN1", 31),
    ("PN2", 8),
    ("PN3", 9),
    ("PN4", 5),
    ("PN5", 20),
    ("PN6", 18),
    ("PN7", 9),
)
ETHNICITY_MIX = (
    ("WBRI", 68), ("WIRI", 1), ("WOTH", 5), ("MWBC", 5), ("MWBA", 2), ("MWAS", 2),
    ("MOTH", 3), ("AIND", 2), ("APKN", 3), ("ABAN", 1), ("AOTH", 1), ("BCRB", 1),
    ("BAFR", 3), ("BOTH", 1), ("CHNE", 1), ("OOTH", 1), ("NOBT", 0.5), ("REFU", 0.5),
)  # fmt: skip
CANCEL_REASONS = (
    "Social worker unavailable",
    "Child unwell",
    "Carer unable to attend",
    "Parents asked to rearrange",
    "Reports not ready",
)
INITIAL_TYPES = frozenset(m.value for m in MeetingType if m.is_initial_conference)
TABLE_ORDER = (
    "child",
    "period_of_care",
    "episode",
    "cp_enquiry",
    "cp_plan",
    "meeting",
    "meeting_part",
    "invitee",
    "report",
)

#: A conference's outcome as the generator plans it -> as recorded (`codes.MEETING_OUTCOMES`,
#: the words the recording dialog offers and `record_outcome` takes).
_CP_OUTCOME_WORDS = dict(
    zip(
        ("plan made", "plan continued", "plan ended", "no plan"),
        MEETING_OUTCOMES["cp"],
        strict=True,
    )
)


def _weighted(pairs):
    """A sampler for (value, weight) pairs: rng -> value, by bisection on cumulative weights."""
    values = [v for v, _ in pairs]
    cumulative = list(itertools.accumulate(w for _, w in pairs))
    total = cumulative[-1]

    def pick(rng: Random):
        return values[bisect.bisect_right(cumulative, rng.random() * total)]

    return pick


_initial_kind = _weighted(INITIAL_MIX)
_category = _weighted(CATEGORY_MIX)
_participation = _weighted(PARTICIPATION_MIX)
_ethnicity = _weighted(ETHNICITY_MIX)


def _upn(rng: Random) -> str:
    """A UPN with a valid check letter (DfE algorithm: weights 2-13, modulo 23)."""
    body = f"{rng.choice((820, 821, 822))}{rng.randrange(2000, 2999)}"
    body += f"{rng.randrange(10, 24):02d}{rng.randrange(1000):03d}"
    total = sum(int(ch) * weight for ch, weight in zip(body, range(2, 14), strict=True))
    return "ABCDEFGHJKLMNPQRTUVWXYZ"[total % 23] + body


@dataclass
class DemoSummary:
    """What the demo generator made; also recorded in the audit trail."""

    seed: int
    as_of: dt.date
    target_open_cases: int
    children: int = 0
    open_lac: int = 0
    open_cp_plans: int = 0
    open_enquiries: int = 0
    iros: int = 0
    iro_fte: float = 0.0
    meetings_held: int = 0
    meetings_booked: int = 0
    meetings_late: int = 0
    overdue: int = 0
    unbooked_due_soon: int = 0
    double_bookings: int = 0
    conferences_by_type: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["as_of"] = self.as_of.isoformat()
        out["seconds"] = round(self.seconds, 2)
        return out

    def text(self) -> str:
        """A few lines for the command line."""
        types = ", ".join(
            f"{MeetingType(k).label} {v}" for k, v in self.conferences_by_type.items()
        )
        return "\n".join(
            [
                f"Demo authority as at {format_uk(self.as_of)} (seed {self.seed}): "
                f"{self.children} children, {self.open_lac} looked after, "
                f"{self.open_cp_plans} on child protection plans, "
                f"{self.open_enquiries} enquiries awaiting an initial conference.",
                f"{self.iros} IROs ({self.iro_fte:g} FTE); {self.meetings_held} meetings held "
                f"({self.meetings_late} late), {self.meetings_booked} booked ahead; "
                f"{self.overdue} overdue, {self.unbooked_due_soon} due soon and not booked, "
                f"{self.double_bookings} double bookings to resolve.",
                f"CP conferences: {types}.",
                f"Took {self.seconds:.1f} s.",
            ]
        )


@dataclass
class _ChildCtx:
    id: int
    first: str
    last: str
    dob: dt.date | None
    sw: int
    team: int
    mother: str
    father: str | None


@dataclass
class _Spec:
    """A meeting in a CP case's life, before it becomes rows."""

    mtype: str
    seq: int
    day: dt.date | None  # held or planned date
    limit: dt.date
    book_by: dt.date
    lo: dt.date
    state: str  # held, held_late, future, overdue
    outcome: str | None = None
    adjourned_on: dt.date | None = None


class CaseGenerator:
    """Draws and writes the cases; one instance per generation run."""

    def __init__(
        self,
        *,
        rng: Random,
        as_of: dt.date,
        scale: float,
        timescales: Timescales,
        org: Organisation,
        late_reasons: dict[str, int],
        next_id: dict[str, int],
        writer: BulkInserter,
        summary: DemoSummary,
    ) -> None:
        self.rng = rng
        self.as_of = as_of
        self.scale = scale
        self.t = timescales
        self.cal = timescales.calendar
        self.org = org
        self.late_reasons = late_reasons
        self.late_reason_pick = _weighted(
            [
                (late_reasons[text], w)
                for text, w in (
                    ("IRO or chair unavailable", 5),
                    ("Social worker unavailable", 4),
                    ("Room unavailable", 2),
                    ("Clerk unavailable", 2),
                    ("Not quorate", 2),
                    ("Miscalculation of the review date", 2),
                    ("Poor or late invite list", 1),
                    ("Late notification that the child became looked after", 1),
                    ("S47 start date entered wrongly", 1),
                    ("Data entered late or wrongly", 2),
                )
                if text in late_reasons
            ]
            or [(next(iter(late_reasons.values())), 1)]
        )
        self.next_id = next_id
        self.w = writer
        self.s = summary
        self.history_start = as_of - dt.timedelta(days=365 * HISTORY_YEARS)
        self.detail_since = as_of - dt.timedelta(days=DETAIL_DAYS)
        self.book_until = as_of + dt.timedelta(days=BOOK_AHEAD_DAYS)
        self.overdue_from = self.cal.add_working_days(as_of, -10)
        self.due_soon_until = self.cal.add_working_days(as_of, 10)
        self.diary = Diary(rng, self.cal, as_of - dt.timedelta(days=DIARY_DAYS))
        self.overdue_left = max(2, round(2 * scale))
        self.unbooked_left = max(2, round(2 * scale))
        self.double_left = max(2, round(2 * scale))
        self.iro_cumulative = list(itertools.accumulate(org.iro_fte))
        self.all_rooms = org.physical_rooms + org.virtual_rooms
        self.virtual_first = org.virtual_rooms + org.physical_rooms
        self.conference_counts: Counter[str] = Counter()

    # --- small helpers ----------------------------------------------------------------

    def _id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def _iro(self) -> int:
        total = self.iro_cumulative[-1]
        index = bisect.bisect_right(self.iro_cumulative, self.rng.random() * total)
        return self.org.iros[min(index, len(self.org.iros) - 1)]

    def _on_time(self, book_by: dt.date, lo: dt.date, max_early: int) -> dt.date:
        """A working day a few working days before ``book_by`` and after ``lo``."""
        early = min(max_early, int(self.rng.expovariate(0.25)))
        day = self.cal.add_working_days(book_by, -early) if early else book_by
        if day <= lo:
            after = self.cal.add_working_days(lo, 1)
            day = after if after <= book_by else book_by
        return day

    def _when(
        self,
        limit: dt.date,
        book_by: dt.date,
        lo: dt.date,
        max_early: int,
        *,
        until: dt.date | None = None,
        open_case: bool = True,
    ) -> tuple[dt.date | None, str]:
        """When a meeting due by ``limit`` is (or will be) held, and how that stands:
        "held", "held_late", "future" (booked or to book) or "overdue" (not held by its limit).
        """
        rng = self.rng
        if (
            open_case
            and self.overdue_left > 0
            and self.overdue_from <= limit < self.as_of
            and until is None
        ):
            self.overdue_left -= 1
            return None, "overdue"
        if rng.random() < P_LATE:
            day = self.cal.add_working_days(limit, rng.randint(1, 15))
            if day < self.as_of and (until is None or day <= until):
                return day, "held_late"
            first = self.cal.add_working_days(limit, 1)
            if first < self.as_of and (until is None or first <= until):
                return first, "held_late"
        day = self._on_time(book_by, lo, max_early)
        return day, ("held" if day < self.as_of else "future")

    def _slot(
        self,
        day: dt.date,
        chair: int,
        clerks: bool,
        lo: dt.date | None = None,
        hi: dt.date | None = None,
    ) -> tuple[dt.date, dt.time, int | None, int | None]:
        """(date, time, room, clerk) for a meeting, clash-free near the as-of date.

        Only a booking ahead may move to another day in [lo, hi]; a meeting held keeps its
        day, since the next one's due date counts from it.
        """
        lo = lo or day
        hi = hi or day
        rng = self.rng
        rooms = self.virtual_first if rng.random() < 0.35 else self.all_rooms
        if not self.diary.tracked(day):
            room = rooms[rng.randrange(len(rooms))]
            clerk = rng.choice(self.org.clerks) if clerks else None
            return day, rng.choice(TIMES), room, clerk
        pool = self.org.clerks if clerks else None
        day, t = self.diary.place(day, lo, hi, chair, pool, rooms)
        if t is None:
            t = rng.choice(TIMES)
        room, clerk = self.diary.take(day, t, chair, pool, rooms)
        return day, t, room, clerk

    # --- children -----------------------------------------------------------------------

    def _child(self, dob: dt.date | None, expected: dt.date | None = None) -> _ChildCtx:
        rng = self.rng
        cid = self._id("child")
        boy = rng.random() < 0.52
        first = rng.choice(BOYS if boy else GIRLS) if dob is not None else ""
        last = rng.choice(SURNAMES)
        if rng.random() < 0.08:
            last = f"{last}-{rng.choice(SURNAMES)}"
        team = rng.choice(self.org.teams)
        sw = rng.choice(self.org.social_workers[team])
        upn = _upn(rng) if dob is not None and age_on(dob, self.as_of) >= 4 else None
        self.w.add(
            "child",
            {
                "id": cid,
                "local_id": f"DEMO{cid:07d}",
                "first_name": first,
                "last_name": last,
                "dob": dob,
                "expected_delivery": expected,
                "sex": ("1" if boy else "2") if dob is not None else None,
                "ethnicity": _ethnicity(rng),
                "upn": upn,
                "team_id": team,
                "social_worker_id": sw,
                "version": 1,
            },
        )
        self.s.children += 1
        father = f"{rng.choice(ADULT_FIRST)} {last}" if rng.random() < 0.6 else None
        return _ChildCtx(
            cid, first, last, dob, sw, team, f"{rng.choice(ADULT_FIRST)} {last}", father
        )

    def _entry_age_days(self) -> int:
        rng = self.rng
        r = rng.random()
        if r < 0.18:
            years = 0
        elif r < 0.33:
            years = rng.randint(1, 4)
        elif r < 0.51:
            years = rng.randint(5, 9)
        elif r < 0.86:
            years = rng.randint(10, 15)
        else:
            years = rng.randint(16, 17)
        return years * 365 + rng.randrange(365)

    # --- meetings -----------------------------------------------------------------------

    def _meeting(
        self,
        child: _ChildCtx,
        *,
        process: str,
        mtype: str,
        seq: int,
        status: str,
        day: dt.date | None,
        time: dt.time | None = None,
        room: int | None = None,
        chair: int | None = None,
        clerk: int | None = None,
        held: bool = False,
        period_id: int | None = None,
        enquiry_id: int | None = None,
        plan_id: int | None = None,
        participation: str | None = None,
        quorate: bool | None = None,
        outcome: str | None = None,
        late_reason_id: int | None = None,
        cancel_reason: str | None = None,
        consultation: dt.date | None = None,
        decisions_issued: dt.date | None = None,
        minutes: dt.date | None = None,
        decisions: str | None = None,
    ) -> int:
        mid = self._id("meeting")
        self.w.add(
            "meeting",
            {
                "id": mid,
                "child_id": child.id,
                "process": process,
                "meeting_type": mtype,
                "sequence": seq,
                "period_id": period_id,
                "enquiry_id": enquiry_id,
                "plan_id": plan_id,
                "status": status,
                "booked_date": day,
                "booked_time": time,
                "duration_minutes": 90,
                "room_id": room,
                "chair_id": chair,
                "clerk_id": clerk,
                "held_date": day if held else None,
                "participation": participation,
                "quorate": quorate,
                "outcome": outcome,
                "late_reason_id": late_reason_id,
                "late_reason_note": None,
                "cancel_reason": cancel_reason,
                "consultation_sent": consultation,
                "decisions_issued": decisions_issued,
                "minutes_distributed": minutes,
                "decisions": decisions,
                "notes": None,
                "version": 1,
            },
        )
        if held:
            self.s.meetings_held += 1
            if late_reason_id is not None:
                self.s.meetings_late += 1
            if process == Process.CP:
                self.conference_counts[mtype] += 1
        elif status == MeetingStatus.BOOKED:
            self.s.meetings_booked += 1
        return mid

    def _after(self, rule_id: str, day: dt.date, fallback: int, p_late: float) -> dt.date | None:
        """When decisions or minutes went out: mostly by the deadline, some late."""
        deadline = self.t.deadline(rule_id, day, fallback)
        rng = self.rng
        if rng.random() < p_late:
            sent = self.cal.add_working_days(deadline, rng.randint(1, 10))
        else:
            gap = self.cal.working_days_between(day, deadline)
            sent = self.cal.add_working_days(day, rng.randint(0, max(0, gap)))
        return sent if sent <= self.as_of else None

    def _people(
        self, mid: int, child: _ChildCtx, process: str, mtype: str, day: dt.date, held: bool
    ) -> None:
        """Invitees, with attendance for a meeting held, and the reports due from them."""
        rng = self.rng
        age = age_on(child.dob, day) if child.dob is not None else -1
        invited = self.cal.add_working_days(day, -rng.randint(10, 20))
        invited_on = invited if invited <= self.as_of else None
        people: list[tuple[str, str, int | None]] = [
            (child.mother, "Mother", None),
            ("Social worker", "Social worker", child.sw),
        ]
        if child.father:
            people.append((child.father, "Father", None))
        if process == Process.LAC:
            people.append((f"{rng.choice(ADULT_FIRST)} {rng.choice(SURNAMES)}", "Carer", None))
            if age >= 8:
                people.append((f"{child.first} {child.last}", "Child", None))
            if 5 <= age <= 16:
                people.append(("Designated teacher", "School", None))
            if rng.random() < 0.5:
                people.append(("Looked-after children's nurse", "Health", None))
        else:
            people.append(("Team manager", "Team manager", self.org.team_managers[child.team]))
            people.append((f"DC {rng.choice(SURNAMES)}", "Police", None))
            people.append(("Health visitor" if 0 <= age < 5 else "School nurse", "Health", None))
            if rng.random() < 0.6:
                people.append((f"Dr {rng.choice(SURNAMES)}", "GP", None))
            if age >= 5:
                people.append(("Designated safeguarding lead", "School", None))
            if mtype == MeetingType.ICPC_PREBIRTH:
                people.append(("Community midwife", "Midwifery", None))
        for name, role, staff_id in people:
            attendance = None
            if held:
                r = rng.random()
                attendance = "attended" if r < 0.78 else ("apologies" if r < 0.92 else "absent")
            self.w.add(
                "invitee",
                {
                    "id": self._id("invitee"),
                    "meeting_id": mid,
                    "name": name,
                    "role": role,
                    "staff_id": staff_id,
                    "invited_on": invited_on,
                    "attendance": attendance,
                },
            )
        # Reports: the social worker's always; agencies' for conferences.
        if process == Process.LAC:
            rule, fallback = "lac.review.reports", -3
            reports = [("Social worker", "social_worker")]
            if 5 <= age <= 16:
                reports.append(("Designated teacher (PEP)", "school"))
            if rng.random() < 0.5:
                reports.append(("Looked-after children's nurse", "health"))
        else:
            initial = mtype in INITIAL_TYPES
            rule, fallback = (
                ("cp.icpc.report_to_parents", -2) if initial else ("cp.rcpc.report", -3)
            )
            reports = [
                ("Social worker", "social_worker"),
                ("Police", "police"),
                ("Health", "health"),
            ]
            if age >= 5:
                reports.append(("School", "school"))
            if rng.random() < 0.5:
                reports.append(("GP", "gp"))
        deadline = self.t.deadline(rule, day, fallback)
        for author, agency in reports:
            received, shared = self._report_dates(day, deadline, process, agency)
            self.w.add(
                "report",
                {
                    "id": self._id("report"),
                    "meeting_id": mid,
                    "author": author,
                    "agency": agency,
                    "rule_id": rule,
                    "received": received if received and received <= self.as_of else None,
                    "shared_with_parents": shared if shared and shared <= self.as_of else None,
                },
            )

    def _report_dates(
        self, day: dt.date, deadline: dt.date, process: str, agency: str
    ) -> tuple[dt.date | None, dt.date | None]:
        """Received and shared-with-parents dates: >60% shared only on the day (as one council
        reported; docs/domain.md)."""
        rng = self.rng
        r = rng.random()
        if r < 0.04:
            return None, None  # never arrived
        if r < 0.66:  # shared on the day of the meeting
            shared = day
            lag = rng.randint(0, 4)
            received = self.cal.add_working_days(day, -lag) if lag else day
        elif r < 0.92:  # shared in time
            shared = self.cal.add_working_days(deadline, -rng.randint(0, 3))
            lag = rng.randint(0, 3)
            received = self.cal.add_working_days(shared, -lag) if lag else shared
        else:  # shared late, before the day
            gap = self.cal.working_days_between(deadline, day)
            shared = (
                self.cal.add_working_days(deadline, rng.randint(1, gap - 1)) if gap > 1 else day
            )
            received = shared
        if process == Process.LAC and agency != "social_worker" and rng.random() < 0.5:
            shared = None  # health and education reports are not always shared with parents
        return received, shared

    # --- looked after -------------------------------------------------------------------

    def lac_arrival(self) -> bool | None:
        """Draw one entry into care; write it if it is open or closed within the history.

        Returns True when the child is looked after on the as-of date, False for a closed
        case kept as history, None when the draw falls outside the history.
        """
        rng = self.rng
        start = self.as_of - dt.timedelta(days=rng.randrange(LAC_WINDOW_DAYS))
        age_days = self._entry_age_days()
        dob = start - dt.timedelta(days=age_days)
        short = rng.random() < 0.03 and age_days > 3 * 365
        if short:
            length = rng.randint(150, 1500)
        elif rng.random() < 0.3:
            length = int(rng.expovariate(1 / 120)) + 3
        else:
            length = int(rng.expovariate(1 / (3.5 * 365))) + 30
        end: dt.date | None = start + dt.timedelta(days=length)
        adult = add_months(dob, 216)
        end = min(end, adult - dt.timedelta(days=1))
        if end < self.history_start or end < start:
            return None
        is_open = end >= self.as_of
        if is_open:
            end = None
        child = self._child(dob)
        if not short and age_days > 3 * 365 and rng.random() < 0.08:
            prior_end = start - dt.timedelta(days=rng.randint(45, 700))
            prior_start = prior_end - dt.timedelta(days=rng.randint(20, 400))
            if prior_start > dob + dt.timedelta(days=30):
                self._period(child, prior_start, prior_end, short=False)
        self._period(child, start, end, short=short)
        if is_open:
            self.s.open_lac += 1
        self.w.maybe_flush()
        return is_open

    def _period(
        self, child: _ChildCtx, start: dt.date, end: dt.date | None, *, short: bool
    ) -> None:
        rng, cal = self.rng, self.cal
        pid = self._id("period_of_care")
        iro = self._iro()
        notified = cal.add_working_days(start, rng.randint(1, 2) if rng.random() < 0.95 else 4)
        allocated = cal.add_working_days(
            start, rng.randint(1, 5) if rng.random() < 0.94 else rng.randint(6, 10)
        )
        self.w.add(
            "period_of_care",
            {
                "id": pid,
                "child_id": child.id,
                "start": start,
                "end_date": end,
                "iro_id": iro,
                "social_worker_id": child.sw,
                "iro_notified": notified if notified <= self.as_of else None,
                "iro_allocated": allocated if allocated <= self.as_of else None,
                "version": 1,
            },
        )
        assert child.dob is not None
        self._episodes(pid, start, end, short, age_on(child.dob, start))

        ids = (
            ("lac.short_breaks.first", "lac.short_breaks.later", "lac.short_breaks.later")
            if short
            else ("lac.review.first", "lac.review.second", "lac.review.later")
        )
        seq, previous = 1, None
        while True:
            rule = ids[0] if seq == 1 else (ids[1] if seq == 2 else ids[2])
            limit, book_by = self.t.due(rule, start if seq == 1 else previous)
            if end is not None and limit > end:
                break
            lo = start if seq == 1 else previous
            max_early = 10 if seq == 1 and not short else 20
            day, kind = self._when(limit, book_by, lo, max_early, until=end, open_case=end is None)
            if kind in ("held", "held_late"):
                self._lac_review(child, pid, iro, seq, day, lo, book_by, kind == "held_late")
                previous = day
                seq += 1
                continue
            self._future(child, Process.LAC, MeetingType.LAC_REVIEW, seq, day, kind, limit,
                         book_by, lo, iro, period_id=pid)  # fmt: skip
            break

    def _lac_review(
        self,
        child: _ChildCtx,
        pid: int,
        iro: int,
        seq: int,
        day: dt.date,
        lo: dt.date,
        book_by: dt.date,
        late: bool,
    ) -> None:
        rng, cal = self.rng, self.cal
        assert child.dob is not None
        if rng.random() < 0.015:  # an earlier booking cancelled and rearranged
            earlier = cal.add_working_days(day, -rng.randint(3, 10))
            if earlier > lo:
                self._meeting(child, process=Process.LAC, mtype=MeetingType.LAC_REVIEW, seq=seq,
                              status=MeetingStatus.CANCELLED, day=earlier, chair=iro,
                              period_id=pid, cancel_reason=rng.choice(CANCEL_REASONS))  # fmt: skip
        day, t, room, clerk = self._slot(day, iro, True)
        age = age_on(child.dob, day)
        participation = "PN0" if age < 4 else _participation(rng)
        consult_by = self.t.deadline("lac.review.consultation", day, -10)
        consultation = (
            cal.add_working_days(consult_by, -rng.randint(0, 5))
            if rng.random() < 0.88
            else min(cal.add_working_days(consult_by, rng.randint(1, 6)), day)
        )
        mid = self._meeting(
            child,
            process=Process.LAC,
            mtype=MeetingType.LAC_REVIEW,
            seq=seq,
            status=MeetingStatus.HELD,
            day=day,
            time=t,
            room=room,
            chair=iro,
            clerk=clerk,
            held=True,
            period_id=pid,
            participation=participation,
            outcome="Care plan endorsed" if rng.random() < 0.85 else "Recommendations made",
            late_reason_id=self.late_reason_pick(rng) if late else None,
            consultation=consultation,
            decisions_issued=self._after("lac.review.decisions", day, 5, 0.07),
            minutes=self._after("lac.review.minutes", day, 20, 0.12),
        )
        if rng.random() < 0.01:  # held in two parts
            first = cal.add_working_days(day, -rng.randint(3, 8))
            if first > lo:
                for part_no, held_on in ((1, first), (2, day)):
                    self.w.add(
                        "meeting_part",
                        {
                            "id": self._id("meeting_part"),
                            "meeting_id": mid,
                            "part_no": part_no,
                            "held_date": held_on,
                            "note": "Adjourned for the care plan to be revised"
                            if part_no == 1
                            else None,
                        },
                    )
        if day >= self.detail_since:
            self._people(mid, child, Process.LAC, MeetingType.LAC_REVIEW, day, True)

    def _episodes(
        self, pid: int, start: dt.date, end: dt.date | None, short: bool, age: int
    ) -> None:
        rng = self.rng
        last = end or self.as_of
        # (legal status, days after the start it begins)
        if short:
            steps = [(rng.choice(("V3", "V3", "V4")), 0)]
        else:
            r = rng.random()
            if r < 0.10:
                steps = [(rng.choice(("L1", "L2")), 0), ("C1", rng.randint(1, 8))]
                steps.append(("C2", steps[-1][1] + rng.randint(120, 400)))
            elif r < 0.55:
                steps = [("C1", 0), ("C2", rng.randint(120, 400))]
            elif r < 0.85:
                steps = [("V2", 0)]
                if rng.random() < 0.2:
                    steps.append(("C1", rng.randint(30, 200)))
                    steps.append(("C2", steps[-1][1] + rng.randint(120, 400)))
            else:
                steps = [("C2", 0)]
            if age < 5 and steps[-1][0] == "C2" and rng.random() < 0.4:
                steps.append(("E1", steps[-1][1] + rng.randint(30, 300)))
        span = (last - start).days
        changes: dict[int, tuple[str | None, bool]] = {}
        for legal, offset in steps:
            if offset <= span:
                changes[offset] = (legal, rng.random() < 0.5)
        if not short:
            for _ in range(min(3, int(span / 365 * rng.random() * 1.2))):
                offset = rng.randint(1, max(1, span))
                changes.setdefault(offset, (None, True))
        legal = None
        placement = None
        rows = []
        for offset in sorted(changes):
            new_legal, move = changes[offset]
            if offset == 0:
                rne = "S"
            elif new_legal is not None and move:
                rne = "B"
            elif new_legal is not None:
                rne = "L"
            else:
                rne = "P" if rng.random() < 0.9 else "T"
            legal = new_legal or legal
            if placement is None or move or rne == "S":
                placement = self._placement(legal, age)
            rows.append(
                {
                    "id": self._id("episode"),
                    "period_id": pid,
                    "start": start + dt.timedelta(days=offset),
                    "end_date": None,
                    "rne": rne,
                    "legal_status": legal,
                    "cin": rng.choice(("N1", "N1", "N1", "N2", "N3", "N4", "N5", "N8")),
                    "placement": placement,
                    "placement_provider": "PR1" if rng.random() < 0.6 else "PR4",
                    "rec": "X1",
                    "reason_place_change": rng.choice(("CARPL", "CHILD", "LAREQ", "OTHER"))
                    if rne in ("P", "T")
                    else None,
                    "home_postcode": None,
                    "placement_postcode": None,
                    "urn": f"SC{rng.randrange(10**6):06d}" if placement in ("K2", "R1") else None,
                    "version": 1,
                }
            )
        for row, following in zip(rows, rows[1:], strict=False):
            row["end_date"] = following["start"]
        rows[-1]["end_date"] = end
        rows[-1]["rec"] = self._rec(rows[-1]["legal_status"], age) if end else None
        for row in rows:
            self.w.add("episode", row)

    def _placement(self, legal: str | None, age: int) -> str:
        rng = self.rng
        if legal in ("V3", "V4"):
            return "K1"
        if legal == "E1" and rng.random() < 0.6:
            return rng.choice(("A5", "A6"))
        if age >= 16 and rng.random() < 0.3:
            return "H5"
        if age >= 11 and rng.random() < 0.15:
            return "K2"
        if legal == "C2" and rng.random() < 0.05:
            return "P1"
        return rng.choice(("U1", "U2", "U3", "U4", "U5", "U6"))

    def _rec(self, legal: str, age: int) -> str:
        rng = self.rng
        if legal == "E1":
            return "E11"
        if age >= 16:
            return rng.choice(("E17", "E7", "E8", "E4A"))
        return rng.choice(("E4A", "E4A", "E12", "E13", "E41", "E8"))

    # --- child protection ---------------------------------------------------------------

    def cp_arrival(self) -> bool | None:
        """Draw one s47 enquiry or transfer-in; write it if it matters on the as-of date.

        Returns True when the child is on a plan on the as-of date, False for other cases
        kept (history, or an enquiry awaiting its initial conference), None when dropped.
        """
        rng, cal = self.rng, self.cal
        start = cal.on_or_after(self.as_of - dt.timedelta(days=rng.randrange(CP_WINDOW_DAYS)))
        if start > self.as_of:
            return None
        kind = _initial_kind(rng).value
        prebirth = kind == MeetingType.ICPC_PREBIRTH
        if kind == MeetingType.ICPC and rng.random() < 0.22:
            return self._enquiry_only(start)
        expected = start + dt.timedelta(days=rng.randint(56, 154)) if prebirth else None
        specs = self._cp_life(kind, start, expected, bound=None)
        last = specs[-1]
        ended = last.outcome in ("no plan", "plan ended")
        if ended and last.day < self.history_start:
            return None
        on_plan = not ended and any(s.outcome == "plan made" for s in specs)
        # The child, and perhaps an earlier plan of theirs.
        if prebirth:
            born = expected + dt.timedelta(days=rng.randint(-14, 10))
            dob = min(born, self.as_of) if expected <= self.as_of else None
        else:
            dob = start - dt.timedelta(days=self._cp_age_days())
        child = self._child(dob, expected)
        previous = 0
        if dob is not None and not prebirth and rng.random() < 0.12:
            earlier = start - dt.timedelta(days=rng.randint(300, 1100))
            if earlier > dob + dt.timedelta(days=30):
                prior = self._cp_life(
                    MeetingType.ICPC.value, cal.on_or_after(earlier), None,
                    bound=start - dt.timedelta(days=30),
                )  # fmt: skip
                if prior[-1].outcome == "plan ended":
                    self._write_cp(child, prior, MeetingType.ICPC.value,
                                   cal.on_or_after(earlier), None, 0)  # fmt: skip
                    previous = 1
        self._write_cp(child, specs, kind, start, expected, previous)
        if on_plan:
            self.s.open_cp_plans += 1
        elif not ended:
            self.s.open_enquiries += 1
        self.w.maybe_flush()
        return on_plan

    def _cp_age_days(self) -> int:
        rng = self.rng
        r = rng.random()
        years = (
            rng.randint(0, 4)
            if r < 0.35
            else rng.randint(5, 9)
            if r < 0.65
            else rng.randint(10, 15)
            if r < 0.93
            else rng.randint(16, 17)
        )
        return years * 365 + rng.randrange(365)

    def _enquiry_only(self, start: dt.date) -> bool | None:
        """An s47 enquiry that ended without an initial conference."""
        rng = self.rng
        closed = start + dt.timedelta(days=rng.randint(5, 30))
        if closed < self.history_start:
            return None
        child = self._child(start - dt.timedelta(days=self._cp_age_days()))
        self.w.add(
            "cp_enquiry",
            {
                "id": self._id("cp_enquiry"),
                "child_id": child.id,
                "route": "s47",
                "strategy_date": start,
                "notified_date": None,
                "icpc_not_required": True,
                "closed_date": closed if closed <= self.as_of else None,
                "notes": "Enquiries completed: no initial conference needed",
                "version": 1,
            },
        )
        return False

    def _cp_life(
        self, kind: str, start: dt.date, expected: dt.date | None, bound: dt.date | None
    ) -> list[_Spec]:
        """The dates of one enquiry's conferences, lived forward from ``start``.

        With ``bound`` (an earlier plan of a child with a later one), the plan ends at the
        last review before the next review would fall after ``bound``.
        """
        rng, t = self.rng, self.t
        if kind == MeetingType.ICPC_TRANSFER_IN:
            limit, book_by = t.due("cp.transfer_in", start)
        else:
            limit, book_by = t.due("cp.icpc", start)
            if expected is not None:
                pre = t.limit("cp.prebirth", expected)
                if pre is not None and start <= pre < limit:
                    limit, book_by = pre, self.cal.on_or_before(pre)
        open_case = bound is None
        specs: list[_Spec] = []
        adjourned = None
        if kind == MeetingType.ICPC_RECONVENED:
            adjourned = self._on_time(book_by, start, 5)
            if adjourned >= self.as_of:
                kind = MeetingType.ICPC.value
                adjourned = None
        if adjourned is not None:
            day = self.cal.add_working_days(adjourned, rng.randint(3, 10))
            state = "held_late" if day > limit else "held"
            if day >= self.as_of:
                state = "overdue" if limit < self.as_of else "future"
        else:
            day, state = self._when(limit, book_by, start, 7, open_case=open_case)
        spec = _Spec(kind, 0, day, limit, book_by, start, state, adjourned_on=adjourned)
        specs.append(spec)
        if state in ("future", "overdue"):
            return specs
        if rng.random() >= P_PLAN_MADE.get(kind, 0.8) and bound is None:
            spec.outcome = "no plan"
            return specs
        spec.outcome = "plan made"
        previous, seq = day, 1
        while True:
            rule = "cp.review.first" if seq == 1 else "cp.review.later"
            limit, book_by = t.due(rule, previous)
            day, state = self._when(limit, book_by, previous, 15, open_case=open_case)
            mtype = (MeetingType.RCPC_FIRST if seq == 1 else MeetingType.RCPC_SUBSEQUENT).value
            spec = _Spec(mtype, seq, day, limit, book_by, previous, state)
            specs.append(spec)
            if state in ("future", "overdue"):
                if bound is not None:  # an earlier plan must have ended: end it here
                    spec.day, spec.state = self._on_time(book_by, previous, 15), "held"
                    spec.outcome = "plan ended"
                return specs
            p_end = P_FIRST_REVIEW_ENDS_PLAN if seq == 1 else P_LATER_REVIEW_ENDS_PLAN
            if bound is not None:
                next_limit = t.limit("cp.review.later", day)
                ends = next_limit is None or next_limit > bound or rng.random() < p_end
            else:
                ends = rng.random() < p_end
            if ends:
                spec.outcome = "plan ended"
                return specs
            spec.outcome = "plan continued"
            previous, seq = day, seq + 1

    def _write_cp(
        self,
        child: _ChildCtx,
        specs: list[_Spec],
        kind: str,
        start: dt.date,
        expected: dt.date | None,
        previous_plans: int,
    ) -> None:
        rng = self.rng
        transfer = kind == MeetingType.ICPC_TRANSFER_IN
        initial = specs[0]
        made = initial.outcome == "plan made"
        ended_at = specs[-1].day if specs[-1].outcome in ("no plan", "plan ended") else None
        eid = self._id("cp_enquiry")
        self.w.add(
            "cp_enquiry",
            {
                "id": eid,
                "child_id": child.id,
                "route": "transfer_in" if transfer else "s47",
                "strategy_date": None if transfer else start,
                "notified_date": start if transfer else None,
                "icpc_not_required": False,
                "closed_date": initial.day if initial.outcome == "no plan" else None,
                "notes": None,
                "version": 1,
            },
        )
        chair = self._iro()
        plan_id = None
        if made:
            plan_id = self._id("cp_plan")
            first_category = _category(rng)
            latest = first_category
            for _ in range(len(specs) - 1):
                if rng.random() < 0.08:
                    latest = _category(rng)
            self.w.add(
                "cp_plan",
                {
                    "id": plan_id,
                    "child_id": child.id,
                    "enquiry_id": eid,
                    "start": initial.day,
                    "end_date": ended_at if specs[-1].outcome == "plan ended" else None,
                    "initial_category": first_category,
                    "latest_category": latest,
                    "chair_id": chair,
                    "previous_plans": previous_plans,
                    "version": 1,
                },
            )
        for spec in specs:
            if spec.adjourned_on is not None:
                on = spec.adjourned_on
                day, t, room, clerk = self._slot(on, chair, True)
                self._meeting(child, process=Process.CP, mtype=MeetingType.ICPC.value, seq=0,
                              status=MeetingStatus.ADJOURNED, day=day, time=t, room=room,
                              chair=chair, clerk=clerk, enquiry_id=eid, quorate=False,
                              cancel_reason="Not quorate: adjourned to be re-convened")  # fmt: skip
            if spec.state in ("future", "overdue"):
                self._future(child, Process.CP, spec.mtype, spec.seq, spec.day, spec.state,
                             spec.limit, spec.book_by, spec.lo, chair, enquiry_id=eid,
                             plan_id=plan_id)  # fmt: skip
                continue
            late = spec.state == "held_late"
            day, t, room, clerk = self._slot(spec.day, chair, True)
            reason = None
            if late:
                reason = (
                    self.late_reasons.get("Not quorate") if spec.adjourned_on is not None else None
                ) or self.late_reason_pick(rng)
            mid = self._meeting(
                child,
                process=Process.CP,
                mtype=spec.mtype,
                seq=spec.seq,
                status=MeetingStatus.HELD,
                day=day,
                time=t,
                room=room,
                chair=chair,
                clerk=clerk,
                held=True,
                enquiry_id=eid,
                plan_id=plan_id,
                quorate=True,
                outcome=_CP_OUTCOME_WORDS.get(spec.outcome or ""),
                late_reason_id=reason,
                decisions_issued=self._after("cp.decisions", day, 1, 0.1),
                minutes=self._after("cp.minutes", day, 20, 0.15),
            )
            if day >= self.detail_since:
                self._people(mid, child, Process.CP, spec.mtype, day, True)

    # --- bookings ahead -----------------------------------------------------------------

    def _double_booking(
        self, day: dt.date, chair: int
    ) -> tuple[dt.time, int, int, int | None] | None:
        """A deliberate clash with a meeting already booked that day, while any are left to
        make: (time, room, chair, clerk) sharing either its room or its chair, and nothing
        else, so the flags show exactly the clashes meant."""
        others = self.diary.by_date.get(day) if self.double_left > 0 else None
        if not others:
            return None
        other, busy = others[0], self.diary.busy
        t = other["time"]
        same_room = self.double_left % 2 == 0
        if same_room:
            room = other["room"]
            if ("s", day, t, chair) in busy:
                return None
        else:
            chair = other["chair"]
            room = next((r for r in self.all_rooms if ("r", day, t, r) not in busy), None)
            if room is None:
                return None
        clerk = next((c for c in self.org.clerks if ("s", day, t, c) not in busy), None)
        busy.update({("s", day, t, chair), ("r", day, t, room)})
        if clerk is not None:
            busy.add(("s", day, t, clerk))
        self.double_left -= 1
        self.s.double_bookings += 1
        return t, room, chair, clerk

    def _future(
        self,
        child: _ChildCtx,
        process: str,
        mtype: str,
        seq: int,
        day: dt.date | None,
        kind: str,
        limit: dt.date,
        book_by: dt.date,
        lo: dt.date,
        chair: int,
        *,
        period_id: int | None = None,
        enquiry_id: int | None = None,
        plan_id: int | None = None,
    ) -> None:
        """An open case's next meeting: booked in the diary, left to book, or overdue."""
        rng = self.rng
        late_reason = None
        if kind == "overdue":
            self.s.overdue += 1
            if self.s.overdue % 2 == 1:
                return  # overdue and not booked: the flags must show it
            day = self.cal.add_working_days(self.as_of, rng.randint(1, 8))
            late_reason = self.late_reason_pick(rng)
            lo = hi = day
        else:
            assert day is not None
            if day > self.book_until:
                return  # not booked yet: due beyond the weeks ahead
            if book_by <= self.due_soon_until and (self.unbooked_left > 0 or rng.random() < 0.03):
                self.unbooked_left = max(0, self.unbooked_left - 1)
                self.s.unbooked_due_soon += 1
                return
            lo, hi = max(self.as_of, self.cal.add_working_days(lo, 1)), book_by
        clash = self._double_booking(day, chair)
        if clash is not None:
            t, room, chair, clerk = clash
        else:
            day, t, room, clerk = self._slot(day, chair, True, min(lo, day), max(hi, day))
        self.diary.by_date.setdefault(day, []).append({"time": t, "room": room, "chair": chair})
        mid = self._meeting(
            child,
            process=process,
            mtype=mtype,
            seq=seq,
            status=MeetingStatus.BOOKED,
            day=day,
            time=t,
            room=room,
            chair=chair,
            clerk=clerk,
            period_id=period_id,
            enquiry_id=enquiry_id,
            plan_id=plan_id,
            late_reason_id=late_reason,
            consultation=self.t.deadline("lac.review.consultation", day, -10)
            if process == Process.LAC
            and rng.random() < 0.7
            and self.t.deadline("lac.review.consultation", day, -10) <= self.as_of
            else None,
        )
        self._people(mid, child, process, mtype, day, False)


def generate_cases(gen: CaseGenerator, open_lac: int, open_cp: int, progress: Progress | None):
    """Draw arrivals until the targets are open on the as-of date."""
    total = max(1, open_lac + open_cp)
    step = max(1, total // 50)
    while gen.s.open_lac < open_lac:
        if gen.lac_arrival() and progress and gen.s.open_lac % step == 0:
            progress("Looked-after children", gen.s.open_lac / total)
    while gen.s.open_cp_plans < open_cp:
        if gen.cp_arrival() and progress and gen.s.open_cp_plans % step == 0:
            progress("Child protection", (open_lac + gen.s.open_cp_plans) / total)


def split_targets(children: int) -> tuple[int, int]:
    """Open looked-after cases and open CP plans for a total, in the default proportion."""
    lac = round(children * DEFAULT_OPEN_LAC / 900)
    return lac, children - lac
