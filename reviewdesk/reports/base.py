"""The frame every printed document shares: page furniture, fonts, styles and tables.

Each page carries the protective marking OFFICIAL-SENSITIVE at the top and the bottom, the
council's name and the document's title, when it was printed and "Page x of y". The page count
needs the whole document first, so the canvas keeps every page's state and draws the furniture
when it is saved (the usual two-pass "numbered canvas").

A document may hold several sections (the packs for a week: one per meeting). A `Section`
marker starts a new one; its pages are then numbered within it and its title printed in the
header, so each pack can be taken out of the file and still reads "Page 2 of 3".

Text is set in DejaVu Sans, shipped in ``resources/fonts``: the PDF standard fonts have no
"Ł", so a name like Łukasz would otherwise print as a black box.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import re
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import IO, Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle
from reportlab.platypus.flowables import KeepTogether

from reviewdesk.errors import ReviewdeskError
from reviewdesk.paths import resource
from reviewdesk.safefiles import check_output, write_output
from reviewdesk.vocabulary import format_uk, format_uk_time

#: Where a document goes: a file path or a binary file object (e.g. ``io.BytesIO``).
Output = str | os.PathLike[str] | IO[bytes]

MARKING = "OFFICIAL-SENSITIVE"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_BOLD_ITALIC = "DejaVuSans-BoldOblique"
#: reportlab name -> the file in ``resources/fonts``: the whole family, so <i> prints italic.
FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_ITALIC: "DejaVuSans-Oblique.ttf",
    FONT_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}

# A restrained palette: near-black text, greys for structure, one dark blue for headings.
INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#5f6b7a")
RULE = colors.HexColor("#c3cad3")
HEADER_BG = colors.HexColor("#e6e9ee")
GROUP_BG = colors.HexColor("#f0f2f5")
ZEBRA = colors.HexColor("#f8f9fb")
ACCENT = colors.HexColor("#243b53")
# RAG colours, used only where a rating means something: text colour and a pale fill.
RED = colors.HexColor("#b42318")
RED_BG = colors.HexColor("#fbe4e2")
AMBER = colors.HexColor("#a15c07")
AMBER_BG = colors.HexColor("#fcefd6")
GREEN = colors.HexColor("#1e7b46")
GREEN_BG = colors.HexColor("#def2e6")
RAG_COLOURS = {"red": (RED, RED_BG), "amber": (AMBER, AMBER_BG), "green": (GREEN, GREEN_BG)}

MARGIN = 14 * mm
HEADER_SPACE = 24 * mm  # from the page's top edge to the body
FOOTER_SPACE = 16 * mm  # from the page's bottom edge to the body


_font_lock = threading.Lock()


def register_fonts() -> None:
    """Register the bundled TrueType fonts with reportlab (once per process; the window
    prints from worker threads, hence the lock)."""
    with _font_lock:
        if not set(FONT_FILES) <= set(pdfmetrics.getRegisteredFontNames()):
            _register()


def _register() -> None:
    paths = {name: resource("fonts", file) for name, file in FONT_FILES.items()}
    for path in paths.values():
        if not path.is_file():
            raise ReviewdeskError(
                f"the font {path.name} is missing from {path.parent}: documents cannot be "
                "printed until reviewdesk is installed again"
            )
    for name, path in paths.items():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
    )


# --- styles ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    muted: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_muted: ParagraphStyle
    cell_right: ParagraphStyle
    head_cell: ParagraphStyle
    head_right: ParagraphStyle
    big: ParagraphStyle


def make_styles() -> Styles:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, textColor=INK)
    cell = ParagraphStyle("cell", parent=body, fontSize=8, leading=10)
    return Styles(
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=8, leading=10),
        muted=ParagraphStyle("muted", parent=body, fontSize=8, leading=10, textColor=MUTED),
        h1=ParagraphStyle(
            "h1",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=14,
            leading=18,
            textColor=ACCENT,
            spaceAfter=4,
        ),
        h2=ParagraphStyle(
            "h2",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=11,
            leading=14,
            textColor=ACCENT,
            spaceBefore=8,
            spaceAfter=4,
        ),
        h3=ParagraphStyle(
            "h3", parent=body, fontName=FONT_BOLD, fontSize=9, leading=12, spaceBefore=4
        ),
        cell=cell,
        cell_bold=ParagraphStyle("cell_bold", parent=cell, fontName=FONT_BOLD),
        cell_muted=ParagraphStyle("cell_muted", parent=cell, textColor=MUTED),
        cell_right=ParagraphStyle("cell_right", parent=cell, alignment=TA_RIGHT),
        head_cell=ParagraphStyle("head_cell", parent=cell, fontName=FONT_BOLD),
        head_right=ParagraphStyle(
            "head_right", parent=cell, fontName=FONT_BOLD, alignment=TA_RIGHT
        ),
        big=ParagraphStyle(
            "big", parent=body, fontName=FONT_BOLD, fontSize=18, leading=22, textColor=INK
        ),
    )


def composed(text: str) -> str:
    """``text`` with each letter and its accents as one character (NFC). A name typed or
    imported decomposed ("e" then a combining circumflex and tilde) would otherwise print
    with its accents stacked on one another or beside the letter: reportlab places a
    combining mark by the font's default offset, not over the letter before it."""
    return unicodedata.normalize("NFC", text)


