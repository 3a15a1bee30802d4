"""Export files read back: the schedule as CSV, Excel and iCalendar; measures as CSV and Excel."""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pytest
from icalendar import Calendar

from reviewdesk.cli.main import main
from reviewdesk.export import SCHEDULE_COLUMNS, schedule_rows, write_schedule

D = dt.date
AS_OF = D(2024, 4, 15)


@pytest.fixture
def history(db, reg):
    """Child A: 1st review held, 2nd booked at 10:00. Child B: 1st review due, not booked."""
    chair = reg.staff("Ifeoma Ọkafor")
    a = reg.child(first="Zoë", last="Brontë")
    reg.period(a, D(2023, 3, 27))
    old = reg.meeting(a, held=D(2023, 3, 30), chair_id=chair)  # over 12 months ago
    first = reg.meeting(a, held=D(2023, 4, 20), chair_id=chair)
    second = reg.meeting(a, booked=D(2023, 7, 19), held=D(2023, 7, 19), chair_id=chair)
    booked = reg.meeting(a, booked=D(2024, 1, 10), time=dt.time(10, 0), chair_id=chair)
    b = reg.child(first="Łukasz", last="Nowak")
    reg.period(b, D(2024, 3, 25))
    reg.meeting(b, booked=D(2024, 4, 2), status="cancelled")
    return {"a": a, "b": b, "old": old, "first": first, "second": second, "booked": booked}


def test_schedule_rows(db, history):
    with db.session() as s:
        rows = schedule_rows(s, as_of=AS_OF)
    ids = [r.meeting_id for r in rows]
    assert history["old"] not in ids  # held before --from (12 months back)
    assert ids[:3] == [history["first"], history["second"], history["booked"]]
    next_b = rows[-1]
    assert next_b.meeting_id is None and next_b.child_name == "Łukasz Nowak"
    assert next_b.due_date == D(2024, 4, 24) and next_b.status == "due, not booked"
    assert next_b.flags == ("due_soon_unbooked",)
    booked = rows[2]
    assert booked.status == "booked" and booked.booked_time == dt.time(10, 0)
    # Three reviews held (one before --from); the 4th is due 6 months after 19/07/2023.
    assert booked.due_date == D(2024, 1, 19) and booked.sequence == 4
    assert "overdue" not in booked.flags
    with db.session() as s:
        since = schedule_rows(s, as_of=AS_OF, start=D(2023, 1, 1))
    assert history["old"] in [r.meeting_id for r in since]


