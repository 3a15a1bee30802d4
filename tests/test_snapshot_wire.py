"""The snapshot's packed form (`reviewdesk.snapshot_wire`): what goes in comes back equal,
whatever the reasons hold, and a whole snapshot survives the trip with every reason."""

from __future__ import annotations

import datetime as dt
import pickle
import random

from reviewdesk.casework.mapping import DueNotKnown
from reviewdesk.dashboard import snapshot
from reviewdesk.snapshot_wire import pack_dues, pack_members, unpack_dues, unpack_members
from tests.actions.shortcuts import generate_demo

AS_OF = dt.date(2025, 12, 10)
ODD = ("", "Zoë Ó Briain", "a\x1eb\x00c", "🙂 ok", "line\nbreak", "x" * 5000)


def _members(rng: random.Random) -> dict:
    return {
        key: {
            rng.randint(1, 10**12): (
                rng.choice(("red", "amber", "info")),
                tuple(rng.choice(ODD) + str(n) for n in range(rng.randint(0, 4))),
            )
            for _ in range(rng.randint(0, 30))
        }
        for key in ("overdue", "double_booked", "empty")
    }


def test_members_come_back_equal_in_the_same_order() -> None:
    rng = random.Random(5)
    for _ in range(50):
        members = _members(rng)
        back = unpack_members(pickle.loads(pickle.dumps(pack_members(members))))
        assert back == members
        assert [list(who) for who in back.values()] == [list(who) for who in members.values()]


def test_dues_come_back_equal_dates_and_not_known() -> None:
    dues = {
        1: dt.date(2024, 4, 10),
        2: DueNotKnown(("Next LAC review: previous review not in the data",)),
        3: dt.date(1, 1, 1),
        4: dt.date(9999, 12, 31),
        10**12: dt.date(2024, 4, 10),
    }
    back = unpack_dues(pickle.loads(pickle.dumps(pack_dues(dues))))
    assert back == dues
    assert all(type(back[c]) is type(dues[c]) for c in dues)
    assert unpack_dues(pack_dues({})) == {}


def test_a_snapshot_travels_whole_with_every_reason(open_db) -> None:
    database = open_db()
    generate_demo(database, as_of=AS_OF, children=150, seed=4)
    with database.session() as s:
        snap = snapshot(s, as_of=AS_OF)
    back = pickle.loads(pickle.dumps(snap))
    assert back == snap
    assert back.double_bookings == snap.double_bookings and back.across == snap.across
    # Reasons do not take part in comparing tiles: check them one by one.
    assert any(tile.reasons for tile in snap.tiles.values())
    assert {k: t.reasons for k, t in back.tiles.items()} == {
        k: t.reasons for k, t in snap.tiles.items()
    }
    assert {k: (t.severity, t.ids) for k, t in back.tiles.items()} == {
        k: (t.severity, t.ids) for k, t in snap.tiles.items()
    }
