"""`reviewdesk flags --as-of DATE`: every flag, red first, one line each."""

from __future__ import annotations

import argparse
from collections import Counter

from sqlalchemy import select

from reviewdesk.casework.predicates import id_in
from reviewdesk.cli.args import date
from reviewdesk.flags import FLAG_TYPES, flag_register, flags_from_register
from reviewdesk.storage.db import open_database
from reviewdesk.storage.models import Child
from reviewdesk.vocabulary import child_name, format_uk


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("flags", help="what needs acting on, as of a date")
    parser.add_argument("--as-of", required=True, metavar="DATE", help="dd/mm/yyyy")
    parser.add_argument(
        "--severity", choices=["red", "amber", "info"], action="append", help="only these"
    )
    parser.add_argument("--code", action="append", choices=sorted(FLAG_TYPES), help="only these")
    parser.add_argument("--limit", type=int, default=0, help="print at most this many")
    parser.set_defaults(handler=_flags)


def _flags(args: argparse.Namespace) -> int:
    as_of = date(args.as_of, "--as-of")
    db = open_database(args.db, create=False)
    try:
        with db.session() as session:
            data = flag_register(session, as_of=as_of)
            flags = flags_from_register(data)
            # Every flagged child named, those with no case open too (a meeting's decisions
            # overdue after the case closed): they were shown by their database number.
            flagged = {f.child_id for f in flags if f.child_id is not None}
            missing = sorted(flagged - data.children.keys())
            rows = [*data.children.values()]
            if missing:
                rows += session.execute(
                    select(Child.id, Child.first_name, Child.last_name, Child.local_id).where(
                        id_in(Child.id, missing)
                    )
                ).all()
            names = {
                c.id: (child_name(c.first_name, c.last_name, c.local_id), c.local_id) for c in rows
            }
    finally:
        db.dispose()
    if args.severity:
        flags = [f for f in flags if f.severity in args.severity]
    if args.code:
        flags = [f for f in flags if f.code in args.code]
    shown = flags[: args.limit] if args.limit > 0 else flags
    for f in shown:
        who = ""
        if f.child_id is not None:
            name, local_id = names.get(f.child_id, (str(f.child_id), str(f.child_id)))
            who = f"{name} ({local_id}): "
        print(f"{f.severity.upper():<5} {f.code:<26} {who}{f.reason}")
    counts = Counter(f.severity for f in flags)
    print(
        f"{len(flags)} flags as of {format_uk(as_of)}: "
        f"{counts['red']} red, {counts['amber']} amber, {counts['info']} info"
        + (f" ({len(shown)} shown)" if len(shown) < len(flags) else "")
    )
    return 0
