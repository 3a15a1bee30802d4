"""The schedule's iCalendar file, written as text (`writers.schedule_ics`), against an
`icalendar.Calendar` built of the same rows, as the export made it before.

Both are read back with `icalendar`: the same calendar properties, the same VTIMEZONE and,
event by event (by UID), the same properties with the same parameters and values. Checked on
a demo authority's schedule (meetings held, booked with and without a time, called off, due
and not booked, children named and not) and on awkward text (commas, semicolons,
backslashes, line breaks, long lines of accented letters), so the folding and escaping are
tested too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event

from reviewdesk.export import ScheduleRow, schedule_rows
from reviewdesk.export.writers import (
    event_description,
    ics_line,
    meeting_uid,
    schedule_ics,
)
from reviewdesk.invitations.requests import calendar_title
from reviewdesk.vocabulary import CALLED_OFF_STATUSES, meeting_label
from tests.actions.shortcuts import generate_demo

D = dt.date
LONDON = ZoneInfo("Europe/London")
STAMP = dt.datetime(2025, 12, 10, 9, 30, 5, tzinfo=dt.UTC)


def icalendar_schedule(rows: Sequence[ScheduleRow], *, child_names: bool) -> Calendar:
    """The reference: the calendar as the export built it with `icalendar` objects."""
    cal = Calendar()
    cal.add("prodid", "-//reviewdesk//schedule export//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "reviewdesk schedule")
    cal.add("x-wr-timezone", "Europe/London")
    for row in rows:
        day = row.held_date or row.booked_date or row.due_date
        if day is None:
            continue
        event = Event()
        event.add("uid", meeting_uid(row))
        event.add("dtstamp", STAMP)
        label = meeting_label(row.meeting_type, row.sequence)
        prefix = "Due: " if row.meeting_id is None else ""
        if row.status in CALLED_OFF_STATUSES:
            prefix = "Cancelled: "
        title = calendar_title(label, row.child_name, row.child_id, child_names=child_names)
        event.add("summary", prefix + title)
        if row.booked_time is not None and row.meeting_id is not None:
            begin = dt.datetime.combine(day, row.booked_time, tzinfo=LONDON)
            event.add("dtstart", begin)
            event.add("dtend", begin + dt.timedelta(minutes=row.duration_minutes or 90))
        else:
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        if row.location:
            event.add("location", row.location)
        # The words are the writer's own; how they are escaped and folded is icalendar's.
        event.add("description", event_description(row, child_names=child_names))
        event.add("class", "CONFIDENTIAL")
        if row.status in CALLED_OFF_STATUSES:
            event.add("status", "CANCELLED")
        else:
            event.add("status", "CONFIRMED" if row.meeting_id is not None else "TENTATIVE")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal


def _seen(calendar: Calendar) -> tuple:
    """What a calendar program reads: the calendar's properties, its time zones, and each
    event's properties (name, parameters, value as icalendar writes it again) by UID."""

    def props(component) -> dict:
        return {
            name: (dict(value.params), value.to_ical())
            for name, value in component.property_items(recursive=False)
            if name not in ("BEGIN", "END")
        }

    zones = [z.to_ical() for z in calendar.walk("VTIMEZONE")]
    events = {str(e["UID"]): props(e) for e in calendar.walk("VEVENT")}
    return props(calendar), zones, events


def _lines(text: str) -> tuple[list[str], dict[str, set[str]]]:
    """The content lines, unfolded: those outside events in order, each event's by UID (a
    reader does not care in which order an event's properties come)."""
    outside: list[str] = []
    events: dict[str, set[str]] = {}
    event: set[str] | None = None
    for line in text.replace("\r\n ", "").split("\r\n"):
        if line == "BEGIN:VEVENT":
            event = set()
        elif line == "END:VEVENT":
            assert event is not None
            [uid] = [x for x in event if x.startswith("UID:")]
            events[uid] = event
            event = None
        elif event is not None:
            event.add(line)
        else:
            outside.append(line)
    return outside, events


def _check(rows: Sequence[ScheduleRow], child_names: bool) -> dict:
    text = schedule_ics(rows, child_names=child_names, stamp=STAMP)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n")), "folded at 75 bytes"
    assert text.endswith("END:VCALENDAR\r\n") and "\n" not in text.replace("\r\n", "")
    reference = icalendar_schedule(rows, child_names=child_names).to_ical().decode()
    # Every line as icalendar writes it (escaping included), and read back the same.
    assert _lines(text) == _lines(reference)
    ours = _seen(Calendar.from_ical(text))
    assert ours == _seen(Calendar.from_ical(reference))
    return ours[2]


@pytest.mark.parametrize("child_names", [False, True])
def test_the_demo_calendar_has_the_same_events(db, child_names):
    as_of = D(2025, 12, 10)
    generate_demo(db, children=150, seed=11, as_of=as_of)
    with db.session() as s:
        rows = schedule_rows(s, as_of=as_of, include_called_off=True)
    events = _check(rows, child_names)
    statuses = {e["STATUS"][1] for e in events.values()}
    assert statuses == {b"CANCELLED", b"CONFIRMED", b"TENTATIVE"}
    assert any("TZID" in e["DTSTART"][0] for e in events.values())  # timed meetings
    assert any(e["DTSTART"][0].get("VALUE") == "DATE" for e in events.values())  # all day


def test_awkward_text_is_escaped_and_folded_as_icalendar_reads_it(db):
    as_of = D(2025, 12, 10)
    generate_demo(db, children=20, seed=3, as_of=as_of)
    with db.session() as s:
        rows = schedule_rows(s, as_of=as_of, include_called_off=True)
    odd = [
        row._replace(
            child_name="Zoë; Ọkafor, \\ Łukasz\r\nÉlodie " + "é" * 40,
            location="Room 2, Civic Centre; 1 High St\nNorthgate " + "ñ" * (i % 90),
            chair="Ifeoma Ọkafor-" + "x" * (i % 80),
        )
        for i, row in enumerate(rows)
    ]
    _check(odd, child_names=True)


def test_an_empty_schedule_is_an_empty_calendar():
    assert _check([], child_names=False) == {}
    assert "VTIMEZONE" not in schedule_ics([], stamp=STAMP)


@pytest.mark.parametrize(
    "line",
    ["x" * 74, "x" * 75, "x" * 76, "x" * 300, "é" * 37, "é" * 38, "a" + "👍" * 40, "ab" + "é" * 80],
)
def test_lines_are_folded_between_characters(line):
    folded = ics_line(line)
    parts = folded.removesuffix("\r\n").split("\r\n ")
    assert "".join(parts) == line
    assert all(len(p.encode()) <= 75 for p in parts[:1])
    assert all(len(p.encode()) <= 74 for p in parts[1:])
