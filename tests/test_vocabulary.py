"""The shared words (`reviewdesk.vocabulary`): each defined once, its edge cases pinned, and
no module writing its own copy."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

from sqlalchemy import select

from reviewdesk.codes import MeetingStatus, MeetingType
from reviewdesk.engine import CpEpisodeInput, PeriodInput, cp_schedule, lac_schedule
from reviewdesk.rules import default_rules
from reviewdesk.storage.models import Child, CpPlan, PeriodOfCare
from reviewdesk.vocabulary import (
    AWAITED_STATUSES,
    CALLED_OFF_STATUSES,
    LIVE_STATUSES,
    age_on,
    child_name,
    covers,
    fold,
    format_uk,
    format_uk_long,
    format_uk_time,
    is_held,
    is_upcoming,
    meeting_label,
    meeting_type_label,
    name_key,
    open_on,
    ordinal,
    room_label,
    week_start,
)
from reviewdesk.workingdays import WorkingCalendar
from tests.dbfixtures import db, db_target, open_db  # noqa: F401

D = dt.date
ROOT = Path(__file__).resolve().parent.parent
RULES = default_rules()
CAL = WorkingCalendar()


# --- open on a date -------------------------------------------------------------------------


def test_a_period_ending_on_the_day_is_closed_that_day() -> None:
    start, end = D(2024, 1, 10), D(2024, 5, 1)
    assert not open_on(start, end, D(2024, 1, 9))
    assert open_on(start, end, start)  # starting today: open today
    assert open_on(start, end, D(2024, 4, 30))
    assert not open_on(start, end, end)  # left care today: closed today
    assert open_on(start, None, D(2099, 1, 1))


def test_a_meeting_on_the_last_day_belongs_to_the_period() -> None:
    start, end = D(2024, 1, 10), D(2024, 5, 1)
    assert covers(start, end, end) and covers(start, end, start)
    assert not covers(start, end, D(2024, 5, 2)) and not covers(start, end, D(2024, 1, 9))
    assert covers(start, None, D(2099, 1, 1))


def test_the_engine_agrees_a_child_leaving_care_today_has_no_review_due() -> None:
    def next_due(end: dt.date | None, as_of: dt.date):
        return lac_schedule(
            [PeriodInput(D(2024, 1, 10), end)], [], rules=RULES, calendar=CAL, as_of=as_of
        ).next_due

    as_of = D(2024, 5, 1)
    assert next_due(as_of, as_of) is None  # ends today: closed
    assert next_due(as_of + dt.timedelta(days=1), as_of) is not None  # ends tomorrow: open
    # The review held on the last day is that period's review.
    held = lac_schedule(
        [PeriodInput(D(2024, 1, 10), as_of)], [as_of], rules=RULES, calendar=CAL, as_of=as_of
    )
    assert [r.held for r in held.reviews] == [as_of]


def test_the_engine_agrees_a_plan_ending_today_needs_no_review() -> None:
    def plan(end: dt.date | None) -> CpEpisodeInput:
        return CpEpisodeInput(
            route="s47",
            strategy_date=D(2024, 1, 2),
            initial_held=D(2024, 1, 20),
            plan_start=D(2024, 1, 20),
            plan_end=end,
        )

    as_of = D(2024, 6, 3)
    assert cp_schedule([plan(as_of)], rules=RULES, calendar=CAL, as_of=as_of).next_due is None
    later = cp_schedule([plan(D(2024, 6, 4))], rules=RULES, calendar=CAL, as_of=as_of)
    assert later.next_due is not None


def test_the_sql_and_python_definitions_agree(db) -> None:  # noqa: F811
    """`open_on_sql` (what every query uses) against `open_on`, on random periods and plans,
    on the boundary days especially."""
    from reviewdesk.casework.predicates import period_open, plan_open

    rng = random.Random(13)
    spans = []
    for _ in range(60):
        start = D(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 90))
        end = None if rng.random() < 0.3 else start + dt.timedelta(days=rng.randint(0, 60))
        spans.append((start, end))
    with db.session() as s:
        ids = []
        for n, (start, end) in enumerate(spans):
            child = Child(local_id=f"V{n}", first_name="A", last_name="B", dob=D(2015, 1, 1))
            s.add(child)
            s.flush()
            s.add(PeriodOfCare(child_id=child.id, start=start, end_date=end))
            s.add(CpPlan(child_id=child.id, start=start, end_date=end))
            ids.append(child.id)
    days = {d for span in spans for d in span if d is not None}
    days |= {d + dt.timedelta(days=k) for d in list(days) for k in (-1, 1)}
    with db.session() as s:
        for day in sorted(days):
            expected = {cid for cid, (a, b) in zip(ids, spans, strict=True) if open_on(a, b, day)}
            periods = set(s.scalars(select(PeriodOfCare.child_id).where(period_open(day))))
            plans = set(s.scalars(select(CpPlan.child_id).where(plan_open(day))))
            assert periods == expected, day
            assert plans == expected, day


# --- meetings -------------------------------------------------------------------------------


def test_live_statuses() -> None:
    everything = {s.value for s in MeetingStatus}
    assert {"booked", "held", "adjourned"} == LIVE_STATUSES
    assert everything == LIVE_STATUSES | CALLED_OFF_STATUSES
    assert not LIVE_STATUSES & CALLED_OFF_STATUSES
    assert AWAITED_STATUSES < LIVE_STATUSES


def test_held_and_upcoming_as_things_stood() -> None:
    as_of = D(2024, 5, 1)
    assert is_held("held", as_of, as_of) and not is_upcoming("held", as_of, as_of)
    later = as_of + dt.timedelta(days=1)
    assert not is_held("held", later, as_of) and is_upcoming("held", later, as_of)
    assert is_upcoming("booked", None, as_of) and is_upcoming("adjourned", None, as_of)
    assert not is_held("cancelled", as_of, as_of) and not is_upcoming("cancelled", None, as_of)


def test_meeting_labels() -> None:
    assert meeting_label("lac_review", 3) == "LAC review 3"
    assert meeting_label("lac_review") == "LAC review"
    assert meeting_label("icpc", 0) == "Initial CP conference"
    assert meeting_label("icpc_prebirth") == "Initial pre-birth CP conference"
    assert meeting_label("rcpc_first", 1) == "1st review CP conference"
    assert meeting_label("rcpc_subsequent", 3) == "3rd review CP conference"
    assert meeting_label("rcpc_subsequent") == "Subsequent review CP conference"
    assert meeting_label("something_else", 2) == "something_else"
    assert {meeting_label(t.value) for t in MeetingType} and all(
        meeting_label(t.value) != t.value for t in MeetingType
    )
    # A type's own name, everywhere (the diary, the child's page, the timeliness report).
    assert meeting_type_label("lac_review") == "LAC review"
    assert meeting_type_label("icpc_prebirth") == MeetingType.ICPC_PREBIRTH.label
    assert meeting_type_label("something_else") == "something_else"
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th",
    ]  # fmt: skip


# --- dates and weeks ------------------------------------------------------------------------


def test_dates_are_shown_dd_mm_yyyy() -> None:
    assert format_uk(D(2024, 4, 5)) == "05/04/2024"
    assert format_uk(None) == "" and format_uk(None, "(none)") == "(none)"
    assert format_uk(dt.datetime(2024, 4, 5, 13, 7)) == "05/04/2024"
    assert format_uk_long(D(2024, 4, 24)) == "Wed 24/04/2024"
    assert format_uk_time(dt.datetime(2024, 4, 5, 9, 7, 59)) == "05/04/2024 09:07"
    for day in (D(2024, 1, 1), D(1999, 12, 31), D(2030, 6, 15)):
        assert format_uk(day) == day.strftime("%d/%m/%Y")


def _age_by_counting(dob: dt.date, on: dt.date) -> int:
    """The oracle: count the birthdays that have come by ``on`` (a 29 February birthday
    comes on 1 March in a year without one)."""
    years = 0
    for year in range(dob.year + 1, on.year + 1):
        try:
            birthday = dob.replace(year=year)
        except ValueError:  # 29 February in a year without one
            birthday = dt.date(year, 3, 1)
        if birthday <= on:
            years += 1
    return years


def test_age_in_whole_years_one_rule_for_29_february() -> None:
    leap = dt.date(2008, 2, 29)
    assert age_on(leap, dt.date(2025, 2, 28)) == 16  # not 17 until 1 March
    assert age_on(leap, dt.date(2025, 3, 1)) == 17
    assert age_on(leap, dt.date(2028, 2, 29)) == 20
    assert age_on(dt.date(2007, 4, 10), dt.date(2024, 4, 9)) == 16  # 17 tomorrow
    assert age_on(dt.date(2007, 4, 10), dt.date(2024, 4, 10)) == 17
    rng = random.Random(17)
    days = [dt.date(2016, 2, 29), dt.date(2020, 2, 29), dt.date(2019, 3, 1)]
    days += [dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(12_000)) for _ in range(2000)]
    for born in days:
        for on in (born + dt.timedelta(days=rng.randrange(0, 9000)) for _ in range(10)):
            assert age_on(born, on) == _age_by_counting(born, on), (born, on)


def test_names_sort_by_their_letters() -> None:
    names = ["Zając", "Öztürk", "Ó Briain", "Łukasz", "Nowak", "Lewis", "Mills", "Owen", "obi"]
    assert sorted(names, key=name_key) == [
        "Lewis",
        "Łukasz",
        "Mills",
        "Nowak",
        "Ó Briain",
        "obi",
        "Owen",
        "Öztürk",
        "Zając",
    ]
    assert fold("Zoë Ó Briain") == "zoe o briain"


def test_weeks_start_on_monday() -> None:
    for n in range(14):
        day = D(2024, 4, 22) + dt.timedelta(days=n)  # Monday 22/04/2024 onwards
        monday = week_start(day)
        assert monday.weekday() == 0 and 0 <= (day - monday).days < 7


def test_a_child_is_named_by_their_names_else_their_id() -> None:
    assert child_name("Zoë", "Kowalski", "C1") == "Zoë Kowalski"
    assert child_name("", "Kowalski", "C1") == "Kowalski"
    assert child_name("Ahmed", None, "C1") == "Ahmed"  # (was "Ahmed None")
    assert child_name("", " ", "C1") == "C1"
    assert child_name(None, None, None) == ""


def test_a_room_is_named_room_first_then_its_venue() -> None:
    """The window named rooms "Civic Centre: Conference Room 1" and the printed schedule,
    packs and letters "Conference Room 1, Civic Centre": one name now, the room first, so a
    cut column still tells the rooms of a venue apart."""
    assert room_label("Conference Room 1", "Civic Centre") == "Conference Room 1, Civic Centre"
    assert room_label("Room A", None) == "Room A"
    assert room_label(None, "Civic Centre") == ""
    assert room_label("", "") == ""


# --- one definition: no module writes its own copy ------------------------------------------

#: Patterns that mean a module is writing its own copy of a shared word.
COPIES = {
    "dd/mm/yyyy written by hand": re.compile(r"%d/%m/%Y|:02d}/\{"),
    "Monday worked out by hand": re.compile(r"timedelta\(days=\w+\.weekday\(\)\)"),
    "open on a date written by hand": re.compile(r"end(_date)?\s*(>=?|<=?)\s*(as_of|day)\b"),
    "live statuses listed by hand": re.compile(
        r"MeetingStatus\.\w+\.value\s*,\s*MeetingStatus\.\w+\.value|^\s*MeetingStatus\.\w+\.value,$"
    ),
    "age worked out by hand": re.compile(
        r"\.year\s*-\s*\w+\.year\s*-|relativedelta\(\w+, \w+\)\.years"
    ),
    "child named by hand": re.compile(r"\.strip\(\) or [\w.]*local_id"),
    "room and venue named by hand": re.compile(
        r"\{(esc\()?[\w.]*(room|venue)[\w.]*\)?\}(: |, )\{(esc\()?[\w.]*(room|venue)",
        re.IGNORECASE,
    ),
}
#: Where a pattern is the definition itself, or is a different fact.
ALLOWED = {
    "reviewdesk/vocabulary.py",  # the definitions
    "reviewdesk/dates.py",  # parsing dd/mm/yyyy (strptime), not showing it
    "reviewdesk/importers/fields.py",  # parsing the returns' dd/mm/yyyy
    "reviewdesk/casework/predicates.py",  # the SQL form of open_on, tested against it above
}


def test_no_module_writes_its_own_copy_of_a_shared_word() -> None:
    found = []
    for folder in ("reviewdesk", "ui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel in ALLOWED or "/migrations/" in rel:
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                for what, pattern in COPIES.items():
                    if pattern.search(line):
                        found.append(f"{rel}:{n}: {what}: {line.strip()}")
    assert found == []


def test_the_copy_check_catches_copies(tmp_path: Path) -> None:
    lines = (
        'x = d.strftime("%d/%m/%Y")',
        "monday = day - dt.timedelta(days=day.weekday())",
        "if p.end_date > as_of:",
        "LIVE = (MeetingStatus.BOOKED.value, MeetingStatus.ADJOURNED.value)",
        "return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))",
        'name = f"{c.first_name} {c.last_name}".strip() or c.local_id',
        'room = f"{m.room.venue.name}: {m.room.name}"',
    )
    escaped = 'f"{esc(room.name)}, {esc(room.venue.name)}"'
    assert COPIES["room and venue named by hand"].search(escaped)
    assert COPIES["live statuses listed by hand"].search("    MeetingStatus.HELD.value,")
    for line, pattern in zip(lines, COPIES.values(), strict=True):
        assert pattern.search(line), line
