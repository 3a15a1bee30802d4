"""An independent check of the CP and LAC timescales over a true history (test-side).

Written from the rules themselves (docs/domain.md; Working Together; Care Planning
Regulations reg 33), with numpy's working days and the `holidays` package: nothing of
reviewdesk's engine, mapping or importers. It gives, for every meeting held in a history,
whether it was in timescale, and for every case open on the as-of date, the next meeting due
(one per open plan, awaited initial conference and open period of care).

`knowable` says whether an answer can be judged from the returns imported: the event that
starts its clock (the previous review, the conference, the s47 or the period's start) and
every day between it and the meeting must lie in an imported year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from tests.importers.histories import (
    FIRST_YEAR,
    CpHistory,
    LacHistory,
    add_months,
    add_working_days,
    year_of,
    year_start,
)

#: The first day the generated returns cover.
RETURNS_BEGIN = year_start(FIRST_YEAR)

#: (process, what, held date): "initial" or "review".
Key = tuple[str, str, str, dt.date]


@dataclass(frozen=True)
class Answer:
    """One held meeting: in timescale or not (None: the census cannot say, e.g. a
    transfer-in's notification date is not in it), and the day its clock started from."""

    in_timescale: bool | None
    clock_from: dt.date | None
    #: The LAC rule depends on the review's number (2nd: 3 months; later: 6): the day from
    #: which the data must be whole for that number to be known.
    needs_number_from: dt.date | None = None


def _open(start: dt.date, end: dt.date | None, as_of: dt.date) -> bool:
    return start <= as_of and (end is None or end > as_of)


def cp_answers(
    children: Iterable[CpHistory], as_of: dt.date, since: dt.date = RETURNS_BEGIN
) -> tuple[dict[Key, Answer], set[tuple[str, str, dt.date]]]:
    """Every CP conference held from ``since`` (the first day any return covers) to
    ``as_of``, with its answer, and the (child, "cp", due) of every next one."""
    answers: dict[Key, Answer] = {}
    dues: set[tuple[str, str, dt.date]] = set()
    for c in children:
        for ep in c.episodes:
            for s in ep.s47s:
                if s.icpc is not None and since <= s.icpc <= as_of:
                    due = add_working_days(s.start, 15)
                    answers[(c.local_id, "cp", "initial", s.icpc)] = Answer(s.icpc <= due, s.start)
                led = any(p.s47 is s and p.start <= as_of for p in ep.plans)
                closed = ep.closure is not None and ep.closure <= as_of
                held = s.icpc is not None and s.icpc <= as_of
                awaited = not held and not s.not_required and not closed and not led
                if awaited and s.start <= as_of:
                    dues.add((c.local_id, "cp", add_working_days(s.start, 15)))
            for p in ep.plans:
                if p.s47 is None and since <= p.start <= as_of:
                    answers[(c.local_id, "cp", "initial", p.start)] = Answer(None, None)
                previous, months = p.start, 3
                for r in p.reviews:
                    if r > as_of:
                        break
                    due = add_months(previous, months)
                    if r >= since:
                        answers[(c.local_id, "cp", "review", r)] = Answer(r <= due, previous)
                    previous, months = r, 6
                if _open(p.start, p.end, as_of):
                    dues.add((c.local_id, "cp", add_months(previous, months)))
    return answers, dues


def lac_answers(
    children: Iterable[LacHistory], as_of: dt.date, since: dt.date = RETURNS_BEGIN
) -> tuple[dict[Key, Answer], set[tuple[str, str, dt.date]]]:
    """Every LAC review held from ``since`` to ``as_of`` with its answer, and the (child,
    "lac", due) of every next one."""
    answers: dict[Key, Answer] = {}
    dues: set[tuple[str, str, dt.date]] = set()
    for c in children:
        reviews = sorted(r for r in c.reviews if r <= as_of)
        for start, end in c.periods():
            if start > as_of:
                continue
            last = end if end is not None and end <= as_of else as_of
            held = [r for r in reviews if start <= r <= last]
            previous = start
            for n, r in enumerate(held, start=1):
                if n == 1:
                    due = add_working_days(start, 20)
                else:
                    due = add_months(previous, 3 if n == 2 else 6)
                # Which rule applies depends on the number: known from the period's start
                # (2nd) or from the review two before (3rd or later).
                number_from = start if n == 2 else held[n - 3] if n >= 3 else None
                if r >= since:
                    answers[(c.local_id, "lac", "review", r)] = Answer(
                        r <= due, previous, number_from
                    )
                previous = r
            if _open(start, end, as_of):
                n = len(held) + 1
                if n == 1:
                    due = add_working_days(start, 20)
                else:
                    due = add_months(previous, 3 if n == 2 else 6)
                dues.add((c.local_id, "lac", due))
    return answers, dues


def knowable(answer: Answer, held: dt.date, years: set[int]) -> bool:
    """Whether the returns of ``years`` hold everything the answer needs (see module doc)."""
    if answer.in_timescale is None or answer.clock_from is None:
        return False
    first = min(answer.clock_from, answer.needs_number_from or answer.clock_from)
    return all(y in years for y in range(year_of(first), year_of(held) + 1))
