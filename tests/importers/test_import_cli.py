"""`reviewdesk import`: summaries, dry runs, and a refused import as one error per line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from reviewdesk.cli.main import main
from reviewdesk.storage.models import Child
from tests.importers.conftest import count, write
from tests.importers.generate import write_903, write_cin
from tests.importers.test_ssda903 import EP_COLS, EPISODES, files

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def args_903(db_path: Path | str, paths) -> list[str]:
    header, episodes, reviews = paths
    return [
        "--db",
        str(db_path),
        "import",
        "903",
        "--header",
        str(header),
        "--episodes",
        str(episodes),
        "--reviews",
        str(reviews),
    ]


def test_import_903_prints_a_summary_and_a_reimport_says_unchanged(capsys, tmp_path) -> None:
    made = write_903(tmp_path / "files", 12)
    argv = args_903(tmp_path / "db.sqlite", (made.header, made.episodes, made.reviews))
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert out.splitlines()[0] == "Import complete."
    # The generated files hold each child's whole history, reviews from 2022 to March 2024:
    # a file of two collection years.
    assert out.splitlines()[1] == "903 return for 2022-23 to 2023-24 (01/04/2022 to 31/03/2024)"
    assert out.splitlines()[2] == "Years of the 903 return that are in the data: 2022-23 to 2023-24"
    assert out.splitlines()[3].startswith("Not in the data: anything before 2022-23. ")
    assert out.splitlines()[4].split()[:3] == ["children", "12", "added"]
    # Every column is accounted for: the ones used, and MOTHER and MC_DOB, ignored and why.
    assert "Columns read:" in out
    assert any(
        line.split()[:3] == ["header.csv:", "MOTHER", "12"] and "ignored: whether the child" in line
        for line in out.splitlines()
    )
    code, out, _ = run(capsys, *argv)
    assert code == 0 and "12 children unchanged." in out


def test_dry_run_lists_children_and_writes_nothing(capsys, tmp_path, db) -> None:
    from tests.dbfixtures import cli_identity, ensure_user

    ensure_user(db, cli_identity(db.url), "administrator")  # the command line's user
    code, out, _ = run(capsys, *args_903(db.url, files(tmp_path)), "--dry-run")
    assert code == 0
    assert out.startswith("Dry run: nothing was written.")
    assert "  A1: new (periods 1 added; episodes 2 added; reviews 2 added)" in out.splitlines()
    assert count(db, Child) == 0


def test_refused_import_prints_every_error_and_exits_2(capsys, tmp_path) -> None:
    bad = EPISODES.replace("A1,01/06/2023,L", "A1,31/02/2024,L").replace(",V2,", ",Q7,")
    code, out, err = run(capsys, *args_903(tmp_path / "db.sqlite", files(tmp_path, episodes=bad)))
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert lines[0] == 'episodes.csv row 3, column DECOM, value "31/02/2024": not a real date'
    assert lines[1].startswith('episodes.csv row 4, column LS, value "Q7": not a known legal')
    # Not reported: A1's X1 chain, which only looks broken because row 3 could not be read.
    assert lines[-1] == "reviewdesk: import refused: 2 error(s); nothing was changed"


@pytest.mark.parametrize("where", ["db.sqlite", "typo/deeper/db.sqlite"])
def test_a_refused_import_leaves_no_database_it_made(capsys, tmp_path, where) -> None:
    """ "Nothing was changed" held for the data, but a refused import into --db naming no
    database left one behind (the file, its folders, and the importer its administrator)."""
    bad = EPISODES.replace("A1,01/06/2023,L", "A1,31/02/2024,L")
    inputs = files(tmp_path / "files", episodes=bad)
    target = tmp_path / "out" / where
    (tmp_path / "out").mkdir()
    code, _out, err = run(capsys, *args_903(target, inputs))
    assert code == 2 and "nothing was changed" in err
    assert list((tmp_path / "out").iterdir()) == []
    # A database that was there is kept as it was, refused or not.
    good = files(tmp_path / "good")
    assert run(capsys, *args_903(target, good))[0] == 0
    assert run(capsys, *args_903(target, inputs))[0] == 2
    assert target.exists()


def test_skip_invalid_lists_the_children_left_out(capsys, tmp_path) -> None:
    bad = EPISODES.replace("B2,10/01/2024", "B2,31/02/2024")
    code, out, _ = run(
        capsys, *args_903(tmp_path / "db.sqlite", files(tmp_path, episodes=bad)), "--skip-invalid"
    )
    assert code == 0
    assert "Left out, as their records have errors: 1 child (listed with the errors):" in out
    assert "  B2: 1 error" in out.splitlines()
    assert '  episodes.csv row 4, column DECOM, value "31/02/2024": not a real date' in out


def test_import_cin_and_a_file_that_is_not_there(capsys, tmp_path) -> None:
    xml = write_cin(tmp_path / "cin.xml", 4)
    code, out, _ = run(capsys, "--db", str(tmp_path / "db.sqlite"), "import", "cin", str(xml))
    assert code == 0 and "enquiries         4 added" in out
    code, out, err = run(capsys, "--db", str(tmp_path / "db.sqlite"), "import", "cin", "nope.xml")
    assert code == 2 and err.splitlines()[0] == "nope.xml: file not found: nope.xml"


def test_no_traceback_from_a_real_process_given_a_workbook(tmp_path) -> None:
    book = write(tmp_path, "header.xlsx", b"PK\x03\x04" + b"\x00" * 64)
    other = write(tmp_path, "x.csv", "CHILD\n")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "reviewdesk",
            *args_903(tmp_path / "db.sqlite", (book, other, other)),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines()[0].startswith("header.xlsx: this is a zip file")


def _census(reference: str, details: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Message><Header><CollectionDetails>'
        f"<Collection>CIN</Collection><Year>{reference[:4]}</Year>"
        f"<ReferenceDate>{reference}</ReferenceDate></CollectionDetails></Header><Children>"
        "<Child><ChildIdentifiers><LAchildID>P1</LAchildID><PersonBirthDate>2016-05-01"
        "</PersonBirthDate><Sex>F</Sex></ChildIdentifiers><ChildCharacteristics><Ethnicity>"
        f"WBRI</Ethnicity></ChildCharacteristics><CINdetails>{details}</CINdetails></Child>"
        "</Children></Message>"
    )


#: A plan whose initial conference is held at CINdetails level: its s47 is in an earlier
#: return (DfE rule 2885: the plan starts on "a CINDetails module DateOfInitialCPC if there
#: is no associated Section 47 record").
HELD_AT_CINDETAILS = (
    "<CINreferralDate>2023-05-01</CINreferralDate><DateOfInitialCPC>2023-06-20</DateOfInitialCPC>"
    "<ChildProtectionPlans><CPPstartDate>2023-06-20</CPPstartDate><InitialCategoryOfAbuse>NEG"
    "</InitialCategoryOfAbuse><LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>"
    "<NumberOfPreviousCPP>0</NumberOfPreviousCPP><Reviews><CPPreviewDate>2023-09-15"
    "</CPPreviewDate></Reviews></ChildProtectionPlans>"
)


def test_a_cindetails_conference_is_imported_and_the_dry_run_says_so(capsys, tmp_path) -> None:
    path = write(tmp_path, "cin.xml", _census("2024-03-31", HELD_AT_CINDETAILS))
    argv = ["--db", str(tmp_path / "db.sqlite"), "import", "cin", str(path)]
    code, out, err = run(capsys, *argv, "--dry-run")
    assert code == 0, err
    assert out.splitlines()[0].startswith("Dry run: nothing was written.")
    conferences = next(line for line in out.splitlines() if line.startswith("conferences"))
    assert conferences.split()[:3] == ["conferences", "2", "added"]  # the ICPC and a review
    assert "Years of the CIN census that would be in the data: 2023-24" in out
    held = next(line for line in out.splitlines() if "CINdetails/DateOfInitialCPC" in line)
    assert "used: a held initial conference with no s47 in this census (rule 2885" in held
    # Read but not used is said, with the element: the header's Year (taken from the
    # ReferenceDate).
    assert (
        "Read but not used (1 element, each listed with why): Header/CollectionDetails/Year" in out
    )
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert next(x for x in out.splitlines() if x.startswith("conferences")).split()[1] == "2"


def test_the_summary_names_the_years_not_imported(capsys, tmp_path) -> None:
    """2018-19 and 2020-21 imported: 2019-20 is not in the data, and the summary says what
    that leaves unknown."""
    db = str(tmp_path / "db.sqlite")
    first = HELD_AT_CINDETAILS.replace("2023-", "2018-")
    later = (
        "<CINreferralDate>2020-05-01</CINreferralDate><Section47><S47ActualStartDate>2020-06-01"
        "</S47ActualStartDate><ICPCnotRequired>true</ICPCnotRequired></Section47>"
    )
    for reference, details in (("2019-03-31", first), ("2021-03-31", later)):
        path = write(tmp_path, f"cin-{reference[:4]}.xml", _census(reference, details))
        code, out, err = run(capsys, "--db", db, "import", "cin", str(path))
        assert code == 0, err
    assert "Years of the CIN census that are in the data: 2018-19, 2020-21" in out
    assert "Not in the data: 2019-20 and anything before 2018-19. A review or conference" in out


def test_a_first_return_whose_child_came_into_care_before_its_year_then_the_flags(
    capsys, tmp_path
) -> None:
    """The administrator imports the 2023-24 SSDA903 return, the first imported. A1 came
    into care in January 2023, before the year, and had two reviews in it: the next review's
    number is not in the data (the 2022-23 return may hold others) but its date is, 6
    months after the review of 10/12/2023. Then `reviewdesk flags` stopped on "'<' not
    supported between instances of 'NoneType' and 'int'" (and the window's tiles and case
    list with it): the IRO's midway review was judged only for a review of known number.
    Now it is judged from the review held (docs/domain.md: a review whose previous one is
    not imported is not judged, but this one's is)."""
    db = str(tmp_path / "db.sqlite")
    paths = (
        write(tmp_path, "header.csv", "CHILD,SEX,DOB\nA1,1,01/05/2015\n"),
        write(tmp_path, "episodes.csv", f"{EP_COLS}\nA1,10/01/2023,S,C2,N1,U1,PR1,,,,,,\n"),
        write(
            tmp_path,
            "reviews.csv",
            "CHILD,REVIEW,REVIEW_CODE\nA1,15/06/2023,PN1\nA1,10/12/2023,PN2\n",
        ),
    )
    code, out, err = run(capsys, *args_903(db, paths))
    assert code == 0, err
    assert out.splitlines()[1] == "903 return for 2023-24 (01/04/2023 to 31/03/2024)"
    code, out, err = run(capsys, "--db", db, "flags", "--as-of", "2024-03-31")
    assert code == 0, err
    assert (
        "IRO midway review between the review held 10/12/2023 and the next due 10/06/2024 "
        "was due by 10/03/2024 and is not recorded"
    ) in out


def _everything(folder: Path) -> list[tuple[str, int]]:
    return sorted((str(p.relative_to(folder)), p.stat().st_size) for p in folder.rglob("*"))


@pytest.mark.parametrize("where", ["reviewdesk.sqlite", "typo/deeper/reviewdesk.sqlite"])
def test_a_dry_run_with_no_database_leaves_no_file_or_folder(
    capsys, tmp_path, monkeypatch, where
) -> None:
    """`import --dry-run` with --db naming no database made one (the file with its schema
    and an administrator, and any folders on its path): a dry run must write nothing. It
    compares the return with an empty database, as the import itself would."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    made = write_903(tmp_path / "files", 3)
    target = tmp_path / "db" / where
    before = _everything(tmp_path)
    argv = args_903(target, (made.header, made.episodes, made.reviews))
    code, out, err = run(capsys, *argv, "--dry-run")
    assert code == 0, err
    assert out.startswith("Dry run: nothing was written.")
    assert "children 3 added" in " ".join(out.split())
    assert not target.exists() and not (tmp_path / "db").exists()
    assert _everything(tmp_path) == before


def test_a_cin_dry_run_leaves_an_empty_database_file_empty(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    xml = write_cin(tmp_path / "cin.xml", 4)
    empty = write(tmp_path, "empty.sqlite", b"")
    before = _everything(tmp_path)
    code, out, err = run(capsys, "--db", str(empty), "import", "cin", str(xml), "--dry-run")
    assert code == 0, err
    assert "enquiries         4 added" in out
    assert _everything(tmp_path) == before


@pytest.mark.postgres
def test_a_dry_run_into_an_empty_postgresql_database_makes_no_table(
    capsys, tmp_path, monkeypatch, pg_target
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    xml = write_cin(tmp_path / "cin.xml", 4)

    def tables() -> int:
        engine = create_engine(pg_target)
        try:
            with engine.connect() as conn:
                return conn.execute(
                    text(
                        "SELECT count(*) FROM pg_class "
                        "WHERE relnamespace = current_schema()::regnamespace"
                    )
                ).scalar()
        finally:
            engine.dispose()

    code, out, err = run(capsys, "--db", pg_target, "import", "cin", str(xml), "--dry-run")
    assert code == 2 and out == ""
    assert (
        "has no reviewdesk tables yet, and a dry run changes nothing, so it does not make them: "
        "set the database up first (its owner runs `reviewdesk server init`"
    ) in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert tables() == 0
    # The import itself makes them; a dry run then compares with what is there.
    assert run(capsys, "--db", pg_target, "import", "cin", str(xml))[0] == 0
    assert tables() > 0
    code, out, err = run(capsys, "--db", pg_target, "import", "cin", str(xml), "--dry-run")
    assert code == 0, err
    assert out.startswith("Dry run: nothing was written.")


def test_a_dry_run_into_a_database_an_earlier_version_made_leaves_it_as_it_was(
    capsys, tmp_path, monkeypatch
) -> None:
    """A dry run upgraded a database made by an earlier version (taking a backup beside it
    too): it changed the file it was to leave alone."""
    from reviewdesk.storage import migrate
    from reviewdesk.storage.db import make_engine

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    xml = write_cin(tmp_path / "cin.xml", 4)
    old = tmp_path / "db" / "old.sqlite"
    old.parent.mkdir()
    engine = make_engine(f"sqlite:///{old}")
    try:
        migrate.upgrade(engine, "0003")
    finally:
        engine.dispose()
    before = _everything(tmp_path / "db")
    code, out, err = run(capsys, "--db", str(old), "import", "cin", str(xml), "--dry-run")
    assert code == 2 and out == ""
    head = migrate.head_revision()
    assert " ".join(err.split()) == (
        f"reviewdesk: error: {old} was made by an earlier version of reviewdesk (schema 0003, "
        f"this version's is {head}), and a dry run changes nothing, so it does not upgrade it. "
        "Open it once without --dry-run (or in the window), which upgrades it after taking a "
        "backup, then run the dry run again. Nothing was changed."
    )
    assert _everything(tmp_path / "db") == before
    # Without --dry-run it is upgraded and imported into, as ever.
    code, out, err = run(capsys, "--db", str(old), "import", "cin", str(xml))
    assert code == 0, err
    engine = make_engine(f"sqlite:///{old}")
    try:
        assert migrate.schema_state(engine)[0] == head
    finally:
        engine.dispose()
