"""Storage: the SQLAlchemy models, database connections, migrations and the audit trail.

Every session comes from `storage.db.Database`, which installs the session hooks
(`storage.tracking`): every ORM write is validated, stamped with who and when,
version-checked and audited. (This package's ``__init__`` imports nothing, so its modules
never import each other through it.)
"""
