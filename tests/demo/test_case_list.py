"""The case list's SQL against the general way, on the small demo authority (hundreds of
children, open and closed, over three years of history):

- "Open cases" is one pass over the open cases (`open_case_ids_query`): it must pick the
  children the three conditions per child pick (an open period of care, an open plan, an
  enquiry awaiting its conference), on any date;
- every sort, both ways, is the order the rows' own values give, sorted here in Python:
  names by their letters (`vocabulary.name_key`: "Ó Briain" among the Os), missing values
  last whichever way, ties by name and then id.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, or_, select

from reviewdesk import queries
from reviewdesk.queries import CaseFilter
from reviewdesk.storage.models import Child
from reviewdesk.vocabulary import name_key
from tests.demo.conftest import AS_OF

#: The demo's as-of date, two years and a half before it, and after it.
DATES = (
    AS_OF,
    AS_OF - dt.timedelta(days=400),
    AS_OF - dt.timedelta(days=900),
    AS_OF.replace(2026, 6),
)


@pytest.mark.parametrize("as_of", DATES)
def test_open_cases_are_those_the_conditions_per_child_pick(small_demo, as_of) -> None:
    db, _ = small_demo
    cols = queries._case_columns(as_of)
    with db.session() as s:
        everyone = s.scalar(select(func.count()).select_from(Child))
        for process, conditions in (
            (None, (cols["lac_open"], cols["cp_open"], cols["enquiry_open"])),
            ("lac", (cols["lac_open"],)),
            ("cp", (cols["cp_open"], cols["enquiry_open"])),
        ):
            general = s.scalars(select(Child.id).where(or_(*conditions)).order_by(Child.id))
            wanted = list(general)
            filt = CaseFilter(open_only=True, process=process)
            found = queries.case_ids(s, filt, sort="local_id", as_of=as_of)
            assert sorted(found) == wanted, process
            assert queries.count_cases(s, filt, as_of=as_of) == len(wanted)
            assert 0 < len(wanted) < everyone
        # And with the other filters beside it.
        team = s.scalar(select(Child.team_id).where(Child.team_id.is_not(None)).limit(1))
        filt = CaseFilter(open_only=True, team_id=team)
        both = s.scalars(
            select(Child.id)
            .where(Child.team_id == team)
            .where(or_(cols["lac_open"], cols["cp_open"], cols["enquiry_open"]))
        )
        assert sorted(queries.case_ids(s, filt, as_of=as_of)) == sorted(both)


def _expected(rows: dict[int, queries.CaseRow], names, key: str, descending: bool) -> list[int]:
    """The order `case_ids` promises, worked out in Python from each row's value."""
    by_name = {i: (name_key(last), name_key(first)) for i, (first, last) in names.items()}
    if key == "name":
        return sorted(rows, key=lambda i: (by_name[i], i), reverse=descending)

    def value(i: int):
        v = getattr(rows[i], key)
        return name_key(v) if key in ("iro", "team") else v

    present = [i for i in rows if value(i) is not None]
    missing = sorted((i for i in rows if value(i) is None), key=lambda i: (by_name[i], i))
    # Ties keep name order whichever way: sort by name, then (stably) by the value.
    present.sort(key=lambda i: (by_name[i], i))
    present.sort(key=value, reverse=descending)
    return present + missing


@pytest.mark.parametrize("key", queries.CASE_SORT_KEYS)
def test_every_sort_both_ways_is_the_order_of_the_values(small_demo, key) -> None:
    db, _ = small_demo
    with db.session() as s:
        names = {
            i: (first, last)
            for i, first, last in s.execute(select(Child.id, Child.first_name, Child.last_name))
        }
        for open_only in (True, False):
            filt = CaseFilter(open_only=open_only)
            up = queries.case_ids(s, filt, sort=key, as_of=AS_OF)
            down = queries.case_ids(s, filt, sort=key, descending=True, as_of=AS_OF)
            rows = queries.case_rows(s, up, as_of=AS_OF)
            assert up == _expected(rows, names, key, descending=False)
            assert down == _expected(rows, names, key, descending=True)
    if key == "name":  # names with letters beyond ASCII are among those sorted
        assert any(not last.isascii() for _first, last in names.values())
