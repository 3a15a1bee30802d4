"""What a return says about one child, read and checked: the records of one or more years.

The readers (`reviewdesk.importers.ssda903`, `reviewdesk.importers.cin`) make these; a file's
records are cut into its collection years and kept (`reviewdesk.importers.slices`), and every
year kept is merged into the child's history. They are stored as compact JSON (dates as ISO
text), one row per child and year (`ReturnRecord`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

# --- SSDA903 -----------------------------------------------------------------------------------

#: An episode's columns, in the order kept (the `Episode` table's names).
EPISODE_COLUMNS = (
    "start",
    "end_date",
    "rne",
    "legal_status",
    "cin",
    "placement",
    "placement_provider",
    "rec",
    "reason_place_change",
    "home_postcode",
    "placement_postcode",
    "urn",
)
_START, _END, _REC = 0, 1, 7


@dataclass(slots=True)
class LacRecords:
    """A child in a 903 return: the header's details, episodes (tuples of
    `EPISODE_COLUMNS`, by start) and reviews held (date, participation code)."""

    local_id: str
    fields: dict[str, Any]
    episodes: list[tuple[Any, ...]] = field(default_factory=list)
    reviews: list[tuple[dt.date, str | None]] = field(default_factory=list)


def episode_start(episode: tuple[Any, ...]) -> dt.date:
    return episode[_START]


def episode_end(episode: tuple[Any, ...]) -> dt.date | None:
    return episode[_END]


def episode_open(episode: tuple[Any, ...]) -> tuple[Any, ...]:
    """The episode as a return shows it before it ended: no end date, no reason."""
    return (*episode[:_END], None, *episode[_END + 1 : _REC], None, *episode[_REC + 1 :])


# --- CIN census ---------------------------------------------------------------------------------


@dataclass(slots=True)
class S47Record:
    """A Section47 module: the strategy discussion that started the enquiry, its initial
    conference (if held) and whether one was not needed."""

    start: dt.date
    icpc: dt.date | None = None
    not_required: bool = False


@dataclass(slots=True)
class PlanRecord:
    """A ChildProtectionPlans module and its review conferences (CPPreviewDate)."""

    start: dt.date
    end: dt.date | None
    initial_category: str | None
    latest_category: str | None
    previous_plans: int
    reviews: list[dt.date] = field(default_factory=list)


@dataclass(slots=True)
class CinEpisode:
    """A CINdetails module, an episode of need: known across years by its referral date.

    ``icpc`` is its own DateOfInitialCPC: a held initial conference with no Section47 in
    this return (rule 2885: a transfer-in, or an enquiry in an earlier episode or year)."""

    referral: dt.date | None
    closure: dt.date | None = None
    reason: str | None = None
    icpc: dt.date | None = None
    s47s: list[S47Record] = field(default_factory=list)
    plans: list[PlanRecord] = field(default_factory=list)


@dataclass(slots=True)
class CinRecords:
    """A child in a CIN census: identifiers and characteristics, and episodes of need."""

    local_id: str
    fields: dict[str, Any]
    episodes: list[CinEpisode] = field(default_factory=list)


# --- JSON ---------------------------------------------------------------------------------------


def _d(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _p(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _fields_out(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: _d(v) if isinstance(v, dt.date) else v for k, v in fields.items()}


def _fields_in(fields: dict[str, Any]) -> dict[str, Any]:
    dates = ("dob", "expected_delivery")
    return {k: _p(v) if k in dates else v for k, v in fields.items()}


def lac_to_json(records: LacRecords) -> str:
    return json.dumps(
        {
            "f": _fields_out(records.fields),
            "e": [[_d(e[0]), _d(e[1]), *e[2:]] for e in records.episodes],
            "r": [[_d(day), code] for day, code in records.reviews],
        },
        separators=(",", ":"),
    )


def lac_from_json(local_id: str, text: str) -> LacRecords:
    data = json.loads(text)
    return LacRecords(
        local_id,
        _fields_in(data["f"]),
        [(_p(e[0]), _p(e[1]), *e[2:]) for e in data["e"]],
        [(_p(day), code) for day, code in data["r"]],  # type: ignore[misc]
    )


def cin_to_json(records: CinRecords) -> str:
    return json.dumps(
        {
            "f": _fields_out(records.fields),
            "e": [
                [
                    _d(e.referral),
                    _d(e.closure),
                    e.reason,
                    _d(e.icpc),
                    [[_d(s.start), _d(s.icpc), s.not_required] for s in e.s47s],
                    [
                        [
                            _d(p.start),
                            _d(p.end),
                            p.initial_category,
                            p.latest_category,
                            p.previous_plans,
                            [_d(r) for r in p.reviews],
                        ]
                        for p in e.plans
                    ],
                ]
                for e in records.episodes
            ],
        },
        separators=(",", ":"),
    )


def cin_from_json(local_id: str, text: str) -> CinRecords:
    data = json.loads(text)
    episodes = []
    for referral, closure, reason, icpc, s47s, plans in data["e"]:
        episodes.append(
            CinEpisode(
                _p(referral),
                _p(closure),
                reason,
                _p(icpc),
                [S47Record(_p(s), _p(i), bool(n)) for s, i, n in s47s],  # type: ignore[arg-type]
                [
                    PlanRecord(_p(s), _p(e), ic, lc, n, [_p(r) for r in rs])  # type: ignore[arg-type,misc]
                    for s, e, ic, lc, n, rs in plans
                ],
            )
        )
    return CinRecords(local_id, _fields_in(data["f"]), episodes)
