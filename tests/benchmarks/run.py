"""Run every benchmark (tests/benchmarks/bench_*.py) and print its figures.

Usage: python tests/benchmarks/run.py [NAME ...]   e.g. `run.py calendar flags`
Each benchmark is a script with main(); each prints lines of figures with their ratio to a
baseline measured in the same run, so results compare across machines.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def main(argv: list[str]) -> int:
    wanted = set(argv)
    scripts = sorted(HERE.glob("bench_*.py"))
    if wanted:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in wanted]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    failed = []
    for script in scripts:
        print(f"== {script.stem.removeprefix('bench_')}", flush=True)
        proc = subprocess.run([sys.executable, str(script)], cwd=ROOT, env=env)
        if proc.returncode != 0:
            failed.append(script.name)
    if failed:
        print("benchmarks that failed to run: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
