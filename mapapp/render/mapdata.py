"""GeoJSON features for maps and the API: the world's summaries joined to the areas' shapes, made once per
data version and view, and sent as ready bytes where the answer is large."""
import json

from flask import current_app
from flask_babel import get_locale

from ..core.cache import app_cache
from ..core.jsonable import plain
from ..geo import shapes as geo
from ..store import areas as area_store
from . import shapes as area_shapes
from . import world as worlds
from .labels import progress_text

def _props(summary: dict, shape) -> dict:
    props = plain(summary)
    props.update(label_point=shape.label_point, bbox=shape.bbox,
                 progress_text=progress_text(summary["progress"]) if summary["progress"]["total"] else None)
    return props


def _summaries(session, today, year, municipality, slugs=None):
    world = worlds.get(session, today, year)
    if slugs is not None:
        return [area_store.area_summary(world, s) for s in slugs if s in world.areas
                and (not municipality or world.areas[s]["municipality"]["code"] == municipality)]
    return area_store.list_areas(world, municipality)


def _maps():
    return app_cache(current_app, "maps", "MAP_CACHE_BYTES", by_bytes=True)


def area_features(session, today, year=None, municipality=None, slugs=None, stored=False) -> list[dict]:
    """One feature per area (all, a municipality's, or the given slugs) with the map's summary as properties and
    its geometry as a map draws it (geo.display_geojson), or as stored (downloads)."""
    def build():
        summaries = _summaries(session, today, year, municipality, slugs)
        shapes = area_shapes.of(session, [s["slug"] for s in summaries])
        geometry = json.loads if stored else geo.display_geojson
        return [{"type": "Feature", "id": s["slug"], "properties": _props(s, shapes[s["slug"]]),
                 "geometry": geometry(shapes[s["slug"]].geometry)} for s in summaries]
    # None is every area, [] is none: the key keeps them apart.
    key = ("area-features", worlds.key(session, today, year), municipality,
           None if slugs is None else tuple(slugs), str(get_locale()), stored)
    return _maps().get_or_build(key, build)


def area_collection(session, today, year=None, municipality=None, bbox=None, zoom=None) -> bytes:
    """The areas as a GeoJSON FeatureCollection (UTF-8 bytes): all of them, or those meeting bbox with
    geometry simplified for zoom. Made as text from stored geometry text, so no polygon is parsed twice.
    Not kept here: the answer is kept whole as a page (http/pagecache.py), its parts per area (shapes.py)."""
    slugs = area_shapes.boxes(session).in_bbox(bbox) if bbox else None
    summaries = _summaries(session, today, year, municipality, slugs)
    wanted = [s["slug"] for s in summaries]
    shapes = area_shapes.of(session, wanted)
    geometry = area_shapes.for_zoom(session, zoom, wanted) if zoom is not None else {
        slug: shape.geometry for slug, shape in shapes.items()}
    parts = [f'{{"type":"Feature","id":{json.dumps(s["slug"])},"properties":'
             f'{json.dumps(_props(s, shapes[s["slug"]]), ensure_ascii=False, separators=(",", ":"))},'
             f'"geometry":{geometry[s["slug"]]}}}' for s in summaries]
    return ('{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}").encode("utf-8")


def camera_features(session, today, year=None) -> list[dict]:
    """Sites known on the view's day as points; decision areas as the union of their areas (outlines)."""
    def build():
        sites = worlds.get(session, today, year).camera_sites
        shapes = area_shapes.of(session, sorted({a["slug"] for site in sites for a in site["areas"]}))
        features = []
        for site in sites:
            if site["point"]:
                geometry = {"type": "Point", "coordinates": [site["point"]["lon"], site["point"]["lat"]]}
            elif site["areas"]:
                geometry = geo.union_geojson([json.loads(shapes[a["slug"]].geometry) for a in site["areas"]])
            else:
                geometry = None  # published without a mappable place: listed, not drawn
            features.append({"type": "Feature", "id": site["slug"], "properties": plain(site), "geometry": geometry})
        return features
    return _maps().get_or_build(("camera-features", worlds.key(session, today, year)), build)


def est_features(features: list[dict]) -> list[dict]:
    return [f for f in features if f["properties"]["est_member"]]


def lagesbild_features(features: list[dict], year=None) -> list[dict]:
    """Areas on the police list in the chosen year (or in the latest list)."""
    out = []
    for f in features:
        latest = f["properties"].get("lagesbild_latest")
        if latest and latest["status"] == "listed":
            out.append({**f, "properties": {**f["properties"], "lagesbild": latest}})
    return out


def municipalities(session, today, year=None) -> list[dict]:
    """Each municipality with areas: its name, how many areas and how many with a promise in force, and the
    box around its areas (a national map's dots, and the overview's list)."""
    def build():
        world, boxes = worlds.get(session, today, year), area_store.municipality_boxes(session)
        out: dict[str, dict] = {}
        for slug, area in world.areas.items():
            code = area["municipality"]["code"]
            entry = out.get(code)
            if entry is None:
                entry = out[code] = {**area["municipality"], "area_count": 0, "in_force": 0,
                                     "bbox": boxes.get(code)}
            entry["area_count"] += 1
            entry["in_force"] += 1 if area_store.has_promise_in_force(world, slug) else 0
        for entry in out.values():
            box = entry["bbox"]
            entry["centre"] = [round((box[0] + box[2]) / 2, 5), round((box[1] + box[3]) / 2, 5)] if box else None
        return sorted(out.values(), key=lambda m: m["name"])
    return _maps().get_or_build(("municipalities", worlds.key(session, today, year)), build)