def esc(text: object) -> str:
    """Text made safe for a Paragraph's mini-markup (names may hold '&' or '<'), its
    accents composed (`composed`)."""
    return composed(str(text)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def uk(d: dt.date | None, empty: str = "") -> str:
    return format_uk(d) if d else empty


# --- tables ---------------------------------------------------------------------------------


_PAD = 4  # left and right cell padding in list tables


#: The smallest a cell's text is set to keep its longest word whole, in points.
SMALLEST_FITTED_SIZE = 5.5


def fit_cells(
    rows: Sequence[Sequence[Any]],
    col_widths: Sequence[float],
    style: ParagraphStyle,
    pad: float = _PAD,
) -> list[list[Any]]:
    """Rows with each plain-text cell too wide for its column turned into a wrapping
    Paragraph. Short text stays a string, which reportlab lays out far faster.

    A word wider than its column (a long double-barrelled surname) would be broken
    mid-word, so that cell's text is set smaller until the word fits, down to
    `SMALLEST_FITTED_SIZE`. Every plain-text cell has its accents composed (`composed`)."""
    limits = [w - 2 * pad for w in col_widths]
    out = []
    for row in rows:
        cells = [composed(value) if isinstance(value, str) else value for value in row]
        for i, value in enumerate(cells):
            if (
                isinstance(value, str)
                and value
                and "\n" not in value
                and pdfmetrics.stringWidth(value, style.fontName, style.fontSize) > limits[i]
            ):
                cells[i] = Paragraph(esc(value), _fitted(style, value, limits[i]))
        out.append(cells)
    return out


def fitted_paragraph(
    markup: str, words: str, style: ParagraphStyle, col_width: float, pad: float = _PAD
) -> Paragraph:
    """A cell's Paragraph with markup (a name with its id in grey), set smaller as
    `fit_cells` sets plain text, so the longest of ``words`` (the cell's text without its
    markup) fits the column and a long surname is not broken mid-word."""
    return Paragraph(markup, _fitted(style, words, col_width - 2 * pad))


def _fitted(style: ParagraphStyle, text: str, limit: float) -> ParagraphStyle:
    """``style``, or a smaller copy of it in which ``text``'s longest word fits ``limit``."""
    widest = max(
        (pdfmetrics.stringWidth(w, style.fontName, style.fontSize) for w in text.split()),
        default=0.0,
    )
    if widest <= limit:
        return style
    size = max(SMALLEST_FITTED_SIZE, math.floor(10 * style.fontSize * limit / widest) / 10)
    scale = size / style.fontSize
    return ParagraphStyle(
        f"{style.name}@{size}", parent=style, fontSize=size, leading=style.leading * scale
    )


def data_table(
    header: Sequence[str | Flowable],
    rows: Sequence[Sequence[Any]],
    col_widths: Sequence[float],
    *,
    styles: Styles,
    right: Sequence[int] = (),
    extra: Sequence[tuple] = (),
    zebra: bool = True,
    size: float = 8,
    pad: float = _PAD,
    groups: Mapping[int, str] | None = None,
    caption: str = "",
    tall_rows: bool = False,
) -> Table:
    """A list table: bold header repeated on every page, light stripes, thin rules.

    Cells may be strings or flowables (e.g. Paragraphs with markup). A string too wide for
    its column is wrapped (see `fit_cells`). ``right`` lists columns to right-align;
    ``extra`` adds TableStyle commands (e.g. RAG fills for particular cells). ``size`` and
    ``pad`` set the font size and the cell padding (smaller for many narrow columns).

    ``groups`` names the group rows among ``rows`` (table row -> label; row 0 is the header,
    as in ``extra``): a chair, a room, an agency. A group row spans the table on a shaded
    background (the caller sets its words' font), is kept with the row after
    it, and where the table runs onto a new page that page says what it continues,
    "<caption> · <group> (continued)", so no row is printed without its day or its group
    (`ListTable`).

    ``tall_rows``: a row may hold free text taller than a page (an invitee's access needs);
    a row that fits on no page is split across two, where otherwise nothing could be
    printed at all. Not with ``groups`` or ``caption``, whose pages count whole rows.
    """
    if tall_rows and (groups or caption):
        raise ValueError("a table of tall rows cannot carry its groups onto the next page")
    head_left, head_right, cell = styles.head_cell, styles.head_right, styles.cell
    if size != cell.fontSize:
        leading = size + 2
        head_left = ParagraphStyle("h", parent=head_left, fontSize=size, leading=leading)
        head_right = ParagraphStyle("hr", parent=head_right, fontSize=size, leading=leading)
        cell = ParagraphStyle("c", parent=cell, fontSize=size, leading=leading)
    head = [
        Paragraph(esc(h), head_right if i in right else head_left) if isinstance(h, str) else h
        for i, h in enumerate(header)
    ]
    body = fit_cells(rows, col_widths, cell, pad)
    carry = _Carry(dict(groups or {}), caption, cell) if groups or caption else None
    if carry is not None:
        # A row kept under the header, empty and of no height, for the part on the next
        # page to say what it continues; the caller's rows move down one.
        body.insert(0, [""] * len(col_widths))
        extra = [_row_moved(command) for command in extra]
    first = 2 if carry else 1  # the first row of the body
    table = ListTable(
        [head, *body],
        colWidths=list(col_widths),
        rowHeights=[None, 0, *[None] * len(rows)] if carry else None,
        repeatRows=first,
        hAlign="LEFT",
        # Split a row only where no whole row fits, leaving at least two lines each side.
        splitInRow=2 * (size + 2) if tall_rows else 0,
    )
    table.carry = carry
    commands: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), FONT, size, size + 2),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, first), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
    ]
    if carry is not None:
        commands += [("SPAN", (0, 1), (-1, 1)), ("BACKGROUND", (0, 1), (-1, 1), GROUP_BG)]
    if zebra and rows:
        commands.append(("ROWBACKGROUNDS", (0, first), (-1, -1), [colors.white, ZEBRA]))
    for col in right:
        commands.append(("ALIGN", (col, first), (col, -1), "RIGHT"))
    commands.extend(extra)
    for row in groups or {}:  # (moved down one, as ``extra``: the reserved row above)
        commands += [
            ("SPAN", (0, row + 1), (-1, row + 1)),
            ("BACKGROUND", (0, row + 1), (-1, row + 1), GROUP_BG),
        ]
        if row < len(rows):  # a group row is not left alone at the foot of a page
            commands.append(("NOSPLIT", (0, row + 1), (-1, row + 2)))
    table.setStyle(TableStyle(commands))
    return table


