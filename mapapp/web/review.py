"""Planners import promise documents, then review, edit and publish the drafts; each GET page has a JSON twin."""
from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.clock import today
from .auth import require_planner
from .bodies import accepts_upload
from ..store.db import get_session
from ..core.errors import MapappError
from .forms import parse_int
from .import_forms import EXTENSIONS, DraftForm, ImportForm, PublishForm
from ..importer import draft_document
from .place_review import candidate_polygons, dataset_title
from .twin import Page, twin
from ..render import mapview
from ..render.source_marks import low_confidence, marks
from ..store import areas as area_store
from ..store import dialogues as dialogue_store
from ..store.draft_places import undecided
from ..store import audit as audit_store
from ..store import drafts as draft_store

bp = Blueprint("review", __name__)
bp.before_request(require_planner)  # drafts are never public; every route here needs a planner


def max_import_bytes(app=None) -> int:
    return int((app or current_app).config["MAX_IMPORT_BYTES"])


@twin(bp, "/planner/import", "planner/import.html", methods=["GET", "POST"])
@accepts_upload(max_import_bytes)
def import_page():
    limits = {"max_bytes": max_import_bytes(), "extensions": list(EXTENSIONS),
              "drafts": url_for("review.drafts", fmt=".json")}
    if request.method == "GET":
        return Page(limits, html=lambda: {"form": ImportForm(), "limits": limits})
    form = ImportForm()
    valid = form.validate()
    if not (form.check(limits["max_bytes"]) and valid):
        return render_template("planner/import.html", form=form, limits=limits), 400
    data, name = form.upload
    session = get_session()
    result = draft_document(data, name, area_store.known_areas(session), current_app.config["GEODATA_DIR"])
    if result.unreadable:
        field = form.document if name else form.text
        field.errors = [_("Dokumentet kunde inte läsas (%(why)s). Inget sparades.", why=result.unreadable)]
        return render_template("planner/import.html", form=form, limits=limits, result=result), 400
    outcome = {"stored": [], "skipped": []}
    if result.drafts:
        try:
            outcome = draft_store.store_import(session, _named(result.drafts, name, form.source_url.data),
                                               current_user.username)
        except MapappError as err:  # rolled back: nothing of this document is stored
            form.form_errors.append(err.message)
            return render_template("planner/import.html", form=form, limits=limits, result=result), 422
    return render_template("planner/import.html", form=ImportForm(formdata=None), limits=limits, result=result,
                           outcome=outcome), 200 if outcome["stored"] else 422


def _named(drafts: list[dict], name: str, url: str | None) -> list[dict]:
    """Each draft's source: the uploaded file's name, or "pasted text", and where it is published if given."""
    url = (url or "").strip() or None
    for d in drafts:
        title = d["sources"][0]["title"] if name and d.get("sources") else _("Inklistrad text")
        d["sources"] = [{"seed": name or None, "url": url, "title": title}]
    return drafts


@twin(bp, "/planner/drafts", "planner/drafts.html")
def drafts():
    session = get_session()
    slug = request.args.get("published")
    title = draft_store.published_title(session, slug) if slug else None
    data = {"drafts": draft_store.list_drafts(session), "published": {"slug": slug, "title": title} if title else None}
    return data


@twin(bp, "/planner/drafts/<slug:slug>", methods=["GET", "POST"])
def draft(slug):
    session = get_session()
    stored = draft_store.get_draft(session, slug)
    if request.method == "GET":
        data = {**stored, "low_confidence": low_confidence(stored["spans"]), "undecided_places": _undecided_in_use(stored)}
        return Page(data, html=lambda: _page(stored, DraftForm.for_draft(stored, _area_names(session)),
                                             saved=bool(request.args.get("saved"))))
    areas = _area_names(session)
    form = DraftForm().prepare(stored, areas)
    valid = form.validate()
    if not (form.check(stored, set(areas), today()) and valid):
        return _page(stored, form, 400)
    try:
        draft_store.save_draft(session, slug, form.values(stored), parse_int(form.version.data),
                               current_user.username)
    except MapappError as err:
        if err.status == 409:
            return _conflict(slug, form, err)
        form.form_errors.append(err.message)
        return _page(stored, form, err.status)
    return redirect(url_for("review.draft", slug=slug, saved=1))


