"""Citizen routes: find my area, and subscriptions (Atom, iCalendar)."""
from flask import Blueprint, Response, current_app, jsonify, redirect, request, url_for

from flask_babel import gettext

from ..render import feeds
from ..domain import search
from ..core.clock import today
from ..store.db import get_session
from ..core.errors import MapappError
from ..store import places as place_store
from ..render import mapdata
from ..render import world as worlds
from ..core.cache import app_cache
from ..domain.municipalities import all_municipalities
from .twin import Page, twin

bp = Blueprint("citizen", __name__)


def _candidates(session) -> list[dict]:
    """Areas, places and municipalities to search, made once per data version."""
    def build():
        covered = {m["code"]: m for m in mapdata.municipalities(session, today())}
        towns = [{"kind": "municipality", "slug": m["code"], "code": m["code"], "name": m["name"],
                  "names": [m["name"], f"{m['name']} kommun"], "municipality": m["name"],
                  "area_count": covered.get(m["code"], {}).get("area_count", 0)}
                 for m in all_municipalities()]
        return place_store.search_candidates(session) + towns
    return app_cache(current_app, "maps", "MAP_CACHE_BYTES", by_bytes=True).get_or_build(
        ("search-candidates", worlds.key(session, today())), build)


def find(query: str) -> dict:
    """Areas, places and municipalities matching the query; an external geocoder only if configured.

    With no hit, the answer offers what a visitor can do next: their location, the map, and the
    municipalities the app covers."""
    query = (query or "").strip()
    if len(query) > 200:
        raise MapappError(gettext("Sökningen får vara högst 200 tecken."))
    session = get_session()
    results = search.rank(query, _candidates(session)) if query else []
    external = []
    if query and not results and current_app.config["GEOCODER_URL"]:
        external = search.external_geocode(current_app.config["GEOCODER_URL"], query)
    covered = [m for m in mapdata.municipalities(session, today())]
    return {"query": query, "results": results, "external": external,
            "covered_municipalities": [{"code": m["code"], "name": m["name"], "area_count": m["area_count"]}
                                       for m in covered]}


@twin(bp, "/search", "search.html")
def search_page():
    data = find(request.args.get("q", ""))

    def html():
        best = data["results"][:1]
        if best and best[0]["score"] == 1.0 and request.args.get("list") != "1":
            if best[0]["kind"] == "area":
                return redirect(url_for("pages.area", slug=best[0]["slug"]))
            if best[0]["kind"] == "municipality" and best[0]["area_count"]:
                return redirect(url_for("pages.index", kommun=best[0]["code"]))
        return {}
    return Page(data, html=html)


@bp.route("/api/search")
def search_api():
    return jsonify(find(request.args.get("q", "")))


def _promise_urls():
    return (lambda slug: url_for("pages.promise", slug=slug, _external=True),
            lambda p, c: url_for("pages.commitment", promise_slug=p, slug=c, _external=True))


@bp.route("/promise/<slug:slug>/feed.atom")
def promise_feed(slug):
    promise = worlds.promise(get_session(), today(), slug)
    entries = feeds.promise_entries(promise, *_promise_urls())
    body = feeds.atom(f"promise:{slug}", promise["title"], request.url, url_for("pages.promise", slug=slug, _external=True), entries)
    return Response(body, mimetype="application/atom+xml")


@bp.route("/area/<slug:slug>/feed.atom")
def area_feed(slug):
    area = worlds.area(get_session(), today(), slug)
    entries = []
    for detail in area["promise_details"]:
        entries += feeds.promise_entries(detail, *_promise_urls())
    body = feeds.atom(f"area:{slug}", f"Medborgarlöften – {area['name']}", request.url,
                      url_for("pages.area", slug=slug, _external=True), entries)
    return Response(body, mimetype="application/atom+xml")


@bp.route("/promise/<slug:slug>/follow-ups.ics")
def promise_calendar(slug):
    promise = worlds.promise(get_session(), today(), slug)
    body = feeds.follow_up_calendar(promise, url_for("pages.promise", slug=slug, _external=True))
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'inline; filename="{slug}-uppfoljningar.ics"'})
