"""IRO oversight in figures: the measures month by month (`reviewdesk.measures` adds them to
the timeliness measures, so `reviewdesk export measures` has them) and the summary of a
period that the quarterly thematic report and the dashboard show.

Counting conventions (reviewdesk's decisions, docs/domain.md):

- A challenge counts in the month (or period) it was **raised**. It is **formal** if it went
  to a formal stage by the end of the period; its **stage reached** is the highest raised by
  then. It is **resolved in timescale** when resolved by its deadline (the formal procedure's
  whole timescale, or the informal stage's); one still open past its deadline is late too
  (`challenges_in_timescale`, the one definition the measures, the dashboard and the
  report count).
- **Midway review before the review**: of the LAC reviews held (after the first of a period
  of care), those with a midway review recorded since the review before. **Contact before
  the review**: the same, with any contact with the child.
- **The child's voice** (alongside the participation codes): of the LAC reviews held with a
  record of how the child's views were gathered, how they were gathered; whether advocacy
  was offered and, when offered, taken up; of those whose consultation was sent, how many
  came back.
- **Quoracy**: CP conferences recorded as not quorate, by the month they sat; of those,
  the share reconvened within the timescale.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy.orm import Session

from reviewdesk.casework.register import Register
from reviewdesk.codes import MeetingStatus, MeetingType
from reviewdesk.engine.oversight import escalation_stages, stage_name
from reviewdesk.oversight.records import (
    EscalationView,
    contacts,
    escalation_views,
    inquorate_conferences,
    voices_of_reviews_held,
)
from reviewdesk.oversight.words import OUTCOMES, VOICE_METHODS
from reviewdesk.vocabulary import format_uk

_LAC_REVIEW = MeetingType.LAC_REVIEW.value

#: One month's value for a measure: (month's first day, hit) for a percentage, (month, n)
#: for a count.
Entry = tuple[dt.date, bool | int]


@dataclass(frozen=True)
class Measure:
    """A measure's rows for `reviewdesk.measures`: its key, label, unit and monthly entries."""

    key: str
    label: str
    unit: str  # "%" or "count"
    entries: tuple[Entry, ...] = ()


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


# --- the reviews' footprint and voice -------------------------------------------------------


class ReviewFootprint(NamedTuple):
    """A LAC review held (after the first of its period), and what came before it.

    (A named tuple: a year of a national register makes tens of thousands, and a frozen
    dataclass takes several times as long to make.)"""

    meeting_id: int
    child_id: int
    held: dt.date
    previous: dt.date
    midway_before: bool
    contact_before: bool


def review_footprints(
    session: Session, data: Register, *, start: dt.date, end: dt.date
) -> list[ReviewFootprint]:
    """The LAC reviews held from ``start`` to ``end`` that had a review before them in the
    same period of care, with whether a midway review and contact with the child came
    between. ``data`` is the register as of ``end``: its whole history, or the window from
    ``start`` (the same footprints)."""
    held: dict[tuple[int, dt.date], int] = {}
    for m in data.meetings:
        if (
            m.meeting_type == _LAC_REVIEW
            and m.status == MeetingStatus.HELD.value
            and m.held_date is not None
            and start <= m.held_date <= end
        ):
            held.setdefault((m.child_id, m.held_date), m.id)
    if not held:
        return []  # (without working out every child's schedules)
    reviews = []
    for child_id, status in data.statuses.items():
        if status.lac is None:
            continue
        for r in status.lac.reviews:
            if r.sequence >= 2 and (child_id, r.held) in held:
                reviews.append((child_id, r.due.explanation.event_date, r.held))
    if not reviews:
        return []
    earliest = min(previous for _c, previous, _h in reviews)
    seen: dict[int, list] = defaultdict(list)
    for c in contacts(session, as_of=end, child_ids={c for c, _p, _h in reviews}, since=earliest):
        seen[c.child_id].append(c)
    out = []
    for child_id, previous, day in sorted(reviews):
        between = [c for c in seen.get(child_id, ()) if previous < c.contact_date <= day]
        out.append(
            ReviewFootprint(
                held[(child_id, day)],
                child_id,
                day,
                previous,
                any(c.midway_review for c in between),
                any(c.with_child for c in between),
            )
        )
    return out


