"""`flask seed` and `flask db upgrade|downgrade|current`: the curated data and the schema."""
import click
from flask import current_app
from flask.cli import with_appcontext

from ..core.errors import MapappError
from ..store import migrations
from ..store.db import describe_url, get_engine
from ..store.seed import check_dir, seed_from_dir
from .messages import refused


@click.command("seed")
@click.option("--data", "data_dir", type=click.Path(file_okay=False), default=None,
              help="Folder with the data files (default: the app's geodata/).")
@click.option("--dry-run", is_flag=True, help="Check the data files and report; write nothing.")
@click.option("--force", is_flag=True, help="Replace follow-ups that planners recorded in the app.")
@with_appcontext
def seed_command(data_dir, dry_run, force):
    """Rebuild the database from the data files in geodata/.

    Example: flask --app mapapp seed --dry-run
    """
    data_dir = data_dir or current_app.config["GEODATA_DIR"]
    try:
        summary = check_dir(data_dir) if dry_run else seed_from_dir(get_engine(), data_dir, force=force)
    except MapappError as err:
        raise refused(err.message) from None
    prefix = "checked (dry run, nothing written)" if dry_run else "seeded"
    click.echo(f"{prefix}: " + ", ".join(f"{n} {k}" for k, n in summary.items()))


@click.group("db")
def db_group():
    """The database schema, under Alembic migrations."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def upgrade_command(revision):
    """Upgrade the schema to REVISION (default: the newest)."""
    migrations.upgrade(get_engine(), revision)
    click.echo(f"schema at {migrations.current(get_engine())}")


@db_group.command("downgrade")
@click.argument("revision")
@with_appcontext
def downgrade_command(revision):
    """Downgrade the schema to REVISION (e.g. -1, or base to drop every table)."""
    migrations.downgrade(get_engine(), revision)
    click.echo(f"schema at {migrations.current(get_engine()) or 'base (no tables)'}")


@db_group.command("current")
@with_appcontext
def current_command():
    """Print the schema's revision."""
    click.echo(migrations.current(get_engine()) or "base (no tables)")


@click.command("settings")
@with_appcontext
def settings_command():
    """Every setting: its key, the value in use, and what it is for (secrets shown as set or not set)."""
    from ..core.settings import SETTINGS
    for s in SETTINGS:
        value = current_app.config.get(s.key)
        if "SECRET" in s.key or "PASSWORD" in s.key:
            shown = "(set)" if value else "(not set)"
        elif isinstance(value, str) and "://" in value and "@" in value:  # a database or Redis URL's password
            shown = repr(describe_url(value))
        else:
            shown = repr(value)
        click.echo(f"{s.key} = {shown}\n    {s.help}")
