"""Planner writes: follow-ups (append-only), camera sites and promise metadata; conflicts answer 409."""
from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from . import evidence
from ..core.clock import today
from ..store.db import get_session
from ..core.bounds import whole_number
from ..core.errors import MapappError
from .forms import CameraSiteForm, FollowUpForm, LineageForm, PromiseForm, SelectChoice, choices, parse_int
from .planner import bp
from .twin import Page, twin
from .bodies import accepts_upload
from ..store import areas as area_store
from ..store import audit as audit_store
from ..store import camera_sites as camera_store
from ..store import follow_ups as follow_up_store
from ..store import lineage as lineage_store
from ..store import promises as promise_store


@twin(bp, "/planner/commitment/<slug:promise_slug>/<slug:slug>/follow-up", "planner/follow_up.html",
      methods=["GET", "POST"])
@accepts_upload(evidence.max_bytes)
def follow_up(promise_slug, slug):
    session, day = get_session(), today()
    commitment = follow_up_store.planner_commitment(session, promise_slug, slug, day)
    if request.method == "GET":
        def form():
            blank = FollowUpForm()
            blank.seen_latest.data = str(commitment["latest_id"])
            return blank
        return _follow_up_page(form, commitment)
    form = FollowUpForm()
    valid = form.validate()
    valid = form.check(commitment, day, evidence.max_bytes()) and valid
    if not valid:
        return _follow_up_page(form, commitment, status=400)
    seen = parse_int(form.seen_latest.data)
    saved = None
    try:
        saved = evidence.save(form.upload) if form.upload else None
        entry = follow_up_store.append_follow_up(session, promise_slug, slug, form.values(saved),
                                                 current_user.username, seen, bool(form.confirm.data))
    except MapappError as err:
        evidence.remove(saved)  # nothing is stored when the entry is not
        if err.status != 409:
            raise
        newer = follow_up_store.newer_entries(session, promise_slug, slug, seen)
        return _follow_up_page(form, commitment, status=409, conflict=newer)
    except BaseException:
        evidence.remove(saved)
        raise
    return redirect(url_for("planner.follow_up", promise_slug=promise_slug, slug=slug, saved=entry["id"]))


@bp.route("/planner/commitment/<slug:promise_slug>/<slug:slug>/lineage", methods=["POST"])
def set_lineage(promise_slug, slug):
    """A planner says how the commitment relates to the previous period; audited, then back to its page."""
    session = get_session()
    form = LineageForm()
    if not form.validate():
        raise MapappError("; ".join(e for errors in form.errors.values() for e in errors))
    lineage_store.set_lineage(session, f"{promise_slug}/{slug}", form.relation.data or None,
                              form.predecessor.data or None, form.note.data, current_user.username,
                              promise_store.commitment_keys(session))
    return redirect(url_for("planner.follow_up", promise_slug=promise_slug, slug=slug, lineage=1))


def _lineage_form(commitment):
    lineage = commitment["lineage"] or {}
    form = LineageForm(data={"relation": lineage.get("relation") or "",
                             "predecessor": (lineage.get("predecessor") or {}).get("key") or "",
                             "note": lineage.get("note") or ""})
    form.predecessor.choices = [SelectChoice("", _("ingen"))] + [
        SelectChoice(c["key"], f"{c['promise_title']}: {c['title']}") for c in commitment["lineage_candidates"]]
    return form


def _follow_up_page(form, commitment, status=200, conflict=None):
    """The commitment (its JSON twin) and, for the page, the form; form may be made only when the page needs it."""
    saved = request.args.get("saved", "")
    return Page(commitment, status=status, html=lambda: {
        "form": form() if callable(form) else form, "conflict": conflict, "lineage_form": _lineage_form(commitment),
        "saved": whole_number(saved, 1), "max_kb": evidence.max_bytes() // 1024})


@twin(bp, "/planner/camera-sites", "planner/camera_sites.html")
def camera_sites():
    return {"camera_sites": camera_store.list_camera_sites(get_session(), public=False)}


@bp.route("/planner/camera-sites/new", methods=["GET", "POST"])
def new_camera_site():
    session = get_session()
    form = _camera_form(session)
    if request.method == "POST":
        valid = form.validate()
        if not form.slug.data:
            form.slug.errors = [*form.slug.errors, _("Fyll i fältet.")]
            valid = False
        if valid:
            try:
                site = camera_store.create_camera_site(session, form.slug.data, form.values(),
                                                       form.areas.data or [], current_user.username)
                return redirect(url_for("planner.camera_site", slug=site["slug"], saved=1))
            except MapappError as err:
                form.form_errors.append(err.message)
        return render_template("planner/camera_site.html", form=form, data=None), 400
    return render_template("planner/camera_site.html", form=form, data=None)


@twin(bp, "/planner/camera-sites/<slug:slug>", "planner/camera_site.html", methods=["GET", "POST"])
def camera_site(slug):
    session = get_session()
    stored = camera_store.get_camera_site(session, slug)
    if request.method == "GET":
        return Page(stored, html=lambda: {"form": _camera_form(session, stored),
                                          "saved": bool(request.args.get("saved"))})
    form = _camera_form(session)
    if not form.validate():
        return render_template("planner/camera_site.html", form=form, data=stored), 400
    try:
        camera_store.update_camera_site(session, slug, form.values(), form.areas.data or [],
                                        parse_int(form.version.data), current_user.username)
    except MapappError as err:
        if err.status != 409:
            form.form_errors.append(err.message)
            return render_template("planner/camera_site.html", form=form, data=stored), err.status
        return _conflict("planner/camera_site.html", form, "camera_site", slug,
                         camera_store.get_camera_site(session, slug), err)
    return redirect(url_for("planner.camera_site", slug=slug, saved=1))


def _camera_form(session, stored=None):
    if stored:
        fields = {k: v for k, v in stored.items() if k in camera_store.EDITABLE or k in ("slug", "areas", "version")}
        form = CameraSiteForm(data={**fields, "lon": _num(stored["lon"]), "lat": _num(stored["lat"])})
    else:
        form = CameraSiteForm()
    form.areas.choices = choices({a["slug"]: a["name"] for a in area_store.area_names(session).values()}, False)
    return form


def _num(value):
    return "" if value is None else repr(value)


@twin(bp, "/planner/promise/<slug:slug>", "planner/promise.html", methods=["GET", "POST"])
def promise(slug):
    session = get_session()
    stored = promise_store.get_promise_meta(session, slug)
    if request.method == "GET":
        return Page(stored, html=lambda: {"form": PromiseForm(data={**stored, "parties": "\n".join(stored["parties"])}),
                                          "saved": bool(request.args.get("saved"))})
    form = PromiseForm()
    valid = form.validate()
    if not (form.check(today()) and valid):
        return render_template("planner/promise.html", form=form, data=stored), 400
    try:
        promise_store.update_promise_meta(session, slug, form.values(), parse_int(form.version.data),
                                          current_user.username)
    except MapappError as err:
        if err.status != 409:
            raise
        return _conflict("planner/promise.html", form, "promise", slug,
                         promise_store.get_promise_meta(session, slug), err)
    return redirect(url_for("planner.promise", slug=slug, saved=1))


def _conflict(template, form, entity_type, key, current, err):
    """Refuse the save: show the newer values and who saved them; the form now carries their version."""
    form.version.data = str(current["version"])
    changed = audit_store.latest_for(get_session(), entity_type, key)
    return render_template(template, form=form, data=current, conflict={
        "message": err.message, "current": current, "changed": changed}), 409
