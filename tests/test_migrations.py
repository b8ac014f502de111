"""Migrations: the schema comes from Alembic revisions, on SQLite and PostgreSQL alike."""
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from mapapp.store import migrations
from mapapp.store.models import Area
from mapapp.store.schema import METADATA


def _differences(engine):
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), list(METADATA))


def test_the_newest_revision_is_exactly_the_models(app):
    engine = app.extensions["mapapp_engine"]
    assert migrations.current(engine) is not None
    assert _differences(engine) == []


def test_db_commands_downgrade_to_nothing_and_upgrade_again(app, runner):
    engine = app.extensions["mapapp_engine"]
    result = runner.invoke(args=["db", "downgrade", "base"])
    assert result.exit_code == 0, result.output
    assert "area" not in inspect(engine).get_table_names()
    assert runner.invoke(args=["db", "current"]).output.strip() == "base (no tables)"
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert _differences(engine) == []
    assert runner.invoke(args=["db", "current"]).output.strip() == migrations.current(engine)


def test_a_database_from_before_migrations_is_stamped_and_kept(app):
    """Tables as create_all made them before migrations (revision 0001) and no alembic_version: stamped at the
    first revision, upgraded, data kept."""
    engine = app.extensions["mapapp_engine"]
    migrations.downgrade(engine, migrations.FIRST_REVISION)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
        before = conn.scalar(text("SELECT slug FROM area ORDER BY slug LIMIT 1"))
    migrations.upgrade(engine)
    assert migrations.current(engine) is not None
    with engine.connect() as conn:
        assert conn.scalar(select(Area.slug).order_by(Area.slug).limit(1)) == before
    assert _differences(engine) == []
