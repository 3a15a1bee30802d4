"""Timescales as data: loading, checking and merging rules files.

The default rules ship in `resources/rules/england.toml`. A council adds its own file (or
overrides kept in its settings): a rule with an existing id replaces it, a new id adds one.
A bad file is refused whole, with a message naming the file, the rule and the field, so no
date is ever computed from a half-understood rule.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from reviewdesk.codes import MeetingType
from reviewdesk.errors import InvalidInput
from reviewdesk.paths import resource
from reviewdesk.safefiles import read_input_text

#: "oversight": the IRO's challenge and escalation procedure, for LAC and CP alike.
PROCESSES = ("lac", "cp", "oversight")
TIMES = (
    "meeting",
    "report",
    "consultation",
    "decisions",
    "minutes",
    "notification",
    "allocation",
    "plan_duration",
    "core_group",
    "care_plan",
    "discussion",
    "escalation_response",
    "escalation",
    "midway_review",
    "reconvene",
)
EVENTS = {
    "became_looked_after": "became looked after",
    "first_short_break": "first short break",
    "previous_review": "previous review held",
    "s47_strategy_discussion": "strategy discussion (s47 started)",
    "transfer_in_notification": "transfer-in notified",
    "expected_delivery": "expected delivery date",
    "initial_conference": "initial conference held",
    "previous_conference": "previous review conference held",
    "meeting": "meeting",
    "plan_start": "plan started",
    "escalation_stage": "escalation stage raised",
    "escalation_raised": "challenge raised",
    "formal_escalation": "formal escalation started",
    "review_midpoint": "midpoint between the previous review and the next one due",
    "inquorate_conference": "conference not quorate",
}
#: What IRO oversight rules may count from (`reviewdesk.engine.oversight` knows these).
OVERSIGHT_EVENTS: dict[str, tuple[str, ...]] = {
    "escalation_response": ("escalation_stage",),
    "escalation": ("formal_escalation", "escalation_raised"),
    "midway_review": ("review_midpoint", "previous_review"),
    "reconvene": ("inquorate_conference",),
}
_OVERSIGHT_ONLY_EVENTS = frozenset(
    {
        "escalation_stage",
        "escalation_raised",
        "formal_escalation",
        "review_midpoint",
        "inquorate_conference",
    }
)
#: The highest stage an escalation procedure may have (0 is the informal stage).
MAX_STAGE = 9
#: The longest rule id and escalation stage's "to" a rules file may give: what the database
#: keeps of each (`RuleOverride.rule_id`, `EscalationStage.raised_with`; a test holds them
#: equal), so a file the check passes is never refused by PostgreSQL when saved.
RULE_ID_LIMIT = 80
STAGE_TO_LIMIT = 200
#: The largest rules file read (the shipped one is 16 KB): a larger file is refused unread,
#: so a wrong file (a log, an export, a disk image) cannot fill the memory.
RULES_FILE_LIMIT = 4 * 1024 * 1024
UNITS = {"working_days": "working days", "days": "days", "weeks": "weeks", "months": "months"}
DIRECTIONS = ("after", "before")
BASES = ("statutory", "local")

#: Rules the due-date engine looks up by id; a rules file may change them but not remove them.
REQUIRED = (
    "lac.notify_iro_service",
    "lac.iro_allocated",
    "lac.review.first",
    "lac.review.second",
    "lac.review.later",
    "lac.short_breaks.first",
    "lac.short_breaks.later",
    "cp.icpc",
    "cp.transfer_in",
    "cp.prebirth",
    "cp.review.first",
    "cp.review.later",
    "cp.plan.18_months",
    "cp.plan.2_years",
)
_MEETING_TYPES = {m.value for m in MeetingType}


@dataclass(frozen=True)
class Limit:
    amount: int
    unit: str

    def describe(self) -> str:
        word = UNITS[self.unit]
        if self.amount == 1:
            word = word.removesuffix("s")
        return f"{self.amount} {word}"


@dataclass(frozen=True)
class Rule:
    """One timescale: an amount of some unit before or after an event, with its source."""

    id: str
    process: str
    times: str
    from_event: str
    amount: int
    unit: str
    direction: str
    basis: str
    source: str
    title: str
    meetings: tuple[str, ...] = ()
    sooner_of: Limit | None = None
    enabled: bool = True
    origin: str = ""  # the file (or settings) the rule came from
    #: An escalation stage's number (0 informal, then 1, 2...) and to whom it goes: only
    #: for rules timing an escalation stage's response (times = "escalation_response").
    stage: int | None = None
    to: str = ""

    @property
    def limit(self) -> Limit:
        return Limit(self.amount, self.unit)

    def offset(self) -> str:
        """'1 working day before', '20 working days after (or 4 weeks, whichever is
        sooner)': how far from the event, with any sooner limit (a deadline's date may be
        the sooner limit's, and the words said only the main one)."""
        text = f"{self.limit.describe()} {self.direction}"
        if self.sooner_of:
            text += f" (or {self.sooner_of.describe()}, whichever is sooner)"
        return text

    def describe(self) -> str:
        """'20 working days after became looked after'."""
        text = f"{self.limit.describe()} {self.direction} {EVENTS[self.from_event]}"
        if self.sooner_of:
            text += f" (or {self.sooner_of.describe()}, whichever is sooner)"
        return text


