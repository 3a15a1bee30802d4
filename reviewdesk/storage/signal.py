"""The change signal: how an open window learns that someone else changed the data.

Every change reaches the database through the door (`reviewdesk.actions`), an import or a
restore, and each writes audit entries; a trigger on the audit trail bumps the one row of
``change_signal`` (migration 0011), committed with the change itself. An export's or a
backup's entry does not: they change no data, and every open window would read the register
again for nothing. A window reads the
row every few seconds (`read_signal`: one primary-key lookup, well under a millisecond on
SQLite and on a server nearby) and, when it has moved, reads its pages again.

The audit trail cannot serve: on a shared server IROs may not read it. Every login may read
the signal, none may write it (`reviewdesk.storage.server`), so no one can make the others'
windows refresh, or stop them refreshing, except by changing data.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import Engine, select

from reviewdesk.storage.models import ChangeSignal


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


__all__ = ["NO_SIGNAL", "Signal", "read_signal"]
