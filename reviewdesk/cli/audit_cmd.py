"""`reviewdesk audit`: who changed what and when, newest first (administrators and team
managers)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from reviewdesk import actions
from reviewdesk.cli.args import date, whole_number
from reviewdesk.errors import InvalidInput
from reviewdesk.storage.audit import list_audit, recorded_by_another
from reviewdesk.storage.db import open_database
from reviewdesk.storage.locking import local_time
from reviewdesk.vocabulary import format_uk

#: The most entries one listing shows.
MAX_ENTRIES = 1_000_000
#: The largest record id a database holds (a signed 64-bit integer).
MAX_ID = 2**63 - 1


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "audit",
        help="list the audit trail, newest first",
        description="Every create, change and delete: when (UK time), who, which record, and "
        "the values before and after.",
    )
    p.add_argument(
        "--limit",
        type=whole_number(1, MAX_ENTRIES, "a number of entries"),
        default=50,
        metavar="N",
        help="at most N entries (50)",
    )
    p.add_argument("--table", metavar="T", help="only records of table T (e.g. meeting)")
    p.add_argument("--record", metavar="ID", help="only the record with this id")
    p.add_argument("--user", metavar="NAME", help="only changes made by this user")
    p.add_argument(
        "--child",
        metavar="ID",
        type=whole_number(1, MAX_ID, "a child's id"),
        help="only this child's records (its id)",
    )
    p.add_argument("--action", metavar="A", help="only this: create, update, delete, import...")
    p.add_argument("--from", dest="start", metavar="DATE", help="from this day (dd/mm/yyyy)")
    p.add_argument("--to", dest="end", metavar="DATE", help="up to this day, included")
    p.set_defaults(handler=run)


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day``, UK time (the trail is kept in UTC)."""
    from zoneinfo import ZoneInfo

    return dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo("Europe/London"))


def _values(values) -> str:
    if values is None:
        return "-"
    return json.dumps(values, ensure_ascii=False, sort_keys=True)


def run(args: argparse.Namespace) -> int:
    first = date(args.start, "--from") if args.start else None
    last = date(args.end, "--to") if args.end else None
    if first is not None and last is not None and first > last:
        raise InvalidInput(
            f"--from {format_uk(first)} is after --to {format_uk(last)}: give the earlier day first"
        )
    start = _day_start(first) if first is not None else None
    end = _day_start(last + dt.timedelta(days=1)) if last is not None else None
    db = open_database(args.db, create=False)
    try:
        actor = actions.whoami(db)
        if not actor.may(actions.Permission.VIEW_AUDIT):
            raise actions.Refused(
                f"{actor.label} cannot read the audit trail: administrators and team "
                "managers can. Nothing was changed."
            )
        with db.session() as session:
            entries = list_audit(
                session,
                limit=args.limit,
                table=args.table,
                record_id=args.record,
                username=args.user,
                child_id=args.child,
                action=args.action,
                start=start,
                end=end,
            )
            out = sys.stdout
            for e in entries:
                when = local_time(e.at)
                child = f"  (child {e.child_id})" if e.child_id is not None else ""
                # On a shared server: an entry another login put there (a restore appending
                # an older trail) says so.
                recorded = recorded_by_another(e)
                by = f"  [recorded by {recorded}]" if recorded else ""
                out.write(
                    f"{format_uk(when)} {when:%H:%M:%S}  {e.username}  {e.action}  "
                    f"{e.table_name} {e.record_id}{child}{by}\n"
                )
                if e.action == "update":
                    for key in sorted(e.after or {}):
                        before = json.dumps((e.before or {}).get(key), ensure_ascii=False)
                        after = json.dumps(e.after[key], ensure_ascii=False)
                        out.write(f"    {key}: {before} -> {after}\n")
                elif e.action == "create":
                    out.write(f"    {_values(e.after)}\n")
                elif e.action == "delete":
                    out.write(f"    was {_values(e.before)}\n")
                else:
                    out.write(f"    before {_values(e.before)}; after {_values(e.after)}\n")
            if not entries:
                out.write("No audit entries.\n")
    finally:
        db.dispose()
    return 0
