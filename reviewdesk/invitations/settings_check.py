"""The settings of invitations, report requests and packs, checked before they are saved
(`reviewdesk.actions.save_settings` calls `check_setting` for these keys)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from reviewdesk.errors import InvalidInput
from reviewdesk.invitations.templates import KINDS, check_template

KEYS = frozenset(
    {
        "council_address",
        "invitations_mailbox",
        "attachment_max_mb",
        "calendar_child_names",
        "chase_working_days",
        "letter_templates",
    }
)
ATTACHMENT_MB_LIMITS = (1, 200)
CHASE_DAYS_LIMITS = (1, 60)
ADDRESS_LIMIT = 500
#: An email address as a person types one: something@domain.tld, no spaces, no brackets.
EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\].]+$")


def is_email(text: str | None) -> bool:
    return bool(text) and EMAIL.match(text.strip()) is not None and len(text.strip()) <= 200


def check_email(field: str, value: Any, *, optional: bool = True) -> str | None:
    """A tidy email address, None for none (when ``optional``), or InvalidInput."""
    text = value.strip() if isinstance(value, str) else value
    if optional and (text is None or text == ""):
        return None
    if not isinstance(text, str) or not is_email(text):
        raise InvalidInput(f'{field}: "{value}" is not an email address like name@council.gov.uk')
    return text


def _whole(key: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"{key}: {value!r} is not a whole number from {low} to {high}")
    return value


def check_setting(key: str, value: Any) -> Any:
    """The value to store for one of `KEYS`, or InvalidInput naming the setting and value."""
    if key == "council_address":
        if not isinstance(value, str) or len(value.strip()) > ADDRESS_LIMIT:
            raise InvalidInput(f"{key}: give the address in at most {ADDRESS_LIMIT} characters")
        return "\n".join(line.strip() for line in value.strip().splitlines() if line.strip())
    if key == "invitations_mailbox":
        return check_email(key, value) or ""
    if key == "attachment_max_mb":
        return _whole(key, value, *ATTACHMENT_MB_LIMITS)
    if key == "chase_working_days":
        return _whole(key, value, *CHASE_DAYS_LIMITS)
    if key == "calendar_child_names":
        if not isinstance(value, bool):
            raise InvalidInput(f"{key}: {value!r} is not yes or no")
        return value
    if key == "letter_templates":
        if not isinstance(value, Mapping):
            raise InvalidInput(f"{key}: give a template for each kind of letter")
        out: dict[str, str] = {}
        for kind, text in value.items():
            if kind not in KINDS:
                raise InvalidInput(f"{key}: {kind!r} is not a kind of letter ({', '.join(KINDS)})")
            if text is None or (isinstance(text, str) and not text.strip()):
                continue  # back to the shipped template
            out[kind] = check_template(kind, text)
        return out
    raise KeyError(key)


__all__ = ["KEYS", "check_email", "check_setting", "is_email"]
