"""The national background layer (SCB RegSO 2025): bbox API, simplification per zoom, caps, caching
headers, compression, point look-ups, the load command, and a map page that never inlines it.

Most tests load three municipalities (199 areas) to stay fast; the full 3,363 are the benchmark's.
"""
import gzip
import json
import random

import geopandas as gpd
import pytest
import shapely

from mapapp.cli.national import load as load_national
from mapapp.geo import national
from mapapp.render.background import get_layer

SUBSET = ("0581", "0580", "0180")  # Norrköping, Linköping, Stockholm
NORRKOPING = "16.1,58.55,16.25,58.65"
GAMLA_STADEN = (16.1893, 58.5905)  # inside RegSO 0581R006 Gamla Staden-Centrum
PAYLOAD = "<script>alert(1)</script>\"'`${alert(2)}{{7*7}}<img src=x onerror=alert(3)>"


@pytest.fixture
def loaded(app):
    load_national(app, kommun=SUBSET)
    return app


def _get(client, query, **headers):
    return client.get("/api/background.geojson?" + query, headers=headers)


def _vertices(feature) -> int:
    return int(shapely.get_num_coordinates(shapely.geometry.shape(feature["geometry"])))


@pytest.mark.parametrize("query, fragment", [
    ("zoom=10", "bbox is required"),
    ("bbox=16,58,17&zoom=10", "four numbers"),
    ("bbox=16,58,17,59,1&zoom=10", "four numbers"),
    ("bbox=a,58,17,59&zoom=10", "four numbers"),
    ("bbox=nan,58,17,59&zoom=10", "finite"),
    ("bbox=16,58,inf,59&zoom=10", "finite"),
    ("bbox=-181,58,17,59&zoom=10", "longitudes"),
    ("bbox=16,-91,17,59&zoom=10", "latitudes"),
    ("bbox=17,58,16,59&zoom=10", "minimum"),
    ("bbox=16,59,17,58&zoom=10", "minimum"),
    ("bbox=16,58,17,59", "zoom is required"),
    ("bbox=16,58,17,59&zoom=-1", "zoom must be"),
    ("bbox=16,58,17,59&zoom=23", "zoom must be"),
    ("bbox=16,58,17,59&zoom=1.5", "zoom must be"),
    ("bbox=16,58,17,59&zoom=%D9%A3", "zoom must be"),  # an Arabic-Indic digit is not a zoom
    ("bbox=16,58,17,59&zoom=10&limit=0", "limit must be"),
    ("bbox=16,58,17,59&zoom=10&limit=99999", "limit must be"),
    ("bbox=16,58,17,59&zoom=10&format=kml", "unknown parameter"),
])
def test_bad_parameters_get_a_400_json_error(client, query, fragment):
    r = _get(client, query)
    assert r.status_code == 400 and r.mimetype == "application/json"
    assert fragment in r.get_json()["error"]["message"]


def test_features_in_a_bbox_are_geojson_with_names(loaded, client):
    r = _get(client, f"bbox={NORRKOPING}&zoom=12")
    assert r.status_code == 200 and r.mimetype == "application/geo+json"
    data = r.get_json(force=True)
    assert data["type"] == "FeatureCollection" and data["loaded"] is True
    assert "Källa: SCB" in data["attribution"]
    by_id = {f["id"]: f for f in data["features"]}
    assert by_id["0581R006"]["properties"] == {"code": "0581R006", "name": "Gamla Staden-Centrum", "kommunkod": "0581"}
    assert data["numberReturned"] == len(data["features"]) == data["numberMatched"] and not data["truncated"]
    box = shapely.box(*map(float, NORRKOPING.split(",")))
    for feature in data["features"]:
        geometry = shapely.geometry.shape(feature["geometry"])
        assert geometry.geom_type in ("Polygon", "MultiPolygon")
        assert shapely.box(*geometry.bounds).intersects(box)
        assert feature["id"].startswith("0581")  # nothing from Linköping or Stockholm
    assert "0180R047" not in by_id


def test_answers_are_capped_largest_first_and_say_so(loaded, client, monkeypatch):
    everything = _get(client, "bbox=10,55,25,70&zoom=12").get_json(force=True)
    assert everything["numberMatched"] == 199 and everything["numberReturned"] == 199
    few = _get(client, "bbox=10,55,25,70&zoom=12&limit=5").get_json(force=True)
    assert few["numberMatched"] == 199 and few["numberReturned"] == 5 and few["truncated"] is True
    assert [f["id"] for f in few["features"]] == [f["id"] for f in everything["features"]][:5]
    # The band's cap holds whatever the client asks for.
    capped = tuple(national.Band(b.name, b.min_zoom, b.max_zoom, b.tolerance_m, b.decimals, b.column, 20)
                   for b in national.BANDS)
    monkeypatch.setattr(national, "BANDS", capped)
    data = _get(client, "bbox=10,55,25,70&zoom=3").get_json(force=True)
    assert data["numberReturned"] == 20 and data["truncated"] and data["band"]["max_features"] == 20
    assert _get(client, "bbox=10,55,25,70&zoom=3&limit=21").status_code == 400


