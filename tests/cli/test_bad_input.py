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
import shlex
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from reviewdesk.cli.main import main
from reviewdesk.identity import system_account
from reviewdesk.storage.db import open_database
from tests.actions.shortcuts import generate_demo

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
    """One bad input. ``argv`` and ``needle`` are templates: ``{name}`` is the path of that
    input (``{good}``, ``{root}``, ``{folder}``, ...; see `make_files`), ``{HUGE}`` a 31-digit
    number, ``{me}`` the account running the tests (the good database's administrator).
    ``absent`` must not exist afterwards; ``unchanged`` keep their bytes and mode."""

    name: str
    argv: str
    needle: str
    absent: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    #: "many": an import lists every problem it found, one per line, then a summary line.
    lines: str = "one"


def _fill(template: str, f: Files) -> str:
    names = {
        "root": f.root,
        "good": f.good,
        "data": f.data,
        "HUGE": HUGE,
        "me": system_account(),  # the good database's owner, its only administrator
        **f.extras,
    }
    return template.format(**{k: str(v) for k, v in names.items()})


# --- the database given with --db ---------------------------------------------------------

#: Commands that only read (or change an existing database): each must refuse every bad
#: --db and create nothing.
READERS = {
    "flags": f"flags --as-of {AS_OF}",
    "teams": f"teams --as-of {AS_OF}",
    "export-schedule": f"export schedule --as-of {AS_OF} --format csv -o {{root}}/s.csv",
    "export-measures": "export measures --from 2024-01-01 --to 2024-06-30 --format xlsx "
    "-o {root}/m.xlsx",
    "report-workload": "report workload -o {root}/w.pdf",
    "report-weekly": f"report weekly --week {AS_OF} -o {{root}}/k.pdf",
    "report-pack": "report pack 1 -o {root}/p.pdf",
    "report-packs": f"report packs --week {AS_OF} -o {{root}}/q.pdf",
    "report-timeliness": "report timeliness --from 2024-01-01 --to 2024-06-30 -o {root}/t.pdf",
    "audit": "audit",
    "overrides-list": "overrides list",
    "overrides-export": "overrides export -",
    "overrides-set": "overrides set lac.review.first --amount 15 --source test",
    "overrides-reset": "overrides reset lac.review.first",
    "overrides-load": "overrides load {good_toml}",
    "backup": "backup {root}/copy.sqlite --force",
    "users-list": "users list",
    "users-add": "users add jsmith --role iro",
    "users-set-role": "users set-role {me} team-manager",
    "users-deactivate": "users deactivate jsmith",
}
#: Commands that may create a database: they still refuse one that is not theirs.
CREATORS = {
    "demo": f"demo --children 5 --as-of {AS_OF} --quiet",
    "import-903": "import 903 --header {text} --episodes {text} --reviews {text}",
    "import-cin": "import cin {bomb}",
    "restore": "restore {good}",
}
#: --db values with no database behind them, which a reader must not create.
MISSING_DB = {
    "missing-file": "{root}/no-such.sqlite",
    "missing-folder": "{root}/typo/deeper/reviewdesk.sqlite",
    "empty-file": "{empty}",
}
#: --db values that are not reviewdesk databases: (the value, what the message names).
BAD_DB = {
    "folder": ("{folder}", "{folder}"),
    "text-file": ("{text}", "{text}"),
    "corrupt": ("{corrupt}", "{corrupt}"),
    "foreign": ("{foreign}", "{foreign}"),
    "newer": ("{newer}", "newer version"),
    "unversioned": ("{unversioned}", "{unversioned}"),
    "mysql": ("mysql://iro@localhost/reviewdesk", "mysql://"),
    "unreachable": ("postgresql://iro:secret@127.0.0.1:1/reviewdesk", "127.0.0.1:1"),
    "bogus-scheme": ("bogus://x/y", "bogus://"),
}
UNTOUCHED = ("foreign", "text", "corrupt", "unversioned")


