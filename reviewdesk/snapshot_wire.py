"""The dashboard snapshot's compact form, for sending it from the worker process.

A snapshot of 100,000 children holds a quarter of a million flag reasons. Pickled as they
are (dicts of tuples of strings) they came to 36 MB, and unpickling them is one long call
into C that holds the interpreter lock: the window's UI thread stood still for a sixth of
a second while a background thread received them. Packed here, each tile's reasons travel
as one string with their lengths, ids and dates as arrays of integers, and they are
unpacked by Python code that lets the UI thread in between (and is quicker overall).

    pack_members(members) -> PackedMembers     unpack_members(packed) -> members
    pack_dues(dues) -> PackedDues              unpack_dues(packed) -> dues

What goes in comes back out equal (tests check every kind of entry).
"""

from __future__ import annotations

import datetime as dt
from array import array
from itertools import accumulate
from typing import Any

from reviewdesk.casework.mapping import DueNotKnown

#: The severities a mark can have, by their one-letter code in a packed tile.
_SEVERITIES = ("red", "amber", "info")
_CODE = {s: s[0] for s in _SEVERITIES}
_SEVERITY = {s[0]: s for s in _SEVERITIES}

#: A tile's members packed: (ids, one severity letter each, reasons per member, the
#: reasons' lengths, the reasons joined). Mark = (severity, reasons).
PackedTile = tuple[array, str, array, array, str]
PackedMembers = dict[str, PackedTile]
#: Next dues packed: (ids with a date, their dates as ordinals, the rest as they are).
PackedDues = tuple[array, array, dict[int, Any]]


def pack_members(members: dict[str, dict[int, tuple[str, tuple[str, ...]]]]) -> PackedMembers:
    packed: PackedMembers = {}
    for key, who in members.items():
        reasons = [r for _severity, found in who.values() for r in found]
        packed[key] = (
            array("q", who),
            "".join(_CODE[severity] for severity, _found in who.values()),
            array("q", [len(found) for _severity, found in who.values()]),
            array("q", [len(r) for r in reasons]),
            "".join(reasons),
        )
    return packed


def unpack_members(packed: PackedMembers) -> dict[str, dict[int, tuple[str, tuple[str, ...]]]]:
    members = {}
    for key, (ids, severities, counts, lengths, text) in packed.items():
        ends = list(accumulate(lengths))
        reasons = [text[end - n : end] for end, n in zip(ends, lengths, strict=True)]
        firsts = accumulate(counts, initial=0)
        members[key] = {
            child: (_SEVERITY[code], tuple(reasons[first : first + count]))
            for child, code, first, count in zip(ids, severities, firsts, counts, strict=False)
        }
    return members


def pack_dues(dues: dict[int, dt.date | DueNotKnown]) -> PackedDues:
    dated = [(c, d) for c, d in dues.items() if type(d) is dt.date]
    rest = {c: d for c, d in dues.items() if type(d) is not dt.date}
    return (
        array("q", [c for c, _d in dated]),
        array("q", [d.toordinal() for _c, d in dated]),
        rest,
    )


def unpack_dues(packed: PackedDues) -> dict[int, dt.date | DueNotKnown]:
    ids, days, rest = packed
    day = _day_of()
    dues: dict[int, dt.date | DueNotKnown] = dict(zip(ids, map(day, days), strict=True))
    dues.update(rest)
    return dues


def _day_of():
    """``date.fromordinal``, remembering each day (a register's dues share a few hundred)."""
    seen: dict[int, dt.date] = {}

    def day(ordinal: int) -> dt.date:
        found = seen.get(ordinal)
        if found is None:
            found = seen[ordinal] = dt.date.fromordinal(ordinal)
        return found

    return day
