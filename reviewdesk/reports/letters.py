"""Letters as PDF: invitations to families, report requests to authors.

Each letter starts on a new page, numbered on its own ("Page 1 of 1", "Letter 2 of 5"), with
the council's name and address, the date, the recipient's name and address, and the
paragraphs of the council's template filled in (`reviewdesk.invitations.letters`). Every page
carries the protective marking OFFICIAL-SENSITIVE, like every document reviewdesk prints.
Filled-in values are printed as plain text: a name holding "<b>" prints as typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from reviewdesk.invitations.facts import long_date
from reviewdesk.invitations.letters import Letter
from reviewdesk.reports.base import (
    DocumentSettings,
    Output,
    Section,
    build_pdf,
    esc,
    make_styles,
)


def _lines(lines: Sequence[str]) -> str:
    return "<br/>".join(esc(line) for line in lines)


def build_letters(
    letters: Sequence[Letter],
    *,
    council: str,
    council_address: str,
    today: dt.date,
    out: Output,
    title: str,
    invariant: bool = False,
) -> int:
    """Print ``letters`` into one PDF, one letter (or more pages) each. Returns the pages."""
    styles = make_styles()
    right = ParagraphStyle("right", parent=styles.body, alignment=TA_RIGHT)
    letter_body = ParagraphStyle("letter", parent=styles.body, fontSize=10.5, leading=15)
    story: list[Flowable] = []
    for n, letter in enumerate(letters):
        if n:
            story.append(PageBreak())
        story.append(Section(letter.recipient))
        head = [council, *(line for line in council_address.splitlines() if line.strip())]
        story.append(Paragraph(f"<b>{esc(head[0])}</b><br/>{_lines(head[1:])}", right))
        story.append(Spacer(1, 4 * mm))
        story.append(Paragraph(esc(long_date(today)), right))
        story.append(Spacer(1, 6 * mm))
        story.append(Paragraph(_lines([letter.recipient, *letter.address]), letter_body))
        story.append(Spacer(1, 8 * mm))
        for paragraph in letter.paragraphs:
            story.append(Paragraph(_lines(paragraph.split("\n")), letter_body))
            story.append(Spacer(1, 3.5 * mm))
    settings = DocumentSettings(
        title=title,
        council=council,
        invariant=invariant,
        section_label="Letter",
    )
    return build_pdf(story, out, settings, as_of=today)


__all__ = ["build_letters"]
