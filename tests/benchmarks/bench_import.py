"""Importing a large authority's 903 return: 3,000 children, ~5,000 episodes, ~12,500 reviews.

Target: under 3 seconds into a fresh SQLite file. Baseline, in the same run: the time to
just read the three CSVs with the csv module (what any importer must pay at least).
The CPU time of the import is printed too (steadier on a busy machine). Also timed: a
re-import of the same files (every child matched, nothing changed) and the CIN census import
of 1,000 children.
"""

from __future__ import annotations

import csv
import tempfile
import time
from pathlib import Path

from reviewdesk.storage.db import open_database
from tests.actions.shortcuts import import_903, import_cin
from tests.benchmarks.common import best_of, report
from tests.importers.generate import write_903, write_cin

CHILDREN = 3000
TARGET_SECONDS = 3.0


def _parse(paths: list[Path]) -> int:
    count = 0
    for path in paths:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            count += sum(1 for _ in csv.reader(fh))
    return count


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write_903(folder / "903", CHILDREN, seed=7)
        print(
            f"# {files.children} children, {files.episode_rows} episodes, "
            f"{files.review_rows} reviews",
            flush=True,
        )
        paths = [files.header, files.episodes, files.reviews]
        baseline = best_of(lambda: _parse(paths))

        runs = []
        cpu = []
        for n in range(3):
            db = open_database(folder / f"bench{n}.sqlite", username="bench")
            start, start_cpu = time.perf_counter(), time.process_time()
            result = import_903(db, *paths)
            runs.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            assert not result.errors, result.errors[:5]
            if n == 0:
                start = time.perf_counter()
                again = import_903(db, *paths)
                reimport = time.perf_counter() - start
                assert again.counts["reviews"].unchanged == files.review_rows
            db.dispose()
        report(
            f"import.903_{CHILDREN}_children",
            min(runs),
            "csv parse",
            baseline,
            target=TARGET_SECONDS,
        )
        # CPU time of this process: steadier than the clock on a machine shared with others.
        report(f"import.903_{CHILDREN}_children_cpu", min(cpu), "csv parse", baseline)
        report(
            f"import.903_{CHILDREN}_children_reimport",
            reimport,
            "csv parse",
            baseline,
            target=TARGET_SECONDS,
        )

        xml = write_cin(folder / "cin.xml", 1000, seed=7)
        db = open_database(folder / "cin.sqlite", username="bench")
        start = time.perf_counter()
        result = import_cin(db, xml)
        cin_time = time.perf_counter() - start
        assert not result.errors, result.errors[:5]
        db.dispose()
        report("import.cin_1000_children", cin_time, "csv parse", baseline, target=TARGET_SECONDS)


if __name__ == "__main__":
    main()
