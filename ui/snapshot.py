"""One reading of the whole register per as-of date, shared by the pages that need it.

The case list's "Next due" column and the dashboard's flags both start from
``reviewdesk.casework.load_case_data`` (the engine over every open case). Reading it once and
sharing it halves the work on a large register, and keeps the two pages consistent. Safe to
call from worker threads: the second caller waits for the first one's result.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from reviewdesk.storage.db import Database
from ui import worker_process
from ui.context import AppContext

#: Which flag codes (``reviewdesk.flags.FLAG_TYPES``) each dashboard tile counts, by child.
TILE_CODES: dict[str, frozenset[str]] = {
    "overdue": frozenset({"overdue"}),
    "due_soon_unbooked": frozenset({"due_soon_unbooked"}),
    "late_reports": frozenset({"report_overdue", "report_late", "report_not_shared"}),
    "minutes_overdue": frozenset({"minutes_overdue", "decisions_overdue"}),
    "out_of_timescale_month": frozenset({"overdue", "booked_after_due", "late_no_reason"}),
}


def tile_children(flags: Iterable[Any], as_of: dt.date) -> dict[str, frozenset[int]]:
    """The children behind each dashboard tile; "out of timescale this month" counts only
    flags dated in the as-of month."""
    month = (as_of.year, as_of.month)
    children: dict[str, set[int]] = {key: set() for key in TILE_CODES}
    for flag in flags:
        if flag.child_id is None:
            continue
        for key, codes in TILE_CODES.items():
            if flag.code not in codes:
                continue
            if key == "out_of_timescale_month" and (
                flag.date is None or (flag.date.year, flag.date.month) != month
            ):
                continue
            children[key].add(flag.child_id)
    return {key: frozenset(ids) for key, ids in children.items()}


@dataclass(frozen=True)
class Snapshot:
    """What the pages keep from one reading: small (ids and dates), so that the millions of
    objects behind it are freed in the worker thread, not later on the UI thread."""

    as_of: dt.date
    next_dues: dict[int, dt.date]
    tiles: dict[str, frozenset[int]] | None  # None when flags are not installed


_lock = threading.Lock()
_cache: dict[tuple, Snapshot] = {}


def case_snapshot(ctx: AppContext) -> Snapshot | None:
    """The shared snapshot for ``ctx`` (its database, as-of date and data version); None
    when ``reviewdesk.casework`` is not installed. Worked out in the worker process when the
    application uses one (`ui.worker_process`)."""
    key = (ctx.db.url, id(ctx.db), ctx.as_of, ctx.data_version)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            return found
        snapshot = worker_process.call(read_snapshot, ctx.db, ctx.as_of)
        _cache.clear()  # only the latest is worth keeping
        _cache[key] = snapshot
        return snapshot


def read_snapshot(db: Database, as_of: dt.date) -> Snapshot:
    """Read the register and work out the next due dates and the flags' tiles (any thread
    or process: no widgets)."""
    from reviewdesk.flags import flag_register, flags_from_register

    with db.session() as s:
        data = flag_register(s, as_of=as_of)  # reads only recent meetings: the same dues
        flags = flags_from_register(data)
        tiles = tile_children(flags, as_of)
        del flags  # freed here, off the UI thread
    dues = {cid: st.next_due.due.date for cid, st in data.statuses.items() if st.next_due}
    del data
    return Snapshot(as_of, dues, tiles)
