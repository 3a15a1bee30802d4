"""Session hooks every ORM write passes through: rules, 'who changed it', locking, audit.

``before_flush``: validate new and changed records (`validation`), stamp ``updated_by`` /
``updated_at`` from ``session.info["username"]``, and note the versions being saved so a
failed version check can say who changed the record (`locking`). ``after_flush``: the audit
trail (`audit`). The hooks are installed on SQLAlchemy's `Session` class, so they cover every
session, however it was made.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from reviewdesk.storage import audit, locking, validation
from reviewdesk.storage.models import Base, Tracked

_CANDIDATES = "reviewdesk.version_candidates"


def _changed(session: Session, obj: Any) -> bool:
    return session.is_modified(obj, include_collections=False)


def apply_defaults(obj: Any) -> None:
    """Fill in scalar column defaults on a new record, so the rules and the audit see them."""
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        column = attr.columns[0]
        default = column.default
        if attr.key in state.dict or default is None or not default.is_scalar:
            continue
        if column.key == "version":
            continue
        setattr(obj, attr.key, default.arg)


def _before_flush(session: Session, _flush_context: Any, _instances: Any) -> None:
    new = [o for o in session.new if isinstance(o, Base)]
    for obj in new:
        apply_defaults(obj)
    dirty = [o for o in session.dirty if isinstance(o, Base) and _changed(session, o)]
    validation.validate_flush(session, [*new, *dirty])

    user = audit.session_user(session)
    now = audit.session_now(session)
    for obj in (*new, *dirty):
        if isinstance(obj, Tracked):
            obj.updated_by = user
            obj.updated_at = now

    candidates = []
    for obj in (*dirty, *session.deleted):
        if isinstance(obj, Tracked):
            identity = inspect(obj).identity
            if identity:
                candidates.append((type(obj), identity[0], locking.opened_version(obj)))
    session.info[_CANDIDATES] = candidates


def _after_flush_postexec(session: Session, _flush_context: Any) -> None:
    session.info.pop(_CANDIDATES, None)


class ReviewdeskSession(Session):
    """A session whose failed version checks become a message saying who changed what, when."""

    def flush(self, objects: Any = None) -> None:
        try:
            super().flush(objects)
        except StaleDataError as exc:
            raise locking.ConcurrentChange(self._conflict_text()) from exc

    def merge(self, instance: Any, *args: Any, **kwargs: Any) -> Any:
        """Merge a detached record; if it was saved or deleted by someone else meanwhile, refuse."""
        state = inspect(instance)
        if (
            isinstance(instance, Tracked)
            and state.key is not None
            and kwargs.get("load", True)
            and self.get(type(instance), state.identity) is None
        ):
            noun = locking.RECORD_NOUNS.get(type(instance).__tablename__, "record")
            raise locking.ConcurrentChange(locking.describe_deleted(noun))
        try:
            return super().merge(instance, *args, **kwargs)
        except StaleDataError as exc:
            state = inspect(instance)
            pk = state.identity[0] if state.identity else None
            candidate = (type(instance), pk, state.dict.get("version"))
            raise locking.ConcurrentChange(
                locking.conflict_message(self.get_bind().engine, [candidate])  # type: ignore[union-attr]
            ) from exc

    def _conflict_text(self) -> str:
        candidates = self.info.pop(_CANDIDATES, [])
        return locking.conflict_message(self.get_bind().engine, candidates)  # type: ignore[union-attr]


_installed = False


def install() -> None:
    """Register the hooks once per process (idempotent)."""
    global _installed
    if _installed:
        return
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "after_flush", audit._after_flush)
    event.listen(Session, "after_flush_postexec", _after_flush_postexec)
    _installed = True


install()
