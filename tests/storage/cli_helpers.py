"""Run `reviewdesk --db TARGET ...` in-process through the real command line."""

from __future__ import annotations

from reviewdesk.cli.main import main


def cli(target, *argv: str) -> int:
    return main(["--db", str(target), *argv])
