"""The quarterly thematic report of IRO oversight: the PDF read back with pypdf and rendered
with poppler, the workbook read back with openpyxl, both printing the same tables.

The register is tests/oversight/register.py's March-April 2024 (three challenges; see
tests/oversight/test_figures.py for every figure), with a hostile impact text."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image

from reviewdesk import actions
from reviewdesk.errors import InvalidInput
from reviewdesk.export.oversight_export import write_oversight
from reviewdesk.oversight.records import escalation_views
from reviewdesk.oversight.thematic import IN_TIMESCALE
from reviewdesk.reports.oversight import TITLE, build_oversight, collect_oversight
from tests.dbfixtures import db, db_target, open_db  # noqa: F401
from tests.oversight.register import spring_2024
from tests.reports.pdfcheck import assert_a4, assert_furniture, read_pdf

D = dt.date
START, END = D(2024, 3, 1), D(2024, 4, 30)
PAYLOAD = '=HYPERLINK("http://x","click")'


@pytest.fixture
def register(db):  # noqa: F811
    ids = spring_2024(db)
    with db.session() as s:
        (view,) = [e for e in escalation_views(s, as_of=END) if e.theme == "Health"]
    actions.update_escalation(
        db,
        actions.whoami(db),
        view.id,
        actions.EscalationUpdate("Health", "GP", view.resolved_on, "resolved", PAYLOAD),
        as_of=END,
        expected_version=view.version,
    )
    return ids


def test_the_pdf_says_what_the_figures_say(db, register, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "oversight.pdf"
    with db.session() as s:
        pages = build_oversight(s, start=START, end=END, as_of=END, out=out, invariant=True)
    pdf = read_pdf(out.read_bytes())
    assert pages == pdf.pages >= 2
    assert_a4(pdf, landscape=True)
    assert_furniture(pdf, council="Demo Borough Council", title=TITLE)
    text = pdf.all_text
    assert "01/03/2024 to 30/04/2024" in text
    lines = [" ".join(x.split()) for x in pdf.layout_lines()]

    def line(start: str) -> str:
        found = [x for x in lines if x.startswith(start)]
        assert found, start
        return found[0]

    assert line("Challenges raised") == "Challenges raised 3"
    # The share in timescale is of those resolved or open past it: "Resolved 2" above it
    # read as its denominator, beside "(1 of 3)"; the one open past it is its own row.
    assert line("Resolved ") == "Resolved 2"
    assert line("Resolved within their timescale") == (
        "Resolved within their timescale (of those resolved or open past it) 33% (1 of 3)"
    )
    assert line("Still open") == "Still open 1"
    assert line("past their timescale") == "past their timescale 1"
    assert line("Referred to Cafcass") == "Referred to Cafcass 1"
    assert line("Placement stability 1") == "Placement stability 1 1 0 0 1 0"
    assert line("Siân Evans 2") == "Siân Evans 2 1 1 1 1 0"
    assert line("Máire Ó Briain 1") == "Máire Ó Briain 1 0 1 0 1 1"
    # Names as written; the hostile impact printed as the words it is (wrapped in its column).
    for words in ("Zoë Ó Briain", "Wiktor Wiśniewski", "Stage 1", "Partly resolved", "=HYPERLINK"):
        assert words in text, words
    # Dates are never broken across lines: B's resolution and its Cafcass referral, whole.
    assert text.count("22/04/2024") == 2


def test_every_theme_and_outcome_word_prints_whole(db, register, tmp_path: Path) -> None:  # noqa: F811
    """The challenges' narrow columns wrap at spaces only: the longest word of a council's
    starting themes ("Recommendations") is not broken into "Recommendatio" and "ns"."""
    with db.session() as s:
        views = escalation_views(s, as_of=END)
    themes = ("Recommendations not implemented", "Placement stability")
    for view, theme in zip(views[: len(themes)], themes, strict=True):
        actions.update_escalation(
            db,
            actions.whoami(db),
            view.id,
            actions.EscalationUpdate(
                theme,
                view.concern,
                view.resolved_on,
                view.outcome,
                view.impact,
                view.cafcass_referred_on,
            ),
            as_of=END,
            expected_version=view.version,
        )
    out = tmp_path / "oversight.pdf"
    with db.session() as s:
        build_oversight(s, start=START, end=END, as_of=END, out=out, invariant=True)
    challenges = read_pdf(out.read_bytes()).texts[-1]
    assert "The challenges" in challenges
    words = set(challenges.split())
    for word in ("Recommendations", "implemented", "Placement", "stability"):
        assert word in words, f"{word!r} is broken across lines"


def test_the_pdf_renders_with_ink_on_every_page(db, register, tmp_path: Path) -> None:  # noqa: F811
    assert shutil.which("pdftoppm"), "poppler-utils (pdftoppm) is needed for this test"
    out = tmp_path / "oversight.pdf"
    with db.session() as s:
        build_oversight(s, start=START, end=END, as_of=END, out=out)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(out), str(tmp_path / "p")], check=True)
    images = sorted(tmp_path.glob("p-*.png"))
    assert images
    for png in images:
        image = Image.open(png).convert("L")
        assert image.size[0] > image.size[1]  # landscape
        body = image.crop((0, int(image.size[1] * 0.13), image.size[0], int(image.size[1] * 0.88)))
        dark = sum(body.histogram()[:200]) / (body.size[0] * body.size[1])
        assert dark > 0.005, f"{png.name} is blank"


def test_the_workbook_holds_the_same_tables(db, register, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "oversight.xlsx"
    with db.session() as s:
        summary = collect_oversight(s, start=START, end=END, as_of=END)
    assert write_oversight(summary, out) == 3
    book = load_workbook(out)
    assert book.sheetnames == [
        "Summary",
        "Themes",
        "Stage reached",
        "Outcomes",
        "By IRO",
        "By team",
        "How views were gathered",
        "The challenges",
    ]
    summary_rows = {r[0]: r[1] for r in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary_rows["Challenges raised"] == 3
    assert summary_rows[IN_TIMESCALE] == "33% (1 of 3)"
    assert summary_rows["  past their timescale"] == 1
    sheet = book["The challenges"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert [r["Theme"] for r in rows] == ["Health", "Placement stability", "Care plan quality"]
    assert rows[1]["Due by"] == dt.datetime(2024, 4, 17)  # a real date
    assert rows[1]["Referred to Cafcass"] == dt.datetime(2024, 4, 22)
    assert rows[1]["Stage reached"] == "Stage 1" and rows[1]["In timescale"] == "No"
    # The hostile impact is text, never a formula.
    cell = next(c for c in sheet["N"] if c.value == PAYLOAD)
    assert cell.data_type == "s"
    themes = {r[0]: r[1:] for r in book["Themes"].iter_rows(min_row=2, values_only=True)}
    assert themes["Health"] == (1, 0, 1, 1, 0, 0)


def test_a_period_that_ends_before_it_starts_is_refused(db) -> None:  # noqa: F811
    with db.session() as s, pytest.raises(InvalidInput, match="--to 2024-02-01 is before"):
        collect_oversight(s, start=START, end=D(2024, 2, 1), as_of=END)


def test_the_theme_column_holds_every_starting_themes_longest_word() -> None:
    """Each word of the themes a council starts with fits the theme column at 7 pt, less its
    padding (a word wider than its column is broken mid-word)."""
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics

    from reviewdesk.oversight.words import DEFAULT_THEMES
    from reviewdesk.reports.base import FONT, DocumentSettings, register_fonts
    from reviewdesk.reports.oversight import _CHALLENGE_WIDTHS

    register_fonts()
    frame = DocumentSettings(title="", council="", landscape=True).frame_width
    column = _CHALLENGE_WIDTHS[6] * mm * frame / (sum(_CHALLENGE_WIDTHS) * mm) - 2 * 2
    for word in {w for theme in DEFAULT_THEMES for w in theme.split()}:
        assert pdfmetrics.stringWidth(word, FONT, 7) <= column, word


def test_an_impact_longer_than_a_page_prints_in_full(db, tmp_path: Path) -> None:  # noqa: F811
    """An impact is free text up to TEXT_LIMIT: one taller than a page in its narrow column
    runs on over the next pages (the report could not be printed at all), and no page
    prints the table's header twice."""
    from reviewdesk.oversight.words import TEXT_LIMIT

    spring_2024(db)
    impact = " ".join(
        f"({n}) The care plan was amended and contact with the grandmother restarted."
        for n in range(1, 37)
    )
    assert len(impact) <= TEXT_LIMIT
    with db.session() as s:
        (view,) = [e for e in escalation_views(s, as_of=END) if e.theme == "Health"]
    actions.update_escalation(
        db,
        actions.whoami(db),
        view.id,
        actions.EscalationUpdate("Health", "GP", view.resolved_on, "resolved", impact),
        as_of=END,
        expected_version=view.version,
    )
    out = tmp_path / "oversight.pdf"
    with db.session() as s:
        pages = build_oversight(s, start=START, end=END, as_of=END, out=out, invariant=True)
    pdf = read_pdf(out.read_bytes())
    assert pages == pdf.pages
    assert_furniture(pdf, council="Demo Borough Council", title=TITLE)
    text = " ".join(pdf.all_text.split())
    assert "(36) The care plan was amended" in text
    for n, page in enumerate(pdf.texts, start=1):
        assert page.count("Raised on") <= 1, f"page {n} prints the header twice"
