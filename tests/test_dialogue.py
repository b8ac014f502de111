"""Medborgardialog over HTTP: a planner opens a session, phones answer without signing in, one answer per
question per phone, free text held until approved, results hidden until revealed, answers closed with the
session, nothing personal kept, results per area and exported, and attached as dialogunderlag."""
import io
import json
import re

import pytest
from sqlalchemy import func, select

from dialogue_support import AREAS, EST, PROMISE, Phone, inside, open_session, planner_post, save_presentation
from mapapp.domain import dialogue
from mapapp.geo import grid
from mapapp.store.db import session_factory
from mapapp.store.dialogue_models import DialogueAnswer, DialogueAttachment, DialogueQuestion, DialogueSession
from mapapp.store.models import AuditEntry
from mapapp.store.versions import current_version

pytest_plugins = ["planner_fixtures"]

SANDVIK = f"{PROMISE}/uppsokande-ungdomar"  # reaches the whole municipality


@pytest.fixture
def room(planner_app, planner):
    """An open session of a saved presentation for Hageby and Navestad; phones reach http://rummet.example."""
    planner_app.config["PUBLIC_URL"] = "http://rummet.example"
    save_presentation(planner_app)
    return open_session(planner)


def _count(app, model, **where) -> int:
    with app.app_context(), session_factory(app)() as s:
        query = select(func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return s.scalar(query)


def _version(app) -> int:
    with app.app_context(), session_factory(app)() as s:
        return current_version(s)


def _live(client, code) -> dict:
    return client.get(f"/dialog/{code}/results.json").get_json()


def _rating(live: dict, key: str) -> dict:
    return next(r for r in live["ratings"] if r["key"] == key)


# --- pure parts --------------------------------------------------------------------------------

def test_codes_are_short_unambiguous_and_typed_forgivingly():
    code = dialogue.new_code()
    assert len(code) == 6 and not set(code) & set("01IO")
    assert dialogue.normal_code(" k7m 3qx ") == "K7M3QX"
    assert dialogue.normal_code("K7M3Q0") is None and dialogue.normal_code("") is None and dialogue.normal_code(None) is None


def test_results_hide_cells_below_the_minimum_and_keep_vet_inte_apart():
    qs = {"areas": [{"slug": "a", "name": "A", "commitments": ["p/x"]}], "themes": ["unga", "annat"],
          "commitments": [{"key": "p/x", "title": "X"}]}
    rows = ([{"area": "a", "question": "area", "value": "a"}] * 5
            + [{"area": "a", "question": "rate:p/x", "value": v} for v in (1, 3, 4, 4, 0)]
            + [{"area": "a", "question": "themes", "value": ["unga"]}]
            + [{"area": "a", "question": "place", "value": [10, 20]}] * 3
            + [{"area": "a", "question": "place", "value": [11, 20]}])
    out = dialogue.results(qs, rows, min_count=3)
    assert out["participants"] == 5
    assert out["ratings"] == [{"key": "p/x", "title": "X", "counts": [1, 0, 1, 2], "unknown": 1, "answers": 5,
                               "noticed": 0.75}]
    assert out["themes"] == [{"theme": "unga", "count": 1}]
    assert out["places"] == {"answers": 4, "min_count": 3, "cells": [{"cell": [10, 20], "count": 3}], "hidden": 1}


def test_a_point_is_kept_only_as_its_cell(app):
    lon, lat = inside(app, "hageby")
    geometry = json.loads(app.test_client().get("/api/areas.geojson").get_data(as_text=True))
    hageby = next(f["geometry"] for f in geometry["features"] if f["id"] == "hageby")
    cell = grid.snap(lon, lat, hageby, 250)
    square = grid.cell_polygon(cell, 250)["coordinates"][0]
    assert min(x for x, _ in square) <= lon <= max(x for x, _ in square)
    assert min(y for _, y in square) <= lat <= max(y for _, y in square)
    with pytest.raises(ValueError):
        grid.snap(18.06, 59.33, hageby, 250)  # Stockholm is not in Hageby
    with pytest.raises(ValueError):
        grid.snap("x", lat, hageby, 250)


# --- opening, answering, replacing --------------------------------------------------------------

def test_opening_a_session_is_audited_and_changes_no_public_page(planner_app, planner):
    save_presentation(planner_app)
    before = _version(planner_app)
    code = open_session(planner)
    assert _version(planner_app) == before
    listed = planner.get("/planner/dialogues.json").get_json()["sessions"]
    assert [s["code"] for s in listed] == [code] and listed[0]["state"] == "open"
    assert listed[0]["questions"]["areas"][0]["slug"] == "hageby"
    assert _count(planner_app, AuditEntry, entity_type="dialogue", action="open") == 1


@pytest.mark.parametrize("form", [
    {"presentation": "no-such", "held_on": "2026-11-23", "place": "Hageby"},
    {"presentation": "dialog-hageby-navestad", "held_on": "2026-13-40", "place": "Hageby"},
    {"presentation": "dialog-hageby-navestad", "held_on": "2026-11-23", "place": ""},
    {"presentation": "dialog-hageby-navestad", "held_on": "2026-11-23", "place": "x" * 201},
])
def test_a_bad_session_form_opens_nothing(planner_app, planner, form):
    from planner_support import csrf_token
    save_presentation(planner_app)
    token = csrf_token(planner, "/planner/dialogues/new")
    answer = planner.post("/planner/dialogues/new", data={"csrf_token": token, **form})
    assert answer.status_code == 400 and "Formuläret sparades inte" in answer.get_data(as_text=True)
    assert _count(planner_app, DialogueSession) == 0


def test_a_second_answer_replaces_the_first(planner_app, room):
    phone = Phone(planner_app, room)
    assert phone.choose("hageby").status_code == 302
    assert phone.answer("hageby", {EST: 2}, themes=["unga"]).status_code == 302
    assert phone.answer("hageby", {EST: 4}, themes=["narkotika", "alkohol"]).status_code == 302
    mine = phone.state()["mine"]
    assert mine["area"] == "hageby" and mine["answers"] == {f"rate:{EST}": 4, "themes": ["alkohol", "narkotika"]}
    assert _count(planner_app, DialogueAnswer, question=f"rate:{EST}") == 1
    assert _count(planner_app, DialogueAnswer, question="area") == 1


def test_moving_to_another_area_keeps_what_still_applies(planner_app, room):
    phone = Phone(planner_app, room)
    lon, lat = inside(planner_app, "hageby")
    phone.choose("hageby")
    assert phone.answer("hageby", {EST: 3, SANDVIK: 1}, themes=["unga"], lon=lon, lat=lat).status_code == 302
    assert "place" in phone.state()["mine"]["answers"]
    phone.choose("navestad")
    mine = phone.state()["mine"]
    assert mine["area"] == "navestad"
    assert "place" not in mine["answers"]  # a place in Hageby is no place in Navestad
    assert mine["answers"][f"rate:{SANDVIK}"] == 1 and mine["answers"]["themes"] == ["unga"]
    with planner_app.app_context(), session_factory(planner_app)() as s:
        assert set(s.scalars(select(DialogueAnswer.area))) == {"navestad"}


@pytest.mark.parametrize("form, message", [
    ({"rate:" + EST: "9"}, "Okänt svar"),
    ({"themes": ["unga", "nope"]}, "Okänt problem"),
    ({"themes": ["unga", "narkotika", "alkohol", "annat"]}, "högst tre"),
    ({"lon": "18.06", "lat": "59.33"}, "inom området"),
    ({"lon": "abc", "lat": "58.5"}, "Platsen kunde inte läsas"),
    ({"lon": "nan", "lat": "58.5"}, "Platsen kunde inte läsas"),
    ({"question": "x" * 281}, "högst 280 tecken"),
    ({"area": "norrmalm"}, "Välj först området"),
])
def test_bad_answers_are_refused_and_nothing_is_stored(planner_app, room, form, message):
    phone = Phone(planner_app, room)
    phone.choose("hageby")
    before = (_count(planner_app, DialogueAnswer), _count(planner_app, DialogueQuestion))
    from werkzeug.datastructures import MultiDict
    from dialogue_support import _TOKEN
    token = _TOKEN.search(phone.page().get_data(as_text=True)).group(1)
    data = MultiDict([("csrf_token", token), ("area", form.pop("area", "hageby"))])
    for key, value in form.items():
        for v in value if isinstance(value, list) else [value]:
            data.add(key, v)
    answer = phone.client.post(f"/d/{room}", data=data)
    assert answer.status_code == 400 and message in answer.get_data(as_text=True)
    assert (_count(planner_app, DialogueAnswer), _count(planner_app, DialogueQuestion)) == before


def test_unknown_and_malformed_codes(client):
    assert client.get("/d/ABCDEF").status_code == 404
    assert client.get("/d/abc").status_code == 404
    assert client.get("/d?code=k7m-3qx").status_code == 400
    assert client.get("/dialog/ABCDEF/results.json").status_code == 404


def test_answers_never_move_the_data_version(planner_app, room):
    before = _version(planner_app)
    for n in range(3):
        phone = Phone(planner_app, room)
        phone.choose("hageby")
        phone.answer("hageby", {EST: n + 1})
    assert _version(planner_app) == before


# --- the room's screen ------------------------------------------------------------------------

def test_results_show_only_once_revealed_and_held_questions_never(planner_app, planner, room, client):
    phones = [Phone(planner_app, room) for _ in range(4)]
    for n, phone in enumerate(phones):
        phone.choose("hageby")
        phone.answer("hageby", {EST: n % 4 + 1}, themes=["narkotika"], question=f"Fråga nummer {n} om parken")
    live = _live(client, room)
    assert live == {"code": room, "state": "open", "visible": False, "participants": 4}
    assert planner_post(planner, room, "/visibility", visible="1").status_code == 302
    live = _live(client, room)
    assert _rating(live, EST)["counts"] == [1, 1, 1, 1] and live["themes"] == [{"theme": "narkotika", "count": 4}]
    assert live["questions"] == []
    present = client.get(f"/dialog/{room}/present").get_data(as_text=True)
    assert "Fråga nummer" not in present and "Fråga nummer" not in client.get(f"/dialog/{room}/present.json").get_data(as_text=True)
    held = planner.get(f"/planner/dialogues/{room}.json").get_json()["questions"]
    assert [q["state"] for q in held] == ["held"] * 4
    assert planner_post(planner, room, f"/questions/{held[1]['id']}", decision="approve").status_code == 302
    assert planner_post(planner, room, f"/questions/{held[2]['id']}", decision="reject").status_code == 302
    assert [q["text"] for q in _live(client, room)["questions"]] == ["Fråga nummer 1 om parken"]
    # A phone that changes its approved question sends it back to moderation.
    phones[1].answer("hageby", question="Något helt annat")
    assert _live(client, room)["questions"] == []
    assert planner_post(planner, room, "/visibility", visible="0").status_code == 302
    assert "ratings" not in _live(client, room)


def test_the_rooms_poll_reads_the_session_once_and_hidden_answers_not_at_all(planner_app, planner, room, client):
    from sqlalchemy import event
    for area in ("hageby", "navestad"):
        Phone(planner_app, room).answer(area, {EST: 3}, themes=["narkotika"])
    said = []

    def note(_conn, _cursor, statement, *_args):
        said.append(" ".join(statement.split()))
    engine = planner_app.extensions["mapapp_engine"]
    event.listen(engine, "before_cursor_execute", note)
    try:
        assert _live(client, room) == {"code": room, "state": "open", "visible": False, "participants": 2}
        hidden, said[:] = list(said), []
        assert planner_post(planner, room, "/visibility", visible="1").status_code == 302
        said.clear()
        assert _live(client, room)["participants"] == 2
        shown = list(said)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    for statements in (hidden, shown):
        assert sum("FROM dialogue_session" in s for s in statements) == 1, statements
    assert [s for s in hidden if "FROM dialogue_answer" in s and "count(" not in s] == []
    assert sum("FROM dialogue_answer" in s and "count(" not in s for s in shown) == 1


def test_cells_below_the_minimum_never_reach_the_room(planner_app, planner, room, client):
    spot, other = inside(planner_app, "hageby"), inside(planner_app, "hageby", step_m=-500)
    for n in range(4):
        phone = Phone(planner_app, room)
        phone.choose("hageby")
        lon, lat = spot if n < 3 else other
        assert phone.answer("hageby", lon=lon, lat=lat).status_code == 302
    planner_post(planner, room, "/visibility", visible="1")
    places = _live(client, room)["places"]
    assert places["answers"] == 4 and places["hidden"] == 1 and len(places["cells"]) == 1
    assert places["cells"][0]["count"] == 3 and places["cells"][0]["geometry"]["type"] == "Polygon"
    with planner_app.app_context(), session_factory(planner_app)() as s:
        values = list(s.scalars(select(DialogueAnswer.value).where(DialogueAnswer.question == "place")))
    assert all(isinstance(v, list) and len(v) == 2 and all(isinstance(i, int) for i in v) for v in values)


def test_the_join_slide_has_a_qr_code_only_with_a_public_address(planner_app, planner, room, client):
    data = client.get(f"/dialog/{room}/present.json").get_json()
    kinds = [s["kind"] for s in data["slides"]]
    assert kinds[-1] == "closing" and kinds.index("dialogue-join") == kinds.index("summary") + 1
    assert "dialogue-ratings" in kinds and "dialogue-questions" in kinds
    assert data["dialogue"]["phone_url"] == f"http://rummet.example/d/{room}"
    page = client.get(f"/dialog/{room}/present").get_data(as_text=True)
    assert f"QR-kod till http://rummet.example/d/{room}" in page and "data-live-toggle" not in page
    assert "data-live-toggle" in planner.get(f"/dialog/{room}/present").get_data(as_text=True)
    planner_app.config["PUBLIC_URL"] = None
    page = client.get(f"/dialog/{room}/present").get_data(as_text=True)
    join = re.search(r'<section class="slide slide-dialogue-join".*?</section>', page, re.S).group(0)
    assert "QR-kod till" not in join and "<svg" not in join and "inte inställd" in join and room in join
    assert "PUBLIC_URL" in planner.get(f"/planner/dialogues/{room}").get_data(as_text=True)


def test_only_planners_moderate_reveal_and_close(planner_app, room, client):
    assert client.get(f"/planner/dialogues/{room}").status_code == 302  # to the sign-in form
    assert client.post(f"/planner/dialogues/{room}/visibility", data={"visible": "1"}).status_code in (400, 401)
    assert _live(client, room)["visible"] is False


# --- closing, results, exports, dialogunderlag ----------------------------------------------------

def _answered_room(planner_app, planner, room, phones=6):
    spot = inside(planner_app, "hageby")
    for n in range(phones):
        phone = Phone(planner_app, room)
        area = AREAS[n % 2]
        lon, lat = spot if area == "hageby" else (None, None)
        phone.choose(area)
        phone.answer(area, {EST: n % 4 + 1, SANDVIK: 0}, themes=["unga", "narkotika"][: 1 + n % 2], lon=lon, lat=lat,
                     question="=HYPERLINK(\"http://x\")" if n == 0 else None)
    held = planner.get(f"/planner/dialogues/{room}.json").get_json()["questions"]
    planner_post(planner, room, f"/questions/{held[0]['id']}", decision="approve")
    return phone


def test_closing_stops_answers_counts_participants_and_forgets_phones(planner_app, planner, room):
    last = _answered_room(planner_app, planner, room)
    version = _version(planner_app)
    assert planner_post(planner, room, "/close").status_code == 302
    assert _version(planner_app) == version  # nothing public yet
    before = _count(planner_app, DialogueAnswer)
    refused = last.answer("hageby", {EST: 1})
    assert refused.status_code == 409 and _count(planner_app, DialogueAnswer) == before
    with planner_app.app_context(), session_factory(planner_app)() as s:
        assert s.scalar(select(DialogueSession.participants)) == 6
        assert s.scalar(select(func.count()).where(DialogueAnswer.phone.is_not(None))) == 0
        assert s.scalar(select(func.count()).where(DialogueQuestion.phone.is_not(None))) == 0
        columns = {c.name for t in (DialogueAnswer, DialogueQuestion, DialogueSession) for c in t.__table__.columns}
    assert not columns & {"ip", "ip_address", "remote_addr", "name", "lon", "lat", "user_agent"}
    assert "avslutad" in last.page().get_data(as_text=True)


def test_results_per_area_and_the_exports_open_in_geopandas(planner_app, planner, room, tmp_path):
    import geopandas as gpd
    import csv
    _answered_room(planner_app, planner, room)
    assert planner.get(f"/planner/dialogues/{room}/results.csv").status_code == 409  # still open
    planner_post(planner, room, "/close")
    data = planner.get(f"/planner/dialogues/{room}.json").get_json()
    areas = {a["slug"]: a for a in data["areas"]}
    assert areas["hageby"]["participants"] == 3 and areas["navestad"]["participants"] == 3
    assert _rating(areas["hageby"], EST)["answers"] == 3 and _rating(areas["hageby"], SANDVIK)["unknown"] == 3
    assert areas["hageby"]["places"]["cells"][0]["count"] == 3 and areas["navestad"]["places"]["answers"] == 0
    answer = planner.get(f"/planner/dialogues/{room}/results.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert rows[0] == ["datum", "plats", "kod", "område", "fråga", "svar", "antal"]
    assert ["2026-11-23", "Hageby bibliotek", room, "Hageby", "deltagare", "", "3"] in rows
    question = next(r for r in rows if r[4] == "fråga till panelen")
    assert question[5].startswith("'=HYPERLINK")  # neutralised: a spreadsheet shows it, never runs it
    gpkg = planner.get(f"/planner/dialogues/{room}/cells.gpkg")
    assert gpkg.status_code == 200
    path = tmp_path / "cells.gpkg"
    path.write_bytes(gpkg.get_data())
    frame = gpd.read_file(path)
    assert len(frame) == 1 and frame.crs.to_epsg() == 4326
    assert frame.iloc[0]["antal"] == 3 and frame.iloc[0]["omrade"] == "hageby" and frame.iloc[0]["rutstorlek_m"] == 250
    assert frame.geometry.iloc[0].geom_type == "Polygon"
    lon, lat = inside(planner_app, "hageby")
    from shapely.geometry import Point
    assert frame.geometry.iloc[0].contains(Point(lon, lat))


def test_attached_results_show_on_the_area_page_in_aggregate_only(planner_app, planner, room, client):
    _answered_room(planner_app, planner, room)
    assert planner_post(planner, room, "/attach", area="hageby").status_code == 409  # not closed yet
    planner_post(planner, room, "/close")
    assert "Hageby bibliotek" not in client.get("/area/hageby").get_data(as_text=True)
    version = _version(planner_app)
    assert planner_post(planner, room, "/attach", area="hageby", draft="no-such-draft").status_code == 400
    assert planner_post(planner, room, "/attach", area="hageby").status_code == 302
    assert _version(planner_app) == version + 1
    page = client.get("/area/hageby").get_data(as_text=True)
    assert "Hageby bibliotek, 2026-11-23" in page and "3 deltagare från området" in page
    assert "dialogunderlag till områdets nästa medborgarlöfte" in page
    assert "HYPERLINK" not in page  # no free text on public pages
    data = client.get("/area/hageby.json").get_json()["dialogues"]
    assert data[0]["participants"] == 3 and data[0]["places"]["cells"][0]["count"] == 3
    assert set(data[0]) >= {"held_on", "place", "ratings", "themes", "places"} and "questions" not in data[0]
    assert client.get("/area/navestad.json").get_json()["dialogues"] == []
    assert planner_post(planner, room, "/attach", area="hageby", detach="1").status_code == 302
    assert client.get("/area/hageby.json").get_json()["dialogues"] == []
    assert _count(planner_app, DialogueAttachment) == 0


def test_results_attach_to_a_draft_of_the_municipality(planner_app, planner, room, client):
    from mapapp.store import drafts
    with planner_app.app_context(), session_factory(planner_app)() as s:
        draft = {"slug": "norrkoping-2025-2026", "title": "Medborgarlöfte Norrköping 2025–2026",
                 "municipality_code": "0581", "municipality_name": "Norrköping", "parties": [], "period_start":
                 __import__("datetime").date(2025, 1, 1), "period_end": __import__("datetime").date(2026, 12, 31),
                 "signed": None, "problem_picture": None, "dialogue": None,
                 "follow_up_rule": {"cadence": "yearly", "text": "Årligen"}, "sources": [], "related_reports": [],
                 "original_text": None, "spans": None, "commitments": []}
        drafts.store_import(s, [draft], "planner")
    _answered_room(planner_app, planner, room)
    planner_post(planner, room, "/close")
    assert planner_post(planner, room, "/attach", area="navestad", draft="norrkoping-2025-2026").status_code == 302
    console = planner.get(f"/planner/dialogues/{room}.json").get_json()
    assert console["attachments"]["navestad"]["promise"]["slug"] == "norrkoping-2025-2026"
    assert "dialogunderlag till områdets nästa medborgarlöfte" in client.get("/area/navestad").get_data(as_text=True)
    assert "Hageby bibliotek" in planner.get("/planner/drafts/norrkoping-2025-2026").get_data(as_text=True)


def test_answers_are_rate_limited_per_phone(planner_app, room):
    planner_app.config["DIALOGUE_ANSWER_RATE_LIMIT"] = "3 per minute"
    phone = Phone(planner_app, room)
    statuses = [phone.choose("hageby").status_code for _ in range(3)]
    statuses.append(phone.answer("hageby", {EST: 1}).status_code)
    assert statuses == [302, 302, 302, 429]
    other = Phone(planner_app, room)  # another phone from the same address is not held up
    assert other.choose("hageby").status_code == 302