def _row_moved(command: tuple) -> tuple:
    """A TableStyle command for the body moved one row down (negative rows count from the
    end and stay)."""
    name, (c0, r0), (c1, r1), *args = command
    r0, r1 = (r + 1 if r >= 1 else r for r in (r0, r1))
    return (name, (c0, r0), (c1, r1), *args)


@dataclass(frozen=True)
class _Carry:
    """What a split `data_table` carries onto the next page: its groups (row of the whole
    table -> label, with the header as row 0), its caption, and the whole table's row
    that this part's first body row is."""

    groups: dict[int, str]
    caption: str
    style: ParagraphStyle
    start: int = 1

    def label(self) -> str:
        """'<caption> · <group> (continued)' for a part starting at row ``start`` ('' if a
        group starts there and there is no caption: nothing needs saying)."""
        group = "" if self.start in self.groups else self._group()
        words = [w for w in (self.caption, group) if w]
        return " · ".join(words) + " (continued)" if words else ""

    def _group(self) -> str:
        before = [r for r in self.groups if r < self.start]
        return self.groups[max(before)] if before else ""


class ListTable(Table):
    """A `data_table`. Split over pages, the part on the next page fills its reserved row
    (row 1) with what it continues (`_Carry.label`).

    With tall rows (``splitInRow``) a row is split only where it cannot fit on a page of its
    own: at the top of a page, or as the table's first row after its heading. Elsewhere it
    moves to the next page, so the header is never printed twice on one page."""

    carry: _Carry | None = None
    continued = False  # the part of a split table printed after the first

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts = self._split(availWidth, availHeight)
        for part in parts[1:]:
            part.continued = True
        if self.carry is None or len(parts) != 2:
            return parts
        first, rest = parts
        # reportlab makes both parts (of this class) and repeats rows 0 and 1 on the second.
        carry = replace(self.carry, start=self.carry.start + len(first._cellvalues) - 2)
        label = carry.label()
        # A new row: the old one is shared with the first part, already laid out.
        cells = rest._cellvalues
        cells[1] = [Paragraph(f"<b>{esc(label)}</b>", carry.style) if label else ""]
        cells[1] += [""] * (len(cells[0]) - 1)
        rest._argH[1] = None if label else 0  # None: its height is measured again
        first.carry, rest.carry = None, carry
        return [first, rest]

    def _split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        tall = self.splitInRow
        frame = getattr(self, "_frame", None)  # set by the frame asking for the split
        if not tall or frame is None or frame._atTop:
            return super().split(availWidth, availHeight)
        if not self.continued:
            self._calc(availWidth, availHeight)
            first = self.repeatRows + 1
            if sum(self._rowHeights[:first]) > frame._aH:  # taller than a page: split here
                return super().split(availWidth, availHeight)
        self.splitInRow = 0
        try:
            parts = super().split(availWidth, availHeight)
        finally:
            self.splitInRow = tall
        for part in parts:
            part.splitInRow = tall
        return parts


