"""Open-data downloads under /api/export/: GeoJSON, CSV, JSON and GeoPackage of the published data."""
import os
import shutil
import tempfile

from flask import Blueprint, Response, current_app, jsonify, send_file, url_for

from ..geo import geopackage as geofiles
from ..render import opendata
from ..core.clock import today
from ..store.db import get_session
from ..core.errors import NotFound

bp = Blueprint("exports", __name__, url_prefix="/api/export")

MIMETYPES = {
    "geojson": "application/geo+json",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8; header=present",
    "gpkg": "application/geopackage+sqlite3",
}
ALL_LAYERS = "lofteskartan"


def _filename(name: str, fmt: str) -> str:
    return f"{name}.{fmt}" if name == ALL_LAYERS else f"lofteskartan-{name}.{fmt}"


def download(body, fmt: str, name: str) -> Response:
    """body sent as the file lofteskartan-<name>.<fmt>."""
    response = Response(body, content_type=MIMETYPES[fmt])
    response.headers.set("Content-Disposition", "attachment", filename=_filename(name, fmt))
    return response


@bp.route("/")
def index():
    """Every download, by layer and format."""
    files = {name: {fmt: url_for(".layer_file", name=name, fmt=fmt, _external=True) for fmt in layer.formats}
             for name, layer in opendata.LAYERS.items()}
    return jsonify({
        "title": "Löfteskartan open data",
        "description": ("Published promises, their commitments and follow-ups, areas and camera sites as "
                        "published. Coordinates are WGS84 lon/lat (EPSG:4326). CSV is UTF-8 with a header; "
                        "nested values are JSON text and CSV carries no geometry."),
        "layers": {name: {"title": layer.title, "description": layer.description, "files": files[name]}
                   for name, layer in opendata.LAYERS.items()},
        "geopackage": url_for(".all_layers", _external=True),
        "ogc_api_features": url_for("ogc.landing", _external=True),
    })


@bp.route("/<slug:name>.<any(geojson, json, csv, gpkg):fmt>")
def layer_file(name, fmt):
    layer = opendata.get_layer(name)
    if fmt not in layer.formats:
        raise NotFound(f"'{name}' is offered as {', '.join('.' + f for f in layer.formats)}, not .{fmt}.")
    records = layer.build(get_session(), today())
    if fmt == "geojson":
        return download(current_app.json.dumps(
            {"type": "FeatureCollection", "name": layer.table, "features": records}), fmt, name)
    if fmt == "json":
        return download(current_app.json.dumps({layer.table: records}), fmt, name)
    rows, geometries = opendata.flat_records(layer, records)
    if fmt == "csv":
        return download(opendata.to_csv(rows), fmt, name)
    return geopackage_download([(layer.table, rows, opendata.columns(rows), geometries)], name)


@bp.route(f"/{ALL_LAYERS}.gpkg")
def all_layers():
    """One GeoPackage with every layer: spatial layers with geometry, the others as attribute tables."""
    session, day = get_session(), today()
    layers = []
    for layer in opendata.LAYERS.values():
        rows, geometries = opendata.flat_records(layer, layer.build(session, day))
        layers.append((layer.table, rows, opendata.columns(rows), geometries))
    return geopackage_download(layers, ALL_LAYERS)


def geopackage_download(layers, name: str) -> Response:
    """Write the GeoPackage to a temporary folder, stream it back, and leave nothing behind."""
    folder = tempfile.mkdtemp(prefix="lofteskartan-export-")
    try:
        path = os.path.join(folder, "export.gpkg")
        geofiles.write_geopackage(path, layers)
        handle = open(path, "rb")
        size = os.fstat(handle.fileno()).st_size
    finally:
        # An open file stays readable after its folder is removed (POSIX), so nothing can be left
        # behind even if the client never reads the response.
        shutil.rmtree(folder, ignore_errors=True)
    response = send_file(handle, mimetype=MIMETYPES["gpkg"], as_attachment=True,
                         download_name=_filename(name, "gpkg"), max_age=0)
    response.content_length = size
    response.call_on_close(lambda: shutil.rmtree(folder, ignore_errors=True))  # where removal had to wait
    return response
