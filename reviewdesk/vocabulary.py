"""The shared words, each defined once: every page, report, flag and command uses these.

- **Open on a date** (`open_on`): a period of care or CP plan started on or before the day
  and not ended by it. A period ending on the day is closed that day: the child left care, so
  no further review is due. This is how the DfE's returns count "looked after at 31 March" (a
  period ceasing on 31 March is not counted) and how the due-date engine has always worked.
- **Covers a day** (`covers`): the period or plan a meeting held on a day belongs to, its last
  day included: a review held on the day a child leaves care is that period's review.
- **Live meetings** (`LIVE_STATUSES`): booked, held or adjourned. Cancelled and stood-down
  meetings never count, take no room and need no due date.
- **Held by a date** (`is_held`) and **still to take place** (`is_upcoming`); booked for a
  day now past and never recorded: **outcome not recorded** (`is_outcome_not_recorded`,
  `OUTCOME_NOT_RECORDED`), said so wherever such a meeting is shown.
- **Dates shown to people** (`format_uk`): dd/mm/yyyy (stored as ISO dates).
- **Weeks** (`week_start`): Monday to Sunday.
- **Unknown, not wrong** (`NOT_JUDGED`, `DUE_NOT_KNOWN`, `NEXT_NOT_KNOWN`): what is said of a
  meeting held whose timeliness the data cannot judge, and of a next meeting it cannot date (a
  yearly return not imported), always with why; never a blank or a guess.
- **Meeting labels** (`meeting_label`): "LAC review 3", "Initial CP conference", "3rd review CP
  conference", the same on screen, in flags, exports and printed documents.
- **Age** (`age_on`): whole years; a child born on 29 February turns a year older on 1 March
  in a year without one.
- **Names in order** (`fold`, `name_key`): by their letters, accents and case aside, so "Ó
  Briain" sorts among the Os and "Łukasz" among the Ls (and search finds "zoe" in "Zoë").

See docs/domain.md ("Words reviewdesk uses") for why each is defined this way. Pure: no
database, no Qt, importable by the engine.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from functools import lru_cache
from typing import Any

from reviewdesk.codes import MEETING_TYPE_LABEL, MeetingStatus, MeetingType, Process

# --- open on a date -------------------------------------------------------------------------


def open_on(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    """A period of care or CP plan from ``start`` to ``end`` (None: not ended) is open on
    ``day``: started by then and not yet ended. Ending on ``day`` means closed on ``day``.

    The SQL form of the same test is `reviewdesk.casework.predicates.open_on_sql`.
    """
    return start <= day and (end is None or end > day)


def covers(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    """``day`` falls within the period or plan, its last day included: where a meeting held
    on ``day`` belongs (a review held on the day a child leaves care is that period's)."""
    return start <= day and (end is None or day <= end)


# --- meetings -------------------------------------------------------------------------------

#: Meetings that count: booked, held or adjourned. Cancelled and stood-down ones never do.
LIVE_STATUSES: frozenset[str] = frozenset(
    {MeetingStatus.BOOKED.value, MeetingStatus.HELD.value, MeetingStatus.ADJOURNED.value}
)
#: Meetings called off: cancelled or stood down.
CALLED_OFF_STATUSES: frozenset[str] = frozenset(
    {MeetingStatus.CANCELLED.value, MeetingStatus.STOOD_DOWN.value}
)
#: Live meetings not (yet) held: booked, or adjourned to another day.
AWAITED_STATUSES: frozenset[str] = frozenset(
    {MeetingStatus.BOOKED.value, MeetingStatus.ADJOURNED.value}
)
_HELD = MeetingStatus.HELD.value
_BOOKED = MeetingStatus.BOOKED.value


def is_held(status: str, held_date: dt.date | None, as_of: dt.date) -> bool:
    """Held by ``as_of``: recorded as held, on a date on or before it (a held date after the
    as-of date is still to come, as things stood that day)."""
    return status == _HELD and held_date is not None and held_date <= as_of


def is_upcoming(status: str, held_date: dt.date | None, as_of: dt.date) -> bool:
    """Still to take place on ``as_of``: booked or adjourned, or recorded as held after it."""
    return status in AWAITED_STATUSES or (
        status == _HELD and (held_date is None or held_date > as_of)
    )


def is_ahead(
    status: str, held_date: dt.date | None, booked_date: dt.date | None, as_of: dt.date
) -> bool:
    """Still to take place on ``as_of`` (`is_upcoming`) and booked for that day or later: a
    meeting whose reports can still be chased (the chase list, the "Children with late
    reports" tile). One booked for an earlier day and not recorded is not: its outcome is to
    be recorded (`is_outcome_not_recorded`)."""
    return (
        is_upcoming(status, held_date, as_of) and booked_date is not None and booked_date >= as_of
    )


def is_outcome_not_recorded(status: str, booked_date: dt.date | None, as_of: dt.date) -> bool:
    """Booked for a day before ``as_of`` and not recorded since: whether it was held, and
    when, is not known. An adjourned meeting is recorded (it sat and was adjourned, to be
    re-convened as a meeting of its own: the inquoracy flags follow that up)."""
    return status == _BOOKED and booked_date is not None and booked_date < as_of


#: What every place says of a meeting `is_outcome_not_recorded` (the flag's short words).
OUTCOME_NOT_RECORDED = "outcome not recorded"
#: What to do about it.
RECORD_THE_OUTCOME = "record it as held, adjourned, cancelled or stood down"


def meeting_day(m: Any, as_of: dt.date) -> dt.date | None:
    """The date a meeting row (``status``, ``held_date``, ``booked_date``) is or was on: its
    held date once held by ``as_of``, else its booked date."""
    if is_held(m.status, m.held_date, as_of):
        return m.held_date
    return m.booked_date


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def child_name(first: str | None, last: str | None, local_id: str | None) -> str:
    """How a child is named everywhere: "Zoë Kowalski"; one name alone when only one is
    known; the local ID when neither is (an unborn child's record, an import's)."""
    return " ".join(n for n in (first, last) if n and n.strip()) or (local_id or "")


def room_label(room: str | None, venue: str | None) -> str:
    """How a room is named everywhere: "Conference Room 1, Civic Centre" (the room alone
    with no venue, "" with no room). The room comes first, so a narrow column that cuts the
    end still tells one room of a venue from another (they read "Civic Centre: Conference
    Roo…" alike)."""
    if not room:
        return ""
    return f"{room}, {venue}" if venue else room


def meeting_type_label(meeting_type: str) -> str:
    """A meeting type's name ('LAC review', 'Initial pre-birth'), or the code as stored when
    it is not one reviewdesk knows (a row written by an older or newer version)."""
    try:
        return MeetingType(meeting_type).label
    except ValueError:
        return meeting_type


@lru_cache(maxsize=1024)
def meeting_label(meeting_type: str, sequence: int | None = None) -> str:
    """How a meeting is named everywhere: 'LAC review 3', 'Initial CP conference',
    'Initial pre-birth CP conference', '1st review CP conference', '3rd review CP
    conference' ('Subsequent review CP conference' when its number is not known).

    ``sequence`` is the engine's number: LAC reviews count from 1 in a period of care; CP
    review conferences from 1 on a plan (0 is the initial conference).
    """
    try:
        kind = MeetingType(meeting_type)
    except ValueError:
        return meeting_type
    if kind is MeetingType.LAC_REVIEW:
        return f"LAC review {sequence}" if sequence else "LAC review"
    if kind is MeetingType.RCPC_SUBSEQUENT and sequence and sequence > 1:
        return f"{ordinal(sequence)} review CP conference"
    return f"{MEETING_TYPE_LABEL[kind]} CP conference"


# --- unknown, not wrong ----------------------------------------------------------------------

#: A meeting held whose timeliness the data cannot judge (said with why, `not_judged`).
NOT_JUDGED = "not judged"
#: A meeting due whose due date the data cannot give.
DUE_NOT_KNOWN = "due date not known"
#: The case list's "Next due" when no next meeting can be dated.
NEXT_NOT_KNOWN = "not known"
#: The case list's "Next meeting" when none is ahead and one booked for a day now past was
#: never recorded (`is_outcome_not_recorded`).
NEXT_NOT_RECORDED = "not recorded"


def not_judged(reason: str) -> str:
    """'not judged (previous review not in the data ...)'."""
    return f"{NOT_JUDGED} ({reason})" if reason else NOT_JUDGED


#: Short names of the two processes, for columns and lists.
PROCESS_LABEL: dict[str, str] = {Process.LAC.value: "LAC", Process.CP.value: "CP"}


def process_label(process: str) -> str:
    """'LAC' or 'CP' (anything else as it is)."""
    return PROCESS_LABEL.get(process, process)


# --- dates shown to people ------------------------------------------------------------------

_DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@lru_cache(maxsize=8192)
def _uk(d: dt.date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def format_uk(d: dt.date | None, empty: str = "") -> str:
    """dd/mm/yyyy, the way dates are shown to people; ``empty`` for no date. (Cached: the
    same dates recur in thousands of flags and rows.)"""
    if d is None:
        return empty
    if isinstance(d, dt.datetime):
        d = d.date()
    return _uk(d)


def format_uk_long(d: dt.date) -> str:
    """'Wed 24/04/2024': the weekday matters when counting working days."""
    return f"{_DAY_ABBR[d.weekday()]} {format_uk(d)}"


def format_uk_time(moment: dt.datetime) -> str:
    """'24/04/2024 14:05': a moment (when something was changed or printed)."""
    return f"{format_uk(moment.date())} {moment.hour:02d}:{moment.minute:02d}"


# --- weeks ----------------------------------------------------------------------------------


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week (Monday to Sunday) holding ``day``."""
    return day - dt.timedelta(days=day.weekday())


# --- age --------------------------------------------------------------------------------------


def age_on(dob: dt.date, on: dt.date) -> int:
    """Age in whole years on ``on``. A birthday on 29 February comes on 1 March in a year
    without one (as the Age of Legal Capacity (Scotland) Act 1991 s6 says, and as English
    practice reads the Family Law Reform Act 1969 s9): the child is a year older from 1 March,
    not from 28 February. Negative before birth."""
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


# --- names in order ---------------------------------------------------------------------------

#: Letters that Unicode does not decompose into a base letter and a mark.
_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "ß": "ss", "þ": "th"}
)


def fold(text: str) -> str:
    """Text folded to its letters: case and accents ignored, so "zoe" matches "Zoë", "obriain"
    does not need the "Ó", and "Łukasz" reads "lukasz"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_LETTERS)


@lru_cache(maxsize=131072)
def name_key(text: str | None) -> str:
    """The key names sort by: their letters first (`fold`), then case and accents to keep
    the order stable ("Ó Briain" between "Nowak" and "Price", never after "Zając")."""
    if text is None:
        return ""
    return f"{fold(text)}\x00{text.casefold()}\x00{text}"
