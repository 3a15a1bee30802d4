"""The command line: calendar, rules and explain; bad input is one line and exit status 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reviewdesk.cli.main import main, plain_words

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's own exits
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_calendar_add_first_line_is_the_date(capsys) -> None:
    code, out, _ = run(capsys, "calendar", "add", "2024-03-25", "20")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "24/04/2024"  # shown to people: dd/mm/yyyy, never ISO
    assert "Good Friday" in out and "Easter Monday" in out


def test_calendar_add_negative_and_region(capsys) -> None:
    assert run(capsys, "calendar", "add", "2024-04-02", "-1")[1].splitlines()[0] == "28/03/2024"
    code, out, _ = run(capsys, "calendar", "add", "2024-03-28", "1", "--region", "scotland")
    assert out.splitlines()[0] == "01/04/2024"  # Easter Monday is a working day in Scotland


def test_calendar_between_and_holidays(capsys) -> None:
    assert run(capsys, "calendar", "between", "2024-03-25", "2024-04-24")[1].strip() == "20"
    code, out, _ = run(capsys, "calendar", "holidays", "2022")
    assert code == 0
    assert "Mon 19/09/2022  State Funeral" in out and "2022-09-19" not in out
    assert len(out.splitlines()) == 10
    code, out, _ = run(capsys, "calendar", "holidays", "2024", "--region", "northern-ireland")
    assert "Fri 12/07/2024" in out


def test_rules_lists_sources(capsys) -> None:
    code, out, _ = run(capsys, "rules")
    assert code == 0
    assert "lac.review.first" in out and "reg 33(1)" in out
    assert "Working Together" in out


def test_explain_a_rule(capsys) -> None:
    code, out, _ = run(capsys, "explain", "lac.review.first", "2024-03-25")
    assert code == 0
    assert run(capsys, "explain", "lac.review.first", "25/03/2024") == (0, out, "")
    lines = out.splitlines()
    assert lines[0] == "24/04/2024"
    assert lines[1] == (
        "became looked after Mon 25/03/2024 + 20 working days, skipping Good "
        "Friday and Easter Monday → Wed 24/04/2024"
    )


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["calendar", "add", "2024-02-30", "2"], '"2024-02-30" is not a date'),
        (["calendar", "add", "30/02/2024", "2"], '"30/02/2024" is not a date'),
        (["calendar", "add", "2024-03-25", "twenty"], '"twenty" is not a whole number'),
        (["calendar", "add", "1900-01-01", "2"], "outside the calendar's range"),
        (["calendar", "holidays", "2099"], "outside the calendar's range"),
        (["calendar", "holidays", "2024", "--region", "wales"], '"wales" is not one of'),
        (["explain", "lac.review.fist", "2024-03-25"], '"lac.review.fist" is not a rule'),
        (["explain", "lac.review.first", "tomorrow"], '"tomorrow" is not a date'),
        (["rules", "--rules", "/nonexistent/council.toml"], "no such rules file"),
        (["no-such-command"], '"no-such-command" is not one of calendar, rules'),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, argv, needle) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert needle in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            ["calendar", "between", "2024-01-01", "2024-02-01", "extra", "more"],
            "reviewdesk: error: unrecognised arguments: extra more",
        ),
        (
            ["export", "measures", "--format", "csv"],
            "reviewdesk export measures: error: missing: -o/--output",
        ),
        (["calendar", "add", "2024-01-01"], "reviewdesk calendar add: error: missing: N"),
        (["flags", "--as-of"], "reviewdesk flags: error: --as-of: no value given"),
        (["--db"], "reviewdesk: error: --db: no value given"),
        (
            ["calendar", "holidays", "2024", "--region", "wales"],
            'reviewdesk calendar holidays: error: --region: "wales" is not one of '
            "england-and-wales, scotland, northern-ireland",
        ),
        (
            ["import", "cin", "x.xml", "--dry-run=yes"],
            'reviewdesk import cin: error: --dry-run: takes no value ("yes" given)',
        ),
        (
            ["export", "schedule", "--as-of", "2024-01-01", "--f", "csv", "-o", "x.csv"],
            'reviewdesk export schedule: error: "--f" could be any of --from, --format; '
            "give it in full",
        ),
    ],
)
def test_argparse_refusals_are_plain_uk_english(capsys, argv, line) -> None:
    """argparse's own words ("unrecognized arguments", "the following arguments are
    required", "invalid choice", "expected one argument") reached people as they were:
    American spelling and a programmer's jargon. Now plain words, still exit status 2."""
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert err.splitlines() == [line]
    assert out == ""


