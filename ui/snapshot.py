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

import datetime as dt
import gc
import threading
from concurrent.futures import Future

from reviewdesk.actions import CASE_KINDS, WORD_LIST_KINDS, Changes
from reviewdesk.dashboard import (
    Snapshot,
    SnapshotPart,
    read_snapshot,
    read_snapshot_from_parts,
    read_snapshot_part,
    read_updated_snapshot,
)
from reviewdesk.storage.db import Database
from ui import worker_process
from ui.context import AppContext

#: Held while a reading is worked out (seconds): the second caller waits for the first's.
_lock = threading.Lock()
#: Held only to look at or change `_sent`, never while work is waited for: the UI thread
#: takes it (`prefetch`), and must never wait for a reading.
_sending = threading.Lock()
_cache: dict[tuple, Snapshot] = {}
#: Whole readings sent to the worker processes, by key: their shares' futures, kept until
#: the reading they make is (`case_snapshot`), so that one sent ahead (`prefetch`) is the
#: one collected and none is sent twice.
_sent: dict[tuple, list[Future[SnapshotPart]]] = {}
#: A whole reading is shared between the two worker processes, a share each
#: (`reviewdesk.dashboard.snapshot_part`): on two cores the tiles come in about half the
#: time. The figures' process takes its share before the chart, which is sent after it.
SHARES = (worker_process.REGISTER, worker_process.FIGURES)


def _key(ctx: AppContext) -> tuple:
    return (ctx.db.url, id(ctx.db), ctx.as_of, ctx.data_version)


def prefetch(ctx: AppContext) -> None:
    """Send the whole reading for ``ctx`` to the worker processes now, ahead of the pages'
    other work (the UI thread calls this as the window loads: sending takes microseconds,
    and it never waits for a reading under way). Nothing when a reading is kept or sent
    already, or there are no worker processes."""
    key = _key(ctx)
    with _sending:
        if key in _sent or any(kept[:3] == key[:3] for kept in list(_cache)):
            return  # on its way, or kept (brought up to date from it after a change)
        futures = _send_shares(ctx)
        if futures is not None:
            _sent[key] = futures


def _shares(ctx: AppContext, key: tuple) -> list[Future[SnapshotPart]] | None:
    """The shares sent for ``key`` (ahead, by `prefetch`), or sent now; None where the
    worker processes cannot all be used."""
    with _sending:
        futures = _sent.get(key)
        if futures is None:
            futures = _send_shares(ctx)
            if futures is not None:
                _sent[key] = futures
        return futures


def _send_shares(ctx: AppContext) -> list[Future[SnapshotPart]] | None:
    """Each share sent to its worker process; None where they cannot all be used."""
    return _send(ctx.db, ctx.as_of)


def read_shares(db: Database, as_of: dt.date) -> list[SnapshotPart] | None:
    """Every share read in its worker process (the smoke check's); None where they cannot
    all be used."""
    futures = _send(db, as_of)
    return None if futures is None else [future.result() for future in futures]


def _send(db: Database, as_of: dt.date) -> list[Future[SnapshotPart]] | None:
    futures = []
    for part, lane in enumerate(SHARES):
        future = worker_process.submit(read_snapshot_part, db, as_of, part, len(SHARES), lane=lane)
        if future is None:
            for sent in futures:
                sent.cancel()
            return None
        futures.append(future)
    return futures


def _read_whole(ctx: AppContext, key: tuple) -> Snapshot:
    """The whole reading: from the shares sent (or sent now), put together here; else, with
    no worker processes, worked out in one go (`worker_process.call`)."""
    futures = _shares(ctx, key)
    if futures is None:
        return worker_process.call(read_snapshot, ctx.db, ctx.as_of)
    try:
        parts = [future.result() for future in futures]
    except Exception as exc:
        if worker_process.broken(exc):  # a process stopped: this process does it
            return read_snapshot(ctx.db, ctx.as_of)
        raise
    return read_snapshot_from_parts(ctx.db, parts)


def case_snapshot(ctx: AppContext) -> Snapshot:
    """The shared snapshot for ``ctx`` (its database, as-of date and data version), worked out
    in the worker processes when the application uses them (`ui.worker_process`)."""
    key = _key(ctx)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            return found
        snapshot = _updated(ctx, key) or _read_whole(ctx, key)
        with _sending:
            _sent.clear()  # collected, or for another date or version: not wanted now
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
