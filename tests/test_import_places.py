"""Named places in an imported promise: the gazetteer's match beside its polygon, the reviewer's choice, and on
publishing an Area with that polygon and its provenance, or a named place that stays off the map."""
import json

import pytest
from sqlalchemy import select

from mapapp.geo.gazetteer import polygon
from mapapp.importer import gazetteer
from mapapp.store.db import session_factory
from mapapp.store.import_models import DraftPlace
from mapapp.store.models import Area, AuditEntry, Promise
from planner_support import counts, csrf_token
from test_import_review import form_fields, promises, publish, save, upload

pytest_plugins = ["planner_fixtures"]

VAXJO = ("Medborgarlöfte Växjö 2024\n\nLokalpolisområde Växjö och Växjö kommun lovar att:\n"
         "• öka den polisiära närvaron i Araby\n"
         "• genomföra trygghetsvandringar i Araby och Vikaholm\n\n"
         "Uppföljning sker tertialvis.\n")
UPPSALA = ("Medborgarlöfte Uppsala 2023-2024\n\nPolisen och Uppsala kommun lovar att:\n"
           "• synas mer i Gottsunda\n• ordna aktiviteter för unga i Gottsunda centrum\n\n"
           "Löftet följs upp två gånger per år, i maj och november.\n")
OREBRO = ("Medborgarlöfte Örebro 2022\n\nPolisen och Örebro kommun lovar att:\n• fotpatrullera i Oxhagen\n"
          "• hålla öppet hus i Storgatan\n\nUppföljning sker årligen.\n")
URL = "https://polisen.se/medborgarlofte"


def draft_json(client, slug):
    return client.get(f"/planner/drafts/{slug}.json").get_json()


def place(draft, name):
    return next(p for p in draft["places"] if p["name"] == name)


def choose(client, slug, **choices):
    """Save the review form as it stands, with these places' choices (by name) changed."""
    draft = draft_json(client, slug)
    changes = {}
    for name, choice in choices.items():
        k = place(draft, name)["position"] - 1
        value, _, extra = choice.partition(":")
        changes[f"places-{k}-choice"] = value
        if value in ("entry", "area"):
            changes[f"places-{k}-{value}"] = extra
    return save(client, slug, **changes)


def gazetteer_geometry(app, key):
    gaz = gazetteer.load(app.config["GEODATA_DIR"])
    entry = gaz.entry(key)
    return polygon(gaz.datasets[entry.dataset], entry.id, app.config["GEODATA_DIR"])


def area_row(app, slug) -> Area | None:
    with session_factory(app)() as s:
        return s.scalar(select(Area).where(Area.slug == slug))


@pytest.mark.parametrize("text, slug, name, key", [
    (VAXJO, "vaxjo-2024", "Araby", "polisen-2023/561750-araby"),
    (UPPSALA, "uppsala-2023-2024", "Gottsunda", "polisen-2023/520210-gottsunda"),
])
def test_araby_and_gottsunda_get_the_police_polygon_and_become_areas_once_accepted(planner, planner_app, text,
                                                                                 slug, name, key):
    assert upload(planner, None, text=text, source_url=URL).status_code == 200
    draft = draft_json(planner, slug)
    proposed = place(draft, name)
    assert {k: proposed["match"][k] for k in ("dataset", "id", "name", "kind")} == \
        dict(zip(("dataset", "id", "name", "kind"), [*key.split("/"), name, "exact"]))
    assert proposed["choice"] is None and name in draft["undecided_places"]
    html = planner.get(f"/planner/drafts/{slug}").get_data(as_text=True)
    assert "Polismyndigheten, utsatta områden 2023" in html and f"{key}</code>" in html
    assert 'class="small-map candidate-map"' in html  # the candidate polygon on a small map
    assert publish(planner, slug).status_code == 422 and promises(planner_app)[slug] is False  # not decided yet

    others = {p["name"]: "none" for p in draft["places"] if p["name"] != name and p["match"]}
    assert choose(planner, slug, **{name: "match"}, **others).status_code == 302
    assert publish(planner, slug).status_code == 302 and promises(planner_app)[slug] is True
    area = area_row(planner_app, name.lower())
    assert area is not None and area.municipality_code == proposed["match"]["municipality_code"]
    assert json.loads(area.geometry)["type"] == gazetteer_geometry(planner_app, key)["type"]
    assert json.loads(area.geometry)["coordinates"] == json.loads(json.dumps(gazetteer_geometry(planner_app, key)
                                                                             ["coordinates"]))
    assert area.provenance["gazetteer"] == {"dataset": "polisen-2023", "id": key.split("/")[1]}
    assert area.provenance["dataset"] == "Polismyndigheten, utsatta områden 2023 (uso_2023)"
    assert area.provenance["attribution"] == "Källa: Polismyndigheten" and area.provenance["licence"]
    promise = planner_app.test_client().get(f"/api/promises/{slug}").get_json()
    assert promise["commitments"][0]["areas"] == [{"slug": name.lower(), "name": name}]
    assert planner_app.test_client().get(f"/area/{name.lower()}").status_code == 200
    with session_factory(planner_app)() as s:
        made = s.scalar(select(AuditEntry).where(AuditEntry.entity_type == "area",
                                                 AuditEntry.entity_key == name.lower()))
        assert made.action == "create" and made.username == "planner"
        assert s.scalar(select(DraftPlace.id)) is None  # the decisions are spent