@dataclass(frozen=True)
class RuleSet:
    """The rules in force, by id, and the files they came from (in order)."""

    rules: Mapping[str, Rule]
    origins: tuple[str, ...] = field(default=())
    name: str = ""

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules.values())

    def __len__(self) -> int:
        return len(self.rules)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self.rules

    def get(self, rule_id: str) -> Rule:
        try:
            return self.rules[rule_id]
        except KeyError:
            raise InvalidInput(f'rule "{rule_id}" is not in the rules in force') from None

    def around_meeting(self, meeting_type: str) -> list[Rule]:
        """Enabled rules counted from a meeting of this type (reports before, minutes after)."""
        return [
            r
            for r in self.rules.values()
            if r.enabled and r.from_event == "meeting" and meeting_type in r.meetings
        ]

    def merged(self, overrides: Iterable[Rule], origin: str) -> RuleSet:
        """These rules with others replacing (same id) or adding to them; checked again."""
        rules = dict(self.rules)
        for rule in overrides:
            rules[rule.id] = rule
        result = RuleSet(rules, (*self.origins, origin), self.name)
        _check_required(result, origin)
        return result


def _problem(origin: str, rule_id: str | None, field_name: str, why: str) -> InvalidInput:
    where = f'{origin}: rule "{rule_id}"' if rule_id else origin
    return InvalidInput(f"{where}, field {field_name}: {why}")


