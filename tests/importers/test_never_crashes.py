"""Whatever is in the cells or the bytes, checking a file reports errors and never raises."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewdesk.importers import check_903, check_cin
from reviewdesk.importers.records import EPISODE_COLUMNS
from reviewdesk.storage.models import Child, Episode
from tests.importers.generate import EPISODES, cin_children, cin_xml, rows_903
from tests.importers.test_ssda903 import HEADER, REVIEWS

ROWS = rows_903(3, seed=2)
CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["31/02/2024", "2024-01-01", "X1", "V3", "PN0", "", " ", "0", "é", '"']),
)


def _episodes_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EPISODES)
    writer.writerows(rows)
    return out.getvalue()


def _check_episodes(rows: list[list[str]]) -> tuple:
    """`check_903` of the sample's header, ``rows`` as its episodes, and no reviews."""
    header = "CHILD,SEX,DOB\n" + "".join(f"{h[0]},{h[1]},{h[2]}\n" for h in ROWS.header)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "h.csv").write_text(header, encoding="utf-8")
        (folder / "e.csv").write_text(_episodes_csv(rows), encoding="utf-8")
        (folder / "r.csv").write_text("CHILD,REVIEW,REVIEW_CODE\n", encoding="utf-8")
        return check_903(folder / "h.csv", folder / "e.csv", folder / "r.csv")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_episode_cells_give_errors_not_exceptions(data) -> None:
    rows = [list(r) for r in ROWS.episodes]
    for _ in range(data.draw(st.integers(1, 4))):
        r = data.draw(st.integers(0, len(rows) - 1))
        c = data.draw(st.integers(0, len(EPISODES) - 1))
        rows[r][c] = data.draw(CELL)
    plans, issues = _check_episodes(rows)
    for issue in issues:
        assert str(issue).startswith(("e.csv", "h.csv", "r.csv"))
    assert {p.local_id for p in plans}.isdisjoint({i.child for i in issues})
    # Whatever passes the checks fits its column (PostgreSQL refuses overlong text).
    for plan in plans:
        _fits(Child, {"local_id": plan.local_id, **plan.fields})
        for episode in plan.episodes:
            _fits(Episode, dict(zip(EPISODE_COLUMNS, episode, strict=True)))


def _fits(model, values: dict) -> None:
    for name, value in values.items():
        length = getattr(model.__table__.c[name].type, "length", None)
        if isinstance(value, str) and length is not None:
            assert len(value) <= length, (model.__name__, name, value)


@settings(max_examples=60, deadline=None)
@given(junk=st.binary(max_size=200), cut=st.integers(0, 400))
def test_junk_and_truncated_files_give_errors_not_exceptions(junk: bytes, cut: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "h.csv").write_bytes(HEADER.encode()[:cut] + junk)
        (folder / "e.csv").write_bytes(junk)
        (folder / "r.csv").write_bytes(REVIEWS.encode())
        _plans, issues = check_903(folder / "h.csv", folder / "e.csv", folder / "r.csv")
        assert issues  # the episodes file is junk: there is always something to say
        xml = cin_xml(cin_children(2, seed=1)).encode()
        (folder / "c.xml").write_bytes(xml[:cut] + junk)
        _plans, issues = check_cin(folder / "c.xml")
        if cut < len(xml):
            assert issues


def test_a_value_longer_than_csv_reads_is_an_error_naming_the_row() -> None:
    """One value of 200,000 characters stopped the import with an error the command line
    could only call unexpected (the csv module's limit is 131,072)."""
    rows = [list(r) for r in ROWS.episodes]
    rows[1][1] = "x" * 200_000
    _plans, issues = _check_episodes(rows)
    assert [str(i) for i in issues if "cannot be read" in str(i)] == [
        "e.csv row 3: this row cannot be read (a value is longer than 131,072 characters), "
        "nor the rest of the file"
    ]
