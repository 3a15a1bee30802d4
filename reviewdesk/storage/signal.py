"""The change signal: how an open window learns that someone else changed the data.

Every change reaches the database through the door (`reviewdesk.actions`), an import or a
restore, and each writes audit entries; a trigger on the audit trail bumps the one row of
``change_signal`` (migration 0011), committed with the change itself. An export's or a
backup's entry does not: they change no data, and every open window would read the register
again for nothing. A window reads the
row every few seconds (`read_signal`: one primary-key lookup, well under a millisecond on
SQLite and on a server nearby) and, when it has moved, reads its pages again.

The same trigger writes the change feed (``change_feed``, migration 0012): for each kind of
record (the entry's table) and child, the counter of the last transaction that changed it.
A window that saw the signal at ``seen`` reads the feed's rows above it (`read_feed`) and
refreshes only those children (`reviewdesk.actions.others_changes` says what to refresh),
where it read the whole register again. The feed keeps the last 10,000 counters' changes
or more (``feed_since``: everything above it is there); a window further behind, or one
that finds the signal gone back or reset (a restored file), reads everything, as before.

The audit trail cannot serve: on a shared server IROs may not read it. Every login may read
the signal and the feed (on a server, the feed's rows of the children it may read), none may
write them (`reviewdesk.storage.server`), so no one can make the others' windows refresh, or
stop them refreshing, except by changing data.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import Engine, select

from reviewdesk.storage.models import ChangeFeed, ChangeSignal


class Signal(NamedTuple):
    """Where the signal stands. Compare whole values: a file restored from a backup may
    bring back a counter already seen, never with the same time."""

    counter: int
    changed_at: dt.datetime | None


#: What `read_signal` gives for a database that has no signal yet (older than 0011).
NO_SIGNAL = Signal(0, None)

_QUERY = select(ChangeSignal.counter, ChangeSignal.changed_at).where(ChangeSignal.id == 1)


def read_signal(engine: Engine) -> Signal:
    """The signal now: a plain connection and one row, without a session (nothing to track
    or commit), so that polling costs the database next to nothing."""
    with engine.connect() as conn:
        row = conn.execute(_QUERY).first()
    return NO_SIGNAL if row is None else Signal(int(row.counter), row.changed_at)


#: A change the feed names: its kind of record (a table's name) and its child (None: a
#: record of no child, such as a member of staff, a setting, an import or a restore).
Changed = tuple[str, int | None]


def read_feed(
    engine: Engine, seen: Signal, now: Signal, *, limit: int
) -> frozenset[Changed] | None:
    """What changed after the signal stood at ``seen``, up to ``now`` (a reading made
    after it) and perhaps a little beyond: the (kind, child) of every change, or None when
    the feed cannot say: the signal went back or was reset since (a restored file, a
    database older than the feed), the feed no longer reaches back to ``seen`` (pruned),
    or more than ``limit`` rows changed (reading them would cost more than it saves).

    Complete: each transaction's rows are committed with its bump of the signal, and a row
    only ever moves to a later counter, so every change above ``seen`` is in a row above it
    (a change made after ``now`` may be in too: shown early, and again after the next move).
    The rows first, then how far back the feed reaches: a pruning committed in between is
    then seen (on PostgreSQL each statement reads what is committed when it starts)."""
    if seen == now:
        return frozenset()
    if seen.changed_at is None or now.counter <= seen.counter:
        # No signal then; or gone back, or the same counter at another time (a restore).
        return None
    with engine.connect() as conn:
        rows = conn.execute(
            select(ChangeFeed.kind, ChangeFeed.child_id)
            .where(ChangeFeed.counter > seen.counter)
            .limit(limit + 1)
        ).all()
        since = conn.execute(select(ChangeSignal.feed_since).where(ChangeSignal.id == 1)).scalar()
    if since is None or since > seen.counter or len(rows) > limit:
        return None
    return frozenset((kind, child or None) for kind, child in rows)


__all__ = ["NO_SIGNAL", "Changed", "Signal", "read_feed", "read_signal"]
