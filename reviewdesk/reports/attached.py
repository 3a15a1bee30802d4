"""Received reports merged into a pack, page by page, numbered as the pack's own pages.

Each report's pages follow its pack's own pages. Every page is set on an A4 page (landscape
for a landscape page) carrying the pack's furniture: the protective marking at the top and
bottom, the council, "Pack: <child>, <date>", which report it is, and "Page x of y" counted
across the whole pack. The report's page is scaled to fit between the header and the footer,
so nothing of it is covered. A stored file that no longer matches its SHA-256 (or cannot be
read) is not printed: a page in its place says so.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewdesk.codes import agency_label
from reviewdesk.reports.base import (
    FONT,
    FONT_BOLD,
    FOOTER_SPACE,
    HEADER_SPACE,
    INK,
    MARGIN,
    MUTED,
    RED,
    Layout,
    PageInfo,
    composed,
    draw_furniture,
    fit_text,
    register_fonts,
)
from reviewdesk.storage.models import Report, ReportFile
from reviewdesk.vocabulary import format_uk

#: Space kept between the report's page and the pack's header and footer.
GAP = 3 * mm


@dataclass(frozen=True)
class Attachment:
    """A received report's file, to follow its meeting's pack (content read on demand)."""

    report_id: int
    file_id: int
    title: str  # "Police report from DC Jones, received 12/05/2024"
    pages: int
    sha256: str


def attachments_for(session: Session, meeting_ids: Sequence[int]) -> dict[int, list[Attachment]]:
    """Meeting id -> its received reports' files, in the order of the meeting's reports
    (without their bytes)."""
    if not meeting_ids:
        return {}
    rows = session.execute(
        select(
            Report.meeting_id,
            Report.id,
            Report.author,
            Report.agency,
            Report.received,
            ReportFile.id,
            ReportFile.pages,
            ReportFile.sha256,
        )
        .join(ReportFile, ReportFile.report_id == Report.id)
        .where(Report.meeting_id.in_(list(meeting_ids)))
        .order_by(Report.meeting_id, Report.id)
    )
    out: dict[int, list[Attachment]] = {}
    for meeting_id, report_id, author, agency, received, file_id, pages, sha in rows:
        words = f"{agency_label(agency)} report from {author}"
        if received:
            words += f", received {format_uk(received)}"
        out.setdefault(meeting_id, []).append(Attachment(report_id, file_id, words, pages, sha))
    return out


def file_content(session: Session, file_id: int) -> bytes:
    """One stored file's bytes (read only now, one at a time)."""
    return bytes(session.scalar(select(ReportFile.content).where(ReportFile.id == file_id)))


@dataclass
class _Placed:
    """One page to add: the furniture overlay's page, and the report's page (None for a
    notice page, whose text is on the overlay)."""

    size: tuple[float, float]
    page_no: int
    total: int
    section: str
    position: str
    note: str  # "Attached report 2 of 3: Police report from ..."
    source: object | None
    notice: str = ""


def _readable(data: bytes, sha: str):
    """The report's pages, or a reason they cannot be printed."""
    import hashlib

    from pypdf import PdfWriter

    if hashlib.sha256(data).hexdigest() != sha:
        return None, (
            "This report's file has changed since it was attached (its SHA-256 no longer "
            "matches), so it is not printed here. Attach the report again."
        )
    try:
        # A writer of its own, so each page can be turned upright (its /Rotate into its content).
        pages = list(PdfWriter(clone_from=io.BytesIO(data)).pages)
        for page in pages:
            page.transfer_rotation_to_content()
    except Exception:  # noqa: BLE001 - any failure to read means: not printed, said so
        return None, "This report's file could not be read, so it is not printed here."
    return pages, ""


