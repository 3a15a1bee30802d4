"""The Qt-free queries and booking checks behind the window."""

from __future__ import annotations

import datetime as dt

import pytest

from reviewdesk import queries
from reviewdesk.actions import Outcome
from reviewdesk.casedues import child_dues, next_due_if_held
from reviewdesk.errors import InvalidInput
from reviewdesk.queries import CaseFilter
from reviewdesk.scheduling import Booking, check_booking, double_booked, next_free_slots
from reviewdesk.settings import working_context
from reviewdesk.storage.models import Meeting
from reviewdesk.vocabulary import name_key
from tests.actions.shortcuts import book, cancel, record
from tests.ui.sample import AS_OF

D = dt.date
T = dt.time


def test_case_ids_sort_by_name_and_filter_by_words(db, sample) -> None:
    with db.session() as s:
        names = queries.case_rows(s, queries.case_ids(s, as_of=AS_OF), as_of=AS_OF)
        ordered = [names[i].name for i in queries.case_ids(s, as_of=AS_OF)]
        assert ordered[0] == "Siân Llewelyn"  # by last name: Llewelyn, Ní Dhomhnaill, ...
        assert set(ordered) == {
            "Zoë Ó Briain",
            "Łukasz Wiśniewski",
            "Siân Llewelyn",
            "Aoife Ní Dhomhnaill",
        }
        assert queries.case_ids(s, CaseFilter(text="zoë"), as_of=AS_OF) == [sample["zoe"]]
        assert queries.case_ids(s, CaseFilter(text="ó briain"), as_of=AS_OF) == [sample["zoe"]]
        assert queries.case_ids(s, CaseFilter(text="ŁUKASZ"), as_of=AS_OF) == [
            sample["lukasz_child"]
        ]
        assert queries.case_ids(s, CaseFilter(text="C0002"), as_of=AS_OF) == [
            sample["lukasz_child"]
        ]
        assert queries.case_ids(s, CaseFilter(text="siân llew"), as_of=AS_OF) == [
            sample["sian_child"]
        ]
        assert queries.case_ids(s, CaseFilter(text="100%"), as_of=AS_OF) == []


def test_case_filters_and_derived_columns(db, sample) -> None:
    with db.session() as s:
        open_ids = queries.case_ids(s, CaseFilter(open_only=True), as_of=AS_OF)
        assert sample["closed"] not in open_ids and len(open_ids) == 3
        assert queries.case_ids(s, CaseFilter(process="cp"), as_of=AS_OF) == [
            sample["lukasz_child"]
        ]
        rows = queries.case_rows(s, open_ids, as_of=AS_OF)
        zoe = rows[sample["zoe"]]
        assert (zoe.iro, zoe.process, zoe.status) == ("Łukasz Nowak", "LAC", "Looked after")
        assert zoe.next_meeting == D(2024, 4, 11)
        cp = rows[sample["lukasz_child"]]
        assert (cp.iro, cp.process, cp.status) == ("Máire Ó Briain", "CP", "CP plan")
        assert cp.next_meeting is None  # its booked conference date has passed
        by_team = queries.case_ids(s, CaseFilter(team_id=sample["south"]), as_of=AS_OF)
        assert set(by_team) == {sample["lukasz_child"], sample["closed"]}
        by_iro = queries.case_ids(s, CaseFilter(iro_id=sample["maire"]), as_of=AS_OF)
        assert by_iro == [sample["lukasz_child"]]


@pytest.mark.parametrize("key", queries.CASE_SORT_KEYS)
def test_every_sort_key_orders_rows_and_reverses(db, sample, key) -> None:
    with db.session() as s:
        up = queries.case_ids(s, sort=key, as_of=AS_OF)
        down = queries.case_ids(s, sort=key, descending=True, as_of=AS_OF)
        rows = queries.case_rows(s, up, as_of=AS_OF)
    assert (
        sorted(up)
        == sorted(down)
        == sorted(sample[k] for k in ("zoe", "lukasz_child", "sian_child", "closed"))
    )
    values = [getattr(rows[i], key) for i in up if getattr(rows[i], key) not in (None, "")]
    if key in ("iro", "team"):  # people's and teams' names, by their letters (Ł among the Ls)
        assert values == sorted(values, key=name_key)
    elif key != "name":
        assert values == sorted(values)


