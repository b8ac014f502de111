"""What a map page carries before its polygons can be drawn: small geometry inline, large by bbox, each
polygon once, Leaflet's script after the page's text (so a phone shows the text while Leaflet is on its way,
and preloaded from the first bytes of the answer), and only the areas in the map's first frame."""
from conftest import TODAY

from mapapp.render import mapview
from mapapp.store.db import get_session


def _scope(app, **config):
    app.config.update(config)
    for cache in app.extensions.get("mapapp_caches", {}).values():
        cache.clear()
    with app.test_request_context("/"):
        return mapview.inline_scope(get_session(), TODAY), mapview.inline_scope(get_session(), TODAY,
                                                                                municipality="0581")


def test_a_small_data_set_is_drawn_from_the_page_itself(app):
    assert _scope(app) == ("all", "all")


def test_geometry_over_the_byte_budget_is_loaded_by_bbox_even_when_the_areas_are_few(app):
    # The seven areas' stored geometry is about 11 kB: above a 6 kB budget, Norrköping's five fit in 6 kB alone.
    whole, norrkoping = _scope(app, MAP_INLINE_BYTES=6_000)
    assert whole is None
    assert norrkoping in ("municipality", None)
    assert _scope(app, MAP_INLINE_BYTES=100) == (None, None)


def test_a_page_over_the_budget_carries_no_area_layer_and_says_where_it_comes_from(app, client):
    assert '"className": "area-shape"' in client.get("/").get_data(as_text=True)
    app.config["MAP_INLINE_BYTES"] = 100
    page = client.get("/?year=2025").get_data(as_text=True)  # another view: the page above is kept
    assert '"/api/areas.geojson"' in page
    assert '"className": "area-shape"' not in page


def test_leaflet_is_loaded_after_the_page_text_and_just_before_the_map_script(client):
    page = client.get("/").get_data(as_text=True)
    head, body = page.split("</head>", 1)
    assert "leaflet.js" not in head and "leaflet.css" in head
    # No script in the head at all: an inline one there waits for the stylesheets and holds the parser, so the
    # page would be laid out only as Leaflet arrives, and Leaflet's start would wait for that layout.
    assert "<script" not in head
    leaflet = body.index("/static/vendor/leaflet/leaflet.js")
    assert body.index('id="main"') < leaflet < body.index("L.map(")
    assert body.index('id="map-features"') < leaflet


SKAGGETORP_FIRST_VERTEX = "[15.568267, 58.427862]"  # a ring starts and ends on it (stored: 15.5682669, 58.4278622)


def test_each_polygon_is_sent_once_whatever_layers_show_it(client):
    # Skäggetorp is an area, under two camera decisions, an EST area and on the police list.
    page = client.get("/?layers=areas,camera,est,lagesbild").get_data(as_text=True)
    assert page.count(SKAGGETORP_FIRST_VERTEX) == 2
    area_page = client.get("/area/skaggetorp").get_data(as_text=True)
    assert area_page.count(SKAGGETORP_FIRST_VERTEX) == 2


def test_the_first_frame_holds_the_map_and_its_areas_and_the_rest_follows(client):
    page = client.get("/").get_data(as_text=True)
    script = page[page.index("L.map("):]
    later = script.index("(function (later) {")
    assert script.index('"className": "area-shape"') < later
    for afterwards in ("L.tileLayer(", "L.control.layers(", "L.control.scale(", "camera-area", "est-shape",
                       "LofteskartanQueue"):
        assert script.index(afterwards) > later, afterwards


def test_a_map_page_names_what_it_cannot_be_drawn_without_as_preloads(client):
    response = client.get("/")
    links = response.headers["Link"].split(", ")
    assert any("/static/vendor/leaflet/leaflet.js" in link and link.endswith("rel=preload; as=script") for link in links)
    assert any("/static/css/app.css" in link and link.endswith("as=style") for link in links)
    assert not any("locate.js" in link for link in links)  # deferred: it would compete with Leaflet
    assert "Link" not in client.get("/index.json").headers


def test_a_map_draws_coordinates_to_a_tenth_of_a_metre_and_downloads_keep_them_as_stored(client):
    assert "15.5682669" not in client.get("/area/skaggetorp").get_data(as_text=True)
    assert "15.5682669" in client.get("/api/areas.geojson").get_data(as_text=True)
    assert "15.5682669" in client.get("/api/export/areas.geojson").get_data(as_text=True)


