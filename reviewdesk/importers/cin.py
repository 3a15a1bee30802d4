"""Import child protection history from the CIN census XML (2024 schema), read as a stream.

What each element means, and the DfE rule it follows (the census guide and validation rules,
docs/domain.md "Importing the returns"); every other element is counted and shown as
ignored, with why (`reviewdesk.importers.elements`):

- `Child`, matched on ChildIdentifiers/LAchildID: date of birth (PersonBirthDate; never after
  the census's ReferenceDate, rule 8520) or, for an unborn child, ExpectedPersonBirthDate;
  Sex (or the older GenderCurrent), UPN and Ethnicity. Names are not in the census.
- `CINdetails`, an episode of need, known across years by its CINreferralDate. Its
  CINclosureDate and ReasonForClosure (each needs the other, rules 8805 and 8810) close
  what it holds: its s47 enquiries stop waiting for a conference (an s47 with no conference
  in a closed episode is not returned again, rule 8740) and a plan left open ends then; and
  nothing in it happens after it closed (rule 8565).
- CINdetails/DateOfInitialCPC: an initial conference held with no Section47 in this return
  (rule 2885: a plan starts on "a CINDetails module DateOfInitialCPC if there is no
  associated Section 47 record"): a transfer-in, or an enquiry in an earlier episode or a
  census not in this file. It is a held conference whose clock the census does not hold;
  matched to an enquiry of another year when one has that date. Never the same date as a
  Section47's (rule 2884).
- `Section47` -> `CpEnquiry` (route "s47", ``strategy_date`` = S47ActualStartDate,
  ICPCnotRequired). Its DateOfInitialCPC -> a held initial conference: "icpc", or
  "icpc_prebirth" when the child was not yet born that day. InitialCPCtarget is not used:
  the due date is worked out from the start date by the rules in force.
- `ChildProtectionPlans` -> `CpPlan` (start, end, initial and latest category,
  NumberOfPreviousCPP), led to by the enquiry whose conference was on its start day
  (rule 2885). Its Reviews/CPPreviewDate -> held review conferences: after the plan's start
  day (rule 8841), not after its end.

A census covers one collection year (`reviewdesk.importers.slices`: each year the file
holds is kept, and the child's history merged from every year imported). Every element is
checked before anything is written; errors name the file, the line, the element, the value
and the reason. A file that is not a CIN census is refused at its first element or its
header; one with more than `MAX_ERRORS` errors is refused without reading on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from reviewdesk.codes import CP_CATEGORY, REASON_FOR_CLOSURE
from reviewdesk.collection_year import CollectionYear, YearSpan
from reviewdesk.importers.codes903 import ETHNICITY, SEX_CIN
from reviewdesk.importers.elements import CIN_ELEMENTS, ElementCount, account
from reviewdesk.importers.fields import FieldReader
from reviewdesk.importers.records import CinEpisode, CinRecords, PlanRecord, S47Record
from reviewdesk.importers.report import ImportIssue, Progress
from reviewdesk.importers.runner import (
    MAX_CHILDREN,
    MAX_ERRORS,
    PreparedImport,
    Ticker,
    choose_span,
    too_many,
)
from reviewdesk.importers.slices import CIN
from reviewdesk.importers.xmlread import Node, Stop, StreamHandler, XmlProblem, stream_xml
from reviewdesk.vocabulary import format_uk

KINDS = ("children", "enquiries", "plans", "conferences")


def prepare_cin(
    path: str | Path,
    *,
    progress: Progress | None = None,
    year: CollectionYear | YearSpan | None = None,
) -> PreparedImport:
    """Read and check a CIN census file (never raises for bad data: ``issues`` lists every
    problem). ``year`` is the census's collection year (or the years a file of several
    holds); by default it is inferred (`infer_span`). The import action
    (`reviewdesk.actions.import_cin`) writes."""
    ticker = Ticker(progress)
    read = _check(path, ticker)
    span = choose_span(year, infer_span(read.children, read.reference), read.issues)
    return PreparedImport(
        source="cin",
        origin=str(path),
        plans=read.children,
        issues=read.issues,
        kind=CIN,
        kinds=KINDS,
        write_steps=6,
        span=span,
        ticker=ticker,
        elements=read.elements,
    )


def infer_span(children: list[CinRecords], reference: dt.date | None = None) -> YearSpan | None:
    """The collection years a file speaks for: to the year of its latest date (or of its
    ReferenceDate, the census year's last day), from the year of its earliest date that a
    census only holds within its own year (a review, a plan's end, an episode's closure, a
    Section47's conference). A single year's census gives that year alone."""
    latest: dt.date | None = reference
    earliest: dt.date | None = None

    def see(day: dt.date | None, in_year_only: bool) -> None:
        nonlocal latest, earliest
        if day is None:
            return
        latest = day if latest is None or day > latest else latest
        if in_year_only and (earliest is None or day < earliest):
            earliest = day

    for child in children:
        for e in child.episodes:
            see(e.referral, False)
            see(e.closure, True)
            see(e.icpc, False)
            for s in e.s47s:
                see(s.start, False)
                see(s.icpc, True)
            for p in e.plans:
                see(p.start, False)
                see(p.end, True)
                for r in p.reviews:
                    see(r, True)
    if latest is None:
        return None
    last = CollectionYear.containing(latest).first
    first = CollectionYear.containing(earliest).first if earliest is not None else last
    return YearSpan(min(first, last), last)


@dataclass
class _Read:
    children: list[CinRecords] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    reference: dt.date | None = None
    elements: list[ElementCount] = field(default_factory=list)


def check_cin(
    path: str | Path, *, ticker: Ticker | None = None
) -> tuple[list[CinRecords], list[ImportIssue]]:
    """Read and check a census file: the children without errors, and every error."""
    read = _check(path, ticker or Ticker(None))
    return read.children, read.issues


class _Census:
    """Handles the census's elements as `stream_xml` reads them."""

    def __init__(self, label: str, read: _Read, ticker: Ticker) -> None:
        self.label = label
        self.read = read
        self.ticker = ticker
        self.first_line: dict[str, int] = {}
        self.children_seen = False
        self.today = dt.date.today()
        self.bad: set[str] = set()

    def issue(self, line: int, element: str, value: str | None, message: str) -> None:
        self.read.issues.append(ImportIssue(self.label, line, element, value, message, is_xml=True))

    def root(self, node: Node) -> None:
        if node.tag != "Message":
            raise XmlProblem(
                f"not a CIN census file: the root element is <{node.tag}>; a census file has "
                "<Message> holding <Children>",
                node.line,
            )

    def kept(self, node: Node) -> None:
        if node.tag == "Children":
            self.children_seen = True
            return
        if node.tag != "Header":
            return
        details = node.find("CollectionDetails")
        collection = _text(details, "Collection")
        words = collection.split()
        if words and words[0].upper() != "CIN":
            raise XmlProblem(
                f'not a CIN census file: its header says it is a "{collection}" collection '
                "(Header/CollectionDetails/Collection)",
                node.line,
            )
        reference = _text(details, "ReferenceDate")
        if reference:
            r = FieldReader(self.label, node.line, self.read.issues, None, is_xml=True)
            self.read.reference = r.iso_date("ReferenceDate", reference.strip())

    def record(self, node: Node) -> None:
        before = len(self.read.issues)
        child = _child(self.label, node, self.read.issues, self.first_line, self.limit_dob())
        if child is not None:
            self.read.children.append(child)
        for issue in self.read.issues[before:]:
            if issue.child:
                self.bad.add(issue.child)
        count = len(self.first_line)
        if count % 2000 == 0:
            self.ticker.to(5 + min(35, count // 2000), f"Checking children ({count:,})")
        problem = too_many(self.read.issues, count, node.line, what="children", label=self.label)
        if problem is not None:
            self.read.issues.append(problem)
            raise Stop

    def limit_dob(self) -> tuple[dt.date, str]:
        """The latest a date of birth can be: the census's ReferenceDate (rule 8520), or
        today when the file has none."""
        if self.read.reference is not None:
            return (
                self.read.reference,
                f"the census's ReferenceDate ({format_uk(self.read.reference)})",
            )
        return self.today, "today"


def _check(path: str | Path, ticker: Ticker) -> _Read:
    label = Path(path).name
    ticker.to(0, f"Reading {label}")
    read = _Read()
    census = _Census(label, read, ticker)
    handler = StreamHandler("Child", "Children", census.root, census.record, census.kept)
    try:
        stream_xml(path, handler)
    except XmlProblem as exc:
        read.children = []
        read.issues = [ImportIssue(label, exc.line, "", None, str(exc), is_xml=True)]
        return read
    if not census.children_seen and not read.children and not read.issues:
        read.issues.append(
            ImportIssue(
                label,
                0,
                "",
                None,
                "not a CIN census file: there is no <Children> element in <Message>",
                is_xml=True,
            )
        )
    read.children = [c for c in read.children if c.local_id not in census.bad]
    read.elements = account(CIN_ELEMENTS, handler.paths)
    ticker.to(45, "Checked")
    return read


def _text(parent: Node | None, tag: str) -> str:
    found = parent.find(tag) if parent is not None else None
    return found.text if found is not None else ""


def _reader(label: str, node: Node, issues: list[ImportIssue], child: str | None) -> FieldReader:
    return FieldReader(label, node.line, issues, child, is_xml=True)


def _value(parent: Node | None, tag: str) -> tuple[str, int | None]:
    """An element's text and line ("" and None when absent)."""
    found = parent.find(tag) if parent is not None else None
    if found is None:
        return "", None
    return found.text, found.line


class _Fields:
    """Reads child elements of one parent, reporting each at its own line."""

    def __init__(self, label: str, parent: Node, issues: list[ImportIssue], child: str | None):
        self.parent = parent
        self.reader = _reader(label, parent, issues, child)

    def _at(self, tag: str) -> tuple[str, FieldReader]:
        found = self.parent.find(tag)
        self.reader.row = found.line if found is not None else self.parent.line
        if found is not None and found.cut:
            self.reader.issue(tag, found.text[:60], "far too long for this element")
            return "", self.reader
        return (found.text if found is not None else ""), self.reader

    def date(self, tag: str, *, required: bool = False) -> dt.date | None:
        text, f = self._at(tag)
        return f.iso_date(tag, text, required=required)

    def text(self, tag: str, *, max_len: int = 0, required: bool = False) -> str:
        text, f = self._at(tag)
        return f.text(tag, text, required=required, max_len=max_len)

    def code(self, tag: str, codes, *, what: str, required: bool = False) -> str | None:
        text, f = self._at(tag)
        return f.code(tag, text, codes, what=what, required=required)

    def flag(self, tag: str) -> bool:
        text, f = self._at(tag)
        return bool(f.flag(tag, text))

    def number(self, tag: str) -> int | None:
        text, f = self._at(tag)
        return f.whole_number(tag, text)

    def issue(self, tag: str, value: str | None, message: str) -> None:
        _text, f = self._at(tag)
        f.issue(tag, value, message)


def _child(
    label: str,
    node: Node,
    issues: list[ImportIssue],
    first_line: dict[str, int],
    latest_dob: tuple[dt.date, str],
) -> CinRecords | None:
    ids = node.find("ChildIdentifiers")
    local_id, _line = _value(ids, "LAchildID")
    if ids is None or not local_id:
        at = ids if ids is not None else node
        _reader(label, at, issues, None).issue(
            "LAchildID", "", "a child needs an LAchildID (its id in your case-management system)"
        )
        return None
    f = _Fields(label, ids, issues, local_id)
    f.text("LAchildID", max_len=50)
    if local_id in first_line:
        f.issue(
            "LAchildID",
            local_id,
            f"this child is already in the file at line {first_line[local_id]}",
        )
        return None
    first_line[local_id] = ids.line
    dob = f.date("PersonBirthDate")
    expected = f.date("ExpectedPersonBirthDate")
    if dob is None and expected is None and not _value(ids, "PersonBirthDate")[0]:
        f.issue("PersonBirthDate", "", "a date of birth or an expected date of birth is required")
    limit, limit_text = latest_dob
    if dob is not None and dob > limit:
        f.issue(
            "PersonBirthDate",
            dob.isoformat(),
            f"in the future: after {limit_text} (rule 8520); an unborn child has an "
            "ExpectedPersonBirthDate instead",
        )
        dob = None
    sex_tag = "Sex" if ids.find("Sex") is not None else "GenderCurrent"
    sex = f.code(sex_tag, SEX_CIN, what="sex")
    characteristics = node.find("ChildCharacteristics")
    ethnicity = None
    if characteristics is not None:
        ethnicity = _Fields(label, characteristics, issues, local_id).code(
            "Ethnicity", ETHNICITY, what="ethnicity"
        )
    child = CinRecords(
        local_id,
        {
            "dob": dob,
            "expected_delivery": expected if dob is None else None,
            "sex": SEX_CIN.get(sex) if sex else None,
            "upn": f.text("UPN", max_len=13) or None,
            "ethnicity": ethnicity,
        },
    )
    for details in node.findall("CINdetails"):
        _details(label, details, issues, local_id, child)
    _check_child(label, node, issues, local_id, child)
    child.episodes.sort(key=lambda e: e.referral or dt.date.min)
    return child


def _details(
    label: str,
    details: Node,
    issues: list[ImportIssue],
    child: str,
    out: CinRecords,
) -> None:
    f = _Fields(label, details, issues, child)
    episode = CinEpisode(
        referral=f.date("CINreferralDate", required=True),
        closure=f.date("CINclosureDate"),
        reason=f.code("ReasonForClosure", REASON_FOR_CLOSURE, what="reason for closure"),
        icpc=f.date("DateOfInitialCPC"),
    )
    if episode.closure is not None and episode.reason is None and not f.reader.failed:
        f.issue("ReasonForClosure", "", "the episode is closed, so a reason is needed (rule 8805)")
    if episode.reason is not None and episode.closure is None:
        f.issue(
            "CINclosureDate",
            "",
            "a reason for closure is given, so a closure date is needed (rule 8810)",
        )
    if episode.referral and episode.closure and episode.closure < episode.referral:
        f.issue(
            "CINclosureDate",
            episode.closure.isoformat(),
            f"before the referral ({format_uk(episode.referral)})",
        )

    for s47 in details.findall("Section47"):
        s = _Fields(label, s47, issues, child)
        start = s.date("S47ActualStartDate", required=True)
        icpc = s.date("DateOfInitialCPC")
        not_required = s.flag("ICPCnotRequired")
        if start is None:
            continue
        if icpc is not None and icpc < start:
            s.issue(
                "DateOfInitialCPC",
                icpc.isoformat(),
                f"the initial conference is before the s47 enquiry started ({format_uk(start)})",
            )
        if icpc is not None and not_required:
            s.issue("ICPCnotRequired", "true", "an initial conference date is given as well")
        if icpc is not None and icpc == episode.icpc:
            s.issue(
                "DateOfInitialCPC",
                icpc.isoformat(),
                "also given at CINdetails level: a conference is recorded at one level only "
                "(rule 2884)",
            )
        _after_closure(s, episode, "S47ActualStartDate", start)
        _after_closure(s, episode, "DateOfInitialCPC", icpc)
        episode.s47s.append(S47Record(start, icpc, not_required))
    _after_closure(f, episode, "DateOfInitialCPC", episode.icpc)

    for node in details.findall("ChildProtectionPlans"):
        p = _Fields(label, node, issues, child)
        start = p.date("CPPstartDate", required=True)
        end = p.date("CPPendDate")
        initial = p.code(
            "InitialCategoryOfAbuse", CP_CATEGORY, what="category of abuse", required=True
        )
        latest = p.code("LatestCategoryOfAbuse", CP_CATEGORY, what="category of abuse")
        previous = p.number("NumberOfPreviousCPP")
        if start is not None and end is not None and end < start:
            p.issue(
                "CPPendDate",
                end.isoformat(),
                f"the plan ends before it starts ({format_uk(start)})",
            )
        _after_closure(p, episode, "CPPendDate", end)
        reviews: list[dt.date] = []
        for review in node.iter("CPPreviewDate"):
            r = _reader(label, review, issues, child)
            day = r.iso_date("CPPreviewDate", review.text)
            if day is None or start is None:
                continue
            if day in reviews:
                r.issue("CPPreviewDate", review.text, "this review date appears twice for the plan")
            elif day <= start:
                r.issue(
                    "CPPreviewDate",
                    review.text,
                    f"on or before the day the plan started ({format_uk(start)}): a review "
                    "conference is held after it (rule 8841)",
                )
            elif end is not None and day > end:
                r.issue("CPPreviewDate", review.text, f"after the plan ended ({format_uk(end)})")
            else:
                reviews.append(day)
        if start is None:
            continue
        episode.plans.append(
            PlanRecord(start, end, initial, latest or initial, previous or 0, sorted(reviews))
        )
    out.episodes.append(episode)


def _after_closure(f: _Fields, episode: CinEpisode, tag: str, day: dt.date | None) -> None:
    """Rule 8565: nothing in an episode happens after it closed."""
    if day is not None and episode.closure is not None and day > episode.closure:
        f.issue(
            tag,
            day.isoformat(),
            f"after the episode of need closed ({format_uk(episode.closure)}, rule 8565)",
        )


def _check_child(
    label: str, node: Node, issues: list[ImportIssue], child: str, records: CinRecords
) -> None:
    """Across all of one child's CIN episodes: repeated enquiries, overlapping plans."""
    f = _reader(label, node, issues, child)
    seen: set[dt.date] = set()
    referrals: set[dt.date] = set()
    for e in records.episodes:
        if e.referral is not None and e.referral in referrals:
            f.issue(
                "CINreferralDate",
                e.referral.isoformat(),
                "two episodes of need start on this date",
            )
        if e.referral is not None:
            referrals.add(e.referral)
        for s in e.s47s:
            if s.start in seen:
                f.issue(
                    "S47ActualStartDate",
                    s.start.isoformat(),
                    "two s47 enquiries start on this date",
                )
            seen.add(s.start)
    plans = sorted((p for e in records.episodes for p in e.plans), key=lambda p: p.start)
    for prev, cur in zip(plans, plans[1:], strict=False):
        if prev.end is None or cur.start < prev.end:
            ends = "has no end date" if prev.end is None else f"ends on {format_uk(prev.end)}"
            f.issue(
                "CPPstartDate",
                cur.start.isoformat(),
                f"overlaps the plan that started {format_uk(prev.start)}, which {ends}",
            )


__all__ = ["KINDS", "MAX_CHILDREN", "MAX_ERRORS", "check_cin", "infer_span", "prepare_cin"]
