"""What others changed since a window last looked: the `Changes` to refresh, from the feed.

A window learns of its own changes from its actions' `Changes`; of everyone else's from the
change signal and its feed (`reviewdesk.storage.signal`). `others_changes` turns the feed's
rows between two readings of the signal into the same `Changes` an action of the window's
own would have announced (the kinds of record and the children), so the window refreshes
only those children, or everything, as it did for every change of another's, when:

- a record that is not one child's changed (staff, rooms, teams, users, settings, the
  rules, the calendar, word lists...: only `CHILD_KINDS` are worked out child by child), or
  a whole action with no child (an import, a restore, the demo);
- a record of those kinds names no child (not expected: when unsure, everything);
- more than `MOST_CHILDREN` children changed: one whole read is then cheaper;
- the feed cannot say (`read_feed`: pruned past the gap, a signal gone back or reset).

It only reads: nothing here writes to the database.
"""

from __future__ import annotations

from sqlalchemy import Engine

from reviewdesk.actions.base import CASE_KINDS, Changes
from reviewdesk.storage.signal import Signal, read_feed

#: The kinds of record that belong to one child, refreshed child by child: a child's case
#: (`CASE_KINDS`), and the records of a child that no date or figure reads (their family
#: and network, a meeting's requests and packs, a report's file), whose own actions
#: announce them so too (`Transaction.changes`: those kinds and children).
CHILD_KINDS = CASE_KINDS | frozenset(
    {"person", "child_professional", "meeting_request", "pack_delivery", "report_file"}
)
#: More children changed than this: read the whole register again, which costs the same
#: however many changed, where working each child out again costs per child.
MOST_CHILDREN = 500
#: The feed's rows read at most: every kind of a child's for each of `MOST_CHILDREN` children,
#: and those of no child (one per kind), before it is plainly too many.
MOST_ROWS = MOST_CHILDREN * len(CHILD_KINDS) + 100
EVERYTHING = Changes(everything=True)


def others_changes(engine: Engine, seen: Signal, now: Signal) -> Changes:
    """What changed after the signal stood at ``seen``, read when it stood at ``now``: the
    kinds and children (with the audit trail, as an action's own `Changes` name it), or
    everything (see the module). No change at all when ``seen`` is ``now``."""
    if seen == now:
        return Changes()
    changed = read_feed(engine, seen, now, limit=MOST_ROWS)
    if not changed:  # None: the feed cannot say; empty: its rows are hidden from this login
        return EVERYTHING
    kinds = frozenset(kind for kind, _child in changed)
    children = frozenset(child for _kind, child in changed if child is not None)
    if not kinds <= CHILD_KINDS or any(child is None for _kind, child in changed):
        return EVERYTHING
    if len(children) > MOST_CHILDREN:
        return EVERYTHING
    return Changes(kinds | {"audit_log"}, children)


__all__ = ["CHILD_KINDS", "MOST_CHILDREN", "others_changes"]