def test_schedule_csv(db, history, tmp_path):
    with db.session() as s:
        rows = schedule_rows(s, as_of=AS_OF)
    path = tmp_path / "s.csv"
    write_schedule(rows, path, "csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        records = list(csv.DictReader(fh))
    assert tuple(records[0]) == SCHEDULE_COLUMNS
    first = records[0]
    assert first["held_date"] == "2023-04-20" and first["in_timescale"] == "yes"
    assert first["process"] == "lac" and first["meeting_type"] == "lac_review"
    assert first["chair"] == "Ifeoma Ọkafor" and first["child_name"] == "Zoë Brontë"
    assert records[2]["booked_time"] == "10:00"
    assert records[-1]["due_date"] == "2024-04-24" and records[-1]["booked_date"] == ""


def test_schedule_xlsx_has_real_dates(db, history, tmp_path):
    with db.session() as s:
        rows = schedule_rows(s, as_of=AS_OF)
    path = tmp_path / "s.xlsx"
    write_schedule(rows, path, "xlsx")
    ws = openpyxl.load_workbook(path).active
    header = [c.value for c in ws[1]]
    assert tuple(header) == SCHEDULE_COLUMNS
    held = ws.cell(2, header.index("held_date") + 1)
    assert held.value == dt.datetime(2023, 4, 20) and held.is_date
    assert ws.max_row == len(rows) + 1


def test_schedule_icalendar(db, history, tmp_path):
    with db.session() as s:
        rows = schedule_rows(s, as_of=AS_OF)
    path = tmp_path / "s.ics"
    write_schedule(rows, path, "ics")
    cal = Calendar.from_ical(path.read_bytes())
    [tz] = cal.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Europe/London"
    events = cal.walk("VEVENT")
    assert len(events) == len(rows)
    by_uid = {str(e["UID"]): e for e in events}
    timed = by_uid[f"meeting-{history['booked']}@reviewdesk"]
    start = timed.decoded("DTSTART")
    assert start == dt.datetime(2024, 1, 10, 10, 0, tzinfo=start.tzinfo)
    assert str(timed["DTSTART"].params["TZID"]) == "Europe/London"
    assert timed.decoded("DTEND") - start == dt.timedelta(minutes=90)
    due = by_uid[f"due-{history['b']}-lac-lac_review-1@reviewdesk"]
    assert due.decoded("DTSTART") == D(2024, 4, 24)
    # No child's name in a shared calendar unless the council asks (calendar_child_names).
    assert str(due["SUMMARY"]) == "Due: LAC review 1 - C2"
    assert "Łukasz" not in path.read_bytes().decode("utf-8")
    assert "OFFICIAL-SENSITIVE" in str(due["DESCRIPTION"])
    named = tmp_path / "named.ics"
    write_schedule(rows, named, "ics", child_names=True)
    titles = {str(e["SUMMARY"]) for e in Calendar.from_ical(named.read_bytes()).walk("VEVENT")}
    assert "Due: LAC review 1 - Łukasz Nowak (C2)" in titles
    # UIDs are stable from one export to the next.
    again = tmp_path / "again.ics"
    write_schedule(rows, again, "ics")
    uids = {str(e["UID"]) for e in Calendar.from_ical(again.read_bytes()).walk("VEVENT")}
    assert uids == set(by_uid)


def test_summer_time_is_right_in_the_calendar(db, reg, tmp_path):
    child = reg.child()
    reg.period(child, D(2024, 6, 3))
    reg.meeting(child, booked=D(2024, 6, 28), time=dt.time(14, 30))
    with db.session() as s:
        rows = schedule_rows(s, as_of=D(2024, 6, 10))
    path = tmp_path / "summer.ics"
    write_schedule(rows, path, "ics")
    [event] = [e for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT")]
    start = event.decoded("DTSTART")
    assert start.astimezone(dt.UTC) == dt.datetime(2024, 6, 28, 13, 30, tzinfo=dt.UTC)


def test_cli_export_schedule_and_measures(db, history, tmp_path, capsys):
    url = db.url.removeprefix("sqlite:///")
    out = tmp_path / "sched.csv"
    code = main(
        ["--db", url, "export", "schedule", "--as-of", "2024-04-15", "--format", "csv"]
        + ["-o", str(out)]
    )
    assert code == 0 and out.exists()
    assert "wrote" in capsys.readouterr().out
    measures = tmp_path / "m.xlsx"
    code = main(
        ["--db", url, "export", "measures", "--from", "2023-04-01", "--to", "2023-07-31"]
        + ["--format", "xlsx", "-o", str(measures)]
    )
    assert code == 0
    ws = openpyxl.load_workbook(measures).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("measure", "label", "unit", "month")
    lac = [r for r in rows if r[0] == "lac_reviews_in_timescale"]
    assert [r[3] for r in lac] == ["2023-04", "2023-05", "2023-06", "2023-07"]
    assert lac[0][4:7] == (1, 1, 100.0) and lac[3][4:7] == (1, 1, 100.0)


def test_cli_measures_csv(db, history, tmp_path):
    url = db.url.removeprefix("sqlite:///")
    out = tmp_path / "m.csv"
    assert (
        main(
            ["--db", url, "export", "measures", "--from", "2023-04-01", "--to", "2023-04-30"]
            + ["--format", "csv", "-o", str(out)]
        )
        == 0
    )
    with out.open(encoding="utf-8-sig", newline="") as fh:
        records = {r["measure"]: r for r in csv.DictReader(fh)}
    assert records["lac_reviews_in_timescale"]["value"] == "100.0"
    assert records["lac_reviews_in_timescale"]["rag"] == "green"


def test_cli_measures_as_of_a_date(db, history, tmp_path, capsys):
    """`export measures` took no --as-of, though every other computation does (and `export
    schedule` has one): without --from and --to it now counts the last 12 months to the
    as-of date (from the first of the month a year before, the window's usual period)."""
    url = db.url.removeprefix("sqlite:///")

    def months(*args: str) -> list[str]:
        out = tmp_path / f"m{len(list(tmp_path.iterdir()))}.csv"
        assert (
            main(["--db", url, "export", "measures", *args, "--format", "csv", "-o", str(out)]) == 0
        )
        with out.open(encoding="utf-8-sig", newline="") as fh:
            return sorted({r["month"] for r in csv.DictReader(fh)})

    july = months("--as-of", "2023-07-31")
    assert july == [f"2022-{m:02d}" for m in range(7, 13)] + [f"2023-{m:02d}" for m in range(1, 8)]
    april = months("--as-of", "2023-04-15")
    assert april[0] == "2022-04" and april[-1] == "2023-04" and april != july
    # --to defaults to the as-of date, --from still moves the start; as before without it
    assert months("--as-of", "2023-07-31", "--from", "2023-04-01") == july[-4:]
    assert months("--from", "2023-04-01", "--to", "2023-07-31") == july[-4:]
    capsys.readouterr()
    for bad, said in (
        (["--as-of", "31/06/2023"], '--as-of: "31/06/2023" is not a date'),
        (["--as-of", "0001-01-01"], '--as-of: "0001-01-01" is outside the calendar'),
        (
            ["--as-of", "2023-07-31", "--to", "2023-08-31"],
            "--to 31/08/2023 is after --as-of 31/07/2023",
        ),
    ):
        code = main(
            ["--db", url, "export", "measures", *bad, "--format", "csv"]
            + ["-o", str(tmp_path / "bad.csv")]
        )
        err = capsys.readouterr().err
        assert code == 2 and said in err, err
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "bad.csv").exists()


def test_cli_flags(db, history, capsys):
    url = db.url.removeprefix("sqlite:///")
    assert main(["--db", url, "flags", "--as-of", "2024-04-15"]) == 0
    out = capsys.readouterr().out
    assert "RED   overdue" in out and "Zoë Brontë" in out and "due by 19/01/2024" in out
    assert "AMBER due_soon_unbooked" in out and "Łukasz Nowak" in out
    assert out.strip().splitlines()[-1].startswith("")
    assert "flags as of 15/04/2024" in out


def test_cli_rejects_bad_dates(db, capsys):
    url = db.url.removeprefix("sqlite:///")
    assert main(["--db", url, "flags", "--as-of", "31/04/2024"]) == 2
    assert '--as-of: "31/04/2024" is not a date' in capsys.readouterr().err
    code = main(
        ["--db", url, "export", "measures", "--from", "2024-05-01", "--to", "2024-04-01"]
        + ["--format", "csv", "-o", "x.csv"]
    )
    assert code == 2


def test_workbook_rows_keep_their_own_dates_and_formats(tmp_path):
    """The workbook is streamed with one reusable cell per date column: every row must still
    get its own date, shown dd/mm/yyyy, under a bold, frozen, filterable header."""
    from reviewdesk.export.writers import write_table_xlsx

    days = [dt.date(2024, 3, 25) + dt.timedelta(days=7 * i) for i in range(30)]
    records = [[i, day, None, f"row {i}"] for i, day in enumerate(days)]
    path = tmp_path / "t.xlsx"
    write_table_xlsx(path, "Table", ["n", "due_date", "blank", "text"], records)
    ws = openpyxl.load_workbook(path).active
    assert ws.title == "Table" and ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:D31"
    assert all(c.font.b for c in ws[1])
    dates = [ws.cell(r, 2) for r in range(2, 32)]
    assert [c.value.date() for c in dates] == days
    assert {c.number_format for c in dates} == {"DD/MM/YYYY"}
    assert [ws.cell(r, 4).value for r in range(2, 32)] == [f"row {i}" for i in range(30)]


def test_the_flags_left_out_are_never_shown(db):
    """The schedule runs only the flag checks whose flags a row can show (`SHOWN_FLAGS`):
    what it shows is what the rows of every flag would show."""
    from reviewdesk.casework.register import Register
    from reviewdesk.export.schedule import NEXT_MEETING_FLAGS, SHOWN_FLAGS
    from reviewdesk.flags import flags_from_register
    from tests.actions.shortcuts import generate_demo

    as_of = D(2025, 12, 10)
    generate_demo(db, children=150, seed=11, as_of=as_of)

    def shown(flags) -> list[tuple]:
        return [
            (f.code, f.child_id, f.meeting_id, f.date)
            for f in flags
            if f.meeting_id is not None or f.code in NEXT_MEETING_FLAGS
        ]

    with db.session() as s:
        register = Register(s, as_of=as_of, window_from=D(2024, 12, 10))
        every = flags_from_register(register)
        assert {f.code for f in every} - SHOWN_FLAGS, "the demo has flags the rows never show"
        assert shown(every) and shown(every) == shown(
            flags_from_register(register, codes=SHOWN_FLAGS)
        )
        rows = schedule_rows(s, as_of=as_of, start=D(2024, 12, 10))
    booked = {r.meeting_id for r in rows if r.meeting_id is not None}
    on_rows = {(code, r.meeting_id) for r in rows for code in r.flags if r.meeting_id}
    assert on_rows == {(f.code, f.meeting_id) for f in every if f.meeting_id in booked}


def test_a_meeting_never_recorded_says_so_in_every_schedule_format(db, history, tmp_path):
    """Zoë's review, booked for 10/01/2024 and never recorded, exported on 15/04/2024: the
    CSV's flags name it "outcome_not_recorded" (the flag), but the calendar event said
    "status: booked", as for a meeting still to come. Its description then said "booked,
    outcome not recorded", but its title and the CSV's and workbook's status column still
    read as a meeting still to come ("LAC review 4 - ...", "booked"). Now all say so, from
    `vocabulary.is_outcome_not_recorded`; a meeting ahead (seen on 09/01/2024) still says
    "booked"."""
    with db.session() as s:
        rows = schedule_rows(s, as_of=AS_OF)
        before = schedule_rows(s, as_of=D(2024, 1, 9))
    write_schedule(rows, tmp_path / "s.csv", "csv")
    write_schedule(rows, tmp_path / "s.xlsx", "xlsx")
    write_schedule(rows, tmp_path / "s.ics", "ics")
    write_schedule(before, tmp_path / "before.csv", "csv")
    write_schedule(before, tmp_path / "before.ics", "ics")

    def csv_record(path) -> dict[str, str]:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return next(r for r in csv.DictReader(fh) if r["meeting_id"] == str(history["booked"]))

    record = csv_record(tmp_path / "s.csv")
    assert record["status"] == "booked, outcome not recorded"
    assert "outcome_not_recorded" in record["flags"]
    assert csv_record(tmp_path / "before.csv")["status"] == "booked"
    sheet = openpyxl.load_workbook(tmp_path / "s.xlsx").active
    header = [c.value for c in sheet[1]]
    (line,) = [
        dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(min_row=2, values_only=True)
        if r[header.index("meeting_id")] == history["booked"]
    ]
    assert line["status"] == "booked, outcome not recorded"
    uid = f"meeting-{history['booked']}@reviewdesk"

    def event(path):
        events = {str(e["UID"]): e for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT")}
        return events[uid]

    def status_line(path) -> str:
        description = str(event(path)["DESCRIPTION"])
        return next(line for line in description.splitlines() if "status:" in line)

    assert status_line(tmp_path / "s.ics") == ("Process: LAC; status: booked, outcome not recorded")
    assert status_line(tmp_path / "before.ics") == "Process: LAC; status: booked"
    title = str(event(tmp_path / "s.ics")["SUMMARY"])
    assert title.startswith("Outcome not recorded: LAC review 4 - "), title
    assert str(event(tmp_path / "before.ics")["SUMMARY"]).startswith("LAC review 4 - ")
    assert str(event(tmp_path / "s.ics")["STATUS"]) == "CONFIRMED"  # not called off
