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
  (``sequence`` 1, 2, ...). A 903 file covers one collection year (1 April to 31 March,
  inferred from the latest date in the files, or given): a re-import replaces only that
  year's records and keeps earlier and later ones, so the numbering of a period that began
  before the year continues from the reviews already held (see `reviewdesk.importers.store`).

Every row is checked before anything is written, and every error is reported with its file,
row, column, value and reason. See `reviewdesk.importers.store` for how a re-import updates.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reviewdesk.codes import (
    LEGAL_STATUS,
    PARTICIPATION,
    REASON_NEW_EPISODE,
    REC_CONTINUES,
)
from reviewdesk.importers.codes903 import (
    CATEGORY_OF_NEED,
    ETHNICITY,
    PLACEMENT,
    PLACEMENT_PROVIDER,
    REASON_EPISODE_CEASED,
    SEX_903,
)
from reviewdesk.importers.csvread import CsvTable, read_csv
from reviewdesk.importers.fields import FieldReader
from reviewdesk.importers.report import ImportIssue, Progress
from reviewdesk.importers.runner import PreparedImport, Ticker, choose_year
from reviewdesk.importers.store import LacChildPlan, LacPeriodPlan, apply_lac, joins_previous
from reviewdesk.importers.years import CollectionYear
from reviewdesk.vocabulary import age_on, format_uk

HEADER_REQUIRED = ("CHILD", "SEX", "DOB")
HEADER_OPTIONAL = ("ETHNIC", "UPN", "MOTHER", "MC_DOB")
EPISODES_REQUIRED = ("CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC")
EPISODES_OPTIONAL = ("CIN", "PLACE_PROVIDER", "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN")
REVIEWS_REQUIRED = ("CHILD", "REVIEW", "REVIEW_CODE")
REVIEWS_OPTIONAL = ("DOB",)
KINDS = ("children", "periods", "episodes", "reviews")
UNDER_FOUR = "PN0"


@dataclass
class _HeaderRec:
    row: int
    fields: dict[str, Any]


@dataclass
class _EpisodeRec:
    row: int
    values: dict[str, Any]  # Episode columns

    @property
    def start(self) -> dt.date:
        return self.values["start"]

    @property
    def end(self) -> dt.date | None:
        return self.values["end_date"]


@dataclass
class _ReviewRec:
    row: int
    held: dt.date
    code: str


@dataclass
class _Checked:
    """The three files read and checked: records by child, and every issue found."""

    issues: list[ImportIssue] = field(default_factory=list)
    header: dict[str, _HeaderRec] = field(default_factory=dict)
    episodes: dict[str, list[_EpisodeRec]] = field(default_factory=lambda: defaultdict(list))
    reviews: dict[str, list[_ReviewRec]] = field(default_factory=lambda: defaultdict(list))
    #: Children with any row in the episodes file, and those with a bad episode row.
    in_episodes: set[str] = field(default_factory=set)
    bad_episodes: set[str] = field(default_factory=set)


def prepare_903(
    header: str | Path,
    episodes: str | Path,
    reviews: str | Path,
    *,
    progress: Progress | None = None,
    year: CollectionYear | None = None,
) -> PreparedImport:
    """Read and check a set of 903 files (never raises for bad data: ``issues`` lists every
    problem). ``year`` is the return's collection year; by default it is inferred from the
    files (see `infer_year`). The import action (`reviewdesk.actions.import_903`) writes."""
    ticker = Ticker(progress)
    plans, issues = check_903(header, episodes, reviews, ticker=ticker)
    year = choose_year(year, infer_year(plans), issues)
    return PreparedImport(
        source="903",
        origin=", ".join(str(p) for p in (header, episodes, reviews)),
        plans=plans,
        issues=issues,
        apply=apply_lac,
        kinds=KINDS,
        write_steps=5,
        year=year,
        ticker=ticker,
    )


def infer_year(plans: list[LacChildPlan]) -> CollectionYear | None:
    """The collection year of the latest DECOM, DEC or REVIEW date in the files.

    A return covers 1 April to 31 March and holds no date after its end, so the year ending
    on the first 31 March on or after the latest date is the return's year.
    """

    def dates():
        for child in plans:
            for period in child.periods:
                for e in period.episodes:
                    yield e["start"]
                    yield e["end_date"]
                for day, _code in period.reviews:
                    yield day

    return CollectionYear.inferred(dates())


