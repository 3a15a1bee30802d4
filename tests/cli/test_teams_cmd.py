"""`reviewdesk teams`: each social work team's week as text (or csv), the Workload page's
figures, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io

from reviewdesk.workload import NO_TEAMS, TEAM_HEADINGS, read_workload_counts, teams_total
from tests.actions.shortcuts import generate_demo
from tests.storage.cli_helpers import cli

D = dt.date


def test_each_teams_figures_are_the_workload_pages(db, db_target, capsys) -> None:
    """A team manager's week, scripted: one row a team, with the figures the Workload page
    shows (`read_workload_counts`, the page's reading), as a table and as csv."""
    as_of = D(2025, 12, 10)
    generate_demo(db, children=150, seed=11, as_of=as_of)
    page = read_workload_counts(db, as_of).teams
    assert len(page) >= 3 and any(t.not_received and t.not_shared for t in page)

    assert cli(db_target, "teams", "--as-of", "2025-12-10") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "Social work teams: meetings in the week 08/12/2025 to 14/12/2025; "
        "overdue and late reports on 10/12/2025"
    )
    assert lines[1].startswith("Team  ") and "Team manager" in lines[1]
    assert lines[1].endswith("Not received  Not shared")
    for team in page:
        (row,) = [line for line in lines if line.startswith(team.team_name + "  ")]
        assert team.manager_name in row
        assert row.split()[-5:] == [str(n) for n in team.figures], team.team_name
    # The title, the header, a row a team, every team added up as the page does, the key.
    assert len(lines) == 2 + len(page) + 1 + 2
    (total,) = [line for line in lines if line.startswith("All teams  ")]
    assert total.split()[-5:] == [str(n) for n in teams_total(page)]

    assert cli(db_target, "teams", "--as-of", "2025-12-10", "--csv") == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["Team", "Team manager", *TEAM_HEADINGS]
    assert rows[1:] == [[t.team_name, t.manager_name, *map(str, t.figures)] for t in page]


def test_with_no_team_set_up_it_says_so(db, db_target, reg, capsys) -> None:
    """No team set up: a line saying so, not a header over nothing; the children with no team
    keep their figures, under "No team"."""
    assert cli(db_target, "teams", "--as-of", "2024-04-17") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:] == [NO_TEAMS]
    assert cli(db_target, "teams", "--as-of", "2024-04-17", "--csv") == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [",".join(["Team", "Team manager", *TEAM_HEADINGS])]
    assert err.strip() == NO_TEAMS

    child = reg.child()
    reg.period(child, D(2024, 1, 8), iro_id=reg.staff())  # 1st review due 05/02/2024
    assert cli(db_target, "teams", "--as-of", "2024-04-17") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == NO_TEAMS
    assert lines[2].startswith("Team ")
    assert lines[3].split() == ["No", "team", "-", "0", "1", "0", "0", "0"]


def test_a_date_is_taken_as_people_write_it_and_one_that_is_not_is_one_line(
    db, db_target, capsys
) -> None:
    assert cli(db_target, "teams", "--as-of", "10/12/2025") == 0
    uk = capsys.readouterr().out
    assert cli(db_target, "teams", "--as-of", "2025-12-10") == 0
    assert capsys.readouterr().out == uk  # 10 December, not 12 October
    assert cli(db_target, "teams", "--as-of", "31/02/2025") == 2
    err = capsys.readouterr().err
    assert err == (
        'reviewdesk: error: --as-of: "31/02/2025" is not a date; give it as dd/mm/yyyy '
        "(or YYYY-MM-DD)\n"
    )


def test_a_team_named_like_a_formula_is_written_as_text(db, db_target, reg, capsys) -> None:
    """`teams --csv` wrote a team named "@SUM(1+1)" as it was, which a spreadsheet runs: it
    gets the apostrophe every export gives such text."""
    team = reg.team("@SUM(1+1)", manager_id=reg.staff('=HYPERLINK("x")', role="team_manager"))
    reg.period(reg.child(team_id=team), D(2024, 1, 8))
    assert cli(db_target, "teams", "--as-of", "2024-04-17", "--csv") == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[1][:2] == ["'@SUM(1+1)", '\'=HYPERLINK("x")']