@bp.route("/planner/drafts/<slug:slug>/publish", methods=["POST"])
def publish(slug):
    session = get_session()
    stored = draft_store.get_draft(session, slug)
    version = parse_int(PublishForm().version.data)
    areas = _area_names(session)
    form = DraftForm.for_draft(stored, areas)
    if version != stored["version"]:
        return _conflict(slug, form, MapappError(_("Utkastet har ändrats sedan du öppnade sidan."), 409))
    lacking = draft_store.incomplete(stored)
    if lacking:
        form.form_errors.append(_("Utkastet kan inte publiceras än: det behöver en period, en kommun och minst "
                                  "ett åtagande med text."))
    waiting = _undecided_in_use(stored)
    if waiting:
        form.form_errors.append(_("Ta ställning till varje namngiven plats innan löftet publiceras: %(names)s.",
                                  names=", ".join(waiting)))
    if not form.check(stored, set(areas), today()) or lacking or waiting:
        return _page(stored, form, 422, publish_refused=True)
    try:
        draft_store.publish_draft(session, slug, version, current_user.username, current_app.config["GEODATA_DIR"])
    except MapappError as err:
        if err.status == 409:
            return _conflict(slug, form, err)
        form.form_errors.append(err.message)
        return _page(draft_store.get_draft(session, slug), form, err.status, publish_refused=True)
    return redirect(url_for("review.drafts", published=slug))


def _area_names(session) -> dict:
    return {a["slug"]: a["name"] for a in sorted(area_store.area_names(session).values(), key=lambda a: a["name"])}


def _undecided_in_use(stored) -> list[str]:
    """The named places some commitment still names that nobody has decided on."""
    used = {n for c in stored["commitments"] for n in c["places"]}
    return [n for n in undecided(stored["places"]) if n in used]


def _page(stored, form, status=200, **extra):
    spans = {**stored["spans"], "places": [p["span"] for p in stored["places"]]}
    nodes, links, quotes = marks(stored["source_text"], spans)
    places = candidate_polygons(stored["places"], get_session())
    return render_template("planner/draft.html", data=stored, form=form, nodes=nodes, links=links, quotes=quotes,
                           labels=_labels(form), low=low_confidence(stored["spans"]),
                           map=mapview.candidates(places) if places else None,
                           mapped={p["slug"] for p in places}, datasets=dataset_title,
                           waiting=_undecided_in_use(stored), lacking=draft_store.incomplete(stored),
                           dialogunderlag=dialogue_store.draft_attachments(get_session(), stored["slug"]),
                           **extra), status


def _conflict(slug, form, err):
    """Refuse the write: show who saved last; the form now carries the newer version, so sending it again wins."""
    session = get_session()
    current = draft_store.get_draft(session, slug)
    form.version.data = str(current["version"])
    changed = audit_store.latest_for(session, "promise", slug)
    flat = {"title": current["title"], "period": f"{current['period']['start']} – {current['period']['end']}",
            "commitments": len(current["commitments"]), "version": current["version"]}
    return _page(current, form, 409, conflict={"message": err.message, "current": flat, "changed": changed})


def _labels(form) -> dict:
    """Each form field's label by the keys the source marks use ("period_start", "c2.text"), for their titles."""
    labels = {f.name: str(f.label.text) for f in form if f.type not in ("FieldList", "HiddenField", "CSRFTokenField")}
    for n, entry in enumerate(form.commitments, 1):
        for f in entry.form:
            labels[f"c{n}.{f.short_name}"] = _("Åtagande %(n)s: %(label)s", n=n, label=f.label.text)
    for n, entry in enumerate(form.places, 1):
        labels[f"p{n}.choice"] = _("Plats %(n)s: %(label)s", n=n, label=entry.form.choice.label.text)
    return labels