def facts_table(
    pairs: Sequence[tuple[str, Any]], widths: tuple[float, float], *, styles: Styles
) -> Table:
    """Label / value pairs in two columns, labels muted (a cover sheet's key facts).

    A value may be text or a flowable (a Paragraph with markup)."""
    rows = fit_cells(
        [[label, value] for label, value in pairs],
        [widths[0], widths[1] + 2 * _PAD],
        styles.body,
    )
    table = Table(rows, colWidths=list(widths), hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (0, -1), FONT, 8, 12),
                ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
                ("FONT", (1, 0), (1, -1), FONT, 9, 12),
                ("TEXTCOLOR", (1, 0), (1, -1), INK),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (1, 0), (1, -1), 0),
            ]
        )
    )
    return table


def rag_style(cell: tuple[int, int], rating: str | None) -> list[tuple]:
    """TableStyle commands that colour one cell by its RAG rating (none for no rating)."""
    if rating not in RAG_COLOURS:
        return []
    ink, fill = RAG_COLOURS[rating]
    return [("BACKGROUND", cell, cell, fill), ("TEXTCOLOR", cell, cell, ink)]


def keep(*flowables: Flowable) -> KeepTogether:
    return KeepTogether(list(flowables))


class AtPageTop(Flowable):
    """A flowable printed only where it falls at the top of a page, else taking no room: a
    reminder ("Monday 13/05/2024 (continued)") for a part that a page break has separated
    from its heading."""

    def __init__(self, content: Flowable) -> None:
        super().__init__()
        self.content = content
        self.shown = False

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        frame = getattr(self, "_frame", None)  # set by the frame placing this flowable
        self.shown = bool(frame is not None and frame._atTop)
        if not self.shown:
            return 0, 0
        return self.content.wrap(availWidth, availHeight)

    def draw(self) -> None:
        if self.shown:
            self.content.drawOn(self.canv, 0, 0)


