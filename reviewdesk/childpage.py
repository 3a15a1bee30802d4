"""What the child's page shows of a child as of a date, from one reading of the child's
record: who they are and their meetings, each named by its number (`queries.child_detail`),
and their due dates and what the data cannot judge (`casedues`), all from the same register,
so the names and the due dates are worked out once, on the same rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from reviewdesk.casedues import MeetingDue, NotJudged, children_dues, children_not_judged
from reviewdesk.casework.register import Register
from reviewdesk.queries import ChildDetail, child_detail
from reviewdesk.rules import RuleSet
from reviewdesk.workingdays import WorkingCalendar


@dataclass(frozen=True)
class ChildPage:
    """A child's page as of a date (see the module)."""

    detail: ChildDetail
    #: Every due date of the child's meetings, oldest first (`casedues.child_dues`).
    dues: list[MeetingDue]
    #: What the data cannot judge (a return not imported), with why.
    not_judged: list[NotJudged]


def child_page(
    session: Session,
    child_id: int,
    *,
    as_of: dt.date,
    rules: RuleSet | None = None,
    calendar: WorkingCalendar | None = None,
) -> ChildPage | None:
    """The child's page as of ``as_of`` from one read of the child's history (one
    `Register`); None when there is no such child."""
    register = Register(session, as_of=as_of, children=[child_id], rules=rules, calendar=calendar)
    detail = child_detail(session, child_id, as_of=as_of, register=register)
    if detail is None:
        return None
    return ChildPage(
        detail,
        children_dues(register, [child_id]).get(child_id, []),
        children_not_judged(register, [child_id]).get(child_id, []),
    )
