"""Shared by the benchmarks: timing, and one line per figure with its same-run baseline."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from pathlib import Path


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """The fastest of ``repeat`` runs, in seconds (the least disturbed by other work)."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def report(
    name: str,
    value: float,
    baseline_name: str,
    baseline: float,
    *,
    unit: str = "s",
    target: float | None = None,
    ratio_target: float | None = None,
) -> None:
    """Print a figure, its ratio to the baseline measured in the same run, and its target:
    ``target`` for the value itself, ``ratio_target`` for the ratio (a target stated
    against the baseline, such as "at least half of numpy's throughput": x2 at most)."""
    ratio = value / baseline if baseline else float("inf")
    line = (
        f"{name:<42} {value:10.4f} {unit:<3} x{ratio:7.2f} of {baseline_name} "
        f"({baseline:.4f} {unit})"
    )
    if target is not None:
        verdict = "ok" if value <= target else "MISSED"
        line += f"  target <= {target:g} {unit}: {verdict}"
    if ratio_target is not None:
        verdict = "ok" if ratio <= ratio_target else "MISSED"
        line += f"  target <= x{ratio_target:g}: {verdict}"
    print(line, flush=True)


def cached_file(path: Path, build: Callable[[Path], None]) -> Path:
    """``path``, built by ``build`` the first time: into a partial file renamed when done, so
    an interrupted build is never mistaken for a finished one."""
    if not path.exists():
        start = time.perf_counter()
        partial = path.with_suffix(".partial")
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
        build(partial)
        partial.rename(path)
        print(f"built {path} in {time.perf_counter() - start:.1f} s", flush=True)
    return path