# --- sections and page furniture ---------------------------------------------------------


class Section(Flowable):
    """Starts a section: its title goes in the header from this page on.

    With ``restart`` (the packs: one per meeting) pages are numbered within the section and
    the footer says which section of how many; without it (an IRO's pages in the workload
    list) only the header changes and the numbering runs on.
    """

    def __init__(self, title: str, *, restart: bool = True) -> None:
        super().__init__()
        self.title = title
        self.restart = restart
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        # Whether the section starts its page (the frame has nothing on it yet), or part
        # way down, under what came before (an IRO's list under the teams' week).
        frame = getattr(self, "_frame", None)
        at_top = frame is None or bool(getattr(frame, "_atTop", True))
        self.canv._begin_section(self.title, self.restart, at_top)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class PageInfo:
    council: str
    title: str
    printed: str  # e.g. "Printed 23/11/2026 19:40"
    subtitle: str = ""  # e.g. "Position at 23/11/2026"
    section_label: str = "Section"  # the footer reads "Pack 3 of 12"
    #: Pages added after layout to a numbering group (group, pages): a pack's attached
    #: reports, counted in its "Page x of y" (`reviewdesk.reports.attached`).
    extra_pages: tuple[tuple[int, int], ...] = ()


class _NumberedCanvas(Canvas):
    """A canvas that holds back each page until the end, then draws the page furniture.

    reportlab's own `showPage` resets the page; storing ``__dict__`` copies (as its FAQ
    suggests) and replaying them in `save` gives the total page count on every page.
    """

    def __init__(self, *args: Any, info: PageInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._info = info
        self._pages: list[dict[str, Any]] = []
        # For each page held back: the section title in force and its numbering group.
        self._page_marks: list[tuple[str, int]] = []
        self._title = ""
        self._next_title: str | None = None  # a section's title from the next page
        self._group = 0
        self._groups = 0  # numbering groups started by restarting sections
        self.page_count = 0

    def _begin_section(self, title: str, restart: bool, at_top: bool = True) -> None:
        """A section starting here. Its title goes in the header from this page, or, for a
        section that runs on (not ``restart``) starting part way down a page, from the
        next: the page began with what came before it (the summary, the teams' week)."""
        if restart or at_top:
            self._title = title
            self._next_title = None
        else:
            self._next_title = title
        if restart:
            self._groups += 1
            self._group = self._groups

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._page_marks.append((self._title, self._group))
        if self._next_title is not None:
            self._title, self._next_title = self._next_title, None
        self._startPage()

    def save(self) -> None:
        # Restoring a page's state also restores these attributes as they were then, so
        # take the final values first.
        pages, marks, groups = self._pages, self._page_marks, self._groups
        totals: dict[int, int] = {}
        for _, group in marks:
            totals[group] = totals.get(group, 0) + 1
        for group, extra in self._info.extra_pages:
            totals[group] = totals.get(group, 0) + extra
        seen: dict[int, int] = {}
        for state, (title, group) in zip(pages, marks, strict=True):
            self.__dict__.update(state)
            seen[group] = seen.get(group, 0) + 1
            position = ""
            if groups > 1 and group:
                position = f"{self._info.section_label} {group} of {groups}"
            self._furniture(seen[group], totals[group], title, position)
            super().showPage()
        self.page_count = len(pages)
        super().save()

    def _furniture(self, page: int, total: int, section_title: str, position: str) -> None:
        draw_furniture(self, self._info, page, total, section_title, position)


def draw_furniture(
    canvas: Canvas, info: PageInfo, page: int, total: int, section_title: str, position: str
) -> None:
    """The page furniture on the canvas's current page (of any size): the marking top and
    bottom, the header and the footer with "Page x of y"."""
    width, height = canvas._pagesize
    left, right = MARGIN, width - MARGIN
    info = replace(info, council=composed(info.council), title=composed(info.title))
    section_title = composed(section_title)
    canvas.saveState()
    # Protective marking, top and bottom, centred.
    canvas.setFillColor(INK)
    canvas.setFont(FONT_BOLD, 9)
    canvas.drawCentredString(width / 2, height - 8 * mm, MARKING)
    canvas.drawCentredString(width / 2, 6 * mm, MARKING)
    # Header: council and title on the left, printed date and subtitle on the right.
    top = height - 14 * mm
    canvas.setFont(FONT, 8)
    canvas.setFillColor(MUTED)
    canvas.drawString(left, top, info.council)
    canvas.drawRightString(right, top, info.printed)
    canvas.setFont(FONT_BOLD, 12)
    canvas.setFillColor(ACCENT)
    title = info.title if not section_title else f"{info.title}: {section_title}"
    room = right - left  # the title's, up to the subtitle on its right
    if info.subtitle:
        room -= pdfmetrics.stringWidth(info.subtitle, FONT, 8) + 6 * mm
    # A closing date (a pack's "Zoë Ó Briain, 13/05/2024") says when: a long name before
    # it is shortened, the date never.
    when = _CLOSING_DATE.search(title)
    tail = when.group() if when else ""
    room -= pdfmetrics.stringWidth(tail, FONT_BOLD, 12)
    head = fit_text(title[: len(title) - len(tail)], FONT_BOLD, 12, room)
    canvas.drawString(left, top - 5.5 * mm, head + tail)
    if info.subtitle:
        canvas.setFont(FONT, 8)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(right, top - 5.5 * mm, info.subtitle)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(left, top - 8 * mm, right, top - 8 * mm)
    # Footer: a rule, the document on the left, the page on the right.
    base = 11 * mm
    canvas.line(left, base + 3.2 * mm, right, base + 3.2 * mm)
    canvas.setFont(FONT, 7.5)
    canvas.setFillColor(MUTED)
    footer = f"{info.council} · {info.title}"
    if position:
        footer += f" · {position}"
    canvas.drawString(left, base, fit_text(footer, FONT, 7.5, (right - left) * 0.7))
    canvas.setFillColor(INK)
    canvas.setFont(FONT_BOLD, 8)
    canvas.drawRightString(right, base, f"Page {page} of {total}")
    canvas.restoreState()


#: A title's closing date, e.g. ", 13/05/2024" (or ", not booked") after a pack's child.
_CLOSING_DATE = re.compile(r", (\d\d/\d\d/\d{4}|not booked)$")


def fit_text(text: str, font: str, size: float, width: float) -> str:
    """The text, shortened with an ellipsis if it would run past ``width`` points."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


# --- building -------------------------------------------------------------------------------


@dataclass
class DocumentSettings:
    """What every document is given: where it goes and how its pages are labelled."""

    title: str
    council: str
    landscape: bool = False
    subtitle: str = ""
    invariant: bool = False
    printed_at: dt.datetime | None = None
    author: str = "reviewdesk"
    section_label: str = "Section"

    @property
    def pagesize(self) -> tuple[float, float]:
        return landscape(A4) if self.landscape else A4

    @property
    def frame_width(self) -> float:
        """The width flowables may use (the frame less its 6 pt padding each side)."""
        return self.pagesize[0] - 2 * MARGIN - 12

    def printed_text(self, as_of: dt.date) -> str:
        """'Printed 23/11/2026 19:40'; with ``invariant`` the as-of date only, so tests
        get the same bytes on every run."""
        if self.invariant:
            return f"Printed {format_uk(as_of)}"
        when = self.printed_at or dt.datetime.now()
        return f"Printed {format_uk_time(when)}"


@dataclass(frozen=True)
class Layout:
    """A document laid out in memory: its bytes, and each page's numbering group (the
    section it belongs to, 0 before the first), for documents that add pages afterwards."""

    data: bytes
    groups: tuple[int, ...]
    info: PageInfo
    pagesize: tuple[float, float]

    @property
    def pages(self) -> int:
        return len(self.groups)


def page_info(settings: DocumentSettings, *, as_of: dt.date, extra_pages=()) -> PageInfo:
    return PageInfo(
        council=settings.council,
        title=settings.title,
        printed=settings.printed_text(as_of),
        subtitle=settings.subtitle,
        section_label=settings.section_label,
        extra_pages=tuple(extra_pages),
    )


def layout_pdf(
    story: list[Flowable],
    settings: DocumentSettings,
    *,
    as_of: dt.date,
    extra_pages: Sequence[tuple[int, int]] = (),
) -> Layout:
    """Lay out ``story`` on A4 pages with the common furniture, in memory. ``extra_pages``
    are counted into their groups' "Page x of y" (pages to be appended afterwards)."""
    register_fonts()
    info = page_info(settings, as_of=as_of, extra_pages=extra_pages)
    canvases: list[_NumberedCanvas] = []

    def maker(*args: Any, **kwargs: Any) -> _NumberedCanvas:
        canvas = _NumberedCanvas(*args, info=info, **kwargs)
        canvases.append(canvas)
        return canvas

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=settings.pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=HEADER_SPACE,
        bottomMargin=FOOTER_SPACE,
        title=f"{settings.title} ({settings.council})",
        author=settings.author,
        subject=MARKING,
        creator="reviewdesk",
        invariant=1 if settings.invariant else 0,
        initialFontName=FONT,
        initialFontSize=9,
    )
    doc.build(story, canvasmaker=partial(maker))
    marks = canvases[-1]._page_marks if canvases else []
    return Layout(buffer.getvalue(), tuple(g for _t, g in marks), info, settings.pagesize)


def write_document(data: bytes, out: Output) -> None:
    """A finished PDF to ``out``: a path as an output file (whole, mode 600, never over the
    database), or a binary file object."""
    if isinstance(out, str | os.PathLike):
        write_output(Path(os.fspath(out)), data)
    else:
        out.write(data)


def build_pdf(
    story: list[Flowable], out: Output, settings: DocumentSettings, *, as_of: dt.date
) -> int:
    """Lay out ``story`` on A4 pages with the common furniture and write it to ``out``.

    Returns the number of pages.
    """
    # A path is written only once the document is complete, and then as an output file
    # (whole, mode 600, never over the database): a failure never leaves half a PDF behind.
    if isinstance(out, str | os.PathLike):
        check_output(Path(os.fspath(out)))  # before the work, so a bad name is refused at once
    layout = layout_pdf(story, settings, as_of=as_of)
    write_document(layout.data, out)
    return layout.pages


def pdf_bytes(build: Any, *args: Any, **kwargs: Any) -> bytes:
    """Run a ``build_*`` function into memory and return the PDF (for print preview)."""
    buffer = io.BytesIO()
    build(*args, out=buffer, **kwargs)
    return buffer.getvalue()
