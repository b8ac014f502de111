"""Rendered maps for the pages, built once per data version and view, then reused."""
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _

from . import maps, mapdata
from ..geo import shapes
from ..core.cache import app_cache
from ..store.versions import current_version

def _attributions() -> tuple:
    return (_("Områdesgränser: Polismyndigheten, SCB (CC0), Stockholms stad (CC0)"),)


def _tiles():
    cfg = current_app.config
    return cfg["TILE_URL"], cfg["TILE_ATTRIBUTION"] or ""


def _cached(session, key, build):
    locale = str(get_locale() or "sv")  # layer names and attributions are translated
    return app_cache(current_app, "maps", "MAP_CACHE_SIZE").get_or_build((current_version(session), _tiles(), locale, *key), build)


def _layer_names() -> dict:
    return {"areas": _("Områden med medborgarlöften"), "camera": _("Kamerabevakning"),
            "est": _("EST-områden"), "lagesbild": _("Polisens lägesbild")}


def _parts(m, layers: dict) -> dict:
    return {**maps.render_parts(m), "features": maps.page_data(layers)}


def overview(session, today, year=None, municipality=None, layers=None) -> dict:
    """The home page map for a year (None = latest) and an optional municipality view."""
    def build():
        features = mapdata.area_features(session, today, year)
        focus = [f for f in features if not municipality or f["properties"]["municipality"]["code"] == municipality]
        url, attr = _tiles()
        camera = [f for f in mapdata.camera_features(session, today, year) if f["geometry"]]
        est, lagesbild = mapdata.est_features(features), mapdata.lagesbild_features(features, year)
        m = maps.overview_map(features, camera, est, lagesbild, str(year) if year else _("senaste"), url, attr,
                              maps.bounds_of(focus), _attributions(), show_layers=layers, background=True,
                              names=_layer_names())
        return _parts(m, {"areas": features, "camera": camera, "est": est, "lagesbild": lagesbild})
    return _cached(session, ("overview", today, year, municipality, tuple(layers or ())), build)


def area(session, today, slug) -> dict:
    def build():
        feature = next(f for f in mapdata.area_features(session, today) if f["id"] == slug)
        camera = [f for f in mapdata.camera_features(session, today)
                  if f["geometry"] and slug in {a["slug"] for a in f["properties"]["areas"]}]
        return _parts(maps.area_map(feature, camera, *_tiles()), {"areas": [feature], "camera": camera})
    return _cached(session, ("area", today, slug), build)


def promise(session, today, municipality, highlighted) -> dict:
    def build():
        features = mapdata.area_features(session, today, municipality=municipality)
        return _parts(maps.highlight_map(features, set(highlighted), *_tiles()), {"areas": features})
    return _cached(session, ("promise", today, municipality, tuple(sorted(highlighted))), build)


def est(session, today) -> dict:
    """The planners' EST map: areas coloured by status with the EST areas outlined, framed on them."""
    def build():
        features = mapdata.area_features(session, today)
        est_areas = mapdata.est_features(features)
        camera = [f for f in mapdata.camera_features(session, today) if f["geometry"]]
        lagesbild = mapdata.lagesbild_features(features)
        url, attr = _tiles()
        m = maps.overview_map(features, camera, est_areas, lagesbild, _("senaste"), url, attr,
                              maps.bounds_of(est_areas or features), _attributions(), show_layers=("areas", "est"),
                              names=_layer_names())
        return _parts(m, {"areas": features, "camera": camera, "est": est_areas, "lagesbild": lagesbild})
    return _cached(session, ("est", today), build)


def presenter_areas(session, today, slugs: tuple) -> dict:
    """Slug → name, municipality, bbox and label point of the areas a presentation may show."""
    def build():
        return {f["id"]: {k: f["properties"][k] for k in ("slug", "name", "municipality", "bbox", "label_point")}
                for f in mapdata.area_features(session, today) if f["id"] in slugs}
    return _cached(session, ("presenter-areas", today, slugs), build)


def presenter(session, today, slugs: tuple, tiles: bool = False) -> dict:
    """The presenter's map of these areas; tiles only when asked for (it must work with no network)."""
    def build():
        features = [f for f in mapdata.area_features(session, today) if f["id"] in slugs]
        url, attr = _tiles() if tiles else (None, "")
        m = maps.presenter_map(features, url, attr, _attributions())
        return maps.render_parts(m)
    return _cached(session, ("presenter", today, slugs, tiles), build)


def candidates(places: list[dict]) -> dict | None:
    """The small review map of a draft's named places: {"name", "kind", "geometry", "slug"} each (not cached:
    planners only, and it changes with every choice); None when no place has a polygon."""
    features = []
    for p in places:
        shape = shapes.from_geojson(p["geometry"])
        point = shape.representative_point()
        props = {"slug": p["slug"], "name": p["name"], "kind": p["kind"],
                 "label_point": [round(point.x, 6), round(point.y, 6)], "bbox": [round(v, 6) for v in shape.bounds]}
        features.append({"type": "Feature", "id": p["slug"], "properties": props, "geometry": p["geometry"]})
    if not features:
        return None
    return _parts(maps.candidate_map(features, *_tiles()), {"areas": features})
