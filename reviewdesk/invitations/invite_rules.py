"""Who is invited to each type of meeting and which reports are due: rules as data.

The rules ship in `resources/rules/invitations.toml`, each with its source; a council edits
that file (or gives its own with the same fields) to change them, never the code. A bad file
is refused whole with a message naming the file, the rule and the field. Report deadlines
are not set here: each report rule names the timescale rule (`reviewdesk.rules`) that sets
its deadline, so a council changes a deadline in one place.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from reviewdesk.codes import AGENCY, RELATIONSHIP, MeetingType
from reviewdesk.errors import InvalidInput
from reviewdesk.paths import resource

#: Whom an invitation rule brings in (see the rules file for what each means).
WHO = ("family", "child", "social_worker", "team_manager", "agencies")
#: Whom a report rule expects a report from.
REPORT_FROM = ("social_worker", "agencies")
_MEETING_TYPES = tuple(m.value for m in MeetingType)


@dataclass(frozen=True)
class InviteRule:
    """One rule on who is invited to which meetings."""

    id: str
    meetings: tuple[str, ...]
    who: str
    title: str
    source: str
    parental_responsibility: bool = False
    relations: tuple[str, ...] = ()
    min_age: int | None = None
    agencies: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class ReportRule:
    """One rule on the reports due for a meeting, and the timescale rule of their deadline."""

    id: str
    meetings: tuple[str, ...]
    source: str
    title: str
    from_whom: str
    deadline: str
    agencies: tuple[str, ...] = ()


@dataclass(frozen=True)
class InvitationRules:
    invites: tuple[InviteRule, ...]
    reports: tuple[ReportRule, ...]
    origin: str = ""
    name: str = ""

    def invites_for(self, meeting_type: str) -> list[InviteRule]:
        return [r for r in self.invites if meeting_type in r.meetings]

    def reports_for(self, meeting_type: str) -> list[ReportRule]:
        return [r for r in self.reports if meeting_type in r.meetings]

    def get(self, rule_id: str) -> InviteRule | ReportRule | None:
        return next((r for r in (*self.invites, *self.reports) if r.id == rule_id), None)


class _Reader:
    """Checks one rule table, naming the file, the rule and the field in every refusal."""

    def __init__(self, data: Mapping[str, Any], origin: str, kind: str, index: int) -> None:
        self.data = data
        self.origin = origin
        rule_id = data.get("id")
        self.rule_id = rule_id if isinstance(rule_id, str) and rule_id.strip() else None
        self.label = self.rule_id or f"{kind} #{index + 1}"
        if self.rule_id is None:
            raise self.problem("id", "missing or not text")

    def problem(self, field: str, why: str) -> InvalidInput:
        return InvalidInput(f'{self.origin}: rule "{self.label}", field {field}: {why}')

    def known(self, fields: Iterable[str]) -> None:
        allowed = set(fields)
        for key in self.data:
            if key not in allowed:
                raise self.problem(key, f"unknown field (known: {', '.join(sorted(allowed))})")

    def text(self, field: str) -> str:
        value = self.data.get(field)
        if not isinstance(value, str) or not value.strip():
            raise self.problem(field, "missing: every rule names its title and its source")
        return value.strip()

    def choice(self, field: str, allowed: Iterable[str]) -> str:
        allowed = tuple(allowed)
        value = self.data.get(field)
        if value not in allowed:
            raise self.problem(field, f'"{value}" is not one of {", ".join(allowed)}')
        return value

    def codes(self, field: str, allowed: Iterable[str], *, needed: bool = False) -> tuple[str, ...]:
        allowed = tuple(allowed)
        value = self.data.get(field, [])
        if not isinstance(value, list) or any(v not in allowed for v in value):
            raise self.problem(field, f"{value!r} must be a list of: {', '.join(allowed)}")
        if needed and not value:
            raise self.problem(field, "needed: give at least one")
        return tuple(value)

    def flag(self, field: str) -> bool:
        value = self.data.get(field, False)
        if not isinstance(value, bool):
            raise self.problem(field, f'"{value}" is not true or false')
        return value


def _invite(data: Mapping[str, Any], origin: str, index: int) -> InviteRule:
    r = _Reader(data, origin, "invite", index)
    r.known(
        (
            "id",
            "meetings",
            "who",
            "title",
            "source",
            "parental_responsibility",
            "relations",
            "min_age",
            "agencies",
            "required",
        )
    )
    who = r.choice("who", WHO)
    min_age = data.get("min_age")
    if min_age is not None and (
        isinstance(min_age, bool) or not isinstance(min_age, int) or not 0 <= min_age <= 25
    ):
        raise r.problem("min_age", f'"{min_age}" is not an age from 0 to 25')
    rule = InviteRule(
        id=str(r.rule_id).strip(),
        meetings=r.codes("meetings", _MEETING_TYPES, needed=True),
        who=who,
        title=r.text("title"),
        source=r.text("source"),
        parental_responsibility=r.flag("parental_responsibility"),
        relations=r.codes("relations", RELATIONSHIP),
        min_age=min_age,
        agencies=r.codes("agencies", AGENCY, needed=who == "agencies"),
        required=r.flag("required"),
    )
    if who == "family" and not (rule.parental_responsibility or rule.relations):
        raise r.problem("relations", "a family rule names relations or parental_responsibility")
    return rule


def _report(data: Mapping[str, Any], origin: str, index: int) -> ReportRule:
    r = _Reader(data, origin, "report", index)
    r.known(("id", "meetings", "from", "agencies", "deadline", "title", "source"))
    from_whom = r.choice("from", REPORT_FROM)
    deadline = data.get("deadline")
    if not isinstance(deadline, str) or not deadline.strip():
        raise r.problem("deadline", "missing: the timescale rule that sets the deadline")
    return ReportRule(
        id=str(r.rule_id).strip(),
        meetings=r.codes("meetings", _MEETING_TYPES, needed=True),
        source=r.text("source"),
        title=r.text("title"),
        from_whom=from_whom,
        deadline=deadline.strip(),
        agencies=r.codes("agencies", AGENCY, needed=from_whom == "agencies"),
    )


def rules_from_data(data: Mapping[str, Any], origin: str) -> InvitationRules:
    """Check a parsed invitations file (InvalidInput naming the rule and field if bad)."""
    tables: dict[str, list[Any]] = {}
    for key in ("invite", "report"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            raise InvalidInput(f"{origin}: {key} must be a list of [[{key}]] tables")
        tables[key] = value
    invites = tuple(_invite(t, origin, i) for i, t in enumerate(tables["invite"]))
    reports = tuple(_report(t, origin, i) for i, t in enumerate(tables["report"]))
    seen: set[str] = set()
    for rule in (*invites, *reports):
        if rule.id in seen:
            raise InvalidInput(f'{origin}: rule "{rule.id}", field id: appears twice')
        seen.add(rule.id)
    meta = data.get("meta", {})
    name = str(meta.get("name", "")) if isinstance(meta, Mapping) else ""
    return InvitationRules(invites, reports, origin, name)


def default_invitation_rules_path() -> Path:
    return resource("rules", "invitations.toml")


def load_invitation_rules(path: str | Path | None = None) -> InvitationRules:
    """The invitation rules from ``path`` (default: the shipped file)."""
    path = Path(path) if path is not None else default_invitation_rules_path()
    origin = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"{origin}: no such invitation rules file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{origin}: cannot read the invitation rules ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"{origin}: not a valid TOML file ({exc})") from None
    return rules_from_data(data, origin)


@cache
def default_invitation_rules() -> InvitationRules:
    """The shipped invitation rules (cached: they never change while running)."""
    return load_invitation_rules()


__all__ = [
    "InvitationRules",
    "InviteRule",
    "ReportRule",
    "default_invitation_rules",
    "load_invitation_rules",
    "rules_from_data",
]
