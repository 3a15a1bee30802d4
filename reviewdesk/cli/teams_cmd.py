"""`reviewdesk teams [--as-of DATE] [--csv]`: each social work team's week, as the Workload
page and the printed workload list give it (`reviewdesk.workload.team_workload`)."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys

from reviewdesk.cli.args import date
from reviewdesk.safefiles import neutralise_cell
from reviewdesk.storage.db import open_database
from reviewdesk.vocabulary import format_uk, week_start
from reviewdesk.workload import (
    NO_TEAMS,
    TEAM_HEADINGS,
    TEAM_SHORT_HEADINGS,
    TeamWorkload,
    no_teams_set_up,
    team_workload,
    teams_total,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    words = (
        "each social work team's week: meetings, children overdue a meeting, late reports "
        "to chase (as on the Workload page)"
    )
    parser = subparsers.add_parser("teams", help=words, description=words[0].upper() + words[1:])
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        help="the date the position is taken on (dd/mm/yyyy; default today)",
    )
    parser.add_argument(
        "--csv", action="store_true", help="comma-separated values with a header row, to read in"
    )
    parser.set_defaults(handler=_teams)


def _teams(args: argparse.Namespace) -> int:
    as_of = date(args.as_of, "--as-of") if args.as_of else dt.date.today()
    db = open_database(args.db, create=False)
    try:
        with db.session() as session:
            teams = team_workload(session, as_of=as_of)
    finally:
        db.dispose()
    if args.csv:
        _write_csv(teams)
    else:
        _write_table(teams, as_of)
    return 0


def _write_csv(teams: list[TeamWorkload]) -> None:
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["Team", "Team manager", *TEAM_HEADINGS])
    if no_teams_set_up(teams):  # for a person (the rows, if any, are the children's with no team)
        sys.stderr.write(NO_TEAMS + "\n")
    for t in teams:  # names made safe from formula injection, as every export's cells are
        out.writerow([neutralise_cell(t.team_name), neutralise_cell(t.manager_name), *t.figures])


def _write_table(teams: list[TeamWorkload], as_of: dt.date) -> None:
    monday = week_start(as_of)
    print(
        f"Social work teams: meetings in the week {format_uk(monday)} to "
        f"{format_uk(monday + dt.timedelta(days=6))}; overdue and late reports on "
        f"{format_uk(as_of)}"
    )
    if no_teams_set_up(teams):  # a line saying so, over the children with no team's figures
        print(NO_TEAMS)
    if not teams:
        return
    rows = [(t.team_name, t.manager_name or "-", *(str(v) for v in t.figures)) for t in teams]
    if len(teams) > 1:  # as the page and the printed list add them up
        rows.append(("All teams", "", *(str(v) for v in teams_total(teams))))
    header = ("Team", "Team manager", *TEAM_SHORT_HEADINGS)
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        pairs = enumerate(zip(cells, widths, strict=True))
        return "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in pairs).rstrip()

    print(line(header))
    for row in rows:
        print(line(row))
    print(
        "Overdue: children overdue a meeting. Late reports: reports to chase for meetings "
        "still to come,\nnot received by the deadline (Not received) or not shared with the "
        "parents in time (Not shared)."
    )
