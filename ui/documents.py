"""Printed documents from ``reviewdesk.reports``: written to PDF off the UI thread, then
shown in reviewdesk's print preview (``ui.print_preview``), which prints them, saves a copy or
opens them in the system's PDF viewer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

from reviewdesk.paths import documents_dir
from reviewdesk.reports.chase import build_chase
from reviewdesk.reports.oversight import build_oversight
from reviewdesk.reports.packs import build_pack, build_packs
from reviewdesk.reports.timeliness import build_timeliness
from reviewdesk.reports.weekly import build_weekly
from reviewdesk.reports.workload import build_workload
from reviewdesk.scheduling import describe_meetings
from reviewdesk.vocabulary import format_uk
from ui.context import AppContext
from ui.errors import friendly_message
from ui.prompts import prompts
from ui.tasks import run_in_background


def _file_name(title: str, as_of: dt.date) -> Path:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    stamp = dt.datetime.now().strftime("%H%M%S")
    return documents_dir() / f"{slug}-{as_of.isoformat()}-{stamp}.pdf"


def document_job(ctx: AppContext, kind: str, **options) -> tuple[str, Callable]:
    """(title, work) for a document, where ``work(progress) -> Path`` writes the PDF.
    ``work.children`` is filled in with how many children's records the document holds (for
    the audit when it leaves reviewdesk)."""
    as_of = ctx.as_of
    if kind == "weekly":
        week = options["week"]
        title = f"Weekly schedule {format_uk(week)}"
        build = lambda s, out: build_weekly(s, week=week, out=out, as_of=as_of)  # noqa: E731
    elif kind == "packs":
        week = options["week"]
        title = f"Packs for the week of {format_uk(week)}"
        build = lambda s, out: build_packs(s, week=week, as_of=as_of, out=out)  # noqa: E731
    elif kind == "pack":
        meeting_id = options["meeting_id"]
        with ctx.db.session() as s:
            what = describe_meetings(s, [meeting_id], with_day=True, as_of=as_of).get(meeting_id)
        title = f"Pack for {what}" if what else f"Pack for meeting {meeting_id}"
        build = lambda s, out: build_pack(s, meeting_id, as_of=as_of, out=out)  # noqa: E731
    elif kind == "chase":
        title = "Reports to chase"
        build = lambda s, out: build_chase(s, as_of=as_of, out=out)  # noqa: E731
    elif kind == "workload":
        iro = options.get("iro")  # the acting IRO's staff id (their own list), or every IRO's
        title = "Workload" if iro is None else "My workload"
        build = lambda s, out: build_workload(s, as_of=as_of, out=out, iro=iro)  # noqa: E731
    elif kind in ("timeliness", "oversight"):
        start, end = options["start"], options["end"]
        what = "Timeliness report" if kind == "timeliness" else "IRO oversight report"
        title = f"{what} {format_uk(start)} to {format_uk(end)}"
        make = build_timeliness if kind == "timeliness" else build_oversight
        build = lambda s, out: make(  # noqa: E731
            s, start=start, end=end, as_of=as_of, out=out
        )
    else:
        raise ValueError(f"unknown document {kind!r}")
    path = _file_name(title, as_of)

    def work(_progress) -> Path:
        from reviewdesk.actions import document_children

        with ctx.db.session() as s:
            build(s, path)
            work.children = document_children(s, kind, as_of=as_of, **options)
        return path

    work.children = None

    return title, work


_jobs: list = []


def make_document(parent, ctx: AppContext, kind: str, **options) -> None:
    """Write the document in the background, then open its print preview."""
    title, work = document_job(ctx, kind, **options)

    def done(path: Path) -> None:
        from reviewdesk.actions import record_export
        from ui.operations import perform
        from ui.print_preview import show_preview

        preview = show_preview(path, title, parent)
        preview.left.connect(
            lambda destination: perform(
                preview,
                ctx,
                record_export,
                title,
                destination=destination,
                children=work.children,
                checks=(),  # (printed or saved already: its record waits on no box)
            )
        )

    def failed(exc: BaseException) -> None:
        prompts().error(parent, f"The {title.lower()} could not be made: {friendly_message(exc)}")

    _jobs.append(run_in_background(work, on_success=done, on_failure=failed))
