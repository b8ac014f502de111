"""The national background layer's API: areas by bounding box and zoom, and point look-ups.

GET /api/background.geojson?bbox=minLon,minLat,maxLon,maxLat&zoom=z[&limit=n]
GET /api/background/point/<lon>,<lat>
"""
import hashlib
import math

from flask import Blueprint, current_app, jsonify, request

from ..geo import national
from ..geo import shapes as geo
from ..render import background as layers
from ..core.errors import MapappError
from .converters import int_arg

bp = Blueprint("background", __name__, url_prefix="/api")

_BBOX_HELP = "bbox must be four numbers: minLon,minLat,maxLon,maxLat (WGS84 degrees)"
_PARAMS = {"bbox", "zoom", "limit"}


def parse_bbox(text) -> tuple[float, float, float, float]:
    """A strict bbox: four finite numbers in range, min ≤ max (no antimeridian boxes: Sweden has none)."""
    if text is None or text == "":
        raise MapappError("bbox is required: " + _BBOX_HELP)
    parts = text.split(",")
    if len(parts) != 4:
        raise MapappError(_BBOX_HELP)
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise MapappError(_BBOX_HELP) from None
    if not all(math.isfinite(v) for v in values):
        raise MapappError("bbox values must be finite numbers")
    minx, miny, maxx, maxy = values
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180):
        raise MapappError("bbox longitudes must be between -180 and 180")
    if not (-90 <= miny <= 90 and -90 <= maxy <= 90):
        raise MapappError("bbox latitudes must be between -90 and 90")
    if minx > maxx or miny > maxy:
        raise MapappError("bbox minimum must not be greater than its maximum (minLon,minLat,maxLon,maxLat)")
    return tuple(round(v, 6) for v in values)


@bp.route("/background.geojson")
def features():
    """The background areas meeting a bbox, simplified for the zoom; capped, compressed and cacheable."""
    unknown = sorted(set(request.args) - _PARAMS)
    if unknown:
        raise MapappError(f"unknown parameter {unknown[0]!r}; use bbox, zoom and optionally limit")
    bbox = parse_bbox(request.args.get("bbox"))
    zoom = int_arg("zoom", 0, national.MAX_ZOOM, required=True)
    band = national.band_for(zoom)
    limit = int_arg("limit", 1, band.max_features)
    layer = layers.get_layer(current_app)
    key = (layer.batch, band.name, zoom, bbox, limit)
    etag = hashlib.sha1(repr(key).encode()).hexdigest()[:20]
    cache = layers.answer_cache(current_app)
    body = cache.get(key)
    if body is None and etag not in request.if_none_match:
        body = layer.collection(bbox, zoom, limit)
        cache.set(key, body)
    response = current_app.response_class(body or b"", mimetype="application/geo+json")
    response.set_etag(etag)
    # Public: the answer depends only on the URL and the loaded data; revalidated after five minutes.
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["BACKGROUND_MAX_AGE"]
    return response.make_conditional(request)


@bp.route("/background/point/<lon>,<lat>")
def point(lon, lat):
    """Which background (RegSO) areas contain this lon/lat, through the spatial index."""
    try:
        lon, lat = geo.valid_lon_lat(lon, lat)
    except ValueError as exc:
        raise MapappError(str(exc)) from None
    layer = layers.get_layer(current_app)
    return jsonify({"point": {"lon": lon, "lat": lat}, "loaded": layer.loaded, "areas": layer.lookup(lon, lat),
                    "attribution": national.ATTRIBUTION})
