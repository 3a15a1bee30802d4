"""True histories of children, and the yearly returns a council sends for them (test-side).

A history is what really happened: every CIN episode of need, s47 enquiry, initial
conference, plan and review conference of a child (`CpHistory`); every episode of care and
review of a looked-after child (`LacHistory`). `census` and `return_903` cut a history into
the return for one collection year, following the DfE's rules for what a return holds (not
reviewdesk's code): a record is returned for every year it is open in, with its real start
date and its end only once it has ended; reviews in the year they were held; an s47 enquiry
that has not held its initial conference by the year's end only in the year it started
(rule 8740); a plan's initial conference at CINdetails level when its s47 is not in that
year's return (rule 2885). `census_combined` and `return_903_combined` write every year in
one file.

Histories are generated with the cases that catch due-date code out: conferences around
bank holidays and month ends, reviews held on their due date and the day after, plans
ending on a review's due date, a new s47 while a plan is open, s47s that never had a
conference, transfer-ins, periods of care already open when the first return begins.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import holidays as holidays_lib
import numpy as np

D = dt.date
FIRST_YEAR = 2018  # the first return generated: 2018-19
LAST_YEAR = 2023  # the last: 2023-24
AS_OF = D(LAST_YEAR + 1, 3, 31)

# --- working days and months, written here (not reviewdesk's) ----------------------------

_BANK = sorted(holidays_lib.UK(subdiv="ENG", years=range(2010, 2031)).keys())
_CAL = np.busdaycalendar(weekmask="1111100", holidays=_BANK)


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The nth working day after ``day`` (``day`` is day 0 whether or not it is one)."""
    out = np.busday_offset(np.datetime64(day, "D"), n, roll="backward", busdaycal=_CAL)
    return out.astype(dt.date)


