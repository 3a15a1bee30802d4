"""A LAC review's written consultation recorded as sent (`record_consultation_sent`): the day
the "consultation not sent in time" flag reads."""

from __future__ import annotations

import datetime as dt

import pytest

from reviewdesk import actions
from reviewdesk.errors import InvalidInput
from reviewdesk.flags import compute_flags
from reviewdesk.storage.locking import ConcurrentChange
from reviewdesk.storage.models import Meeting
from tests.ui.sample import AS_OF, fill_sample

D = dt.date


def _late(db, child_id: int) -> list[str]:
    with db.session() as s:
        flags = compute_flags(s, as_of=AS_OF, child_ids=[child_id])
    return [f.reason for f in flags if f.code == "consultation_late"]


def _version(db, meeting_id: int) -> int:
    with db.session() as s:
        return s.get(Meeting, meeting_id).version


def test_sent_in_time_clears_the_flag_late_says_so_and_none_brings_it_back(db) -> None:
    ids = fill_sample(db)
    me, review = actions.whoami(db), ids["zoe_first"]  # LAC review 1 on 11/04/2024
    assert _late(db, ids["zoe"]) == [
        "Consultation for the LAC review 1 on 11/04/2024 was due to be sent by 26/03/2024 "
        "and has not been"
    ]
    for sent, words in (
        (D(2024, 3, 20), []),
        (
            D(2024, 3, 28),
            [
                "Consultation for the LAC review 1 on 11/04/2024 was sent on 28/03/2024, "
                "after the deadline 26/03/2024"
            ],
        ),
        (None, _late(db, ids["zoe"])),
    ):
        actions.record_consultation_sent(
            db, me, review, sent, expected_version=_version(db, review)
        )
        assert _late(db, ids["zoe"]) == words


def test_a_date_after_the_meeting_or_an_old_version_is_refused(db) -> None:
    ids = fill_sample(db)
    me, review = actions.whoami(db), ids["zoe_first"]
    version = _version(db, review)
    with pytest.raises(InvalidInput, match="12/04/2024 is after the meeting"):
        actions.record_consultation_sent(db, me, review, D(2024, 4, 12), expected_version=version)
    actions.record_consultation_sent(db, me, review, D(2024, 3, 20), expected_version=version)
    with pytest.raises(ConcurrentChange):
        actions.record_consultation_sent(db, me, review, D(2024, 3, 21), expected_version=version)
    with db.session() as s:
        assert s.get(Meeting, review).consultation_sent == D(2024, 3, 20)
