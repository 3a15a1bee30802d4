"""How reviewdesk counts, in words: shown in the window's settings and printed on request.

These are decisions (docs/domain.md, "Counting conventions"), and the engine follows them exactly;
keeping the words next to the code that owns them keeps the two in step.
"""

from __future__ import annotations

COUNTING_CONVENTIONS: tuple[tuple[str, str], ...] = (
    (
        "Working day",
        "Not a Saturday or Sunday, not a bank holiday of the chosen UK nation (substitute "
        "days and one-off days such as 19/09/2022 and 08/05/2023 count), and not a local "
        "closure day added by the council.",
    ),
    (
        "Within N working days of D",
        "D is day 0 whether or not it is a working day; the deadline is the Nth working day "
        "after D. Mon 25/03/2024 + 20 → Wed 24/04/2024 (Good Friday and Easter Monday "
        "skipped).",
    ),
    (
        "Not more than N months after D",
        "D plus N calendar months, clamped to the month's end: 31/01/2024 + 3 months → "
        "30/04/2024. Held on or before the limit is in timescale. Where the limit is not a "
        "working day, the latest working day before it is the date to book by.",
    ),
    (
        "At least N working days before M",
        "The meeting day M is day 0; the deadline is the Nth working day before M. Received "
        "on or before it is on time; after it, or not at all, is late.",
    ),
    (
        "Out of timescale",
        "Held after its due date, or not held by it (overdue). Every late meeting needs a "
        "recorded reason.",
    ),
    (
        "Later reviews",
        "Count from the date the previous review was actually held, not from its due date. "
        "A new period of care starts again at the 1st review.",
    ),
    (
        "Reviews held in parts",
        "Every part is kept; the review counts as held on the date of its last part.",
    ),
)