def test_diary_entries_and_double_bookings(db, sample) -> None:
    with db.session() as s:
        entries = queries.diary_entries(s, D(2024, 4, 8), D(2024, 4, 14))
    assert [e.child_name for e in entries] == ["Zoë Ó Briain", "Siân Llewelyn"]
    assert entries[0].room == "Room A, Tŷ Hafan"
    bookings = [
        Booking(e.day, e.start, e.minutes, e.chair_id, e.room_id, e.clerk_id, e.meeting_id)
        for e in entries
    ]
    clashes = double_booked(bookings)
    assert set(clashes) == {sample["zoe_first"], sample["sian_review"]}
    assert {c.resource for c in clashes[sample["zoe_first"]]} == {"chair", "room"}


def test_check_booking_warns_late_non_working_and_taken(db, sample) -> None:
    with db.session() as s:
        _rules, cal = working_context(s)
        due = D(2024, 4, 24)
        ok = check_booking(
            s, Booking(D(2024, 4, 16), T(9, 30), chair_id=sample["lukasz"]), calendar=cal, due=due
        )
        assert ok.ok and ok.book_by == due
        late = check_booking(s, Booking(D(2024, 4, 25), T(9, 30)), calendar=cal, due=due)
        assert late.kinds() == {"late"}
        easter = check_booking(s, Booking(D(2024, 4, 1), T(9, 30)), calendar=cal, due=due)
        assert easter.kinds() == {"non_working"}
        assert "Easter Monday" in easter.warnings[0].message
        taken = check_booking(
            s,
            Booking(D(2024, 4, 11), T(11, 0), room_id=sample["room_a"], clerk_id=sample["sian"]),
            calendar=cal,
            due=due,
        )
        assert taken.kinds() == {"clash"}
        assert {c.resource for c in taken.clashes} == {"room", "clerk"}
        # A meeting moved within its own slot does not clash with itself.
        itself = Booking(
            D(2024, 4, 11),
            T(10, 0),
            chair_id=sample["lukasz"],
            room_id=sample["room_a"],
            meeting_id=sample["zoe_first"],
        )
        clashes = check_booking(s, itself, calendar=cal, due=due).clashes
        assert [c.other_meeting_id for c in clashes] == [sample["sian_review"]] * 2


@pytest.mark.parametrize(
    ("start", "minutes", "asked"),
    [
        (T(1, 0), 90, True),  # "1" typed in the time box: Qt makes it 01:00
        (T(7, 30), 60, True),
        (T(8, 0), 90, False),
        (T(17, 0), 90, False),  # ends 18:30: the last usual minute
        (T(17, 30), 90, True),
        (T(23, 30), 90, True),  # past midnight
        (None, 90, False),  # no time yet: the whole day
    ],
)
def test_a_booking_outside_the_usual_hours_is_asked_about(db, start, minutes, asked) -> None:
    with db.session() as s:
        _rules, cal = working_context(s)
        check = check_booking(s, Booking(D(2024, 4, 16), start, minutes), calendar=cal)
    assert check.kinds() == ({"hours"} if asked else set())
    if asked:
        begin = f"{start:%H:%M}"
        assert check.warnings[0].message.startswith(f"The meeting is {begin}–")
        assert check.warnings[0].message.endswith("outside the usual hours 08:00–18:30")


@pytest.mark.parametrize(
    ("start", "asked"),
    [
        (T(9, 3), True),  # "9:3" typed in the time box: Qt makes it 09:03
        (T(13, 3), True),
        (T(14, 59), True),
        (T(9, 30), False),
        (T(9, 5), False),
        (T(10, 0), False),
        (None, False),
    ],
)
def test_a_start_off_the_five_minute_marks_is_asked_about(db, start, asked) -> None:
    with db.session() as s:
        _rules, cal = working_context(s)
        check = check_booking(s, Booking(D(2024, 4, 16), start, 60), calendar=cal)
    messages = [w.message for w in check.warnings]
    if asked:
        assert messages == [
            f"The meeting starts at {start:%H:%M}, not on a 5-minute mark: check the time"
        ]
    else:
        assert messages == []


