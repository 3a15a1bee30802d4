"""Two people, two real connections, saving different things at the same moment: nothing is
lost. Each try starts both saves at a barrier, each built on the versions it read (as a form
is); afterwards both changes must be there. (Before the actions, rule overrides were one
settings row and settings forms wrote every value: changes were silently overwritten.)"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest

from reviewdesk import actions
from reviewdesk.rule_overrides import override_versions, stored_overrides
from reviewdesk.settings import closure_day_versions, get_setting, setting_versions
from reviewdesk.storage.models import Child, ClosureDay, Meeting, PeriodOfCare, Report

TRIES = 15
D = dt.date


def race(first: Callable[[], object], second: Callable[[], object]) -> list[BaseException | None]:
    """Run both at once (two threads released together); the exception each raised."""
    barrier = threading.Barrier(2)
    errors: list[BaseException | None] = [None, None]

    def run(i: int, fn: Callable[[], object]) -> None:
        barrier.wait()
        try:
            fn()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors[i] = exc

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate((first, second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.fixture
def two(open_db):
    """Two administrators on two connections (two engines)."""
    amy, bob = open_db("amy"), open_db("bob")
    return (amy, actions.whoami(amy)), (bob, actions.whoami(bob))


def test_different_rule_overrides(two) -> None:
    (amy, a), (bob, b) = two

    def change(db, who, rule_id: str, n: int, amount: int):
        def go():
            with db.session() as s:  # the form was opened on the rule as it was
                version = override_versions(s).get(rule_id, 0)
            actions.set_rule(
                db, who, rule_id, expected_version=version, source=f"{rule_id} {n}", amount=amount
            )

        return go

    for n in range(TRIES):
        errors = race(
            change(amy, a, "lac.review.first", n, 15 + n % 2),
            change(bob, b, "cp.icpc", n, 10 + n % 2),
        )
        assert errors == [None, None]
        with amy.session() as s:
            sources = {t["id"]: t["source"] for t in stored_overrides(s)}
        assert sources == {"lac.review.first": f"lac.review.first {n}", "cp.icpc": f"cp.icpc {n}"}


def test_different_settings(two) -> None:
    (amy, a), (bob, b) = two

    def change(db, who, key: str, value):
        def go():
            with db.session() as s:
                shown = setting_versions(s)
            actions.save_settings(db, who, {key: (value, shown[key][1])})

        return go

    for n in range(TRIES):
        errors = race(
            change(amy, a, "council_name", f"Council {n}"),
            change(bob, b, "due_soon_working_days", 5 + n),
        )
        assert errors == [None, None]
        with amy.session() as s:
            assert get_setting(s, "council_name") == f"Council {n}"
            assert get_setting(s, "due_soon_working_days") == 5 + n


def test_different_reports_of_one_meeting(two) -> None:
    (amy, a), (bob, b) = two
    with amy.session() as s:
        child = Child(local_id="C1", dob=D(2015, 1, 1))
        child.periods.append(PeriodOfCare(start=D(2024, 1, 1)))
        s.add(child)
        s.flush()
        meeting = Meeting(
            child_id=child.id,
            period_id=child.periods[0].id,
            process="lac",
            meeting_type="lac_review",
            booked_date=D(2024, 1, 20),
        )
        meeting.reports = [Report(author="A", agency="police"), Report(author="B", agency="health")]
        s.add(meeting)
        s.flush()
        mid, first, second = meeting.id, meeting.reports[0].id, meeting.reports[1].id

    def receive(db, who, report_id: int, day: dt.date):
        def go():
            with db.session() as s:
                version = s.get(Report, report_id).version
            actions.update_report(
                db,
                who,
                report_id,
                received=day,
                shared_with_parents=None,
                expected_version=version,
            )

        return go

    for n in range(TRIES):
        day = D(2024, 1, 1) + dt.timedelta(days=n)
        assert race(receive(amy, a, first, day), receive(bob, b, second, day)) == [None, None]
        with amy.session() as s:
            assert [r.received for r in s.get(Meeting, mid).reports] == [day, day]


def test_different_closure_days(two) -> None:
    (amy, a), (bob, b) = two
    days = (D(2024, 12, 27), D(2024, 12, 30))

    def describe(db, who, day: dt.date, text: str):
        def go():
            with db.session() as s:
                version = closure_day_versions(s).get(day, ("", 0))[1]
            actions.set_closure_day(db, who, day, text, expected_version=version)

        return go

    for n in range(TRIES):
        errors = race(describe(amy, a, days[0], f"A{n}"), describe(bob, b, days[1], f"B{n}"))
        assert errors == [None, None]
        with amy.session() as s:
            assert [s.get(ClosureDay, d).description for d in days] == [f"A{n}", f"B{n}"]


def test_the_same_record_at_once_one_is_refused_never_lost(two) -> None:
    """Both change the same rule: one saves, the other is told who got there first."""
    (amy, a), (bob, b) = two
    from reviewdesk.storage.locking import ConcurrentChange

    for n in range(5):
        with amy.session() as s:
            version = override_versions(s).get("cp.icpc", 0)

        def change(db, who, amount, version=version, n=n):
            return lambda: actions.set_rule(
                db, who, "cp.icpc", expected_version=version, source=f"{n}", amount=amount
            )

        errors = race(change(amy, a, 11), change(bob, b, 12))
        assert errors.count(None) == 1
        refused = next(e for e in errors if e is not None)
        assert isinstance(refused, ConcurrentChange), refused
        with amy.session() as s:
            saved = next(t for t in stored_overrides(s) if t["id"] == "cp.icpc")["amount"]
        assert saved == (11 if errors[0] is None else 12)