def _db_cases() -> list[Case]:
    cases = []
    for command, argv in READERS.items():
        for kind, where in MISSING_DB.items():
            absent = () if kind == "empty-file" else (where,)
            cases.append(Case(f"{command}/db-{kind}", f"--db {where} {argv}", where, absent))
    for command, argv in {**READERS, **CREATORS}.items():
        for kind, (where, needle) in BAD_DB.items():
            if (command, kind) == ("backup", "newer"):
                continue  # a copy of a newer version's file is still a good backup
            cases.append(
                Case(
                    f"{command}/db-{kind}",
                    f"--db {where} {argv}",
                    needle,
                    unchanged=tuple(f"{{{name}}}" for name in UNTOUCHED),
                )
            )
    return cases


# --- each command's own arguments ------------------------------------------------------------

GOOD = "--db {good}"
SCHEDULE = f"{GOOD} export schedule --as-of {AS_OF} --format csv -o"
MEASURES = f"{GOOD} export measures --from 2024-01-01 --to 2024-03-31 --format"
OVERRIDE = f"{GOOD} overrides set lac.review.first"
USERS = f"{GOOD} users"
IMPORT_903 = f"{GOOD} import 903 --header {{text}} --episodes {{text}} --reviews {{text}}"

ARG_CASES = [
    # dates out of the calendar's range, or not dates
    Case("flags/as-of-year-1", f"{GOOD} flags --as-of 0001-01-01", "0001-01-01"),
    Case("flags/as-of-9999", f"{GOOD} flags --as-of 9999-12-31", "9999-12-31"),
    Case("flags/as-of-month-13", f"{GOOD} flags --as-of 2025-13-01", "2025-13-01"),
    Case("flags/limit-not-a-number", f"{GOOD} flags --as-of {AS_OF} --limit ten", "ten"),
    Case(
        "export-schedule/as-of-year-1",
        f"{GOOD} export schedule --as-of 0001-01-01 --format csv -o {{root}}/a.csv",
        "0001-01-01",
    ),
    Case(
        "export-schedule/from-year-1",
        f"{GOOD} export schedule --as-of {AS_OF} --from 0001-01-01 --format csv -o {{root}}/b.csv",
        "0001-01-01",
    ),
    Case(
        "export-schedule/as-of-9999",
        f"{GOOD} export schedule --as-of 9999-12-31 --format xlsx -o {{root}}/c.xlsx",
        "9999-12-31",
    ),
    Case(
        "export-measures/from-year-1",
        f"{GOOD} export measures --from 0001-01-01 --to 2024-01-31 --format csv -o {{root}}/d.csv",
        "0001-01-01",
    ),
    Case(
        "export-measures/to-9999",
        f"{GOOD} export measures --from 2024-01-01 --to 9999-12-31 --format csv -o {{root}}/e.csv",
        "9999-12-31",
    ),
    Case(
        "export-measures/as-of-year-1",
        f"{GOOD} export measures --as-of 0001-01-01 --format csv -o {{root}}/d2.csv",
        "0001-01-01",
    ),
    Case(
        "export-measures/as-of-not-a-date",
        f"{GOOD} export measures --as-of 31/04/2024 --format csv -o {{root}}/d3.csv",
        "31/04/2024",
    ),
    Case(
        "export-measures/to-after-as-of",
        f"{GOOD} export measures --as-of {AS_OF} --to 2025-02-01 --format csv -o {{root}}/d4.csv",
        "--as-of",
    ),
    Case(
        "export-measures/reversed",
        f"{GOOD} export measures --from 2024-06-01 --to 2024-01-31 --format csv -o {{root}}/g.csv",
        "--from",
    ),
    Case(
        "report-workload/as-of-year-1",
        f"{GOOD} report workload --as-of 0001-01-01 -o {{root}}/h.pdf",
        "0001-01-01",
    ),
    Case(
        "report-weekly/week-year-1",
        f"{GOOD} report weekly --week 0001-01-01 -o {{root}}/i.pdf",
        "0001-01-01",
    ),
    Case(
        "report-weekly/week-9999",
        f"{GOOD} report weekly --week 9999-12-31 -o {{root}}/j.pdf",
        "9999-12-31",
    ),
    Case(
        "report-packs/week-year-1",
        f"{GOOD} report packs --week 0001-01-01 -o {{root}}/k.pdf",
        "0001-01-01",
    ),
    Case(
        "report-timeliness/from-year-1",
        f"{GOOD} report timeliness --from 0001-01-01 --to 2024-01-31 -o {{root}}/l.pdf",
        "0001-01-01",
    ),
    Case(
        "report-timeliness/reversed",
        f"{GOOD} report timeliness --from 2024-06-01 --to 2024-01-31 -o {{root}}/m.pdf",
        "--from",
    ),
    Case("explain/year-1", "explain lac.review.first 0001-01-01", "0001-01-01"),
    Case("explain/year-9999", "explain lac.review.first 9999-12-31", "9999-12-31"),
    Case("calendar/add-year-9999", "calendar add 9999-12-31 5", "9999-12-31"),
    Case("calendar/add-year-1", "calendar add 0001-01-01 -5", "0001-01-01"),
    Case("calendar/between-far", "calendar between 0001-01-01 9999-12-31", "0001-01-01"),
    Case("demo/as-of-year-1", "--db {root}/d4.sqlite demo --as-of 0001-01-01", "0001-01-01"),
    Case("demo/as-of-9999", "--db {root}/d5.sqlite demo --as-of 9999-12-31", "9999-12-31"),
    # numbers too big, too small or not numbers
    Case("report-pack/huge-meeting", f"{GOOD} report pack {{HUGE}} -o {{root}}/n.pdf", HUGE),
    Case(
        "report-pack/no-such-meeting", f"{GOOD} report pack 99999999 -o {{root}}/o.pdf", "99999999"
    ),
    Case(
        "report-workload/no-such-iro",
        f"{GOOD} report workload --iro 'Nobody Atall' -o {{root}}/p.pdf",
        "Nobody Atall",
    ),
    Case("audit/limit-huge", f"{GOOD} audit --limit {{HUGE}}", HUGE),
    Case("audit/limit-zero", f"{GOOD} audit --limit 0", "--limit"),
    Case("audit/limit-words", f"{GOOD} audit --limit lots", "lots"),
    Case("audit/child-huge", f"{GOOD} audit --child {{HUGE}}", HUGE),
    Case("audit/child-words", f"{GOOD} audit --child Zoe", "Zoe"),
    Case("audit/from-year-1", f"{GOOD} audit --from 0001-01-01", "0001-01-01"),
    Case("audit/to-month-13", f"{GOOD} audit --to 2025-13-01", "2025-13-01"),
    Case(
        "audit/from-after-to",
        f"{GOOD} audit --from 2025-01-31 --to 2025-01-01",
        "--from 31/01/2025 is after --to 01/01/2025",
    ),
    Case("calendar/add-huge", "calendar add 2024-01-01 {HUGE}", HUGE),
    Case("calendar/add-beyond-the-calendar", "calendar add 2060-12-01 2000", "2000"),
    Case("calendar/holidays-huge", "calendar holidays {HUGE}", HUGE),
    Case("overrides-set/amount-huge", f"{OVERRIDE} --amount {{HUGE}} --source x", HUGE),
    Case("overrides-set/amount-negative", f"{OVERRIDE} --amount -5 --source x", "-5"),
    Case("overrides-set/sooner-of-garbage", f"{OVERRIDE} --sooner-of x:y --source x", "x:y"),
    Case("overrides-set/sooner-of-huge", f"{OVERRIDE} --sooner-of {{HUGE}}:days --source x", HUGE),
    Case("import-903/year-huge", f"{IMPORT_903} --year {{HUGE}}", HUGE),
    Case("import-cin/year-words", f"{GOOD} import cin {{bomb}} --year next", "next"),
    Case("demo/children-negative", "--db {root}/d1.sqlite demo --children -5 --quiet", "-5"),
    Case("demo/children-huge", "--db {root}/d2.sqlite demo --children {HUGE} --quiet", HUGE),
    Case("demo/seed-huge", "--db {root}/d3.sqlite demo --seed {HUGE} --children 5", HUGE),
    # names that are not there
    Case(
        "overrides-set/no-such-rule",
        f"{GOOD} overrides set lac.review.fist --amount 5 --source x",
        "lac.review.fist",
    ),  # fmt: skip
    Case("overrides-reset/no-such-rule", f"{GOOD} overrides reset no.such.rule", "no.such.rule"),
    Case("demo/not-empty", f"{GOOD} demo --children 5 --as-of {AS_OF} --quiet", "--replace"),
    # files to read: missing, folders, binary, malformed, hostile
    Case(
        "explain/rules-folder", f"explain lac.review.first {AS_OF} --rules {{folder}}", "{folder}"
    ),  # fmt: skip
    Case("rules/bad-toml", "rules --rules {bad_toml}", "{bad_toml}"),
    Case("rules/binary", "rules --rules {binary}", "{binary}"),
    Case("rules/folder", "rules --rules {folder}", "{folder}"),
    Case("rules/wrong-values", "rules --rules {wrong_toml}", "{wrong_toml}"),
    Case("overrides-load/missing", f"{GOOD} overrides load {{root}}/x.toml", "x.toml"),
    Case("overrides-load/folder", f"{GOOD} overrides load {{folder}}", "{folder}"),
    Case("overrides-load/binary", f"{GOOD} overrides load {{binary}}", "{binary}"),
    Case("overrides-load/bad-toml", f"{GOOD} overrides load {{bad_toml}}", "{bad_toml}"),
    Case("overrides-load/wrong-values", f"{GOOD} overrides load {{wrong_toml}}", "twenty"),
    Case("restore/missing", f"{GOOD} restore {{root}}/gone.sqlite", "gone.sqlite"),
    Case("restore/folder", f"{GOOD} restore {{folder}}", "{folder}"),
    Case("restore/text", f"{GOOD} restore {{text}}", "{text}"),
    Case("restore/empty", f"{GOOD} restore {{empty}}", "{empty}"),
    Case("restore/corrupt", f"{GOOD} restore {{corrupt}}", "{corrupt}"),
    Case("restore/foreign", f"{GOOD} restore {{foreign}}", "{foreign}"),
    Case("restore/newer", f"{GOOD} restore {{newer}}", "newer version"),
    Case("restore/itself-via-symlink", f"{GOOD} restore {{link_to_good}}", "database"),
    Case("restore/bad-dump", f"{GOOD} restore {{bad_dump}}", "{bad_dump}"),
    Case("restore/other-dump", f"{GOOD} restore {{other_dump}}", "{other_dump}"),
    Case(
        "import-903/missing-files",
        f"{GOOD} import 903 --header {{root}}/h.csv --episodes {{root}}/e.csv "
        "--reviews {root}/r.csv",
        "h.csv",
        lines="many",
    ),
    Case(
        "import-903/folders",
        f"{GOOD} import 903 --header {{folder}} --episodes {{folder}} --reviews {{folder}}",
        "{folder}",
        lines="many",
    ),
    Case(
        "import-903/binary",
        f"{GOOD} import 903 --header {{binary}} --episodes {{binary}} --reviews {{binary}}",
        "random.bin",
        lines="many",
    ),
    Case("import-cin/missing", f"{GOOD} import cin {{root}}/c.xml", "c.xml", lines="many"),
    Case("import-cin/folder", f"{GOOD} import cin {{folder}}", "{folder}", lines="many"),
    Case("import-cin/binary", f"{GOOD} import cin {{binary}}", "random.bin", lines="many"),
    Case("import-cin/entity-bomb", f"{GOOD} import cin {{bomb}}", "bomb.xml", lines="many"),
    # files to write: unwritable, a folder, the database in use, the data folder
    Case(
        "export-schedule/out-missing-folder",
        f"{SCHEDULE} {{root}}/nowhere/s.csv",
        "nowhere",
        absent=("{root}/nowhere",),
    ),
    Case("export-schedule/out-parent-is-a-file", f"{SCHEDULE} {{not_a_dir}}/s.csv", "{not_a_dir}"),
    Case("export-schedule/out-is-a-folder", f"{SCHEDULE} {{folder}}", "{folder}"),
    Case("export-schedule/out-is-the-db", f"{SCHEDULE} {{good}}", "{good}", unchanged=("{good}",)),
    Case(
        "export-schedule/out-is-the-db-respelt",
        f"{SCHEDULE} {{root}}/good/../good/./reviewdesk.sqlite",
        "database",
        unchanged=("{good}",),
    ),
    Case(
        "export-schedule/out-is-a-symlink-to-the-db",
        f"{SCHEDULE} {{link_to_good}}",
        "database",
        unchanged=("{good}",),
    ),
    Case(
        "export-schedule/out-is-a-hard-link-to-the-db",
        f"{SCHEDULE} {{hard_to_good}}",
        "database",
        unchanged=("{good}",),
    ),
    Case("export-schedule/out-is-the-db-wal", f"{SCHEDULE} {{good}}-wal", "database"),
    Case(
        "export-schedule/out-in-the-data-folder",
        f"{SCHEDULE} {{in_data}}",
        "{in_data}",
        unchanged=("{in_data}",),
    ),
    Case(
        "export-schedule/out-is-another-database",
        f"{SCHEDULE} {{foreign}}",
        "{foreign}",
        unchanged=("{foreign}",),
    ),
    Case(
        "export-schedule/ics-out-is-the-db",
        f"{GOOD} export schedule --as-of {AS_OF} --format ics -o {{csv_link_to_good}}",
        "database",
        unchanged=("{good}",),
    ),
    Case(
        "export-measures/out-is-the-db",
        f"{MEASURES} xlsx -o {{good}}",
        "{good}",
        unchanged=("{good}",),
    ),
    Case("export-measures/xlsx-to-a-folder", f"{MEASURES} xlsx -o {{folder}}", "{folder}"),
    Case(
        "export-schedule/xlsx-to-a-missing-folder",
        f"{GOOD} export schedule --as-of {AS_OF} --format xlsx -o {{root}}/nope/x.xlsx",
        "nope",
    ),
    Case("report-workload/out-not-pdf", f"{GOOD} report workload -o {{root}}/w.txt", "w.txt"),
    Case(
        "report-workload/out-is-the-db",
        "--db {pdf_db} report workload -o {pdf_db}",
        "{pdf_db}",
        unchanged=("{pdf_db}",),
    ),
    Case(
        "report-weekly/out-missing-folder",
        f"{GOOD} report weekly --week {AS_OF} -o {{root}}/gone/w.pdf",
        "gone",
    ),
    Case("overrides-export/to-a-folder", f"{GOOD} overrides export {{folder}}", "{folder}"),
    Case(
        "overrides-export/to-the-db",
        f"{GOOD} overrides export {{good}}",
        "{good}",
        unchanged=("{good}",),
    ),
    Case(
        "overrides-export/to-missing-folder",
        f"{GOOD} overrides export {{root}}/nope/r.toml",
        "nope",
    ),  # fmt: skip
    Case(
        "backup/to-the-db-respelt",
        f"{GOOD} backup {{root}}/good/./reviewdesk.sqlite",
        "database",
        unchanged=("{good}",),
    ),
    Case(
        "backup/to-a-symlink-to-the-db",
        f"{GOOD} backup {{link_to_good}} --force",
        "database",
        unchanged=("{good}",),
    ),
    Case(
        "backup/to-a-hard-link-to-the-db",
        f"{GOOD} backup {{hard_to_good}} --force",
        "database",
        unchanged=("{good}",),
    ),
    Case(
        "backup/json-to-the-db",
        f"{GOOD} backup {{link_to_good}} --json --force",
        "database",
        unchanged=("{good}",),
    ),
    Case("backup/to-a-folder", f"{GOOD} backup {{folder}} --force", "{folder}"),
    Case(
        "backup/to-missing-folder",
        f"{GOOD} backup {{root}}/zz/b.sqlite",
        "zz",
        absent=("{root}/zz",),
    ),
    Case("backup/parent-is-a-file", f"{GOOD} backup {{not_a_dir}}/b.sqlite", "{not_a_dir}"),
    # the user list: names, roles and staff records that are not there or will not do
    Case("users-add/staff-huge", f"{USERS} add jsmith --role iro --staff {{HUGE}}", HUGE),
    Case("users-add/staff-words", f"{USERS} add jsmith --role iro --staff twelve", "twelve"),
    Case("users-add/staff-zero", f"{USERS} add jsmith --role iro --staff 0", "--staff"),
    Case("users-add/no-such-staff", f"{USERS} add jsmith --role iro --staff 99999999", "99999999"),
    Case("users-add/no-such-role", f"{USERS} add jsmith --role wizard", "wizard"),
    Case("users-add/blank-name", f"{USERS} add ' ' --role iro", "user name"),
    Case("users-add/name-too-long", f"{USERS} add {'x' * 101} --role iro", "x" * 101),
    Case("users-add/name-with-a-tab", f"{USERS} add 'j\tsmith' --role iro", "user name"),
    Case(
        "users-add/display-name-too-long",
        f"{USERS} add jsmith --role iro --name {'y' * 201}",
        "display name",
    ),
    Case("users-add/already-there", f"{USERS} add {{me}} --role iro", "{me}"),
    Case("users-set-role/not-on-the-list", f"{USERS} set-role nobody iro", "nobody"),
    Case("users-set-role/no-such-role", f"{USERS} set-role {{me}} wizard", "wizard"),
    Case("users-set-role/last-administrator", f"{USERS} set-role {{me}} iro", "{me}"),
    Case("users-deactivate/last-administrator", f"{USERS} deactivate {{me}}", "{me}"),
    Case("users-reactivate/not-on-the-list", f"{USERS} reactivate nobody", "nobody"),
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
    unchanged = [Path(_fill(t, files)) for t in case.unchanged]
    before = _snapshot(unchanged)
    try:
        code = main([_fill(word, files) for word in shlex.split(case.argv)])
    except SystemExit as exc:  # argparse's own refusals
        code = exc.code
    out, err = capfd.readouterr()
    gc.collect()  # a half-written workbook would print its traceback when collected
    out, more = capfd.readouterr()
    err += more
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, (code, out, err)
    assert not LEAK.search(err), err
    needle = _fill(case.needle, files)
    if case.lines == "one":
        assert len(lines) == 1, err
        assert needle in lines[0], lines[0]
    else:  # every problem on a line of its own, the file named, then the summary
        assert lines[-1].startswith("reviewdesk: import refused"), err
        assert needle in err, err
    for template in case.absent:
        path = Path(_fill(template, files))
        assert not path.exists(), f"{path} was created"
    assert _snapshot(unchanged) == before


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


@pytest.mark.parametrize("children", ["-5", "0", "250001"])
def test_a_demo_refused_makes_no_database(tmp_path, capsys, children):
    """`demo --children -5` was refused, and left a new database behind (its schema and an
    administrator), as if it had run."""
    path = tmp_path / "d1.sqlite"
    argv = ["--db", str(path), "demo", "--children", children, "--as-of", "2024-05-13"]
    assert main([*argv, "--quiet"]) == 2
    assert "is not a number from 1 to 250,000" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
