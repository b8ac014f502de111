"""The World of a view (store/world.py), built once per data version, day and year, then reused by every
page, map and answer of that view."""
from flask import current_app

from ..core.cache import app_cache
from ..store import world as world_store
from ..store.versions import current_version


def get(session, today, year: int | None = None) -> world_store.World:
    key = (current_version(session), today, year)
    return app_cache(current_app, "worlds", "WORLD_CACHE_SIZE").get_or_build(
        key, lambda: world_store.build(session, today, year))
