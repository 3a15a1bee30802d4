"""A council's rule overrides, one rule at a time: described in words, edited, reset, exported.

Each override is a rule table, exactly as in a rules file (`reviewdesk.rules`), on a row of
its own (``rule_override``, with a version, who changed it and when), so two people changing
different rules never overwrite each other. An edit builds a whole table from the rule in
force with the changed fields and the council's own source (required: timescales are data
carrying their source), and every change is checked by the same code that checks rules
files, so a bad value is refused with a message naming the rule, the field and the value.
Changes go through `reviewdesk.actions` (set_rule, reset_rule, replace_rules).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewdesk.errors import InvalidInput
from reviewdesk.rules import (
    EVENTS,
    REQUIRED,
    Rule,
    RuleSet,
    default_rules,
    with_overrides,
)
from reviewdesk.storage.locking import local_time
from reviewdesk.storage.models import RuleOverride
from reviewdesk.vocabulary import format_uk

#: The origin `with_overrides` gives rules kept in the settings (what marks an override).
SETTINGS_ORIGIN = "settings"

PROCESS_WORDS = {
    "lac": "Looked-after children",
    "cp": "Child protection",
    "oversight": "IRO oversight",
}
BASIS_WORDS = {"statutory": "statutory", "local": "local practice"}

#: Keep ``sooner_of`` as it is (the default of `override_table`).
KEEP: Any = object()


# --- words ---------------------------------------------------------------------------------
def value_text(rule: Rule) -> str:
    """The timescale's value with its unit: '20 working days', '3 months', or with a second
    limit '20 working days or 4 weeks, whichever is sooner'."""
    text = rule.limit.describe()
    if rule.sooner_of is not None:
        text += f" or {rule.sooner_of.describe()}, whichever is sooner"
    return text


def counted_text(rule: Rule) -> str:
    """What the value is counted from: 'after the child became looked after'."""
    return f"{rule.direction} {EVENTS[rule.from_event]}"


def describe_rule(rule: Rule) -> str:
    """The rule in words: 'First review: 20 working days after became looked after'."""
    text = f"{rule.title}: {rule.describe()}"
    if not rule.enabled:
        text += " (switched off)"
    return text


# --- tables --------------------------------------------------------------------------------
def rule_table(rule: Rule) -> dict[str, Any]:
    """A rule as the table a rules file (or the setting) holds."""
    table: dict[str, Any] = {
        "id": rule.id,
        "process": rule.process,
        "times": rule.times,
    }
    if rule.meetings:
        table["meetings"] = list(rule.meetings)
    if rule.stage is not None:
        table.update({"stage": rule.stage, "to": rule.to})
    table.update(
        {
            "from": rule.from_event,
            "amount": rule.amount,
            "unit": rule.unit,
            "direction": rule.direction,
        }
    )
    if rule.sooner_of is not None:
        table["sooner_of"] = {"amount": rule.sooner_of.amount, "unit": rule.sooner_of.unit}
    table.update({"basis": rule.basis, "title": rule.title, "source": rule.source})
    if not rule.enabled:
        table["enabled"] = False
    return table


def check_override(table: Mapping[str, Any], base: RuleSet | None = None) -> Rule:
    """The rule a table gives once laid over ``base`` (the shipped rules), or InvalidInput."""
    ruleset = with_overrides(base or default_rules(), [table], origin=SETTINGS_ORIGIN)
    return ruleset.get(str(table["id"]).strip())


def override_table(
    rule: Rule,
    *,
    source: str,
    amount: Any = KEEP,
    unit: Any = KEEP,
    sooner_of: Any = KEEP,
    enabled: Any = KEEP,
    basis: Any = KEEP,
) -> dict[str, Any]:
    """The override table for ``rule`` with the given fields changed, checked in full.

    ``sooner_of`` is ``(amount, unit)`` or None for no second limit. ``source`` is the
    council's source or reason for the change and is required. Values are passed as given
    (not coerced) so the shared checker names a bad one: 'settings: rule "lac.review.first",
    field amount: "1500" is not a whole number from 0 to 1000'.
    """
    table = rule_table(rule)
    table["source"] = source.strip() if isinstance(source, str) else source
    if amount is not KEEP:
        table["amount"] = amount
    if unit is not KEEP:
        table["unit"] = unit
    if basis is not KEEP:
        table["basis"] = basis
    if enabled is not KEEP:
        if enabled:
            table.pop("enabled", None)
        else:
            table["enabled"] = False
    if sooner_of is not KEEP:
        if sooner_of is None:
            table.pop("sooner_of", None)
        else:
            sooner_amount, sooner_unit = sooner_of
            table["sooner_of"] = {"amount": sooner_amount, "unit": sooner_unit}
    check_override(table)
    return table


def with_override(overrides: Sequence[Mapping[str, Any]], table: Mapping[str, Any]) -> list:
    """The overrides with ``table`` replacing the one of the same id (or added at the end)."""
    result = [dict(t) for t in overrides]
    for i, existing in enumerate(result):
        if existing.get("id") == table["id"]:
            result[i] = dict(table)
            return result
    result.append(dict(table))
    return result


def without_override(overrides: Sequence[Mapping[str, Any]], rule_id: str) -> list:
    """The overrides without the one for ``rule_id``: that rule goes back to the shipped one.

    InvalidInput when there is none, or when the council added the rule itself and other
    rules need it (a required rule cannot be removed).
    """
    result = [dict(t) for t in overrides if t.get("id") != rule_id]
    if len(result) == len(overrides):
        raise InvalidInput(f'rule "{rule_id}": the council has not changed this rule')
    return result


# --- the stored overrides -----------------------------------------------------------------
def stored_overrides(session: Session) -> list[dict[str, Any]]:
    """The council's override tables, in the order they are laid over the shipped rules."""
    query = select(RuleOverride.definition).order_by(RuleOverride.id)
    return [dict(t) for t in session.scalars(query)]


