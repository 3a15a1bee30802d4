"""Every action against every role, on SQLite and PostgreSQL.

Administrators may do everything. An IRO records the outcome (and the reports) only of
meetings they chair. Team managers, people not on the user list and deactivated users only
read (recording that data left the system is part of reading). A refusal names who, which
role and what was tried, and changes nothing; an allowed action leaves audit entries by the
person who did it, and moves the change signal every window polls (its feed naming at
least the children the action says it changed). `EXPECTED` must name every action in
`reviewdesk.actions.ACTIONS`: a new action without an entry fails here.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from reviewdesk import actions
from reviewdesk.actions import ACTIONS, Refused
from reviewdesk.codes import MEETING_OUTCOMES
from reviewdesk.rule_overrides import override_versions
from reviewdesk.scheduling import Booking
from reviewdesk.settings import closure_day_versions, setting_versions
from reviewdesk.storage.db import Database
from reviewdesk.storage.models import (
    AuditEntry,
    Base,
    Child,
    ChildProfessional,
    Invitee,
    LateReason,
    Meeting,
    MeetingReason,
    PeriodOfCare,
    Person,
    Report,
    ReportFile,
    Setting,
    Staff,
    User,
)
from reviewdesk.storage.signal import read_signal
from tests.dbfixtures import open_as
from tests.importers.generate import write_903, write_cin

D = dt.date
AS_OF = D(2024, 5, 1)

#: The people: user name -> (role on the list, or None; linked to the meeting's chair?).
PEOPLE = {
    "administrator": ("administrator", False),
    "iro_chair": ("iro", True),
    "iro_other": ("iro", False),
    "team_manager": ("team_manager", False),
    "not_listed": (None, False),
    "deactivated": ("administrator", False),  # deactivated below: reads only
}
EVERYONE = frozenset(PEOPLE)
ADMIN = frozenset({"administrator"})
CHAIR = frozenset({"administrator", "iro_chair"})

#: Who may do each action.
EXPECTED: dict[str, frozenset[str]] = {
    "book_meeting": ADMIN,
    "reschedule_meeting": ADMIN,
    "cancel_meeting": ADMIN,
    "record_outcome": CHAIR,
    "update_report": CHAIR,
    "save_settings": ADMIN,
    "set_closure_day": ADMIN,
    "remove_closure_day": ADMIN,
    "add_late_reason": ADMIN,
    "retire_late_reason": ADMIN,
    "add_meeting_reason": ADMIN,
    "retire_meeting_reason": ADMIN,
    "update_child": ADMIN,
    "allocate": ADMIN,
    "set_rule": ADMIN,
    "reset_rule": ADMIN,
    "replace_rules": ADMIN,
    "add_user": ADMIN,
    "set_role": ADMIN,
    "set_user_details": ADMIN,
    "deactivate_user": ADMIN,
    "reactivate_user": ADMIN,
    "import_903": ADMIN,
    "import_cin": ADMIN,
    "create_demo": ADMIN,
    "backup_database": ADMIN,
    "restore_database": ADMIN,
    "record_export": EVERYONE,
    # IRO oversight: administrators, and the IRO allocated to the child or chairing its
    # meetings (here the chair of the child's review), as themselves.
    "raise_escalation": CHAIR,
    "add_escalation_stage": CHAIR,
    "record_escalation_response": CHAIR,
    "update_escalation": CHAIR,
    "record_contact": CHAIR,
    "remove_contact": CHAIR,
    "record_child_voice": CHAIR,
    "add_escalation_theme": ADMIN,
    "retire_escalation_theme": ADMIN,
    # People, invitations and reports (#19): the clerk's work, administrators only; an IRO
    # records attendance and receives reports for the meetings they chair, as with outcomes.
    "save_person": ADMIN,
    "remove_person": ADMIN,
    "save_professional": ADMIN,
    "link_professional": ADMIN,
    "unlink_professional": ADMIN,
    "add_invitees": ADMIN,
    "remove_invitee": ADMIN,
    "record_attendance": CHAIR,
    "record_meeting_attendance": CHAIR,
    "send_meeting_request": ADMIN,
    "send_invitation_letters": ADMIN,
    "record_consultation_sent": ADMIN,
    "add_reports": ADMIN,
    "remove_report": ADMIN,
    "send_report_requests": ADMIN,
    "attach_report_file": CHAIR,
    "remove_report_file": CHAIR,
    "record_pack_sent": ADMIN,
}


def test_every_action_has_an_entry() -> None:
    assert set(EXPECTED) == set(ACTIONS), "give each new action its roles in EXPECTED"
    assert set(CASES) == set(ACTIONS), "give each new action a way to call it in CASES"


#: Actions that change no data (their audit entries leave the change signal alone).
CHANGE_NO_DATA = frozenset({"record_export", "backup_database"})
#: The audit entries that change no data (migration 0011's trigger leaves the signal alone).
QUIET_ACTIONS = frozenset({"export", "backup"})


@dataclass
class Env:
    folder: Path
    admin: Database
    dbs: dict[str, Database]
    ids: dict[str, int]
    counter: itertools.count = field(default_factory=itertools.count)
    backup: Path | None = None
    files_903: Any = None
    cin: Path | None = None
    #: Each person's user name, where it is not the name in `PEOPLE` (a server's logins),
    #: and what the names of people added later end with.
    logins: dict[str, str] = field(default_factory=dict)
    login_suffix: str = ""

    def login(self, who: str) -> str:
        return self.logins.get(who, who)

    def new_login(self, text: str) -> str:
        return self.unique(text) + self.login_suffix

    def version(self, model: type, key: Any) -> int:
        with self.admin.session() as s:
            return s.get(model, key).version

    def user_version(self, name: str) -> int:
        with self.admin.session() as s:
            return s.scalar(select(User.version).where(User.username == name))

    def unique(self, text: str) -> str:
        return f"{text}{next(self.counter)}"


def _setup(target: str, folder: Path) -> Env:
    admin = open_as(target, "administrator")
    return populate(admin, folder, lambda name: open_as(target, name))


def populate(
    admin: Database,
    folder: Path,
    opener: Callable[[str], Database | None],
    logins: dict[str, str] | None = None,
) -> Env:
    """The child, meeting and report the actions work on, and the `PEOPLE` on the user list
    (named by ``logins``, if given), each with a `Database` from ``opener`` (None for one
    who may not open it)."""
    logins = logins or {}
    ids: dict[str, int] = {}
    with admin.session() as s:
        chair = Staff(name="Łukasz Nowak", role="iro")
        other = Staff(name="Máire Ó Briain", role="iro")
        child = Child(local_id="R1", first_name="Zoë", dob=D(2015, 6, 1))
        child.periods.append(PeriodOfCare(start=D(2024, 3, 25)))
        s.add_all([chair, other, child])
        s.flush()
        meeting = Meeting(
            child_id=child.id,
            period_id=child.periods[0].id,
            process="lac",
            meeting_type="lac_review",
            booked_date=D(2024, 4, 22),
            booked_time=dt.time(10, 0),
            chair_id=chair.id,
        )
        meeting.reports.append(Report(author="Zoë Clarke", agency="social_worker"))
        meeting.invitees.append(Invitee(name="Ann Patel", role="GP", email="ann@nhs.example"))
        meeting.invitees.append(Invitee(name="Ruth Clarke", role="Mother"))
        s.add_all([meeting, Setting(key="invitations_mailbox", value="iro@council.example")])
        s.flush()
        ids.update(
            child=child.id,
            period=child.periods[0].id,
            meeting=meeting.id,
            report=meeting.reports[0].id,
            invitee=meeting.invitees[0].id,
            chair=chair.id,
            other=other.id,
        )
    me = actions.whoami(admin)
    for name, (role, chairs) in PEOPLE.items():
        if role is not None and name != "administrator":
            staff = ids["chair"] if chairs else (ids["other"] if role == "iro" else None)
            actions.add_user(admin, me, logins.get(name, name), role, staff_id=staff)
    deactivated = logins.get("deactivated", "deactivated")
    actions.deactivate_user(admin, me, deactivated, expected_version=1)  # added just above
    dbs = {
        name: admin if name == "administrator" else opener(logins.get(name, name))
        for name in PEOPLE
    }
    env = Env(folder, admin, dbs, ids, logins=logins)
    # The files some actions read: a backup to restore, returns to import.
    env.backup = folder / "backup.jsonl"
    actions.backup_database(admin, me, env.backup, dump=True)
    env.files_903 = write_903(folder / "903", 3, seed=2)
    env.cin = write_cin(folder / "cin.xml", 3, seed=2)
    return env


Call = Callable[[Env, Database, actions.Actor, Any], actions.Changes]


@dataclass(frozen=True)
class Case:
    """How to call an action: ``prepare`` (as the administrator, before each call) gives
    what ``call`` needs, e.g. a user to deactivate."""

    call: Call
    prepare: Callable[[Env], Any] = lambda env: None


def case(call: Callable[[Env, Database, actions.Actor], actions.Changes]) -> Case:
    return Case(lambda env, db, me, _prepared: call(env, db, me))


def _closure(env: Env) -> dt.date:
    """A closure day to remove (as the administrator)."""
    with env.admin.session() as s:
        versions = closure_day_versions(s)
    if D(2024, 12, 27) not in versions:
        actions.set_closure_day(
            env.admin, actions.whoami(env.admin), D(2024, 12, 27), "x", expected_version=0
        )
    return D(2024, 12, 27)


def _rule_version(env: Env, rule_id: str) -> int:
    with env.admin.session() as s:
        return override_versions(s).get(rule_id, 0)


def _overridden(env: Env) -> str:
    if _rule_version(env, "cp.icpc") == 0:
        actions.set_rule(
            env.admin,
            actions.whoami(env.admin),
            "cp.icpc",
            expected_version=0,
            source="local",
            amount=12,
        )
    return "cp.icpc"


def _target_user(env: Env) -> str:
    name = env.new_login("target")
    actions.add_user(env.admin, actions.whoami(env.admin), name, "iro")
    return name


def _deactivated(env: Env) -> str:
    """A deactivated user to reactivate (as the administrator)."""
    name = env.login("deactivated")
    with env.admin.session() as s:
        active = s.scalar(select(User.active).where(User.username == name))
    if active:
        actions.deactivate_user(
            env.admin, actions.whoami(env.admin), name, expected_version=env.user_version(name)
        )
    return name


def _late_reason(env: Env) -> int:
    changes = actions.add_late_reason(env.admin, actions.whoami(env.admin), env.unique("Fog "))
    return changes.result


def _meeting_reason(env: Env) -> int:
    changes = actions.add_meeting_reason(
        env.admin, actions.whoami(env.admin), "cancel", env.unique("Snowed in ")
    )
    return changes.result


def _allocation(env: Env) -> actions.AllocationChange:
    """A change of IRO (each allowed call hands the child to the other IRO, a day later)."""
    with env.admin.session() as s:
        period = s.get(PeriodOfCare, env.ids["period"])
        now = period.iro_id
        latest = max((a.start for a in period.child.allocations if a.start), default=None)
    day = max(D(2024, 3, 26), (latest or D(2024, 3, 25)) + dt.timedelta(days=1))
    iro = env.ids["other"] if now == env.ids["chair"] else env.ids["chair"]
    return actions.AllocationChange(on=day, team_id=None, social_worker_id=None, iro_id=iro)


def _outcome(env: Env) -> actions.Outcome:
    """An outcome that differs from the last (so each allowed call changes something)."""
    with env.admin.session() as s:
        last = s.get(Meeting, env.ids["meeting"]).outcome
    words = MEETING_OUTCOMES["lac"]
    chosen = words[(words.index(last) + 1) % len(words) if last in words else 0]
    return actions.Outcome(parts=[D(2024, 4, 22)], participation="PN1", outcome=chosen)


def _person(env: Env) -> int:
    form = actions.PersonForm(name=env.unique("Gran "), relation="grandparent", address="1 Lane")
    return actions.save_person(env.admin, actions.whoami(env.admin), env.ids["child"], form).result


def _professional(env: Env) -> int:
    form = actions.ProfessionalForm(name=env.unique("PC "), agency="police")
    return actions.save_professional(env.admin, actions.whoami(env.admin), form).result


def _link(env: Env) -> int:
    admin = actions.whoami(env.admin)
    return actions.link_professional(env.admin, admin, env.ids["child"], _professional(env)).result


def _invitee(env: Env) -> int:
    new = actions.NewInvitee(name=env.unique("Aunt "), role="Aunt")
    added = actions.add_invitees(env.admin, actions.whoami(env.admin), env.ids["meeting"], [new])
    return added.result[0]


def _report(env: Env) -> int:
    new = actions.NewReport(author=env.unique("Probation "), agency="probation")
    added = actions.add_reports(env.admin, actions.whoami(env.admin), env.ids["meeting"], [new])
    return added.result[0]


def _pdf() -> bytes:
    from tests.invitations.scenario import report_pdf

    return report_pdf("Report")


def _attach(env: Env, db: Database, me: actions.Actor) -> actions.Changes:
    return actions.attach_report_file(
        db,
        me,
        env.ids["report"],
        data=_pdf(),
        file_name=env.unique("report") + ".pdf",
        received=D(2024, 4, 1 + env.version(Report, env.ids["report"]) % 20),
        expected_version=env.version(Report, env.ids["report"]),
    )


def _attached(env: Env) -> int:
    """A file on the report (as the administrator); the file's version."""
    _attach(env, env.admin, actions.whoami(env.admin))
    with env.admin.session() as s:
        return s.scalar(select(ReportFile.version).where(ReportFile.report_id == env.ids["report"]))


