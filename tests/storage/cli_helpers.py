"""Run this area's sub-commands through the real parser code, capturing output."""

from __future__ import annotations

import argparse
import importlib

from reviewdesk.cli.main import run

MODULES = ("reviewdesk.cli.backup_cmd", "reviewdesk.cli.audit_cmd")


def cli(target, *argv: str) -> int:
    """`reviewdesk --db TARGET ARGV...` with only the storage commands registered."""
    parser = argparse.ArgumentParser(prog="reviewdesk")
    parser.add_argument("--db")
    sub = parser.add_subparsers(dest="command")
    for name in MODULES:
        importlib.import_module(name).register(sub)
    args = parser.parse_args(["--db", str(target), *argv])
    return run(args)
