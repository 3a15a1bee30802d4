"""One child's IRO oversight, as the child's page shows it: challenges, contacts, the
footprint since the last review, inquorate conferences and the child's voice at each review.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewdesk.casework.mapping import counted_label
from reviewdesk.casework.register import Register
from reviewdesk.codes import MeetingStatus
from reviewdesk.oversight.footprint import Footprint, footprint
from reviewdesk.oversight.records import (
    ContactView,
    EscalationView,
    InquorateView,
    VoiceView,
    contacts,
    escalation_views,
    inquorate_conferences,
    last_contacts,
    voices,
)
from reviewdesk.storage.models import Meeting


@dataclass(frozen=True)
class MeetingVoice:
    """A review or conference held, and how the child's views reached it."""

    meeting_id: int
    process: str
    label: str
    held: dt.date
    participation: str | None
    chair_id: int | None
    voice: VoiceView | None


@dataclass(frozen=True)
class ChildOversight:
    child_id: int
    as_of: dt.date
    escalations: tuple[EscalationView, ...]  # newest first
    contacts: tuple[ContactView, ...]  # newest first
    last_contact: dt.date | None
    footprint: Footprint | None  # None: not looked after, or before the first review
    inquorate: tuple[InquorateView, ...]
    meetings: tuple[MeetingVoice, ...]  # held, newest first

    @property
    def open_escalations(self) -> int:
        return sum(1 for e in self.escalations if e.is_open)

    @property
    def open_past_timescale(self) -> int:
        """Open challenges past their timescale (the flag escalation_past_timescale)."""
        return sum(1 for e in self.escalations if e.is_open and e.past_timescale)

    @property
    def open_answer_overdue(self) -> int:
        """Open challenges within their timescale whose stage's answer is overdue (the flags
        escalation_response_overdue and challenge_response_overdue)."""
        return sum(
            1
            for e in self.escalations
            if e.is_open and not e.past_timescale and e.overdue_stage() is not None
        )


def child_oversight(session: Session, child_id: int, *, as_of: dt.date) -> ChildOversight:
    """Everything the child's "IRO oversight" section shows, as things stood on ``as_of``."""
    register = Register(session, as_of=as_of, children=[child_id])
    status = register.statuses.get(child_id)
    seen = contacts(session, as_of=as_of, child_ids=[child_id])
    steps = footprint(
        status.lac.next_due if status is not None and status.lac is not None else None,
        seen,
        rules=register.rules,
        calendar=register.calendar,
        as_of=as_of,
    )
    held = session.execute(
        select(
            Meeting.id,
            Meeting.process,
            Meeting.meeting_type,
            Meeting.sequence,
            Meeting.status,
            Meeting.held_date,
            Meeting.participation,
            Meeting.chair_id,
        )
        .where(
            Meeting.child_id == child_id,
            Meeting.status == MeetingStatus.HELD.value,
            Meeting.held_date <= as_of,
        )
        .order_by(Meeting.held_date.desc(), Meeting.id.desc())
    ).all()
    found = voices(session, [m.id for m in held])
    meetings = tuple(
        MeetingVoice(
            m.id,
            m.process,
            # Numbered as the engine counts it (unnumbered when it cannot count it).
            counted_label(status, m, as_of),
            m.held_date,
            m.participation,
            m.chair_id,
            found.get(m.id),
        )
        for m in held
    )
    return ChildOversight(
        child_id=child_id,
        as_of=as_of,
        escalations=tuple(
            reversed(
                escalation_views(
                    session,
                    as_of=as_of,
                    rules=register.rules,
                    calendar=register.calendar,
                    child_ids=[child_id],
                )
            )
        ),
        contacts=tuple(seen),
        last_contact=last_contacts(session, as_of=as_of, child_ids=[child_id]).get(child_id),
        footprint=steps,
        inquorate=tuple(
            inquorate_conferences(
                session,
                as_of=as_of,
                rules=register.rules,
                calendar=register.calendar,
                child_ids=[child_id],
                register=register,
            )
        ),
        meetings=meetings,
    )


__all__ = ["ChildOversight", "MeetingVoice", "child_oversight"]