def _attendance(env: Env) -> str:
    with env.admin.session() as s:
        now = s.get(Invitee, env.ids["invitee"]).attendance
    return "apologies" if now == "attended" else "attended"


BOOKING = Booking(D(2024, 4, 23), dt.time(10, 0))

#: How to call each action as the person given (built on the versions stored now).
CASES: dict[str, Case] = {
    "book_meeting": case(
        lambda env, db, me: actions.book_meeting(
            db, me, env.ids["child"], "lac_review", BOOKING, period_id=env.ids["period"]
        )
    ),
    "reschedule_meeting": case(
        lambda env, db, me: actions.reschedule_meeting(
            db,
            me,
            env.ids["meeting"],
            Booking(D(2024, 4, 23 + env.version(Meeting, env.ids["meeting"]) % 5), dt.time(9)),
            "Room flooded",
            expected_version=env.version(Meeting, env.ids["meeting"]),
        )
    ),
    "cancel_meeting": case(
        lambda env, db, me: actions.cancel_meeting(
            db,
            me,
            env.ids["meeting"],
            env.unique("Family moved "),
            expected_version=env.version(Meeting, env.ids["meeting"]),
        )
    ),
    "record_outcome": case(
        lambda env, db, me: actions.record_outcome(
            db,
            me,
            env.ids["meeting"],
            _outcome(env),
            late=False,
            as_of=AS_OF,
            expected_version=env.version(Meeting, env.ids["meeting"]),
        )
    ),
    "update_report": case(
        lambda env, db, me: actions.update_report(
            db,
            me,
            env.ids["report"],
            received=D(2024, 4, 1 + env.version(Report, env.ids["report"])),
            shared_with_parents=None,
            expected_version=env.version(Report, env.ids["report"]),
        )
    ),
    "save_settings": case(
        lambda env, db, me: actions.save_settings(
            db, me, {"council_name": (env.unique("Council "), _setting_version(env))}
        )
    ),
    "set_closure_day": case(
        lambda env, db, me: actions.set_closure_day(
            db,
            me,
            D(2024, 12, 30),
            env.unique("Closed "),
            expected_version=_closure_version(env, D(2024, 12, 30)),
        )
    ),
    "remove_closure_day": Case(
        lambda env, db, me, day: actions.remove_closure_day(
            db, me, day, expected_version=_closure_version(env, day)
        ),
        _closure,
    ),
    "add_late_reason": case(
        lambda env, db, me: actions.add_late_reason(db, me, env.unique("Snow "))
    ),
    "retire_late_reason": Case(
        lambda env, db, me, reason: actions.retire_late_reason(
            db, me, reason, expected_version=env.version(LateReason, reason)
        ),
        _late_reason,
    ),
    "add_meeting_reason": case(
        lambda env, db, me: actions.add_meeting_reason(db, me, "reschedule", env.unique("Fog "))
    ),
    "retire_meeting_reason": Case(
        lambda env, db, me, reason: actions.retire_meeting_reason(
            db, me, reason, expected_version=env.version(MeetingReason, reason)
        ),
        _meeting_reason,
    ),
    "update_child": case(
        lambda env, db, me: actions.update_child(
            db,
            me,
            env.ids["child"],
            actions.ChildDetails(env.unique("Zoë "), "Ó Briain", dob=D(2015, 6, 1)),
            expected_version=env.version(Child, env.ids["child"]),
        )
    ),
    "allocate": Case(
        lambda env, db, me, change: actions.allocate(
            db, me, env.ids["child"], change, expected_version=env.version(Child, env.ids["child"])
        ),
        _allocation,
    ),
    "set_rule": case(
        lambda env, db, me: actions.set_rule(
            db,
            me,
            "lac.review.first",
            expected_version=_rule_version(env, "lac.review.first"),
            source=env.unique("IRO standard "),
            amount=15,
        )
    ),
    "reset_rule": Case(
        lambda env, db, me, rule: actions.reset_rule(
            db, me, rule, expected_version=_rule_version(env, rule)
        ),
        _overridden,
    ),
    "replace_rules": case(
        lambda env, db, me: actions.replace_rules(
            db, me, [_icpc_table(env)], expected_versions=_all_rule_versions(env)
        )
    ),
    "add_user": case(
        lambda env, db, me: actions.add_user(db, me, env.new_login("newcomer"), "iro")
    ),
    "set_role": Case(
        lambda env, db, me, name: actions.set_role(
            db, me, name, "team-manager", expected_version=env.user_version(name)
        ),
        _target_user,
    ),
    "set_user_details": Case(
        lambda env, db, me, name: actions.set_user_details(
            db,
            me,
            name,
            display_name="Siân Evans",
            staff_id=env.ids["other"],
            expected_version=env.user_version(name),
        ),
        _target_user,
    ),
    "deactivate_user": Case(
        lambda env, db, me, name: actions.deactivate_user(
            db, me, name, expected_version=env.user_version(name)
        ),
        _target_user,
    ),
    "reactivate_user": Case(
        lambda env, db, me, name: actions.reactivate_user(
            db, me, name, expected_version=env.user_version(name)
        ),
        _deactivated,
    ),
    "import_903": case(
        lambda env, db, me: actions.import_903(
            db, me, env.files_903.header, env.files_903.episodes, env.files_903.reviews
        )
    ),
    "import_cin": case(lambda env, db, me: actions.import_cin(db, me, env.cin)),
    "create_demo": case(
        lambda env, db, me: actions.create_demo(
            db, me, children=4, seed=3, as_of=AS_OF, replace=True
        )
    ),
    "backup_database": case(
        lambda env, db, me: actions.backup_database(
            db, me, env.folder / f"{env.unique('copy')}.jsonl", dump=True
        )
    ),
    "restore_database": case(lambda env, db, me: actions.restore_database(db, me, env.backup)),
    "record_export": case(
        lambda env, db, me: actions.record_export(
            db, me, "case list", destination=env.folder / "cases.xlsx", children=[1, 2, 2]
        )
    ),
    "save_person": case(
        lambda env, db, me: actions.save_person(
            db,
            me,
            env.ids["child"],
            actions.PersonForm(name=env.unique("Aunt "), relation="aunt_uncle", address="2 Rd"),
        )
    ),
    "remove_person": Case(
        lambda env, db, me, person: actions.remove_person(
            db, me, person, expected_version=env.version(Person, person)
        ),
        _person,
    ),
    "save_professional": case(
        lambda env, db, me: actions.save_professional(
            db, me, actions.ProfessionalForm(name=env.unique("Dr "), agency="gp")
        )
    ),
    "link_professional": Case(
        lambda env, db, me, professional: actions.link_professional(
            db, me, env.ids["child"], professional
        ),
        _professional,
    ),
    "unlink_professional": Case(
        lambda env, db, me, link: actions.unlink_professional(
            db, me, link, expected_version=env.version(ChildProfessional, link)
        ),
        _link,
    ),
    "add_invitees": case(
        lambda env, db, me: actions.add_invitees(
            db,
            me,
            env.ids["meeting"],
            [actions.NewInvitee(name=env.unique("Uncle "), role="Uncle")],
        )
    ),
    "remove_invitee": Case(
        lambda env, db, me, invitee: actions.remove_invitee(
            db, me, invitee, expected_version=env.version(Invitee, invitee)
        ),
        _invitee,
    ),
    "record_attendance": Case(
        lambda env, db, me, attendance: actions.record_attendance(
            db,
            me,
            env.ids["invitee"],
            attendance,
            expected_version=env.version(Invitee, env.ids["invitee"]),
        ),
        _attendance,
    ),
    "record_meeting_attendance": Case(
        lambda env, db, me, attendance: actions.record_meeting_attendance(
            db,
            me,
            env.ids["meeting"],
            [
                actions.Attendance(
                    env.ids["invitee"], attendance, env.version(Invitee, env.ids["invitee"])
                )
            ],
        ),
        _attendance,
    ),
    "send_meeting_request": case(
        lambda env, db, me: actions.send_meeting_request(
            db, me, env.ids["meeting"], output=env.folder / f"{env.unique('m')}.ics", on=AS_OF
        )
    ),
    "send_invitation_letters": case(
        lambda env, db, me: actions.send_invitation_letters(
            db, me, env.ids["meeting"], output=env.folder / f"{env.unique('l')}.pdf", on=AS_OF
        )
    ),
    "record_consultation_sent": case(
        lambda env, db, me: actions.record_consultation_sent(
            db,
            me,
            env.ids["meeting"],
            D(2024, 3, 1 + env.version(Meeting, env.ids["meeting"]) % 20),
            expected_version=env.version(Meeting, env.ids["meeting"]),
        )
    ),
    "add_reports": case(
        lambda env, db, me: actions.add_reports(
            db, me, env.ids["meeting"], [actions.NewReport(author=env.unique("GP "), agency="gp")]
        )
    ),
    "remove_report": Case(
        lambda env, db, me, report: actions.remove_report(
            db, me, report, expected_version=env.version(Report, report)
        ),
        _report,
    ),
    "send_report_requests": case(
        lambda env, db, me: actions.send_report_requests(
            db, me, [env.ids["report"]], output=env.folder / f"{env.unique('r')}.pdf", on=AS_OF
        )
    ),
    "attach_report_file": case(_attach),
    "remove_report_file": Case(
        lambda env, db, me, version: actions.remove_report_file(
            db, me, env.ids["report"], expected_version=version
        ),
        _attached,
    ),
    "record_pack_sent": case(
        lambda env, db, me: actions.record_pack_sent(
            db, me, env.ids["meeting"], [env.unique("Mrs Clarke ")], how="post", on=AS_OF
        )
    ),
}


