"""The demo authority into SQLite: seconds and file size, at the default size and at 100,000
children (about 24,000 open cases: the three years of history add the closed ones).

Baseline, measured in the same run: inserting as many bare child rows (local id and names
only) as the demo made children, in one transaction, with the same Core bulk insert. The
ratio says how much the whole authority (cases, meetings, invitees, reports) costs per child
compared with the least a child row can cost on this machine.

Usage: python tests/benchmarks/bench_demo.py [OPEN_CASES ...]   (default: 900 and 24000)
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from reviewdesk.storage.db import open_database
from reviewdesk.storage.models import Child
from tests.actions.shortcuts import generate_demo
from tests.benchmarks.common import report

AS_OF = dt.date(2025, 12, 10)


def _size(path: Path) -> int:
    """Bytes on disk, including any write-ahead log left behind."""
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def _bare_children(folder: Path, count: int) -> tuple[float, int]:
    path = folder / "bare.sqlite"
    db = open_database(path)
    rows = [
        {"id": i, "local_id": f"DEMO{i:07d}", "first_name": "Zoë", "last_name": "Ó Briain"}
        for i in range(1, count + 1)
    ]
    start = time.perf_counter()
    with db.session() as session:
        for k in range(0, count, 20_000):
            session.execute(insert(Child), rows[k : k + 20_000])
    seconds = time.perf_counter() - start
    db.dispose()
    return seconds, _size(path)


def run(children: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "demo.sqlite"
        db = open_database(path)
        start = time.perf_counter()
        summary = generate_demo(db, children=children, seed=1, as_of=AS_OF)
        seconds = time.perf_counter() - start
        db.dispose()
        size = _size(path)
        base_seconds, base_size = _bare_children(folder, summary.children)
    rows = sum(summary.rows.values())
    label = f"demo {children:,} open cases"
    report(f"{label}: time", seconds, f"{summary.children:,} bare child rows", base_seconds)
    report(f"{label}: file", size / 1e6, "bare child rows", base_size / 1e6, unit="MB")
    print(
        f"{label}: {summary.children:,} children, {rows:,} rows, "
        f"{rows / seconds:,.0f} rows/s, {size / summary.children:,.0f} bytes per child",
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    sizes = [int(a) for a in (argv if argv is not None else sys.argv[1:])] or [900, 24_000]
    for n in sizes:
        run(n)


if __name__ == "__main__":
    main()
