"""Whole public pages reused until the data changes, for visitors who are not signed in.

Rendering a page costs tens of milliseconds of ORM and template work; the result depends only
on the data version, the URL, the language and the date, so anonymous requests share it.
"""
from functools import wraps

from flask import Response, current_app, get_flashed_messages, request
from flask_login import current_user

from . import today
from .db import get_engine
from .i18n import select_locale
from .mapcache import MapCache
from .store.versions import version_of


def _cache() -> MapCache:
    if "mapapp_page_cache" not in current_app.extensions:
        current_app.extensions["mapapp_page_cache"] = MapCache(current_app.config.get("PAGE_CACHE_SIZE", 256))
    return current_app.extensions["mapapp_page_cache"]


def cached_page(view):
    """Serve a stored copy of the view's body when nothing that shapes it has changed."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_user.is_authenticated or request.method != "GET" or get_flashed_messages(with_categories=True):
            return view(*args, **kwargs)
        locale = select_locale()  # also remembers ?lang= in the session, as a render would
        key = (request.endpoint, version_of(get_engine()), request.full_path, locale, today(),
               current_app.config.get("TILE_URL"))
        body, status, mimetype = _cache().get_or_build(key, lambda: _freeze(view(*args, **kwargs)))
        return Response(body, status=status, mimetype=mimetype)
    return wrapper


def _freeze(rv):
    """Bytes, status and type: a fresh response is built from them each time (hooks may alter it)."""
    response = current_app.make_response(rv)
    return response.get_data(), response.status_code, response.mimetype
