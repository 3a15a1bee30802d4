"""`reviewdesk calendar`: working-day arithmetic from the command line."""

from __future__ import annotations

import argparse

from reviewdesk.cli.args import date, whole_number
from reviewdesk.errors import InvalidInput
from reviewdesk.vocabulary import format_uk, format_uk_long
from reviewdesk.workingdays import REGIONS, WorkingCalendar

#: More working days than the calendar holds (about 80 years of them), either way.
MAX_WORKING_DAYS = 25_000
_whole = whole_number(-(10**9), 10**9)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("calendar", help="working days: add, count, bank holidays")
    commands = parser.add_subparsers(dest="calendar_command", metavar="ACTION", required=True)

    def region_option(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--region",
            choices=list(REGIONS),
            default="england-and-wales",
            help="whose bank holidays count (default england-and-wales)",
        )

    add = commands.add_parser("add", help="the date N working days after (or before) DATE")
    add.add_argument("date", metavar="DATE", help="dd/mm/yyyy; day 0 of the count")
    add.add_argument(
        "n",
        metavar="N",
        type=whole_number(-MAX_WORKING_DAYS, MAX_WORKING_DAYS, "a whole number of working days"),
        help="working days; negative counts back",
    )
    region_option(add)
    add.set_defaults(handler=_add)

    between = commands.add_parser(
        "between", help="working days after the first date up to and including the second"
    )
    between.add_argument("start", metavar="DATE")
    between.add_argument("end", metavar="DATE")
    region_option(between)
    between.set_defaults(handler=_between)

    hols = commands.add_parser("holidays", help="the bank holidays of a year")
    hols.add_argument("year", metavar="YEAR", type=_whole)
    region_option(hols)
    hols.set_defaults(handler=_holidays)


def _calendar(args: argparse.Namespace) -> WorkingCalendar:
    return WorkingCalendar(args.region)


def _add(args: argparse.Namespace) -> int:
    start = date(args.date, "DATE")
    cal = _calendar(args)
    try:
        result = cal.add_working_days(start, args.n)
    except InvalidInput:
        raise InvalidInput(
            f"N: {args.n} working days from {format_uk(start)} would fall outside the "
            "calendar's range (1985 to 2065)"
        ) from None
    print(format_uk(result))
    direction = "after" if args.n >= 0 else "before"
    print(
        f"{format_uk_long(result)}: {abs(args.n)} working days {direction} {format_uk_long(start)}"
    )
    skipped = cal.days_off_between(start, result)
    if skipped:
        print("skipping " + ", ".join(f"{name} ({format_uk_long(d)})" for d, name in skipped))
    return 0


def _between(args: argparse.Namespace) -> int:
    start, end = date(args.start, "first DATE"), date(args.end, "second DATE")
    print(_calendar(args).working_days_between(start, end))
    return 0


def _holidays(args: argparse.Namespace) -> int:
    cal = _calendar(args)
    if not 1990 <= args.year <= 2060:
        raise InvalidInput(f"YEAR: {args.year} is outside the calendar's range (1990 to 2060)")
    for day, name in cal.holidays(args.year):
        print(f"{format_uk_long(day)}  {name}")
    return 0
