"""Settings, closure days, users and what each role may do (written through the actions)."""

from __future__ import annotations

import datetime as dt

import pytest

from reviewdesk import actions
from reviewdesk.actions import Permission, Refused, allowed
from reviewdesk.codes import Role
from reviewdesk.errors import InvalidInput
from reviewdesk.settings import DEFAULTS, closure_day_versions, closure_days, get_setting
from reviewdesk.storage.lookups import late_reasons
from reviewdesk.storage.users import role_of
from tests.actions.shortcuts import save_setting


def test_settings_round_trip_with_defaults(db):
    with db.session() as s:
        assert get_setting(s, "region") == "england-and-wales"
        assert get_setting(s, "caseload_max_per_fte") == 70
        assert get_setting(s, "no_such_key", 5) == 5
        with pytest.raises(KeyError):
            get_setting(s, "no_such_key")
    save_setting(db, "region", "scotland")
    save_setting(db, "council_name", "Borsetshire County Council")
    with db.session() as s:
        assert get_setting(s, "region") == "scotland"
        assert get_setting(s, "region", "ignored") == "scotland"
        assert get_setting(s, "council_name") == "Borsetshire County Council"
    assert DEFAULTS["council_name"] == "Demo Borough Council"
    with pytest.raises(InvalidInput, match="region: 'atlantis' is not one of"):
        save_setting(db, "region", "atlantis")


def test_closure_days(db):
    me = actions.whoami(db)
    actions.set_closure_day(db, me, dt.date(2024, 12, 27), "Christmas closure", expected_version=0)
    actions.set_closure_day(db, me, dt.date(2024, 12, 30), expected_version=0)
    with db.session() as s:
        assert closure_days(s) == {
            dt.date(2024, 12, 27): "Christmas closure",
            dt.date(2024, 12, 30): "Local closure day",
        }
        version = closure_day_versions(s)[dt.date(2024, 12, 30)][1]
    actions.remove_closure_day(db, me, dt.date(2024, 12, 30), expected_version=version)
    with pytest.raises(InvalidInput, match="no such closure day"):
        actions.remove_closure_day(db, me, dt.date(2024, 12, 30), expected_version=version)
    with db.session() as s:
        assert list(closure_days(s)) == [dt.date(2024, 12, 27)]


def test_late_reasons_start_with_the_council_papers(db):
    with db.session() as s:
        texts = [r.text for r in late_reasons(s)]
    assert "Not quorate" in texts and "Social worker unavailable" in texts
    me = actions.whoami(db)
    actions.add_late_reason(db, me, "  Interpreter   unavailable ")
    with pytest.raises(InvalidInput):
        actions.add_late_reason(db, me, "   ")
    with db.session() as s:
        assert late_reasons(s)[-1].text == "Interpreter unavailable"


@pytest.mark.parametrize(
    ("role", "allowed_to", "refused"),
    [
        (Role.ADMINISTRATOR, list(Permission), []),
        (
            Role.IRO,
            [Permission.READ, Permission.RECORD_OUTCOME],
            [Permission.BOOK_MEETING, Permission.IMPORT, Permission.VIEW_AUDIT],
        ),
        (
            Role.TEAM_MANAGER,
            [Permission.READ, Permission.VIEW_AUDIT],
            [Permission.RECORD_OUTCOME, Permission.MANAGE_SETTINGS],
        ),
        (None, [Permission.READ], [Permission.VIEW_AUDIT, Permission.MANAGE_USERS]),
    ],
)
def test_permissions(role, allowed_to, refused):
    for permission in allowed_to:
        assert allowed(role, permission)
    for permission in refused:
        assert not allowed(role, permission)


def test_team_managers_are_told_they_are_read_only(open_db):
    open_db("tester")
    manager = open_db("tm", role="team_manager")
    with pytest.raises(Refused, match=r"^tm \(team manager, read only\) cannot change settings"):
        save_setting(manager, "council_name", "X")


def test_roles_of_users(open_db):
    db = open_db("tester")
    with db.session() as s:
        assert role_of(s, "tester") is Role.ADMINISTRATOR  # who made the database
        assert role_of(s, "anyone") is None  # not on the list: reads only
    actions.add_user(db, actions.whoami(db), "jsmith", "iro", display_name="Jo Smith")
    with pytest.raises(InvalidInput, match="already on the user list"):
        actions.add_user(db, actions.whoami(db), "jsmith", "iro")
    with db.session() as s:
        assert role_of(s, "jsmith") is Role.IRO
        assert role_of(s, "stranger") is None
