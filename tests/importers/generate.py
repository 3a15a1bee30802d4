"""Clean SSDA903 and CIN census files made from the public specifications (docs/domain.md, "Codes").

Deterministic for a seed, so tests and the benchmark see the same files. The nasty files the
tests need are written by hand in the tests themselves, each beside the check it exercises.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

HEADER = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
EPISODES = [
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
]
REVIEWS = ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"]
ETHNIC = ["WBRI", "WIRI", "MWBC", "ABAN", "BAFR", "CHNE", "OOTH"]
PLACES = ["U1", "U4", "U6", "K2", "R1", "H5"]


def uk(d: dt.date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


@dataclass
class Files903:
    header: Path
    episodes: Path
    reviews: Path
    children: int = 0
    episode_rows: int = 0
    review_rows: int = 0


@dataclass
class Rows903:
    header: list[list[str]] = field(default_factory=list)
    episodes: list[list[str]] = field(default_factory=list)
    reviews: list[list[str]] = field(default_factory=list)


def rows_903(children: int, *, seed: int = 1, as_of: dt.date = dt.date(2024, 3, 31)) -> Rows903:
    """Children in care on time: about 1.7 episodes and 4 reviews each, all valid."""
    rng = random.Random(seed)
    out = Rows903()
    for i in range(children):
        child = f"C{i + 1:06d}"
        start = as_of - dt.timedelta(days=rng.randint(420, 700))
        dob = start - dt.timedelta(days=rng.randint(30, 16 * 365))
        out.header.append([child, rng.choice("12"), uk(dob), rng.choice(ETHNIC), "", "", ""])
        place = rng.choice(PLACES)
        shape = i % 3
        if shape == 0:  # one open episode
            episodes = [(start, None, "S", "C2", None)]
        elif shape == 1:  # a change of legal status in the same period (X1)
            change = start + dt.timedelta(days=rng.randint(30, 200))
            episodes = [(start, change, "S", "C1", "X1"), (change, None, "L", "C2", None)]
        else:  # left care and came back: two periods
            left = start + dt.timedelta(days=rng.randint(120, 200))
            back = left + dt.timedelta(days=rng.randint(20, 60))
            episodes = [(start, left, "S", "V2", "E13"), (back, None, "S", "C2", None)]
        period_starts: list[tuple[dt.date, dt.date | None]] = []
        for decom, dec, rne, ls, rec in episodes:
            out.episodes.append(
                [child, uk(decom), rne, ls, "N1", place, "PR1", uk(dec), rec or ""]
                + ["", "", "", ""]
            )
            if rne == "S":
                period_starts.append((decom, None))
            if dec is not None and rec != "X1":
                period_starts[-1] = (period_starts[-1][0], dec)
        for p_start, p_end in period_starts:
            day = p_start + dt.timedelta(days=rng.randint(5, 25))  # 20 working days ~ 28 days
            gap = 80  # 2nd review within 3 months, later ones within 6
            while day <= (p_end or as_of):
                code = "PN0" if _age(dob, day) < 4 else f"PN{rng.randint(1, 7)}"
                out.reviews.append([child, uk(dob), uk(day), code])
                day += dt.timedelta(days=gap + rng.randint(0, 8))
                gap = 170
    return out


def _age(dob: dt.date, on: dt.date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def write_csv(path: Path, columns: list[str], rows: list[list[str]], **kwargs) -> Path:
    with path.open("w", newline="", encoding=kwargs.pop("encoding", "utf-8")) as fh:
        writer = csv.writer(fh, **kwargs)
        writer.writerow(columns)
        writer.writerows(rows)
    return path


def write_903(folder: Path, children: int = 20, *, seed: int = 1, rows: Rows903 | None = None):
    """Header.csv, Episodes.csv and Reviews.csv in ``folder``."""
    rows = rows or rows_903(children, seed=seed)
    folder.mkdir(parents=True, exist_ok=True)
    return Files903(
        write_csv(folder / "header.csv", HEADER, rows.header),
        write_csv(folder / "episodes.csv", EPISODES, rows.episodes),
        write_csv(folder / "reviews.csv", REVIEWS, rows.reviews),
        len(rows.header),
        len(rows.episodes),
        len(rows.reviews),
    )


# --- CIN census --------------------------------------------------------------------------------


@dataclass
class CinChild:
    local_id: str
    dob: dt.date | None
    s47: dt.date
    icpc: dt.date | None
    plan_start: dt.date | None = None
    plan_end: dt.date | None = None
    category: str = "NEG"
    reviews: list[dt.date] = field(default_factory=list)
    expected: dt.date | None = None
    sex: str = "F"


def cin_children(children: int, *, seed: int = 1, as_of=dt.date(2024, 3, 31)) -> list[CinChild]:
    rng = random.Random(seed)
    out = []
    for i in range(children):
        dob = as_of - dt.timedelta(days=rng.randint(365, 15 * 365))
        s47 = as_of - dt.timedelta(days=rng.randint(200, 500))
        icpc = s47 + dt.timedelta(days=rng.randint(7, 19))  # within 15 working days
        c = CinChild(f"P{i + 1:06d}", dob, s47, icpc, icpc, category=rng.choice(["NEG", "EMO"]))
        day = icpc + dt.timedelta(days=rng.randint(60, 85))
        while day <= as_of:
            c.reviews.append(day)
            day += dt.timedelta(days=rng.randint(150, 175))
        out.append(c)
    return out


def cin_xml(children: list[CinChild]) -> str:
    def el(tag: str, value: object) -> str:
        if value is None or value == "":
            return ""
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        return f"<{tag}>{escape(text)}</{tag}>"

    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<Message>",
        "<Header><CollectionDetails><Collection>CIN</Collection><Year>2024</Year>"
        "<ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails></Header>",
        "<Children>",
    ]
    for c in children:
        parts.append("<Child>")
        parts.append(
            "<ChildIdentifiers>"
            + el("LAchildID", c.local_id)
            + el("PersonBirthDate", c.dob)
            + el("ExpectedPersonBirthDate", c.expected)
            + el("Sex", c.sex)
            + "</ChildIdentifiers>"
        )
        parts.append("<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>")
        parts.append("<CINdetails>")
        parts.append(el("CINreferralDate", c.s47 - dt.timedelta(days=3)))
        parts.append(
            "<Section47>"
            + el("S47ActualStartDate", c.s47)
            + el("InitialCPCtarget", c.s47 + dt.timedelta(days=21))
            + el("DateOfInitialCPC", c.icpc)
            + el("ICPCnotRequired", "false")
            + "</Section47>"
        )
        if c.plan_start:
            parts.append(
                "<ChildProtectionPlans>"
                + el("CPPstartDate", c.plan_start)
                + el("CPPendDate", c.plan_end)
                + el("InitialCategoryOfAbuse", c.category)
                + el("LatestCategoryOfAbuse", c.category)
                + el("NumberOfPreviousCPP", 0)
                + "<Reviews>"
                + "".join(el("CPPreviewDate", d) for d in c.reviews)
                + "</Reviews></ChildProtectionPlans>"
            )
        parts.append("</CINdetails></Child>")
    parts.append("</Children></Message>")
    return "\n".join(parts) + "\n"


def write_cin(path: Path, children: int | list[CinChild] = 20, *, seed: int = 1) -> Path:
    kids = cin_children(children, seed=seed) if isinstance(children, int) else children
    path.write_text(cin_xml(kids), encoding="utf-8")
    return path
