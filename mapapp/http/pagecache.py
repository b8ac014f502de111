"""Whole public pages reused until the data changes, for visitors who are not signed in.

Rendering a page costs tens of milliseconds of ORM and template work; the result depends only
on the data version, the URL, the language and the date, so anonymous requests share it.
"""
from functools import wraps

from flask import Response, current_app, get_flashed_messages, request
from flask_login import current_user

from ..core.clock import today
from ..store.db import get_engine
from .i18n import select_locale
from ..core.cache import Cache, app_cache
from .conditional import etag_of
from .preload import link_header
from ..store.versions import version_of


def _cache() -> Cache:
    return app_cache(current_app, "pages", "PAGE_CACHE_BYTES", by_bytes=True)


def cached_page(view):
    """Serve a stored copy of the view's body when nothing that shapes it has changed."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_user.is_authenticated or request.method != "GET" or get_flashed_messages(with_categories=True):
            return view(*args, **kwargs)
        locale = select_locale()  # also remembers ?lang= in the session, as a render would
        key = (request.endpoint, version_of(get_engine()), request.full_path, locale, today(),
               current_app.config["TILE_URL"])
        body, status, mimetype, etag, preload = _cache().get_or_build(key, lambda: _freeze(view(*args, **kwargs)))
        response = Response(body, status=status, mimetype=mimetype)
        response.set_etag(etag)
        if preload:
            response.headers["Link"] = preload
        return response
    wrapper.page_cached = True  # read by is_cached_read
    return wrapper


def is_cached_read() -> bool:
    """A GET or HEAD of a view wrapped in cached_page (every rate limit in the app is on POSTs)."""
    return request.method in ("GET", "HEAD") and getattr(
        current_app.view_functions.get(request.endpoint), "page_cached", False)


def _freeze(rv):
    """Bytes, status, type, ETag and the files to preload: a fresh response is built from them each time (hooks
    may alter it)."""
    response = current_app.make_response(rv)
    body = response.get_data()
    preload = link_header(body) if response.mimetype == "text/html" else None
    return body, response.status_code, response.mimetype, etag_of(body), preload