def test_oxhagen_is_only_a_candidate_the_reviewer_must_accept(planner, planner_app):
    upload(planner, None, text=OREBRO, source_url=URL)
    draft = draft_json(planner, "orebro-2022")
    oxhagen = place(draft, "Oxhagen")
    assert oxhagen["match"]["name"] == "Oxhagen / Varberga" and oxhagen["match"]["kind"] == "candidate"
    assert oxhagen["choice"] is None
    html = planner.get("/planner/drafts/orebro-2022").get_data(as_text=True)
    assert "kandidat – godta bara om gränsen är den löftet menar" in html
    refused = publish(planner, "orebro-2022")
    assert refused.status_code == 422 and "Oxhagen" in refused.get_data(as_text=True)
    assert area_row(planner_app, "oxhagen-varberga") is None
    assert choose(planner, "orebro-2022", Oxhagen="match").status_code == 302
    assert publish(planner, "orebro-2022").status_code == 302
    area = area_row(planner_app, "oxhagen-varberga")
    assert area.name == "Oxhagen / Varberga" and area.municipality_name == "Örebro"
    assert area.provenance["gazetteer"]["id"] == oxhagen["match"]["id"]


def test_an_unmatched_name_stays_a_named_place_never_the_whole_municipality(planner, planner_app):
    upload(planner, None, text=OREBRO, source_url=URL)
    draft = draft_json(planner, "orebro-2022")
    storgatan = place(draft, "Storgatan")
    assert storgatan["match"] is None and storgatan["choice"] == "none"  # nothing to accept
    assert draft["commitments"][1]["places"] == ["Storgatan"] and draft["commitments"][1]["whole_municipality"] is False
    assert choose(planner, "orebro-2022", Oxhagen="none").status_code == 302
    assert publish(planner, "orebro-2022").status_code == 302
    public = planner_app.test_client()
    api = public.get("/api/promises/orebro-2022").get_json()
    assert [(c["areas"], c["areas_outside_map"], c["whole_municipality"]) for c in api["commitments"]] == [
        ([], ["Oxhagen"], False), ([], ["Storgatan"], False)]
    page = public.get("/promise/orebro-2022/commitment/" + api["commitments"][1]["slug"]).get_data(as_text=True)
    assert "Storgatan</span> (inget område på kartan)" in page and "hela kommunen" not in page
    assert area_row(planner_app, "oxhagen-varberga") is None


def test_the_reviewer_can_choose_another_entry_or_an_existing_area(planner, planner_app):
    upload(planner, None, text=VAXJO, source_url=URL)
    # Araby as an app area that already exists (Hageby, say, by mistake) and Vikaholm as a RegSO entry.
    gaz = gazetteer.load(planner_app.config["GEODATA_DIR"])
    regso = next(p for p in gaz.places if p.dataset == "scb-regso-2025" and p.municipality_code == "0780")
    key = f"{regso.dataset}/{regso.id}"
    html = planner.get("/planner/drafts/vaxjo-2024").get_data(as_text=True)
    assert f'value="{key}"' in html  # the municipality's entries are offered
    assert choose(planner, "vaxjo-2024", Araby="area:hageby", Vikaholm=f"entry:{key}").status_code == 302
    draft = draft_json(planner, "vaxjo-2024")
    assert (place(draft, "Araby")["choice"], place(draft, "Araby")["area"]) == ("area", "hageby")
    assert (place(draft, "Vikaholm")["choice"], place(draft, "Vikaholm")["entry"]) == ("entry", key)
    assert publish(planner, "vaxjo-2024").status_code == 302
    api = planner_app.test_client().get("/api/promises/vaxjo-2024").get_json()
    made = area_row(planner_app, regso.name.lower().replace(" ", "-").replace("/", ""))
    assert [a["slug"] for a in api["commitments"][0]["areas"]] == ["hageby"]
    assert sorted(a["name"] for a in api["commitments"][1]["areas"]) == sorted(["Hageby", regso.name])
    assert made is None or made.provenance["gazetteer"] == {"dataset": regso.dataset, "id": regso.id}


@pytest.mark.parametrize("changes, field, message", [
    ({"places-0-choice": "annat"}, "places-0-choice", "Okänt val."),
    ({"places-0-choice": "entry", "places-0-entry": "polisen-2023/finns-inte"}, "places-0-entry",
     "Välj en post ur ortregistret."),
    ({"places-0-choice": "area", "places-0-area": "atlantis"}, "places-0-area", "Okänt område."),
    ({"places-1-choice": "match"}, "places-1-choice", "Platsen har inget förslag att godta."),
])
def test_bad_place_choices_are_refused_with_a_message_and_store_nothing(planner, planner_app, changes, field,
                                                                        message):
    upload(planner, None, text=VAXJO, source_url=URL)
    before = counts(planner_app)
    response = save(planner, "vaxjo-2024", **changes)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html[html.index(f'id="{field}-error"'):]
    assert counts(planner_app) == before


