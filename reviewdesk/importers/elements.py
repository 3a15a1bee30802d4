"""Every element of a return accounted for: what reviewdesk makes of it, or why it is ignored.

An import counts every element (CIN census) or column (903) it reads and reports each as
used, with what it becomes, or ignored, with why, so nothing in a return disappears without
a word (the import summary and the dry run show them). Elements not in the schema are
reported too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ElementCount:
    """One element (or column) of a return: how many there were and what became of them."""

    path: str
    count: int
    used: bool
    meaning: str

    def line(self) -> str:
        verdict = "used" if self.used else "ignored"
        return f"{self.path:<52} {self.count:7d}  {verdict}: {self.meaning}"


_NOT_NEEDED = "not needed for reviews and conferences"

#: CIN census elements (paths below <Message>, <Children><Child> written "Child"):
#: (used, what it becomes or why not). Containers are listed for what they group.
CIN_ELEMENTS: dict[str, tuple[bool, str]] = {
    "Message": (True, "the census"),
    "Header": (True, "the census's header"),
    "Header/CollectionDetails": (True, "the collection"),
    "Header/CollectionDetails/Collection": (True, 'checked: a census says "CIN"'),
    "Header/CollectionDetails/Year": (False, "the year is read from ReferenceDate"),
    "Header/CollectionDetails/ReferenceDate": (
        True,
        "the census year's last day: the collection year, and the latest a date of birth can "
        "be (rule 8520)",
    ),
    "Header/Source": (False, "who made the file: " + _NOT_NEEDED),
    "Children": (True, "the children"),
    "Child": (True, "a child, matched on LAchildID"),
    "Child/ChildIdentifiers": (True, "the child's identifiers"),
    "Child/ChildIdentifiers/LAchildID": (True, "the child's id (matches the 903's CHILD)"),
    "Child/ChildIdentifiers/UPN": (True, "the child's unique pupil number"),
    "Child/ChildIdentifiers/FormerUPN": (False, _NOT_NEEDED),
    "Child/ChildIdentifiers/UPNunknown": (False, _NOT_NEEDED),
    "Child/ChildIdentifiers/PersonBirthDate": (True, "date of birth (pre-birth conferences)"),
    "Child/ChildIdentifiers/ExpectedPersonBirthDate": (
        True,
        "expected date of delivery of an unborn child (pre-birth conferences)",
    ),
    "Child/ChildIdentifiers/Sex": (True, "sex"),
    "Child/ChildIdentifiers/GenderCurrent": (True, "sex (the element's older name)"),
    "Child/ChildIdentifiers/PersonDeathDate": (
        False,
        "not recorded by reviewdesk; the episode's CINclosureDate ends what it holds",
    ),
    "Child/ChildCharacteristics": (True, "the child's characteristics"),
    "Child/ChildCharacteristics/Ethnicity": (True, "ethnicity"),
    "Child/ChildCharacteristics/Disabilities": (False, _NOT_NEEDED),
    "Child/CINdetails": (True, "an episode of need"),
    "Child/CINdetails/CINreferralDate": (
        True,
        "the episode's start: it is known by it across years",
    ),
    "Child/CINdetails/ReferralSource": (False, "where the referral came from: " + _NOT_NEEDED),
    "Child/CINdetails/PrimaryNeedCode": (False, _NOT_NEEDED),
    "Child/CINdetails/ReferralNFA": (False, _NOT_NEEDED),
    "Child/CINdetails/CINclosureDate": (
        True,
        "closes its s47 enquiries (no conference awaited after it, rule 8740) and any plan "
        "left open",
    ),
    "Child/CINdetails/ReasonForClosure": (True, "why the episode closed (with its enquiries)"),
    "Child/CINdetails/DateOfInitialCPC": (
        True,
        "a held initial conference with no s47 in this census (rule 2885: a transfer-in, or "
        "an enquiry in an earlier episode or year)",
    ),
    "Child/CINdetails/Assessments": (False, "assessments are not reviews or conferences"),
    "Child/CINdetails/CINPlanDates": (False, "child in need plans are not child protection plans"),
    "Child/CINdetails/Section47": (True, "an s47 enquiry"),
    "Child/CINdetails/Section47/S47ActualStartDate": (
        True,
        "the strategy discussion: the initial conference's clock",
    ),
    "Child/CINdetails/Section47/InitialCPCtarget": (
        False,
        "the due date is worked out from the start date by the rules in force",
    ),
    "Child/CINdetails/Section47/DateOfInitialCPC": (True, "the held initial conference"),
    "Child/CINdetails/Section47/ICPCnotRequired": (True, "no conference is awaited"),
    "Child/CINdetails/ChildProtectionPlans": (True, "a child protection plan"),
    "Child/CINdetails/ChildProtectionPlans/CPPID": (False, "a plan is known by its start date"),
    "Child/CINdetails/ChildProtectionPlans/CPPstartDate": (True, "the plan's start"),
    "Child/CINdetails/ChildProtectionPlans/CPPendDate": (True, "the plan's end"),
    "Child/CINdetails/ChildProtectionPlans/InitialCategoryOfAbuse": (True, "initial category"),
    "Child/CINdetails/ChildProtectionPlans/LatestCategoryOfAbuse": (True, "latest category"),
    "Child/CINdetails/ChildProtectionPlans/NumberOfPreviousCPP": (True, "previous plans"),
    "Child/CINdetails/ChildProtectionPlans/Reviews": (True, "the plan's review conferences"),
    "Child/CINdetails/ChildProtectionPlans/Reviews/CPPreviewDate": (
        True,
        "a held review conference (after the plan's start day, rule 8841)",
    ),
}

_MOTHER = "whether the child is a mother, and her child's date of birth: " + _NOT_NEEDED

#: 903 columns, per file: (used, what it becomes or why not).
HEADER_COLUMNS: dict[str, tuple[bool, str]] = {
    "CHILD": (True, "the child's id (matches the census's LAchildID)"),
    "SEX": (True, "sex"),
    "DOB": (True, "date of birth (PN0 is only for a child under 4)"),
    "ETHNIC": (True, "ethnicity"),
    "UPN": (True, "unique pupil number"),
    "MOTHER": (False, _MOTHER),
    "MC_DOB": (False, _MOTHER),
}
EPISODE_COLUMNS: dict[str, tuple[bool, str]] = {
    "CHILD": (True, "the child"),
    "DECOM": (True, "the episode's start: periods of care begin with it"),
    "RNE": (True, "reason for the new episode"),
    "LS": (True, "legal status (short breaks follow their own rules)"),
    "CIN": (True, "category of need"),
    "PLACE": (True, "placement type"),
    "PLACE_PROVIDER": (True, "placement provider"),
    "DEC": (True, "the episode's end"),
    "REC": (True, "why it ended: X1 continues the period of care"),
    "REASON_PLACE_CHANGE": (True, "reason for a placement change"),
    "HOME_POST": (True, "home postcode"),
    "PL_POST": (True, "placement postcode"),
    "URN": (True, "the placement's Ofsted number"),
}
REVIEW_COLUMNS: dict[str, tuple[bool, str]] = {
    "CHILD": (True, "the child"),
    "DOB": (True, "checked against the header's date of birth"),
    "REVIEW": (True, "a held review, numbered within its period of care"),
    "REVIEW_CODE": (True, "the child's participation (PN0-PN7)"),
}


def _relative(path: str) -> str:
    """A stream path made readable: <Message> dropped, <Children><Child> as "Child"."""
    parts = path.split("/")
    if parts and parts[0] == "Message":
        parts = parts[1:]
    if parts[:2] == ["Children", "Child"]:
        parts = parts[1:]
    return "/".join(parts) or "Message"


def _known(table: Mapping[str, tuple[bool, str]], path: str) -> tuple[bool, str]:
    """What the schema says of a path; an unknown path under an ignored element is ignored
    for the same reason, any other is not part of the schema."""
    if path in table:
        return table[path]
    parts = path.split("/")
    for n in range(len(parts) - 1, 0, -1):
        prefix = "/".join(parts[:n])
        if prefix in table and not table[prefix][0]:
            return table[prefix]
    return False, "not part of the schema: ignored"


def account(table: Mapping[str, tuple[bool, str]], paths: Mapping[str, int]) -> list[ElementCount]:
    """Every element path seen, with its count and what became of it, in the order seen."""
    out: dict[str, list[int]] = {}
    for path, count in paths.items():
        key = _relative(path) if "/" in path or path == "Message" else path
        out.setdefault(key, [0])[0] += count
    return [ElementCount(path, n, *_known(table, path)) for path, (n,) in out.items()]


def account_columns(
    label: str, table: Mapping[str, tuple[bool, str]], columns: tuple[str, ...], rows: int
) -> list[ElementCount]:
    """A CSV file's columns, each with the number of rows read."""
    return [
        ElementCount(f"{label}: {column}", rows, *table.get(column, (False, "not a 903 column")))
        for column in columns
    ]
