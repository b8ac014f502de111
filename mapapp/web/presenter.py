"""Presenter mode for medborgardialoger: /present/<promise> (and its .json twin), and the planners'
named presentations under /planner/presentations. Slides are built in slides.py, the map in
mapview.presenter; these views only gather, check and render."""
import functools
import re

import segno
from flask import current_app, Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import HiddenField, StringField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from ..render import mapview
from ..domain import slides
from ..core.bounds import whole_number
from ..core.clock import today
from .auth import require_planner
from ..store.db import get_session
from ..core.errors import MapappError, NotFound
from .forms import parse_int
from .twin import Page, twin
from ..store import areas as area_store
from ..store import presentations as presentation_store
from ..store import world as world_store
from ..render import world as worlds

bp = Blueprint("presenter", __name__)

_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def planner_only(view):
    """The planner pages of this module: a signed-in planner (or admin), as auth.require_planner says."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        refused = require_planner()
        return refused if refused is not None else view(*args, **kwargs)
    return wrapped


# --- presenting ---------------------------------------------------------------------------

def _strings() -> dict:
    return {key: _(text) for key, text in slides.STRINGS.items()}


def _candidates(session, promise) -> tuple:
    return tuple(slides.candidate_areas(promise, area_store.area_names(session)))


def deck(promise_slug: str, presentation_slug: str | None, extra: list[dict] | None = None) -> dict:
    """The slides of a promise (optionally as a saved presentation orders them, with extra slides before
    the closing one): for the page and its twin."""
    session, day = get_session(), today()
    promise = worlds.promise(session, day, promise_slug)
    chosen = None
    if presentation_slug is not None:
        if not _SLUG.match(presentation_slug):
            raise NotFound(_("Det finns ingen presentation med adressen '%(slug)s'.", slug=presentation_slug))
        chosen = presentation_store.get_presentation(session, presentation_slug, promise_slug)
    areas = mapview.presenter_areas(session, day, _candidates(session, promise))
    url = public_url(url_for("pages.promise", slug=promise_slug))
    out = slides.build(promise, areas, url, chosen and {"areas": chosen["areas"], "commitments": chosen["commitments"]},
                       _strings(), extra)
    out["presentation"] = {"slug": chosen["slug"], "name": chosen["name"]} if chosen else None
    out["public_address"] = reachable_address()
    return out


def reachable_address() -> bool:
    """Whether phones in the room can open the citizen page: a public address is set, or the app is served
    under a name that is not this computer's own (localhost, 127.0.0.1)."""
    if current_app.config["PUBLIC_URL"]:
        return True
    host = (request.host or "").rsplit(":", 1)[0].strip("[]")
    return host not in ("localhost", "127.0.0.1", "::1") and not host.startswith("127.")


def public_url(path: str) -> str:
    """The address phones in the room can open: PUBLIC_URL when set (a laptop's own host is not)."""
    base = current_app.config["PUBLIC_URL"]
    return base.rstrip("/") + path if base else url_for("pages.index", _external=True).rstrip("/") + path


def qr_svg(url: str) -> Markup:
    """The QR code of `url` as inline SVG, made here (no service is asked); dark on light for any projector."""
    code = segno.make(url, error="m", micro=False)
    return Markup(code.svg_inline(scale=1, border=4, omitsize=True, dark="#000000", light="#ffffff",
                                  svgclass="qr-code", lineclass=None))


def _tiles_param() -> bool:
    value = request.args.get("tiles", "0")
    if value not in ("0", "1"):
        raise MapappError(_("tiles måste vara 0 eller 1."))
    return value == "1"


@twin(bp, "/present/<slug:slug>", "present.html")
def present(slug):
    data = deck(slug, request.args.get("p"))
    session, day = get_session(), today()
    return Page(data, html=lambda: {"map": mapview.presenter(session, day, tuple(data["areas"]), tiles=_tiles_param()),
                                    "qr": qr_svg(data["citizen_url"]) if data["public_address"] else None})


# --- planners' named presentations --------------------------------------------------------

class PresentationForm(FlaskForm):
    name = StringField(_l("Namn"), [InputRequired(_l("Fyll i fältet.")), Length(max=200)])
    slug = StringField(_l("Adress (slug), t.ex. ”dialog-hageby-2024”; tomt = skapas av namnet"),
                       [Optional(), Length(max=80),
                        Regexp(_SLUG.pattern, message=_l("Små bokstäver a–z, siffror och bindestreck."))])
    version = HiddenField(default="0")


def read_order(formdata, name: str, options: list[str]) -> tuple[list[str], dict, list[str]]:
    """The ticked options in the planner's order: numbered ones by number, then unnumbered in list order.

    Returns the ordered keys, an error per option key, and errors about the whole choice.
    """
    chosen = formdata.getlist(name)
    problems = [_("Okänt val: %(v)s.", v=v) for v in chosen if v not in options]
    errors, ranked = {}, []
    for index, key in enumerate(options):
        raw = (formdata.get(f"{name}-order-{index}") or "").strip()
        order = whole_number(raw, 1, 999)  # ASCII digits only: "²" is a digit to str.isdigit but no number
        if raw and order is None:
            errors[key] = _("Ordningen måste vara ett heltal 1–999.")
        if key in chosen:
            ranked.append((order or 10_000, index, key))
    return [key for *_rank, key in sorted(ranked)], errors, problems


