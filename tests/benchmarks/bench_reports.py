"""Printing speed: the workload list of 20 IROs x 70 children, and a week of 50 packs.

Baselines, measured in the same run: a plain reportlab document (Helvetica, one Table with
repeated headers) with the same number of table rows, or of pages for the packs, so the
ratio says what the frame, the fonts and the data cost over reportlab itself.
"""

from __future__ import annotations

import io
import tempfile
import time
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import PageBreak, SimpleDocTemplate, Table, TableStyle

from reviewdesk.reports.base import register_fonts
from reviewdesk.reports.packs import build_packs
from reviewdesk.reports.workload import build_workload, collect_workload, render_workload
from reviewdesk.storage.db import open_database
from tests.benchmarks.common import best_of, report
from tests.reports.factory import AS_OF, COUNCIL, WEEK, populate

IROS, CHILDREN, PACKS = 20, 70, 50


def plain_table_pdf(rows: int, cols: int, *, pagesize, per_table: int | None = None) -> bytes:
    """reportlab alone: tables of text cells in a standard font, headers repeated."""
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=pagesize)
    story: list = []
    per_table = per_table or rows
    done = 0
    while done < rows:
        n = min(per_table, rows - done)
        data = [[f"Head {c}" for c in range(cols)]]
        data += [[f"Cell {r}.{c}" for c in range(cols)] for r in range(done, done + n)]
        table = Table(data, repeatRows=1)
        table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 8)]))
        story += [table, PageBreak()]
        done += n
    doc.build(story)
    return out.getvalue()


def main() -> None:
    register_fonts()
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "bench.sqlite")
        start = time.perf_counter()
        with db.session() as session:
            populate(session, iros=IROS, children_per_iro=CHILDREN, week_meetings=PACKS)
        print(f"{'setup: register of 1,400 children':<42} {time.perf_counter() - start:10.4f} s")

        with db.session() as session:
            rows = IROS * CHILDREN
            baseline = best_of(lambda: plain_table_pdf(rows, 7, pagesize=landscape(A4)))
            total = best_of(lambda: build_workload(session, as_of=AS_OF, out=io.BytesIO()))
            collect = best_of(lambda: collect_workload(session, as_of=AS_OF))
            data = collect_workload(session, as_of=AS_OF)
            render = best_of(lambda: render_workload(data, io.BytesIO(), council=COUNCIL))
            name = f"workload {IROS} IROs x {CHILDREN} children"
            report(name, total, f"plain reportlab, {rows} rows", baseline, target=1.0)
            report("  of which reading the register", collect, "plain reportlab", baseline)
            report("  of which printing", render, "plain reportlab", baseline)

            pages = build_packs(session, week=WEEK, as_of=AS_OF, out=io.BytesIO())
            packs_baseline = best_of(
                lambda: plain_table_pdf(pages * 25, 5, pagesize=A4, per_table=25), repeat=2
            )
            packs = best_of(
                lambda: build_packs(session, week=WEEK, as_of=AS_OF, out=io.BytesIO()), repeat=2
            )
            report(
                f"packs {PACKS} meetings ({pages} pages)",
                packs,
                f"plain reportlab, {pages} pages",
                packs_baseline,
                target=5.0,
            )
        db.dispose()


if __name__ == "__main__":
    main()
