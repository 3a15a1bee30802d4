"""Checks on the command line's arguments, shared by the commands: dates the calendar covers,
whole numbers within bounds, and output files that are safe to write. Each refusal is one
line naming the option and the value (exit status 2)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

from reviewdesk.dates import parse_iso, parse_uk
from reviewdesk.errors import InvalidInput
from reviewdesk.safefiles import check_output
from reviewdesk.storage.backup import sqlite_path
from reviewdesk.storage.db import resolve_url
from reviewdesk.workingdays import FIRST_YEAR, LAST_YEAR


def date(text: str, option: str) -> dt.date:
    """A date within the working-day calendar's years, as people in England write it
    (dd/mm/yyyy, as the window shows it) or as scripts do (YYYY-MM-DD); or `InvalidInput`.
    ("10/12/2025" was refused for not being ISO: the dates every command prints are UK.)"""
    try:
        value = parse_uk(text, option) if "/" in text else parse_iso(text, option)
    except InvalidInput:
        raise InvalidInput(
            f'{option}: "{text}" is not a date; give it as dd/mm/yyyy (or YYYY-MM-DD)'
        ) from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise InvalidInput(
            f'{option}: "{text}" is outside the calendar\'s range ({FIRST_YEAR} to {LAST_YEAR})'
        )
    return value


def whole_number(low: int, high: int, what: str = "a whole number") -> Callable[[str], int]:
    """An argparse ``type``: a whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f'"{text}" is not {what}') from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f'"{text}" is not {what} from {low:,} to {high:,}')
        return value

    return parse


def output(args: argparse.Namespace, value: str | os.PathLike[str], option: str) -> Path:
    """The file an option names to write, checked before any work: not a folder, in a folder
    that exists, not the database given with --db (or any other in use), not in the data
    folder, not another database."""
    database = sqlite_path(resolve_url(args.db))
    return check_output(value, label=option, databases=[database] if database else [])
