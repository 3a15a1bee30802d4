"""The common frame: fonts, page furniture, numbering, repeated table headers."""

from __future__ import annotations

import datetime as dt
import io

from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import PageBreak, Paragraph

from reviewdesk.paths import resource
from reviewdesk.reports.base import (
    FONT,
    FONT_BOLD,
    DocumentSettings,
    Section,
    build_pdf,
    data_table,
    make_styles,
    register_fonts,
)
from tests.reports.pdfcheck import assert_a4, assert_furniture, read_pdf

AS_OF = dt.date(2024, 5, 13)


def _build(story, **kwargs) -> bytes:
    settings = DocumentSettings(
        title=kwargs.pop("title", "Test document"),
        council=kwargs.pop("council", "Cyngor Sir Ynys Môn"),
        invariant=kwargs.pop("invariant", True),
        **kwargs,
    )
    out = io.BytesIO()
    build_pdf(story, out, settings, as_of=AS_OF)
    return out.getvalue()


def test_the_bundled_font_and_its_licence_ship_in_resources() -> None:
    assert resource("fonts", "DejaVuSans.ttf").is_file()
    assert resource("fonts", "DejaVuSans-Bold.ttf").is_file()
    licence = resource("fonts", "LICENSE-DejaVu.txt").read_text(encoding="utf-8")
    assert "Bitstream" in licence
    register_fonts()
    assert {FONT, FONT_BOLD} <= set(pdfmetrics.getRegisteredFontNames())


def test_pages_carry_marking_council_title_and_page_x_of_y() -> None:
    styles = make_styles()
    story = [Paragraph("Zoë, Łukasz, Siân and Ó Briain", styles.body)]
    for _ in range(3):
        story += [PageBreak(), Paragraph("More", styles.body)]
    pdf = read_pdf(_build(story))
    assert pdf.pages == 4
    assert_a4(pdf, landscape=False)
    assert_furniture(pdf, council="Cyngor Sir Ynys Môn", title="Test document")
    assert "Zoë, Łukasz, Siân and Ó Briain" in pdf.texts[0]
    assert "Printed 13/05/2024" in pdf.texts[0]  # invariant prints the as-of date


def test_landscape_pages_are_a4_landscape() -> None:
    pdf = read_pdf(_build([Paragraph("x", make_styles().body)], landscape=True))
    assert_a4(pdf, landscape=True)


def test_sections_restart_numbering_and_name_themselves() -> None:
    styles = make_styles()
    story = [Section("Zoë Ó Briain"), Paragraph("a", styles.body), PageBreak()]
    story += [Paragraph("b", styles.body), PageBreak(), Section("Łukasz Nowak")]
    story += [Paragraph("c", styles.body)]
    pdf = read_pdf(_build(story, section_label="Pack"))
    assert pdf.pages == 3
    assert "Page 1 of 2" in pdf.texts[0] and "Page 2 of 2" in pdf.texts[1]
    assert "Page 1 of 1" in pdf.texts[2]
    assert "Test document: Zoë Ó Briain" in pdf.texts[1]
    assert "Test document: Łukasz Nowak" in pdf.texts[2]
    assert "Pack 1 of 2" in pdf.texts[0] and "Pack 2 of 2" in pdf.texts[2]


def test_a_section_that_does_not_restart_keeps_whole_file_numbering() -> None:
    styles = make_styles()
    story = [Paragraph("summary", styles.body), PageBreak(), Section("Siân", restart=False)]
    story += [Paragraph("x", styles.body)]
    pdf = read_pdf(_build(story))
    assert_furniture(pdf, council="Cyngor Sir Ynys Môn", title="Test document")
    assert "Test document: Siân" in pdf.texts[1]
    assert "Section" not in pdf.all_text


