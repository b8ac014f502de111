"""OGC API – Features (Part 1: Core, GeoJSON) at /ogc: published areas, camera sites and commitments.

Items are built by the same functions as /api and the exports (opendata.py), so they cannot disagree.
Camera sites with neither a point nor an area keep a null geometry (RFC 7946 allows it), so every
published site is listed; a bbox query never selects them. `datetime` selects commitments by their
promise's period and camera sites by start (or decision date) to end; areas carry no time, so a
datetime query selects none of them. A bbox whose minLon is greater than its maxLon crosses the
antimeridian, as the standard says; minLat greater than maxLat is refused.
"""
import datetime as dt

from flask import Blueprint, Response, current_app, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from ..geo import shapes as geo
from ..render import ogc_openapi, opendata
from ..core.clock import today
from ..store.db import get_engine, get_session
from ..core.cache import app_cache
from ..store.versions import version_of
from ..core.errors import MapappError, NotFound
from .converters import int_arg

bp = Blueprint("ogc", __name__, url_prefix="/ogc")

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
COLLECTIONS = ("areas", "camera-sites", "commitments")
JSON, GEOJSON, OPENAPI = "application/json", "application/geo+json", "application/vnd.oai.openapi+json;version=3.0"
DEFAULT_LIMIT, MAX_LIMIT = 10, 1000
ITEM_PARAMS = {"limit", "offset", "bbox", "bbox-crs", "datetime", "f"}


def _json(data, mimetype=JSON, status=200) -> Response:
    return Response(current_app.json.dumps(data), status=status, mimetype=mimetype)


def _error(status: int, message: str) -> Response:
    """The app's JSON error, with the OGC exception's code and description beside it."""
    title = HTTP_STATUS_CODES.get(status, "Error")
    return _json({"code": title, "description": message,
                  "error": {"status": status, "title": title, "message": message}}, status=status)


@bp.errorhandler(MapappError)
def _mapapp_error(err):
    # errors.py answers in JSON only under /api; this API's clients expect JSON too.
    return _error(err.status, err.message)


@bp.errorhandler(HTTPException)
def _http_error(err):
    return _error(err.code or 500, err.description or err.name)


@bp.errorhandler(Exception)
def _unexpected(err):
    current_app.logger.exception("unhandled error")
    return _error(500, "Något gick fel hos oss. Felet är loggat.")


def _link(href, rel, mimetype, title) -> dict:
    return {"href": href, "rel": rel, "type": mimetype, "title": title}


def _url(endpoint, **values) -> str:
    return url_for(endpoint, _external=True, **values)


@bp.route("/")
def landing():
    return _json({
        "title": "Löfteskartan – OGC API Features",
        "description": ("Medborgarlöften på kartan: områden, polisens kamerabevakning som publicerad och "
                        "åtagandena i publicerade medborgarlöften, i WGS84 (CRS84)."),
        "links": [
            _link(_url(".landing"), "self", JSON, "Den här sidan"),
            _link(_url(".openapi"), "service-desc", OPENAPI, "API-definitionen (OpenAPI 3.0)"),
            _link(_url(".conformance"), "conformance", JSON, "Standarder som API:t följer"),
            _link(_url(".collections"), "data", JSON, "Samlingarna"),
        ],
    })


@bp.route("/api")
def openapi():
    return _json(ogc_openapi.document(_url(".landing").rstrip("/"), COLLECTIONS, MAX_LIMIT), OPENAPI)


@bp.route("/conformance")
def conformance():
    return _json({"conformsTo": CONFORMANCE})


def _layer(collection_id: str) -> opendata.Layer:
    if collection_id not in COLLECTIONS:
        raise NotFound(f"There is no collection '{collection_id}'; the collections are {', '.join(COLLECTIONS)}.")
    return opendata.get_layer(collection_id)


def _features(layer: opendata.Layer) -> list[dict]:
    """The layer's features, built once per data version and day (every OGC request reads them)."""
    session, day = get_session(), today()
    key = ("ogc", layer.name, version_of(get_engine()), day)
    return app_cache(current_app, "maps", "MAP_CACHE_BYTES", by_bytes=True).get_or_build(key, lambda: layer.build(session, day))


def _temporal(layer, features) -> dict | None:
    """The collection's time interval from its features' spans (None for an open end)."""
    spans = [s for s in (layer.span(f["properties"]) for f in features) if s] if layer.span else []
    if not spans:
        return None
    starts, ends = [s for s, _ in spans], [e for _, e in spans]
    start = None if None in starts else f"{min(starts)}T00:00:00Z"
    end = None if None in ends else f"{max(ends)}T23:59:59Z"
    return {"interval": [[start, end]], "trs": GREGORIAN}


def _collection(layer: opendata.Layer, features: list[dict]) -> dict:
    out = {
        "id": layer.name, "title": layer.title, "description": layer.description, "itemType": "feature",
        "crs": [CRS84],
        "links": [_link(_url(".collection", collection_id=layer.name), "self", JSON, layer.title),
                  _link(_url(".items", collection_id=layer.name), "items", GEOJSON, f"{layer.title} (GeoJSON)")],
    }
    bbox = geo.bounds_of([f["geometry"] for f in features])
    extent = {"spatial": {"bbox": [bbox], "crs": CRS84}} if bbox else {}
    temporal = _temporal(layer, features)
    if temporal:
        extent["temporal"] = temporal
    if extent:
        out["extent"] = extent
    return out