def test_book_by_is_the_last_working_day_on_or_before_the_due_date(db) -> None:
    with db.session() as s:
        _rules, cal = working_context(s)
        check = check_booking(s, Booking(D(2024, 3, 27)), calendar=cal, due=D(2024, 3, 31))
    assert check.book_by == D(2024, 3, 28)  # Good Friday 29/03, weekend 30-31/03


def test_next_free_slots_skip_taken_times_and_non_working_days(db, sample) -> None:
    with db.session() as s:
        _rules, cal = working_context(s)
        slots = next_free_slots(
            s,
            Booking(D(2024, 4, 11), T(10, 0), chair_id=sample["lukasz"]),
            calendar=cal,
            start=D(2024, 4, 11),
            deadline=D(2024, 4, 15),
            limit=4,
        )
    got = [(b.day, b.start) for b in slots]
    # 11/04 09:30 overlaps the 10:00 meeting; 13:30 and 15:30 are free; then Fri 12/04.
    assert got == [
        (D(2024, 4, 11), T(13, 30)),
        (D(2024, 4, 11), T(15, 30)),
        (D(2024, 4, 12), T(9, 30)),
        (D(2024, 4, 12), T(13, 30)),
    ]


def test_due_dates_of_a_child_with_explanations(db, sample) -> None:
    with db.session() as s:
        rules, cal = working_context(s)
        dues = child_dues(s, sample["zoe"], rules=rules, calendar=cal, as_of=AS_OF)
        assert len(dues) == 1
        first = dues[0]
        assert first.due == D(2024, 4, 24) and first.meeting_id == sample["zoe_first"]
        assert "Good Friday and Easter Monday" in first.explanation
        cp = child_dues(s, sample["lukasz_child"], rules=rules, calendar=cal, as_of=AS_OF)
        assert [(d.meeting_type, d.in_timescale) for d in cp if d.held] == [("icpc", True)]
        nxt = next_due_if_held(
            s, sample["zoe_first"], D(2024, 4, 11), rules=rules, calendar=cal, as_of=AS_OF
        )
        assert nxt is not None and nxt.due == D(2024, 7, 11) and nxt.sequence == 2


def test_meeting_writes_validate_and_record(db, sample) -> None:
    from reviewdesk.storage.models import Meeting

    new_id = book(db, sample["zoe"], "lac_review", Booking(D(2024, 4, 22), T(14, 0)))
    with db.session() as s:
        m = s.get(Meeting, new_id)
        assert m.status == "booked" and m.process == "lac"
    with pytest.raises(InvalidInput, match="reason"):
        cancel(db, new_id, "  ")
    cancel(db, new_id, "Family bereavement")
    pn0 = Outcome(parts=[D(2024, 4, 9)], participation="PN0")
    with pytest.raises(InvalidInput, match="PN0"):
        record(db, sample["zoe_first"], pn0, as_of=AS_OF)
    with pytest.raises(InvalidInput, match="reason"):
        record(db, sample["zoe_first"], Outcome(parts=[D(2024, 4, 9)]), late=True, as_of=AS_OF)
    with pytest.raises(InvalidInput, match="in the future"):
        record(db, sample["zoe_first"], Outcome(parts=[D(2024, 4, 11)]), as_of=AS_OF)
    two_parts = Outcome(parts=[D(2024, 4, 9), D(2024, 4, 2)], participation="PN1", quorate=True)
    record(db, sample["zoe_first"], two_parts, as_of=AS_OF)
    with db.session() as s:
        detail = queries.child_detail(s, sample["zoe"])
        held = next(m for m in detail.meetings if m.id == sample["zoe_first"])
        assert held.status == "held" and held.held_date == D(2024, 4, 9)
        assert held.parts == (D(2024, 4, 2), D(2024, 4, 9))