def test_long_table_repeats_its_header_on_every_page() -> None:
    styles = make_styles()
    rows = [[f"Łukasz {i:03d}", "Ó Briain", str(i)] for i in range(150)]
    table = data_table(["Forename", "Surname", "Number"], rows, [150, 150, 100], styles=styles)
    pdf = read_pdf(_build([table]))
    assert pdf.pages >= 3
    for text in pdf.texts:
        assert "Forename" in text and "Surname" in text
    assert "Łukasz 149" in pdf.texts[-1]


def test_text_too_wide_for_its_column_wraps_instead_of_overflowing() -> None:
    styles = make_styles()
    long = "Aleksandra Kowalczyk-Wiśniewska, Designated Safeguarding Lead"
    table = data_table(["Name", "Role"], [[long, "School"]], [60, 60], styles=styles)
    cell = table._cellvalues[1][0]
    assert isinstance(cell, Paragraph)
    short = data_table(["Name"], [["Zoë"]], [60], styles=styles)
    assert short._cellvalues[1][0] == "Zoë"


def test_a_surname_wider_than_its_column_is_set_smaller_not_broken_mid_word() -> None:
    """A chase list's child column is 18% of the page: a long double-barrelled surname was
    broken in the middle ("Wolstenholme-Featherstoneh / augh"). Read back from the PDF, the
    name is whole on one line; the cell's text is smaller, and only that cell's."""
    register_fonts()
    styles = make_styles()
    surname = "Wolstenholme-Featherstonehaugh,"
    rows = [[f"{surname} Maximilian", "Kai Ng"]]
    table = data_table(["Child", "Other"], rows, [140, 90], styles=styles)
    cell, other = table._cellvalues[1]
    assert isinstance(cell, Paragraph)
    assert cell.style.fontSize < styles.cell.fontSize
    assert other == "Kai Ng"
    assert pdfmetrics.stringWidth(surname, FONT, cell.style.fontSize) <= 140 - 2 * 4
    pdf = read_pdf(_build([table]))
    assert surname in pdf.texts[0].splitlines()
    # A word that fits its column keeps the table's size and wraps between words.
    wrapping = data_table(["Child"], [["Zoë Nowak-Ó Briain Smith Jones"]], [60], styles=styles)
    assert wrapping._cellvalues[1][0].style is styles.cell


def test_invariant_output_is_byte_for_byte_reproducible() -> None:
    styles = make_styles()
    story = lambda: [Paragraph("Siân Ó Briain", styles.body)]  # noqa: E731
    assert _build(story()) == _build(story())


def test_a_path_is_written_only_when_complete(tmp_path) -> None:
    target = tmp_path / "out.pdf"
    settings = DocumentSettings(title="T", council="C", invariant=True)
    pages = build_pdf([Paragraph("x", make_styles().body)], target, settings, as_of=AS_OF)
    assert pages == 1 and target.read_bytes().startswith(b"%PDF")
    assert not list(tmp_path.glob("*.part"))


def test_a_row_taller_than_a_page_runs_on_without_a_second_header() -> None:
    """With tall rows, a note longer than a page runs on from the top of the next page; it
    is not begun in what is left below the rows before it, which printed the table's
    header a second time half-way down that page."""
    styles = make_styles()
    note = " ".join(f"Sentence {n} of a note about access needs." for n in range(1, 220))
    rows = [[f"Invitee {n}", "Short"] for n in range(12)]
    rows.insert(6, ["Invitee with a long note", Paragraph(note, styles.cell)])
    story = [
        Paragraph("Invitees", styles.h2),
        data_table(["Name", "Needs"], rows, [200, 300], styles=styles, tall_rows=True),
    ]
    pdf = read_pdf(_build(story))
    text = " ".join(pdf.all_text.split())
    assert "Sentence 219 of a note" in text and "Invitee 11" in text
    for n, page in enumerate(pdf.texts, start=1):
        header = [line for line in page.splitlines() if line.strip().startswith("Name")]
        assert len(header) == 1, f"page {n} prints the header {len(header)} times"
