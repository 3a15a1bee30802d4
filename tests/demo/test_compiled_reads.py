"""Reads through statements compiled once (`casework.rows.compiled_sql`) give what reads
compiling every statement afresh give: the flags of the small demo authority, all and for a
few children, at several dates (the same shapes, other values written in)."""

from __future__ import annotations

import datetime as dt

import pytest

from reviewdesk.casework import rows
from reviewdesk.flags import compute_flags
from tests.demo.conftest import AS_OF

D = dt.date


@pytest.mark.parametrize("as_of", [AS_OF, AS_OF - dt.timedelta(days=30), D(2024, 2, 29)])
def test_flags_the_same_with_statements_kept_and_compiled_afresh(
    small_demo, monkeypatch, as_of
) -> None:
    db, _ = small_demo
    with db.session() as s:
        kept = compute_flags(s, as_of=as_of)
        kept_again = compute_flags(s, as_of=as_of)  # from the statements kept
        some = sorted({f.child_id for f in kept if f.child_id})[:7]
        kept_some = compute_flags(s, as_of=as_of, child_ids=some)
    # Nothing kept: every statement compiled afresh.
    monkeypatch.setattr(rows, "_COMPILED", type(rows._COMPILED)())
    monkeypatch.setattr(rows, "COMPILED_KEPT", 0)
    with db.session() as s:
        fresh = compute_flags(s, as_of=as_of)
        fresh_some = compute_flags(s, as_of=as_of, child_ids=some)
    assert kept == kept_again == fresh and len(fresh) > 100
    assert kept_some == fresh_some and kept_some