@bp.route("/collections")
def collections():
    layers = [_layer(c) for c in COLLECTIONS]
    return _json({
        "links": [_link(_url(".collections"), "self", JSON, "Samlingarna")],
        "collections": [_collection(layer, _features(layer)) for layer in layers],
    })


@bp.route("/collections/<slug:collection_id>")
def collection(collection_id):
    layer = _layer(collection_id)
    return _json(_collection(layer, _features(layer)))


def _instant(text: str) -> dt.date:
    """The UTC date of an RFC 3339 date-time, or a date."""
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        moment = dt.datetime.fromisoformat(text.replace("z", "Z"))
        return moment.astimezone(dt.timezone.utc).date() if moment.tzinfo else moment.date()
    except (ValueError, OverflowError):
        raise MapappError("datetime must be an RFC 3339 date-time or date, or an interval 'start/end' "
                          "with '..' for an open end.") from None


def _datetime(text: str) -> tuple:
    """An instant or interval as (start, end) dates; None is an open end."""
    parts = text.split("/")
    if len(parts) == 1:
        day = _instant(parts[0])
        return day, day
    if len(parts) != 2 or all(p in ("", "..") for p in parts):
        raise MapappError("datetime interval must be 'start/end' with at most one open end ('..').")
    start, end = (None if p in ("", "..") else _instant(p) for p in parts)
    if start and end and start > end:
        raise MapappError("datetime interval must not end before it starts.")
    return start, end


def _in_time(layer, feature, query) -> bool:
    span = layer.span(feature["properties"]) if layer.span else None
    if not span:
        return False
    start, end = (dt.date.fromisoformat(v) if v else None for v in span)
    q_start, q_end = query
    return (q_end is None or start is None or start <= q_end) and (q_start is None or end is None or end >= q_start)


def _item_params(args) -> dict:
    unknown = sorted(set(args) - ITEM_PARAMS)
    if unknown:
        raise MapappError(f"Unknown query parameter {', '.join(unknown)}; "
                          f"this API knows {', '.join(sorted(ITEM_PARAMS))}.")
    if args.get("f", "json") not in ("json", "geojson"):
        raise MapappError("f must be json or geojson; items are served as GeoJSON only.")
    if args.get("bbox-crs", CRS84) != CRS84:
        raise MapappError(f"bbox-crs must be {CRS84}; other CRSs are not supported.")
    bbox = None
    if "bbox" in args:
        try:
            bbox = geo.parse_bbox(args["bbox"])
        except ValueError as exc:
            raise MapappError(str(exc)) from None
    return {"limit": int_arg("limit", 1, MAX_LIMIT, DEFAULT_LIMIT), "offset": int_arg("offset", 0, default=0),
            "bbox": bbox, "datetime": _datetime(args["datetime"]) if "datetime" in args else None}


def _page_url(collection_id: str, **changes) -> str:
    params = {**request.args.to_dict(), **{k: str(v) for k, v in changes.items()}}
    return _url(".items", collection_id=collection_id, **params)


@bp.route("/collections/<slug:collection_id>/items")
def items(collection_id):
    layer = _layer(collection_id)
    params = _item_params(request.args)
    selected = [f for f in _features(layer)
                if (params["bbox"] is None or geo.intersects_bbox(f["geometry"], params["bbox"]))
                and (params["datetime"] is None or _in_time(layer, f, params["datetime"]))]
    limit, offset = params["limit"], params["offset"]
    page = selected[offset:offset + limit]
    links = [_link(_page_url(collection_id), "self", GEOJSON, "Den här sidan"),
             _link(_url(".collection", collection_id=collection_id), "collection", JSON, layer.title)]
    if offset + limit < len(selected):
        after = _page_url(collection_id, offset=offset + limit, limit=limit)
        links.append(_link(after, "next", GEOJSON, "Nästa sida"))
    if offset > 0:
        before = _page_url(collection_id, offset=max(0, offset - limit), limit=limit)
        links.append(_link(before, "prev", GEOJSON, "Föregående sida"))
    return _json({
        "type": "FeatureCollection", "features": page, "links": links,
        "numberMatched": len(selected), "numberReturned": len(page),
        "timeStamp": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
    }, GEOJSON)


@bp.route("/collections/<slug:collection_id>/items/<path:feature_id>")
def item(collection_id, feature_id):
    layer = _layer(collection_id)
    for feature in _features(layer):
        if feature["id"] == feature_id:
            links = [_link(_url(".item", collection_id=collection_id, feature_id=feature_id), "self", GEOJSON,
                           "Det här objektet"),
                     _link(_url(".collection", collection_id=collection_id), "collection", JSON, layer.title)]
            return _json({**feature, "links": links}, GEOJSON)
    raise NotFound(f"Collection '{collection_id}' has no feature '{feature_id}'.")


@bp.route("/<path:_rest>")
def unknown(_rest):
    """Any other path under /ogc: a JSON 404, not the site's HTML page."""
    raise NotFound("There is no such resource in this API; start at /ogc/.")
