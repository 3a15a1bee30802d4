"""Text a person gives, checked against the column that keeps it.

PostgreSQL refuses text longer than its column ("value too long", which the window could
only show as "Something went wrong"), while SQLite keeps it whole: the same outcome saved on
one database and lost on the other. So an action checks first, and the limit is read from
the column itself (`column_limit`), never written a second time where it could differ (the
person a challenge was raised with was checked against 4,000 characters, kept in 200)."""

from __future__ import annotations

from typing import Any

from reviewdesk.errors import InvalidInput


def column_limit(column: Any) -> int | None:
    """The most characters ``column`` (a model's attribute, e.g. ``Meeting.outcome``) keeps;
    None when it keeps any length."""
    return getattr(column.property.columns[0].type, "length", None)


def fits(field: str, text: str, column: Any) -> str:
    """``text`` as it is, or `InvalidInput` naming ``field``, the text and the limit when it
    is longer than ``column`` keeps."""
    limit = column_limit(column)
    if limit is not None and len(text) > limit:
        start = " ".join(text.split())[:30]
        raise InvalidInput(
            f"{field}: \u201c{start}\u2026\u201d is {len(text):,} characters, more than the "
            f"{limit:,} kept"
        )
    return text


__all__ = ["column_limit", "fits"]
