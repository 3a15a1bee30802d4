"""Answers kept between runs, keyed on the identity of the immutable values they come from.

The engine and the flags ask the same questions of the same rules and calendar again and
again: every refresh of the register works out the same few thousand due dates. Rule sets
and calendars are immutable, but hashing one's every field on each lookup costs more than
the answer, so the key holds their ``id()`` instead. An id is reused once its object is
freed, so each entry also holds the objects it was worked out from: while the entry exists
they stay alive and the id cannot name another object.

    _DUE = KeptAnswers(65_536)
    hit = _DUE.entries.get(key)          # the hot path: (answer, kept objects) or None
    ...
    _DUE.keep(key, answer, rules, calendar)
"""

from __future__ import annotations

from typing import Any


class KeptAnswers:
    """A bounded dict of answers, each stored with the objects whose ids its key holds.

    ``entries`` maps a key to ``(answer, kept objects)``: a tuple, never None, so a lookup
    of a key whose answer is None still hits. When it holds ``size`` entries it is emptied
    (the register's working set is far smaller than the size; a long run on many dates
    simply starts again)."""

    __slots__ = ("entries", "size")

    def __init__(self, size: int) -> None:
        self.entries: dict[Any, tuple[Any, tuple[Any, ...]]] = {}
        self.size = size

    def keep(self, key: Any, answer: Any, *alive: Any) -> Any:
        """Keep ``answer`` under ``key`` with ``alive`` (the objects whose ids the key
        holds) and return it."""
        if len(self.entries) >= self.size:
            self.entries.clear()
        self.entries[key] = (answer, alive)
        return answer

    def __len__(self) -> int:
        return len(self.entries)

    def clear(self) -> None:
        self.entries.clear()
