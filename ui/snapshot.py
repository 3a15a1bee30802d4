"""One reading of the whole register per as-of date, shared by the pages that need it.

The case list's "Next due" column and the dashboard's tiles both come from
`reviewdesk.dashboard.read_snapshot` (the flags' reading of every open case). Reading it once
and sharing it halves the work on a large register and keeps the two pages consistent. Safe
to call from worker threads: the second caller waits for the first one's result.
"""

from __future__ import annotations

import threading

from reviewdesk.dashboard import Snapshot, read_snapshot
from ui import worker_process
from ui.context import AppContext

_lock = threading.Lock()
_cache: dict[tuple, Snapshot] = {}


def case_snapshot(ctx: AppContext) -> Snapshot:
    """The shared snapshot for ``ctx`` (its database, as-of date and data version), worked out
    in the worker process when the application uses one (`ui.worker_process`)."""
    key = (ctx.db.url, id(ctx.db), ctx.as_of, ctx.data_version)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            return found
        snapshot = worker_process.call(read_snapshot, ctx.db, ctx.as_of)
        _cache.clear()  # only the latest is worth keeping
        _cache[key] = snapshot
        return snapshot
