"""Import child protection history from the CIN census XML (2024 schema).

What becomes what, per `Child` (matched on ChildIdentifiers/LAchildID):

- `Child`: date of birth (PersonBirthDate) or, for an unborn child, ExpectedPersonBirthDate;
  Sex (or the older GenderCurrent), UPN and Ethnicity. Names are not in the census.
- Each CINdetails/Section47 -> `CpEnquiry` (route "s47", ``strategy_date`` =
  S47ActualStartDate, ICPCnotRequired). Its DateOfInitialCPC -> a held initial conference:
  meeting type "icpc", or "icpc_prebirth" when the child was not yet born on that day.
  A CINdetails-level DateOfInitialCPC is used for the latest enquiry started on or before it
  that has no date of its own.
- Each ChildProtectionPlans -> `CpPlan` (start, end, initial and latest category,
  NumberOfPreviousCPP), linked to the enquiry whose conference was held on the plan's start
  date (else the latest enquiry started before it). Its Reviews/CPPreviewDate -> held review
  conferences: the first "rcpc_first", later ones "rcpc_subsequent", linked to the plan.
- ``sequence`` follows the due-date engine: 0 for the initial conference, then 1, 2, ... for
  the plan's review conferences.

Every element is checked before anything is written; errors name the file, the line, the
element, the value and the reason. See `reviewdesk.importers.store` for re-imports.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reviewdesk.codes import CP_CATEGORY, MeetingType
from reviewdesk.importers.codes903 import ETHNICITY, SEX_CIN
from reviewdesk.importers.fields import FieldReader
from reviewdesk.importers.report import ImportIssue, Progress
from reviewdesk.importers.runner import PreparedImport, Ticker, choose_year
from reviewdesk.importers.store import CpChildPlan, CpEnquiryPlan, CpPlanPlan, apply_cp
from reviewdesk.importers.xmlread import Node, XmlProblem, read_xml
from reviewdesk.importers.years import CollectionYear
from reviewdesk.vocabulary import format_uk

KINDS = ("children", "enquiries", "plans", "conferences")


def prepare_cin(
    path: str | Path,
    *,
    progress: Progress | None = None,
    year: CollectionYear | None = None,
) -> PreparedImport:
    """Read and check a CIN census file (never raises for bad data: ``issues`` lists every
    problem). ``year`` is the census's collection year; by default it is inferred (see
    `infer_year`). The import action (`reviewdesk.actions.import_cin`) writes."""
    ticker = Ticker(progress)
    plans, issues, reference = _check(path, ticker)
    year = choose_year(year, infer_year(plans, reference), issues)
    return PreparedImport(
        source="cin",
        origin=str(path),
        plans=plans,
        issues=issues,
        apply=apply_cp,
        kinds=KINDS,
        write_steps=5,
        year=year,
        ticker=ticker,
    )


def infer_year(plans: list[CpChildPlan], reference: dt.date | None = None) -> CollectionYear | None:
    """The collection year of the latest date in the census (or of its ReferenceDate).

    The census covers 1 April to 31 March; its header's ReferenceDate is the year's last day.
    """

    def dates():
        yield reference
        for child in plans:
            for e in child.enquiries:
                yield e.strategy_date
                yield e.icpc_date
            for p in child.plans:
                yield p.start
                yield p.end
                yield from p.reviews

    return CollectionYear.inferred(dates())


def _reference_date(root: Node) -> dt.date | None:
    """Header/CollectionDetails/ReferenceDate, when the file has a readable one."""
    header = root.find("Header")
    details = header.find("CollectionDetails") if header is not None else None
    text, _line = _value(details, "ReferenceDate")
    try:
        return dt.date.fromisoformat(text.strip()) if text else None
    except ValueError:
        return None


def check_cin(
    path: str | Path, *, ticker: Ticker | None = None
) -> tuple[list[CpChildPlan], list[ImportIssue]]:
    """Read and check a census file: the children without errors, and every error."""
    plans, issues, _reference = _check(path, ticker or Ticker(None))
    return plans, issues


def _check(
    path: str | Path, ticker: Ticker
) -> tuple[list[CpChildPlan], list[ImportIssue], dt.date | None]:
    """As `check_cin`, with the header's ReferenceDate (None if absent)."""
    label = Path(path).name
    ticker.to(0, f"Reading {label}")
    try:
        root = read_xml(path)
    except XmlProblem as exc:
        return [], [ImportIssue(label, exc.line, "", None, str(exc), is_xml=True)], None
    children_node = root.find("Children")
    if root.tag != "Message" or children_node is None:
        message = (
            f"not a CIN census file: the root element is <{root.tag}>; a census file has "
            "<Message> holding <Children>"
        )
        return [], [ImportIssue(label, root.line, "", None, message, is_xml=True)], None

    ticker.to(25, "Checking children")
    issues: list[ImportIssue] = []
    plans: list[CpChildPlan] = []
    first_line: dict[str, int] = {}
    for node in children_node.findall("Child"):
        plan = _child(label, node, issues, first_line)
        if plan is not None:
            plans.append(plan)
    bad = {i.child for i in issues}
    ticker.to(45, "Checked")
    return [p for p in plans if p.local_id not in bad], issues, _reference_date(root)


def _reader(label: str, node: Node, issues: list[ImportIssue], child: str | None) -> FieldReader:
    return FieldReader(label, node.line, issues, child, is_xml=True)


def _value(parent: Node | None, tag: str) -> tuple[str, int | None]:
    """An element's text and line ("" and None when absent)."""
    found = parent.find(tag) if parent is not None else None
    return (found.text, found.line) if found is not None else ("", None)