def check_903(
    header: str | Path,
    episodes: str | Path,
    reviews: str | Path,
    *,
    ticker: Ticker | None = None,
) -> tuple[list[LacChildPlan], list[ImportIssue]]:
    """Read and check the three files: the children without errors, and every error."""
    ticker = ticker or Ticker(None)
    ticker.to(0, f"Reading {Path(header).name}")
    h_table, h_issues = read_csv(header, required=HEADER_REQUIRED, optional=HEADER_OPTIONAL)
    ticker.to(10, f"Reading {Path(episodes).name}")
    e_table, e_issues = read_csv(episodes, required=EPISODES_REQUIRED, optional=EPISODES_OPTIONAL)
    ticker.to(20, f"Reading {Path(reviews).name}")
    r_table, r_issues = read_csv(reviews, required=REVIEWS_REQUIRED, optional=REVIEWS_OPTIONAL)
    checked = _Checked(issues=h_issues + e_issues + r_issues)
    if h_table is None or e_table is None or r_table is None:
        return [], checked.issues

    for issue in e_issues:  # rows the CSV reader could not use still count as episodes
        if issue.child:
            checked.in_episodes.add(issue.child)
            checked.bad_episodes.add(issue.child)
    ticker.to(30, "Checking children")
    _check_header(h_table, checked)
    ticker.to(35, "Checking episodes")
    _check_episodes(e_table, checked)
    ticker.to(40, "Checking reviews")
    _check_reviews(r_table, checked)
    bad = {i.child for i in checked.issues}
    plans = [
        _plan(child, rec, checked.episodes.get(child, []), checked.reviews.get(child, []))
        for child, rec in checked.header.items()
        if child not in bad
    ]
    ticker.to(45, "Checked")
    return plans, checked.issues


# --- header --------------------------------------------------------------------------------


def _check_header(table: CsvTable, checked: _Checked) -> None:
    first_row: dict[str, tuple[int, dict[str, str]]] = {}
    for row in table.rows:
        child = row["CHILD"]
        f = FieldReader(table.label, row.number, checked.issues, child or None)
        f.text("CHILD", child, required=True, max_len=50)
        fields = {
            "sex": f.code("SEX", row["SEX"], SEX_903, what="sex (1 male, 2 female)"),
            "dob": f.uk_date("DOB", row["DOB"]),
            "ethnicity": f.code(
                "ETHNIC", row["ETHNIC"], ETHNICITY, what="ethnicity", required=False
            ),
            "upn": f.text("UPN", row["UPN"], max_len=13) or None,
        }
        f.uk_date("MC_DOB", row["MC_DOB"], required=False)
        if not child:
            continue
        if child in first_row:
            earlier, values = first_row[child]
            if values == row.values:
                f.issue("CHILD", child, f"duplicate row (the same as row {earlier})")
            else:
                f.issue("CHILD", child, f"this child is already in the file at row {earlier}")
            continue
        first_row[child] = (row.number, row.values)
        checked.header[child] = _HeaderRec(row.number, fields)


# --- episodes --------------------------------------------------------------------------------


def _check_episodes(table: CsvTable, checked: _Checked) -> None:
    label = table.label
    raw: dict[int, dict[str, str]] = {}
    for row in table.rows:
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
        values = {
            "start": start,
            "end_date": end,
            "rne": f.code("RNE", row["RNE"], REASON_NEW_EPISODE, what="reason for new episode"),
            "legal_status": f.code("LS", row["LS"], LEGAL_STATUS, what="legal status"),
            "cin": f.code(
                "CIN", row["CIN"], CATEGORY_OF_NEED, what="category of need", required=False
            ),
            "placement": f.code("PLACE", row["PLACE"], PLACEMENT, what="placement type"),
            "placement_provider": f.code(
                "PLACE_PROVIDER",
                row["PLACE_PROVIDER"],
                PLACEMENT_PROVIDER,
                what="placement provider",
                required=False,
            ),
            "rec": rec or None,
            "reason_place_change": f.text(
                "REASON_PLACE_CHANGE", row["REASON_PLACE_CHANGE"], max_len=6
            )
            or None,
            "home_postcode": f.text("HOME_POST", row["HOME_POST"], max_len=10) or None,
            "placement_postcode": f.text("PL_POST", row["PL_POST"], max_len=10) or None,
            "urn": f.text("URN", row["URN"], max_len=10) or None,
        }
        if not child:
            continue
        checked.in_episodes.add(child)
        head = checked.header.get(child)
        if head is None:
            f.issue("CHILD", child, "this child is not in the header file")
        elif start and head.fields["dob"] and start < head.fields["dob"]:
            dob = format_uk(head.fields["dob"])
            f.issue("DECOM", row["DECOM"], f"before the child's date of birth ({dob})")
        if f.failed:
            checked.bad_episodes.add(child)
            continue
        raw[row.number] = row.values
        checked.episodes[child].append(_EpisodeRec(row.number, values))

    for child, eps in checked.episodes.items():
        eps.sort(key=lambda e: (e.start, e.row))
        if child in checked.bad_episodes:
            continue  # a row is missing from the sequence: checking it would mislead
        if not _check_sequence(label, child, eps, raw, checked.issues):
            checked.bad_episodes.add(child)


