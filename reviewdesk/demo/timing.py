"""Due dates and diary slots for the demo generator.

`Timescales` answers "when is this meeting due?" with the rules and calendar in force, fast
enough for a million meetings: it applies each rule exactly as the engine does
(`reviewdesk.engine.explain`), without building the explanation the generator never shows.
The tests check the result against `lac_schedule` and `cp_schedule` themselves.

`Diary` hands out times and rooms for meetings near the as-of date so that chairs, clerks
and rooms are not double-booked by accident (only where the generator means them to be).
"""

from __future__ import annotations

import datetime as dt
from random import Random

from reviewdesk.engine.explain import rule_date
from reviewdesk.rules import Rule, RuleSet
from reviewdesk.workingdays import WorkingCalendar

TIMES: tuple[dt.time, ...] = (dt.time(9, 30), dt.time(11, 0), dt.time(13, 30), dt.time(15, 0))


class Timescales:
    """Rule arithmetic for the generator: due dates and per-meeting deadlines."""

    def __init__(self, rules: RuleSet, calendar: WorkingCalendar) -> None:
        self.rules = rules
        self.calendar = calendar
        self._cache: dict[tuple[str, dt.date], dt.date | None] = {}

    def _rule(self, rule_id: str) -> Rule | None:
        rule = self.rules.rules.get(rule_id)
        return rule if rule is not None and rule.enabled else None

    def limit(self, rule_id: str, event: dt.date) -> dt.date | None:
        """The rule's limit counted from ``event`` (as `apply_rule` gives ``DueDate.date``)."""
        key = (rule_id, event)
        if key in self._cache:
            return self._cache[key]
        rule = self._rule(rule_id)
        result: dt.date | None = None
        if rule is not None:
            result = rule_date(rule, event, self.calendar)
        if len(self._cache) > 200_000:
            self._cache.clear()
        self._cache[key] = result
        return result

    def due(self, rule_id: str, event: dt.date) -> tuple[dt.date, dt.date]:
        """(limit, book by): the deadline and the latest working day on or before it."""
        limit = self.limit(rule_id, event)
        assert limit is not None, rule_id  # the engine's required rules always exist
        return limit, self.calendar.on_or_before(limit)

    def deadline(self, rule_id: str, meeting: dt.date, fallback: int) -> dt.date:
        """A deadline around a meeting (as `meeting_deadlines` gives it), or a fallback of
        ``fallback`` working days when the council has switched the rule off."""
        limit = self.limit(rule_id, meeting)
        if limit is None:
            return self.calendar.add_working_days(meeting, fallback)
        rule = self._rule(rule_id)
        assert rule is not None
        return self.calendar.on_or_before(limit) if rule.direction == "before" else limit

    def wd(self, day: dt.date, n: int) -> dt.date:
        return self.calendar.add_working_days(day, n)


class Diary:
    """Who and which room is busy when, for meetings from ``since`` onwards."""

    def __init__(self, rng: Random, calendar: WorkingCalendar, since: dt.date) -> None:
        self.rng = rng
        self.calendar = calendar
        self.since = since
        self.busy: set[tuple] = set()
        self.by_date: dict[dt.date, list[dict]] = {}

    def tracked(self, day: dt.date) -> bool:
        return day >= self.since

    def _free_time(
        self, day: dt.date, chair: int | None, clerk_pool: list[int] | None, rooms: list[int]
    ) -> dt.time | None:
        order = list(TIMES)
        self.rng.shuffle(order)
        for t in order:
            if chair is not None and ("s", day, t, chair) in self.busy:
                continue
            if clerk_pool and all(("s", day, t, c) in self.busy for c in clerk_pool):
                continue
            if all(("r", day, t, r) in self.busy for r in rooms):
                continue
            return t
        return None

    def place(
        self,
        day: dt.date,
        lo: dt.date,
        hi: dt.date,
        chair: int | None,
        clerk_pool: list[int] | None,
        rooms: list[int],
    ) -> tuple[dt.date, dt.time | None]:
        """The working day nearest ``day`` within [lo, hi] on which the chair (and a clerk)
        has a free time with a room free, and that time; ``day`` with no time when nothing
        fits."""
        steps = [0]
        for k in range(1, 6):
            steps += [-k, k]
        for step in steps:
            cand = self.calendar.add_working_days(day, step) if step else day
            if not lo <= cand <= hi:
                continue
            t = self._free_time(cand, chair, clerk_pool, rooms)
            if t is not None:
                return cand, t
        return day, None

    def take(
        self,
        day: dt.date,
        t: dt.time,
        chair: int | None,
        clerk_pool: list[int] | None,
        rooms: list[int],
    ) -> tuple[int | None, int | None]:
        """Mark the chair busy and pick a free clerk and the first free room in ``rooms``
        (the caller orders them by preference): (room, clerk)."""
        if chair is not None:
            self.busy.add(("s", day, t, chair))
        clerk = None
        if clerk_pool:
            start = self.rng.randrange(len(clerk_pool))
            for k in range(len(clerk_pool)):
                c = clerk_pool[(start + k) % len(clerk_pool)]
                if ("s", day, t, c) not in self.busy:
                    clerk = c
                    self.busy.add(("s", day, t, c))
                    break
        room = next((r for r in rooms if ("r", day, t, r) not in self.busy), rooms[0])
        self.busy.add(("r", day, t, room))
        return room, clerk
