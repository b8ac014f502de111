"""The planner's side of a dialogue: open a session for a saved presentation, moderate the room's questions,
reveal or hide the results, close it, and take the results on: per area, as CSV and GeoPackage, and as
dialogunderlag for the area's next promise."""

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from ..core.clock import today
from ..core.csvtext import csv_table
from ..core.errors import MapappError
from ..domain import dialogue
from ..geo import grid
from ..render import world as worlds
from ..store import areas as area_store
from ..store import dialogue_answers as answer_store
from ..store import dialogues as dialogue_store
from ..store import presentations as presentation_store
from ..store.db import get_session
from .auth import require_planner
from .dialogue import checked_code, scale
from .dialogue_room import live, phone_url
from .exports import download, geopackage_download
from .presenter import qr_svg
from .twin import Page, twin

bp = Blueprint("dialogues", __name__)
bp.before_request(require_planner)  # sessions, moderation and raw results are for planners only

_BAD_DATE = _l("Ogiltigt datum: skriv ÅÅÅÅ-MM-DD.")


class SessionForm(FlaskForm):
    presentation = SelectField(_l("Presentation"), [InputRequired(_l("Välj en presentation."))])
    held_on = DateField(_l("Datum"), [InputRequired(_BAD_DATE)], invalid_value_message=_BAD_DATE)
    # Stripped before it is checked, so a place of only spaces is refused rather than stored empty.
    place = StringField(_l("Plats, t.ex. ”Hageby bibliotek”"), [DataRequired(_l("Fyll i fältet.")), Length(max=200)],
                        filters=[lambda v: v.strip() if isinstance(v, str) else v])


@twin(bp, "/planner/dialogues", "dialogue/planner_list.html")
def sessions():
    return {"sessions": dialogue_store.list_sessions(get_session())}


@bp.route("/planner/dialogues/new", methods=["GET", "POST"])
def new_session():
    db = get_session()
    saved = presentation_store.list_presentations(db)
    form = SessionForm(data={"presentation": request.args.get("presentation"), "held_on": today()})
    form.presentation.choices = [(p["slug"], f"{p['name']} ({p['promise_title']})") for p in saved]
    qs = None
    if form.validate_on_submit():
        chosen = presentation_store.get_presentation(db, form.presentation.data)
        promise = worlds.promise(db, today(), chosen["promise"])
        qs = dialogue.questions(promise, area_store.area_names(db), chosen["areas"], chosen["commitments"])
        if not qs["areas"]:
            form.presentation.errors = [_("Presentationen visar inget område som rummet kan svara för.")]
            qs = None
    if qs is None:
        status = 400 if request.method == "POST" else 200
        return render_template("dialogue/planner_new.html", form=form, public_url=current_app.config["PUBLIC_URL"]), status
    opened = dialogue_store.open_session(db, chosen["slug"], {
        "held_on": form.held_on.data, "place": form.place.data, "questions": qs,
        "cell_metres": int(current_app.config["DIALOGUE_CELL_METRES"])}, current_user.username)
    return redirect(url_for(".console", code=opened["code"]))


def _per_area(code: str, s: dict) -> list[dict]:
    rows = dialogue_store.answer_rows(get_session(), code)
    return dialogue.area_results(s["questions"], rows, current_app.config["DIALOGUE_MIN_CELL_COUNT"])


@twin(bp, "/planner/dialogues/<slug:code>", "dialogue/console.html")
def console(code):
    """The planner's console: state, moderation, and after the session the results per area."""
    code = checked_code(code)
    db = get_session()
    s = dialogue_store.get(db, code)
    data = {"session": s, "live": live(code), "phone_url": phone_url(code),
            "questions": answer_store.questions(db, code)}
    if s["state"] == "closed":
        data.update(areas=_per_area(code, s), attachments=dialogue_store.attachments(db, code),
                    drafts=dialogue_store.drafts_for(db, s["municipality_code"]))
    return Page(data, html=lambda: {"join_qr": qr_svg(data["phone_url"]) if data["phone_url"] else None,
                                    "scale": scale(),
                                    "cell_label": lambda cell: dialogue.cell_label(cell, s)})


def _done(code: str, **answer):
    """JSON for the presenter's page (it asks for it), otherwise back to the console."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    if best == "application/json":
        return jsonify(answer)
    return redirect(url_for(".console", code=code))


def _field(name: str, allowed: tuple) -> str:
    value = request.form.get(name, "")
    if value not in allowed:
        raise MapappError(_("Formuläret är trasigt: %(name)s har fel värde. Ladda om sidan.", name=name))
    return value


@bp.route("/planner/dialogues/<slug:code>/visibility", methods=["POST"])
def visibility(code):
    code = checked_code(code)
    visible = _field("visible", ("0", "1")) == "1"
    s = dialogue_store.set_visible(get_session(), code, visible, current_user.username)
    return _done(code, visible=s["results_visible"])


@bp.route("/planner/dialogues/<slug:code>/questions/<int:question_id>", methods=["POST"])
def decide(code, question_id):
    code = checked_code(code)
    approve = _field("decision", ("approve", "reject")) == "approve"
    q = answer_store.decide(get_session(), code, question_id, approve, current_user.username)
    return _done(code, id=q["id"], state=q["state"])


@bp.route("/planner/dialogues/<slug:code>/close", methods=["POST"])
def close(code):
    code = checked_code(code)
    s = dialogue_store.close_session(get_session(), code, current_user.username)
    return _done(code, state=s["state"], participants=s["participants"])


@bp.route("/planner/dialogues/<slug:code>/attach", methods=["POST"])
def attach(code):
    code = checked_code(code)
    db = get_session()
    s = dialogue_store.get(db, code)
    area = _field("area", tuple(a["slug"] for a in s["questions"]["areas"]))
    if request.form.get("detach") == "1":
        dialogue_store.detach(db, code, area, current_user.username)
    else:
        draft = request.form.get("draft") or None
        if draft is not None:
            _field("draft", tuple(d["slug"] for d in dialogue_store.drafts_for(db, s["municipality_code"])))
        if s["state"] != "closed":
            raise MapappError(_("Avsluta dialogen innan resultaten lämnas som underlag."), 409)
        dialogue_store.attach(db, code, area, draft, current_user.username)
    return _done(code, area=area)


def _closed(code: str) -> dict:
    s = dialogue_store.get(get_session(), code)
    if s["state"] != "closed":
        raise MapappError(_("Resultaten kan hämtas när dialogen är avslutad."), 409)
    return s


@bp.route("/planner/dialogues/<slug:code>/results.csv")
def results_csv(code):
    code = checked_code(code)
    s = _closed(code)
    approved = answer_store.questions(get_session(), code, ("approved",))
    rows = dialogue.csv_rows(s, _per_area(code, s), approved, dict(dialogue.SCALE))
    return download(csv_table(rows), "csv", f"dialog-{code}")


@bp.route("/planner/dialogues/<slug:code>/cells.gpkg")
def cells_gpkg(code):
    """The grid cells with at least the minimum count, per area, as a GeoPackage layer (WGS84 polygons)."""
    code = checked_code(code)
    s = _closed(code)
    rows = [{"held_on": s["held_on"], "place": s["place"], "code": code, "area": a["slug"], "area_name": a["name"],
             **cell} for a in _per_area(code, s) for cell in a["places"]["cells"]]
    return geopackage_download([grid.cell_layer(rows, s["cell_metres"])], f"dialog-{code}")
