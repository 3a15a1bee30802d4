"""`reviewdesk report ...` end to end: files written, clear errors, no tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewdesk.cli.main import main
from tests.reports.pdfcheck import read_pdf


@pytest.fixture
def db_path(demo_db) -> str:
    db, _ = demo_db
    return db.url.removeprefix("sqlite:///")


@pytest.mark.parametrize(
    ("args", "title"),
    [
        (["workload"], "IRO workload"),
        (["workload", "--iro", "Siân Evans"], "IRO workload: Siân Evans"),
        (["weekly", "--week", "2024-05-15"], "Weekly schedule"),
        (["pack", "2"], "Review pack"),
        (["packs", "--week", "2024-05-13"], "Meeting packs"),
        (["timeliness", "--from", "2024-01-01", "--to", "2024-04-30"], "Timeliness report"),
    ],
)
def test_report_commands_write_a_pdf(db_path, tmp_path: Path, capsys, args, title) -> None:
    out = tmp_path / "out.pdf"
    code = main(["--db", db_path, "report", *args, "--as-of", "2024-05-13", "-o", str(out)])
    assert code == 0
    pdf = read_pdf(out.read_bytes())
    assert title in pdf.texts[0]
    assert f"wrote {out} ({pdf.pages} page" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["workload", "--iro", "Nobody"], 'no active IRO or conference chair is called "Nob', 2),
        (["weekly", "--week", "31/05/202"], '--week: "31/05/202" is not a date', 2),
        (["pack", "999"], "meeting 999: there is no meeting with this id", 2),
        (["timeliness", "--from", "2024-03-01", "--to", "2024-01-31"], "before --from", 2),
    ],
)
def test_report_errors_are_one_clear_line(db_path, tmp_path, capsys, args, message, code) -> None:
    out = tmp_path / "out.pdf"
    assert main(["--db", db_path, "report", *args, "-o", str(out)]) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not out.exists()


def test_output_must_be_a_pdf_in_an_existing_folder(db_path, tmp_path, capsys) -> None:
    assert main(["--db", db_path, "report", "workload", "-o", str(tmp_path / "x.txt")]) == 2
    assert "ending in .pdf" in capsys.readouterr().err
    missing = tmp_path / "nowhere" / "x.pdf"
    assert main(["--db", db_path, "report", "workload", "-o", str(missing)]) == 2
    assert "does not exist" in capsys.readouterr().err