def _challenge(env: Env) -> int:
    """A challenge raised by the chair (as the administrator): its id."""
    new = actions.NewEscalation("lac", env.ids["chair"], D(2024, 4, 2), "Health", "GP")
    return actions.raise_escalation(
        env.admin, actions.whoami(env.admin), env.ids["child"], new, as_of=AS_OF
    ).result


def _challenge_stage(env: Env) -> int:
    """The informal stage of a new challenge: its id."""
    from reviewdesk.storage.models import EscalationStage

    escalation = _challenge(env)
    with env.admin.session() as s:
        return s.scalar(
            select(EscalationStage.id).where(EscalationStage.escalation_id == escalation)
        )


def _contact(env: Env) -> int:
    new = actions.NewContact(env.ids["chair"], D(2024, 4, 2), "visit", True)
    return actions.record_contact(
        env.admin, actions.whoami(env.admin), env.ids["child"], new, as_of=AS_OF
    ).result


def _voice_version(env: Env) -> int:
    from reviewdesk.storage.models import ChildVoice

    with env.admin.session() as s:
        version = s.scalar(
            select(ChildVoice.version).where(ChildVoice.meeting_id == env.ids["meeting"])
        )
    return version or 0


def _theme(env: Env) -> int:
    return actions.add_escalation_theme(
        env.admin, actions.whoami(env.admin), env.unique("Theme ")
    ).result


