"""Yearly returns imported in any order give the history one whole-history file gives, and
every answer agrees with an independent check of the rules (issue #15).

True histories (`tests.importers.histories`: a few hundred children, with conferences around
bank holidays and month ends, plans ending on a due date, a new s47 while a plan is open,
transfer-ins, s47s that never had a conference) are cut into yearly returns by the DfE's
rules (8740: an s47 without its conference is returned only in the year it started; 2885: a
plan's conference at CINdetails level when its s47 is not in the return). They are imported
year by year in several orders, with a year missing and filled in later, and with a year
imported twice. After each, every held meeting's verdict and every open case's next due date
is compared with the check (`tests.importers.oracle`, numpy's working days and the
`holidays` package, nothing of reviewdesk's): none may be wrong, and an answer is said to be
unknown only when the returns imported do not hold what it needs, always with why.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from reviewdesk.storage.db import Database, open_database
from tests.actions.shortcuts import import_903, import_cin
from tests.importers import histories as h
from tests.importers.agreement import Agreement, SystemAnswers, compare, system_answers
from tests.importers.oracle import cp_answers, lac_answers

YEARS = list(range(h.FIRST_YEAR, h.LAST_YEAR + 1))
ALL = set(YEARS)
CHILDREN = 250

#: Orders a council might import in: as the years came, backwards, jumbled, with two years
#: missing and filled in later, and with a year imported again at the end.
ORDERS = {
    "in order": YEARS,
    "backwards": YEARS[::-1],
    "jumbled": [2020, 2018, 2023, 2019, 2022, 2021],
    "gaps filled later": [2018, 2019, 2021, 2023, 2020, 2022],
    "a year again": [2021, 2022, 2023, 2018, 2019, 2020, 2021],
}


def _fresh(folder: Path) -> Database:
    folder.mkdir(parents=True, exist_ok=True)
    return open_database(folder / "returns.sqlite", username="t")


def _agree(result: Agreement) -> None:
    assert result.wrong == []
    assert result.needless_unknown == []
    assert result.unexplained == []


class Cin:
    source = "cin"

    def __init__(self, folder: Path) -> None:
        self.children = h.cp_histories(CHILDREN, seed=3)
        self.folder = folder
        self.oracle = cp_answers(self.children, h.AS_OF)

    def check(self, as_of):  # noqa: ANN001, ANN201 - the oracle's answers on another day
        return cp_answers(self.children, as_of)

    def import_year(self, db: Database, year: int) -> None:
        path = self.folder / f"cin-{year}.xml"
        if not path.exists():
            path.write_text(h.census(self.children, year), encoding="utf-8")
        assert import_cin(db, path).errors == []

    def import_combined(self, db: Database) -> None:
        path = self.folder / "cin-all.xml"
        path.write_text(h.census_combined(self.children, YEARS[0], YEARS[-1]), encoding="utf-8")
        assert import_cin(db, path).errors == []


class Lac:
    source = "903"

    def __init__(self, folder: Path) -> None:
        self.children = h.lac_histories(CHILDREN, seed=3)
        self.folder = folder
        self.oracle = lac_answers(self.children, h.AS_OF)

    def check(self, as_of):  # noqa: ANN001, ANN201 - the oracle's answers on another day
        return lac_answers(self.children, as_of)

    def import_year(self, db: Database, year: int) -> None:
        paths = h.write_903_text(self.folder / str(year), h.return_903(self.children, year))
        assert import_903(db, *paths).errors == []

    def import_combined(self, db: Database) -> None:
        texts = h.return_903_combined(self.children, YEARS[0], YEARS[-1])
        assert import_903(db, *h.write_903_text(self.folder / "all", texts)).errors == []


@pytest.fixture(scope="module", params=["cin", "903"])
def returns(request, tmp_path_factory) -> tuple[Cin | Lac, SystemAnswers]:
    """The returns of one kind, and reviewdesk's answers after the whole-history file."""
    folder = tmp_path_factory.mktemp(f"returns-{request.param}")
    kind = Cin(folder) if request.param == "cin" else Lac(folder)
    db = _fresh(folder / "combined")
    kind.import_combined(db)
    answers = system_answers(db, h.AS_OF)
    db.dispose()
    return kind, answers


