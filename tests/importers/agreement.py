"""What reviewdesk answers after an import, compared with the independent check (`oracle`).

An *answer* is a held meeting's verdict (in timescale or not) or an open case's next due
date. reviewdesk's answer is *wrong* when it is definite and differs from the check, when it
judges a meeting the data cannot judge, or when a meeting or a due date is missing or extra;
it is *unknown* when reviewdesk says it cannot be judged (and why). An unknown is right only
when the returns imported do not hold what it needs (`oracle.knowable`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from reviewdesk.casework.register import Register
from reviewdesk.codes import REVIEW_CONFERENCES, MeetingType
from reviewdesk.storage.db import Database
from tests.importers.histories import year_of
from tests.importers.oracle import Answer, Key, knowable

_REVIEWS = {t.value for t in REVIEW_CONFERENCES} | {MeetingType.LAC_REVIEW.value}


@dataclass
class SystemAnswers:
    #: Held meeting -> (in timescale or None, why unknown or None).
    held: dict[Key, tuple[bool | None, str | None]] = field(default_factory=dict)
    #: (child, process, due date) of each next meeting due.
    dues: set[tuple[str, str, dt.date]] = field(default_factory=set)
    #: (child, process) with an open case whose next due date cannot be known, and why.
    undetermined: dict[tuple[str, str], str] = field(default_factory=dict)


def system_answers(db: Database, as_of: dt.date) -> SystemAnswers:
    out = SystemAnswers()
    with db.session() as s:
        register = Register(s, as_of=as_of)
        statuses = register.statuses
        for m in register.meetings:
            if m.status != "held" or m.held_date is None or m.held_date > as_of:
                continue
            child = register.children[m.child_id].local_id
            status = statuses.get(m.child_id)
            t = status.meetings.get(m.id) if status else None
            unknown = getattr(status, "unknown", {}) if status else {}
            what = "review" if m.meeting_type in _REVIEWS else "initial"
            out.held[(child, m.process, what, m.held_date)] = (
                t.in_timescale if t is not None else None,
                unknown.get(m.id),
            )
        for child_id, status in statuses.items():
            child = register.children[child_id].local_id
            for process, schedule in (("lac", status.lac), ("cp", status.cp)):
                if schedule is None:
                    continue
                nexts = getattr(schedule, "nexts", None)
                if nexts is None:
                    nexts = [schedule.next_due] if schedule.next_due else []
                for n in nexts:
                    out.dues.add((child, process, n.due.date))
                for u in getattr(schedule, "undetermined", ()):
                    out.undetermined[(child, process)] = u.reason
    return out


@dataclass
class Agreement:
    answers: int = 0
    wrong: list[tuple[object, ...]] = field(default_factory=list)
    unknown: int = 0
    #: Said unknown, though the returns imported hold what it needs.
    needless_unknown: list[tuple[object, ...]] = field(default_factory=list)
    #: Said unknown with no reason given.
    unexplained: list[tuple[object, ...]] = field(default_factory=list)


def compare(
    oracle: tuple[dict[Key, Answer], set[tuple[str, str, dt.date]]],
    system: SystemAnswers,
    years: set[int],
) -> Agreement:
    """How reviewdesk's answers after importing the returns of ``years`` compare with the
    check's (meetings held in other years are not in the data, and not counted)."""
    answers, dues = oracle
    answers = {k: a for k, a in answers.items() if year_of(k[3]) in years}
    result = Agreement(answers=len(answers) + len(dues))
    for key, expected in answers.items():
        got = system.held.get(key)
        if got is None:
            result.wrong.append((key, "missing"))
            continue
        verdict, why = got
        if verdict is None:
            result.unknown += 1
            if not why:
                result.unexplained.append(key)
            if expected.in_timescale is not None and knowable(expected, key[3], years):
                result.needless_unknown.append((key, why))
        elif expected.in_timescale is None or verdict != expected.in_timescale:
            result.wrong.append((key, expected.in_timescale, verdict))
    for key in {k for k in system.held if year_of(k[3]) in years} - answers.keys():
        result.wrong.append((key, "extra"))
    for due in dues - system.dues:
        if (due[0], due[1]) in system.undetermined:
            result.unknown += 1
        else:
            result.wrong.append((due, "due date missing"))
    for due in system.dues - dues:
        result.wrong.append((due, "due date not in the history"))
    return result
