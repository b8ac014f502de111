"""Find my area: Swedish-aware names, known places (placed honestly), and plain answers."""
import pytest

from mapapp.domain import search


@pytest.mark.parametrize("query, name", [
    ("skaggetorp", "Skäggetorp"), ("SKÄGGETORP", "Skäggetorp"), ("skaeggetorp", "Skäggetorp"),
    ("klockaretorp", "Klockaretorpet"), ("norrkoping", "Centrala Norrköping"), ("hagby", "Hageby")])
def test_swedish_aware_matching(query, name):
    assert search.score(query, name) > 0


def test_unrelated_names_do_not_match():
    assert search.score("berga", "Skäggetorp") == 0


def test_exact_area_name_redirects_to_the_area(client):
    r = client.get("/search?q=skaggetorp")
    assert r.status_code == 302 and r.headers["Location"].endswith("/area/skaggetorp")


def test_place_placed_by_polygon_says_so(client):
    data = client.get("/search.json?q=Mirum Galleria").get_json()
    top = data["results"][0]
    assert (top["kind"], top["name"], top["area"], top["placement"]) == ("place", "Mirum Galleria", "hageby", "area_polygon")
    assert top["point"] is None
    body = client.get("/search?q=Mirum Galleria").get_data(as_text=True)
    assert "Placerad med områdets polygon, ingen publicerad koordinat" in body


def test_place_with_a_source_coordinate(client):
    top = client.get("/api/search?q=sergels torg").get_json()["results"][0]
    assert top["placement"] == "source_point" and top["point"] == {"lon": 18.0653, "lat": 59.3325}
    assert top["source"]["url"].startswith("https://")


@pytest.mark.parametrize("query, slug", [("Ringdansen", "ringdansens-centrum"), ("Klocket", "klockaretorpets-centrum"),
                                         ("Skäggetorps centrum", "skaggetorps-centrum"), ("plattan", "sergels-torg")])
def test_known_places(client, query, slug):
    assert client.get(f"/api/search?q={query}").get_json()["results"][0]["slug"] == slug


def test_no_match_is_said_plainly(client):
    body = client.get("/search?q=Atlantis").get_data(as_text=True)
    assert "Inget område, ställe eller kommun med det namnet" in body


def test_overlong_query_is_400(client):
    assert client.get("/api/search?q=" + "a" * 300).status_code == 400


def test_external_geocoder_is_off_by_default(app):
    assert app.config["GEOCODER_URL"] is None


def test_a_municipality_name_leads_to_its_areas(client):
    r = client.get("/search?q=Linköping")
    assert r.status_code == 302 and r.location.endswith("/?kommun=0580")
    page = client.get(r.location).get_data(as_text=True)
    assert "Skäggetorp" in page
    assert client.get("/index.json?kommun=0580").get_json()["kommun"] == "0580"


def test_an_address_with_no_geocoder_offers_three_next_steps(client):
    page = client.get("/search?q=Drottninggatan 12, Norrköping").get_data(as_text=True)
    assert "Gatuadresser kan Löfteskartan inte slå upp själv" in page
    assert page.count("data-locate") == 1  # 1. my location, offered once
    assert "Klicka på kartan där du bor" in page  # 2. the map
    assert 'href="/?kommun=0581"' in page and 'href="/?kommun=0580"' in page  # 3. the covered municipalities
    data = client.get("/search.json?q=Drottninggatan 12, Norrköping").get_json()
    assert data["results"] == [] and {m["code"] for m in data["covered_municipalities"]} == {"0180", "0580", "0581"}


def test_an_unknown_page_speaks_the_visitors_language_and_offers_search(client):
    page = client.get("/nowhere").get_data(as_text=True)
    assert "Sidan finns inte" in page and 'name="q"' in page and "Till kartan" in page
    page = client.get("/nowhere?lang=en").get_data(as_text=True)
    assert "Page not found" in page and "Not Found" not in page


def test_a_favicon_is_served(client):
    r = client.get("/favicon.ico")
    assert r.status_code == 200 and r.data[:4] == b"\x00\x00\x01\x00"


def test_the_search_page_offers_my_location_once_whatever_it_found(client):
    for query in ["", "?q=Mirum Galleria", "?q=Atlantis", "?q=Drottninggatan 12, Norrköping"]:
        page = client.get("/search" + query).get_data(as_text=True)
        assert page.count("data-locate") == 1, query


def test_the_locate_button_is_sent_disabled_until_its_script_can_answer_a_tap(client):
    import re
    for url in ("/", "/search", "/search?q=Drottninggatan 12, Norrköping"):
        buttons = re.findall(r"<button[^>]*data-locate[^>]*>", client.get(url).get_data(as_text=True))
        assert buttons and all(" disabled" in b for b in buttons), url
    script = client.get("/static/js/locate.js").get_data(as_text=True)
    assert "b.disabled = false" in script
