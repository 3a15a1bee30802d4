"""Every bad input to every command: one clear line naming it, exit status 2, nothing made.

The table covers the database given with --db (missing, a folder, empty, not SQLite, damaged,
another application's, from a newer version, an unsupported or unreachable server) for every
command that opens one, and each command's own arguments (dates out of range, numbers too big,
files that are folders, missing, damaged or hostile, outputs that are unwritable or would
overwrite the database). Each case runs the real command line in-process and checks: exit
status 2; one line on stderr naming the input; no traceback, no exception's name; and, for
commands that only read, that nothing was created at the --db path.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from reviewdesk.cli.main import main
from reviewdesk.demo import generate_demo
from reviewdesk.storage.db import open_database

AS_OF = "2025-01-06"
HUGE = "1" + "0" * 30
#: Words that would mean an exception leaked out to the user.
LEAK = re.compile(r"Traceback|unexpected error|\b[A-Z]\w*(Error|Exception|Warning)\b|sqlalche\.me")


@dataclass
class Files:
    """The inputs the cases refer to, made once for the module."""

    root: Path
    good: Path  # a reviewdesk database with a small demo authority
    data: Path  # the data folder (XDG_DATA_HOME/reviewdesk)
    extras: dict[str, Path] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Path:
        try:
            return self.__dict__["extras"][name]
        except KeyError:
            raise AttributeError(name) from None


def _sqlite(path: Path, *statements: str) -> Path:
    conn = sqlite3.connect(path)
    for s in statements:
        conn.execute(s)
    conn.commit()
    conn.close()
    return path


@pytest.fixture(scope="module")
def master_db(tmp_path_factory) -> Path:
    """A reviewdesk database with a small demo authority (copied for each case)."""
    path = tmp_path_factory.mktemp("bad-input-master") / "reviewdesk.sqlite"
    db = open_database(path)
    try:
        generate_demo(db, children=30, seed=1, as_of=dt.date.fromisoformat(AS_OF))
    finally:
        db.dispose()
    return path


@pytest.fixture
def files(master_db, tmp_path) -> Files:
    """Every input the cases use, made afresh for each case (a case may not spoil another)."""
    return make_files(tmp_path, master_db)


def make_files(root: Path, master: Path) -> Files:
    data = root / "xdg" / "reviewdesk"
    data.mkdir(parents=True)
    good = root / "good" / "reviewdesk.sqlite"
    good.parent.mkdir()
    shutil.copyfile(master, good)
    f = Files(root=root, good=good, data=data)
    x = f.extras
    x["folder"] = root / "a-folder"
    x["folder"].mkdir()
    x["empty"] = root / "empty.sqlite"
    x["empty"].write_bytes(b"")
    x["text"] = root / "notes.txt"
    x["text"].write_text("Shopping: milk, eggs\n")
    x["binary"] = root / "random.bin"
    x["binary"].write_bytes(bytes(range(256)) * 64)
    x["corrupt"] = root / "corrupt.sqlite"
    x["corrupt"].write_bytes(b"SQLite format 3\x00" + b"\xde\xad\xbe\xef" * 2048)
    x["foreign"] = _sqlite(
        root / "other-app.sqlite",
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)",
        "INSERT INTO notes (body) VALUES ('keep me')",
    )
    x["newer"] = root / "newer.sqlite"
    shutil.copyfile(good, x["newer"])
    _sqlite(x["newer"], "UPDATE alembic_version SET version_num = '9999_future'")
    x["unversioned"] = _sqlite(root / "unversioned.sqlite", "CREATE TABLE child (id INTEGER)")
    x["not_a_dir"] = root / "plain-file"
    x["not_a_dir"].write_text("x")
    x["bad_toml"] = root / "bad.toml"
    x["bad_toml"].write_text("[[rule]\nid = \n")
    x["wrong_toml"] = root / "wrong.toml"
    x["wrong_toml"].write_text(RULE.replace("amount = 15", 'amount = "twenty"'))
    x["good_toml"] = root / "council.toml"
    x["good_toml"].write_text(RULE)
    x["bad_dump"] = root / "bad.jsonl"
    x["bad_dump"].write_text(
        '{"format": "reviewdesk-dump", "version": 1, "revision": "0001"}\n{oops\n'
    )
    x["other_dump"] = root / "other.jsonl"
    x["other_dump"].write_text('{"format": "somebody-else", "version": 1}\n')
    x["bomb"] = root / "bomb.xml"
    x["bomb"].write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        "<Message>&lol3;</Message>\n"
    )
    x["in_data"] = data / "notes-i-keep.csv"
    x["in_data"].write_text("mine\n")
    x["link_to_good"] = root / "link.sqlite"
    x["link_to_good"].symlink_to(good)
    x["hard_to_good"] = root / "hard.sqlite"
    os.link(good, x["hard_to_good"])
    x["csv_link_to_good"] = root / "out-link.csv"
    x["csv_link_to_good"].symlink_to(good)
    x["pdf_db"] = root / "pdfdb" / "live.pdf"
    x["pdf_db"].parent.mkdir()
    shutil.copyfile(good, x["pdf_db"])
    return f


#: A council rule in full (an override file needs every field).
RULE = """[[rule]]
id = "lac.review.first"
process = "lac"
times = "meeting"
meetings = ["lac_review"]
from = "became_looked_after"
amount = 15
unit = "working_days"
direction = "after"
basis = "local"
title = "First review"
source = "Test council's own standard"
"""


@dataclass(frozen=True)
class Case:
    name: str
    argv: Callable[[Files], list[str]]
    needle: Callable[[Files], str]
    #: Paths that must not exist afterwards (nothing created).
    absent: Callable[[Files], list[Path]] = lambda f: []
    #: Files whose bytes must be unchanged.
    unchanged: Callable[[Files], list[Path]] = lambda f: []
    #: An import lists every problem it found, one per line, then a summary line.
    lines: str = "one"


# --- the database given with --db ---------------------------------------------------------

#: Commands that only read: each must refuse every bad --db and create nothing.
READERS: dict[str, Callable[[Files], list[str]]] = {
    "flags": lambda f: ["flags", "--as-of", AS_OF],
    "export-schedule": lambda f: [
        "export",
        "schedule",
        "--as-of",
        AS_OF,
        "--format",
        "csv",
        "-o",
        str(f.root / "s.csv"),
    ],
    "export-measures": lambda f: [
        "export",
        "measures",
        "--from",
        "2024-01-01",
        "--to",
        "2024-06-30",
        "--format",
        "xlsx",
        "-o",
        str(f.root / "m.xlsx"),
    ],
    "report-workload": lambda f: ["report", "workload", "-o", str(f.root / "w.pdf")],
    "report-weekly": lambda f: ["report", "weekly", "--week", AS_OF, "-o", str(f.root / "k.pdf")],
    "report-pack": lambda f: ["report", "pack", "1", "-o", str(f.root / "p.pdf")],
    "report-packs": lambda f: ["report", "packs", "--week", AS_OF, "-o", str(f.root / "q.pdf")],
    "report-timeliness": lambda f: [
        "report",
        "timeliness",
        "--from",
        "2024-01-01",
        "--to",
        "2024-06-30",
        "-o",
        str(f.root / "t.pdf"),
    ],
    "audit": lambda f: ["audit"],
    "overrides-list": lambda f: ["overrides", "list"],
    "overrides-export": lambda f: ["overrides", "export", "-"],
    "overrides-set": lambda f: [
        "overrides",
        "set",
        "lac.review.first",
        "--amount",
        "15",
        "--source",
        "test",
    ],
    "overrides-reset": lambda f: ["overrides", "reset", "lac.review.first"],
    "overrides-load": lambda f: ["overrides", "load", str(f.good_toml)],
    "backup": lambda f: ["backup", str(f.root / "copy.sqlite"), "--force"],
}
#: Commands that may create a database: they still refuse one that is not theirs.
CREATORS: dict[str, Callable[[Files], list[str]]] = {
    "demo": lambda f: ["demo", "--children", "5", "--as-of", AS_OF, "--quiet"],
    "import-903": lambda f: [
        "import",
        "903",
        "--header",
        str(f.text),
        "--episodes",
        str(f.text),
        "--reviews",
        str(f.text),
    ],
    "import-cin": lambda f: ["import", "cin", str(f.bomb)],
    "restore": lambda f: ["restore", str(f.good)],
}

MISSING_DB = {
    "missing-file": lambda f: f.root / "no-such.sqlite",
    "missing-folder": lambda f: f.root / "typo" / "deeper" / "reviewdesk.sqlite",
    "empty-file": lambda f: f.empty,
}
BAD_DB = {
    "folder": (lambda f: str(f.folder), lambda f: str(f.folder)),
    "text-file": (lambda f: str(f.text), lambda f: str(f.text)),
    "corrupt": (lambda f: str(f.corrupt), lambda f: str(f.corrupt)),
    "foreign": (lambda f: str(f.foreign), lambda f: str(f.foreign)),
    "newer": (lambda f: str(f.newer), lambda f: "newer version"),
    "unversioned": (lambda f: str(f.unversioned), lambda f: str(f.unversioned)),
    "mysql": (lambda f: "mysql://iro@localhost/reviewdesk", lambda f: "mysql://"),
    "unreachable": (
        lambda f: "postgresql://iro:secret@127.0.0.1:1/reviewdesk",
        lambda f: "127.0.0.1:1",
    ),
    "bogus-scheme": (lambda f: "bogus://x/y", lambda f: "bogus://"),
}


def _db_cases() -> list[Case]:
    cases = []
    for command, argv in READERS.items():
        for kind, where in MISSING_DB.items():
            cases.append(
                Case(
                    f"{command}/db-{kind}",
                    lambda f, a=argv, w=where: ["--db", str(w(f)), *a(f)],
                    lambda f, w=where: str(w(f)),
                    absent=lambda f, w=where, k=kind: [] if k == "empty-file" else [w(f)],
                )
            )
    for commands in (READERS, CREATORS):
        for command, argv in commands.items():
            for kind, (target, needle) in BAD_DB.items():
                if (command, kind) == ("backup", "newer"):
                    continue  # a copy of a newer version's file is still a good backup
                cases.append(
                    Case(
                        f"{command}/db-{kind}",
                        lambda f, a=argv, t=target: ["--db", t(f), *a(f)],
                        needle,
                        unchanged=lambda f: [f.foreign, f.text, f.corrupt, f.unversioned],
                    )
                )
    return cases


# --- each command's own arguments ------------------------------------------------------------


def _good(*argv: str | Callable[[Files], str]) -> Callable[[Files], list[str]]:
    return lambda f: ["--db", str(f.good), *(a(f) if callable(a) else a for a in argv)]


def _schedule_to(out: Callable[[Files], str]) -> Callable[[Files], list[str]]:
    return _good("export", "schedule", "--as-of", AS_OF, "--format", "csv", "-o", out)


ARG_CASES = [
    # dates out of range or malformed
    Case("flags/as-of-year-1", _good("flags", "--as-of", "0001-01-01"), lambda f: "0001-01-01"),
    Case("flags/as-of-9999", _good("flags", "--as-of", "9999-12-31"), lambda f: "9999-12-31"),
    Case("flags/as-of-month-13", _good("flags", "--as-of", "2025-13-01"), lambda f: "2025-13-01"),
    Case(
        "flags/limit-not-a-number",
        _good("flags", "--as-of", AS_OF, "--limit", "ten"),
        lambda f: "ten",
    ),
    Case(
        "export-schedule/as-of-year-1",
        _good(
            "export",
            "schedule",
            "--as-of",
            "0001-01-01",
            "--format",
            "csv",
            "-o",
            lambda f: str(f.root / "a.csv"),
        ),
        lambda f: "0001-01-01",
    ),
    Case(
        "export-schedule/from-year-1",
        _good(
            "export",
            "schedule",
            "--as-of",
            AS_OF,
            "--from",
            "0001-01-01",
            "--format",
            "csv",
            "-o",
            lambda f: str(f.root / "b.csv"),
        ),
        lambda f: "0001-01-01",
    ),
    Case(
        "export-schedule/as-of-9999",
        _good(
            "export",
            "schedule",
            "--as-of",
            "9999-12-31",
            "--format",
            "xlsx",
            "-o",
            lambda f: str(f.root / "c.xlsx"),
        ),
        lambda f: "9999-12-31",
    ),
    Case(
        "export-measures/from-year-1",
        _good(
            "export",
            "measures",
            "--from",
            "0001-01-01",
            "--to",
            "2024-01-31",
            "--format",
            "csv",
            "-o",
            lambda f: str(f.root / "d.csv"),
        ),
        lambda f: "0001-01-01",
    ),
    Case(
        "export-measures/to-9999",
        _good(
            "export",
            "measures",
            "--from",
            "2024-01-01",
            "--to",
            "9999-12-31",
            "--format",
            "csv",
            "-o",
            lambda f: str(f.root / "e.csv"),
        ),
        lambda f: "9999-12-31",
    ),
    Case(
        "export-measures/reversed",
        _good(
            "export",
            "measures",
            "--from",
            "2024-06-01",
            "--to",
            "2024-01-31",
            "--format",
            "csv",
            "-o",
            lambda f: str(f.root / "g.csv"),
        ),
        lambda f: "--from",
    ),
    Case(
        "report-workload/as-of-year-1",
        _good("report", "workload", "--as-of", "0001-01-01", "-o", lambda f: str(f.root / "h.pdf")),
        lambda f: "0001-01-01",
    ),
    Case(
        "report-weekly/week-year-1",
        _good("report", "weekly", "--week", "0001-01-01", "-o", lambda f: str(f.root / "i.pdf")),
        lambda f: "0001-01-01",
    ),
    Case(
        "report-weekly/week-9999",
        _good("report", "weekly", "--week", "9999-12-31", "-o", lambda f: str(f.root / "j.pdf")),
        lambda f: "9999-12-31",
    ),
    Case(
        "report-packs/week-year-1",
        _good("report", "packs", "--week", "0001-01-01", "-o", lambda f: str(f.root / "k.pdf")),
        lambda f: "0001-01-01",
    ),
    Case(
        "report-timeliness/from-year-1",
        _good(
            "report",
            "timeliness",
            "--from",
            "0001-01-01",
            "--to",
            "2024-01-31",
            "-o",
            lambda f: str(f.root / "l.pdf"),
        ),
        lambda f: "0001-01-01",
    ),
    Case(
        "report-timeliness/reversed",
        _good(
            "report",
            "timeliness",
            "--from",
            "2024-06-01",
            "--to",
            "2024-01-31",
            "-o",
            lambda f: str(f.root / "m.pdf"),
        ),
        lambda f: "--from",
    ),
    Case(
        "report-pack/huge-meeting",
        _good("report", "pack", HUGE, "-o", lambda f: str(f.root / "n.pdf")),
        lambda f: HUGE,
    ),
    Case(
        "report-pack/no-such-meeting",
        _good("report", "pack", "99999999", "-o", lambda f: str(f.root / "o.pdf")),
        lambda f: "99999999",
    ),
    Case(
        "report-workload/no-such-iro",
        _good("report", "workload", "--iro", "Nobody Atall", "-o", lambda f: str(f.root / "p.pdf")),
        lambda f: "Nobody Atall",
    ),
    Case("audit/limit-huge", _good("audit", "--limit", HUGE), lambda f: HUGE),
    Case("audit/limit-zero", _good("audit", "--limit", "0"), lambda f: "--limit"),
    Case("audit/limit-words", _good("audit", "--limit", "lots"), lambda f: "lots"),
    Case("calendar/add-huge", lambda f: ["calendar", "add", "2024-01-01", HUGE], lambda f: HUGE),
    Case(
        "calendar/add-year-9999",
        lambda f: ["calendar", "add", "9999-12-31", "5"],
        lambda f: "9999-12-31",
    ),
    Case(
        "calendar/add-year-1",
        lambda f: ["calendar", "add", "0001-01-01", "-5"],
        lambda f: "0001-01-01",
    ),
    Case(
        "calendar/between-far",
        lambda f: ["calendar", "between", "0001-01-01", "9999-12-31"],
        lambda f: "0001-01-01",
    ),
    Case(
        "calendar/add-beyond-the-calendar",
        lambda f: ["calendar", "add", "2060-12-01", "2000"],
        lambda f: "2000",
    ),
    Case("calendar/holidays-huge", lambda f: ["calendar", "holidays", HUGE], lambda f: HUGE),
    Case(
        "explain/year-1",
        lambda f: ["explain", "lac.review.first", "0001-01-01"],
        lambda f: "0001-01-01",
    ),
    Case(
        "explain/year-9999",
        lambda f: ["explain", "lac.review.first", "9999-12-31"],
        lambda f: "9999-12-31",
    ),
    Case(
        "explain/rules-folder",
        lambda f: ["explain", "lac.review.first", AS_OF, "--rules", str(f.folder)],
        lambda f: str(f.folder),
    ),
    Case(
        "rules/bad-toml", lambda f: ["rules", "--rules", str(f.bad_toml)], lambda f: str(f.bad_toml)
    ),
    Case("rules/binary", lambda f: ["rules", "--rules", str(f.binary)], lambda f: str(f.binary)),
    Case("rules/folder", lambda f: ["rules", "--rules", str(f.folder)], lambda f: str(f.folder)),
    Case(
        "rules/wrong-values",
        lambda f: ["rules", "--rules", str(f.wrong_toml)],
        lambda f: str(f.wrong_toml),
    ),
    # outputs: unwritable, a folder, the live database or the data folder
    Case(
        "export-schedule/out-missing-folder",
        _schedule_to(lambda f: str(f.root / "nowhere" / "s.csv")),
        lambda f: "nowhere",
        absent=lambda f: [f.root / "nowhere"],
    ),
    Case(
        "export-schedule/out-parent-is-a-file",
        _schedule_to(lambda f: str(f.not_a_dir / "s.csv")),
        lambda f: str(f.not_a_dir),
    ),
    Case(
        "export-schedule/out-is-a-folder",
        _schedule_to(lambda f: str(f.folder)),
        lambda f: str(f.folder),
    ),
    Case(
        "export-schedule/out-is-the-db",
        _schedule_to(lambda f: str(f.good)),
        lambda f: str(f.good),
        unchanged=lambda f: [f.good],
    ),
    Case(
        "export-schedule/out-is-the-db-respelt",
        _schedule_to(lambda f: str(f.good.parent / ".." / "good" / "." / f.good.name)),
        lambda f: "database",
        unchanged=lambda f: [f.good],
    ),
    Case(
        "export-schedule/out-is-a-symlink-to-the-db",
        _schedule_to(lambda f: str(f.link_to_good)),
        lambda f: "database",
        unchanged=lambda f: [f.good],
    ),
    Case(
        "export-schedule/out-is-a-hard-link-to-the-db",
        _schedule_to(lambda f: str(f.hard_to_good)),
        lambda f: "database",
        unchanged=lambda f: [f.good],
    ),
    Case(
        "export-schedule/out-is-the-db-wal",
        _schedule_to(lambda f: f"{f.good}-wal"),
        lambda f: "database",
    ),
    Case(
        "export-schedule/out-in-the-data-folder",
        _schedule_to(lambda f: str(f.in_data)),
        lambda f: str(f.in_data),
        unchanged=lambda f: [f.in_data],
    ),
    Case(
        "export-schedule/out-is-another-database",
        _schedule_to(lambda f: str(f.foreign)),
        lambda f: str(f.foreign),
        unchanged=lambda f: [f.foreign],
    ),
    Case(
        "export-measures/out-is-the-db",
        _good(
            "export",
            "measures",
            "--from",
            "2024-01-01",
            "--to",
            "2024-03-31",
            "--format",
            "xlsx",
            "-o",
            lambda f: str(f.good),
        ),
        lambda f: str(f.good),
        unchanged=lambda f: [f.good],
    ),
    Case(
        "export-schedule/ics-out-is-the-db",
        _good(
            "export",
            "schedule",
            "--as-of",
            AS_OF,
            "--format",
            "ics",
            "-o",
            lambda f: str(f.link_to_good),
        ),
        lambda f: "database",
        unchanged=lambda f: [f.good],
    ),
    Case(
        "report-workload/out-not-pdf",
        _good("report", "workload", "-o", lambda f: str(f.root / "w.txt")),
        lambda f: "w.txt",
    ),
    Case(
        "report-workload/out-is-the-db",
        lambda f: ["--db", str(f.pdf_db), "report", "workload", "-o", str(f.pdf_db)],
        lambda f: str(f.pdf_db),
        unchanged=lambda f: [f.pdf_db],
    ),
    Case(
        "report-weekly/out-missing-folder",
        _good("report", "weekly", "--week", AS_OF, "-o", lambda f: str(f.root / "gone" / "w.pdf")),
        lambda f: "gone",
    ),
    Case(
        "overrides-export/to-a-folder",
        _good("overrides", "export", lambda f: str(f.folder)),
        lambda f: str(f.folder),
    ),
    Case(
        "overrides-export/to-the-db",
        _good("overrides", "export", lambda f: str(f.good)),
        lambda f: str(f.good),
        unchanged=lambda f: [f.good],
    ),
    Case(
        "overrides-export/to-missing-folder",
        _good("overrides", "export", lambda f: str(f.root / "nope" / "r.toml")),
        lambda f: "nope",
    ),
    Case(
        "backup/to-the-db-respelt",
        _good("backup", lambda f: str(f.good.parent / "." / f.good.name)),
        lambda f: "database",
        unchanged=lambda f: [f.good],
    ),
    Case(
        "backup/to-a-symlink-to-the-db",
        _good("backup", lambda f: str(f.link_to_good), "--force"),
        lambda f: "database",
        unchanged=lambda f: [f.good],
    ),
    Case(
        "backup/to-a-hard-link-to-the-db",
        _good("backup", lambda f: str(f.hard_to_good), "--force"),
        lambda f: "database",
        unchanged=lambda f: [f.good],
    ),
    Case(
        "backup/json-to-the-db",
        _good("backup", lambda f: str(f.link_to_good), "--json", "--force"),
        lambda f: "database",
        unchanged=lambda f: [f.good],
    ),
    Case(
        "backup/to-a-folder",
        _good("backup", lambda f: str(f.folder), "--force"),
        lambda f: str(f.folder),
    ),
    Case(
        "backup/to-missing-folder",
        _good("backup", lambda f: str(f.root / "zz" / "b.sqlite")),
        lambda f: "zz",
        absent=lambda f: [f.root / "zz"],
    ),
    Case(
        "backup/parent-is-a-file",
        _good("backup", lambda f: str(f.not_a_dir / "b.sqlite")),
        lambda f: str(f.not_a_dir),
    ),
    # overrides
    Case(
        "overrides-set/amount-huge",
        _good("overrides", "set", "lac.review.first", "--amount", HUGE, "--source", "x"),
        lambda f: HUGE,
    ),
    Case(
        "overrides-set/amount-negative",
        _good("overrides", "set", "lac.review.first", "--amount", "-5", "--source", "x"),
        lambda f: "-5",
    ),
    Case(
        "overrides-set/no-such-rule",
        _good("overrides", "set", "lac.review.fist", "--amount", "5", "--source", "x"),
        lambda f: "lac.review.fist",
    ),
    Case(
        "overrides-set/sooner-of-garbage",
        _good("overrides", "set", "lac.review.first", "--sooner-of", "x:y", "--source", "x"),
        lambda f: "x:y",
    ),
    Case(
        "overrides-set/sooner-of-huge",
        _good(
            "overrides", "set", "lac.review.first", "--sooner-of", f"{HUGE}:days", "--source", "x"
        ),
        lambda f: HUGE,
    ),
    Case(
        "overrides-reset/no-such-rule",
        _good("overrides", "reset", "no.such.rule"),
        lambda f: "no.such.rule",
    ),
    Case(
        "overrides-load/missing",
        _good("overrides", "load", lambda f: str(f.root / "x.toml")),
        lambda f: "x.toml",
    ),
    Case(
        "overrides-load/folder",
        _good("overrides", "load", lambda f: str(f.folder)),
        lambda f: str(f.folder),
    ),
    Case(
        "overrides-load/binary",
        _good("overrides", "load", lambda f: str(f.binary)),
        lambda f: str(f.binary),
    ),
    Case(
        "overrides-load/bad-toml",
        _good("overrides", "load", lambda f: str(f.bad_toml)),
        lambda f: str(f.bad_toml),
    ),
    Case(
        "overrides-load/wrong-values",
        _good("overrides", "load", lambda f: str(f.wrong_toml)),
        lambda f: "twenty",
    ),
    Case(
        "export-measures/xlsx-to-a-folder",
        _good(
            "export",
            "measures",
            "--from",
            "2024-01-01",
            "--to",
            "2024-03-31",
            "--format",
            "xlsx",
            "-o",
            lambda f: str(f.folder),
        ),
        lambda f: str(f.folder),
    ),
    Case(
        "export-schedule/xlsx-to-a-missing-folder",
        _good(
            "export",
            "schedule",
            "--as-of",
            AS_OF,
            "--format",
            "xlsx",
            "-o",
            lambda f: str(f.root / "nope" / "x.xlsx"),
        ),
        lambda f: "nope",
    ),
    # restore
    Case(
        "restore/missing",
        _good("restore", lambda f: str(f.root / "gone.sqlite")),
        lambda f: "gone.sqlite",
    ),
    Case("restore/folder", _good("restore", lambda f: str(f.folder)), lambda f: str(f.folder)),
    Case("restore/text", _good("restore", lambda f: str(f.text)), lambda f: str(f.text)),
    Case("restore/empty", _good("restore", lambda f: str(f.empty)), lambda f: str(f.empty)),
    Case("restore/corrupt", _good("restore", lambda f: str(f.corrupt)), lambda f: str(f.corrupt)),
    Case("restore/foreign", _good("restore", lambda f: str(f.foreign)), lambda f: str(f.foreign)),
    Case("restore/newer", _good("restore", lambda f: str(f.newer)), lambda f: "newer version"),
    Case(
        "restore/itself-via-symlink",
        _good("restore", lambda f: str(f.link_to_good)),
        lambda f: "database",
    ),
    Case(
        "restore/bad-dump", _good("restore", lambda f: str(f.bad_dump)), lambda f: str(f.bad_dump)
    ),
    Case(
        "restore/other-dump",
        _good("restore", lambda f: str(f.other_dump)),
        lambda f: str(f.other_dump),
    ),
    # import
    Case(
        "import-903/missing-files",
        _good(
            "import",
            "903",
            "--header",
            lambda f: str(f.root / "h.csv"),
            "--episodes",
            lambda f: str(f.root / "e.csv"),
            "--reviews",
            lambda f: str(f.root / "r.csv"),
        ),
        lambda f: "h.csv",
        lines="many",
    ),
    Case(
        "import-903/folders",
        _good(
            "import",
            "903",
            "--header",
            lambda f: str(f.folder),
            "--episodes",
            lambda f: str(f.folder),
            "--reviews",
            lambda f: str(f.folder),
        ),
        lambda f: str(f.folder),
        lines="many",
    ),
    Case(
        "import-903/binary",
        _good(
            "import",
            "903",
            "--header",
            lambda f: str(f.binary),
            "--episodes",
            lambda f: str(f.binary),
            "--reviews",
            lambda f: str(f.binary),
        ),
        lambda f: f.binary.name,
        lines="many",
    ),
    Case(
        "import-903/year-huge",
        _good(
            "import",
            "903",
            "--header",
            lambda f: str(f.text),
            "--episodes",
            lambda f: str(f.text),
            "--reviews",
            lambda f: str(f.text),
            "--year",
            HUGE,
        ),
        lambda f: HUGE,
    ),
    Case(
        "import-cin/missing",
        _good("import", "cin", lambda f: str(f.root / "c.xml")),
        lambda f: "c.xml",
        lines="many",
    ),
    Case(
        "import-cin/folder",
        _good("import", "cin", lambda f: str(f.folder)),
        lambda f: str(f.folder),
        lines="many",
    ),
    Case(
        "import-cin/binary",
        _good("import", "cin", lambda f: str(f.binary)),
        lambda f: f.binary.name,
        lines="many",
    ),
    Case(
        "import-cin/entity-bomb",
        _good("import", "cin", lambda f: str(f.bomb)),
        lambda f: f.bomb.name,
        lines="many",
    ),
    Case(
        "import-cin/year-words",
        _good("import", "cin", lambda f: str(f.bomb), "--year", "next"),
        lambda f: "next",
    ),
    # demo
    Case(
        "demo/children-negative",
        lambda f: ["--db", str(f.root / "d1.sqlite"), "demo", "--children", "-5", "--quiet"],
        lambda f: "-5",
    ),
    Case(
        "demo/children-huge",
        lambda f: ["--db", str(f.root / "d2.sqlite"), "demo", "--children", HUGE, "--quiet"],
        lambda f: HUGE,
    ),
    Case(
        "demo/seed-huge",
        lambda f: [
            "--db",
            str(f.root / "d3.sqlite"),
            "demo",
            "--seed",
            HUGE,
            "--children",
            "5",
            "--quiet",
        ],
        lambda f: HUGE,
    ),
    Case(
        "demo/as-of-year-1",
        lambda f: [
            "--db",
            str(f.root / "d4.sqlite"),
            "demo",
            "--as-of",
            "0001-01-01",
            "--children",
            "5",
            "--quiet",
        ],
        lambda f: "0001-01-01",
    ),
    Case(
        "demo/as-of-9999",
        lambda f: [
            "--db",
            str(f.root / "d5.sqlite"),
            "demo",
            "--as-of",
            "9999-12-31",
            "--children",
            "5",
            "--quiet",
        ],
        lambda f: "9999-12-31",
    ),
    Case(
        "demo/not-empty",
        _good("demo", "--children", "5", "--as-of", AS_OF, "--quiet"),
        lambda f: "--replace",
    ),
]

CASES = _db_cases() + ARG_CASES


def test_the_table_covers_enough_inputs():
    assert len(CASES) >= 116
    assert len({c.name for c in CASES}) == len(CASES)


def _snapshot(paths: list[Path]) -> dict[Path, tuple[bytes, int]]:
    return {p: (p.read_bytes(), os.stat(p).st_mode) for p in paths if p.is_file()}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bad_input_is_one_clear_line_and_exit_2(case, files, capfd, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(files.root / "xdg"))
    monkeypatch.delenv("REVIEWDESK_DB", raising=False)
    monkeypatch.chdir(files.root)
    before = _snapshot(case.unchanged(files))
    try:
        code = main(case.argv(files))
    except SystemExit as exc:  # argparse's own refusals
        code = exc.code
    out, err = capfd.readouterr()
    gc.collect()  # a half-written workbook would print its traceback when collected
    out, more = capfd.readouterr()
    err += more
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, (code, out, err)
    assert not LEAK.search(err), err
    if case.lines == "one":
        assert len(lines) == 1, err
        assert case.needle(files) in lines[0], lines[0]
    else:  # every problem on a line of its own, the file named, then the summary
        assert lines[-1].startswith("reviewdesk: import refused"), err
        assert case.needle(files) in err, err
    for path in case.absent(files):
        assert not path.exists(), f"{path} was created"
    assert _snapshot(case.unchanged(files)) == before


def test_a_foreign_database_keeps_its_journal_mode_and_mode(tmp_path):
    path = _sqlite(tmp_path / "app.sqlite", "CREATE TABLE t (x)", "PRAGMA journal_mode=DELETE")
    os.chmod(path, 0o644)
    data = path.read_bytes()
    assert main(["--db", str(path), "demo", "--children", "5", "--quiet"]) == 2
    assert path.read_bytes() == data
    assert os.stat(path).st_mode & 0o777 == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.sqlite"]
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()


def test_the_good_database_still_opens(files):
    open_database(files.good, create=False).dispose()