def test_a_tampered_place_list_is_a_bad_request(planner, planner_app):
    upload(planner, None, text=VAXJO, source_url=URL)
    before = counts(planner_app)
    html = planner.get("/planner/drafts/vaxjo-2024").get_data(as_text=True)
    data = {k: v for k, v in form_fields(html).items() if not k.startswith("places-1")}
    response = planner.post("/planner/drafts/vaxjo-2024", data=data)
    assert response.status_code == 400 and "platserna stämmer inte" in response.get_data(as_text=True)
    assert counts(planner_app) == before


def test_low_confidence_fields_are_marked_on_the_page_and_in_the_json(planner):
    text = VAXJO.replace("Lokalpolisområde Växjö och Växjö kommun lovar att:", "Detta lovar vi:")
    upload(planner, None, text=text, source_url=URL)
    draft = draft_json(planner, "vaxjo-2024")
    assert draft["low_confidence"], draft["spans"]["confidence"]
    html = planner.get("/planner/drafts/vaxjo-2024").get_data(as_text=True)
    field = next(iter(draft["low_confidence"])).replace(".", "-")
    assert 'class="low-confidence"' in html and "Osäker läsning" in html
    assert csrf_token(planner, "/planner/drafts/vaxjo-2024")
    assert field


@pytest.mark.browser
def test_review_page_shows_the_candidate_polygon_on_a_map_in_a_browser(planner_app, live_server):
    import re

    from browser import chromium, serious_axe_violations, sign_in
    with chromium(bypass_csp=True) as new_tab:  # bypassed only so axe-core can be added to the page
        tab = new_tab()
        page = tab.page
        sign_in(page, live_server.url)
        page.goto(live_server.url + "/planner/import")
        page.get_by_label("… eller klistra in dokumentets text").fill(OREBRO)
        page.get_by_label("Länk till dokumentet där det är publicerat (valfritt)").fill(URL)
        page.get_by_role("button", name="Läs in dokumentet").click()
        page.get_by_role("link", name=re.compile("Granska Medborgarlöfte Örebro 2022")).click()
        page.wait_for_url(re.compile(r"/planner/drafts/orebro-2022$"))

        shapes = page.locator(".candidate-map path.candidate-shape")
        shapes.first.wait_for()
        assert shapes.count() == 1  # Oxhagen's candidate; Storgatan has no polygon to show
        assert page.locator(".candidate-map .area-label").first.inner_text() == "1. Oxhagen"
        assert "6 4" in (shapes.first.get_attribute("stroke-dasharray") or "")  # dashed: only a candidate
        place = page.locator("#place-1")
        place.get_by_label("Godta förslaget: Oxhagen / Varberga").focus()
        assert "is-current" in page.locator("mark#src-place-1").get_attribute("class")
        page.locator(".candidate-map").scroll_into_view_if_needed()
        tab.screenshot("import-review-candidate-map")
        assert serious_axe_violations(page) == []

        place.get_by_label("Godta förslaget: Oxhagen / Varberga").check()
        page.get_by_role("button", name="Spara utkastet").click()
        page.wait_for_url(re.compile(r"saved=1"))
        page.locator(".candidate-map path.candidate-shape").first.wait_for()  # drawn a frame after the map
        assert page.locator(".candidate-map path.candidate-shape").count() == 1
        page.get_by_role("button", name="Publicera löftet").click()
        page.wait_for_url(re.compile(r"/planner/drafts\?published="))
        page.goto(live_server.url + "/area/oxhagen-varberga")
        assert page.get_by_role("heading", name="Oxhagen / Varberga").first.is_visible()
        assert tab.external == [] and tab.page_errors == [] and tab.console_errors == []


def test_the_command_line_drafts_the_same_places_for_review(app, runner, tmp_path):
    path = tmp_path / "vaxjo.txt"
    path.write_text(VAXJO, encoding="utf-8")
    dry = runner.invoke(args=["import-promise", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "named place “Araby”: exact match Araby (polisen-2023 561750-araby), for a reviewer to accept" in dry.output
    assert "named place “Vikaholm”: no gazetteer entry" in dry.output
    result = runner.invoke(args=["import-promise", str(path), "--user", "anna"])
    assert result.exit_code == 0, result.output
    with session_factory(app)() as s:
        places = s.execute(select(DraftPlace.name, DraftPlace.choice).join(Promise)
                           .where(Promise.slug == "vaxjo-2024").order_by(DraftPlace.position)).all()
    assert [tuple(p) for p in places] == [("Araby", None), ("Vikaholm", "none")]
