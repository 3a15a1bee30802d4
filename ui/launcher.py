"""The `reviewdesk` console script: the window when no sub-command is given, else the CLI.

This lives in `ui` because the core (`reviewdesk`) must never import Qt or `ui`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from reviewdesk.cli.main import build_parser, run


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is not None:
        return run(args)
    try:
        from ui.app import launch
    except ImportError as exc:  # Qt libraries missing on this machine
        sys.stderr.write(f"reviewdesk: cannot open the window: {exc}\n")
        return 1
    return launch(db=args.db, smoke=args.smoke)


if __name__ == "__main__":
    raise SystemExit(main())
