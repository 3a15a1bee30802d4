"""Importing a caseload from the statutory returns: SSDA903 (looked after) and CIN census (CP).

`prepare_903` and `prepare_cin` read the files as a stream and check every record first,
reporting every error (file, row, column, value, why) and every element read (used, or
ignored and why); the import actions (`reviewdesk.actions.import_903`, `import_cin`) then
write nothing unless all is well (or, with ``skip_invalid``, only the children whose
records are all valid), each record audited. Each collection year imported is kept, and a
child's history merged from every year (`reviewdesk.importers.slices`): yearly returns can
be imported in any order. They take an optional ``progress(done, total, message)``.
"""

from reviewdesk.importers.cin import check_cin, prepare_cin
from reviewdesk.importers.report import (
    ChildChange,
    Counts,
    ImportIssue,
    ImportRefused,
    ImportResult,
    KindCount,
    Progress,
)
from reviewdesk.importers.runner import PreparedImport
from reviewdesk.importers.ssda903 import check_903, prepare_903

__all__ = [
    "ChildChange",
    "Counts",
    "ImportIssue",
    "ImportRefused",
    "ImportResult",
    "KindCount",
    "PreparedImport",
    "Progress",
    "check_903",
    "check_cin",
    "prepare_903",
    "prepare_cin",
]
