"""Rendered maps for the pages, built once per data version and view, then reused."""
import json
import re

from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from . import map_parts, maps, mapdata
from . import shapes as area_shapes
from .assets import asset_url
from . import world as worlds
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
    return app_cache(current_app, "maps", "MAP_CACHE_BYTES", by_bytes=True).get_or_build((current_version(session), _tiles(), locale, *key), build)


def _layer_names() -> dict:
    return {"areas": _("Områden med medborgarlöften"), "camera": _("Kamerabevakning"),
            "est": _("EST-områden"), "lagesbild": _("Polisens lägesbild")}


def _versioned(parts: dict) -> dict:
    """The map's own script and style URLs with their content hash, so browsers keep them for a year."""
    for key in ("header", "script"):
        parts[key] = _STATIC.sub(lambda m: f'{m.group(1)}="{asset_url(m.group(2))}"', parts[key])
    return parts


_STATIC = re.compile(r'\b(src|href)="(/static/[^"?]+)"')


def _parts(m, layers: dict) -> dict:
    return {**_versioned(map_parts.render_parts(m, _area_url)), "features": maps.page_data(layers)}


def _area_url(slug: str) -> str:
    return url_for("pages.area", slug=slug)


def inline_scope(session, today, year=None, municipality=None) -> str | None:
    """Which areas a map page carries inline: "all", "municipality", or None (too many or too large: loaded by
    bbox). Inline only while small: on a phone, more geometry in the page costs more than the two round trips
    of fetching it simplified for the view."""
    world = worlds.get(session, today, year)
    if _small(session, list(world.areas)):
        return "all"
    if municipality and _small(session, [s for s, a in world.areas.items() if a["municipality"]["code"] == municipality]):
        return "municipality"
    return None


def _small(session, slugs: list[str]) -> bool:
    cfg = current_app.config
    if len(slugs) > cfg["MAP_INLINE_AREAS"]:
        return False  # counted first: the shapes of a national data set are never read to learn it is large
    return sum(len(shape.geometry) for shape in area_shapes.of(session, slugs).values()) <= cfg["MAP_INLINE_BYTES"]


def overview(session, today, year=None, municipality=None, layers=None) -> dict:
    """The home page map for a year (None = latest) and an optional municipality view. A small set of areas is
    drawn from the page itself; a national one from /api/areas.geojson by bbox as the map moves, with one dot
    per municipality when zoomed out, so the page never carries every area."""
    def build():
        scope = inline_scope(session, today, year, municipality)
        world = worlds.get(session, today, year)
        if scope:
            features = mapdata.area_features(session, today, year, municipality if scope == "municipality" else None)
        else:
            features = []
        focus = [f for f in features if not municipality or f["properties"]["municipality"]["code"] == municipality]
        marked = [s for s, a in world.areas.items() if a["est"].get("member") or a["lagesbild"]]
        flagged = features if scope else mapdata.area_features(session, today, year, slugs=marked)
        url, attr = _tiles()
        camera = [f for f in mapdata.camera_features(session, today, year) if f["geometry"]]
        est, lagesbild = mapdata.est_features(flagged), mapdata.lagesbild_features(flagged, year)
        dots = mapdata.municipalities(session, today, year)
        bounds = maps.bounds_of(focus) or _box(next((d["bbox"] for d in dots if d["code"] == municipality), None))
        remote = None if scope else {"url": "/api/areas.geojson", "minZoom": REMOTE_MIN_ZOOM, "year": year}
        m = maps.overview_map(features, camera, est, lagesbild, str(year) if year else _("senaste"), url, attr,
                              bounds, _attributions(), show_layers=layers, background=True,
                              names=_layer_names(), remote=remote)
        parts = _parts(m, {"areas": features, "camera": camera, "est": est, "lagesbild": lagesbild})
        parts["features"]["municipalities"] = dots
        return parts
    return _cached(session, ("overview", today, year, municipality, tuple(layers or ())), build)


REMOTE_MIN_ZOOM = 9  # below it, a national map shows one dot per municipality instead of its areas


def _box(bbox):
    return [[bbox[1], bbox[0]], [bbox[3], bbox[2]]] if bbox else None


def area(session, today, slug) -> dict:
    def build():
        feature = mapdata.area_features(session, today, slugs=[slug])[0]
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
                for f in mapdata.area_features(session, today, slugs=list(slugs))}
    return _cached(session, ("presenter-areas", today, slugs), build)


def presenter(session, today, slugs: tuple, tiles: bool = False) -> dict:
    """The presenter's map of these areas; tiles only when asked for (it must work with no network)."""
    def build():
        features = mapdata.area_features(session, today, slugs=list(slugs))
        url, attr = _tiles() if tiles else (None, "")
        m = maps.presenter_map(features, url, attr, _attributions())
        return _versioned(map_parts.render_parts(m))
    return _cached(session, ("presenter", today, slugs, tiles), build)


def candidates(places: list[dict]) -> dict | None:
    """The small review map of a draft's named places: {"name", "kind", "geometry", "slug"} each (not cached:
    planners only, and it changes with every choice); None when no place has a polygon."""
    features = []
    for p in places:
        label_point, bbox = shapes.shape_facts(json.dumps(p["geometry"]))
        props = {"slug": p["slug"], "name": p["name"], "kind": p["kind"], "label_point": label_point, "bbox": bbox}
        features.append({"type": "Feature", "id": p["slug"], "properties": props, "geometry": p["geometry"]})
    if not features:
        return None
    return _parts(maps.candidate_map(features, *_tiles()), {"areas": features})