def _rows(options: list[str], labels: dict, chosen: list[str]) -> list[dict]:
    """Table rows for one choice: saved or ticked options first, in their order, then the rest."""
    order = {key: i for i, key in enumerate(chosen)}
    out = []
    for index, key in enumerate(options):
        ticked = key in order
        out.append({"key": key, "index": index, "checked": ticked, "order": order[key] + 1 if ticked else "",
                    **labels[key]})
    out.sort(key=lambda r: (not r["checked"], r["order"] or 0, r["index"]))
    return out


def _choice_rows(promise, names, chosen_areas, chosen_commitments, formdata=None):
    area_options = slides.candidate_areas(promise, names)
    commitment_options = [c["key"] for c in promise["commitments"]]
    area_labels = {s: {"label": names[s]["name"], "detail": ""} for s in area_options}
    commitment_labels = {c["key"]: {"label": c["title"], "detail": (_("hela kommunen") if c["whole_municipality"]
                                                                   else ", ".join(a["name"] for a in c["areas"]))}
                         for c in promise["commitments"]}
    areas = _rows(area_options, area_labels, chosen_areas)
    commitments = _rows(commitment_options, commitment_labels, chosen_commitments)
    if formdata is not None:  # a refused form shows exactly what was sent
        for name, rows in (("areas", areas), ("commitments", commitments)):
            sent = formdata.getlist(name)
            for r in rows:
                r["checked"] = r["key"] in sent
                r["order"] = formdata.get(f"{name}-order-{r['index']}", "")
            rows.sort(key=lambda r: (not r["checked"], whole_number(str(r["order"]).strip(), 1, 999) or 10_000,
                                     r["index"]))
    return {"areas": areas, "commitments": commitments}, area_options, commitment_options


def _form_page(form, promise, rows, data=None, status=200, errors=None, problems=(), saved=False):
    return render_template("presentations/form.html", form=form, promise=promise, rows=rows, data=data,
                           row_errors=errors or {}, problems=list(problems), saved=saved), status


def _save(form, promise, names, stored=None):
    """Check the form and the choice; store it, or show the page again with every problem."""
    session = get_session()
    rows, area_options, commitment_options = _choice_rows(promise, names, [], [], request.form)
    areas, area_errors, problems = read_order(request.form, "areas", area_options)
    commitments, commitment_errors, more = read_order(request.form, "commitments", commitment_options)
    errors = {**area_errors, **commitment_errors}
    problems = problems + more
    valid = form.validate()
    if not errors and not problems:
        problems = [_(message, **values) for message, values in slides.check_selection(promise, names, areas,
                                                                                     commitments)]
    slug = stored["slug"] if stored else (form.slug.data or slides.slugify(form.name.data or ""))
    if not stored and valid and not _SLUG.match(slug or ""):
        form.slug.errors = [*form.slug.errors, _("Skriv en adress: små bokstäver a–z, siffror och bindestreck.")]
        valid = False
    elif not stored and slug == "new":  # /planner/presentations/new is the form itself
        form.slug.errors = [*form.slug.errors, _("Adressen ”new” är upptagen av sidan för nya presentationer.")]
        valid = False
    if not valid or errors or problems:
        return _form_page(form, promise, rows, stored, 400, errors, problems)
    values = {"slug": slug, "name": form.name.data.strip(), "areas": areas, "commitments": commitments}
    try:
        if stored:
            presentation_store.update_presentation(session, slug, values, parse_int(form.version.data),
                                                   current_user.username)
        else:
            presentation_store.create_presentation(session, promise["slug"], values, current_user.username)
    except MapappError as err:
        if err.status not in (400, 409):
            raise
        if stored and err.status == 409:
            form.version.data = str(presentation_store.get_presentation(session, slug)["version"])
        return _form_page(form, promise, rows, stored, err.status, errors, [err.message])
    return redirect(url_for("presenter.edit_presentation", slug=slug, saved=1))


@twin(bp, "/planner/presentations", "presentations/index.html")
@planner_only
def presentations():
    session = get_session()
    return Page({"presentations": presentation_store.list_presentations(session)},
                html=lambda: {"promises": world_store.list_promises(worlds.get(session, today()))})


@bp.route("/planner/presentations/new", methods=["GET", "POST"])
@planner_only
def new_presentation():
    slug = request.args.get("promise") or ""
    if not _SLUG.match(slug):
        raise MapappError(_("Välj ett löfte att göra en presentation av."))
    session = get_session()
    promise = worlds.promise(session, today(), slug)
    names = area_store.area_names(session)
    form = PresentationForm()
    if request.method == "POST":
        return _save(form, promise, names)
    chosen = slides.default_selection(promise, names)
    rows = _choice_rows(promise, names, chosen["areas"], chosen["commitments"])[0]
    return _form_page(form, promise, rows)


@twin(bp, "/planner/presentations/<slug:slug>", methods=["GET", "POST"])
@planner_only
def edit_presentation(slug):
    session = get_session()
    stored = presentation_store.get_presentation(session, slug)
    promise = worlds.promise(session, today(), stored["promise"])
    names = area_store.area_names(session)
    if request.method == "POST":
        return _save(PresentationForm(), promise, names, stored)

    def page():
        form = PresentationForm(data={"name": stored["name"], "slug": stored["slug"],
                                      "version": str(stored["version"])})
        rows = _choice_rows(promise, names, stored["areas"], stored["commitments"])[0]
        return _form_page(form, promise, rows, stored, saved=bool(request.args.get("saved")))
    return Page(stored, html=page)