def test_caseloads_count_open_cases_per_iro(db, sample) -> None:
    from reviewdesk.caseload import caseloads, unallocated_cases

    with db.session() as s:
        loads = {c.name: c for c in caseloads(s, as_of=AS_OF).values()}
        lukasz, maire = loads["Łukasz Nowak"], loads["Máire Ó Briain"]
        assert (lukasz.lac_children, lukasz.cp_children) == (2, 0)
        assert (maire.lac_children, maire.cp_children) == (0, 1)
        assert maire.per_fte == pytest.approx(1.25)
        assert unallocated_cases(s, as_of=AS_OF) == 0


def test_a_long_list_of_children_is_filtered_without_one_huge_sql_list(db, sample, monkeypatch):
    monkeypatch.setattr(queries, "MAX_SQL_IDS", 2)
    wanted = frozenset({sample["zoe"], sample["closed"], sample["sian_child"], 999_999})
    with db.session() as s:
        ids = queries.case_ids(s, CaseFilter(child_ids=wanted), as_of=AS_OF)
    assert ids == [sample["sian_child"], sample["closed"], sample["zoe"]]  # by name


def test_double_booked_sweep_matches_comparing_every_pair() -> None:
    import random

    from reviewdesk.scheduling import clashes_between

    rng = random.Random(3)
    for _ in range(30):
        bookings = [
            Booking(
                day=D(2024, 4, 8) + dt.timedelta(days=rng.randint(0, 2)),
                start=None if rng.random() < 0.05 else T(rng.randint(8, 16), rng.choice((0, 30))),
                minutes=rng.choice((30, 60, 90, 120)),
                chair_id=rng.choice((None, 1, 2, 3)),
                room_id=rng.choice((None, 10, 11)),
                clerk_id=rng.choice((None, 20, 21)),
                meeting_id=n,
            )
            for n in range(1, 40)
        ]
        brute = {}
        for b in bookings:
            found = clashes_between(b, [o for o in bookings if o is not b])
            if found:
                brute[b.meeting_id] = sorted((c.resource, c.other_meeting_id) for c in found)
        fast = {
            mid: sorted((c.resource, c.other_meeting_id) for c in found)
            for mid, found in double_booked(bookings).items()
        }
        assert fast == brute


def test_next_due_after_an_older_meeting_is_the_one_that_followed_it(db, sample) -> None:
    """Re-opening Siân's 2nd review (held 02/05/2023) shows the 3rd review's due date."""
    with db.session() as s:
        rules, cal = working_context(s)
        second = next(
            m.id for m in s.query(Meeting).filter_by(child_id=sample["sian_child"], sequence=2)
        )
        nxt = next_due_if_held(s, second, D(2023, 5, 2), rules=rules, calendar=cal, as_of=AS_OF)
    assert nxt is not None and nxt.sequence == 3 and nxt.due == D(2023, 11, 2)


def test_a_case_rows_meeting_not_recorded_is_the_flags(db, sample) -> None:
    """`CaseRow.not_recorded` (SQL) is the earliest day of the meetings the "outcome not
    recorded" flag names (`vocabulary.is_outcome_not_recorded`), on any as-of date."""
    from reviewdesk.flags import compute_flags

    with db.session() as s:
        for as_of in (D(2024, 3, 14), AS_OF, D(2024, 4, 12)):
            rows = queries.case_rows(s, queries.case_ids(s, as_of=as_of), as_of=as_of)
            flagged: dict[int, dt.date] = {}
            for f in compute_flags(s, as_of=as_of):
                if f.code == "outcome_not_recorded":
                    day = s.get(Meeting, f.meeting_id).booked_date
                    flagged[f.child_id] = min(day, flagged.get(f.child_id, day))
            shown = {cid: r.not_recorded for cid, r in rows.items() if r.not_recorded}
            assert shown == flagged
            assert all(r.next_meeting is None or r.next_meeting >= as_of for r in rows.values())
    assert flagged == {
        sample["lukasz_child"]: D(2024, 3, 14),
        sample["zoe"]: D(2024, 4, 11),
        sample["sian_child"]: D(2024, 4, 11),
    }