def test_static_files_are_compressed_once_at_the_strongest_setting_for_br_and_gzip_clients(client):
    import gzip

    import brotli
    url = "/static/vendor/leaflet/leaflet.js"
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    br = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    gz = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers
    assert br.headers["Content-Encoding"] == "br" and gz.headers["Content-Encoding"] == "gzip"
    assert brotli.decompress(br.get_data()) == plain.get_data() == gzip.decompress(gz.get_data())
    assert len(br.get_data()) < 0.9 * len(gz.get_data()) < 0.3 * len(plain.get_data())
    assert "Accept-Encoding" in br.headers["Vary"] and br.headers["ETag"] != gz.headers["ETag"]
    again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": br.headers["ETag"]})
    assert again.status_code == 304


def test_static_files_compressed_before_the_workers_fork_are_not_compressed_again(app, monkeypatch):
    """gunicorn's master calls assets.warm once; a worker's first visitor then gets bytes made there."""
    import brotli

    from mapapp.http import assets
    assets.warm(app)

    def not_again(*_args, **_kwargs):
        raise AssertionError("compressed again")
    monkeypatch.setattr(brotli, "compress", not_again)
    monkeypatch.setattr(assets.gzip, "compress", not_again)
    client = app.test_client()
    for name in ("vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "css/app.css", "js/lofteskartan.js"):
        for encoding in ("br", "gzip"):
            answer = client.get(f"/static/{name}", headers={"Accept-Encoding": encoding})
            assert answer.status_code == 200 and answer.headers["Content-Encoding"] == encoding, (name, encoding)


def test_a_page_goes_at_brotli_11_made_once_and_a_large_answer_at_the_fast_level(client, monkeypatch):
    import brotli

    from mapapp.http import conditional
    plain = client.get("/", headers={"Accept-Encoding": "identity"}).get_data()
    page = client.get("/", headers={"Accept-Encoding": "br"})
    assert page.get_data() == brotli.compress(plain, quality=11) and brotli.decompress(page.get_data()) == plain

    def not_again(*_args, **_kwargs):
        raise AssertionError("compressed again")
    monkeypatch.setattr(conditional.brotli, "compress", not_again)
    assert client.get("/", headers={"Accept-Encoding": "br"}).get_data() == page.get_data()
    monkeypatch.undo()
    monkeypatch.setattr(conditional, "STRONG_BR_MAX_BYTES", 1000)
    data = client.get("/api/areas.geojson", headers={"Accept-Encoding": "identity"}).get_data()
    big = client.get("/api/areas.geojson", headers={"Accept-Encoding": "br"})
    assert len(data) > 1000 and big.get_data() == brotli.compress(data, quality=5)


def test_a_reload_answered_304_compresses_nothing(app, client, monkeypatch):
    from mapapp.http import conditional
    etag = client.get("/", headers={"Accept-Encoding": "identity"}).headers["ETag"]
    app.extensions["mapapp_compress"].cache.clear()  # as on a worker that has not sent this page yet

    def not_now(*_args, **_kwargs):
        raise AssertionError("compressed for a 304")
    monkeypatch.setattr(conditional.brotli, "compress", not_now)
    again = client.get("/", headers={"Accept-Encoding": "br", "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""


def test_pages_go_as_brotli_to_a_browser_that_offers_zstd_too(client):
    page = client.get("/", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert page.headers["Content-Encoding"] == "br"


def test_the_map_data_url_carries_the_page_query_as_it_came_whatever_its_names(client):
    import re
    for query in ("fmt=x", "slug=x", "_external=1&_scheme=javascript", "_anchor=x", "year=2019&layers=areas,camera"):
        page = client.get(f"/area/hageby?{query}")
        assert page.status_code in (200, 400), query
        if page.status_code == 200:
            src = re.search(r'data-src="([^"]+)"', page.get_data(as_text=True)).group(1).replace("&amp;", "&")
            assert src == f"/area/hageby.map.json?{query}", src
    index = client.get("/?year=2019&layers=areas,camera").get_data(as_text=True)
    assert 'data-src="/index.map.json?year=2019&amp;layers=areas,camera"' in index
