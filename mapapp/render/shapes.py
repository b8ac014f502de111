"""The areas' shapes for maps (geo/areashapes.py), read when first needed and kept per data version: one box
index of every area, and each area's shape (label point, box, stored geometry) and its geometry simplified
per zoom band kept on its own, so a view reads and simplifies only the areas it shows."""
from flask import current_app

from ..core.cache import app_cache
from ..geo import areashapes
from ..geo.national import band_for
from ..store import areas as area_store
from ..store.versions import current_version


def _shapes():
    return app_cache(current_app, "shapes", "SHAPE_CACHE_BYTES", by_bytes=True)


def boxes(session) -> areashapes.AreaBoxes:
    """Every area's box, for the areas a view meets."""
    return app_cache(current_app, "maps", "MAP_CACHE_BYTES", by_bytes=True).get_or_build(
        ("area-boxes", current_version(session)), lambda: areashapes.area_boxes(area_store.area_boxes(session)))


def _kept(session, kind: tuple, slugs, read) -> dict:
    """slug → value, from the cache where kept, the rest made by read(missing slugs) in one go and kept."""
    version, cache = current_version(session), _shapes()
    found, missing = {}, []
    for slug in slugs:
        value = cache.get((*kind, version, slug))
        if value is None:
            missing.append(slug)
        else:
            found[slug] = value
    if missing:
        for slug, value in read(missing).items():
            cache.set((*kind, version, slug), value)
            found[slug] = value
    return {s: found[s] for s in slugs if s in found}


def of(session, slugs) -> dict[str, areashapes.AreaShape]:
    """slug → AreaShape of the given areas (unknown slugs left out)."""
    return _kept(session, ("shape",), slugs, lambda missing: {
        slug: areashapes.AreaShape(*row) for slug, row in area_store.shape_rows(session, missing).items()})


def for_zoom(session, zoom: int, slugs) -> dict[str, str]:
    """slug → geometry text simplified for the zoom's band, of the given areas."""
    def read(missing):
        stored = of(session, missing)
        return areashapes.simplify_for_zoom({s: shape.geometry for s, shape in stored.items()}, zoom)
    return _kept(session, ("band", band_for(zoom).name), slugs, read)
