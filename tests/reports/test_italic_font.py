"""The whole DejaVu Sans family ships, so <i> and <b><i> print in true oblique faces."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph

from reviewdesk.paths import resource
from reviewdesk.reports.base import (
    FONT,
    FONT_BOLD_ITALIC,
    FONT_FILES,
    FONT_ITALIC,
    DocumentSettings,
    build_pdf,
    make_styles,
    register_fonts,
)


def _fonts_used(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_every_face_and_the_licence_ship_in_resources() -> None:
    for file in FONT_FILES.values():
        assert resource("fonts", file).is_file(), file
    assert "Bitstream" in resource("fonts", "LICENSE-DejaVu.txt").read_text(encoding="utf-8")
    register_fonts()
    assert set(FONT_FILES) <= set(pdfmetrics.getRegisteredFontNames())
    assert pdfmetrics.getFont(FONT).face.name != pdfmetrics.getFont(FONT_ITALIC).face.name


def test_italic_text_embeds_the_oblique_fonts() -> None:
    styles = make_styles()
    story = [
        Paragraph("Plain, <i>Zoë in italic</i> and <b><i>Łukasz bold italic</i></b>", styles.body)
    ]
    out = io.BytesIO()
    settings = DocumentSettings(title="Italic", council="Test", invariant=True)
    build_pdf(story, out, settings, as_of=dt.date(2024, 5, 13))
    used = _fonts_used(out.getvalue())
    # reportlab subsets TrueType fonts under names like "AAAAAA+DejaVuSans-Oblique"
    assert any(name.endswith("+DejaVuSans-Oblique") for name in used), used
    assert any(name.endswith("+DejaVuSans-BoldOblique") for name in used), used
    assert FONT_BOLD_ITALIC == "DejaVuSans-BoldOblique"
