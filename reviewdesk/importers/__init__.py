"""Importing a caseload from the statutory returns: SSDA903 (looked after) and CIN census (CP).

`import_903` and `import_cin` check every record first, report every error (file, row, column,
value, why), and write nothing unless all is well (or, with ``skip_invalid``, only the children
whose records are all valid). They take an optional ``progress(done, total, message)``.
"""

from reviewdesk.importers.cin import check_cin, import_cin
from reviewdesk.importers.report import (
    ChildChange,
    Counts,
    ImportIssue,
    ImportRefused,
    ImportResult,
    KindCount,
    Progress,
)
from reviewdesk.importers.ssda903 import check_903, import_903

__all__ = [
    "ChildChange",
    "Counts",
    "ImportIssue",
    "ImportRefused",
    "ImportResult",
    "KindCount",
    "Progress",
    "check_903",
    "check_cin",
    "import_903",
    "import_cin",
]
