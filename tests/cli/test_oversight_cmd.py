"""`reviewdesk escalations list|themes` and `reviewdesk report oversight`, end to end on the
March-April 2024 register of tests/oversight/register.py: what is printed, files written and
recorded as data leaving, clear one-line refusals."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from reviewdesk.cli.main import main
from reviewdesk.storage.models import AuditEntry, EscalationTheme
from tests.oversight.register import spring_2024
from tests.reports.pdfcheck import read_pdf


@pytest.fixture
def register(db):
    return spring_2024(db)


def test_escalations_list(db, db_target, register, capsys) -> None:
    assert main(["--db", db_target, "escalations", "list", "--as-of", "2024-04-30"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    assert "04/03/2024  Zoë Ó Briain (Z1), LAC: Health; raised by Siân Evans; informal;" in lines[0]
    assert lines[0].endswith("due by 18/03/2024; resolved 08/03/2024 (resolved)")
    assert "formal, stage 1; due by 17/04/2024; resolved 22/04/2024 (partly resolved)" in lines[1]
    assert lines[2].endswith("due by 16/04/2024; OPEN, past its timescale")
    assert lines[3] == "3 challenges as of 30/04/2024: 1 open, 1 past their timescale"
    # As things stood on 20/03: two raised, both open, none late.
    assert main(["--db", db_target, "escalations", "list", "--open", "--as-of", "2024-03-20"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "1 challenge as of 20/03/2024: 1 open, 0 past their timescale"
    main(["--db", db_target, "escalations", "list", "--as-of", "2024-04-30", "--iro", "MÁIRE"])
    out = capsys.readouterr().out
    assert "Wiktor Wiśniewski (W1), CP: Care plan quality" in out and "Zoë" not in out
    main(["--db", db_target, "escalations", "list", "--as-of", "2024-04-30", "--child", "Z1"])
    assert capsys.readouterr().out.splitlines()[-1].startswith("2 challenges")


def test_the_report_as_pdf_and_workbook_recorded_as_leaving(
    db, db_target, register, tmp_path: Path, capsys
) -> None:
    pdf_path, xlsx_path = tmp_path / "q.pdf", tmp_path / "q.xlsx"
    period = ["--from", "2024-03-01", "--to", "2024-04-30", "--as-of", "2024-04-30"]
    assert main(["--db", db_target, "report", "oversight", *period, "-o", str(pdf_path)]) == 0
    pdf = read_pdf(pdf_path.read_bytes())
    assert f"wrote {pdf_path} ({pdf.pages} pages: 3 challenges)" in capsys.readouterr().out
    assert "IRO oversight: thematic report" in pdf.texts[0]
    assert main(["--db", db_target, "report", "oversight", *period, "-o", str(xlsx_path)]) == 0
    assert f"wrote {xlsx_path} (a workbook: 3 challenges)" in capsys.readouterr().out
    assert load_workbook(xlsx_path)["The challenges"].max_row == 4
    with db.session() as s:
        entries = s.scalars(
            select(AuditEntry).where(AuditEntry.table_name == "IRO oversight report")
        ).all()
    assert [(e.action, e.after["children"], e.after["format"]) for e in entries] == [
        ("export", 2, "pdf"),
        ("export", 2, "xlsx"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2024-03-01", "--to", "2024-04-30", "-o", "{tmp}/q.csv"], "ending in .pdf or"),
        (["--from", "2024-05-01", "--to", "2024-04-30", "-o", "{tmp}/q.pdf"], "is before --from"),
        (["--from", "31/03/2O24", "--to", "2024-04-30", "-o", "{tmp}/q.pdf"], '--from: "31/03'),
        (["--from", "2024-03-01", "--to", "2024-04-30", "-o", "{tmp}/no/q.pdf"], "-o"),
    ],
)
def test_report_refusals_are_one_line(db_target, db, tmp_path, capsys, args, message) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert main(["--db", db_target, "report", "oversight", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not list(tmp_path.glob("q.*"))


def test_themes_listed_added_and_retired_by_an_administrator(
    db, db_target, cli_admin, capsys
) -> None:
    assert main(["--db", db_target, "escalations", "themes"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0] == "Drift or delay in permanence planning" and listed[-1] == "Other"
    assert len(listed) == 10
    assert main(["--db", db_target, "escalations", "themes", "--add", "Housing"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Housing"
    assert main(["--db", db_target, "escalations", "themes", "--retire", "contact"]) == 0
    assert "Contact (retired)" in capsys.readouterr().out
    assert main(["--db", db_target, "escalations", "themes", "--retire", "Nothing"]) == 2
    assert '--retire: "Nothing" is not a theme' in capsys.readouterr().err


def test_themes_are_the_administrators_to_change(db, db_target, capsys) -> None:
    # The command line runs as this computer's account, not on this database's user list.
    assert main(["--db", db_target, "escalations", "themes", "--add", "Housing"]) == 2
    err = capsys.readouterr().err
    assert "cannot change the challenge themes" in err and "Nothing was changed" in err
    with db.session() as s:
        assert s.scalar(select(EscalationTheme).where(EscalationTheme.text == "Housing")) is None


def test_export_measures_carries_the_oversight_measures(
    db, db_target, register, tmp_path: Path
) -> None:
    out = tmp_path / "m.csv"
    period = ["--from", "2024-03-01", "--to", "2024-04-30", "--format", "csv", "-o", str(out)]
    assert main(["--db", db_target, "export", "measures", *period]) == 0
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = {(r["measure"], r["month"]): r for r in csv.DictReader(fh)}
    assert rows[("escalations_raised", "2024-03")]["numerator"] == "2"
    assert rows[("escalations_raised.formal", "2024-03")]["numerator"] == "1"
    in_time = rows[("escalations_resolved_in_timescale", "2024-04")]
    assert (in_time["numerator"], in_time["denominator"]) == ("0", "1")
    assert rows[("lac_reviews_after_iro_contact", "2024-03")]["value"] == "100.0"
    assert rows[("voice.consultation_returned", "2024-03")]["value"] == "100.0"
    assert rows[("conferences_inquorate", "2024-04")]["numerator"] == "1"
    # Alongside the participation codes.
    assert ("participation.PN1", "2024-03") in rows
