"""Open-data exports: GeoJSON, CSV, JSON and GeoPackage with the same rows as the API, published data only."""
import csv
import io
import json
import os
import tempfile

import geopandas as gpd
import pyogrio
import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from mapapp.store.models import CameraSite, Promise


def _published_promises(client) -> list[dict]:
    slugs = [p["slug"] for p in client.get("/api/promises").get_json()["promises"]]
    return [client.get(f"/api/promises/{slug}").get_json() for slug in slugs]


def api_keys(client, layer: str) -> list[str]:
    """The ids the JSON API gives for a layer, in any order."""
    if layer == "areas":
        return [f["id"] for f in client.get("/api/areas.geojson").get_json()["features"]]
    if layer == "camera-sites":
        data = client.get("/api/camera-sites.geojson").get_json()
        return [f["id"] for f in data["features"]] + [s["slug"] for s in data["unmapped_sites"]]
    if layer == "commitments":
        return [c["key"] for p in _published_promises(client) for c in p["commitments"]]
    if layer == "follow-ups":
        return [str(f["id"]) for p in _published_promises(client) for c in p["commitments"] for f in c["follow_ups"]]
    return [p["slug"] for p in client.get("/api/promises").get_json()["promises"]]


KEY_COLUMN = {"areas": "slug", "camera-sites": "slug", "commitments": "key", "follow-ups": "id", "promises": "slug"}


def csv_rows(client, url) -> list[dict]:
    return list(csv.DictReader(io.StringIO(client.get(url).get_data(as_text=True))))


def _save(tmp_path, response, name) -> str:
    path = tmp_path / name
    path.write_bytes(response.get_data())
    return str(path)


@pytest.mark.parametrize("layer", ["areas", "camera-sites", "commitments"])
def test_geojson_export_opens_in_geopandas_with_the_api_rows(client, tmp_path, layer):
    r = client.get(f"/api/export/{layer}.geojson")
    assert r.status_code == 200 and r.mimetype == "application/geo+json"
    frame = gpd.read_file(_save(tmp_path, r, f"{layer}.geojson"))
    keys = list(frame[KEY_COLUMN[layer]])
    assert len(frame) == len(api_keys(client, layer)) and sorted(keys) == sorted(api_keys(client, layer))
    assert frame.crs.to_epsg() == 4326


def test_geopackage_holds_every_layer_with_the_api_rows(client, tmp_path):
    r = client.get("/api/export/lofteskartan.gpkg")
    assert r.status_code == 200 and r.mimetype == "application/geopackage+sqlite3"
    assert r.headers["Content-Disposition"] == "attachment; filename=lofteskartan.gpkg"
    path = _save(tmp_path, r, "all.gpkg")
    layers = dict(pyogrio.list_layers(path))
    assert set(layers) == {"areas", "camera_sites", "commitments", "follow_ups", "promises"}
    assert layers["follow_ups"] is None and layers["promises"] is None  # attribute tables
    for layer in ("areas", "camera-sites", "commitments"):
        frame = gpd.read_file(path, layer=layer.replace("-", "_"))
        assert sorted(frame[KEY_COLUMN[layer]]) == sorted(api_keys(client, layer)), layer
        assert frame.crs.to_epsg() == 4326
    for layer in ("follow-ups", "promises"):
        frame = pyogrio.read_dataframe(path, layer=layer.replace("-", "_"))
        assert sorted(frame[KEY_COLUMN[layer]].astype(str)) == sorted(api_keys(client, layer)), layer


def test_geopackage_columns_are_typed_and_geometry_follows_the_areas(client, tmp_path):
    path = _save(tmp_path, client.get("/api/export/commitments.gpkg"), "c.gpkg")
    info = pyogrio.read_info(path)
    assert info["crs"] == "EPSG:4326" and info["geometry_type"] == "MultiPolygon"
    fields = dict(zip(info["fields"], info["dtypes"]))
    assert fields["whole_municipality"] == "bool" and fields["position"] == "int64"
    frame = gpd.read_file(path).set_index("key")
    areas = gpd.read_file(_save(tmp_path, client.get("/api/export/areas.gpkg"), "a.gpkg")).set_index("slug")
    # A whole-municipality commitment covers the map's areas in its municipality, and says so.
    whole = frame.loc["linkoping-2021-2022/trygghetsskapande-narvaro"]
    assert whole["geometry_basis"] == "municipality_areas" and json.loads(whole["geometry_areas"]) == ["skaggetorp"]
    assert whole.geometry.equals(areas.loc["skaggetorp"].geometry)
    targeted = frame.loc["norrkoping-2020-2022/polisiar-synlighet"]
    assert targeted["geometry_basis"] == "areas"
    assert targeted.geometry.equals(areas.loc[["centrala-norrkoping", "hageby"]].union_all())


