"""Import looked-after children from the SSDA903 return (Header, Episodes and Reviews CSVs).

What becomes what:

- Header row -> `Child` with ``local_id`` = CHILD, sex, date of birth, ethnicity and UPN. The
  903 has no names: a new child has empty names (it is shown by its id until someone adds
  them), and a re-import never blanks names or other details typed into reviewdesk.
- Episodes -> `Episode` rows grouped into `PeriodOfCare` rows. An episode ending with
  REC = X1 ("episode ceases, new episode begins in same period of care") continues its period;
  any other ending closes it, and the next episode starts a new period (and a new review
  cycle).
- Series of short breaks (legal status V3/V4, reg 48): each short break is its own episode
  in the 903. Our convention: a run of consecutive V3/V4 episodes is ONE period of care,
  because the short-breaks review cycle (first review within 3 months of the first break,
  then at most 6-monthly) runs over the whole series, not break by break. The period starts
  on the first break's DECOM and ends on the last break's DEC (open while that break is).
- Reviews -> held `Meeting` rows (process "lac", type "lac_review", status "held") with the
  participation code, linked to the period of care they fall in and numbered within it
  (``sequence`` 1, 2, ...).
- MOTHER and MC_DOB are read and ignored (`reviewdesk.importers.elements` says so in the
  summary, as of any column not in the return).

A 903 return covers one collection year (1 April to 31 March): the episodes open at any time
in it, with their real start dates, and the reviews held in it. Each year imported is kept
and a child's history merged from every year (`reviewdesk.importers.slices`), so a review
whose previous review is in an earlier year's return is judged from it once that year is
imported, and said to be unknown until it is.

The files are read a row at a time; a header file whose header is not a 903 header is
refused at once, and any file with more than `MAX_ERRORS` errors without reading on. Every
row is checked before anything is written, and every error is reported with its file, row,
column, value and reason; a date of birth in the future is refused.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reviewdesk.codes import (
    LEGAL_STATUS,
    PARTICIPATION,
    REASON_NEW_EPISODE,
    REC_CONTINUES,
)
from reviewdesk.collection_year import CollectionYear, YearSpan
from reviewdesk.importers.codes903 import (
    CATEGORY_OF_NEED,
    ETHNICITY,
    PLACEMENT,
    PLACEMENT_PROVIDER,
    REASON_EPISODE_CEASED,
    SEX_903,
)
from reviewdesk.importers.csvread import CsvRow, CsvTable, read_csv
from reviewdesk.importers.elements import (
    EPISODE_COLUMNS as EPISODE_MEANINGS,
)
from reviewdesk.importers.elements import (
    HEADER_COLUMNS,
    REVIEW_COLUMNS,
    ElementCount,
    account_columns,
)
from reviewdesk.importers.fields import FieldReader
from reviewdesk.importers.records import EPISODE_COLUMNS, LacRecords
from reviewdesk.importers.report import ImportIssue, Progress
from reviewdesk.importers.runner import PreparedImport, Ticker, choose_span, too_many
from reviewdesk.importers.slices import LAC
from reviewdesk.importers.store import joins_previous
from reviewdesk.vocabulary import age_on, format_uk

HEADER_REQUIRED = ("CHILD", "SEX", "DOB")
HEADER_OPTIONAL = ("ETHNIC", "UPN", "MOTHER", "MC_DOB")
EPISODES_REQUIRED = ("CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC")
EPISODES_OPTIONAL = ("CIN", "PLACE_PROVIDER", "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN")
REVIEWS_REQUIRED = ("CHILD", "REVIEW", "REVIEW_CODE")
REVIEWS_OPTIONAL = ("DOB",)
KINDS = ("children", "periods", "episodes", "reviews")
UNDER_FOUR = "PN0"


@dataclass(slots=True)
class _Episode:
    row: int
    values: tuple[Any, ...]  # EPISODE_COLUMNS
    raw: tuple[str, ...]  # the row's text (for "duplicate row")
    decom: str

    @property
    def start(self) -> dt.date:
        return self.values[0]

    @property
    def end(self) -> dt.date | None:
        return self.values[1]

    @property
    def rec(self) -> str | None:
        return self.values[7]


@dataclass
class _Checked:
    """The three files read and checked: records by child, and every issue found."""

    issues: list[ImportIssue] = field(default_factory=list)
    #: Child -> (header row, hash of the row's text, its fields).
    header: dict[str, tuple[int, int, dict[str, Any]]] = field(default_factory=dict)
    episodes: dict[str, list[_Episode]] = field(default_factory=lambda: defaultdict(list))
    reviews: dict[str, list[tuple[dt.date, str]]] = field(default_factory=lambda: defaultdict(list))
    #: Children with any row in the episodes file, and those with a bad episode row.
    in_episodes: set[str] = field(default_factory=set)
    bad_episodes: set[str] = field(default_factory=set)
    elements: list[ElementCount] = field(default_factory=list)
    stopped: bool = False


def prepare_903(
    header: str | Path,
    episodes: str | Path,
    reviews: str | Path,
    *,
    progress: Progress | None = None,
    year: CollectionYear | YearSpan | None = None,
) -> PreparedImport:
    """Read and check a set of 903 files (never raises for bad data: ``issues`` lists every
    problem). ``year`` is the return's collection year (or the years a file of several
    holds); by default it is inferred from the files (see `infer_span`). The import action
    (`reviewdesk.actions.import_903`) writes."""
    ticker = Ticker(progress)
    checked = _check(header, episodes, reviews, ticker)
    plans = _records(checked)
    span = choose_span(year, infer_span(plans), checked.issues)
    return PreparedImport(
        source="903",
        origin=", ".join(str(p) for p in (header, episodes, reviews)),
        plans=plans,
        issues=checked.issues,
        kind=LAC,
        kinds=KINDS,
        write_steps=5,
        span=span,
        ticker=ticker,
        elements=checked.elements,
    )


def infer_span(children: list[LacRecords]) -> YearSpan | None:
    """The collection years the files speak for: to the year of the latest DECOM, DEC or
    REVIEW date, from the year of the earliest date a return holds only within its own year
    (a review held, an episode's end). A single year's return gives that year alone."""
    latest: dt.date | None = None
    earliest: dt.date | None = None
    for child in children:
        for e in child.episodes:
            for day, in_year_only in ((e[0], False), (e[1], True)):
                if day is None:
                    continue
                latest = day if latest is None or day > latest else latest
                if in_year_only and (earliest is None or day < earliest):
                    earliest = day
        for day, _code in child.reviews:
            latest = day if latest is None or day > latest else latest
            earliest = day if earliest is None or day < earliest else earliest
    if latest is None:
        return None
    last = CollectionYear.containing(latest).first
    first = CollectionYear.containing(earliest).first if earliest is not None else last
    return YearSpan(min(first, last), last)


def check_903(
    header: str | Path,
    episodes: str | Path,
    reviews: str | Path,
    *,
    ticker: Ticker | None = None,
) -> tuple[list[LacRecords], list[ImportIssue]]:
    """Read and check the three files: the children without errors, and every error."""
    checked = _check(header, episodes, reviews, ticker or Ticker(None))
    return _records(checked), checked.issues


def _check(
    header: str | Path, episodes: str | Path, reviews: str | Path, ticker: Ticker
) -> _Checked:
    checked = _Checked()
    files = (
        (header, HEADER_REQUIRED, HEADER_OPTIONAL, HEADER_COLUMNS, _check_header, 0),
        (episodes, EPISODES_REQUIRED, EPISODES_OPTIONAL, EPISODE_MEANINGS, _check_episodes, 15),
        (reviews, REVIEWS_REQUIRED, REVIEWS_OPTIONAL, REVIEW_COLUMNS, _check_reviews, 30),
    )
    tables: list[CsvTable | None] = []
    for path, required, optional, _meanings, _check_rows, _at in files:
        table, issues = read_csv(path, required=required, optional=optional)
        checked.issues.extend(issues)
        tables.append(table)
    if any(t is None for t in tables):
        return checked  # a file that is not the one expected: no rows are read
    for (path, _r, _o, meanings, check_rows, at), table in zip(files, tables, strict=True):
        assert table is not None
        ticker.to(at, f"Reading {Path(path).name}")
        table.issues = checked.issues  # row problems found while reading go with the rest
        rows = check_rows(table, checked)
        checked.elements.extend(account_columns(table.label, meanings, table.columns, rows))
        if checked.stopped:
            return checked
    ticker.to(45, "Checked")
    return checked


def _stream(table: CsvTable, checked: _Checked, count: list[int]) -> Iterator[CsvRow]:
    """The table's rows, counted, until too many errors (or children) stop the reading."""
    for row in table.rows():
        count[0] += 1
        yield row
        problem = too_many(
            checked.issues, len(checked.header), row.number, what="children", label=table.label
        )
        if problem is not None:
            checked.issues.append(problem)
            checked.stopped = True
            return


def _records(checked: _Checked) -> list[LacRecords]:
    """The children without errors, as records."""
    bad = {i.child for i in checked.issues}
    return [
        LacRecords(
            child,
            fields,
            [e.values for e in checked.episodes.get(child, [])],
            sorted(checked.reviews.get(child, [])),
        )
        for child, (_row, _hash, fields) in checked.header.items()
        if child not in bad
    ]


# --- header --------------------------------------------------------------------------------


def _check_header(table: CsvTable, checked: _Checked) -> int:
    count = [0]
    today = dt.date.today()
    for row in _stream(table, checked, count):
        child = row["CHILD"]
        f = FieldReader(table.label, row.number, checked.issues, child or None)
        f.text("CHILD", child, required=True, max_len=50)
        dob = f.uk_date("DOB", row["DOB"])
        if dob is not None and dob > today:
            f.issue("DOB", row["DOB"], "a date of birth in the future")
            dob = None
        fields = {
            "sex": f.code("SEX", row["SEX"], SEX_903, what="sex (1 male, 2 female)"),
            "dob": dob,
            "ethnicity": f.code(
                "ETHNIC", row["ETHNIC"], ETHNICITY, what="ethnicity", required=False
            ),
            "upn": f.text("UPN", row["UPN"], max_len=13) or None,
        }
        f.uk_date("MC_DOB", row["MC_DOB"], required=False)
        if not child:
            continue
        values = hash(row.values)
        if child in checked.header:
            earlier, earlier_values, _fields = checked.header[child]
            if earlier_values == values:
                f.issue("CHILD", child, f"duplicate row (the same as row {earlier})")
            else:
                f.issue("CHILD", child, f"this child is already in the file at row {earlier}")
            continue
        checked.header[child] = (row.number, values, fields)
    return count[0]


# --- episodes --------------------------------------------------------------------------------


def _check_episodes(table: CsvTable, checked: _Checked) -> int:
    label = table.label
    count = [0]
    for row in _stream(table, checked, count):
        child = row["CHILD"]
        f = FieldReader(label, row.number, checked.issues, child or None)
        f.text("CHILD", child, required=True, max_len=50)
        start = f.uk_date("DECOM", row["DECOM"])
        end = f.uk_date("DEC", row["DEC"], required=False)
        rec = row["REC"].upper()
        if end is not None and not rec:
            f.issue("REC", "", "the episode has an end date (DEC) but no reason it ended")
        elif rec and not row["DEC"]:
            f.issue("REC", row["REC"], "a reason the episode ended is given but no end date (DEC)")
        elif rec and not REASON_EPISODE_CEASED.fullmatch(rec):
            f.issue("REC", row["REC"], "not a known reason-episode-ceased code (X1 or E...)")
        if start and end and end < start:
            f.issue("DEC", row["DEC"], f"the episode ends before it starts ({format_uk(start)})")
        values = (
            start,
            end,
            f.code("RNE", row["RNE"], REASON_NEW_EPISODE, what="reason for new episode"),
            f.code("LS", row["LS"], LEGAL_STATUS, what="legal status"),
            f.code("CIN", row["CIN"], CATEGORY_OF_NEED, what="category of need", required=False),
            f.code("PLACE", row["PLACE"], PLACEMENT, what="placement type"),
            f.code(
                "PLACE_PROVIDER",
                row["PLACE_PROVIDER"],
                PLACEMENT_PROVIDER,
                what="placement provider",
                required=False,
            ),
            rec or None,
            f.text("REASON_PLACE_CHANGE", row["REASON_PLACE_CHANGE"], max_len=6) or None,
            f.text("HOME_POST", row["HOME_POST"], max_len=10) or None,
            f.text("PL_POST", row["PL_POST"], max_len=10) or None,
            f.text("URN", row["URN"], max_len=10) or None,
        )
        if not child:
            continue
        checked.in_episodes.add(child)
        head = checked.header.get(child)
        if head is None:
            f.issue("CHILD", child, "this child is not in the header file")
        elif start and head[2]["dob"] and start < head[2]["dob"]:
            dob = format_uk(head[2]["dob"])
            f.issue("DECOM", row["DECOM"], f"before the child's date of birth ({dob})")
        if f.failed:
            checked.bad_episodes.add(child)
            continue
        checked.episodes[child].append(_Episode(row.number, values, row.values, row["DECOM"]))

    for issue in checked.issues:  # rows the CSV reader could not use still count as episodes
        if issue.file == label and issue.child and not issue.column:
            checked.in_episodes.add(issue.child)
            checked.bad_episodes.add(issue.child)
    for child, eps in checked.episodes.items():
        eps.sort(key=lambda e: (e.start, e.row))
        if child in checked.bad_episodes:
            continue  # a row is missing from the sequence: checking it would mislead
        if not _check_sequence(label, child, eps, checked.issues):
            checked.bad_episodes.add(child)
    return count[0]


def _check_sequence(
    label: str,
    child: str,
    eps: list[_Episode],
    issues: list[ImportIssue],
) -> bool:
    """Duplicates, overlaps and broken X1 chains among one child's episodes; True if none."""
    before = len(issues)
    kept: list[_Episode] = []
    for ep in eps:
        f = FieldReader(label, ep.row, issues, child)
        prev = kept[-1] if kept else None
        if prev is not None and prev.start == ep.start:
            if prev.raw == ep.raw:
                f.issue("DECOM", ep.decom, f"duplicate row (the same as row {prev.row})")
            else:
                f.issue(
                    "DECOM",
                    ep.decom,
                    f"another episode for this child starts on this date (row {prev.row})",
                )
            continue
        if prev is not None:
            if prev.end is None:
                f.issue(
                    "DECOM",
                    ep.decom,
                    f"overlaps the episode starting {format_uk(prev.start)} (row {prev.row}), "
                    "which has no end date",
                )
            elif ep.start < prev.end:
                f.issue(
                    "DECOM",
                    ep.decom,
                    f"overlaps the previous episode (row {prev.row}), "
                    f"which ends on {format_uk(prev.end)}",
                )
            elif prev.rec == REC_CONTINUES and ep.start != prev.end:
                FieldReader(label, prev.row, issues, child).issue(
                    "REC",
                    REC_CONTINUES,
                    "X1 means the next episode starts the same day, but this child's next "
                    f"episode starts on {format_uk(ep.start)} (row {ep.row})",
                )
        kept.append(ep)
    last = kept[-1] if kept else None
    if last is not None and last.rec == REC_CONTINUES:
        FieldReader(label, last.row, issues, child).issue(
            "REC",
            REC_CONTINUES,
            "X1 means a new episode begins the same day, but this child has no later episode",
        )
    eps[:] = kept
    return len(issues) == before


# --- reviews ---------------------------------------------------------------------------------


def _check_reviews(table: CsvTable, checked: _Checked) -> int:
    label = table.label
    seen: dict[tuple[str, dt.date], tuple[int, int]] = {}
    periods: dict[str, list[tuple[dt.date, dt.date | None]]] = {}
    count = [0]
    for row in _stream(table, checked, count):
        child = row["CHILD"]
        f = FieldReader(label, row.number, checked.issues, child or None)
        f.text("CHILD", child, required=True, max_len=50)
        held = f.uk_date("REVIEW", row["REVIEW"])
        code = f.code("REVIEW_CODE", row["REVIEW_CODE"], PARTICIPATION, what="participation")
        dob_here = f.uk_date("DOB", row["DOB"], required=False)
        if not child:
            continue
        head = checked.header.get(child)
        if head is None:
            f.issue("CHILD", child, "this child is not in the header file")
            continue
        dob = head[2]["dob"]
        if dob_here and dob and dob_here != dob:
            f.issue(
                "DOB",
                row["DOB"],
                f"differs from the header file's date of birth ({format_uk(dob)})",
            )
        if held is None:
            continue
        key = (child, held)
        values = hash(row.values)
        if key in seen:
            earlier, earlier_values = seen[key]
            if earlier_values == values:
                f.issue("REVIEW", row["REVIEW"], f"duplicate row (the same as row {earlier})")
            else:
                f.issue(
                    "REVIEW",
                    row["REVIEW"],
                    f"another review for this child on this date (row {earlier})",
                )
            continue
        seen[key] = (row.number, values)
        if dob is not None:
            if held < dob:
                f.issue(
                    "REVIEW", row["REVIEW"], f"before the child's date of birth ({format_uk(dob)})"
                )
            elif code is not None and (age_on(dob, held) < 4) != (code == UNDER_FOUR):
                age = age_on(dob, held)
                why = (
                    f"PN0 is only for a child under 4 at the review; this child was {age}"
                    if code == UNDER_FOUR
                    else "the child was under 4 at the review, so the code must be PN0"
                )
                f.issue("REVIEW_CODE", row["REVIEW_CODE"], why)
        if child not in checked.in_episodes:
            f.issue("CHILD", child, "this child has no episode in the episodes file")
        elif child not in checked.bad_episodes:
            if child not in periods:
                periods[child] = _periods(checked.episodes.get(child, []))
            if not any(_within(held, start, end) for start, end in periods[child]):
                f.issue(
                    "REVIEW",
                    row["REVIEW"],
                    "not within any period of care of this child in the episodes file",
                )
        if f.failed or code is None:
            continue
        checked.reviews[child].append((held, code))
    return count[0]


def _within(day: dt.date, start: dt.date, end: dt.date | None) -> bool:
    return start <= day and (end is None or day <= end)


def _periods(eps: list[_Episode]) -> list[tuple[dt.date, dt.date | None]]:
    """One child's periods of care (start, end) from its episodes, sorted by start: runs
    joined by X1, or a series of short breaks (see the module's notes)."""
    periods: list[tuple[dt.date, dt.date | None]] = []
    first: _Episode | None = None
    prev: _Episode | None = None
    for ep in eps:
        if prev is not None and not joins_previous(_as_dict(prev), _as_dict(ep)):
            periods.append((first.start, prev.end))  # type: ignore[union-attr]
            first = None
        first = first or ep
        prev = ep
    if prev is not None and first is not None:
        periods.append((first.start, prev.end))
    return periods


def _as_dict(ep: _Episode) -> dict[str, Any]:
    return dict(zip(EPISODE_COLUMNS, ep.values, strict=True))
