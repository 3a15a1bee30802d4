"""`reviewdesk import`: summaries, dry runs, and a refused import as one error per line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reviewdesk.cli.main import main
from reviewdesk.storage.models import Child
from tests.importers.conftest import count, write
from tests.importers.generate import write_903, write_cin
from tests.importers.test_ssda903 import EPISODES, files

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
    assert out.splitlines()[2].split()[:3] == ["children", "12", "added"]
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


def test_skip_invalid_lists_the_children_left_out(capsys, tmp_path) -> None:
    bad = EPISODES.replace("B2,10/01/2024", "B2,31/02/2024")
    code, out, _ = run(
        capsys, *args_903(tmp_path / "db.sqlite", files(tmp_path, episodes=bad)), "--skip-invalid"
    )
    assert code == 0
    assert "Left out with --skip-invalid (1 children):" in out
    assert "  B2: 1 error(s)" in out
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
