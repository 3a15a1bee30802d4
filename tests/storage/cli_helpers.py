"""Run `reviewdesk --db TARGET ...` through the real command line: in-process (`cli`), or
as a process of its own with an environment of the test's choosing (`cli_process`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from reviewdesk.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def cli(target, *argv: str) -> int:
    return main(["--db", str(target), *argv])


def cli_process(target: str, *argv: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """``python -m reviewdesk --db TARGET ARGV...`` with ``env`` on top of this process's
    environment; its output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "reviewdesk", "--db", str(target), *argv],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
