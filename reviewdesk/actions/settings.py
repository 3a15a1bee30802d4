"""The council's settings, closure days and lists of reasons: why meetings ran late, were
cancelled or were moved (administrators only).

Each setting, closure day and late reason is a row with a version: a form names the version
it showed, only what it changes is written, and a save over a newer change is refused with
who made it and when. So two administrators changing different settings at once both keep
their change.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import select

from reviewdesk.actions.base import Actor, Changes, Permission, action, door
from reviewdesk.actions.wordlists import add_word, retire_word
from reviewdesk.codes import Process, ReasonKind
from reviewdesk.dates import format_uk
from reviewdesk.errors import InvalidInput
from reviewdesk.invitations import settings_check as invitation_settings
from reviewdesk.settings import DEFAULTS
from reviewdesk.storage.db import Database
from reviewdesk.storage.locking import ConcurrentChange, describe_change, ensure_unchanged
from reviewdesk.storage.models import ClosureDay, LateReason, MeetingReason, Setting
from reviewdesk.workingdays import REGIONS

CASELOAD_LIMITS = (1, 300)
DUE_SOON_LIMITS = (1, 60)
BACKUPS_KEPT_LIMITS = (1, 100)
TEXT_LIMIT = 200


def _whole(key: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"{key}: {value!r} is not a whole number from {low} to {high}")
    return value


def _text(key: str, value: Any) -> str:
    if not isinstance(value, str) or len(value.strip()) > TEXT_LIMIT:
        raise InvalidInput(f"{key}: give text of at most {TEXT_LIMIT} characters")
    return value.strip()


def _targets(value: Any) -> dict[str, float]:
    known = DEFAULTS["targets"]
    if not isinstance(value, Mapping):
        raise InvalidInput("targets: give a percentage for each target")
    out: dict[str, float] = {}
    for name, target in value.items():
        if name not in known:
            raise InvalidInput(f"targets: {name!r} is not a target ({', '.join(known)})")
        if (
            isinstance(target, bool)
            or not isinstance(target, int | float)
            or not math.isfinite(target)
            or not 0 <= target <= 100
        ):
            raise InvalidInput(f"targets: {name} {target!r} is not a percentage from 0 to 100")
        out[name] = float(target)
    return out


def checked_setting(key: str, value: Any) -> Any:
    """The value to store for ``key``, or InvalidInput naming the setting and the value."""
    if key not in DEFAULTS:
        raise InvalidInput(f"{key}: not a setting ({', '.join(DEFAULTS)})")
    if key == "council_name":
        return _text(key, value)
    if key == "region":
        if value not in REGIONS:
            raise InvalidInput(f"region: {value!r} is not one of {', '.join(REGIONS)}")
        return value
    if key in ("caseload_min_per_fte", "caseload_max_per_fte"):
        return _whole(key, value, *CASELOAD_LIMITS)
    if key == "due_soon_working_days":
        return _whole(key, value, *DUE_SOON_LIMITS)
    if key == "targets":
        return _targets(value)
    if key == "backups_kept":
        return _whole(key, value, *BACKUPS_KEPT_LIMITS)
    if key in invitation_settings.KEYS:
        return invitation_settings.check_setting(key, value)
    raise InvalidInput(f"{key}: this setting cannot be changed here")  # pragma: no cover


@action("save_settings", "change settings", Permission.MANAGE_SETTINGS)
def save_settings(db: Database, actor: Actor, changes: Mapping[str, tuple[Any, int]]) -> Changes:
    """Save settings: ``changes`` maps a key to (new value, the version the form showed;
    0 when it showed the built-in default). Unchanged values are not written."""
    wanted = {key: checked_setting(key, value) for key, (value, _v) in changes.items()}
    with door(db, actor, "save_settings") as tx:
        rows = {row.key: row for row in tx.session.scalars(select(Setting))}
        final = {k: (rows[k].value if k in rows else DEFAULTS[k]) for k in DEFAULTS}
        final.update(wanted)
        if final["caseload_min_per_fte"] > final["caseload_max_per_fte"]:
            raise InvalidInput(
                "caseload range: the lowest "
                f"({final['caseload_min_per_fte']}) is more than the highest "
                f"({final['caseload_max_per_fte']})"
            )
        for key, value in wanted.items():
            version = changes[key][1]
            row = rows.get(key)
            current = row.value if row is not None else DEFAULTS[key]
            if current == value:
                continue
            if row is None:
                if version != 0:
                    raise ConcurrentChange(describe_change("setting", None, None))
                tx.session.add(Setting(key=key, value=value))
            else:
                ensure_unchanged(row, version)
                row.value = value
        tx.session.flush()
        return tx.changes()


def _day(day: Any) -> dt.date:
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise InvalidInput(f"closure day: {day!r} is not a date")
    return day


@action("set_closure_day", "change the closure days", Permission.MANAGE_SETTINGS)
def set_closure_day(
    db: Database,
    actor: Actor,
    day: dt.date,
    description: str = "Local closure day",
    *,
    expected_version: int,
) -> Changes:
    """Add a closure day (``expected_version`` 0), or change its description."""
    day = _day(day)
    text = " ".join(str(description).split()) or "Local closure day"
    if len(text) > TEXT_LIMIT:
        raise InvalidInput(f"closure day {format_uk(day)}: description longer than {TEXT_LIMIT}")
    with door(db, actor, "set_closure_day") as tx:
        row = tx.session.get(ClosureDay, day)
        if row is None:
            if expected_version != 0:
                raise ConcurrentChange(
                    f"The closure day {format_uk(day)} was removed by someone else after you "
                    "opened it. Nothing was saved."
                )
            tx.session.add(ClosureDay(day=day, description=text))
        elif expected_version == 0:
            raise ConcurrentChange(describe_change("closure day", row.updated_by, row.updated_at))
        else:
            ensure_unchanged(row, expected_version)
            row.description = text
        tx.session.flush()
        return tx.changes()


@action("remove_closure_day", "change the closure days", Permission.MANAGE_SETTINGS)
def remove_closure_day(
    db: Database, actor: Actor, day: dt.date, *, expected_version: int
) -> Changes:
    """Remove a closure day (it becomes a working day again)."""
    day = _day(day)
    with door(db, actor, "remove_closure_day") as tx:
        row = tx.session.get(ClosureDay, day)
        if row is None:
            raise InvalidInput(f"closure day {format_uk(day)}: there is no such closure day")
        ensure_unchanged(row, expected_version)
        tx.session.delete(row)
        tx.session.flush()
        return tx.changes()


@action("add_late_reason", "change the late reasons", Permission.MANAGE_SETTINGS)
def add_late_reason(db: Database, actor: Actor, text: str) -> Changes:
    """Add a reason to the list (or bring back one that was retired); the result is its id."""
    with door(db, actor, "add_late_reason") as tx:
        return tx.changes(result=add_word(tx, LateReason, "late reason", text, TEXT_LIMIT))


@action("retire_late_reason", "change the late reasons", Permission.MANAGE_SETTINGS)
def retire_late_reason(
    db: Database, actor: Actor, reason_id: int, *, expected_version: int
) -> Changes:
    """Take a reason off the list offered (meetings that gave it keep it)."""
    with door(db, actor, "retire_late_reason") as tx:
        retire_word(tx, LateReason, "late reason", reason_id, expected_version)
        return tx.changes()


_E = TypeVar("_E", bound=StrEnum)


def _one_of(choices: type[_E], value: object, what: str, otherwise: str = "") -> _E:
    """``value`` as one of ``choices``, else a message naming the value and the choices."""
    try:
        return choices(value)
    except ValueError:
        raise InvalidInput(
            f"{what} {value!r}: must be one of {', '.join(c.value for c in choices)}{otherwise}"
        ) from None


def _kind(kind: ReasonKind | str) -> ReasonKind:
    return _one_of(ReasonKind, kind, "kind of reason")


@action(
    "add_meeting_reason",
    "change the reasons meetings are cancelled or moved",
    Permission.MANAGE_SETTINGS,
)
def add_meeting_reason(
    db: Database,
    actor: Actor,
    kind: ReasonKind | str,
    text: str,
    *,
    process: Process | str | None = None,
) -> Changes:
    """Add a reason to the cancelling or the rescheduling list (``kind``), offered for every
    meeting or, with ``process``, for LAC reviews ("lac") or CP conferences ("cp") only; the
    result is its id."""
    which = _kind(kind)
    noun = f"{which.value} reason"
    only = _process(process)
    with door(db, actor, "add_meeting_reason") as tx:
        reason_id = add_word(tx, MeetingReason, noun, text, TEXT_LIMIT, kind=which.value)
        reason = tx.session.get(MeetingReason, reason_id)
        if reason.process != only:  # (a reason taken back onto the list takes the new one)
            reason.process = only
            tx.session.flush()
        return tx.changes(result=reason_id)


def _process(process: Process | str | None) -> str | None:
    if process is None or process == "":
        return None
    return _one_of(Process, process, "kind of meeting", ", or none for every meeting").value


@action(
    "retire_meeting_reason",
    "change the reasons meetings are cancelled or moved",
    Permission.MANAGE_SETTINGS,
)
def retire_meeting_reason(
    db: Database, actor: Actor, reason_id: int, *, expected_version: int
) -> Changes:
    """Take a cancelling or rescheduling reason off its list (meetings keep theirs)."""
    with door(db, actor, "retire_meeting_reason") as tx:
        retire_word(tx, MeetingReason, "reason", reason_id, expected_version)
        return tx.changes()


__all__ = [
    "add_late_reason",
    "add_meeting_reason",
    "checked_setting",
    "remove_closure_day",
    "retire_late_reason",
    "retire_meeting_reason",
    "save_settings",
    "set_closure_day",
]
