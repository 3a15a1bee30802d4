"""Storage: the SQLAlchemy models, database connections, migrations and the audit trail."""
