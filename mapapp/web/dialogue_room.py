"""The room's screen during a dialogue: the presentation with the dialogue's slides, and the live results
(a page for any screen, and its JSON twin that the presenter's page asks for about once a second).

What these show is public to anyone with the code: counts only, grid cells from the minimum count up,
and questions to the panel only once a planner has approved them. The results show only while the
presenter has revealed them.
"""
from flask import Blueprint, current_app, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from ..core.clock import today
from ..core.errors import NotFound
from ..domain import dialogue
from ..geo import grid
from ..render import mapview
from ..store import dialogue_answers as answer_store
from ..store import dialogues as dialogue_store
from ..store.db import get_session
from . import presenter
from .dialogue import checked_code, scale
from .twin import Page, twin

bp = Blueprint("room", __name__)


def phone_url(code: str) -> str | None:
    """The address phones open, or None when phones cannot reach this app (a QR code to localhost reaches none):
    the presenter's own rule, so the join slide and the closing slide agree."""
    return presenter.public_url(url_for("dialogue.phone", code=code)) if presenter.reachable_address() else None


def live(code: str) -> dict:
    """The results as the room may see them now: participants always, the rest only when revealed."""
    room = answer_store.room_view(get_session(), code)
    s = room["session"]
    out = {"code": code, "state": s["state"], "visible": s["results_visible"]}
    if not s["results_visible"]:
        return {**out, "participants": room["participants"]}
    counted = dialogue.results(s["questions"], room["answers"], current_app.config["DIALOGUE_MIN_CELL_COUNT"])
    counted["places"]["cells"] = grid.with_geometry(counted["places"]["cells"], s["cell_metres"])
    out.update({k: counted[k] for k in ("participants", "ratings", "themes", "themes_answers", "places")},
               questions=[{"id": q["id"], "text": q["text"], "area_name": q["area_name"]} for q in room["approved"]])
    return out


def live_config(code: str, visible: bool) -> dict:
    """What present_live.js needs; the reveal control only for a signed-in planner (never in a JSON twin)."""
    config = {"code": code, "results_url": url_for("room.results", code=code, fmt=".json"),
              "poll_ms": current_app.config["DIALOGUE_POLL_MS"], "visible": visible,
              "strings": {"noticed": _("{p} % märker av"), "answers": _("{n} svar"), "unknown": _("{n} vet inte"),
                          "none": _("Inga svar än."),
                          "more": _("och {n} till"),
                          "cells": _("Markeringar: {answers}. Rutor med minst {k} markeringar, visade på kartan: {n}."),
                          "hidden_cells": _("Markeringar i rutor med färre än {k}, som inte visas: {n}.")},
              "scale": scale()}
    if current_user.is_authenticated and current_user.is_planner:
        config.update(toggle_url=url_for("dialogues.visibility", code=code), csrf=generate_csrf())
    return config


@twin(bp, "/dialog/<slug:code>/present", "present.html")
def present(code):
    code = checked_code(code)
    db = get_session()
    s = dialogue_store.get(db, code)
    extra = dialogue.slides(s["questions"], {k: _(v) for k, v in dialogue.STRINGS.items()})
    try:
        data = presenter.deck(s["promise"]["slug"], s["presentation"]["slug"], extra)
    except NotFound:  # the saved presentation is gone or moved: every area of the promise, as /present shows
        data = presenter.deck(s["promise"]["slug"], None, extra)
    url = phone_url(code)
    data["dialogue"] = {"code": code, "phone_url": url, "join_path": url_for("dialogue.join"),
                        "held_on": s["held_on"], "place": s["place"], "state": s["state"],
                        "commitments": s["questions"]["commitments"], "scale": scale()}

    def html():
        return {"map": mapview.presenter(db, today(), tuple(data["areas"]), tiles=False),
                "qr": presenter.qr_svg(data["citizen_url"]) if data["public_address"] else None, "join_qr": presenter.qr_svg(url) if url else None,
                "live": live_config(code, s["results_visible"])}
    return Page(data, html=html)


@twin(bp, "/dialog/<slug:code>/results", "dialogue/results.html")
def results(code):
    code = checked_code(code)
    data = live(code)
    return Page(data, html=lambda: {"session": dialogue_store.get(get_session(), code), "live": live_config(code, data["visible"]),
                                    "scale": scale()})
