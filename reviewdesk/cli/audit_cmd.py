"""`reviewdesk audit`: who changed what and when, newest first."""

from __future__ import annotations

import argparse
import json
import sys

from reviewdesk.errors import InvalidInput
from reviewdesk.storage.audit import list_audit
from reviewdesk.storage.db import open_database
from reviewdesk.storage.locking import local_time
from reviewdesk.vocabulary import format_uk


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "audit",
        help="list the audit trail, newest first",
        description="Every create, change and delete: when (UK time), who, which record, and "
        "the values before and after.",
    )
    p.add_argument("--limit", type=int, default=50, metavar="N", help="at most N entries (50)")
    p.add_argument("--table", metavar="T", help="only records of table T (e.g. meeting)")
    p.add_argument("--record", metavar="ID", help="only the record with this id")
    p.add_argument("--user", metavar="NAME", help="only changes made by this user")
    p.set_defaults(handler=run)


def _values(values) -> str:
    if values is None:
        return "-"
    return json.dumps(values, ensure_ascii=False, sort_keys=True)


def run(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise InvalidInput(f"--limit {args.limit}: give a number of entries of 1 or more.")
    db = open_database(args.db)
    try:
        with db.session() as session:
            entries = list_audit(
                session,
                limit=args.limit,
                table=args.table,
                record_id=args.record,
                username=args.user,
            )
            out = sys.stdout
            for e in entries:
                when = local_time(e.at)
                out.write(
                    f"{format_uk(when)} {when:%H:%M:%S}  {e.username}  {e.action}  "
                    f"{e.table_name} {e.record_id}\n"
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
