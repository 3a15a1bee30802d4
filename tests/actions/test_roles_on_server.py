"""Every action against every PostgreSQL login on a server set up for a team, with the data
of the table-driven role test (tests/actions/test_roles.py): first through the app as it is
(the same answers as `EXPECTED`), then with the app blinded, believing everyone an
administrator, so that only the database stands in the way: it must refuse exactly what the
roles forbid (`ON_THE_SERVER`).

Two differences from the app's table, both the server being stricter: a login in no
reviewdesk group (not on the list, or deactivated) cannot even read there, so it opens
nothing; and the one entry of the trail anyone may add for themselves is the record that
data left reviewdesk (`record_export`), so even a login in a group cannot record a backup,
an import or a restore of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from reviewdesk import actions
from reviewdesk.actions import base
from reviewdesk.codes import Role
from reviewdesk.errors import InvalidInput
from reviewdesk.storage.db import open_database
from tests.actions.test_roles import (
    CASES,
    EXPECTED,
    PEOPLE,
    Env,
    _snapshot,
    check_each_person,
    dispose_all,
    populate,
)
from tests.dbfixtures import TeamServer

pytestmark = pytest.mark.postgres

#: Logins the server gives no group: they cannot open the database at all.
NO_ACCESS = frozenset({"not_listed", "deactivated"})
READERS = frozenset(PEOPLE) - NO_ACCESS

#: What the database alone allows each login: the app's table, less those with no access.
ON_THE_SERVER: dict[str, frozenset[str]] = {
    name: frozenset(who) - NO_ACCESS for name, who in EXPECTED.items()
}


def _setup(team: TeamServer, folder) -> Env:  # noqa: ANN001 - a Path
    owner = open_database(team.url(team.owner))
    try:
        admin_login = team.login("administrator")
        actions.add_user(owner, actions.whoami(owner), admin_login, "administrator")
    finally:
        owner.dispose()
    team.make_login(team.login("not_listed"))  # a login the server has, in no group

    def opener(login: str):  # noqa: ANN202 - a Database, or None for one with no access
        try:
            return open_database(team.url(login))
        except InvalidInput as refused:
            assert "may not use this reviewdesk database" in str(refused)
            return None

    admin = open_database(team.url(admin_login))
    env = populate(admin, folder, opener, {who: team.login(who) for who in PEOPLE})
    env.login_suffix = f"_{team.tag}"
    return env


def _denied(error: BaseException) -> bool:
    """Whether the database refused it for want of a privilege (SQLSTATE 42501), however
    the app wrapped the error."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, DBAPIError) and getattr(seen.orig, "sqlstate", None) == "42501":
            return True
        seen = seen.__cause__ or seen.__context__
    return False


@contextmanager
def _blind_app(monkeypatch) -> Iterator[None]:  # noqa: ANN001
    """The app believes everyone an administrator: its own checks let everything through."""
    real = base._actor

    def everyone_an_administrator(session, username):  # noqa: ANN001, ANN202
        return replace(real(session, username), role=Role.ADMINISTRATOR)

    with monkeypatch.context() as patched:
        patched.setattr(base, "_actor", everyone_an_administrator)
        yield


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_login_is_allowed_or_refused_by_the_app_and_by_the_database(
    name, team, tmp_path, monkeypatch
) -> None:
    env = _setup(team, tmp_path)
    try:
        assert {who for who, db in env.dbs.items() if db is None} == NO_ACCESS
        for who in NO_ACCESS:  # not even psql reads anything
            raw = create_engine(team.url(env.login(who)))
            try:
                with pytest.raises(DBAPIError), raw.connect() as conn:
                    conn.execute(text("SELECT count(*) FROM child"))
            finally:
                raw.dispose()

        # The database alone first (so that each call would change something: an import
        # of the same files, say), then the app as it is.
        with _blind_app(monkeypatch):
            order = sorted(READERS, key=lambda who: who in ON_THE_SERVER[name])
            for who in order:
                db = env.dbs[who]
                me = actions.whoami(db)
                prepared = CASES[name].prepare(env)
                if who in ON_THE_SERVER[name]:
                    CASES[name].call(env, db, me, prepared)
                    continue
                before = _snapshot(env.admin)
                with pytest.raises(Exception) as failed:  # noqa: PT011 - any, if the database's
                    CASES[name].call(env, db, me, prepared)
                assert _denied(failed.value), f"{who}'s {name}: {failed.value!r}"
                assert _snapshot(env.admin) == before, f"{who}'s refused {name} changed data"

        check_each_person(env, name, READERS)
    finally:
        dispose_all(env)


