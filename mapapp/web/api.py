"""The JSON API: GeoJSON (RFC 7946) for areas and camera sites, JSON for the rest, point look-up."""
import json

from flask import Blueprint, current_app, jsonify, request

from ..geo import shapes as geo
from ..render import mapdata, shapes
from ..core.clock import today
from ..store.db import get_session
from ..core.errors import MapappError
from ..http.pagecache import cached_page
from ..store import areas as area_store
from ..store import world as world_store
from ..render import world as worlds
from ..store.versions import current_version
from ..core.cache import app_cache
from ..domain.municipalities import MUNICIPALITIES
from . import pages
from .background import parse_bbox
from .converters import int_arg
from .pages import map_params
from .twin import respond

bp = Blueprint("api", __name__, url_prefix="/api")


def _collection(features, **extra):
    return jsonify({"type": "FeatureCollection", "features": features, **extra})


@bp.route("/")
def index():
    """What the API offers."""
    return jsonify({
        "title": "Löfteskartan API",
        "links": {
            "areas": "/api/areas.geojson", "area": "/api/areas/{slug}.geojson",
            "area_detail": "/api/areas/{slug}", "promises": "/api/promises",
            "promise": "/api/promises/{slug}", "commitment": "/api/promises/{slug}/commitments/{commitment}",
            "camera_sites": "/api/camera-sites.geojson", "lookup": "/api/point/{lon},{lat}",
            "lookup_query": "/api/lookup?lon={lon}&lat={lat}",
        },
        "municipalities": dict(MUNICIPALITIES),
    })


@bp.route("/areas.geojson")
@cached_page
def areas():
    """Every area (or a municipality's) as GeoJSON; with bbox and zoom, those in view, simplified for the zoom.

    The answer is made once per data version and query, then reused whole as a page is (one read of the data
    version per request), with the ETag of its bytes."""
    params = map_params(request.args)
    bbox, zoom = request.args.get("bbox"), request.args.get("zoom")
    if (bbox is None) != (zoom is None):
        raise MapappError("bbox and zoom go together: bbox=minLon,minLat,maxLon,maxLat&zoom=0…22")
    if bbox is not None:
        bbox, zoom = parse_bbox(bbox), int_arg("zoom", 0, 22, required=True)
    body = mapdata.area_collection(get_session(), today(), params["year"], params["kommun"], bbox, zoom)
    return current_app.response_class(body, mimetype="application/json")


@bp.route("/areas/<slug:slug>.geojson")
def area_feature(slug):
    session = get_session()
    detail = pages.area_data(session, today(), slug)
    geometry = json.loads(shapes.of(session, [slug])[slug].geometry)
    return jsonify({"type": "Feature", "id": slug, "properties": detail, "geometry": geometry})


@bp.route("/areas/<slug:slug>")
def area_detail(slug):
    """The area page's JSON twin under /api (the same view, so the two never differ)."""
    return respond(pages.area(slug), ".json", None)


@bp.route("/promises")
def promises():
    return jsonify({"promises": world_store.list_promises(worlds.get(get_session(), today()))})


@bp.route("/promises/<slug:slug>")
def promise(slug):
    """The promise page's JSON twin under /api."""
    return respond(pages.promise(slug), ".json", None)


@bp.route("/promises/<slug:slug>/commitments/<slug:commitment>")
def commitment(slug, commitment):
    """The commitment page's JSON twin under /api."""
    return respond(pages.commitment(slug, commitment), ".json", None)


@bp.route("/promises/<slug:slug>/follow-ups")
def follow_ups(slug):
    data = worlds.promise(get_session(), today(), slug)
    entries = [{**f, "commitment": c["key"]} for c in data["commitments"] for f in c["follow_ups"]]
    return jsonify({"promise": slug, "follow_ups": sorted(entries, key=lambda f: (f["date"], f["id"]))})


@bp.route("/camera-sites.geojson")
def camera_sites():
    features = mapdata.camera_features(get_session(), today(), map_params(request.args)["year"])
    mapped = [f for f in features if f["geometry"]]
    unmapped = [f["properties"] for f in features if not f["geometry"]]
    return _collection(mapped, unmapped_sites=unmapped)


@bp.route("/point/<lon>,<lat>")
def point(lon, lat):
    """Which areas contain this lon/lat (WGS84)?"""
    return _lookup(lon, lat)


@bp.route("/lookup")
def lookup():
    if "lon" not in request.args or "lat" not in request.args:
        raise MapappError("Both lon and lat are required, in decimal degrees (WGS84).")
    return _lookup(request.args["lon"], request.args["lat"])


def _lookup(lon, lat):
    try:
        lon, lat = geo.valid_lon_lat(lon, lat)
    except ValueError as exc:
        raise MapappError(str(exc)) from None
    session = get_session()
    index = _area_index(session)
    names = area_store.area_names(session)
    found = [names[slug] for slug in index.containing(lon, lat)]
    nearest = None
    if not found:
        near = index.nearest(lon, lat)
        if near:
            nearest = {**names[near.key], "distance_m": round(near.distance_m), "distance_km": round(near.distance_m / 1000, 1)}
    return jsonify({"point": {"lon": lon, "lat": lat}, "areas": found, "nearest": nearest})


def _area_index(session) -> geo.AreaIndex:
    """The spatial index over all areas, rebuilt only when the data version changes."""
    def build():
        return geo.AreaIndex.from_geojson_texts(area_store.geometry_texts(session))
    return app_cache(current_app, "maps", "MAP_CACHE_BYTES", by_bytes=True).get_or_build(
        ("area-index", current_version(session)), build)