def test_the_whole_history_file_agrees_with_the_check(returns) -> None:
    kind, combined = returns
    result = compare(kind.oracle, combined, ALL)
    _agree(result)
    assert result.answers > 300  # a real test: hundreds of answers
    # Only what no return can say is unknown: a transfer-in's conference (its notification
    # is not in the census), or a review whose period began before the first return.
    assert 0 < result.unknown < result.answers / 10


@pytest.mark.parametrize("order", ORDERS.values(), ids=ORDERS.keys())
def test_yearly_returns_in_any_order_equal_the_whole_history(returns, order, tmp_path) -> None:
    kind, combined = returns
    db = _fresh(tmp_path)
    for year in order:
        kind.import_year(db, year)
    got = system_answers(db, h.AS_OF)
    db.dispose()
    assert got.held == combined.held
    assert got.dues == combined.dues
    assert got.undetermined == combined.undetermined


def test_a_year_missing_is_unknown_not_wrong_until_it_is_imported(returns, tmp_path) -> None:
    kind, combined = returns
    db = _fresh(tmp_path)
    have = [y for y in YEARS if y != 2020]
    for year in have:
        kind.import_year(db, year)
    partial = compare(kind.oracle, system_answers(db, h.AS_OF), set(have))
    _agree(partial)
    whole = compare(kind.oracle, combined, ALL)
    # The meetings whose clock started in 2020-21 are now unknown, each with why.
    assert partial.unknown > whole.unknown
    reasons = {why for _, why in system_answers(db, h.AS_OF).held.values() if why}
    assert any("2020-21" in why and "not imported" in why for why in reasons), reasons

    kind.import_year(db, 2020)
    filled = system_answers(db, h.AS_OF)
    db.dispose()
    assert (filled.held, filled.dues) == (combined.held, combined.dues)


@pytest.mark.parametrize("year", [2018, 2021, 2023])
def test_a_single_year_on_its_own_says_what_it_cannot_know(returns, year, tmp_path) -> None:
    """One year's return: the first in-year review of a plan (or period) that began in an
    earlier year is not taken for the first review; it is unknown, with why. Asked on the
    year's last day (what is open then is what the return says is open)."""
    kind, _ = returns
    db = _fresh(tmp_path)
    kind.import_year(db, year)
    as_of = h.year_end(year)
    got = system_answers(db, as_of)
    db.dispose()
    result = compare(kind.check(as_of), got, {year})
    _agree(result)
    assert result.unknown > 0
    assert all(why for verdict, why in got.held.values() if verdict is None)


def test_every_order_of_three_years_agrees(returns, tmp_path) -> None:
    """All six orders of the last three years: the same answers each time, none wrong."""
    kind, _ = returns
    years = YEARS[-3:]
    seen = []
    for n, order in enumerate(itertools.permutations(years)):
        db = _fresh(tmp_path / str(n))
        for year in order:
            kind.import_year(db, year)
        got = system_answers(db, h.AS_OF)
        db.dispose()
        _agree(compare(kind.oracle, got, set(years)))
        seen.append((got.held, got.dues, got.undetermined))
    assert all(s == seen[0] for s in seen)


def test_jumbled_years_agree_on_sqlite_and_postgresql(db, tmp_path) -> None:
    """The same on each database the tests run on (``db``: SQLite, then PostgreSQL): both
    returns, jumbled, into one database, every answer agreeing with the check."""
    cin, lac = Cin(tmp_path / "cin"), Lac(tmp_path / "903")
    cin.folder.mkdir()
    lac.folder.mkdir()
    for year in ORDERS["jumbled"]:
        cin.import_year(db, year)
        lac.import_year(db, year)
    got = system_answers(db, h.AS_OF)
    both = (
        {**cin.oracle[0], **lac.oracle[0]},
        cin.oracle[1] | lac.oracle[1],
    )
    _agree(compare(both, got, ALL))
