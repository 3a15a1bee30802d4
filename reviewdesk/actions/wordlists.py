"""Lists of words a council keeps and extends (late reasons, challenge themes, the reasons
meetings are cancelled or moved).

A word is added, or brought back if it was retired; the same words in other capitals are the
same word. Retiring takes a word off the list offered; records that have it keep it.
"""

from __future__ import annotations

from sqlalchemy import select

from reviewdesk.actions.base import Transaction
from reviewdesk.errors import InvalidInput
from reviewdesk.storage.locking import ensure_unchanged


def add_word(
    tx: Transaction, model: type, what: str, text: object, limit: int, **key: object
) -> int:
    """Add ``text`` to ``model``'s list (rows with ``text`` and ``active``; ``key``, further
    columns naming one list of several in the table, e.g. ``kind``); its id."""
    words = " ".join(str(text).split())
    if not words or len(words) > limit:
        raise InvalidInput(f"{what} {words!r}: must be 1 to {limit} characters long")
    rows = tx.session.scalars(select(model).filter_by(**key))
    row = next((r for r in rows if r.text.casefold() == words.casefold()), None)
    if row is None:
        row = model(text=words, active=True, **key)
        tx.session.add(row)
    elif row.active:
        raise InvalidInput(f"{what} {words!r}: already in the list")
    else:
        row.active = True
    tx.session.flush()
    return row.id


def retire_word(
    tx: Transaction, model: type, what: str, row_id: int, expected_version: int
) -> None:
    """Take row ``row_id`` of ``model``'s list off the list offered."""
    row = tx.session.get(model, row_id)
    if row is None:
        raise InvalidInput(f"{what} {row_id}: there is no such {what.split()[-1]}")
    ensure_unchanged(row, expected_version)
    row.active = False
    tx.session.flush()


__all__ = ["add_word", "retire_word"]
