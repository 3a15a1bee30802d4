"""One reading of the whole register per as-of date, shared by the pages that need it.

The case list's "Next due" column and the dashboard's flags both start from
``reviewdesk.casework.load_case_data`` (the engine over every open case). Reading it once and
sharing it halves the work on a large register, and keeps the two pages consistent. Safe to
call from worker threads: the second caller waits for the first one's result.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import Any

from ui.context import AppContext, optional_module


@dataclass(frozen=True)
class Snapshot:
    as_of: dt.date
    next_dues: dict[int, dt.date]
    flags: list[Any] | None  # reviewdesk.flags.Flag, None when flags are not installed


_lock = threading.Lock()
_cache: dict[tuple, Snapshot] = {}


def case_snapshot(ctx: AppContext) -> Snapshot | None:
    """The shared snapshot for ``ctx`` (its database, as-of date and data version); None
    when ``reviewdesk.casework`` is not installed."""
    casework = optional_module("reviewdesk.casework")
    if casework is None or not hasattr(casework, "load_case_data"):
        return None
    key = (ctx.db.url, id(ctx.db), ctx.as_of, ctx.data_version)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            return found
        flags_module = optional_module("reviewdesk.flags")
        with ctx.db.session() as s:
            data = casework.load_case_data(s, as_of=ctx.as_of, open_only=True)
            flags = None
            if flags_module is not None and hasattr(flags_module, "flags_from_data"):
                flags = flags_module.flags_from_data(s, data)
        dues = {cid: st.next_due.due.date for cid, st in data.statuses.items() if st.next_due}
        snapshot = Snapshot(ctx.as_of, dues, flags)
        _cache.clear()  # only the latest is worth keeping
        _cache[key] = snapshot
        return snapshot