def add_months(day: dt.date, n: int) -> dt.date:
    """``day`` plus n calendar months, clamped to the month's last day."""
    month = day.month - 1 + n
    year, month = day.year + month // 12, month % 12 + 1
    return D(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def year_start(year: int) -> dt.date:
    return D(year, 4, 1)


def year_end(year: int) -> dt.date:
    return D(year + 1, 3, 31)


def year_of(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


# --- child protection ------------------------------------------------------------------------


@dataclass
class S47:
    start: dt.date
    icpc: dt.date | None = None
    not_required: bool = False

    def resolved(self) -> dt.date | None:
        """The day the enquiry stopped waiting for a conference (held), if it did."""
        return self.icpc


@dataclass
class Plan:
    start: dt.date  # the initial conference's date (rule 2885)
    end: dt.date | None
    category: str
    reviews: list[dt.date] = field(default_factory=list)
    s47: S47 | None = None  # None: a transfer-in (the conference is in no s47)


@dataclass
class CinEpisode:
    referral: dt.date
    closure: dt.date | None = None
    reason: str | None = None
    s47s: list[S47] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)


@dataclass
class CpHistory:
    local_id: str
    dob: dt.date
    episodes: list[CinEpisode] = field(default_factory=list)


#: Days that catch working-day code out: Christmas, Easter, the late May and August bank
#: holidays, month ends.
TRICKY = [
    D(2018, 12, 21),
    D(2019, 4, 17),
    D(2019, 8, 23),
    D(2019, 12, 20),
    D(2020, 4, 9),
    D(2020, 5, 7),
    D(2020, 12, 24),
    D(2021, 3, 31),
    D(2021, 8, 31),
    D(2021, 12, 23),
    D(2022, 1, 31),
    D(2022, 5, 31),
    D(2022, 9, 16),
    D(2022, 12, 23),
    D(2023, 4, 6),
    D(2023, 5, 5),
    D(2023, 8, 31),
    D(2023, 12, 22),
]


def _held(rng: random.Random, due: dt.date) -> dt.date:
    """When a meeting due on ``due`` was held: usually before, sometimes on it, the day
    after, or late."""
    roll = rng.random()
    if roll < 0.12:
        return due
    if roll < 0.20:
        return due + dt.timedelta(days=1)
    if roll < 0.28:
        return due + dt.timedelta(days=rng.randint(2, 40))
    return due - dt.timedelta(days=rng.randint(1, 25))


def _review_plan(rng: random.Random, plan: Plan, as_of: dt.date) -> dt.date | None:
    """Hold the plan's reviews until it ends (returned) or the as-of date; the plan ends at a
    review, on a review's due date with no review, or stays open."""
    due = add_months(plan.start, 3)
    previous = plan.start
    while True:
        if rng.random() < 0.06 and due <= as_of:
            return due  # ended on the day the review was due, without it
        held = max(_held(rng, due), previous + dt.timedelta(days=1))
        if held > as_of:
            return None
        plan.reviews.append(held)
        if rng.random() < 0.3:
            return held  # ended at the review conference
        previous, due = held, add_months(held, 6)


def cp_history(local_id: str, rng: random.Random, as_of: dt.date = AS_OF) -> CpHistory:
    dob = D(2006, 1, 1) + dt.timedelta(days=rng.randint(0, 9 * 365))
    child = CpHistory(local_id, dob)
    day = max(dob + dt.timedelta(days=30), D(2016, 4, 1) + dt.timedelta(days=rng.randint(0, 2700)))
    if rng.random() < 0.25:
        day = rng.choice(TRICKY) - dt.timedelta(days=rng.randint(0, 3))
    for _ in range(rng.choice([1, 1, 2])):
        if day > as_of - dt.timedelta(days=10):
            break
        episode = CinEpisode(referral=day)
        child.episodes.append(episode)
        kind = rng.choices(
            ["plan", "transfer", "not_required", "no_icpc", "icpc_only"], [60, 10, 10, 10, 10]
        )[0]
        s47 = None if kind == "transfer" else S47(day + dt.timedelta(days=rng.randint(0, 6)))
        if s47 is not None:
            episode.s47s.append(s47)
        last = s47.start if s47 else day
        if kind == "not_required":
            s47.not_required = True
        elif kind == "no_icpc":
            # The enquiry never had its conference; the episode closed soon after (an s47
            # with no conference is not returned after its year, rule 8740).
            closure = s47.start + dt.timedelta(days=rng.randint(10, 60))
            if closure <= as_of:
                episode.closure, episode.reason = closure, "RC8"
            break
        else:
            icpc = add_working_days(s47.start if s47 else day, rng.randint(6, 19))
            if icpc.weekday() >= 5:  # rule 8875: never a weekend
                icpc += dt.timedelta(days=7 - icpc.weekday())
            if icpc > as_of:
                s47.icpc = None
            else:
                if s47 is not None:
                    s47.icpc = icpc
                last = icpc
                if kind in ("plan", "transfer"):
                    plan = Plan(
                        icpc, None, rng.choice(["NEG", "EMO", "PHY", "SAB", "MUL"]), s47=s47
                    )
                    plan.end = _review_plan(rng, plan, as_of)
                    episode.plans.append(plan)
                    last = plan.end or as_of
                    if plan.end is None and rng.random() < 0.3:
                        # A new s47 while the plan is open, its conference not yet held.
                        extra = as_of - dt.timedelta(days=rng.randint(2, 25))
                        if extra > plan.start and all(r < extra for r in plan.reviews):
                            episode.s47s.append(S47(extra))
        if last >= as_of or (episode.plans and episode.plans[-1].end is None):
            break
        if rng.random() < 0.8:
            closure = last + dt.timedelta(days=rng.randint(0, 60))
            if closure <= as_of:
                episode.closure = closure
                episode.reason = rng.choice(["RC7", "RC8", "RC1", "RC4"])
        if episode.closure is None:
            break
        day = episode.closure + dt.timedelta(days=rng.randint(20, 500))
    return child


def cp_histories(children: int, seed: int = 1) -> list[CpHistory]:
    rng = random.Random(seed)
    return [cp_history(f"P{i + 1:05d}", rng) for i in range(children)]


# --- a census year ---------------------------------------------------------------------------


def _overlaps(start: dt.date, end: dt.date | None, year: int) -> bool:
    return start <= year_end(year) and (end is None or end >= year_start(year))


def _shown_end(end: dt.date | None, year: int) -> dt.date | None:
    return end if end is not None and end <= year_end(year) else None


def _s47_in_year(s: S47, episode: CinEpisode, year: int) -> bool:
    """Rule 8740: an enquiry without its conference by the year's end is returned only in
    the year it started; one that had it, in each year from its start to its conference."""
    if s.start > year_end(year):
        return False
    done = s.icpc if s.icpc is not None else (s.start if s.not_required else None)
    if done is not None and done <= year_end(year):
        return done >= year_start(year) or s.start >= year_start(year)
    return s.start >= year_start(year)


def _el(tag: str, value: object) -> str:
    if value is None or value == "":
        return ""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return f"<{tag}>{escape(text)}</{tag}>"


def _child_xml(child: CpHistory, years: range) -> str:
    """The child's CINdetails for the returns of ``years`` together ("" if none)."""
    last = years[-1]
    details = []
    for ep in child.episodes:
        if not any(_overlaps(ep.referral, ep.closure, y) for y in years):
            continue
        s47s = [s for s in ep.s47s if any(_s47_in_year(s, ep, y) for y in years)]
        plans = [p for p in ep.plans if any(_overlaps(p.start, p.end, y) for y in years)]
        shown_s47 = {id(s) for s in s47s}
        # Rule 2885: the plan's conference at CINdetails level when its s47 is not returned.
        loose = [p.start for p in plans if p.s47 is None or id(p.s47) not in shown_s47]
        parts = [_el("CINreferralDate", ep.referral)]
        closure = _shown_end(ep.closure, last)
        parts += [
            _el("CINclosureDate", closure),
            _el("ReasonForClosure", ep.reason if closure else None),
        ]
        parts.append(_el("DateOfInitialCPC", loose[0] if loose else None))
        for s in s47s:
            icpc = s.icpc if s.icpc is not None and s.icpc <= year_end(last) else None
            parts.append(
                "<Section47>"
                + _el("S47ActualStartDate", s.start)
                + _el("DateOfInitialCPC", icpc)
                + _el("ICPCnotRequired", "true" if s.not_required else "false")
                + "</Section47>"
            )
        for p in plans:
            reviews = [
                r for r in p.reviews if any(year_start(y) <= r <= year_end(y) for y in years)
            ]
            parts.append(
                "<ChildProtectionPlans>"
                + _el("CPPstartDate", p.start)
                + _el("CPPendDate", _shown_end(p.end, last))
                + _el("InitialCategoryOfAbuse", p.category)
                + _el("LatestCategoryOfAbuse", p.category)
                + _el("NumberOfPreviousCPP", 0)
                + "<Reviews>"
                + "".join(_el("CPPreviewDate", r) for r in reviews)
                + "</Reviews></ChildProtectionPlans>"
            )
        details.append("<CINdetails>" + "".join(parts) + "</CINdetails>")
    if not details:
        return ""
    return (
        "<Child><ChildIdentifiers>"
        + _el("LAchildID", child.local_id)
        + _el("PersonBirthDate", child.dob)
        + _el("Sex", "F")
        + "</ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity>"
        + "</ChildCharacteristics>"
        + "".join(details)
        + "</Child>"
    )


def _census(children: list[CpHistory], years: range) -> str:
    reference = year_end(years[-1])
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Message><Header><CollectionDetails>'
        f"<Collection>CIN</Collection><Year>{reference.year}</Year>"
        f"<ReferenceDate>{reference.isoformat()}</ReferenceDate></CollectionDetails></Header>"
        "<Children>\n"
    )
    body = "\n".join(x for c in children if (x := _child_xml(c, years)))
    return head + body + "\n</Children></Message>\n"


