"""The council's rule overrides: change or reset one rule, or replace them all (a rules file
loaded, or every override removed). Administrators only.

Each override is its own row with a version, so two administrators changing different
rules at once both keep their change, and a change built on an older version of the same
rule is refused saying who changed it and when. Every change is checked over the shipped
rules by the code that checks rules files (`reviewdesk.rule_overrides`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewdesk.actions.base import Actor, Changes, Permission, action, door
from reviewdesk.errors import InvalidInput
from reviewdesk.rule_overrides import check_overrides, override_table, stored_overrides
from reviewdesk.rules import default_rules, with_overrides
from reviewdesk.storage.db import Database
from reviewdesk.storage.locking import ConcurrentChange, describe_change, ensure_unchanged
from reviewdesk.storage.models import RuleOverride


def _row(session: Session, rule_id: str) -> RuleOverride | None:
    return session.scalar(select(RuleOverride).where(RuleOverride.rule_id == rule_id))


def _changed_by_someone(row: RuleOverride | None, rule_id: str) -> ConcurrentChange:
    if row is None:
        return ConcurrentChange(
            f'The council\'s rule "{rule_id}" was removed by someone else after you opened '
            "it; reopen it to see the rules in force. Nothing was saved."
        )
    return ConcurrentChange(describe_change("council rule", row.updated_by, row.updated_at))


@action("set_rule", "change the council's rules", Permission.MANAGE_SETTINGS)
def set_rule(
    db: Database,
    actor: Actor,
    rule_id: str,
    *,
    expected_version: int,
    source: str,
    **changes: Any,
) -> Changes:
    """Override one rule in force (``changes`` as for `rule_overrides.override_table`),
    built on the override's version (0: the rule was not overridden). The result is the
    stored table."""
    with door(db, actor, "set_rule") as tx:
        tables = stored_overrides(tx.session)
        ruleset = with_overrides(default_rules(), tables) if tables else default_rules()
        if rule_id not in ruleset:
            known = ", ".join(r.id for r in ruleset)
            raise InvalidInput(f'rule "{rule_id}" is not a rule in force (known: {known})')
        table = override_table(ruleset.get(rule_id), source=source, **changes)
        check_overrides([*(t for t in tables if t.get("id") != rule_id), table])
        row = _row(tx.session, rule_id)
        if row is None:
            if expected_version != 0:
                raise _changed_by_someone(None, rule_id)
            tx.session.add(RuleOverride(rule_id=rule_id, definition=table))
        elif expected_version == 0:
            raise _changed_by_someone(row, rule_id)
        else:
            ensure_unchanged(row, expected_version)
            row.definition = table
        tx.session.flush()
        return tx.changes(result=table)


@action("reset_rule", "change the council's rules", Permission.MANAGE_SETTINGS)
def reset_rule(db: Database, actor: Actor, rule_id: str, *, expected_version: int) -> Changes:
    """Put one rule back to the shipped one (remove the council's override)."""
    with door(db, actor, "reset_rule") as tx:
        row = _row(tx.session, rule_id)
        if row is None:
            if expected_version != 0:
                raise _changed_by_someone(None, rule_id)
            raise InvalidInput(f'rule "{rule_id}": the council has not changed this rule')
        ensure_unchanged(row, expected_version)
        check_overrides([t for t in stored_overrides(tx.session) if t.get("id") != rule_id])
        tx.session.delete(row)
        tx.session.flush()
        return tx.changes()


@action("replace_rules", "change the council's rules", Permission.MANAGE_SETTINGS)
def replace_rules(
    db: Database,
    actor: Actor,
    tables: Sequence[Mapping[str, Any]],
    *,
    expected_versions: Mapping[str, int],
) -> Changes:
    """Make ``tables`` the council's overrides (a rules file loaded; [] removes them all),
    built on the overrides as they were (each rule id: its version)."""
    new: dict[str, dict[str, Any]] = {}
    for table in tables:
        new[str(table.get("id", "")).strip()] = dict(table)
    check_overrides(list(new.values()))
    with door(db, actor, "replace_rules") as tx:
        rows = {r.rule_id: r for r in tx.session.scalars(select(RuleOverride))}
        for rule_id in set(rows) | set(expected_versions):
            row = rows.get(rule_id)
            expected = expected_versions.get(rule_id)
            if row is None or expected is None or row.version != expected:
                raise _changed_by_someone(row, rule_id)
        for rule_id, row in rows.items():
            if rule_id not in new:
                tx.session.delete(row)
            elif row.definition != new[rule_id]:
                row.definition = new[rule_id]
        for rule_id, table in new.items():
            if rule_id not in rows:
                tx.session.add(RuleOverride(rule_id=rule_id, definition=table))
        tx.session.flush()
        return tx.changes(result=len(new))


__all__ = ["replace_rules", "reset_rule", "set_rule"]
