"""`flask import-areas`: area boundaries from GeoJSON, GeoPackage or a zipped Shapefile."""
import click
from flask import current_app
from flask.cli import with_appcontext

from ..core.errors import MapappError
from ..domain.municipalities import MUNICIPALITIES, municipality_pair
from ..geo.boundaries import Limits, Options, clean_label, read_boundaries
from ..store import boundaries as boundary_store
from ..store.db import session_factory
from .messages import refused


@click.command("import-areas")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change; write nothing.")
@click.option("--name-field", help="Column with the areas' names (default: name or namn).")
@click.option("--slug-field", help="Column with the slugs (default: slug, else made from the names).")
@click.option("--municipality", type=click.Choice(list(MUNICIPALITIES)), help="Municipality code for new areas.")
@click.option("--layer", help="The layer to read, for a GeoPackage with several.")
@click.option("--dataset", default="", help="Dataset name for the provenance (default: the file name).")
@click.option("--licence", default="ej angiven", show_default=True, help="Licence text for the provenance.")
@click.option("--attribution", default="", help="Credit line, e.g. 'Källa: SCB'.")
@click.option("--user", "username", default="kommandorad", show_default=True, help="Recorded as the uploader.")
@with_appcontext
def import_areas_command(file, dry_run, name_field, slug_field, municipality, layer, dataset, licence, attribution,
                         username):
    """Import area boundaries from GeoJSON, GeoPackage or a zipped Shapefile: new areas, or new geometry.

    Example: flask --app mapapp import-areas stadsdelar.gpkg --municipality 0180 --dry-run
    """
    caps = Limits.from_config(current_app.config)
    try:
        with open(file, "rb") as fh:
            data = fh.read(caps.max_bytes + 1)
    except OSError as exc:
        raise refused(f"{clean_label(file)}: cannot read the file ({exc.strerror or type(exc).__name__})")
    try:
        checked = read_boundaries(data, file, Options(name_field, slug_field, layer), caps)
        with session_factory()() as session:
            rows = boundary_store.plan_import(session, checked.boundaries, municipality_pair(municipality))
            click.echo(f"{checked.file}: {checked.kind}, {checked.crs}, {len(rows)} area(s)")
            for note in checked.notes:
                click.echo(f"  {note}")
            for r in rows:
                action = "new" if r["action"] == "create" else f"replaces geometry ({r['current_km2']} km²)"
                click.echo(f"  {r['number']:>3}. {r['slug']}  {r['name']}  {r['area_km2']} km²  "
                           f"{r['vertices']} vertices  {action}")
            if dry_run:
                click.echo("dry run: nothing written")
                return
            done = boundary_store.import_boundaries(session, checked, municipality_pair(municipality),
                                                    {"dataset": dataset, "licence": licence,
                                                     "attribution": attribution}, username)
    except MapappError as err:
        raise refused(err.message) from None
    click.echo(f"imported: {len(done['created'])} new area(s), {len(done['replaced'])} geometry replacement(s)")