def census(children: list[CpHistory], year: int) -> str:
    """The CIN census for the collection year starting in April ``year``."""
    return _census(children, range(year, year + 1))


def census_combined(children: list[CpHistory], first: int, last: int) -> str:
    """Every year from ``first`` to ``last`` in one file."""
    return _census(children, range(first, last + 1))


# --- looked after -----------------------------------------------------------------------------


@dataclass
class Episode903:
    start: dt.date
    end: dt.date | None
    rne: str
    legal_status: str
    place: str
    rec: str | None  # X1 or an E code when it ended


@dataclass
class LacHistory:
    local_id: str
    dob: dt.date
    episodes: list[Episode903] = field(default_factory=list)
    reviews: list[dt.date] = field(default_factory=list)

    def periods(self) -> list[tuple[dt.date, dt.date | None]]:
        """Periods of care: runs of episodes joined by X1."""
        out: list[tuple[dt.date, dt.date | None]] = []
        start = None
        for e in self.episodes:
            start = start or e.start
            if e.rec != "X1":
                out.append((start, e.end))
                start = None
        return out


def lac_history(local_id: str, rng: random.Random, as_of: dt.date = AS_OF) -> LacHistory:
    dob = D(2004, 1, 1) + dt.timedelta(days=rng.randint(0, 14 * 365))
    child = LacHistory(local_id, dob)
    day = max(dob + dt.timedelta(days=1), D(2014, 4, 1) + dt.timedelta(days=rng.randint(0, 3500)))
    if rng.random() < 0.25:
        day = rng.choice(TRICKY) - dt.timedelta(days=rng.randint(0, 3))
    for _ in range(rng.choice([1, 1, 2])):
        if day > as_of - dt.timedelta(days=10):
            break
        start = day
        # Reviews: 1st within 20 working days, 2nd within 3 months, then 6-monthly.
        end = None
        due, n, previous = add_working_days(start, 20), 1, start
        while True:
            if rng.random() < 0.05 and due <= as_of:
                end = due  # left care on the day a review was due
                break
            held = max(_held(rng, due), previous + dt.timedelta(days=1))
            if held > as_of:
                break
            child.reviews.append(held)
            if n >= 2 and rng.random() < 0.2:
                end = held + dt.timedelta(days=rng.randint(0, 40))
                if end > as_of:
                    end = None
                break
            previous, n = held, n + 1
            due = add_months(held, 3 if n == 2 else 6)
        # Episodes: changes of placement or legal status within the period (X1).
        cuts = sorted(
            {
                start + dt.timedelta(days=rng.randint(1, 900))
                for _ in range(rng.choice([0, 0, 1, 2]))
            }
        )
        cuts = [c for c in cuts if c < (end or as_of)]
        bounds = [start, *cuts]
        status = rng.choice(["C1", "C2", "V2", "E1"])
        for i, s in enumerate(bounds):
            last = i == len(bounds) - 1
            e_end = end if last else bounds[i + 1]
            rec = (
                None if e_end is None else ("X1" if not last else rng.choice(["E11", "E13", "E4A"]))
            )
            child.episodes.append(
                Episode903(
                    s,
                    e_end,
                    "S" if i == 0 else rng.choice("LPT"),
                    status,
                    rng.choice(["U1", "U4", "K2"]),
                    rec,
                )
            )
            status = rng.choice(["C2", "E1"])
        if end is None:
            break
        day = end + dt.timedelta(days=rng.randint(15, 400))
    return child


