"""Settings, closure days, users and what each role may do."""

from __future__ import annotations

import datetime as dt

import pytest

from reviewdesk.codes import Role
from reviewdesk.errors import InvalidInput, ReviewdeskError
from reviewdesk.settings import DEFAULTS, closure_days, get_setting, set_setting
from reviewdesk.storage.lookups import (
    add_late_reason,
    late_reasons,
    remove_closure_day,
    set_closure_day,
)
from reviewdesk.storage.users import Action, add_user, can, require, role_of


def test_settings_round_trip_with_defaults(db):
    with db.session() as s:
        assert get_setting(s, "region") == "england-and-wales"
        assert get_setting(s, "caseload_max_per_fte") == 70
        assert get_setting(s, "no_such_key", 5) == 5
        with pytest.raises(KeyError):
            get_setting(s, "no_such_key")
        set_setting(s, "region", "scotland")
        set_setting(s, "council_name", "Borsetshire County Council")
    with db.session() as s:
        assert get_setting(s, "region") == "scotland"
        assert get_setting(s, "region", "ignored") == "scotland"
        assert get_setting(s, "council_name") == "Borsetshire County Council"
    assert DEFAULTS["council_name"] == "Demo Borough Council"


def test_closure_days(db):
    with db.session() as s:
        set_closure_day(s, dt.date(2024, 12, 27), "Christmas closure")
        set_closure_day(s, dt.date(2024, 12, 30))
    with db.session() as s:
        assert closure_days(s) == {
            dt.date(2024, 12, 27): "Christmas closure",
            dt.date(2024, 12, 30): "Local closure day",
        }
        assert remove_closure_day(s, dt.date(2024, 12, 30))
        assert not remove_closure_day(s, dt.date(2024, 12, 30))
    with db.session() as s:
        assert list(closure_days(s)) == [dt.date(2024, 12, 27)]


def test_late_reasons_start_with_the_council_papers(db):
    with db.session() as s:
        texts = [r.text for r in late_reasons(s)]
    assert "Not quorate" in texts and "Social worker unavailable" in texts
    with db.session() as s:
        add_late_reason(s, "  Interpreter   unavailable ")
        with pytest.raises(InvalidInput):
            add_late_reason(s, "   ")
    with db.session() as s:
        assert late_reasons(s)[-1].text == "Interpreter unavailable"


@pytest.mark.parametrize(
    ("role", "allowed", "refused"),
    [
        (Role.ADMINISTRATOR, list(Action), []),
        (Role.IRO, [Action.VIEW, Action.RECORD_OUTCOME], [Action.BOOK_MEETING, Action.IMPORT]),
        (Role.TEAM_MANAGER, [Action.VIEW], [Action.RECORD_OUTCOME, Action.MANAGE_SETTINGS]),
    ],
)
def test_permissions(role, allowed, refused):
    for action in allowed:
        assert can(role, action)
        require(role, action)
    for action in refused:
        assert not can(role, action)
        with pytest.raises(ReviewdeskError, match="cannot"):
            require(role, action)
    assert not can("wizard", Action.VIEW)


def test_team_managers_are_told_they_are_read_only():
    with pytest.raises(ReviewdeskError, match=r"As team manager \(read only\) you cannot book"):
        require(Role.TEAM_MANAGER, Action.BOOK_MEETING)


def test_roles_of_users(db):
    with db.session() as s:
        assert role_of(s, "anyone") is Role.ADMINISTRATOR  # no users yet: single-user install
        add_user(s, "jsmith", Role.IRO, "Jo Smith")
        with pytest.raises(InvalidInput, match="already taken"):
            add_user(s, "jsmith", Role.IRO)
    with db.session() as s:
        assert role_of(s, "jsmith") is Role.IRO
        assert role_of(s, "stranger") is Role.TEAM_MANAGER