def override_versions(session: Session) -> dict[str, int]:
    """Each overridden rule's version: what an edit of it (or a whole new set) names."""
    return dict(session.execute(select(RuleOverride.rule_id, RuleOverride.version)).all())


def check_overrides(tables: Sequence[Mapping[str, Any]]) -> RuleSet:
    """The shipped rules with ``tables`` laid over them, each checked in full
    (InvalidInput naming the rule, field and value)."""
    return with_overrides(default_rules(), [dict(t) for t in tables], origin=SETTINGS_ORIGIN)


@dataclass(frozen=True)
class OverrideChange:
    """Who last changed a rule's override, and when (UTC)."""

    username: str
    at: dt.datetime


def override_history(session: Session) -> dict[str, OverrideChange]:
    """For each rule overridden now, who last changed its override and when (if known)."""
    rows = session.execute(
        select(RuleOverride.rule_id, RuleOverride.updated_by, RuleOverride.updated_at)
    )
    return {
        rule_id: OverrideChange(who, at)
        for rule_id, who, at in rows
        if who is not None and at is not None
    }


# --- what the settings page shows ----------------------------------------------------------
@dataclass(frozen=True)
class RuleEntry:
    """One row of the rules table: the rule in force, the shipped one, and who changed it."""

    rule: Rule
    shipped: Rule | None
    change: OverrideChange | None = None
    #: The version of the council's override (0: none); an edit of the rule names it.
    version: int = 0

    @property
    def overridden(self) -> bool:
        """The council changed (or added) this rule."""
        return self.rule.origin == SETTINGS_ORIGIN

    @property
    def status(self) -> str:
        if not self.overridden:
            return "Shipped"
        return "Council override" if self.shipped is not None else "Council's own rule"

    @property
    def shipped_source(self) -> str:
        return self.shipped.source if self.shipped is not None else ""

    @property
    def council_source(self) -> str:
        return self.rule.source if self.overridden else ""

    @property
    def required(self) -> bool:
        return self.rule.id in REQUIRED


def rule_entries(
    in_force: RuleSet,
    history: Mapping[str, OverrideChange] | None = None,
    shipped: RuleSet | None = None,
    versions: Mapping[str, int] | None = None,
) -> list[RuleEntry]:
    """Every rule in force with its shipped counterpart, its last change and the version
    of its override (`override_versions`)."""
    shipped = shipped or default_rules()
    history = history or {}
    versions = versions or {}
    return [
        RuleEntry(
            rule=rule,
            shipped=shipped.rules.get(rule.id),
            change=history.get(rule.id) if rule.origin == SETTINGS_ORIGIN else None,
            version=versions.get(rule.id, 0) if rule.origin == SETTINGS_ORIGIN else 0,
        )
        for rule in in_force
    ]


# --- files ---------------------------------------------------------------------------------
def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        for char, code in (("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
            escaped = escaped.replace(char, code)
        escaped = "".join(c if 0x20 <= ord(c) != 0x7F else f"\\u{ord(c):04x}" for c in escaped)
        return f'"{escaped}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise InvalidInput(f"cannot write {value!r} to a rules file")


def overrides_to_toml(
    overrides: Iterable[Mapping[str, Any]],
    *,
    council: str = "",
    history: Mapping[str, OverrideChange] | None = None,
) -> str:
    """The council's overrides as a rules file it can keep and load again (same fields as
    `resources/rules/england.toml`); who changed each one and when goes in a comment."""
    history = history or {}
    name = f"{council}: rule overrides" if council else "Council rule overrides"
    lines = [
        "# Rule overrides exported from reviewdesk. Load this file again in Settings, or pass",
        "# it to `reviewdesk rules --rules FILE`. Every rule names its source.",
        "",
        "[meta]",
        f"name = {_toml_value(name)}",
        "",
    ]
    for table in overrides:
        change = history.get(table.get("id", ""))
        if change is not None:
            lines.append(f"# changed by {change.username} on {format_uk(local_time(change.at))}")
        lines.append("[[rule]]")
        for key, value in table.items():
            lines.append(f"{key} = {_toml_value(value)}")
        lines.append("")
    return "\n".join(lines)


def overrides_from_toml(text: str, origin: str) -> list[dict[str, Any]]:
    """The [[rule]] tables of a council's rules file, checked in full over the shipped rules
    (InvalidInput naming the file, rule, field and value when any is wrong)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"{origin}: not a valid TOML rules file ({exc})") from None
    entries = data.get("rule", [])
    if not isinstance(entries, list) or not entries:
        raise InvalidInput(f"{origin}: no [[rule]] tables in the file")
    with_overrides(default_rules(), entries, origin=origin)
    return [dict(e) for e in entries]


__all__ = [
    "KEEP",
    "BASIS_WORDS",
    "PROCESS_WORDS",
    "SETTINGS_ORIGIN",
    "OverrideChange",
    "RuleEntry",
    "check_override",
    "check_overrides",
    "counted_text",
    "describe_rule",
    "override_history",
    "override_table",
    "override_versions",
    "overrides_from_toml",
    "overrides_to_toml",
    "rule_entries",
    "rule_table",
    "stored_overrides",
    "value_text",
    "with_override",
    "without_override",
]