def test_geopackage_is_written_to_a_temporary_file_that_is_removed(client, tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    r = client.get("/api/export/areas.gpkg")
    assert r.status_code == 200 and r.get_data().startswith(b"SQLite format 3\x00")
    assert int(r.headers["Content-Length"]) == len(r.get_data())
    r.close()
    assert os.listdir(scratch) == []


@pytest.mark.parametrize("layer", ["areas", "camera-sites", "commitments", "follow-ups", "promises"])
def test_csv_export_has_a_header_and_the_api_rows(client, layer):
    r = client.get(f"/api/export/{layer}.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.headers["Content-Type"].startswith("text/csv; charset=utf-8")
    assert r.headers["Content-Disposition"] == f"attachment; filename=lofteskartan-{layer}.csv"
    rows = list(csv.DictReader(io.StringIO(r.get_data().decode("utf-8"))))  # strict UTF-8, no BOM
    assert sorted(row[KEY_COLUMN[layer]] for row in rows) == sorted(api_keys(client, layer))


def test_csv_keeps_json_columns_as_json_text_and_splits_small_objects(client):
    areas = {row["slug"]: row for row in csv_rows(client, "/api/export/areas.csv")}
    skaggetorp = areas["skaggetorp"]
    assert skaggetorp["name"] == "Skäggetorp" and skaggetorp["municipality_code"] == "0580"
    assert json.loads(skaggetorp["provenance"])["attribution"]
    assert isinstance(json.loads(skaggetorp["status_counts"]), dict)
    assert skaggetorp["est_member"] in ("true", "false")
    promises = {row["slug"]: row for row in csv_rows(client, "/api/export/promises.csv")}
    norrmalm = promises["norrmalm-2018"]
    assert (norrmalm["period_start"], norrmalm["period_end"]) == ("2018-01-01", "2018-12-31")
    assert len(json.loads(norrmalm["commitment_keys"])) == 4


def test_json_exports_match_the_api(client):
    r = client.get("/api/export/promises.json")
    assert r.mimetype == "application/json"
    assert r.headers["Content-Disposition"] == "attachment; filename=lofteskartan-promises.json"
    exported = {p["slug"]: p for p in r.get_json()["promises"]}
    for p in _published_promises(client):
        assert exported[p["slug"]]["commitment_keys"] == [c["key"] for c in p["commitments"]]
        assert {k: v for k, v in exported[p["slug"]].items() if k != "commitment_keys"} == \
               {k: v for k, v in p.items() if k != "commitments"}
    follow_ups = client.get("/api/export/follow-ups.json").get_json()["follow_ups"]
    api = client.get("/api/promises/norrkoping-2023-2024/follow-ups").get_json()["follow_ups"]
    mine = [{k: v for k, v in f.items() if k not in ("promise", "commitment_title")}
            for f in follow_ups if f["promise"] == "norrkoping-2023-2024"]
    assert mine == api


def test_public_exports_leave_out_drafts_and_generalise_sensitive_sites(app, client, tmp_path):
    with Session(app.extensions["mapapp_engine"]) as session, session.begin():
        session.execute(update(Promise).where(Promise.slug == "norrmalm-2018").values(published=False))
        session.execute(update(CameraSite).where(CameraSite.slug == "sergels-torg-2018").values(sensitive=True))
    commitments = gpd.read_file(_save(tmp_path, client.get("/api/export/commitments.geojson"), "c.geojson"))
    assert not any(commitments["promise"] == "norrmalm-2018")
    promises = client.get("/api/export/promises.csv").get_data(as_text=True)
    assert "norrmalm-2018" not in promises
    path = _save(tmp_path, client.get("/api/export/lofteskartan.gpkg"), "all.gpkg")
    sites = gpd.read_file(path, layer="camera_sites").set_index("slug")
    sergel = sites.loc["sergels-torg-2018"]
    assert sergel["precision"] == "area" and sergel.geometry.geom_type != "Point"
    assert sites.loc[["sergels-torg-2018"], ["point_lon", "point_lat"]].isna().all(axis=None)
    feature = next(f for f in client.get("/api/export/camera-sites.geojson").get_json()["features"]
                   if f["id"] == "sergels-torg-2018")
    assert feature["properties"]["point"] is None and feature["geometry"]["type"] != "Point"
    row = next(r for r in csv_rows(client, "/api/export/camera-sites.csv") if r["slug"] == "sergels-torg-2018")
    assert (row["point_lon"], row["point_lat"], row["precision"]) == ("", "", "area")


@pytest.mark.parametrize("url", ["/api/export/nothing.csv", "/api/export/promises.geojson",
                                 "/api/export/areas.json", "/api/export/areas.xlsx"])
def test_unknown_exports_are_json_404s(client, url):
    r = client.get(url)
    assert r.status_code == 404 and r.get_json()["error"]["status"] == 404


def test_export_index_lists_every_download(client):
    data = client.get("/api/export/").get_json()
    for name, layer in data["layers"].items():
        for fmt, url in layer["files"].items():
            assert client.get(url).status_code == 200, url
    assert client.get(data["geopackage"]).status_code == 200
