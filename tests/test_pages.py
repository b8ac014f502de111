"""Pages: the map, area and promise pages carry the data, with sources; errors are HTML pages."""
import re

import pytest

from mapapp.core.cache import app_cache


def text(response) -> str:
    return response.get_data(as_text=True)


def test_map_page_lists_every_area_and_is_self_hosted(client):
    body = text(client.get("/"))
    for name in ["Hageby", "Navestad", "Klockaretorpet", "Centrala Norrköping", "Marielund", "Skäggetorp", "Norrmalm"]:
        assert name in body
    assets = re.findall(r'<(?:script|img|iframe)[^>]+src="([^"]+)"|<link[^>]+rel="(?:stylesheet|icon|preload)"[^>]+href="([^"]+)"', body)
    assert assets and not [a for pair in assets for a in pair if a.startswith(("http:", "https:", "//"))], \
        "no asset may come from another host"
    assert "Polismyndigheten" in body and "SCB" in body and "Stockholms stad" in body


@pytest.mark.parametrize("query", ["?year=2018", "?year=2024", "?year=latest", "?kommun=0580", "?layers=areas,est,lagesbild"])
def test_map_views(client, query):
    assert client.get("/" + query).status_code == 200


@pytest.mark.parametrize("query", ["?year=2017", "?year=abc", "?kommun=x", "?layers=bogus"])
def test_bad_map_parameters_are_400_pages(client, query):
    r = client.get("/" + query)
    assert r.status_code == 400 and r.mimetype == "text/html"


def test_period_choice_shows_which_promise_applied(client):
    areas = {a["slug"]: a for a in client.get("/index.json?year=2019").get_json()["areas"]}
    assert areas["hageby"]["current_promise"]["slug"] == "norrkoping-2018-2019"
    assert areas["skaggetorp"]["current_promise"]["slug"] == "skaggetorp-2018-2019"
    assert areas["norrmalm"]["current_promise"]["slug"] == "norrmalm-2019"
    areas = {a["slug"]: a for a in client.get("/index.json?year=2018").get_json()["areas"]}
    assert areas["norrmalm"]["current_promise"]["slug"] == "norrmalm-2018"


def test_area_page_in_reading_order(client):
    """Summary first (what applies now), then the history, the commitments, cameras, lägesbild, sources."""
    body = text(client.get("/area/hageby"))
    order = ["<h1>Hageby</h1>", "Läget i korthet", "Inget gällande medborgarlöfte känt.",
             "över tid", "Åtaganden per medborgarlöfte", '<h3 class="summary-heading">Medborgarlöfte Norrköping 2023–2024',
             '<h3 class="summary-heading">Medborgarlöfte Norrköping 2020–2022',
             '<h3 class="summary-heading">Medborgarlöfte Norrköping 2018–2019', "Kamerabevakning i centrala",
             'id="lagesbild-heading"', 'id="est-heading"', "Datakällor"]
    positions = [body.index(s) for s in order]
    assert positions == sorted(positions)
    # What is known, never a claim without a source: 2020–2022's page links a published follow-up.
    assert "ingen uppföljning publicerad" not in body and "försenad" not in body
    assert "ej bedömd här — en uppföljning har publicerats men dess innehåll är inte infört" in body
    assert "Källa: Polismyndigheten" in body


def test_area_page_shows_follow_up_with_evidence(client):
    body = text(client.get("/area/skaggetorp"))
    assert "Agora i Skäggetorp" in body and "docplayer.se" in body and "tertial 1–2 2019" in body


def test_approximation_says_so(client):
    assert "Gränsen är en approximation" in text(client.get("/area/centrala-norrkoping"))


def test_promise_page(client):
    body = text(client.get("/promise/norrkoping-2023-2024"))
    for s in ["2023-04-03", "Åtaganden (7)", "Judiska församlingen", "årligen", "001_b7c2dbbc183ed716.txt",
              "Problembild", "2023-12-31"]:
        assert s in body, s


@pytest.mark.parametrize("url", ["/area/atlantis", "/promise/nope", "/promise/norrmalm-2018/commitment/nope", "/nowhere"])
def test_unknown_is_a_404_page(client, url):
    r = client.get(url)
    assert r.status_code == 404 and r.mimetype == "text/html" and "Traceback" not in text(r)


def test_rendered_map_is_reused_until_the_data_changes(app, client):
    cache = app_cache(app, "maps", "MAP_CACHE_BYTES", by_bytes=True)
    before = cache.misses
    client.get("/")
    misses = cache.misses
    built = misses - before  # the map and what it is made of (shapes, features …)
    client.get("/")
    assert cache.misses == misses and built > 0
    from mapapp.store.db import session_factory
    from mapapp.store.versions import bump_version
    with app.app_context():
        with session_factory(app)() as session, session.begin():
            bump_version(session)
    client.get("/")
    assert cache.misses == misses + built  # everything rebuilt once, for the new data version