def _rule_from_mapping(data: Mapping[str, Any], origin: str, index: int) -> Rule:
    rule_id = data.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip():
        raise _problem(origin, f"#{index + 1}", "id", "missing or not text")
    if len(rule_id.strip()) > RULE_ID_LIMIT:
        raise _problem(
            origin,
            f"#{index + 1}",
            "id",
            f"\u201c{rule_id.strip()[:30]}\u2026\u201d is more than {RULE_ID_LIMIT} characters",
        )
    known = {
        "id",
        "process",
        "times",
        "from",
        "amount",
        "unit",
        "direction",
        "basis",
        "source",
        "title",
        "meetings",
        "sooner_of",
        "enabled",
        "stage",
        "to",
    }
    for key in data:
        if key not in known:
            allowed = ", ".join(sorted(known))
            raise _problem(origin, rule_id, key, f"unknown field (known: {allowed})")

    def choice(name: str, allowed: Iterable[str]) -> str:
        value = data.get(name)
        allowed = list(allowed)
        if value not in allowed:
            raise _problem(origin, rule_id, name, f'"{value}" is not one of {", ".join(allowed)}')
        return value

    def amount(value: Any, name: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
            raise _problem(origin, rule_id, name, f'"{value}" is not a whole number from 0 to 1000')
        return value

    for text_field in ("source", "title"):
        if not isinstance(data.get(text_field), str) or not data[text_field].strip():
            raise _problem(
                origin,
                rule_id,
                text_field,
                "missing: every rule names its "
                + ("source" if text_field == "source" else "title"),
            )
    meetings = data.get("meetings", [])
    if not isinstance(meetings, list) or any(m not in _MEETING_TYPES for m in meetings):
        raise _problem(
            origin,
            rule_id,
            "meetings",
            f"{meetings!r} must be a list of: {', '.join(sorted(_MEETING_TYPES))}",
        )
    times = choice("times", TIMES)
    from_event = choice("from", EVENTS)
    if (times == "meeting" or from_event == "meeting") and not meetings:
        raise _problem(origin, rule_id, "meetings", "needed: which meeting types it applies to")
    sooner = data.get("sooner_of")
    sooner_limit = None
    if sooner is not None:
        if not isinstance(sooner, Mapping):
            raise _problem(origin, rule_id, "sooner_of", "must be { amount = N, unit = ... }")
        unit = sooner.get("unit")
        if unit not in UNITS:
            raise _problem(
                origin, rule_id, "sooner_of.unit", f'"{unit}" is not one of {", ".join(UNITS)}'
            )
        sooner_limit = Limit(amount(sooner.get("amount"), "sooner_of.amount"), unit)
    enabled = data.get("enabled", True)
    if not isinstance(enabled, bool):
        raise _problem(origin, rule_id, "enabled", f'"{enabled}" is not true or false')
    stage, to = _stage_fields(data, origin, rule_id, times, from_event)
    return Rule(
        id=rule_id.strip(),
        process=choice("process", PROCESSES),
        times=times,
        from_event=from_event,
        amount=amount(data.get("amount"), "amount"),
        unit=choice("unit", UNITS),
        direction=choice("direction", DIRECTIONS),
        basis=choice("basis", BASES),
        source=data["source"].strip(),
        title=data["title"].strip(),
        meetings=tuple(meetings),
        sooner_of=sooner_limit,
        enabled=enabled,
        origin=origin,
        stage=stage,
        to=to,
    )


def _stage_fields(
    data: Mapping[str, Any], origin: str, rule_id: str, times: str, from_event: str
) -> tuple[int | None, str]:
    """An oversight rule's event, and an escalation stage's number and recipient: checked
    here so that no date is counted from an event the engine does not give it."""
    events = OVERSIGHT_EVENTS.get(times)
    if events is not None and from_event not in events:
        raise _problem(
            origin, rule_id, "from", f'"{from_event}" cannot time this; use {", ".join(events)}'
        )
    if events is None and from_event in _OVERSIGHT_ONLY_EVENTS:
        raise _problem(origin, rule_id, "from", f'"{from_event}" is only for IRO oversight rules')
    stage, to = data.get("stage"), data.get("to")
    if times != "escalation_response":
        for name, value in (("stage", stage), ("to", to)):
            if value is not None:
                raise _problem(origin, rule_id, name, "only for escalation stages")
        return None, ""
    if isinstance(stage, bool) or not isinstance(stage, int) or not 0 <= stage <= MAX_STAGE:
        raise _problem(
            origin, rule_id, "stage", f'"{stage}" is not a stage number from 0 to {MAX_STAGE}'
        )
    if not isinstance(to, str) or not to.strip():
        raise _problem(origin, rule_id, "to", "missing: say to whom the stage goes")
    if len(to.strip()) > STAGE_TO_LIMIT:
        raise _problem(origin, rule_id, "to", f"more than {STAGE_TO_LIMIT} characters")
    return stage, to.strip()


def rules_from_data(data: Mapping[str, Any], origin: str) -> tuple[str, list[Rule]]:
    """Check a parsed rules document; returns its name and its rules (InvalidInput if bad)."""
    entries = data.get("rule", [])
    if not isinstance(entries, list):
        raise _problem(origin, None, "rule", "must be a list of [[rule]] tables")
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise _problem(origin, f"#{index + 1}", "rule", "must be a table")
        rule = _rule_from_mapping(entry, origin, index)
        if rule.id in seen:
            raise _problem(origin, rule.id, "id", "appears twice in this file")
        seen.add(rule.id)
        rules.append(rule)
    meta = data.get("meta", {})
    name = meta.get("name", "") if isinstance(meta, Mapping) else ""
    return str(name), rules


def read_rules_text(path: str | Path) -> str:
    """The text of a rules file (the shipped rules, a council's), or `InvalidInput` naming
    it: not there, not a plain file (a named pipe would hang the reader), larger than
    `RULES_FILE_LIMIT`, or not UTF-8 text."""
    origin = str(path)
    try:
        return read_input_text(path, limit=RULES_FILE_LIMIT, what="rules file")
    except FileNotFoundError:
        raise InvalidInput(f"{origin}: no such rules file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{origin}: cannot read the rules file ({exc})") from None


def _read(path: Path) -> tuple[str, list[Rule]]:
    origin = str(path)
    text = read_rules_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"{origin}: not a valid TOML rules file ({exc})") from None
    return rules_from_data(data, origin)


def _check_required(ruleset: RuleSet, origin: str) -> None:
    stages: dict[int, str] = {}
    for rule in ruleset:
        if rule.enabled and rule.stage is not None:
            if rule.stage in stages:
                raise _problem(
                    origin, rule.id, "stage", f"stage {rule.stage} is also {stages[rule.stage]}"
                )
            stages[rule.stage] = rule.id
    for rule_id in REQUIRED:
        rule = ruleset.rules.get(rule_id)
        if rule is None:
            raise _problem(origin, rule_id, "id", "this rule is required by the due-date engine")
        if not rule.enabled:
            raise _problem(origin, rule_id, "enabled", "a required rule cannot be switched off")


def default_rules_path() -> Path:
    return resource("rules", "england.toml")


def load_rules(*paths: str | Path) -> RuleSet:
    """The default rules, then each file's rules over them (later files win)."""
    name, base = _read(default_rules_path())
    ruleset = RuleSet({r.id: r for r in base}, (str(default_rules_path()),), name)
    _check_required(ruleset, str(default_rules_path()))
    for path in paths:
        _, rules = _read(Path(path))
        ruleset = ruleset.merged(rules, str(path))
    return ruleset


@cache
def default_rules() -> RuleSet:
    """The shipped rules (cached: rules sets are immutable)."""
    return load_rules()


def with_overrides(
    ruleset: RuleSet, overrides: Sequence[Mapping[str, Any]], origin: str = "settings"
) -> RuleSet:
    """Rules with a council's overrides kept in its settings (a list of rule tables)."""
    _, rules = rules_from_data({"rule": list(overrides)}, origin)
    return ruleset.merged(rules, origin)