@pytest.mark.parametrize(
    ("message", "plain"),
    [
        ("one of the arguments --csv --xlsx is required", "missing: one of --csv --xlsx"),
        (
            "argument --week: not allowed with argument --as-of",
            "--week: cannot be given with --as-of",
        ),
        ("argument N: invalid int value: 'ten'", 'N: "ten" is not a whole number'),
        ("argument N: expected 2 arguments", "N: give 2 values"),
        ('argument N: "ten" is not a whole number', 'N: "ten" is not a whole number'),
        ("something argparse may say one day", "something argparse may say one day"),
    ],
)
def test_argparse_words_for_the_rarer_refusals(message, plain) -> None:
    assert plain_words(message) == plain


def test_python_dash_m_never_shows_a_traceback() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "reviewdesk", "calendar", "add", "2024-13-01", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("reviewdesk: error:")
    assert "Traceback" not in proc.stderr


def test_an_unexpected_failure_is_one_plain_line_and_its_details_go_to_the_log(
    capsys, monkeypatch, private_data_folder
) -> None:
    """A bug in a command (here a lookup of a key that is not there) must not show the
    person the programmer's words: not the exception's name, not its message (which can
    hold a record's values). One line says it did not finish and where the details are;
    the error log, in the user's data folder, has the whole traceback."""
    import reviewdesk.cli.calendar_cmd as calendar_cmd

    def broken(_args):
        raise KeyError("closure_day 2024-12-25 for child 4711")

    monkeypatch.setattr(calendar_cmd, "_add", broken)
    monkeypatch.delenv("REVIEWDESK_DEBUG", raising=False)
    code, out, err = run(capsys, "calendar", "add", "2024-12-20", "3")
    assert code == 1
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("reviewdesk: error: the command stopped on a problem it did not expect")
    assert "4711" not in err and "KeyError" not in err and "Traceback" not in err
    log = private_data_folder / "reviewdesk-errors.log"
    assert str(log) in err
    written = log.read_text(encoding="utf-8")
    assert "Traceback" in written and "KeyError: 'closure_day 2024-12-25 for child 4711'" in written


class _LockTimeout(Exception):
    """A driver's error as psycopg raises PostgreSQL's lock_not_available (55P03)."""

    sqlstate = "55P03"


def test_a_lock_wait_the_engine_did_not_word_is_still_plain(capsys, monkeypatch) -> None:
    """reviewdesk's own engines turn a statement that stopped waiting for a lock into
    `Locked`, naming whose it is; any other (a raw connection) says so all the same."""
    from sqlalchemy.exc import OperationalError

    import reviewdesk.cli.calendar_cmd as calendar_cmd

    def held_up(_args):
        raise OperationalError("SELECT 1", {}, _LockTimeout("canceling statement"))

    monkeypatch.setattr(calendar_cmd, "_add", held_up)
    code, out, err = run(capsys, "calendar", "add", "2024-12-20", "3")
    assert code == 1 and out == ""
    assert err == (
        "reviewdesk: error: A table reviewdesk needed is locked by another session (the "
        "server's pg_locks shows whose), so reviewdesk stopped waiting for it. Try again in a "
        "moment; if it stays locked, ask an administrator.\n"
    )
