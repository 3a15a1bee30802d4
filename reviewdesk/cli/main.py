"""The `reviewdesk` command line: global options, sub-commands, and no tracebacks.

Each sub-command lives in its own module under `reviewdesk.cli` with a ``register(subparsers)``
function that adds its parser and sets ``handler`` to a function ``(args) -> int``.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import os
import re
import sys
from collections.abc import Sequence

from sqlalchemy.exc import DBAPIError

from reviewdesk import __version__
from reviewdesk.errorlog import write_log
from reviewdesk.errors import InvalidInput, ReviewdeskError
from reviewdesk.storage import locking

# Modules that add sub-commands, in the order their commands appear in --help.
COMMAND_MODULES: tuple[str, ...] = (
    "reviewdesk.cli.calendar_cmd",
    "reviewdesk.cli.rules_cmd",
    "reviewdesk.cli.overrides_cmd",
    "reviewdesk.cli.demo_cmd",
    "reviewdesk.cli.import_cmd",
    "reviewdesk.cli.backup_cmd",
    "reviewdesk.cli.audit_cmd",
    "reviewdesk.cli.users_cmd",
    "reviewdesk.cli.server_cmd",
    "reviewdesk.cli.flags_cmd",
    "reviewdesk.cli.teams_cmd",
    "reviewdesk.cli.export_cmd",
    "reviewdesk.cli.report_cmd",
    "reviewdesk.cli.oversight_cmd",
    "reviewdesk.cli.invites_cmd",
)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr, in plain UK English
    (`plain_words`), and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {plain_words(message)}\n")
        raise SystemExit(2)


#: argparse's refusals of the command line as a whole, and what a person reads instead.
_WHOLE = (
    (re.compile(r"unrecognized arguments: (?P<x>.*)", re.S), "unrecognised arguments: {x}"),
    (re.compile(r"the following arguments are required: (?P<x>.*)", re.S), "missing: {x}"),
    (re.compile(r"one of the arguments (?P<x>.*) is required", re.S), "missing: one of {x}"),
    (
        re.compile(r"ambiguous option: (?P<x>\S+) could match (?P<y>.*)", re.S),
        '"{x}" could be any of {y}; give it in full',
    ),
)
#: argparse's refusals of one option or argument ("argument --as-of: <this>").
_ONE = (
    (re.compile(r"expected one argument"), "no value given"),
    (re.compile(r"expected at most one argument"), "give at most one value"),
    (re.compile(r"expected at least one argument"), "give at least one value"),
    (re.compile(r"expected (?P<x>\d+) arguments?"), "give {x} values"),
    (re.compile(r"not allowed with argument (?P<x>.*)", re.S), "cannot be given with {x}"),
    (re.compile(r"ignored explicit argument (?P<x>.*)", re.S), "takes no value ({value} given)"),
    (re.compile(r"invalid int value: (?P<x>.*)", re.S), "{value} is not a whole number"),
    (re.compile(r"invalid float value: (?P<x>.*)", re.S), "{value} is not a number"),
    (re.compile(r"invalid \w+ value: (?P<x>.*)", re.S), "{value} will not do here"),
    (
        re.compile(r"invalid choice: (?P<x>.*?) \(choose from (?P<y>.*)\)", re.S),
        "{value} is not one of {choices}",
    ),
)


def plain_words(message: str) -> str:
    """argparse's message in plain UK English: "unrecognised arguments: x", "missing:
    --from", '--region: "wales" is not one of england-and-wales, ...'. A message of ours (an
    option's own check) is kept as it is, after the option's name."""
    for pattern, words in _WHOLE:
        if match := pattern.fullmatch(message):
            return words.format(**match.groupdict())
    name, sep, said = message.partition(": ")
    if not sep or not name.startswith("argument "):
        return message
    name = name.removeprefix("argument ")
    for pattern, words in _ONE:
        if match := pattern.fullmatch(said):
            found = match.groupdict()
            x = found.get("x") or ""
            return f"{name}: " + words.format(
                x=x, value=_quoted(x), choices=_listed(found.get("y") or "")
            )
    return f"{name}: {said}"


def _unrepr(text: str) -> str:
    """A value as argparse showed it ('wales', with Python's quotes) as typed: wales."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        try:
            return str(ast.literal_eval(text))
        except (ValueError, SyntaxError):
            pass
    return text


def _quoted(text: str) -> str:
    return f'"{_unrepr(text)}"'


def _listed(text: str) -> str:
    """argparse's list of choices ('a', 'b') as words: a, b."""
    return ", ".join(_unrepr(part) for part in text.split(", ")) if text else ""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="reviewdesk",
        description="Statutory reviews and child protection conferences: due dates, flags, "
        "scheduling and packs. With no command, opens the desktop window.",
    )
    parser.add_argument("--version", action="version", version=f"reviewdesk {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        default=os.environ.get("REVIEWDESK_DB"),
        help="database: a SQLite file path or a postgresql+psycopg:// URL "
        "(default: $REVIEWDESK_DB, else the SQLite file in your data folder)",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="open the database, build the main window offscreen and exit (for checks)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run a parsed sub-command, turning any failure into one line on stderr."""
    try:
        return int(args.handler(args) or 0)
    except InvalidInput as exc:
        sys.stderr.write(f"reviewdesk: error: {exc}\n")
        return 2
    except ReviewdeskError as exc:
        sys.stderr.write(f"reviewdesk: error: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("reviewdesk: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except DBAPIError as exc:
        if locking.is_lock_wait(exc):  # (reviewdesk's own engines say whose lock: `Locked`)
            sys.stderr.write(f"reviewdesk: error: {locking.locked_message([])}\n")
            return 1
        sys.stderr.write(f"reviewdesk: error: the database refused this: {_first_line(exc)}\n")
        return 1
    except Exception as exc:  # noqa: BLE001 - the last guard: never a traceback for a user
        if os.environ.get("REVIEWDESK_DEBUG"):
            raise
        # The details go to the error log, not the screen: an unexpected error's own words
        # can be a programmer's (a key, a value from a record) and mean nothing to a person.
        path = write_log(type(exc), exc, exc.__traceback__)
        where = f"the details are in {path}" if path else "set REVIEWDESK_DEBUG=1 to see why"
        sys.stderr.write(
            "reviewdesk: error: the command stopped on a problem it did not expect and did "
            f"not finish; {where}\n"
        )
        return 1


def _first_line(exc: BaseException) -> str:
    """What an exception says, in one line (a driver's own message for database errors)."""
    inner = getattr(exc, "orig", None) or exc
    lines = str(inner).strip().splitlines()
    return lines[0] if lines else "no message"


def main(argv: Sequence[str] | None = None) -> int:
    """Headless entry point (``python -m reviewdesk``). The window is started by `ui.launcher`."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # a refused argument (2), or --help / --version (0)
        return exc.code if isinstance(exc.code, int) else 0
    if args.command is None:
        parser.print_help()
        return 0
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
