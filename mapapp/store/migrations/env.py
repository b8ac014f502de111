"""Alembic's environment: the app hands over an open connection; SQLite alters tables in batch mode."""
from alembic import context

from mapapp.store.schema import METADATA

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=list(METADATA),
                  render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
with context.begin_transaction():
    context.run_migrations()
