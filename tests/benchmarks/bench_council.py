"""At council size, every figure at least as fast as before the issue "Speed" (#20): the demo
authority at its default size (900 open cases) and a large one (6,300 open cases, about
26,000 children), this version against the version the issue was measured on.

The baseline is measured in the same run: the earlier version is checked out from this
repository's history into a temporary worktree and the same figures
(`council_figures.py`: start, case list sorts, diary week, child page, workload, measures,
flags, schedule export) are taken with each version in turn, in separate processes, on the
same data: the demo authorities the earlier version generates (this version upgrades its
copy first; the records only this version has, such as challenges and invitations, are
then absent from both). Figures are CPU time (the machine is shared); a figure's target is
x1 of the earlier version, and one within a few per cent either way is a tie.

Usage: python tests/benchmarks/bench_council.py [REVISION]   (default: BEFORE)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.benchmarks.common import report

ROOT = Path(__file__).resolve().parents[2]
#: The commit the issue "Speed: instant after every edit" was measured on.
BEFORE = "78b0bf6"
#: Rounds of figures, each version in turn (each figure the least of its rounds).
ROUNDS = 2


def run(tree: Path, folder: Path, name: str, *args: str) -> None:
    """``council_figures.py ARGS`` with the version in ``tree``."""
    # Each version with its own resources (rules, calendars), not the installed package's.
    shim = folder / f"{name}-resources"
    if not shim.exists():
        shim.mkdir()
        (shim / "reviewdesk_resources").symlink_to(tree / "resources")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join((str(shim), str(tree))),
        "QT_QPA_PLATFORM": "offscreen",
        "TMPDIR": str(folder),
    }
    script = ROOT / "tests" / "benchmarks" / "council_figures.py"
    subprocess.run([sys.executable, str(script), *args], cwd=tree, env=env, check=True)


def figures(tree: Path, folder: Path, name: str, data: Path) -> dict[str, float]:
    out = folder / f"{name}.json"
    run(tree, folder, name, "measure", str(data), str(out))
    return json.loads(out.read_text())


def main(argv: list[str]) -> None:
    revision = argv[0] if argv else BEFORE
    with tempfile.TemporaryDirectory(prefix="reviewdesk-bench-council-") as tmp:
        folder = Path(tmp)
        before = folder / "before"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-q", str(before), revision],
            cwd=ROOT,
            check=True,
        )
        try:
            data = {name: folder / f"data-{name}" for name in ("before", "now")}
            data["before"].mkdir()
            run(before, folder, "before", "generate", str(data["before"]))
            shutil.copytree(data["before"], data["now"])
            # Two rounds, each version in turn, and each figure's least of the two: a
            # machine that slows down or speeds up during the bench favours neither.
            old: dict[str, float] = {}
            new: dict[str, float] = {}
            for _round in range(ROUNDS):
                for tree, name, kept in ((before, "before", old), (ROOT, "now", new)):
                    for figure, seconds in figures(tree, folder, name, data[name]).items():
                        kept[figure] = min(seconds, kept.get(figure, seconds))
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(before)], cwd=ROOT, check=False
            )
    print(f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; before = {revision}")
    for name, seconds in new.items():
        if name in old:
            report(name, seconds, "before", old[name], ratio_target=1.0)


if __name__ == "__main__":
    main(sys.argv[1:])
