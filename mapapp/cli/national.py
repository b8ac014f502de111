"""`flask load-national`: the national RegSO background layer into the database."""
import click
from flask import current_app
from flask.cli import with_appcontext

from ..core.errors import MapappError
from ..geo.national import source_path
from ..store import national
from ..store.db import get_engine
from .messages import refused


def load(app, path=None, kommun: tuple[str, ...] | None = None) -> dict:
    """Load the RegSO file (default: the one in geodata/) into the app's database."""
    return national.load_national(get_engine(app), path or source_path(app.config["GEODATA_DIR"]), kommun)


@click.command("load-national")
@click.option("--file", "path", type=click.Path(dir_okay=False), default=None,
              help="The RegSO GeoPackage (default: geodata/national/scb_regso_2025_sverige_simplified10m.gpkg).")
@click.option("--kommun", default=None, help="Only these municipality codes, comma-separated (for demos and tests).")
@click.option("--if-empty", is_flag=True, help="Do nothing when the layer is already loaded.")
@with_appcontext
def load_national_command(path, kommun, if_empty):
    """Load the national background layer (all SCB RegSO 2025 areas) into the database.

    Example: flask --app mapapp load-national
    """
    if if_empty and national.is_loaded(get_engine()):
        click.echo("national background layer already loaded; nothing done")
        return
    codes = tuple(c.strip() for c in kommun.split(",") if c.strip()) if kommun else None
    try:
        summary = load(current_app, path, codes)
    except MapappError as err:
        raise refused(err.message) from None
    click.echo(f"loaded {summary['areas']} background areas from {summary['file']} (batch {summary['batch']})")