def test_the_chair_of_an_initial_conference_starts_and_ends_its_plan_on_the_server(
    team, tmp_path
) -> None:
    """An IRO chairing an initial conference records "Plan made" (the plan starts that day),
    corrects the day it was held (the plan's start moves), and, chairing the review
    conference, records "Plan ended": the database lets them write the plan of a child of
    theirs, and only its two dates; not another IRO's child's plan."""
    import datetime as dt

    from reviewdesk.actions.meetings import Outcome
    from reviewdesk.storage.models import CpPlan, Meeting

    env = _setup(team, tmp_path)
    try:
        day = dt.date(2024, 5, 20)
        with env.admin.session() as s:
            icpc = Meeting(
                child_id=env.ids["child"],
                process="cp",
                meeting_type="icpc",
                booked_date=day,
                booked_time=dt.time(10, 0),
                chair_id=env.ids["chair"],
            )
            s.add(icpc)
            s.flush()
            icpc_id = icpc.id
        chair = env.dbs["iro_chair"]

        def record(meeting_id: int, day: dt.date, outcome: str, category: str | None) -> None:
            with env.admin.session() as s:
                version = s.get(Meeting, meeting_id).version
            actions.record_outcome(
                chair,
                actions.whoami(chair),
                meeting_id,
                Outcome(parts=[day], quorate=True, outcome=outcome, category=category),
                late=False,
                as_of=day,
                expected_version=version,
            )

        record(icpc_id, day, "Plan made", "NEG")
        # Corrected: it was held on the Friday before; the plan moves with it.
        day = dt.date(2024, 5, 17)
        record(icpc_id, day, "Plan made", "NEG")
        with env.admin.session() as s:
            [plan] = s.query(CpPlan).filter_by(child_id=env.ids["child"]).all()
            assert (plan.start, plan.end_date, plan.initial_category) == (day, None, "NEG")
            plan_id = plan.id
        review_day = dt.date(2024, 8, 15)
        with env.admin.session() as s:
            review = Meeting(
                child_id=env.ids["child"],
                process="cp",
                meeting_type="rcpc_first",
                booked_date=review_day,
                booked_time=dt.time(10, 0),
                chair_id=env.ids["chair"],
            )
            s.add(review)
            s.flush()
            review_id = review.id
        record(review_id, review_day, "Plan ended", None)
        with env.admin.session() as s:
            assert s.get(CpPlan, plan_id).end_date == review_day
        # Raw SQL as the other IRO: neither a plan for this child nor a change to its plan.
        raw = create_engine(team.url(env.login("iro_other")))
        try:
            for statement in (
                f"UPDATE cp_plan SET end_date = NULL WHERE id = {plan_id}",
                f"INSERT INTO cp_plan (child_id, start, previous_plans, end_unknown, version) "
                f"VALUES ({env.ids['child']}, '2024-09-01', 0, false, 1)",
            ):
                with raw.begin() as conn:
                    result = None
                    try:
                        result = conn.execute(text(statement))
                    except DBAPIError as refused:
                        assert _denied(refused) or "row-level security" in str(refused)
                        continue
                    assert result.rowcount == 0, statement  # no row of theirs to change
        finally:
            raw.dispose()
        with env.admin.session() as s:
            assert s.get(CpPlan, plan_id).end_date == review_day
            assert s.query(CpPlan).filter_by(child_id=env.ids["child"]).count() == 1
    finally:
        dispose_all(env)