def lac_histories(children: int, seed: int = 1) -> list[LacHistory]:
    rng = random.Random(seed)
    return [lac_history(f"L{i + 1:05d}", rng) for i in range(children)]


def _uk(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _age(dob: dt.date, on: dt.date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def _return_903(children: list[LacHistory], years: range) -> tuple[str, str, str]:
    last = years[-1]
    header, episodes, reviews = (
        ["CHILD,SEX,DOB"],
        ["CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC"],
        ["CHILD,DOB,REVIEW,REVIEW_CODE"],
    )
    for c in children:
        eps = [e for e in c.episodes if any(_overlaps(e.start, e.end, y) for y in years)]
        if not eps:
            continue
        header.append(f"{c.local_id},1,{_uk(c.dob)}")
        for e in eps:
            end = _shown_end(e.end, last)
            episodes.append(
                f"{c.local_id},{_uk(e.start)},{e.rne},{e.legal_status},N1,{e.place},PR1,"
                f"{_uk(end)},{e.rec if end else ''}"
            )
        for r in c.reviews:
            if any(year_start(y) <= r <= year_end(y) for y in years):
                code = "PN0" if _age(c.dob, r) < 4 else "PN1"
                reviews.append(f"{c.local_id},{_uk(c.dob)},{_uk(r)},{code}")
    return tuple("\n".join(lines) + "\n" for lines in (header, episodes, reviews))  # type: ignore[return-value]


def return_903(children: list[LacHistory], year: int) -> tuple[str, str, str]:
    """The 903 return (header, episodes, reviews CSV text) for the year from April ``year``."""
    return _return_903(children, range(year, year + 1))


def return_903_combined(children: list[LacHistory], first: int, last: int) -> tuple[str, str, str]:
    return _return_903(children, range(first, last + 1))


def write_903_text(folder: Path, texts: tuple[str, str, str]) -> tuple[Path, Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = (folder / "header.csv", folder / "episodes.csv", folder / "reviews.csv")
    for path, text in zip(paths, texts, strict=True):
        path.write_text(text, encoding="utf-8")
    return paths
