"""One reading of the whole register per as-of date, shared by the pages that need it.

The case list's "Next due" column and the dashboard's tiles both come from
`reviewdesk.dashboard.read_snapshot` (the flags' reading of every open case). Reading it once
and sharing it halves the work on a large register and keeps the two pages consistent. Safe
to call from worker threads: the second caller waits for the first one's result.

After an action that changed only some children's cases (its `Changes`), the snapshot is
brought up to date from the one before by working out those children again
(`reviewdesk.dashboard.update_snapshot`, milliseconds), not the whole register (seconds).
"""

from __future__ import annotations

import gc
import threading

from reviewdesk.actions import CASE_KINDS, WORD_LIST_KINDS, Changes
from reviewdesk.dashboard import Snapshot, read_snapshot, read_updated_snapshot
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
        snapshot = _updated(ctx, key) or worker_process.call(read_snapshot, ctx.db, ctx.as_of)
        _cache.clear()  # only the latest is worth keeping
        _cache[key] = snapshot
        # What the window keeps for the session is in by now: left out of the collector's
        # full passes, which went through every object the window holds (0.11 s at 100,000
        # children) and held the UI thread up at random moments.
        gc.freeze()
        return snapshot


def _updated(ctx: AppContext, key: tuple) -> Snapshot | None:
    """The snapshot kept for an earlier data version brought up to date, when every change
    since names the children it changed and nothing else, or changed only word lists (which
    no figure reads); else None."""
    if not _cache:
        return None
    (*before_key, version), before = next(iter(_cache.items()))
    if before_key != list(key[:-1]) or version >= key[-1]:
        return None
    logged = dict(ctx.change_log)
    children: set[int] = set()
    for v in range(version + 1, key[-1] + 1):
        changes = logged.get(v)
        if changes is None:
            return None
        if only_word_lists(changes):
            continue
        if not only_children(changes):
            return None
        children |= changes.children
    return read_updated_snapshot(ctx.db, before, children) if children else before


def only_children(changes: Changes) -> bool:
    """Whether ``changes`` are to the cases of the children it names and nothing else."""
    return (
        not changes.everything
        and bool(changes.children)
        and changes.kinds - {"audit_log"} <= CASE_KINDS
    )


def only_word_lists(changes: Changes) -> bool:
    """Whether ``changes`` are to word lists alone (`reviewdesk.actions.WORD_LIST_KINDS`)."""
    return not changes.everything and changes.kinds - {"audit_log"} <= WORD_LIST_KINDS
