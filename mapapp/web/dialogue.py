"""The room's phones: open a dialogue by its code, choose an area, answer, ask the panel. No sign-in and no app.

A phone is a random id in the signed session cookie, one per dialogue; it is what makes a second answer
replace the first, and what the per-phone rate limit counts. The point a phone marks on the map is snapped
to the grid in geo/ at once; only the cell is stored.
"""
import json
import secrets

from flask import Blueprint, current_app, redirect, request, session as cookie, url_for
from flask_babel import gettext as _

from ..core.errors import MapappError
from ..domain import dialogue
from ..geo import grid
from ..render import shapes as area_shapes
from ..store import dialogue_answers as answer_store
from ..store import dialogues as dialogue_store
from ..store.db import get_session
from .twin import Page, twin

bp = Blueprint("dialogue", __name__)
KEPT_PHONES = 8  # dialogues a phone's cookie remembers (the oldest is dropped)


def checked_code(code: str) -> str:
    normal = dialogue.normal_code(code)
    if normal is None:
        raise MapappError(_("Koden ska vara sex tecken, till exempel K7M3QX."), 404)
    return normal


def phone_id(code: str, create: bool = False) -> str | None:
    """This phone's id in dialogue `code`, from the signed cookie (made when it first opens an open dialogue,
    so that every answer it sends counts against the same per-phone limit)."""
    phones = dict(cookie.get("dialogue") or {})
    if code not in phones and create:
        phones = dict(list(phones.items())[-(KEPT_PHONES - 1):])
        phones[code] = secrets.token_urlsafe(16)
        cookie["dialogue"] = phones
    return phones.get(code)


def phone_key() -> str:
    """The rate limit's key for a phone: its id, or its address before it has one."""
    code = dialogue.normal_code((request.view_args or {}).get("code"))
    phone = (cookie.get("dialogue") or {}).get(code) if code else None
    return f"phone:{phone}" if phone else f"addr:{request.remote_addr}"


def scale() -> list[dict]:
    return [{"value": v, "label": _(label)} for v, label in dialogue.SCALE.items()]


def public_session(s: dict) -> dict:
    """What a phone may see of a session: no counts, no other phone's answers."""
    qs = s["questions"]
    return {"code": s["code"], "state": s["state"], "held_on": s["held_on"], "place": s["place"],
            "promise": s["promise"], "areas": qs["areas"], "commitments": qs["commitments"],
            "themes": qs["themes"], "scale": scale(), "most_themes": dialogue.MOST_THEMES,
            "cell_metres": s["cell_metres"],
            "question_max_chars": current_app.config["DIALOGUE_QUESTION_MAX_CHARS"]}


def _phone_page(code: str, status: int = 200, problems=(), sent=None):
    db = get_session()
    s = dialogue_store.get(db, code)
    mine = answer_store.phone_state(db, code, phone_id(code, create=s["state"] == "open"))
    data = {**public_session(s), "mine": mine, "saved": request.args.get("saved") == "1"}

    def html():
        cfg = current_app.config
        areas = s["questions"]["areas"]
        shown = mine["area"] or (areas[0]["slug"] if len(areas) == 1 else None)
        shape = area_shapes.of(db, [shown]).get(shown) if shown else None
        geometry = json.loads(shape.geometry) if shape else None
        cell = mine["answers"].get("place")
        return {"problems": [_(m, **v) for m, v in problems], "sent": sent, "area_geometry": geometry,
                "place_cell": grid.cell_polygon(cell, s["cell_metres"]) if cell else None,
                "tiles": {"url": cfg["TILE_URL"], "attribution": cfg["TILE_ATTRIBUTION"]} if cfg["TILE_URL"] else None,
                "titles": {c["key"]: c["title"] for c in s["questions"]["commitments"]}}
    return Page(data, html=html, status=status)


@twin(bp, "/d", "dialogue/join.html")
def join():
    """Type the code from the slide; a code in the query string goes straight to its dialogue."""
    typed = request.args.get("code")
    if typed is None:
        return Page({"code_length": dialogue.CODE_LENGTH})
    code = dialogue.normal_code(typed)
    if code is None:
        return Page({"code_length": dialogue.CODE_LENGTH},
                    html={"problem": _("Koden ska vara sex tecken, till exempel K7M3QX."), "typed": typed[:20]},
                    status=400)
    return redirect(url_for(".phone", code=code))


@twin(bp, "/d/<slug:code>", "dialogue/phone.html", methods=["GET", "POST"])
def phone(code):
    code = checked_code(code)
    if request.method == "GET":
        return _phone_page(code)
    db = get_session()
    s = dialogue_store.get(db, code)
    if s["state"] != "open":
        raise MapappError(_("Dialogen är avslutad; den tar inte emot fler svar. Tack!"), 409)
    me = phone_id(code, create=True)
    area = request.form.get("area") or answer_store.phone_state(db, code, me)["area"]
    answers, problems = dialogue.read_answers(s["questions"], area, request.form)
    if "place" in answers:
        try:
            geometry = area_shapes.of(db, [area])[area].geometry  # one area's shape, kept per data version
            answers["place"] = grid.snap(*answers["place"], geometry, s["cell_metres"])
        except (KeyError, ValueError) as err:
            problems.append((str(err) if isinstance(err, ValueError) else _("Området saknar karta."), {}))
            del answers["place"]
    text, more = dialogue.read_question(request.form.get("question"), current_app.config["DIALOGUE_QUESTION_MAX_CHARS"])
    problems += more
    if problems:
        return _phone_page(code, 400, problems, request.form)
    answer_store.save_answers(db, code, me, area, answers, current_app.config["DIALOGUE_MAX_PARTICIPANTS"])
    if text:
        answer_store.ask(db, code, me, area, text)
    anchor = "questions" if request.form.get("step") == "area" else "saved"
    return redirect(url_for(".phone", code=code, saved=None if anchor == "questions" else 1, _anchor=anchor))


def init_app(app):
    """The blueprint, and the answers' rate limits: per phone, and per address (a room may share one)."""
    app.register_blueprint(bp)
    limiter = app.extensions["mapapp_limiter"]
    message = lambda: _("För många svar på kort tid. Vänta en stund och skicka igen.")  # noqa: E731
    view = app.view_functions["dialogue.phone"]
    view = limiter.limit(lambda: current_app.config["DIALOGUE_ANSWER_RATE_LIMIT"], key_func=phone_key,
                         methods=["POST"], error_message=message)(view)
    view = limiter.limit(lambda: current_app.config["DIALOGUE_ROOM_RATE_LIMIT"], methods=["POST"], error_message=message)(view)
    app.view_functions["dialogue.phone"] = view