def _check_sequence(
    label: str,
    child: str,
    eps: list[_EpisodeRec],
    raw: dict[int, dict[str, str]],
    issues: list[ImportIssue],
) -> bool:
    """Duplicates, overlaps and broken X1 chains among one child's episodes; True if none."""
    before = len(issues)
    kept: list[_EpisodeRec] = []
    for ep in eps:
        f = FieldReader(label, ep.row, issues, child)
        decom = raw[ep.row]["DECOM"]
        prev = kept[-1] if kept else None
        if prev is not None and prev.start == ep.start:
            if raw[prev.row] == raw[ep.row]:
                f.issue("DECOM", decom, f"duplicate row (the same as row {prev.row})")
            else:
                f.issue(
                    "DECOM",
                    decom,
                    f"another episode for this child starts on this date (row {prev.row})",
                )
            continue
        if prev is not None:
            if prev.end is None:
                f.issue(
                    "DECOM",
                    decom,
                    f"overlaps the episode starting {format_uk(prev.start)} (row {prev.row}), "
                    "which has no end date",
                )
            elif ep.start < prev.end:
                f.issue(
                    "DECOM",
                    decom,
                    f"overlaps the previous episode (row {prev.row}), "
                    f"which ends on {format_uk(prev.end)}",
                )
            elif prev.values["rec"] == REC_CONTINUES and ep.start != prev.end:
                FieldReader(label, prev.row, issues, child).issue(
                    "REC",
                    REC_CONTINUES,
                    "X1 means the next episode starts the same day, but this child's next "
                    f"episode starts on {format_uk(ep.start)} (row {ep.row})",
                )
        kept.append(ep)
    last = kept[-1] if kept else None
    if last is not None and last.values["rec"] == REC_CONTINUES:
        FieldReader(label, last.row, issues, child).issue(
            "REC",
            REC_CONTINUES,
            "X1 means a new episode begins the same day, but this child has no later episode",
        )
    eps[:] = kept
    return len(issues) == before


# --- reviews ---------------------------------------------------------------------------------


def _check_reviews(table: CsvTable, checked: _Checked) -> None:
    label = table.label
    seen: dict[tuple[str, dt.date], tuple[int, dict[str, str]]] = {}
    periods = {child: _periods(eps) for child, eps in checked.episodes.items()}
    for row in table.rows:
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
        dob = head.fields["dob"]
        if dob_here and dob and dob_here != dob:
            f.issue(
                "DOB",
                row["DOB"],
                f"differs from the header file's date of birth ({format_uk(dob)})",
            )
        if held is None:
            continue
        key = (child, held)
        if key in seen:
            earlier, values = seen[key]
            if values == row.values:
                f.issue("REVIEW", row["REVIEW"], f"duplicate row (the same as row {earlier})")
            else:
                f.issue(
                    "REVIEW",
                    row["REVIEW"],
                    f"another review for this child on this date (row {earlier})",
                )
            continue
        seen[key] = (row.number, row.values)
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
        elif child not in checked.bad_episodes and not any(
            _within(held, start, end) for start, end, _eps in periods[child]
        ):
            f.issue(
                "REVIEW",
                row["REVIEW"],
                "not within any period of care of this child in the episodes file",
            )
        if f.failed or code is None:
            continue
        checked.reviews[child].append(_ReviewRec(row.number, held, code))


def _within(day: dt.date, start: dt.date, end: dt.date | None) -> bool:
    return start <= day and (end is None or day <= end)


# --- building the history ---------------------------------------------------------------------


def _periods(
    eps: list[_EpisodeRec],
) -> list[tuple[dt.date, dt.date | None, list[_EpisodeRec]]]:
    """Group one child's episodes (sorted by start) into periods of care (see module doc)."""
    periods: list[tuple[dt.date, dt.date | None, list[_EpisodeRec]]] = []
    current: list[_EpisodeRec] = []
    for ep in eps:
        if current and not joins_previous(current[-1].values, ep.values):
            periods.append((current[0].start, current[-1].end, current))
            current = []
        current.append(ep)
    if current:
        periods.append((current[0].start, current[-1].end, current))
    return periods


def _plan(
    child: str, head: _HeaderRec, eps: list[_EpisodeRec], reviews: list[_ReviewRec]
) -> LacChildPlan:
    plan = LacChildPlan(child, head.fields)
    reviews = sorted(reviews, key=lambda r: r.held)
    placed: set[int] = set()
    for start, end, members in _periods(eps):
        period = LacPeriodPlan(start, end, [dict(e.values) for e in members])
        for r in reviews:
            if r.row not in placed and _within(r.held, start, end):
                placed.add(r.row)
                period.reviews.append((r.held, r.code))
        plan.periods.append(period)
    return plan
