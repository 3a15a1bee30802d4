"""Which years of the statutory returns are in the data, and so which stretches are not.

Once a year of a return has been imported (`ImportedReturn`), the history it covers is in the
data; before the first year imported, and in any year skipped between two imported ones, it
is not. Those stretches are the process's gaps (`reviewdesk.engine.Gap`): the engine does not
judge a meeting whose clock may start in one, and says why. With no return imported there
are no gaps (a history kept in reviewdesk from the start is whole), and nothing after the
last year imported is a gap: from then on the history is what reviewdesk records.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewdesk.codes import Process
from reviewdesk.collection_year import RETURN_NAME, CollectionYear
from reviewdesk.engine import Gap
from reviewdesk.storage.models import ImportedReturn

#: The process each return's history belongs to.
SOURCE_PROCESS = {"903": Process.LAC.value, "cin": Process.CP.value}


def gaps_for_years(source: str, years: Iterable[int]) -> tuple[Gap, ...]:
    """The stretches a return's imported ``years`` leave out (see the module's description)."""
    have = sorted(set(years))
    if not have:
        return ()
    name = RETURN_NAME.get(source, source)
    first = CollectionYear(have[0])
    before = f"no {name} before {first.label} is imported"
    gaps = [Gap(dt.date.min, first.start - dt.timedelta(days=1), before)]
    missing: list[int] = []
    for year in range(have[0], have[-1] + 1):
        if year not in have:
            missing.append(year)
            continue
        if missing:
            gaps.append(_missing(name, missing))
            missing = []
    return tuple(gaps)


def _missing(name: str, years: list[int]) -> Gap:
    first, last = CollectionYear(years[0]), CollectionYear(years[-1])
    if len(years) == 1:
        why = f"the {first.label} {name} is not imported"
    else:
        why = f"the {name}s for {first.label} to {last.label} are not imported"
    return Gap(first.start, last.end, why)


def imported_years(session: Session) -> dict[str, set[int]]:
    """Source ("903", "cin") -> the collection years imported."""
    out: dict[str, set[int]] = defaultdict(set)
    for source, year in session.execute(select(ImportedReturn.source, ImportedReturn.year)):
        out[source].add(year)
    return dict(out)


def read_gaps(session: Session) -> dict[str, tuple[Gap, ...]]:
    """Process ("lac", "cp") -> its gaps, from the returns imported into this database."""
    return {
        SOURCE_PROCESS[source]: gaps_for_years(source, years)
        for source, years in imported_years(session).items()
        if source in SOURCE_PROCESS
    }
