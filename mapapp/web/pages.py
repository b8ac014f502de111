"""Pages: each has a JSON twin at the same URL with .json, built from the same functions."""
from flask import Blueprint, current_app, request
from flask_babel import gettext

from ..render import mapdata, mapview
from ..core.clock import today
from ..store.db import get_session
from ..core.errors import MapappError
from ..store import areas as area_store
from ..store import dialogues as dialogue_store
from ..store import world as world_store
from ..render import world as worlds
from ..domain.status import COLOUR_RULE, SUMMARY_LABELS
from ..domain import vocab
from ..domain.municipalities import MUNICIPALITIES
from . import dialogue as dialogue_web
from .twin import Page, twin

bp = Blueprint("pages", __name__)

LAYERS = ("areas", "camera", "est", "lagesbild", "regso")
FIRST_YEAR = 2018  # the earliest promise in the data; a year view before it would be empty


def years() -> range:
    """The year views offered: from the first promise to this year (a year view is "as of its last day")."""
    return range(FIRST_YEAR, today().year + 1)


def year_param(args) -> int | None:
    """?year=YYYY (a view of that year's end) or latest/absent (today), checked."""
    year = args.get("year", "latest")
    if year in ("", "latest"):
        return None
    if not (year.isascii() and year.isdigit() and int(year) in years()):
        raise MapappError(f"year must be a year from {FIRST_YEAR} to {years()[-1]}, or 'latest'.")
    return int(year)


def map_params(args) -> dict:
    """Year, municipality and layers from the query string, checked."""
    year = year_param(args)
    kommun = args.get("kommun") or None
    if kommun is not None and kommun not in MUNICIPALITIES:
        raise MapappError("kommun must be a Swedish municipality code (four digits, e.g. 0581 for Norrköping).")
    layers = args.get("layers")
    layers = tuple(x for x in layers.split(",") if x) if layers else ("areas", "camera")
    if any(x not in LAYERS for x in layers):
        raise MapappError(f"layers must be a comma-separated list of {', '.join(LAYERS)}.")
    return {"year": year, "kommun": kommun, "layers": layers}


@twin(bp, "/", "index.html", json_rule="/index<any('.json'):fmt>", cached=True, map_data=True)
def index():
    params = map_params(request.args)
    session, day = get_session(), today()
    world = worlds.get(session, day, params["year"])
    # A small data set lists every area and promise; a national one lists the municipalities, and a
    # municipality's view its own: the overview never carries every area's detail.
    scope = mapview.inline_scope(session, day, params["year"], params["kommun"])
    kommun = params["kommun"] if scope != "all" else None
    data = {"year": params["year"], "as_of": world.as_of, "kommun": params["kommun"],
            "layers": list(params["layers"]),
            "municipalities": mapdata.municipalities(session, day, params["year"]),
            "areas": area_store.list_areas(world, kommun) if scope else [],
            "promises": [p for p in world_store.list_promises(world)
                         if scope == "all" or p["municipality"]["code"] == kommun]}
    return Page(data, html=lambda: {
        "map": mapview.overview(session, day, params["year"], params["kommun"], params["layers"]),
        "summary_labels": SUMMARY_LABELS, "colours": vocab.STATUS_COLOURS,
        "colour_rule": gettext(COLOUR_RULE),
        "years": years()})


def area_data(session, day, slug: str, year: int | None = None) -> dict:
    """Everything about an area, with the dialogue results left for it (the page, its twin and the API)."""
    world = worlds.get(session, day, year)
    data = worlds.area(session, day, slug, year)
    # Dialogue results reach it only when attached, which moves the data version on (pagecache).
    data["dialogues"] = dialogue_store.area_dialogues(session, slug, current_app.config["DIALOGUE_MIN_CELL_COUNT"],
                                                      world.as_of)
    return data


@twin(bp, "/area/<slug:slug>", "area.html", cached=True, map_data=True)
def area(slug):
    session, day = get_session(), today()
    data = area_data(session, day, slug, year_param(request.args))
    return Page(data, html=lambda: {"map": mapview.area(session, day, slug), "summary_labels": SUMMARY_LABELS,
                                    "scale": dialogue_web.scale()})


@twin(bp, "/promise/<slug:slug>", "promise.html", cached=True, map_data=True)
def promise(slug):
    session, day = get_session(), today()
    data = worlds.promise(session, day, slug)
    return Page(data, html=lambda: {"map": mapview.promise(session, day, data["municipality"]["code"], data["areas"]),
                                    "names": area_store.area_names(session)})


@twin(bp, "/promise/<slug:promise_slug>/commitment/<slug:slug>", "commitment.html", cached=True)
def commitment(promise_slug, slug):
    return worlds.commitment(get_session(), today(), promise_slug, slug)
