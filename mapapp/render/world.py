"""The World of a view (store/world.py), built once per data version, day and year, then reused by every
page, map and answer of that view."""
from flask import current_app

from ..core.cache import app_cache
from ..store import areas as area_store
from ..store import world as world_store
from ..store.versions import current_version


def key(session, today, year: int | None = None) -> tuple:
    """What a view's world depends on: the data version, the day and the year (caches built on it share it)."""
    return (current_version(session), today, year)


def get(session, today, year: int | None = None) -> world_store.World:
    return app_cache(current_app, "worlds", "WORLD_CACHE_BYTES", by_bytes=True).get_or_build(
        key(session, today, year), lambda: world_store.build(session, today, year, current_app.config["WORLD_DETAIL_BYTES"]))


def promise(session, today, slug: str, year: int | None = None) -> dict:
    """A promise's full detail in the view (built once per world)."""
    return world_store.get_promise(get(session, today, year), session, slug)


def all_promises(session, today) -> list[dict]:
    """Every published promise in full, newest first (the same dicts as /api/promises/<slug>)."""
    return world_store.all_promises(get(session, today), session)


def commitment(session, today, promise_slug: str, slug: str) -> dict:
    return world_store.get_commitment(get(session, today), session, promise_slug, slug)


def area(session, today, slug: str, year: int | None = None) -> dict:
    """Everything the area page shows, in the view of today or of a year."""
    return area_store.get_area(get(session, today, year), session, slug)
