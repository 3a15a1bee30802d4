"""Reading a PDF back for the tests: page sizes and each page's text."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from pypdf import PdfReader

from reviewdesk.reports.base import MARKING

A4_SHORT, A4_LONG = 595.28, 841.89


@dataclass
class Pdf:
    reader: PdfReader
    texts: list[str]

    @property
    def pages(self) -> int:
        return len(self.reader.pages)

    def size(self, i: int) -> tuple[float, float]:
        box = self.reader.pages[i].mediabox
        return float(box.width), float(box.height)

    @property
    def all_text(self) -> str:
        return "\n".join(self.texts)

    def layout_lines(self) -> list[str]:
        """Every page's text laid out as printed, so a table row is one line."""
        return [
            line
            for page in self.reader.pages
            for line in page.extract_text(extraction_mode="layout").splitlines()
        ]


def read_pdf(data: bytes) -> Pdf:
    reader = PdfReader(io.BytesIO(data))
    return Pdf(reader, [page.extract_text() or "" for page in reader.pages])


def assert_a4(pdf: Pdf, *, landscape: bool) -> None:
    for i in range(pdf.pages):
        w, h = pdf.size(i)
        expected = (A4_LONG, A4_SHORT) if landscape else (A4_SHORT, A4_LONG)
        assert (round(w, 1), round(h, 1)) == (round(expected[0], 1), round(expected[1], 1)), (
            f"page {i + 1} is {w:.1f} x {h:.1f} pt"
        )


def assert_furniture(pdf: Pdf, *, council: str, title: str, numbering: str = "whole") -> None:
    """Every page: the marking top and bottom, council, title, printed date, 'Page x of y'.

    With ``numbering="whole"`` pages run 1..N through the file; with "sections" each section
    (pack) restarts at 1, so only 'Page x of y' with x <= y is checked.
    """
    for i, text in enumerate(pdf.texts, start=1):
        assert text.count(MARKING) >= 2, f"page {i}: protective marking missing top or bottom"
        assert council in text, f"page {i}: council name missing"
        assert title in text, f"page {i}: title missing"
        assert re.search(r"Printed \d\d/\d\d/\d{4}", text), f"page {i}: printed date missing"
        found = re.findall(r"Page (\d+) of (\d+)", text)
        assert len(found) == 1, f"page {i}: expected one 'Page x of y', found {found}"
        x, y = map(int, found[0])
        if numbering == "whole":
            assert (x, y) == (i, pdf.pages), f"page {i}: says Page {x} of {y}"
        else:
            assert 1 <= x <= y
