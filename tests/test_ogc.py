"""OGC API – Features (Part 1 Core, GeoJSON) at /ogc: links, conformance, collections, items, bbox, paging, errors."""
import dataclasses
import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from mapapp.render import opendata

CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
GEOJSON = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"
OAS30 = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
AREAS = {"hageby", "navestad", "klockaretorpet", "centrala-norrkoping", "marielund", "skaggetorp", "norrmalm"}
LINKOPING_BBOX = "15.5,58.4,15.7,58.45"


def _path(href: str) -> str:
    parts = urlsplit(href)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def query(href: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}


def links(data) -> dict:
    return {link["rel"]: link for link in data["links"]}


def test_landing_page_links_to_the_api_definition_conformance_and_data(client):
    r = client.get("/ogc/")
    assert r.status_code == 200 and r.mimetype == "application/json"
    data = r.get_json()
    assert data["title"]
    rels = links(data)
    assert {"self", "service-desc", "conformance", "data"} <= set(rels)
    for rel, link in rels.items():
        target = client.get(_path(link["href"]))
        assert target.status_code == 200, rel
        assert target.headers["Content-Type"] == link["type"], rel
    assert rels["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert client.get("/ogc").status_code in (301, 308)  # the landing page is /ogc/


def test_conformance_declares_core_geojson_and_the_openapi_it_serves(client):
    r = client.get("/ogc/conformance")
    assert r.mimetype == "application/json"
    assert set(r.get_json()["conformsTo"]) == {CORE, GEOJSON, OAS30}
    api = client.get("/ogc/api").get_json()
    assert api["openapi"].startswith("3.0")
    assert {"/", "/conformance", "/collections", "/collections/{collectionId}", "/collections/{collectionId}/items",
            "/collections/{collectionId}/items/{featureId}"} <= set(api["paths"])
    params = {p["name"]: p for p in api["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]}
    assert params["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 1000, "default": 10}
    assert {"bbox", "offset", "datetime"} <= set(params)


def test_collections_describe_extent_crs_and_item_links(client):
    r = client.get("/ogc/collections")
    assert r.mimetype == "application/json"
    data = r.get_json()
    assert links(data)["self"]["type"] == "application/json"
    by_id = {c["id"]: c for c in data["collections"]}
    assert set(by_id) == {"areas", "camera-sites", "commitments"}
    for cid, collection in by_id.items():
        assert collection["title"] and collection["itemType"] == "feature"
        assert collection["crs"] == [CRS84]
        (minx, miny, maxx, maxy), = collection["extent"]["spatial"]["bbox"]
        assert 11 < minx < maxx < 24 and 55 < miny < maxy < 69  # Sweden, lon/lat order
        assert collection["extent"]["spatial"]["crs"] == CRS84
        rels = links(collection)
        assert rels["items"]["type"] == "application/geo+json"
        assert _path(rels["items"]["href"]) == f"/ogc/collections/{cid}/items"
        single = client.get(f"/ogc/collections/{cid}")
        assert single.mimetype == "application/json" and single.get_json() == collection
    interval, = by_id["commitments"]["extent"]["temporal"]["interval"]
    assert interval == ["2018-01-01T00:00:00Z", "2024-12-31T23:59:59Z"]


def test_items_are_geojson_with_counts_and_a_timestamp(client):
    r = client.get("/ogc/collections/areas/items")
    assert r.status_code == 200 and r.mimetype == "application/geo+json"
    data = r.get_json()
    assert data["type"] == "FeatureCollection"
    assert data["numberMatched"] == 7 and data["numberReturned"] == 7 == len(data["features"])
    assert {f["id"] for f in data["features"]} == AREAS
    assert dt.datetime.fromisoformat(data["timeStamp"]).tzinfo is not None
    rels = links(data)
    assert rels["self"]["type"] == "application/geo+json" and "next" not in rels and "prev" not in rels


def test_items_agree_with_the_json_api(client):
    """The same store functions build both, so the API's area properties appear unchanged in the items."""
    api = {f["id"]: f for f in client.get("/api/areas.geojson").get_json()["features"]}
    items = client.get("/ogc/collections/areas/items").get_json()["features"]
    for feature in items:
        assert feature["geometry"] == api[feature["id"]]["geometry"]
        assert {k: v for k, v in feature["properties"].items() if k != "provenance"} == api[feature["id"]]["properties"]
    cameras = client.get("/api/camera-sites.geojson").get_json()
    sites = client.get("/ogc/collections/camera-sites/items?limit=100").get_json()
    # Sites with neither a point nor an area are listed with a null geometry.
    assert sites["numberMatched"] == len(cameras["features"]) + len(cameras["unmapped_sites"])
    unmapped = {f["id"] for f in sites["features"] if f["geometry"] is None}
    assert unmapped == {s["slug"] for s in cameras["unmapped_sites"]}


def test_paging_follows_next_links_to_the_end_and_back(client):
    seen, url, pages = [], "/ogc/collections/commitments/items?limit=5", 0
    while url:
        data = client.get(url).get_json()
        pages += 1
        assert data["numberMatched"] == 42 and data["numberReturned"] == len(data["features"]) <= 5
        seen += [f["id"] for f in data["features"]]
        rels = links(data)
        assert ("prev" in rels) == (pages > 1)
        url = _path(rels["next"]["href"]) if "next" in rels else None
    assert pages == 9 and len(seen) == len(set(seen)) == 42
    last = client.get("/ogc/collections/commitments/items?limit=5&offset=40").get_json()
    assert last["numberReturned"] == 2 and "next" not in links(last)
    back = client.get(_path(links(last)["prev"]["href"])).get_json()
    assert [f["id"] for f in back["features"]] == seen[35:40]
    beyond = client.get("/ogc/collections/commitments/items?offset=100").get_json()
    assert beyond["numberReturned"] == 0 and beyond["numberMatched"] == 42


def test_bbox_around_linkoping_selects_skaggetorp_not_norrmalm(client):
    data = client.get(f"/ogc/collections/areas/items?bbox={LINKOPING_BBOX}").get_json()
    ids = {f["id"] for f in data["features"]}
    assert "skaggetorp" in ids and "norrmalm" not in ids
    assert data["numberMatched"] == len(ids) == data["numberReturned"]
    assert query(links(data)["self"]["href"]) == {"bbox": LINKOPING_BBOX}
    commitments = client.get(f"/ogc/collections/commitments/items?bbox={LINKOPING_BBOX}&limit=100").get_json()
    assert {f["properties"]["municipality"]["code"] for f in commitments["features"]} == {"0580"}
    heights = client.get("/ogc/collections/areas/items?bbox=15.5,58.4,0,15.7,58.45,100").get_json()
    assert {f["id"] for f in heights["features"]} == ids
    paged = client.get("/ogc/collections/areas/items?bbox=11,55,24,69&limit=2").get_json()
    assert paged["numberMatched"] == 7
    assert query(links(paged)["next"]["href"]) == {"bbox": "11,55,24,69", "limit": "2", "offset": "2"}


def test_bbox_across_the_antimeridian_is_read_as_the_standard_says(client):
    """minLon > maxLon spans the antimeridian: here the whole world except a strip around Skäggetorp."""
    ids = {f["id"] for f in client.get("/ogc/collections/areas/items?bbox=15.7,58.4,15.5,58.45").get_json()["features"]}
    assert "skaggetorp" not in ids
    assert not client.get("/ogc/collections/areas/items?bbox=170,-10,-170,10").get_json()["features"]


def test_datetime_selects_by_promise_period(client):
    data = client.get("/ogc/collections/commitments/items?datetime=2018-06-01&limit=100").get_json()
    assert {f["properties"]["promise"] for f in data["features"]} == {
        "norrkoping-2018-2019", "skaggetorp-2018-2019", "linkoping-city-2018-2019", "norrmalm-2018"}
    later = client.get("/ogc/collections/commitments/items?datetime=2023-03-01T12:00:00Z/..&limit=100").get_json()
    assert {f["properties"]["promise"] for f in later["features"]} == {"norrkoping-2023-2024", "linkoping-2023-2024"}


def test_one_item_with_its_links(client):
    r = client.get("/ogc/collections/areas/items/skaggetorp")
    assert r.status_code == 200 and r.mimetype == "application/geo+json"
    feature = r.get_json()
    assert feature["type"] == "Feature" and feature["id"] == "skaggetorp"
    assert feature["properties"]["name"] == "Skäggetorp"
    rels = links(feature)
    assert _path(rels["self"]["href"]) == "/ogc/collections/areas/items/skaggetorp"
    assert _path(rels["collection"]["href"]) == "/ogc/collections/areas"
    # A commitment's id is its API key; a client may send the slash percent-encoded.
    for url in ("/ogc/collections/commitments/items/norrmalm-2018/trafikinsatser",
                "/ogc/collections/commitments/items/norrmalm-2018%2Ftrafikinsatser"):
        commitment = client.get(url).get_json()
        assert commitment["id"] == "norrmalm-2018/trafikinsatser"
        assert commitment["properties"]["geometry_basis"] == "areas"


@pytest.mark.parametrize("query", [
    "limit=0", "limit=1001", "limit=ten", "limit=²", "limit=-1", "limit=2.5", "limit=", "offset=-1", "offset=x",
    "bbox=15.5,58.4,15.7", "bbox=a,b,c,d", "bbox=15.5,58.45,15.7,58.4", "bbox=15.5,58.4,15.7,91",
    "bbox=200,58.4,201,58.45", "bbox=nan,58.4,15.7,58.45", "datetime=yesterday", "datetime=../..",
    "datetime=2024-01-01/2023-01-01", "datetime=0001-01-01T00:00:00%2B05:00",
    "bbox-crs=http://www.opengis.net/def/crs/EPSG/0/3006", "f=html", "colour=red",
])
def test_bad_query_values_get_a_400_in_json(client, query):
    r = client.get(f"/ogc/collections/areas/items?{query}")
    assert r.status_code == 400 and r.mimetype == "application/json", query
    body = r.get_json()
    assert body["code"] == "Bad Request" and body["description"] and body["error"]["status"] == 400


@pytest.mark.parametrize("url", [
    "/ogc/collections/nowhere", "/ogc/collections/nowhere/items", "/ogc/collections/areas/items/nowhere",
    "/ogc/collections/commitments/items/norrmalm-2018/x", "/ogc/collections/follow-ups/items", "/ogc/no/such/path"])
def test_unknown_collections_and_items_get_a_404_in_json(client, url):
    r = client.get(url)
    assert r.status_code == 404 and r.mimetype == "application/json", url
    assert r.get_json()["code"] == "Not Found" and r.get_json()["error"]["status"] == 404


def test_an_unexpected_failure_is_a_json_500(client, monkeypatch):
    def broken(*_args):
        raise RuntimeError("boom")
    monkeypatch.setitem(opendata.LAYERS, "areas", dataclasses.replace(opendata.LAYERS["areas"], build=broken))
    r = client.get("/ogc/collections/areas/items")
    assert r.status_code == 500 and r.mimetype == "application/json" and r.get_json()["code"]
