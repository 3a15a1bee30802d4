"""The demo authority's people and places: teams, IROs, clerks, venues, users, closure days.

Sizes follow docs/domain.md ("A realistic authority") at the default scale and grow in proportion
with the number of children: 11 IROs (9.8 FTE, some part-time), 3 team managers with their
teams of social workers, 3-4 clerks, a service manager, venues with rooms (one virtual).
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from dataclasses import dataclass, field
from random import Random

from reviewdesk.codes import Role, StaffRole
from reviewdesk.demo.names import ADULT_FIRST, SURNAMES, TOWNS

#: FTE of the default authority's 11 IROs: 8 full-time and three part-time, 9.8 in all.
IRO_FTE_PATTERN: tuple[float, ...] = (1.0, 1.0, 0.8, 1.0, 1.0, 0.6, 1.0, 1.0, 0.4, 1.0, 1.0)
DEFAULT_OPEN_LAC = 480
DEFAULT_OPEN_CP = 420
DEFAULT_CHILDREN = DEFAULT_OPEN_LAC + DEFAULT_OPEN_CP
#: The display name of the "admin" user older demos made (`demo --replace` removes it).
DEMO_ADMINISTRATOR = "Demo administrator"

_ASCII_EXTRA = str.maketrans(
    {"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "ß": "ss", "ı": "i", "Đ": "D", "đ": "d"}
)


def ascii_fold(text: str) -> str:
    """'Łukasz Ó Briain' -> 'Lukasz O Briain': for usernames and e-mail addresses only."""
    text = unicodedata.normalize("NFKD", text.translate(_ASCII_EXTRA))
    return text.encode("ascii", "ignore").decode("ascii")


@dataclass
class Organisation:
    """Ids the case generator needs, and the rows to insert (table name -> rows)."""

    rows: dict[str, list[dict]] = field(default_factory=dict)
    iros: list[int] = field(default_factory=list)
    iro_fte: list[float] = field(default_factory=list)
    clerks: list[int] = field(default_factory=list)
    teams: list[int] = field(default_factory=list)
    team_managers: dict[int, int] = field(default_factory=dict)  # team -> manager staff id
    social_workers: dict[int, list[int]] = field(default_factory=dict)  # team -> staff ids
    physical_rooms: list[int] = field(default_factory=list)
    virtual_rooms: list[int] = field(default_factory=list)


def closure_days(as_of: dt.date, is_bank_holiday, years_back: int = 4) -> list[tuple[dt.date, str]]:
    """Weekdays between Christmas and New Year that are not bank holidays, for each year
    from ``years_back`` before the as-of date to the year after it."""
    out = []
    for year in range(as_of.year - years_back, as_of.year + 2):
        for day in range(27, 32):
            d = dt.date(year, 12, day)
            if d.weekday() < 5 and not is_bank_holiday(d):
                out.append((d, "Council closed between Christmas and New Year"))
    return out


def build_organisation(
    rng: Random,
    scale: float,
    next_id: dict[str, int],
    existing_usernames: set[str],
    *,
    runner: str | None = None,
    council_domain: str = "demo-borough.gov.uk",
) -> Organisation:
    """Staff, teams, venues, rooms and users for an authority ``scale`` times the default.

    ``runner``, the person making the demo, is added as an administrator (unless already a
    user): once users exist, anyone not on the list may only read.
    """
    org = Organisation()
    rows = org.rows
    for name in ("locality", "team", "staff", "venue", "room", "app_user"):
        rows[name] = []

    def new_id(table: str) -> int:
        value = next_id[table]
        next_id[table] = value + 1
        return value

    used_names: set[str] = set()

    def person() -> str:
        for _ in range(50):
            name = f"{rng.choice(ADULT_FIRST)} {rng.choice(SURNAMES)}"
            if name not in used_names:
                break
        else:
            name = f"{name} {len(used_names) + 1}"
        used_names.add(name)
        return name

    def staff(role: StaffRole, team: int | None, fte: float = 1.0) -> int:
        sid = new_id("staff")
        name = person()
        email = ascii_fold(name).lower().replace(" ", ".").replace("'", "")
        rows["staff"].append(
            {
                "id": sid,
                "name": name,
                "role": role.value,
                "fte": fte,
                "team_id": team,
                "email": f"{email}@{council_domain}",
                "phone": f"01632 {rng.randrange(960000, 961000):06d}",
                "active": True,
                "version": 1,
            }
        )
        return sid

    localities = []
    for town in ("North", "South", "Central"):
        lid = new_id("locality")
        rows["locality"].append({"id": lid, "name": f"{town} locality"})
        localities.append(lid)

    def team(name: str, locality: int | None) -> int:
        tid = new_id("team")
        rows["team"].append(
            {"id": tid, "name": name, "locality_id": locality, "manager_id": None, "version": 1}
        )
        return tid

    # The independent reviewing unit: IROs and clerks, led by the service manager.
    unit = team("Independent Reviewing and Safeguarding Unit", localities[2])
    service_manager = staff(StaffRole.SERVICE_MANAGER, unit)
    for _ in range(max(1, round(scale)) - 1):  # a bigger authority has more of them
        staff(StaffRole.SERVICE_MANAGER, unit)
    n_iros = max(2, round(11 * scale))
    for i in range(n_iros):
        fte = IRO_FTE_PATTERN[i % len(IRO_FTE_PATTERN)]
        org.iros.append(staff(StaffRole.IRO, unit, fte))
        org.iro_fte.append(fte)
    org.clerks = [staff(StaffRole.CLERK, unit) for _ in range(max(2, round(3.5 * scale)))]

    n_teams = max(3, round(3 * scale))
    n_workers = max(2 * n_teams, round(DEFAULT_CHILDREN * scale / 18))
    for k in range(n_teams):
        town = TOWNS[k % len(TOWNS)]
        suffix = "" if k < len(TOWNS) else f" {k // len(TOWNS) + 1}"
        tid = team(f"{town} Children's Social Work Team{suffix}", localities[k % 3])
        org.teams.append(tid)
        org.team_managers[tid] = staff(StaffRole.TEAM_MANAGER, tid)
        org.social_workers[tid] = []
    for k in range(n_workers):
        tid = org.teams[k % n_teams]
        org.social_workers[tid].append(staff(StaffRole.SOCIAL_WORKER, tid))
    managers = {unit: service_manager, **org.team_managers}
    for row in rows["team"]:
        row["manager_id"] = managers.get(row["id"])

    # Venues: two buildings and a virtual meeting room, with more rooms at a larger scale.
    n_rooms = max(2, math.ceil(2 * scale))
    venues = (
        ("Civic Centre", "Civic Centre, Market Street, Northgate", "Conference Room", False),
        ("Riverside Family Centre", "12 Quay Road, Riverside", "Meeting Room", False),
        ("Virtual (Microsoft Teams)", None, "Teams meeting", True),
    )
    for name, address, room_word, virtual in venues:
        vid = new_id("venue")
        rows["venue"].append({"id": vid, "name": name, "address": address, "version": 1})
        for r in range(n_rooms):
            rid = new_id("room")
            rows["room"].append(
                {
                    "id": rid,
                    "venue_id": vid,
                    "name": f"{room_word} {r + 1}",
                    "capacity": None if virtual else rng.choice((8, 10, 12, 16)),
                    "virtual": virtual,
                    "active": True,
                    "version": 1,
                }
            )
            (org.virtual_rooms if virtual else org.physical_rooms).append(rid)

    # Users: an administrator, every IRO, the team managers and the service manager.
    staff_by_id = {row["id"]: row for row in rows["staff"]}

    def user(username: str, display: str, role: Role, staff_id: int | None) -> None:
        base, n = username, 1
        while username in existing_usernames:
            n += 1
            username = f"{base}{n}"
        existing_usernames.add(username)
        rows["app_user"].append(
            {
                "id": new_id("app_user"),
                "username": username,
                "display_name": display,
                "role": role.value,
                "staff_id": staff_id,
                "active": True,
                "version": 1,
            }
        )

    # The person making the demo is its administrator (no shared "admin" account: a user
    # name is an operating-system account or database login, and one called "admin" would
    # make whoever has it an administrator).
    if runner and runner not in existing_usernames:
        user(runner, runner, Role.ADMINISTRATOR, None)
    for sid in [*org.iros, *org.team_managers.values(), service_manager]:
        name = staff_by_id[sid]["name"]
        first, _, last = name.partition(" ")
        handle = ascii_fold(first[0] + last).lower().replace(" ", "").replace("'", "")
        role = Role.IRO if sid in org.iros else Role.TEAM_MANAGER
        user(handle, name, role, sid)
    return org
