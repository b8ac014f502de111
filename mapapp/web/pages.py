"""Pages: each has a JSON twin at the same URL with .json, built from the same functions."""
from flask import Blueprint, request

from ..render import mapview
from ..core.clock import today
from ..store.db import get_session
from ..core.errors import MapappError
from ..store import areas as area_store
from ..store import promises as promise_store
from ..domain.status import SUMMARY_LABELS
from ..domain import vocab
from ..domain.municipalities import MUNICIPALITIES
from .twin import Page, twin

bp = Blueprint("pages", __name__)

LAYERS = ("areas", "camera", "est", "lagesbild")


def map_params(args) -> dict:
    """Year, municipality and layers from the query string, checked."""
    year = args.get("year", "latest")
    if year in ("", "latest"):
        year = None
    elif not (year.isdigit() and int(year) in range(2018, 2025)):
        raise MapappError("year must be a year from 2018 to 2024, or 'latest'.")
    else:
        year = int(year)
    kommun = args.get("kommun") or None
    if kommun is not None and kommun not in MUNICIPALITIES:
        raise MapappError(f"kommun must be one of {', '.join(MUNICIPALITIES)}.")
    layers = args.get("layers")
    layers = tuple(x for x in layers.split(",") if x) if layers else ("areas", "camera")
    if any(x not in LAYERS for x in layers):
        raise MapappError(f"layers must be a comma-separated list of {', '.join(LAYERS)}.")
    return {"year": year, "kommun": kommun, "layers": layers}


@twin(bp, "/", "index.html", json_rule="/index<any('.json'):fmt>", cached=True)
def index():
    params = map_params(request.args)
    session, day = get_session(), today()
    areas = area_store.list_areas(session, day, params["year"])
    data = {"year": params["year"], "kommun": params["kommun"], "layers": list(params["layers"]),
            "areas": areas, "promises": promise_store.list_promises(session, day)}
    return Page(data, html=lambda: {
        "map": mapview.overview(session, day, params["year"], params["kommun"], params["layers"]),
        "municipalities": MUNICIPALITIES, "summary_labels": SUMMARY_LABELS, "colours": vocab.STATUS_COLOURS,
        "years": range(2018, 2025)})


@twin(bp, "/area/<slug:slug>", "area.html", cached=True)
def area(slug):
    session, day = get_session(), today()
    return Page(area_store.get_area(session, slug, day),
                html=lambda: {"map": mapview.area(session, day, slug), "summary_labels": SUMMARY_LABELS})


@twin(bp, "/promise/<slug:slug>", "promise.html", cached=True)
def promise(slug):
    session, day = get_session(), today()
    data = promise_store.get_promise(session, slug, day)
    return Page(data, html=lambda: {"map": mapview.promise(session, day, data["municipality"]["code"], data["areas"]),
                                    "names": area_store.area_names(session)})


@twin(bp, "/promise/<slug:promise_slug>/commitment/<slug:slug>", "commitment.html", cached=True)
def commitment(promise_slug, slug):
    return promise_store.get_commitment(get_session(), promise_slug, slug, today())
