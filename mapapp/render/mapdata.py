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

def _props(summary: dict, shapes) -> dict:
    slug = summary["slug"]
    props = plain(summary)
    props.update(label_point=shapes.label_point[slug], bbox=shapes.bbox[slug],
                 progress_text=progress_text(summary["progress"]) if summary["progress"]["total"] else None)
    return props


def _summaries(session, today, year, municipality, slugs=None):
    world = worlds.get(session, today, year)
    if slugs is not None:
        return [area_store.area_summary(world, s) for s in slugs if s in world.areas
                and (not municipality or world.areas[s]["municipality"]["code"] == municipality)]
    return area_store.list_areas(world, municipality)


def area_features(session, today, year=None, municipality=None, slugs=None) -> list[dict]:
    """One feature per area (all, a municipality's, or the given slugs) with the map's summary as properties."""
    def build():
        shapes = area_shapes.get(session)
        return [{"type": "Feature", "id": s["slug"], "properties": _props(s, shapes),
                 "geometry": json.loads(shapes.geometry[s["slug"]])}
                for s in _summaries(session, today, year, municipality, slugs)]
    key = ("area-features", worlds.key(session, today, year), municipality, tuple(slugs or ()), str(get_locale()))
    return app_cache(current_app, "maps", "MAP_CACHE_SIZE").get_or_build(key, build)


def area_collection(session, today, year=None, municipality=None, bbox=None, zoom=None) -> bytes:
    """The areas as a GeoJSON FeatureCollection (UTF-8 bytes): all of them, or those meeting bbox with
    geometry simplified for zoom. Made as text from stored geometry text, so no polygon is parsed twice."""
    def build():
        shapes = area_shapes.get(session)
        slugs = shapes.in_bbox(bbox) if bbox else None
        geometry = shapes.band_geometry(zoom) if zoom is not None else shapes.geometry
        parts = [f'{{"type":"Feature","id":{json.dumps(s["slug"])},"properties":'
                 f'{json.dumps(_props(s, shapes), ensure_ascii=False, separators=(",", ":"))},'
                 f'"geometry":{geometry[s["slug"]]}}}'
                 for s in _summaries(session, today, year, municipality, slugs)]
        return ('{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}").encode("utf-8")
    key = ("area-collection", worlds.key(session, today, year), municipality, bbox, zoom, str(get_locale()))
    return app_cache(current_app, "answers", "ANSWER_CACHE_BYTES", by_bytes=True).get_or_build(key, build)


def camera_features(session, today, year=None) -> list[dict]:
    """Sites known on the view's day as points; decision areas as the union of their areas (outlines)."""
    def build():
        shapes = area_shapes.get(session)
        features = []
        for site in worlds.get(session, today, year).camera_sites:
            if site["point"]:
                geometry = {"type": "Point", "coordinates": [site["point"]["lon"], site["point"]["lat"]]}
            elif site["areas"]:
                geometry = geo.union_geojson([json.loads(shapes.geometry[a["slug"]]) for a in site["areas"]])
            else:
                geometry = None  # published without a mappable place: listed, not drawn
            features.append({"type": "Feature", "id": site["slug"], "properties": plain(site), "geometry": geometry})
        return features
    return app_cache(current_app, "maps", "MAP_CACHE_SIZE").get_or_build(
        ("camera-features", worlds.key(session, today, year)), build)


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
        world, shapes = worlds.get(session, today, year), area_shapes.get(session)
        out: dict[str, dict] = {}
        for slug, area in world.areas.items():
            code = area["municipality"]["code"]
            entry = out.setdefault(code, {**area["municipality"], "area_count": 0, "in_force": 0, "boxes": []})
            entry["area_count"] += 1
            entry["in_force"] += 1 if area_store.has_promise_in_force(world, slug) else 0
            entry["boxes"].append(shapes.bbox[slug])
        for entry in out.values():
            boxes = entry.pop("boxes")
            entry["bbox"] = [min(b[0] for b in boxes), min(b[1] for b in boxes),
                             max(b[2] for b in boxes), max(b[3] for b in boxes)]
            entry["centre"] = [round((entry["bbox"][0] + entry["bbox"][2]) / 2, 5),
                               round((entry["bbox"][1] + entry["bbox"][3]) / 2, 5)]
        return sorted(out.values(), key=lambda m: m["name"])
    return app_cache(current_app, "maps", "MAP_CACHE_SIZE").get_or_build(
        ("municipalities", worlds.key(session, today, year)), build)
