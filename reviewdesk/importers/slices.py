"""Yearly returns merged into one history, whatever order they are imported in.

A return is the truth for its collection year and no other. So a file's records are cut into
the years it covers, each as that year's return would show it (`cut_lac`, `cut_cin`): the
records open at any time in the year, with their real start dates and their end only if it
came by the year's end; the meetings held in the year. Each child's year is kept
(`ReturnRecord`); importing a year again replaces that year, and only that year. A child's
history is then merged from every year kept (`merge_lac`, `merge_cin`):

- a record (an episode, an episode of need, an enquiry, a plan) takes its values from the
  latest year that holds it: a later return knows how it ended;
- a record open at the end of the latest year that holds it, when a later year has been
  imported without it, ended before that year began: its end is the last day it can have
  been, marked as not in the data (`end_unknown`) until the year between is imported;
- meetings held are every year's together;
- links (an initial conference to its enquiry, a plan to the enquiry whose conference began
  it, a review to its plan or period of care) are made from the merged history, never kept
  from an earlier, partial one.

The history is thus a function of the years imported, not of their order: any order, gaps
filled later, the same year imported again, all give what one file holding every year
gives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from reviewdesk.codes import MeetingType
from reviewdesk.collection_year import CollectionYear, YearSpan
from reviewdesk.importers.records import (
    EPISODE_COLUMNS,
    CinEpisode,
    CinRecords,
    LacRecords,
    PlanRecord,
    S47Record,
    cin_from_json,
    cin_to_json,
    episode_end,
    episode_open,
    episode_start,
    lac_from_json,
    lac_to_json,
)
from reviewdesk.importers.store import (
    Apply,
    CpChildPlan,
    CpEnquiryPlan,
    CpPlanPlan,
    LacChildPlan,
    apply_cp,
    apply_lac,
)


def _bounds(span: YearSpan, year: int) -> tuple[dt.date, dt.date]:
    """The days that go in ``year``'s part of a file: anything before the file's first year
    goes in its first (a single year's file is all its year), anything after its last in
    its last."""
    low = dt.date.min if year == span.first else CollectionYear(year).start
    high = dt.date.max if year == span.last else CollectionYear(year).end
    return low, high


def _overlaps(start: dt.date | None, end: dt.date | None, low: dt.date, high: dt.date) -> bool:
    return (start is None or start <= high) and (end is None or end >= low)


def _shown(end: dt.date | None, high: dt.date) -> dt.date | None:
    """An end as a return shows it: only once it has come."""
    return end if end is not None and end <= high else None


# --- cutting a file into years ------------------------------------------------------------------


def cut_lac(records: LacRecords, span: YearSpan) -> dict[int, LacRecords]:
    """A 903 child's records as each year of ``span``'s return holds them."""
    out: dict[int, LacRecords] = {}
    for year in span.years:
        low, high = _bounds(span, year)
        episodes = []
        for e in records.episodes:
            start, end = episode_start(e), episode_end(e)
            if _overlaps(start, end, low, high):
                episodes.append(e if _shown(end, high) == end else episode_open(e))
        reviews = [(day, code) for day, code in records.reviews if low <= day <= high]
        if episodes or reviews:
            out[year] = LacRecords(records.local_id, records.fields, episodes, reviews)
    return out


def _s47_in(s: S47Record, low: dt.date, high: dt.date) -> bool:
    """Whether a census year holds an enquiry: the year it started in, and the year it had
    its conference (or was found not to need one); one that never had a conference is not
    returned again after its first year (rule 8740)."""
    done = s.icpc if s.icpc is not None else (s.start if s.not_required else None)
    return low <= s.start <= high or (done is not None and low <= done <= high)


def cut_cin(records: CinRecords, span: YearSpan) -> dict[int, CinRecords]:
    """A census child's records as each year of ``span``'s census holds them."""
    out: dict[int, CinRecords] = {}
    for year in span.years:
        low, high = _bounds(span, year)
        episodes = []
        for e in records.episodes:
            if not _overlaps(e.referral, e.closure, low, high):
                continue
            closure = _shown(e.closure, high)
            episodes.append(
                CinEpisode(
                    e.referral,
                    closure,
                    e.reason if closure is not None else None,
                    _shown(e.icpc, high),
                    [
                        S47Record(s.start, _shown(s.icpc, high), s.not_required)
                        for s in e.s47s
                        if _s47_in(s, low, high)
                    ],
                    [
                        PlanRecord(
                            p.start,
                            _shown(p.end, high),
                            p.initial_category,
                            p.latest_category,
                            p.previous_plans,
                            [r for r in p.reviews if low <= r <= high],
                        )
                        for p in e.plans
                        if _overlaps(p.start, p.end, low, high)
                    ],
                )
            )
        if episodes:
            out[year] = CinRecords(records.local_id, records.fields, episodes)
    return out


# --- merging the years kept ---------------------------------------------------------------------


def _ended_by(latest: int, imported: Iterable[int]) -> dt.date | None:
    """For a record open at the end of ``latest``, the last day it can have lasted to when a
    later year is imported without it (None when no later year is)."""
    later = [y for y in imported if y > latest]
    return CollectionYear(min(later) - 1).end if later else None


def _fields(years: Mapping[int, Any], fields: dict[str, Any] | None) -> dict[str, Any]:
    """The child's details: the latest year's (the file's when it has no year)."""
    if years:
        return years[max(years)].fields
    return fields or {}


def merge_lac(
    local_id: str,
    years: Mapping[int, LacRecords],
    imported: frozenset[int],
    fields: dict[str, Any] | None = None,
) -> LacChildPlan:
    """A looked-after child's whole history from the years kept (see the module's notes)."""
    latest: dict[dt.date, tuple[int, tuple[Any, ...]]] = {}
    reviews: dict[dt.date, str | None] = {}
    for year in sorted(years):
        for e in years[year].episodes:
            latest[episode_start(e)] = (year, e)
        reviews.update(years[year].reviews)
    episodes = []
    starts = sorted(latest)
    for n, start in enumerate(starts):
        year, e = latest[start]
        values = dict(zip(EPISODE_COLUMNS, e, strict=True))
        values["end_unknown"] = False
        if values["end_date"] is None:
            bound = _ended_by(year, imported)
            if bound is not None:
                # Not after the next episode began (a child has one episode at a time).
                if n + 1 < len(starts):
                    bound = min(bound, starts[n + 1])
                values.update(end_date=max(bound, start), rec=None, end_unknown=True)
        episodes.append(values)
    return LacChildPlan(local_id, _fields(years, fields), episodes, sorted(reviews.items()))


@dataclass
class _Enquiry:
    start: dt.date
    year: int
    not_required: bool
    icpc: dt.date | None
    referral: dt.date | None


def merge_cin(
    local_id: str,
    years: Mapping[int, CinRecords],
    imported: frozenset[int],
    fields: dict[str, Any] | None = None,
) -> CpChildPlan:
    """A child's whole child protection history from the census years kept (see the
    module's notes)."""
    child_fields = _fields(years, fields)
    dob = child_fields.get("dob")
    episodes: dict[dt.date | None, tuple[int, CinEpisode]] = {}
    enquiries: dict[dt.date, _Enquiry] = {}
    plans: dict[dt.date, tuple[int, PlanRecord, dt.date | None]] = {}
    reviews: dict[dt.date, set[dt.date]] = {}
    loose: set[dt.date] = set()
    for year in sorted(years):
        for e in years[year].episodes:
            episodes[e.referral] = (year, e)
            if e.icpc is not None:
                loose.add(e.icpc)
            for s in e.s47s:
                known = enquiries.get(s.start)
                icpc = s.icpc if s.icpc is not None else (known.icpc if known else None)
                enquiries[s.start] = _Enquiry(s.start, year, s.not_required, icpc, e.referral)
            for p in e.plans:
                plans[p.start] = (year, p, e.referral)
                reviews.setdefault(p.start, set()).update(p.reviews)

    # Episodes of need: closed as the latest year says, or by a later year's absence.
    closure: dict[dt.date | None, tuple[dt.date | None, str | None, bool]] = {}
    for referral, (year, e) in episodes.items():
        if e.closure is not None:
            closure[referral] = (e.closure, e.reason, False)
        else:
            bound = _ended_by(year, imported)
            closure[referral] = (bound, None, bound is not None)

    enquiry_plans: list[CpEnquiryPlan] = []
    icpc_of: dict[dt.date, dt.date] = {}  # conference date -> strategy date
    for start in sorted(enquiries):
        q = enquiries[start]
        closed, reason, unknown = closure.get(q.referral, (None, None, False))
        if q.icpc is None and not q.not_required:
            # An s47 with no conference is not returned after its year (rule 8740): one a
            # later census lacks stopped waiting by the end of the last year that had it.
            bound = _ended_by(q.year, imported)
            if bound is not None and (closed is None or bound < closed):
                closed, reason, unknown = bound, None, True
        if closed is not None and closed < start:
            closed, unknown = start, True
        if q.icpc is not None:
            icpc_of.setdefault(q.icpc, start)
        enquiry_plans.append(
            CpEnquiryPlan(
                start,
                q.not_required,
                q.icpc,
                _initial_type(q.icpc, dob),
                closed,
                reason,
                unknown,
            )
        )

    plan_plans: list[CpPlanPlan] = []
    starts = sorted(plans)
    for n, start in enumerate(starts):
        year, p, referral = plans[start]
        end, unknown = p.end, False
        if end is None:
            bound = _ended_by(year, imported)
            if bound is not None and n + 1 < len(starts):
                bound = min(bound, starts[n + 1])  # one plan at a time
            closed, _reason, closed_unknown = closure.get(referral, (None, None, False))
            if bound is not None:
                end, unknown = bound, True
            if closed is not None and closed >= start and (end is None or closed < end):
                end, unknown = closed, closed_unknown  # the episode's closure ends it
        days = sorted(r for r in reviews.get(start, ()) if r > start and (end is None or r <= end))
        plan_plans.append(
            CpPlanPlan(
                start,
                end,
                p.initial_category,
                p.latest_category,
                p.previous_plans,
                icpc_of.get(start),  # rule 2885: the enquiry whose conference began it
                days,
                unknown,
            )
        )

    loose_icpcs = [(day, _initial_type(day, dob)) for day in sorted(loose) if day not in icpc_of]
    return CpChildPlan(local_id, child_fields, enquiry_plans, plan_plans, loose_icpcs)


def _initial_type(day: dt.date | None, dob: dt.date | None) -> str:
    """An initial conference before the child was born (or with no birth date) is pre-birth."""
    if day is not None and (dob is None or day < dob):
        return MeetingType.ICPC_PREBIRTH.value
    return MeetingType.ICPC.value


# --- the two returns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnKind:
    """How one statutory return is cut, kept and merged, and which store applies it."""

    source: str
    cut: Callable[[Any, YearSpan], dict[int, Any]]
    merge: Callable[..., Any]
    to_json: Callable[[Any], str]
    from_json: Callable[[str, str], Any]
    apply: Apply


LAC = ReturnKind("903", cut_lac, merge_lac, lac_to_json, lac_from_json, apply_lac)
CIN = ReturnKind("cin", cut_cin, merge_cin, cin_to_json, cin_from_json, apply_cp)
