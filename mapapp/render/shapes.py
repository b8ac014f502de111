"""The areas' shapes for maps (geo/areashapes.py), made once per data version and shared by every map."""
from flask import current_app

from ..core.cache import app_cache
from ..geo import areashapes
from ..store import areas as area_store
from ..store.versions import current_version


def get(session) -> areashapes.AreaShapes:
    return app_cache(current_app, "maps", "MAP_CACHE_SIZE").get_or_build(
        ("shapes", current_version(session)),
        lambda: areashapes.build(area_store.shape_facts(session), area_store.geometry_loader(session)))