def _version_of(env: Env, model_name: str, key: int) -> int:
    from reviewdesk.storage import models

    return env.version(getattr(models, model_name), key)


def _oversight_cases() -> dict[str, Case]:
    return {
        "raise_escalation": case(
            lambda env, db, me: actions.raise_escalation(
                db,
                me,
                env.ids["child"],
                actions.NewEscalation("lac", env.ids["chair"], D(2024, 4, 2), "Health", "GP"),
                as_of=AS_OF,
            )
        ),
        "add_escalation_stage": Case(
            lambda env, db, me, eid: actions.add_escalation_stage(
                db, me, eid, 1, D(2024, 4, 3), as_of=AS_OF
            ),
            _challenge,
        ),
        "record_escalation_response": Case(
            lambda env, db, me, stage: actions.record_escalation_response(
                db,
                me,
                stage,
                D(2024, 4, 4),
                "Agreed",
                as_of=AS_OF,
                expected_version=_version_of(env, "EscalationStage", stage),
            ),
            _challenge_stage,
        ),
        "update_escalation": Case(
            lambda env, db, me, eid: actions.update_escalation(
                db,
                me,
                eid,
                actions.EscalationUpdate("Health", "GP", D(2024, 4, 5), "resolved"),
                as_of=AS_OF,
                expected_version=_version_of(env, "Escalation", eid),
            ),
            _challenge,
        ),
        "record_contact": case(
            lambda env, db, me: actions.record_contact(
                db,
                me,
                env.ids["child"],
                actions.NewContact(env.ids["chair"], D(2024, 4, 2), "call", True),
                as_of=AS_OF,
            )
        ),
        "remove_contact": Case(
            lambda env, db, me, contact: actions.remove_contact(
                db,
                me,
                contact,
                as_of=AS_OF,
                expected_version=_version_of(env, "IroContact", contact),
            ),
            _contact,
        ),
        "record_child_voice": case(
            lambda env, db, me: actions.record_child_voice(
                db,
                me,
                env.ids["meeting"],
                actions.Voice(direct=True, note=env.unique("Spoke at school ")),
                expected_version=_voice_version(env),
            )
        ),
        "add_escalation_theme": case(
            lambda env, db, me: actions.add_escalation_theme(db, me, env.unique("Housing "))
        ),
        "retire_escalation_theme": Case(
            lambda env, db, me, theme: actions.retire_escalation_theme(
                db, me, theme, expected_version=_version_of(env, "EscalationTheme", theme)
            ),
            _theme,
        ),
    }


