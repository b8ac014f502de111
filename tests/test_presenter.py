"""Presenter mode over HTTP: the slides' JSON twin, 404s, tiles off by default, the QR code, and
planners' named presentations (sign-in, CSRF, order and selection, bad input stores nothing)."""
import json
import re

import pytest
from sqlalchemy import func, select

from mapapp.domain import slides
from mapapp.store.db import session_factory
from mapapp.store.models import AuditEntry, Presentation
from mapapp.web.presenter import qr_svg
from planner_support import csrf_token

pytest_plugins = ["planner_fixtures"]  # its fixtures: planner_app, planner, admin

PROMISE = "norrkoping-2023-2024"
TITLE = "Medborgarlöfte Norrköping 2023–2024"
AREAS = ["centrala-norrkoping", "hageby", "klockaretorpet", "marielund", "navestad"]
AREA_NAMES = ["Centrala Norrköping", "Hageby", "Klockaretorpet", "Marielund", "Navestad"]
NEW = f"/planner/presentations/new?promise={PROMISE}"


def _page_data(html: str) -> dict:
    block = re.search(r'<script id="present-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    return json.loads(block)


def _contains(outer, inner) -> bool:
    (s1, w1), (n1, e1) = outer
    (s2, w2), (n2, e2) = inner
    return s1 <= s2 and w1 <= w2 and n1 >= n2 and e1 >= e2


def test_slides_json_walks_title_areas_summary_closing(client):
    data = client.get(f"/present/{PROMISE}.json").get_json()
    kinds = [s["kind"] for s in data["slides"]]
    assert kinds[0] == "title" and kinds[-2:] == ["summary", "closing"]
    assert [s["n"] for s in data["slides"]] == list(range(1, data["count"] + 1))
    title = data["slides"][0]
    assert title["heading"] == TITLE
    assert title["parties"] == ["Norrköpings kommun", "Lokalpolisområde Norrköping (Polismyndigheten)"]
    assert title["period"] == {"start": "2023-01-01", "end": "2024-12-31"}
    assert len(title["dialogue"]["groups"]) == 14 and "Romska intresseföreningen" in title["dialogue"]["groups"]
    area_slides = [s for s in data["slides"] if s["kind"] == "area"]
    # One slide per area, alphabetically; an area is only split when its commitments do not fit.
    assert list(dict.fromkeys(s["area"] for s in area_slides)) == AREAS
    assert list(dict.fromkeys(s["heading"] for s in area_slides)) == AREA_NAMES
    for s in area_slides:
        assert s["bounds"] and _contains(s["bounds"], slides._bounds([s["area"]], data["areas"]))
    hageby = [c for s in area_slides if s["area"] == "hageby" for c in s["commitments"]]
    assert len(hageby) == 7  # EST names Hageby; six more reach the whole municipality
    assert hageby[0]["key"] == f"{PROMISE}/est" and hageby[0]["scope"] == "area"
    assert all(c["status"] == "ej_bedomd" and c["latest"] is None for c in hageby)
    summary = data["slides"][-2]
    assert summary["status_counts"] == [{"status": "ej_bedomd", "label": "ej bedömd", "count": 7}]
    assert summary["next_due"] is None and summary["ended"] and "overdue" not in summary
    assert summary["follow_up_states"] == [{"state": "unknown", "label": "ingen uppföljning registrerad här", "count": 2}]
    assert summary["progress"]["total"] == 7 and summary["progress"]["assessed"] == 0
    closing = data["slides"][-1]
    assert closing["url"] == data["citizen_url"] == f"http://localhost/promise/{PROMISE}"


def test_page_renders_the_same_slides_as_its_twin(client):
    html = client.get(f"/present/{PROMISE}").get_data(as_text=True)
    twin = client.get(f"/present/{PROMISE}.json").get_json()
    assert _page_data(html) == twin
    assert html.count('<section class="slide ') == twin["count"]
    assert '<html lang="sv"' in html and "<title>" in html and '<main id="main"' in html and "<nav " in html
    for name in AREA_NAMES:
        assert f">{name}</h2>" in html


def test_closing_slide_has_a_local_qr_code_of_the_citizen_page(client, app):
    app.config["PUBLIC_URL"] = "http://localhost"  # an address the room's phones can open
    html = client.get(f"/present/{PROMISE}").get_data(as_text=True)
    expected = qr_svg(f"http://localhost/promise/{PROMISE}")
    assert str(expected) in html and expected.startswith("<svg")
    assert "http://localhost/promise/norrkoping-2023-2024</p>" in html


def test_a_follow_up_shows_with_its_status(client):
    data = client.get("/present/skaggetorp-2018-2019.json").get_json()
    cards = {c["slug"]: c for s in data["slides"] if s["kind"] == "area" for c in s["commitments"]}
    latest = cards["fritidsaktiviteter"]["latest"]
    assert cards["fritidsaktiviteter"]["status"] == "pagar"
    assert latest["date_label"] == "tertial 1–2 2019" and latest["note"].startswith("Agora i Skäggetorp")
    assert latest["note_clipped"] and latest["note"].endswith("…") and len(latest["note"]) <= slides.NOTE_LIMIT


@pytest.mark.parametrize("path", ["/present/nope", "/present/nope.json", f"/present/{PROMISE}?p=nope",
                                  f"/present/{PROMISE}.json?p=nope", f"/present/{PROMISE}?p=<b>"])
def test_unknown_promise_or_presentation_is_404(client, path):
    assert client.get(path).status_code == 404


def test_bad_tiles_parameter_is_400(client):
    assert client.get(f"/present/{PROMISE}?tiles=yes").status_code == 400


def test_tiles_are_off_by_default_even_when_configured(app, client):
    app.config["TILE_URL"] = "https://tiles.example.org/{z}/{x}/{y}.png"
    plain = client.get(f"/present/{PROMISE}").get_data(as_text=True)
    assert "tiles.example.org" not in plain
    assert "tiles.example.org" in client.get(f"/present/{PROMISE}?tiles=1").get_data(as_text=True)
    assert not re.search(r'(src|href)="(https?:)?//', plain), "every asset is served by the app"


def test_no_data_text_reaches_folium(client):
    """Names reach the page once, through Flask; Folium's script carries geometry and slugs only."""
    html = client.get(f"/present/{PROMISE}").get_data(as_text=True)
    script = re.split(r'js/present\.js(?:\?v=[0-9a-f]+)?"></script>', html, maxsplit=1)[1]
    assert "L.map(" in script or "L.map (" in script
    for text in AREA_NAMES + [TITLE, "Uppsökande arbete mot ungdomar"]:
        assert text not in script


# --- named presentations --------------------------------------------------------------------

def _stored(app) -> dict:
    with app.app_context(), session_factory(app)() as s:
        return {"presentations": s.scalar(select(func.count()).select_from(Presentation)),
                "audit": s.scalar(select(func.count()).select_from(AuditEntry))}


def _form(client, path=NEW, **fields):
    data = {"csrf_token": csrf_token(client, path), "name": "Dialog i Hageby", "slug": "dialog-hageby",
            "areas": ["navestad", "hageby"], "areas-order-1": "1", "areas-order-4": "2",
            "commitments": [f"{PROMISE}/sspf", f"{PROMISE}/est"],
            "commitments-order-4": "1", "commitments-order-2": "2"}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_presentation_pages_need_a_signed_in_planner(planner_app):
    client = planner_app.test_client()
    before = _stored(planner_app)
    page = client.get("/planner/presentations")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert client.get(NEW).status_code == 302
    token = csrf_token(client, "/login")
    assert client.post(NEW, data={"csrf_token": token, "name": "x", "areas": ["hageby"]}).status_code == 401
    assert _stored(planner_app) == before


def test_saving_needs_a_csrf_token(planner, planner_app):
    before = _stored(planner_app)
    data = _form(planner)
    del data["csrf_token"]
    response = planner.post(NEW, data=data)
    assert response.status_code == 400
    assert _stored(planner_app) == before


def test_a_saved_presentation_orders_and_selects(planner, planner_app, client):
    before = _stored(planner_app)
    response = planner.post(NEW, data=_form(planner))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith("/planner/presentations/dialog-hageby?saved=1")
    assert _stored(planner_app) == {"presentations": before["presentations"] + 1, "audit": before["audit"] + 1}

    data = client.get(f"/present/{PROMISE}.json?p=dialog-hageby").get_json()
    assert data["presentation"] == {"slug": "dialog-hageby", "name": "Dialog i Hageby"}
    area_slides = [s for s in data["slides"] if s["kind"] == "area"]
    assert [s["area"] for s in area_slides] == ["hageby", "navestad"]
    assert [c["slug"] for c in area_slides[0]["commitments"]] == ["sspf", "est"]  # the planner's order
    assert data["slides"][-2]["commitment_count"] == 2
    assert data["slides"][0]["areas"] == ["hageby", "navestad"]
    html = client.get(f"/present/{PROMISE}?p=dialog-hageby").get_data(as_text=True)
    assert html.count('<section class="slide ') == data["count"] and "Dialog i Hageby" in html
    assert "Klockaretorpet</h2>" not in html
    # Listed for planners, and audited.
    assert "Dialog i Hageby" in planner.get("/planner/presentations").get_data(as_text=True)
    with planner_app.app_context(), session_factory(planner_app)() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.username, entry.action, entry.entity_type, entry.entity_key) == \
            ("planner", "create", "presentation", "dialog-hageby")
        assert entry.after["areas"] == ["hageby", "navestad"]


