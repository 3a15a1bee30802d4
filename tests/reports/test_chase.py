"""The chase list, read back from the PDF."""

from __future__ import annotations

import datetime as dt
import io

from reviewdesk.reports.chase import build_chase
from tests.reports.factory import AS_OF, COUNCIL, populate
from tests.reports.pdfcheck import assert_a4, assert_furniture, read_pdf

AGENCIES = ("GP", "Health", "Police", "School", "Social worker")


def test_a_list_running_onto_another_page_says_which_agency_it_continues(fresh_db) -> None:
    """Grouped by agency: the rows at the top of every page follow their agency's name, so a
    page taken off the printer still says whom to call."""
    with fresh_db.session() as session:
        populate(session, iros=1, children_per_iro=90, week_meetings=44)
        out = io.BytesIO()
        pages = build_chase(
            session, as_of=AS_OF - dt.timedelta(days=7), within=20, out=out, invariant=True
        )
    pdf = read_pdf(out.getvalue())
    assert pages == pdf.pages >= 2
    assert_a4(pdf, landscape=True)
    assert_furniture(pdf, council=COUNCIL, title="Reports to chase")
    for n, text in enumerate(pdf.texts[1:], start=2):
        lines = text.splitlines()
        first = lines.index("Report") + 1  # the line after the repeated column heading
        assert lines[first] in AGENCIES or lines[first] in {f"{a} (continued)" for a in AGENCIES}, (
            f"page {n} starts with {lines[first]!r}, not its agency"
        )
