"""Printed documents from ``reviewdesk.reports``: written to PDF off the UI thread, then
shown in reviewdesk's print preview (``ui.print_preview``), which prints them, saves a copy or
opens them in the system's PDF viewer. When the reports part is not installed the actions
say so.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

from reviewdesk.paths import user_data_dir
from reviewdesk.vocabulary import format_uk
from ui.context import AppContext, optional_module
from ui.errors import friendly_message
from ui.prompts import prompts
from ui.tasks import run_in_background


def reports_module():
    return optional_module("reviewdesk.reports")


def documents_dir() -> Path:
    path = user_data_dir() / "documents"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _file_name(title: str, as_of: dt.date) -> Path:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    stamp = dt.datetime.now().strftime("%H%M%S")
    return documents_dir() / f"{slug}-{as_of.isoformat()}-{stamp}.pdf"


def document_job(ctx: AppContext, kind: str, **options) -> tuple[str, Callable] | None:
    """(title, work) for a document, where ``work(progress) -> Path`` writes the PDF; None
    when the reports part is not installed."""
    reports = reports_module()
    if reports is None:
        return None
    as_of = ctx.as_of
    if kind == "weekly":
        week = options["week"]
        title = f"Weekly schedule {format_uk(week)}"
        build = lambda s, out: reports.build_weekly(s, week=week, out=out, as_of=as_of)  # noqa: E731
    elif kind == "packs":
        week = options["week"]
        title = f"Packs for the week of {format_uk(week)}"
        build = lambda s, out: reports.build_packs(s, week=week, as_of=as_of, out=out)  # noqa: E731
    elif kind == "pack":
        meeting_id = options["meeting_id"]
        title = f"Pack for meeting {meeting_id}"
        build = lambda s, out: reports.build_pack(s, meeting_id, as_of=as_of, out=out)  # noqa: E731
    elif kind == "workload":
        title = "Workload"
        build = lambda s, out: reports.build_workload(s, as_of=as_of, out=out)  # noqa: E731
    elif kind == "timeliness":
        start = dt.date(as_of.year - 1, as_of.month, 1)
        title = "Timeliness"
        build = lambda s, out: reports.build_timeliness(  # noqa: E731
            s, start=start, end=as_of, as_of=as_of, out=out
        )
    else:
        raise ValueError(f"unknown document {kind!r}")
    path = _file_name(title, as_of)

    def work(_progress) -> Path:
        with ctx.db.session() as s:
            build(s, path)
        return path

    return title, work


_jobs: list = []


def make_document(parent, ctx: AppContext, kind: str, **options) -> bool:
    """Write the document in the background, then open its print preview; False if it
    cannot be made."""
    job = document_job(ctx, kind, **options)
    if job is None:
        prompts().info(parent, "Printing documents is not part of this version of reviewdesk yet.")
        return False
    title, work = job

    def done(path: Path) -> None:
        from ui.print_preview import show_preview

        show_preview(path, title, parent)

    def failed(exc: BaseException) -> None:
        prompts().error(parent, f"The {title.lower()} could not be made: {friendly_message(exc)}")

    _jobs.append(run_in_background(work, on_success=done, on_failure=failed))
    return True