def merge_attachments(
    layout: Layout,
    attachments: dict[int, list[Attachment]],
    *,
    content: Callable[[int], bytes],
    sections: Sequence[str],
    section_label: str,
) -> bytes:
    """The pack (``layout``) with each group's attachments after that group's own pages.
    ``sections`` are the groups' titles in order (group n is ``sections[n - 1]``); the
    groups' totals already count their attachments (`PageInfo.extra_pages`)."""
    from pypdf import PdfReader, PdfWriter, Transformation

    base = PdfReader(io.BytesIO(layout.data))
    writer = PdfWriter()
    groups = layout.groups
    totals: dict[int, int] = {}
    for group in groups:
        totals[group] = totals.get(group, 0) + 1
    for group, extra in layout.info.extra_pages:
        totals[group] = totals.get(group, 0) + extra
    count = max((g for g in groups), default=0)
    own = {g: groups.count(g) for g in set(groups)}
    for index, page in enumerate(base.pages):
        writer.add_page(page)
        group = groups[index]
        last_of_group = index + 1 == len(groups) or groups[index + 1] != group
        if not last_of_group or group not in attachments:
            continue
        position = f"{section_label} {group} of {count}" if count > 1 else ""
        number = own[group]
        placed: list[_Placed] = []
        items = attachments[group]
        for n, item in enumerate(items, start=1):
            note = f"Attached report {n} of {len(items)}: {item.title}"
            pages, problem = _readable(content(item.file_id), item.sha256)
            if pages is None:
                # The notice takes the pages the report was counted for, so numbers hold.
                for _ in range(max(item.pages, 1)):
                    number += 1
                    placed.append(
                        _Placed(
                            A4,
                            number,
                            totals[group],
                            sections[group - 1],
                            position,
                            note,
                            None,
                            problem,
                        )
                    )
                continue
            for src in pages:
                number += 1
                box = src.mediabox
                wide = float(box.width) > float(box.height)
                placed.append(
                    _Placed(
                        landscape(A4) if wide else A4,
                        number,
                        totals[group],
                        sections[group - 1],
                        position,
                        note,
                        src,
                    )
                )
        overlay = PdfReader(io.BytesIO(_furniture(placed, layout.info)))
        for spec, blank in zip(placed, overlay.pages, strict=True):
            sheet = writer.add_page(blank)
            if spec.source is not None:
                src = spec.source
                box = src.mediabox
                width, height = spec.size
                room_w = width - 2 * MARGIN
                room_h = height - HEADER_SPACE - FOOTER_SPACE - 2 * GAP - 5 * mm
                scale = min(room_w / float(box.width), room_h / float(box.height), 1.0)
                x = MARGIN + (room_w - float(box.width) * scale) / 2
                y = FOOTER_SPACE + GAP + (room_h - float(box.height) * scale) / 2
                move = (
                    Transformation()
                    .translate(-float(box.left), -float(box.bottom))
                    .scale(scale, scale)
                    .translate(x, y)
                )
                sheet.merge_transformed_page(src, move)
    out = io.BytesIO()
    writer.add_metadata(
        {
            "/Title": base.metadata.title if base.metadata and base.metadata.title else "",
            "/Subject": "OFFICIAL-SENSITIVE",
            "/Creator": "reviewdesk",
        }
    )
    writer.write(out)
    return out.getvalue()


#: The end of an attached report's line: the day it was received.
_RECEIVED = re.compile(r", received \d\d/\d\d/\d{4}$")


def _note_line(note: str, width: float) -> str:
    """The line naming an attached report, within ``width`` points: a long author is
    shortened with an ellipsis, the day the report was received never."""
    note = composed(note)
    when = _RECEIVED.search(note)
    tail = when.group() if when else ""
    room = width - pdfmetrics.stringWidth(tail, FONT, 7.5)
    return fit_text(note[: len(note) - len(tail)], FONT, 7.5, room) + tail


def _furniture(placed: Sequence[_Placed], info: PageInfo) -> bytes:
    """One furniture page per placed page: marking, header, footer with the pack's page
    number, the line saying which attached report it is, and any notice."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    for spec in placed:
        canvas.setPageSize(spec.size)
        draw_furniture(canvas, info, spec.page_no, spec.total, spec.section, spec.position)
        width, height = spec.size
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(MUTED)
        room = width - 2 * MARGIN
        canvas.drawString(MARGIN, height - HEADER_SPACE - 3 * mm, _note_line(spec.note, room))
        if spec.notice:
            canvas.setFont(FONT_BOLD, 11)
            canvas.setFillColor(RED)
            canvas.drawString(MARGIN, height / 2 + 6 * mm, "Report not printed")
            canvas.setFont(FONT, 9)
            canvas.setFillColor(INK)
            for i, line in enumerate(simpleSplit(spec.notice, FONT, 9, room)):
                canvas.drawString(MARGIN, height / 2 - (2 + 6 * i) * mm, line)
        canvas.restoreState()
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


__all__ = ["Attachment", "attachments_for", "file_content", "merge_attachments"]
