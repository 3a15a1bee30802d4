"""Imports go through the door: the role, one transaction, each record audited with its values
before and after (so a re-import can be traced field by field), and the rules of the data."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from reviewdesk import actions
from reviewdesk.storage import validation
from reviewdesk.storage.audit import list_audit
from reviewdesk.storage.models import AuditEntry, Child, Episode
from tests.importers.test_ssda903 import EPISODES, HEADER, REVIEWS, files


def test_a_reimport_s_changed_fields_are_in_the_audit(db, tmp_path) -> None:
    me = actions.whoami(db)
    first = actions.import_903(db, me, *files(tmp_path / "one"))
    assert first.result.written and first.children and "episode" in first.kinds
    with db.session() as s:
        a1 = s.scalar(select(Child).where(Child.local_id == "A1"))
        a1_id = a1.id
        c2 = s.scalar(select(Episode).where(Episode.legal_status == "C2"))
        c2_id = c2.id
    # The next return: A1's second episode is now a full care order from the start, A1's
    # sex is corrected, and B2's review is gone.
    header = HEADER.replace("A1,1,01/02/2015", "A1,2,01/02/2015")
    episodes = EPISODES.replace("A1,01/06/2023,L,C2,", "A1,01/06/2023,L,E1,")
    reviews = REVIEWS.replace("B2,03/04/2022,01/02/2024,PN0\n", "")
    again = actions.import_903(db, me, *files(tmp_path / "two", header, episodes, reviews))
    assert again.result.written and a1_id in again.children
    with db.session() as s:
        child = [e for e in list_audit(s, table="child", action="update")]
        episode = list_audit(s, table="episode", record_id=str(c2_id), action="update")
        removed = list_audit(s, table="meeting", action="delete")
        summary = list_audit(s, action="import", limit=1)
    assert [(e.record_id, e.before, e.after) for e in child] == [
        (str(a1_id), {"sex": "1"}, {"sex": "2"})
    ]
    [changed] = episode
    assert (changed.before, changed.after) == ({"legal_status": "C2"}, {"legal_status": "E1"})
    assert changed.child_id == a1_id and changed.username == "tester"
    [gone] = removed
    assert gone.before["held_date"] == "2024-02-01" and gone.before["participation"] == "PN0"
    assert gone.after is None
    assert summary[0].after["records"]["reviews"]["removed"] == 1


def test_the_same_rules_as_every_save_refuse_the_whole_import(db, tmp_path, monkeypatch):
    """A record an import would write that breaks a rule of the data (here one added for the
    test, through the same table of rules every save uses) refuses the import: nothing is
    written, and the problem is listed as the import's error."""

    def no_interim_care_orders(session, e):
        return (
            "Episode: legal status C1 refused by the test rule" if e.legal_status == "C1" else None
        )

    monkeypatch.setitem(
        validation.RULES, Episode, (*validation.RULES[Episode], no_interim_care_orders)
    )
    with db.session() as s:
        entries = s.scalar(select(func.count()).select_from(AuditEntry))
    changes = actions.import_903(db, actions.whoami(db), *files(tmp_path))
    result = changes.result
    assert result.refused and not result.written
    assert [e.message for e in result.errors] == [
        "Episode: legal status C1 refused by the test rule"
    ]
    assert changes.kinds == frozenset() and changes.children == frozenset()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Child)) == 0
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == entries


def test_a_dry_run_writes_nothing_not_even_the_trail(db, tmp_path) -> None:
    with db.session() as s:
        entries = s.scalar(select(func.count()).select_from(AuditEntry))
    changes = actions.import_903(db, actions.whoami(db), *files(tmp_path), dry_run=True)
    assert changes.result.dry_run and not changes.result.written
    assert changes.result.counts["children"].added == 2
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == entries
        assert s.scalar(select(func.count()).select_from(Child)) == 0


@pytest.mark.parametrize("dry_run", [False, True])
def test_an_import_by_a_reader_is_refused(open_db, tmp_path, dry_run) -> None:
    open_db("tester")
    reader = open_db("reader", role="team_manager")
    with pytest.raises(actions.Refused, match=r"reader \(team manager, read only\) cannot"):
        actions.import_903(reader, actions.whoami(reader), *files(tmp_path), dry_run=dry_run)