# --- measures month by month ----------------------------------------------------------------


def oversight_measures(
    session: Session, data: Register, *, start: dt.date, end: dt.date
) -> list[Measure]:
    """The IRO oversight measures for each month from ``start`` to ``end``."""
    rules, calendar = data.rules, data.calendar
    out: list[Measure] = []
    raised = escalation_views(
        session, as_of=end, rules=rules, calendar=calendar, raised_from=start, raised_to=end
    )
    out.append(Measure("escalations_raised", "Challenges raised", "count", _counts(raised)))
    for formal, words in ((True, "formal"), (False, "informal")):
        mine = [e for e in raised if e.formal is formal]
        out.append(
            Measure(
                f"escalations_raised.{words}",
                f"Challenges raised: {words}",
                "count",
                _counts(mine),
            )
        )
    out.append(
        Measure(
            "escalations_resolved_in_timescale",
            "Challenges resolved within their timescale",
            "%",
            tuple((_month(day), hit) for day, hit in challenges_in_timescale(raised)),
        )
    )
    themes = sorted({e.theme for e in raised})
    for theme in themes:
        out.append(
            Measure(
                f"escalation_themes.{theme}",
                f"Challenges: {theme}",
                "count",
                _counts(e for e in raised if e.theme == theme),
            )
        )
    reviews = review_footprints(session, data, start=start, end=end)
    out.append(
        Measure(
            "lac_reviews_after_midway_review",
            "LAC reviews with an IRO midway review since the last",
            "%",
            tuple((_month(r.held), r.midway_before) for r in reviews),
        )
    )
    out.append(
        Measure(
            "lac_reviews_after_iro_contact",
            "LAC reviews with IRO contact with the child since the last",
            "%",
            tuple((_month(r.held), r.contact_before) for r in reviews),
        )
    )
    out.extend(_voice_measures(session, start, end))
    inquorate = [
        v
        for v in inquorate_conferences(
            session, as_of=end, rules=rules, calendar=calendar, since=start
        )
        if v.day <= end
    ]
    out.append(
        Measure(
            "conferences_inquorate",
            "CP conferences not quorate",
            "count",
            tuple((_month(v.day), 1) for v in inquorate),
        )
    )
    out.append(
        Measure(
            "inquorate_reconvened_in_time",
            "Inquorate conferences reconvened within the timescale",
            "%",
            tuple(
                (_month(v.day), v.reconvened_on is not None and not v.reconvened_late)
                for v in inquorate
                if v.due is not None and (v.reconvened_on is not None or end > v.due.date)
            ),
        )
    )
    return out


def in_timescale(e: EscalationView) -> bool | None:
    """A challenge as it stood on its view's as-of date: in timescale (resolved by its
    deadline), late (resolved after it, or still open past it), or not yet known (open with
    its deadline to come, or no rule gives one)."""
    if e.resolved_on is not None:
        return e.resolved_in_timescale
    return False if e.past_timescale else None


def challenges_in_timescale(raised: Iterable[EscalationView]) -> list[tuple[dt.date, bool]]:
    """(day raised, in timescale) for each of the challenges ``raised`` in a period that can
    be judged yet (`in_timescale`): the one count of "resolved within their timescale" that
    `reviewdesk export measures` (by the month raised), the dashboard's quarter and the
    oversight report (PDF and workbook) all give.

    Of those **raised** in the period, not those resolved in it: docs/domain.md ("IRO
    oversight between meetings", challenge and escalation) gives each challenge a timescale
    from when it is raised, "the whole within 20 working days", so it belongs to the period
    its clock started in, as "Challenges raised" counts it; and one never resolved must
    count against it, as a meeting not held by its deadline is out of timescale
    (docs/domain.md, "Counting conventions"), which a count of the resolved alone cannot do.
    (The measures counted the resolved, by the month resolved: a challenge raised in one
    quarter and resolved in the next was in the next's measures and in neither quarter of
    the dashboard's or the report's.)"""
    judged = ((e.raised_on, in_timescale(e)) for e in raised)
    return [(day, hit) for day, hit in judged if hit is not None]


