"""The schema under Alembic: upgrade on start, `flask db upgrade|downgrade|current` by hand.

A database made before migrations existed (tables but no alembic_version) is stamped at the first
revision, which is the schema it was made with, then upgraded like any other.
"""
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

FIRST_REVISION = "0001"
_HERE = Path(__file__).resolve().parent


def _config(connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_HERE))
    cfg.attributes["connection"] = connection
    return cfg


def current(engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine, revision: str = "head"):
    """Bring the schema to revision (a legacy database is stamped first); one transaction where the database allows."""
    with engine.begin() as conn:
        tables = set(inspect(conn).get_table_names())
        if "area" in tables and "alembic_version" not in tables:
            command.stamp(_config(conn), FIRST_REVISION)
        command.upgrade(_config(conn), revision)


def downgrade(engine, revision: str):
    with engine.begin() as conn:
        command.downgrade(_config(conn), revision)
