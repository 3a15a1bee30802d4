"""Settings, closure days and late reasons through the door: checked, versioned, audited."""

from __future__ import annotations

import datetime as dt

import pytest

from reviewdesk import actions
from reviewdesk.errors import InvalidInput
from reviewdesk.settings import closure_day_versions, get_setting, setting_versions
from reviewdesk.storage import backup
from reviewdesk.storage.audit import list_audit
from reviewdesk.storage.locking import ConcurrentChange

SAVED_AT = dt.datetime(2025, 3, 12, 9, 5, tzinfo=dt.UTC)


def test_a_settings_form_built_on_an_older_version_is_refused(open_db) -> None:
    amy, bob = open_db("tester"), open_db("bob")
    with amy.session() as s:
        shown = setting_versions(s)  # amy opens Settings
    with bob.session() as s:
        version = setting_versions(s)["council_name"][1]
    actions.save_settings(bob, actions.whoami(bob), {"council_name": ("Bob's", version)})
    with pytest.raises(ConcurrentChange, match="This setting was changed by bob"):
        actions.save_settings(
            amy, actions.whoami(amy), {"council_name": ("Amy's", shown["council_name"][1])}
        )
    # A different setting from the same (older) form still saves: nothing of bob's is lost.
    actions.save_settings(amy, actions.whoami(amy), {"region": ("scotland", shown["region"][1])})
    with amy.session() as s:
        assert get_setting(s, "council_name") == "Bob's"
        assert get_setting(s, "region") == "scotland"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"caseload_min_per_fte": (80, 1)}, "caseload range: the lowest (80)"),
        ({"caseload_max_per_fte": (0, 1)}, "caseload_max_per_fte: 0 is not a whole number"),
        ({"region": ("atlantis", 1)}, "region: 'atlantis' is not one of"),
        ({"targets": ({"lac_reviews_in_timescale": 140}, 1)}, "not a percentage from 0 to 100"),
        ({"rule_overrides": ([], 1)}, "rule_overrides: not a setting"),
        ({"council_name": ("x" * 201, 1)}, "council_name: give text of at most 200"),
        ({"backups_kept": (0, 0)}, "backups_kept: 0 is not a whole number from 1 to 100"),
        ({"backups_kept": (101, 0)}, "backups_kept: 101 is not a whole number from 1 to 100"),
        ({"backups_kept": ("5", 0)}, "backups_kept: '5' is not a whole number"),
    ],
)
def test_bad_settings_are_refused_naming_setting_and_value(db, changes, message) -> None:
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        actions.save_settings(db, actions.whoami(db), changes)


def test_the_number_of_backups_kept_is_a_setting_the_backups_follow(db) -> None:
    assert backup.backups_kept(db.engine) == backup.DEFAULT_KEPT
    changes = actions.save_settings(db, actions.whoami(db), {"backups_kept": (3, 0)})
    assert changes.touches("setting")
    assert backup.backups_kept(db.engine) == 3
    with db.session() as s:
        [entry] = list_audit(s, table="setting", record_id="backups_kept")
    assert entry.username == "tester" and entry.after["value"] == 3


def test_an_unchanged_setting_is_not_written(db) -> None:
    with db.session() as s:
        shown = setting_versions(s)
    changes = actions.save_settings(
        db, actions.whoami(db), {"council_name": (shown["council_name"][0], 1)}
    )
    assert changes.kinds == frozenset()
    with db.session() as s:
        assert list_audit(s, table="setting") == []


def test_closure_days_are_versioned_and_audited(open_db) -> None:
    amy, bob = open_db("tester"), open_db("bob")
    day = dt.date(2024, 12, 27)
    changes = actions.set_closure_day(amy, actions.whoami(amy), day, "Closed", expected_version=0)
    assert changes.calendar  # every due date may move
    with pytest.raises(ConcurrentChange, match="closure day was changed by tester"):
        actions.set_closure_day(bob, actions.whoami(bob), day, "Also closed", expected_version=0)
    with amy.session() as s:
        version = closure_day_versions(s)[day][1]
        [entry] = list_audit(s, table="closure_day")
    assert entry.after == {"day": "2024-12-27", "description": "Closed"}
    actions.remove_closure_day(bob, actions.whoami(bob), day, expected_version=version)
    with amy.session() as s:
        assert closure_day_versions(s) == {}
        [removed] = list_audit(s, table="closure_day", action="delete")
    assert removed.username == "bob" and removed.before["description"] == "Closed"


def test_a_retired_late_reason_comes_back_when_added_again(db) -> None:
    me = actions.whoami(db)
    reason = actions.add_late_reason(db, me, "Snow").result
    actions.retire_late_reason(db, me, reason, expected_version=1)
    assert actions.add_late_reason(db, me, " Snow ").result == reason
    with pytest.raises(InvalidInput, match="already in the list"):
        actions.add_late_reason(db, me, "Snow")