class _Fields:
    """Reads child elements of one parent, reporting each at its own line."""

    def __init__(self, label: str, parent: Node, issues: list[ImportIssue], child: str | None):
        self.parent = parent
        self.reader = _reader(label, parent, issues, child)

    def _at(self, tag: str) -> tuple[str, FieldReader]:
        text, line = _value(self.parent, tag)
        self.reader.row = line or self.parent.line
        return text, self.reader

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
    label: str, node: Node, issues: list[ImportIssue], first_line: dict[str, int]
) -> CpChildPlan | None:
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
    sex_tag = "Sex" if ids.find("Sex") is not None else "GenderCurrent"
    sex = f.code(sex_tag, SEX_CIN, what="sex")
    characteristics = node.find("ChildCharacteristics")
    ethnicity = None
    if characteristics is not None:
        ethnicity = _Fields(label, characteristics, issues, local_id).code(
            "Ethnicity", ETHNICITY, what="ethnicity"
        )
    plan = CpChildPlan(
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
        _details(label, details, issues, local_id, dob, plan)
    _check_child(label, node, issues, local_id, plan)
    plan.enquiries.sort(key=lambda e: e.strategy_date)
    plan.plans.sort(key=lambda p: p.start)
    return plan


def _details(
    label: str,
    details: Node,
    issues: list[ImportIssue],
    child: str,
    dob: dt.date | None,
    plan: CpChildPlan,
) -> None:
    enquiries: list[CpEnquiryPlan] = []
    for s47 in details.findall("Section47"):
        f = _Fields(label, s47, issues, child)
        start = f.date("S47ActualStartDate", required=True)
        f.date("InitialCPCtarget")
        icpc = f.date("DateOfInitialCPC")
        not_required = f.flag("ICPCnotRequired")
        if start is None:
            continue
        if icpc is not None and icpc < start:
            f.issue(
                "DateOfInitialCPC",
                icpc.isoformat(),
                f"the initial conference is before the s47 enquiry started ({format_uk(start)})",
            )
        if icpc is not None and not_required:
            f.issue("ICPCnotRequired", "true", "an initial conference date is given as well")
        enquiries.append(CpEnquiryPlan(start, not_required, icpc))

    f = _Fields(label, details, issues, child)
    shared_icpc = f.date("DateOfInitialCPC")
    if shared_icpc is not None and all(e.icpc_date != shared_icpc for e in enquiries):
        candidates = [
            e for e in enquiries if e.icpc_date is None and e.strategy_date <= shared_icpc
        ]
        if candidates:
            candidates[-1].icpc_date = shared_icpc
    for e in enquiries:
        if e.icpc_date is not None and (dob is None or e.icpc_date < dob):
            e.icpc_type = MeetingType.ICPC_PREBIRTH.value

    for node in details.findall("ChildProtectionPlans"):
        f = _Fields(label, node, issues, child)
        start = f.date("CPPstartDate", required=True)
        end = f.date("CPPendDate")
        initial = f.code(
            "InitialCategoryOfAbuse", CP_CATEGORY, what="category of abuse", required=True
        )
        latest = f.code("LatestCategoryOfAbuse", CP_CATEGORY, what="category of abuse")
        previous = f.number("NumberOfPreviousCPP")
        if start is not None and end is not None and end < start:
            f.issue(
                "CPPendDate",
                end.isoformat(),
                f"the plan ends before it starts ({format_uk(start)})",
            )
        reviews: list[dt.date] = []
        for review in node.iter("CPPreviewDate"):
            r = _reader(label, review, issues, child)
            day = r.iso_date("CPPreviewDate", review.text)
            if day is None or start is None:
                continue
            if day in reviews:
                r.issue("CPPreviewDate", review.text, "this review date appears twice for the plan")
            elif day < start:
                r.issue(
                    "CPPreviewDate", review.text, f"before the plan started ({format_uk(start)})"
                )
            elif end is not None and day > end:
                r.issue("CPPreviewDate", review.text, f"after the plan ended ({format_uk(end)})")
            else:
                reviews.append(day)
        if start is None:
            continue
        led = [e for e in enquiries if e.icpc_date == start] or [
            e for e in enquiries if e.strategy_date <= start
        ]
        plan.plans.append(
            CpPlanPlan(
                start,
                end,
                initial,
                latest or initial,
                previous or 0,
                led[-1].strategy_date if led else None,
                sorted(reviews),
            )
        )
    plan.enquiries.extend(enquiries)


def _check_child(
    label: str, node: Node, issues: list[ImportIssue], child: str, plan: CpChildPlan
) -> None:
    """Across all of one child's CIN episodes: repeated enquiries, overlapping plans."""
    f = _reader(label, node, issues, child)
    seen: set[dt.date] = set()
    for e in plan.enquiries:
        if e.strategy_date in seen:
            f.issue(
                "S47ActualStartDate",
                e.strategy_date.isoformat(),
                "two s47 enquiries start on this date",
            )
        seen.add(e.strategy_date)
    ordered = sorted(plan.plans, key=lambda p: p.start)
    for prev, cur in zip(ordered, ordered[1:], strict=False):
        if prev.end is None or cur.start < prev.end:
            ends = "has no end date" if prev.end is None else f"ends on {format_uk(prev.end)}"
            f.issue(
                "CPPstartDate",
                cur.start.isoformat(),
                f"overlaps the plan that started {format_uk(prev.start)}, which {ends}",
            )
