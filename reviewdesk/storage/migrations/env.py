"""Alembic environment, driven from code (`reviewdesk.storage.migrate`): no alembic.ini.

The caller hands over an open connection in ``config.attributes["connection"]``; batch mode
lets the same migrations alter tables on SQLite and PostgreSQL.
"""

from __future__ import annotations

from alembic import context

from reviewdesk.storage.models import Base

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