def test_a_presentation_of_another_promise_is_404(planner, client):
    assert planner.post(NEW, data=_form(planner)).status_code == 302
    assert client.get("/present/norrkoping-2020-2022?p=dialog-hageby").status_code == 404


@pytest.mark.parametrize("fields, message", [
    ({"name": ""}, "Fyll i fältet."),
    ({"areas": []}, "Välj minst ett område."),
    ({"commitments": []}, "Välj minst ett åtagande."),
    ({"areas": ["hageby", "skaggetorp"]}, "Okänt val: skaggetorp."),
    ({"commitments": ["norrmalm-2018/trafikinsatser"]}, "Okänt val: norrmalm-2018/trafikinsatser."),
    ({"areas-order-1": "första"}, "Ordningen måste vara ett heltal 1–999."),
    ({"areas-order-1": "0"}, "Ordningen måste vara ett heltal 1–999."),
    ({"areas-order-1": "²"}, "Ordningen måste vara ett heltal 1–999."),
    ({"areas-order-1": "9" * 5000}, "Ordningen måste vara ett heltal 1–999."),
    ({"slug": "Inte OK!"}, "Små bokstäver a–z, siffror och bindestreck."),
    ({"slug": "", "name": "???"}, "Skriv en adress"),
    ({"slug": "new"}, "Adressen ”new” är upptagen"),
])
def test_bad_input_gives_form_errors_and_stores_nothing(planner, planner_app, fields, message):
    before = _stored(planner_app)
    response = planner.post(NEW, data=_form(planner, **fields))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html and message in html
    assert _stored(planner_app) == before


