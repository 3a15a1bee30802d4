"""Storage: the SQLAlchemy models, database connections, migrations and the audit trail.

Importing any part of it installs the session hooks (`tracking`): every ORM write, through
any session, is validated, stamped with who and when, version-checked and audited.
"""

from reviewdesk.storage import tracking as _tracking  # noqa: F401