def test_simplification_reduces_vertices_at_low_zoom(loaded, client):
    counts, sizes = {}, {}
    for zoom in (5, 7, 9, 12):
        r = _get(client, f"bbox=15.5,58.3,16.8,58.8&zoom={zoom}")
        data = r.get_json(force=True)
        counts[zoom] = {f["id"]: _vertices(f) for f in data["features"]}
        sizes[zoom] = len(r.get_data())
    assert set(counts[5]) == set(counts[12])  # the same areas at every zoom, only simpler
    totals = [sum(counts[z].values()) for z in (5, 7, 9, 12)]
    assert totals == sorted(totals) and totals[0] * 4 < totals[-1]
    assert sizes[5] < sizes[7] < sizes[9] < sizes[12]
    assert all(counts[5][k] <= counts[12][k] for k in counts[12])
    assert national.band_for(5).name == "national" and national.band_for(12).name == "detail"


def test_etag_and_conditional_get(loaded, client, app):
    query = f"bbox={NORRKOPING}&zoom=10"
    first = _get(client, query)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag
    assert "public" in first.headers["Cache-Control"] and "max-age=300" in first.headers["Cache-Control"]
    again = _get(client, query, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert _get(client, f"bbox={NORRKOPING}&zoom=12", **{"If-None-Match": etag}).status_code == 200
    load_national(app, kommun=("0581",))  # a reload is a new batch: old validators no longer match
    reloaded = _get(client, query, **{"If-None-Match": etag})
    assert reloaded.status_code == 200 and reloaded.headers["ETag"] != etag


def test_gzip_when_the_client_accepts_it(loaded, client):
    plain = _get(client, f"bbox={NORRKOPING}&zoom=12")
    packed = _get(client, f"bbox={NORRKOPING}&zoom=12", **{"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.get_data()) * 2 < len(plain.get_data())
    assert json.loads(gzip.decompress(packed.get_data())) == plain.get_json(force=True)
    # The compressed answer has its own validator, and a conditional GET on it is a 304.
    assert packed.headers["ETag"] != plain.headers["ETag"]
    again = _get(client, f"bbox={NORRKOPING}&zoom=12", **{"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304


def test_not_loaded_is_an_empty_layer_with_a_hint(client):
    data = _get(client, f"bbox={NORRKOPING}&zoom=12").get_json(force=True)
    assert data["loaded"] is False and data["features"] == [] and "load-national" in data["message"]
    assert client.get("/api/background/point/16.19,58.59").get_json()["areas"] == []


def test_point_look_up(loaded, client):
    data = client.get("/api/background/point/{},{}".format(*GAMLA_STADEN)).get_json()
    assert data["loaded"] and [a["code"] for a in data["areas"]] == ["0581R006"]
    assert client.get("/api/background/point/11.0,57.0").get_json()["areas"] == []  # Kattegatt
    assert client.get("/api/background/point/200,58").status_code == 400
    assert client.get("/api/background/point/x,58").status_code == 400


def test_grid_look_up_answers_as_the_strtree(loaded):
    layer = get_layer(loaded)
    tree, grid = layer.index(), layer.point_index()
    rng = random.Random(7)
    points = [(rng.uniform(15.3, 18.9), rng.uniform(58.2, 59.6)) for _ in range(1500)]
    points += [g.representative_point().coords[0] for g in tree.geoms]  # inside each area
    points += [g.exterior.coords[0] for g in tree.geoms if g.geom_type == "Polygon"]  # on a boundary
    for lon, lat in points:
        assert grid.containing(lon, lat) == tree.containing(lon, lat), (lon, lat)


def test_load_national_command(app, runner, tmp_path):
    result = runner.invoke(args=["load-national", "--kommun", "0581"])
    assert result.exit_code == 0 and "loaded 40 background areas" in result.output
    result = runner.invoke(args=["load-national", "--if-empty"])
    assert result.exit_code == 0 and "already loaded" in result.output
    broken = tmp_path / "broken.gpkg"
    broken.write_bytes(b"not a geopackage")
    result = runner.invoke(args=["load-national", "--file", str(broken)])
    assert result.exit_code != 0 and "broken.gpkg" in result.output
    assert get_layer(app).loaded and len(get_layer(app).codes) == 40  # untouched


def test_map_page_does_not_inline_the_national_polygons(loaded, client):
    page = client.get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert len(page.get_data()) < 200_000  # the 199 loaded areas alone are ~1 MB as GeoJSON
    assert "0180R030" not in html and "Gärdet" not in html  # a loaded RegSO area that is no promise area
    assert "/static/js/background.js" in html and "/api/background.geojson" in html
    assert "/static/js/background.js" not in client.get("/area/hageby").get_data(as_text=True)


def test_pages_and_api_are_compressed_and_conditional(client):
    page = client.get("/area/hageby", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip" and "no-cache" in page.headers["Cache-Control"]
    assert b"Hageby" in gzip.decompress(page.get_data())
    again = client.get("/area/hageby", headers={"Accept-Encoding": "gzip", "If-None-Match": page.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    api = client.get("/api/promises")
    assert api.headers["ETag"] and client.get("/api/promises", headers={"If-None-Match": api.headers["ETag"]}).status_code == 304
    assert client.get("/api/promises/nope").status_code == 404  # errors carry no validators
    assert "ETag" not in client.get("/api/promises/nope").headers


def _hostile_gpkg(path):
    """Two made-up areas on Vikbolandet (no promise area there), one named with script-like text."""
    frame = gpd.GeoDataFrame(
        {"regsokod": ["9999R001", "9999R002"], "regsonamn": [PAYLOAD, "Vanligt namn"], "kommunkod": ["9999", "9999"],
         "lanskod": ["99", "99"]},
        geometry=[shapely.box(16.50, 58.60, 16.53, 58.62), shapely.box(16.53, 58.60, 16.56, 58.62)], crs="EPSG:4326")
    frame.to_file(path, layer=national.LAYER, driver="GPKG")
    return path


def _wait_until(page, expression: str, timeout: float = 15):
    """Poll from Python: the page's CSP forbids the eval that Playwright's wait_for_function uses."""
    import time
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        time.sleep(0.05)


@pytest.mark.browser
def test_background_layer_draws_by_bbox_and_names_stay_text(app, tmp_path):
    from browser import chromium
    from conftest import LiveServer
    load_national(app, _hostile_gpkg(tmp_path / "hostile.gpkg"))
    with LiveServer(app) as server, chromium() as new_tab:
        tab = new_tab()
        asked = []
        tab.page.on("request", lambda r: asked.append(r.url) if "/api/background" in r.url else None)
        tab.page.goto(server.url + "/?kommun=0581&layers=areas,camera,regso")
        tab.page.wait_for_selector(".folium-map[data-background-state=loaded]")
        tab.page.evaluate("window.lofteskartanMap.setView([58.61, 16.53], 14, {animate: false}); null")
        _wait_until(tab.page, "document.querySelector('.folium-map').dataset.backgroundState === 'loaded'"
                              " && window.lofteskartanMap.getZoom() === 14")
        assert tab.page.get_attribute(".folium-map", "data-background-count") == "2"
        point = tab.page.evaluate("""() => {
            const p = window.lofteskartanMap.latLngToContainerPoint([58.605, 16.51]);
            const box = window.lofteskartanMap.getContainer().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y]; }""")
        tab.page.mouse.move(point[0] - 5, point[1] - 5)
        tab.page.mouse.move(*point)
        tooltip = tab.page.locator(".background-tooltip").first
        tooltip.wait_for()
        assert PAYLOAD in tooltip.inner_text()
        assert tab.page.locator(".background-tooltip img, .background-tooltip script").count() == 0
        assert tab.dialogs == [] and tab.external == [] and tab.page_errors == [] and tab.console_errors == []
        assert all(u.startswith(server.url + "/api/background.geojson?bbox=") for u in asked) and len(asked) >= 2
        # Switched off in the layer control: nothing drawn, nothing fetched.
        tab.page.get_by_label("Statistikområden (SCB RegSO)").uncheck()
        tab.page.wait_for_selector(".folium-map[data-background-state=off]")


def test_benchmark_reads_wrk_output():
    from benchmarks.load import parse_wrk
    text = """Running 30s test @ http://127.0.0.1:40123/
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    25.10ms   10.02ms 312.00ms   90.00%
    Req/Sec     1.01k   100.00     1.20k    70.00%
  Latency Distribution
     50%   23.50ms
     75%   28.00ms
     90%   33.00ms
     99%    1.20s
  60321 requests in 30.03s, 742.10MB read
  Socket errors: connect 0, read 3, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:   2008.70
Transfer/sec:     24.71MB
"""
    assert parse_wrk(text) == {"rps": 2008.70, "p50": 0.0235, "p99": 1.2, "errors": 9, "requests": 60321}