def _counts(escalations: Iterable[EscalationView]) -> tuple[Entry, ...]:
    return tuple((_month(e.raised_on), 1) for e in escalations)


def _voice_measures(session: Session, start: dt.date, end: dt.date) -> Iterator[Measure]:
    recorded = voices_of_reviews_held(session, start, end)
    for key, label in VOICE_METHODS.items():
        yield Measure(
            f"voice.{key}",
            f"Views gathered: {label}",
            "count",
            tuple((_month(day), 1) for day, v in recorded if v.methods.get(key)),
        )
    yield Measure(
        "voice.advocacy_offered",
        "Advocacy offered",
        "%",
        tuple(
            (_month(day), bool(v.advocacy_offered))
            for day, v in recorded
            if v.advocacy_offered is not None
        ),
    )
    yield Measure(
        "voice.advocacy_taken_up",
        "Advocacy taken up, when offered",
        "%",
        tuple(
            (_month(day), bool(v.advocacy_taken_up))
            for day, v in recorded
            if v.advocacy_offered and v.advocacy_taken_up is not None
        ),
    )
    yield Measure(
        "voice.consultation_returned",
        "Consultations returned, of those sent",
        "%",
        tuple(
            (_month(day), v.consultation == "returned")
            for day, v in recorded
            if v.consultation in ("returned", "not_returned")
        ),
    )


# --- a period's summary (the quarterly thematic report, the dashboard) ----------------------


@dataclass(frozen=True)
class Breakdown:
    """One line of a table of challenges (by theme, IRO, team, stage or outcome)."""

    label: str
    raised: int = 0
    formal: int = 0
    informal: int = 0
    in_timescale: int = 0
    late: int = 0  # resolved late, or open past the deadline
    open: int = 0


@dataclass(frozen=True)
class Percent:
    """A share: ``hits`` out of ``counted`` (no percentage when nothing was counted)."""

    hits: int
    counted: int

    @property
    def percent(self) -> float | None:
        return 100.0 * self.hits / self.counted if self.counted else None

    def text(self) -> str:
        if not self.counted:
            return "none counted"
        return f"{self.percent:.0f}% ({self.hits} of {self.counted})"


@dataclass(frozen=True)
class OversightSummary:
    start: dt.date
    end: dt.date
    as_of: dt.date
    escalations: tuple[EscalationView, ...]  # raised in the period, as things stood on as_of
    by_theme: tuple[Breakdown, ...]  # most raised first (the report's themes), then by name
    by_iro: tuple[Breakdown, ...]
    by_team: tuple[Breakdown, ...]
    by_stage: tuple[tuple[str, int], ...]
    by_outcome: tuple[tuple[str, int], ...]
    midway: Percent
    contact: Percent
    consultation_returned: Percent
    advocacy_offered: Percent
    advocacy_taken_up: Percent
    views_gathered: tuple[tuple[str, int], ...]
    inquorate: int
    inquorate_reconvened_in_time: Percent
    notes: tuple[str, ...] = field(default=())

    @property
    def raised(self) -> int:
        return len(self.escalations)

    @property
    def child_ids(self) -> frozenset[int]:
        """The children whose challenges the report lists (what leaves reviewdesk with it)."""
        return frozenset(e.child_id for e in self.escalations)

    @property
    def formal(self) -> int:
        return sum(1 for e in self.escalations if e.formal)

    @property
    def informal(self) -> int:
        return self.raised - self.formal

    @property
    def resolved(self) -> int:
        return sum(1 for e in self.escalations if not e.is_open)

    @property
    def resolved_in_timescale(self) -> Percent:
        """Of those raised and judged so far (`challenges_in_timescale`)."""
        judged = challenges_in_timescale(self.escalations)
        return Percent(sum(1 for _day, hit in judged if hit), len(judged))

    @property
    def still_open(self) -> int:
        return sum(1 for e in self.escalations if e.is_open)

    @property
    def past_timescale(self) -> int:
        """Still open past their timescale (counted as not in timescale, above)."""
        return sum(1 for e in self.escalations if e.past_timescale)

    @property
    def cafcass(self) -> int:
        return sum(1 for e in self.escalations if e.cafcass_referred_on is not None)


