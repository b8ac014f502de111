"""Pages: each has a JSON twin at the same URL with .json, built from the same functions."""
from flask import Blueprint, jsonify, render_template, request

from ..render import mapview
from ..core.clock import today
from ..store.db import get_session
from ..core.errors import MapappError
from ..store import areas as area_store
from ..store import promises as promise_store
from ..domain.status import SUMMARY_LABELS
from ..domain import vocab
from ..http.pagecache import cached_page
from ..domain.municipalities import MUNICIPALITIES

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


def _render_or_json(fmt, template, data, **extra):
    if fmt == ".json":
        return jsonify(data)
    return render_template(template, data=data, **extra)


@bp.route("/")
@bp.route("/index<any('.json'):fmt>")
@cached_page
def index(fmt=None):
    params = map_params(request.args)
    session, day = get_session(), today()
    areas = area_store.list_areas(session, day, params["year"])
    data = {"year": params["year"], "kommun": params["kommun"], "layers": list(params["layers"]),
            "areas": areas, "promises": promise_store.list_promises(session, day)}
    if fmt == ".json":
        return jsonify(data)
    parts = mapview.overview(session, day, params["year"], params["kommun"], params["layers"])
    return render_template("index.html", data=data, map=parts, municipalities=MUNICIPALITIES,
                           summary_labels=SUMMARY_LABELS, colours=vocab.STATUS_COLOURS, years=range(2018, 2025))


@bp.route("/area/<slug:slug>")
@bp.route("/area/<slug:slug><any('.json'):fmt>")
@cached_page
def area(slug, fmt=None):
    session, day = get_session(), today()
    data = area_store.get_area(session, slug, day)
    if fmt == ".json":
        return jsonify(data)
    return render_template("area.html", data=data, map=mapview.area(session, day, slug),
                           summary_labels=SUMMARY_LABELS)


@bp.route("/promise/<slug:slug>")
@bp.route("/promise/<slug:slug><any('.json'):fmt>")
@cached_page
def promise(slug, fmt=None):
    session, day = get_session(), today()
    data = promise_store.get_promise(session, slug, day)
    if fmt == ".json":
        return jsonify(data)
    parts = mapview.promise(session, day, data["municipality"]["code"], data["areas"])
    return render_template("promise.html", data=data, map=parts, names=area_store.area_names(session))


@bp.route("/promise/<slug:promise_slug>/commitment/<slug:slug>")
@bp.route("/promise/<slug:promise_slug>/commitment/<slug:slug><any('.json'):fmt>")
@cached_page
def commitment(promise_slug, slug, fmt=None):
    data = promise_store.get_commitment(get_session(), promise_slug, slug, today())
    return _render_or_json(fmt, "commitment.html", data)
