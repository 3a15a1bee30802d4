"""Exactly one audit entry per change on a shared server, whether the change came through the
app or raw SQL: the database's triggers write the row changes, the app only the entries of
whole actions (an import's summary, an export). An import leaves the same entries, record by
record, as on the SQLite file, where the app writes them itself."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import func, select

from reviewdesk import actions
from reviewdesk.scheduling import Booking
from reviewdesk.storage.db import Database, open_database
from reviewdesk.storage.models import AuditEntry, Meeting
from tests.importers.generate import write_903
from tests.storage.server.conftest import People

pytestmark = pytest.mark.postgres

D = dt.date


def _since(db: Database, last: int) -> list[AuditEntry]:
    with db.session() as s:
        return list(
            s.scalars(select(AuditEntry).where(AuditEntry.id > last).order_by(AuditEntry.id))
        )


def _last(db: Database) -> int:
    with db.session() as s:
        return s.scalar(select(func.max(AuditEntry.id))) or 0


def _one_entry_per_record(entries: list[AuditEntry]) -> None:
    counted = Counter((e.action, e.table_name, e.record_id) for e in entries)
    twice = {key: n for key, n in counted.items() if n > 1}
    assert not twice, f"written more than once: {twice}"


def test_each_change_made_in_the_app_has_exactly_one_entry(people: People):
    admin = people.db(people.admin)
    me = actions.whoami(admin)
    last = _last(people.owner)
    changes = actions.book_meeting(
        admin, me, people.ids["child"], "lac_review", Booking(D(2024, 9, 2), dt.time(10))
    )
    entries = _since(people.owner, last)
    assert [(e.username, e.action, e.table_name, e.record_id) for e in entries] == [
        (people.admin, "create", "meeting", str(changes.result))
    ]
    assert entries[0].child_id == people.ids["child"] and entries[0].recorded_by == people.admin
    assert entries[0].after["booked_date"] == "2024-09-02"
    # What the action reports as changed is still right (the window refreshes from it).
    assert changes.touches("meeting") and changes.children == {people.ids["child"]}

    iro = people.db(people.iro)
    with iro.session() as s:
        version = s.get(Meeting, people.ids["mine"]).version
    last = _last(people.owner)
    outcome = actions.Outcome(parts=[D(2024, 4, 22), D(2024, 4, 29)], participation="PN1")
    changes = actions.record_outcome(
        iro,
        actions.whoami(iro),
        people.ids["mine"],
        outcome,
        late=False,
        as_of=D(2024, 5, 1),
        expected_version=version,
    )
    entries = _since(people.owner, last)
    _one_entry_per_record(entries)
    assert sorted((e.action, e.table_name) for e in entries) == [
        ("create", "meeting_part"),
        ("create", "meeting_part"),
        ("update", "meeting"),
    ]
    assert {e.username for e in entries} == {people.iro}
    assert {e.child_id for e in entries} == {people.ids["child"]}
    assert changes.touches("meeting", "meeting_part")

    last = _last(people.owner)
    actions.record_export(
        admin, me, "case list", destination=people.team.schema + ".csv", children=[1]
    )
    (entry,) = _since(people.owner, last)  # an action's own entry: the app's, once
    assert (entry.action, entry.username) == ("export", people.admin)


def test_an_import_leaves_the_entries_the_sqlite_file_has(people: People, tmp_path):
    files = write_903(tmp_path / "903", 4, seed=5)

    def imported(db: Database) -> list[AuditEntry]:
        last = _last(db)
        actions.import_903(db, actions.whoami(db), files.header, files.episodes, files.reviews)
        return [e for e in _since(db, last) if e.action != "import"]

    on_server = imported(people.db(people.admin))
    sqlite = open_database(tmp_path / "file.sqlite", username="tester")
    try:
        on_file = imported(sqlite)
    finally:
        sqlite.dispose()
    _one_entry_per_record(on_server)

    def key(e: AuditEntry) -> tuple:
        return (e.action, e.table_name, e.child_id is not None)

    assert Counter(map(key, on_server)) == Counter(map(key, on_file))
    assert len(on_server) > 10
    # The same values, record by record (ids differ between the two databases). The
    # database's entry of a new record holds every column; the app's bulk form those the
    # file gave (the rest are empty or defaults).
    by_local_id = {e.after["local_id"]: e.after for e in on_server if e.table_name == "child"}
    for e in on_file:
        if e.table_name == "child":
            theirs = by_local_id[e.after["local_id"]]
            assert {k: theirs[k] for k in e.after if k != "id"} == {
                k: v for k, v in e.after.items() if k != "id"
            }
            assert {v for k, v in theirs.items() if k not in e.after} <= {None}