def _breakdown(label: str, rows: list[EscalationView]) -> Breakdown:
    timely = [in_timescale(e) for e in rows]
    return Breakdown(
        label,
        raised=len(rows),
        formal=sum(1 for e in rows if e.formal),
        informal=sum(1 for e in rows if not e.formal),
        in_timescale=sum(1 for t in timely if t is True),
        late=sum(1 for t in timely if t is False),
        open=sum(1 for e in rows if e.is_open),
    )


def _grouped(rows: list[EscalationView], key, *, most_first: bool = False) -> tuple[Breakdown, ...]:
    """One breakdown per value of ``key``, by name (``most_first``: most raised first)."""
    groups: dict[str, list[EscalationView]] = defaultdict(list)
    for e in rows:
        groups[key(e)].append(e)
    lines = sorted(
        (_breakdown(name, groups[name]) for name in groups), key=lambda b: b.label.casefold()
    )
    if most_first:
        lines.sort(key=lambda b: -b.raised)
    return tuple(lines)


def oversight_summary(
    session: Session,
    *,
    start: dt.date,
    end: dt.date,
    as_of: dt.date | None = None,
    register: Register | None = None,
) -> OversightSummary:
    """Challenges raised from ``start`` to ``end`` and the footprint, voice and quoracy of
    that period, as things stood on ``as_of`` (default: ``end``).

    ``register``: a reading as of the earlier of ``end`` and ``as_of`` that the dashboard
    shares with its chart (a window from ``start`` or before, or the whole history: the
    same footprints); by default the period's own window is read."""
    as_of = as_of or end
    if register is None:
        # The period's window, not the whole history: the same reviews and footprints
        # (`Register`'s window_from), read in a fraction of the time on a large register.
        data = Register(session, as_of=min(end, as_of), window_from=min(start, end, as_of))
    elif register.as_of != min(end, as_of):
        raise ValueError("the register must be read as of the earlier of end and as_of")
    else:
        data = register
    rules, calendar = data.rules, data.calendar
    raised = tuple(
        escalation_views(
            session,
            as_of=as_of,
            rules=rules,
            calendar=calendar,
            raised_from=start,
            raised_to=end,
        )
    )
    stages = Counter(e.stage_reached for e in raised)
    known = sorted({r.stage or 0 for r in escalation_stages(rules)} | set(stages))
    outcomes = Counter(e.outcome or "open" for e in raised)
    reviews = review_footprints(session, data, start=start, end=end)
    recorded = [v for _day, v in voices_of_reviews_held(session, start, end)]
    offered = [v for v in recorded if v.advocacy_offered is not None]
    taken = [v for v in recorded if v.advocacy_offered and v.advocacy_taken_up is not None]
    sent = [v for v in recorded if v.consultation in ("returned", "not_returned")]
    inquorate = [
        v
        for v in inquorate_conferences(
            session, as_of=as_of, rules=rules, calendar=calendar, since=start
        )
        if v.day <= end
    ]
    judged = [
        v
        for v in inquorate
        if v.due is not None and (v.reconvened_on is not None or as_of > v.due.date)
    ]
    return OversightSummary(
        start=start,
        end=end,
        as_of=as_of,
        escalations=raised,
        by_theme=_grouped(list(raised), lambda e: e.theme, most_first=True),
        by_iro=_grouped(list(raised), lambda e: e.raised_by),
        by_team=_grouped(list(raised), lambda e: e.team or "No team"),
        by_stage=tuple((stage_name(n), stages.get(n, 0)) for n in known),
        by_outcome=tuple(
            (words, outcomes.get(key, 0)) for key, words in (*OUTCOMES.items(), ("open", "Open"))
        ),
        midway=Percent(sum(r.midway_before for r in reviews), len(reviews)),
        contact=Percent(sum(r.contact_before for r in reviews), len(reviews)),
        consultation_returned=Percent(
            sum(1 for v in sent if v.consultation == "returned"), len(sent)
        ),
        advocacy_offered=Percent(sum(1 for v in offered if v.advocacy_offered), len(offered)),
        advocacy_taken_up=Percent(sum(1 for v in taken if v.advocacy_taken_up), len(taken)),
        views_gathered=tuple(
            (label, sum(1 for v in recorded if v.methods.get(key)))
            for key, label in VOICE_METHODS.items()
        ),
        inquorate=len(inquorate),
        inquorate_reconvened_in_time=Percent(
            sum(1 for v in judged if v.reconvened_on is not None and not v.reconvened_late),
            len(judged),
        ),
    )


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The quarter holding ``day``: April-June, July-September, October-December or
    January-March (the financial year's quarters, the ones councils report in)."""
    start = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    after = (start + dt.timedelta(days=95)).replace(day=1)
    return start, after - dt.timedelta(days=1)


def quarter_label(start: dt.date) -> str:
    """'Q1 2024/25' for April-June 2024 (quarters of the financial year)."""
    year = start.year if start.month >= 4 else start.year - 1
    number = (start.month - 4) % 12 // 3 + 1
    return f"Q{number} {year}/{(year + 1) % 100:02d}"


@dataclass(frozen=True)
class QuarterFigures:
    """The dashboard's few figures for the quarter to date (small: made in the worker)."""

    label: str
    raised: int
    formal: int
    resolved_in_timescale: Percent
    past_timescale: int
    midway: Percent
    consultation_returned: Percent
    inquorate: int

    def rows(self) -> list[tuple[str, str]]:
        """(what, figure) pairs, one fact each."""
        return [
            ("Challenges raised", f"{self.raised} ({self.formal} formal)"),
            ("Resolved within timescale", self.resolved_in_timescale.text()),
            ("Open past their timescale", str(self.past_timescale)),
            ("LAC reviews after a midway review", self.midway.text()),
            ("Consultations returned", self.consultation_returned.text()),
            ("Conferences not quorate", str(self.inquorate)),
        ]


def quarter_figures(
    session: Session, *, as_of: dt.date, register: Register | None = None
) -> QuarterFigures:
    """The quarter to ``as_of`` in figures (``register``: as `oversight_summary` takes it)."""
    start, _end = quarter_of(as_of)
    s = oversight_summary(session, start=start, end=as_of, as_of=as_of, register=register)
    return QuarterFigures(
        label=f"{quarter_label(start)} to {format_uk(as_of)}",
        raised=s.raised,
        formal=s.formal,
        resolved_in_timescale=s.resolved_in_timescale,
        past_timescale=s.past_timescale,
        midway=s.midway,
        consultation_returned=s.consultation_returned,
        inquorate=s.inquorate,
    )


__all__ = [
    "Breakdown",
    "challenges_in_timescale",
    "in_timescale",
    "Measure",
    "OversightSummary",
    "Percent",
    "ReviewFootprint",
    "oversight_measures",
    "oversight_summary",
    "quarter_label",
    "QuarterFigures",
    "quarter_of",
    "quarter_figures",
    "review_footprints",
]
