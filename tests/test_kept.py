"""`KeptAnswers`: answers kept under the identity of the objects they came from."""

from __future__ import annotations

import gc
import weakref

from reviewdesk.kept import KeptAnswers


class _Rules:
    """Stands for an immutable rule set (weak references allowed)."""


def test_an_answer_of_none_is_kept_and_found() -> None:
    kept = KeptAnswers(8)
    rules = _Rules()
    assert kept.keep(("x", id(rules)), None, rules) is None
    hit = kept.entries.get(("x", id(rules)))
    assert hit is not None and hit[0] is None  # a hit, not a miss


def test_the_objects_in_a_key_stay_alive_while_their_entry_exists() -> None:
    """An id names one object only while it lives: the entry keeps it alive, so no other
    object can take its id and be given its answers."""
    kept = KeptAnswers(8)
    rules = _Rules()
    watch = weakref.ref(rules)
    kept.keep((id(rules),), "answer", rules)
    del rules
    gc.collect()
    assert watch() is not None
    kept.clear()
    gc.collect()
    assert watch() is None


def test_it_is_emptied_when_full_and_goes_on() -> None:
    kept = KeptAnswers(3)
    for n in range(3):
        kept.keep(n, n * 10)
    assert len(kept) == 3
    kept.keep(3, 30)  # full: emptied, then this one kept
    assert len(kept) == 1 and kept.entries[3] == (30, ())