def test_a_taken_address_is_refused(planner, planner_app):
    assert planner.post(NEW, data=_form(planner)).status_code == 302
    before = _stored(planner_app)
    response = planner.post(NEW, data=_form(planner, name="En annan"))
    assert response.status_code == 409 and "används redan" in response.get_data(as_text=True)
    assert _stored(planner_app) == before


def test_the_address_is_made_from_the_name(planner):
    response = planner.post(NEW, data=_form(planner, slug="", name="Möte på Ängen 2024"))
    assert response.headers["Location"].endswith("/planner/presentations/mote-pa-angen-2024?saved=1")


def test_editing_keeps_versions_and_refuses_a_stale_save(planner, planner_app, client):
    assert planner.post(NEW, data=_form(planner)).status_code == 302
    path = "/planner/presentations/dialog-hageby"
    page = planner.get(path).get_data(as_text=True)
    assert "<code>dialog-hageby</code>" in page and 'checked' in page
    fields = _form(planner, path, name="Hageby först", version="1", slug=None,
                   areas=["hageby"], **{"areas-order-4": ""})
    assert planner.post(path, data=fields).status_code == 302
    assert client.get(f"/present/{PROMISE}.json?p=dialog-hageby").get_json()["presentation"]["name"] == "Hageby först"
    before = _stored(planner_app)
    stale = planner.post(path, data=_form(planner, path, name="Gammal", version="1", slug=None))
    assert stale.status_code == 409 and "ändrats av någon annan" in stale.get_data(as_text=True)
    assert _stored(planner_app) == before
    assert planner.get(path + ".json").get_json()["version"] == 2


# --- the pure parts -------------------------------------------------------------------------

def test_pack_splits_only_what_does_not_fit_and_evens_out():
    assert slides.pack(list("abc"), [1, 1, 1], 10, 7) == [["a", "b", "c"]]
    assert slides.pack(list("abcdef"), [3] * 6, 10, 7) == [["a", "b", "c"], ["d", "e", "f"]]
    assert slides.pack(list("abcdefg"), [1] * 7, 100, 5) == [["a", "b", "c", "d"], ["e", "f", "g"]]
    assert slides.pack(["huge", "b"], [50, 1], 10, 7) == [["huge"], ["b"]]  # never an empty slide
    assert slides.pack([], [], 10, 7) == [[]]


def test_clip_and_slugify():
    assert slides.clip("kort text", 50) == ("kort text", False)
    text, cut = slides.clip("ett två tre fyra fem sex sju åtta nio tio", 20)
    assert cut and text.endswith("…") and len(text) <= 20 and " " not in text[-2:]
    assert slides.slugify("Möte på Ängen – 2024!") == "mote-pa-angen-2024"


def test_check_selection_names_every_problem():
    promise = {"municipality": {"code": "0581"}, "areas": ["hageby"], "whole_municipality": False,
               "commitments": [{"key": "p/a"}]}
    areas = {"hageby": {"name": "Hageby", "municipality": {"code": "0581"}}}
    assert slides.check_selection(promise, areas, ["hageby"], ["p/a"]) == []
    problems = [m for m, _values in slides.check_selection(promise, areas, ["hageby", "hageby", "x"], [])]
    assert problems == ["Välj minst ett åtagande.", "Ett område eller åtagande är valt två gånger.",
                        "Löftet når inte: %(names)s."]


def test_without_a_public_address_the_closing_slide_warns_instead_of_a_qr_code(client, app):
    html = client.get(f"/present/{PROMISE}").get_data(as_text=True)
    assert "Ingen publik adress är inställd" in html and 'class="qr"' not in html
    app.config["PUBLIC_URL"] = "https://lofteskartan.example.se"
    html = client.get(f"/present/{PROMISE}").get_data(as_text=True)
    assert 'class="qr"' in html and "https://lofteskartan.example.se/promise/" in html
    assert "Ingen publik adress är inställd" not in html