CASES.update(_oversight_cases())


def _icpc_table(env: Env) -> dict[str, Any]:
    """A council's rules file of one rule (a new source each time)."""
    from reviewdesk.rule_overrides import override_table
    from reviewdesk.rules import default_rules

    return override_table(default_rules().get("cp.icpc"), amount=10, source=env.unique("File "))


def _setting_version(env: Env) -> int:
    with env.admin.session() as s:
        return setting_versions(s)["council_name"][1]


def _closure_version(env: Env, day: dt.date) -> int:
    with env.admin.session() as s:
        return closure_day_versions(s).get(day, ("", 0))[1]


def _all_rule_versions(env: Env) -> dict[str, int]:
    with env.admin.session() as s:
        return override_versions(s)


def _snapshot(db: Database) -> dict[str, Any]:
    """Every table's rows (the audit trail included): what a refusal must leave alone."""
    with db.engine.connect() as conn:
        return {
            name: sorted(map(repr, conn.execute(select(table)).all()))
            for name, table in Base.metadata.tables.items()
        }


def _last_entry(db: Database) -> int:
    with db.session() as s:
        return s.scalar(select(func.max(AuditEntry.id))) or 0


def check_each_person(env: Env, name: str, people: Iterable[str]) -> None:
    """Call action ``name`` as each of ``people``: those not in `EXPECTED` are refused by
    the app, saying who, as what and what they tried, with nothing changed; the others do
    it, leaving audit entries in their name with values before and after."""
    spec = ACTIONS[name]
    # Those refused first (nothing must change), then those allowed.
    for who in sorted(people, key=lambda who: who in EXPECTED[name]):
        db = env.dbs[who]
        me = actions.whoami(db)
        login = env.login(who)
        assert me.username == login
        prepared = CASES[name].prepare(env)
        if who not in EXPECTED[name]:
            before = _snapshot(env.admin)
            with pytest.raises(Refused) as refused:
                CASES[name].call(env, db, me, prepared)
            text = str(refused.value)
            assert text.startswith(f"{login} ({me.role_words}) cannot {spec.words}"), text
            assert text.endswith("Nothing was changed.")
            assert refused.value.exit_code == 2
            assert _snapshot(env.admin) == before, f"{who}'s refused {name} changed data"
            continue
        last = _last_entry(env.admin)
        signal = read_signal(env.admin.engine)
        changes = CASES[name].call(env, db, me, prepared)
        assert isinstance(changes, actions.Changes) and changes.action == name
        with env.admin.session() as s:
            entries = list(s.scalars(select(AuditEntry).where(AuditEntry.id > last)))
        # Every open window learns of a change to the data (the snapshot above: a refusal
        # leaves it alone); not of an export or a backup, which change none (every window
        # would read the register again for nothing), nor of sending letters again to those
        # already sent them (only the export is recorded).
        moved = read_signal(env.admin.engine) != signal
        changed = sorted({e.action for e in entries} - QUIET_ACTIONS)
        assert moved == bool(changed), f"{who}'s {name}: signal moved {moved}, changed {changed}"
        if name in CHANGE_NO_DATA:
            assert not moved, f"{who}'s {name} moved the signal"
        # And another window refreshes at least the children the action says it changed
        # (or everything): the feed names what the entries name. Where the data did not
        # change (letters sent again, on a server that audits only rows that change), the
        # feed names nothing and no window refreshes.
        feed = actions.others_changes(env.admin.engine, signal, read_signal(env.admin.engine))
        if moved:
            assert feed.everything or changes.children <= feed.children, (
                f"{who}'s {name}: changed {set(changes.children)}, the feed {set(feed.children)}"
            )
        else:
            assert not feed.everything and not feed.children and not feed.kinds, (
                f"{who}'s {name} changed no data and the feed says {feed}"
            )
        mine = [e for e in entries if e.username == login]
        assert mine, f"{who}'s {name} left no audit entry"
        for e in mine:  # values before and after, as the verb says
            if e.action == "update":
                assert e.before and e.after and set(e.before) == set(e.after)
            elif e.action == "create":
                assert e.after
            elif e.action == "delete":
                assert e.before and e.after is None
            else:  # a whole action: import, restore, backup, export...
                assert e.after


