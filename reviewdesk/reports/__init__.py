"""Printed documents (reportlab, no Qt): workload lists, weekly schedules, packs, timeliness.

Every builder takes an open SQLAlchemy session and keyword arguments, writes one PDF to
``out`` (a path, or a binary file object such as ``io.BytesIO`` for print preview) and
returns the number of pages. ``invariant=True`` gives byte-identical output for tests.

    build_workload(session, *, as_of, out, iro=None, invariant=False)      # landscape
    build_weekly(session, *, week, out, as_of=None, invariant=False)       # landscape
    build_pack(session, meeting_id, *, as_of, out, invariant=False)        # portrait
    build_packs(session, *, week, as_of, out, invariant=False)             # portrait
    build_timeliness(session, *, start, end, as_of, out, invariant=False)  # portrait

``iro`` is a staff id or (part of) a name; ``week`` is any day in the week (Monday to
Sunday). Bad input raises `reviewdesk.errors.InvalidInput` with a message for a person.
`pdf_bytes(build_pack, session, 12, as_of=today)` returns the PDF as bytes.
"""

from reviewdesk.reports.base import pdf_bytes
from reviewdesk.reports.packs import build_pack, build_packs
from reviewdesk.reports.timeliness import build_timeliness
from reviewdesk.reports.weekly import build_weekly
from reviewdesk.reports.workload import build_workload

__all__ = [
    "build_pack",
    "build_packs",
    "build_timeliness",
    "build_weekly",
    "build_workload",
    "pdf_bytes",
]
