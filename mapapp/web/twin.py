"""Every page has a JSON twin: the view returns its data once, and the format is chosen here, once.

    @twin(bp, "/area/<slug:slug>", "area.html")
    def area(slug):
        data = area_store.get_area(...)
        return Page(data, html=lambda: {"map": mapview.area(...)})

answers /area/hageby with area.html (data=…, map=…) and /area/hageby.json with the data alone.
A view may also return a plain dict (no HTML extras), or a Response (a redirect after a form), which
is sent as it is. `html` may return a finished answer too, for what only a browser gets (a redirect, a form page).
"""
import functools
from dataclasses import dataclass
from typing import Any, Callable

from flask import jsonify, render_template, request, url_for
from werkzeug.wrappers import Response

from ..core.errors import MapappError
from ..http.pagecache import cached_page


@dataclass
class Page:
    data: Any
    html: Callable[[], Any] | dict | None = None  # extra template context, built only for HTML
    status: int = 200
    template: str | None = None  # when one view shows several templates


def respond(result, fmt: str | None, template: str | None, map_data: bool = False):
    """The view's result as JSON or as its HTML page (with map_data, the page names its map data's URL)."""
    if isinstance(result, (Response, tuple)):
        return result
    page = result if isinstance(result, Page) else Page(result)
    if fmt == ".json":
        return jsonify(page.data), page.status
    extra = page.html() if callable(page.html) else (page.html or {})
    if fmt == ".map.json":
        if not isinstance(extra, dict) or not extra.get("map"):
            raise MapappError("This page has no map.", 404)
        return jsonify(extra["map"]["features"]), page.status
    if not isinstance(extra, dict):  # the page built its own answer (a redirect, or a page of its own)
        return extra
    if map_data:
        extra = {**extra, "map_data_url": map_data_url()}
    return render_template(page.template or template, data=page.data, **extra), page.status


def twin(bp, rule: str, template: str | None = None, *, json_rule: str | None = None, cached: bool = False,
         map_data: bool = False, **options):
    """Register rule for HTML and json_rule (default: rule + '.json') for JSON, both served by one view; with
    map_data, also the data of the page's map (the same rule, '.map.json'), which the page fetches as it draws
    the map instead of carrying it (see map_data_url)."""
    def decorator(view):
        def endpoint(*args, fmt=None, **kwargs):
            return respond(view(*args, **kwargs), fmt, template, map_data)
        functools.update_wrapper(endpoint, view)  # name, docstring and marks (bodies.accepts_upload)
        served = cached_page(endpoint) if cached else endpoint
        bp.add_url_rule(rule, view.__name__, served, **options)
        # The twin only reads: forms post to the page itself.
        bp.add_url_rule(json_rule or rule + "<any('.json'):fmt>", view.__name__, served,
                        **{**options, "methods": ["GET"]})
        if map_data:
            bp.add_url_rule((json_rule or rule + "<any('.json'):fmt>").replace("'.json'", "'.map.json'"),
                            view.__name__ + "_map_data", served, **{**options, "methods": ["GET"]})
        return view
    return decorator


def map_data_url() -> str:
    """The URL of this page's map data (its .map.json twin), with the page's own query."""
    endpoint = request.endpoint.removesuffix("_map_data") + "_map_data"
    args = {k: v for k, v in (request.view_args or {}).items() if k != "fmt"}
    # The query is passed on as it came: as url_for arguments its names could clash with the rule's
    # (?slug=, ?fmt=) or steer url_for itself (?_external=, ?_anchor=).
    query = request.query_string.decode("latin-1")
    return url_for(endpoint, **args, fmt=".map.json") + ("?" + query if query else "")