def dispose_all(env: Env) -> None:
    for db in {id(d): d for d in env.dbs.values() if d is not None}.values():
        db.dispose()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_is_allowed_or_refused(name, db_target, tmp_path) -> None:
    env = _setup(db_target, tmp_path)
    try:
        check_each_person(env, name, PEOPLE)
    finally:
        dispose_all(env)


def test_no_one_can_act_as_someone_else(open_db) -> None:
    """An actor the database does not vouch for is refused, whatever role it claims."""
    open_db("administrator")
    reader = open_db("reader", role="team_manager")
    forged = actions.Actor("administrator", actions.whoami(open_db("administrator")).role)
    with pytest.raises(Refused, match="this database connection belongs to reader"):
        actions.add_user(reader, forged, "mallory", "administrator")
    with reader.session() as s:
        assert s.scalar(select(User).where(User.username == "mallory")) is None


def test_a_role_change_takes_effect_at_once(open_db) -> None:
    """The role is read when the action runs, not when the window opened."""
    admin = open_db("administrator")
    other = open_db("deputy")
    deputy = actions.whoami(other)  # an administrator, as the window would remember
    actions.set_role(admin, actions.whoami(admin), "deputy", "team-manager", expected_version=1)
    with pytest.raises(Refused, match=r"deputy \(team manager, read only\) cannot"):
        actions.add_late_reason(other, deputy, "Snow")
