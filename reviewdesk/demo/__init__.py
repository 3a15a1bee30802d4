"""A synthetic authority to try reviewdesk with (the demo action,
`reviewdesk.actions.create_demo`, writes it).

The demo is like the authority described in docs/domain.md ("A realistic authority"): about 480
children looked after and 420 on child protection plans by default, 11 IROs (9.8 FTE), three
years of history held on the statutory timetable, bookings for the weeks ahead, a few late
meetings with real reasons, and names with accents. The same seed and as-of date always give
the same rows. This package only makes rows; it hands them to the `BulkInserter` it is given.
"""

from __future__ import annotations

import datetime as dt
from random import Random

from reviewdesk.demo.generator import (
    TABLE_ORDER,
    CaseGenerator,
    DemoSummary,
    Progress,
    generate_cases,
    split_targets,
)
from reviewdesk.demo.organisation import (
    DEFAULT_CHILDREN,
    DEMO_ADMINISTRATOR,
    Organisation,
    build_organisation,
    closure_days,
)
from reviewdesk.demo.oversight import TABLES as OVERSIGHT_TABLES
from reviewdesk.demo.oversight import add_oversight
from reviewdesk.demo.timing import Timescales
from reviewdesk.errors import InvalidInput, ReviewdeskError
from reviewdesk.rules import RuleSet
from reviewdesk.storage.bulk import BulkInserter
from reviewdesk.workingdays import WorkingCalendar

__all__ = [
    "CASE_TABLES",
    "DEFAULT_CHILDREN",
    "DEMO_ADMINISTRATOR",
    "DatabaseNotEmpty",
    "DemoSummary",
    "MAX_CHILDREN",
    "ORG_TABLES",
    "TABLE_ORDER",
    "check_request",
    "closure_days",
    "generate_cases_into",
    "organisation",
]

MAX_CHILDREN = 250_000

#: Tables the demo fills, children first; ``replace`` empties them in the reverse order.
CASE_TABLES = (
    *OVERSIGHT_TABLES,
    "pack_delivery",
    "report_file",
    "child_professional",
    "report",
    "invitee",
    "person",
    "meeting_part",
    "meeting",
    "cp_plan",
    "cp_enquiry",
    "episode",
    "period_of_care",
    "child",
    "professional",
)
ORG_TABLES = ("room", "venue", "staff", "team", "locality")


class DatabaseNotEmpty(ReviewdeskError):
    """The database already holds children; the demo would mix with real records."""

    exit_code = 2  # the database given is not one the demo can go in


def check_request(children: int | None, as_of: dt.date | None) -> int:
    """The number of open cases asked for, or InvalidInput. ``as_of`` (the day the history
    runs up to) is required, so the same arguments always give the same rows."""
    if as_of is None:
        raise InvalidInput("as_of: the demo needs the date its history runs up to")
    total = DEFAULT_CHILDREN if children is None else children
    if not 1 <= total <= MAX_CHILDREN:
        raise InvalidInput(f"children: {total} is not a number from 1 to {MAX_CHILDREN:,}")
    return total


def organisation(
    rng: Random, total: int, next_id: dict[str, int], usernames: set[str], runner: str
) -> Organisation:
    """Teams, staff, venues, rooms and users for ``total`` open cases; ``runner`` (who makes
    the demo) stays an administrator."""
    return build_organisation(rng, total / DEFAULT_CHILDREN, next_id, usernames, runner=runner)


def generate_cases_into(
    writer: BulkInserter,
    *,
    rng: Random,
    total: int,
    as_of: dt.date,
    rules: RuleSet,
    calendar: WorkingCalendar,
    org: Organisation,
    late_reasons: dict[str, int],
    next_id: dict[str, int],
    summary: DemoSummary,
    progress: Progress | None = None,
) -> CaseGenerator:
    """Generate every case, handing the rows to ``writer``; returns the generator (its
    counts go into the summary)."""
    generator = CaseGenerator(
        rng=rng,
        as_of=as_of,
        scale=total / DEFAULT_CHILDREN,
        timescales=Timescales(rules, calendar),
        org=org,
        late_reasons=late_reasons,
        next_id=next_id,
        writer=writer,
        summary=summary,
    )
    open_lac, open_cp = split_targets(total)
    generate_cases(generator, open_lac, open_cp, progress)
    writer.flush()
    add_oversight(writer, rng=rng, as_of=as_of, rules=rules, calendar=calendar)
    return generator
