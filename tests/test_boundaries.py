"""Importing area boundaries: GeoJSON, GeoPackage in EPSG:3006, zipped Shapefile; preview first, then one audited write."""
import io

import pytest

from planner_support import csrf_token
from shapely.geometry import shape

from boundary_files import (HAGEBY, LUNDBY, URL, confirm, frame, geojson, gpkg, message_of, shapefile_zip,
                            snapshot, upload)
from mapapp.store.db import session_factory
from mapapp.store import audit as audit_store

pytest_plugins = ["planner_fixtures"]


@pytest.fixture(autouse=True)
def _held_uploads(app, tmp_path):
    """Previews wait for confirmation in the test's own folder, not in the checkout's instance/."""
    app.config["BOUNDARY_UPLOAD_DIR"] = str(tmp_path / "held")


def same(geometry: dict, expected) -> bool:
    return shape(geometry).normalize().equals_exact(expected.normalize(), 1e-6)


def _area(client, slug):
    features = client.get("/api/areas.geojson").get_json()["features"]
    return next((f for f in features if f["id"] == slug), None)


def _import(planner, data, filename, **fields):
    review = upload(planner, data, filename, **fields)
    assert review.status_code == 200, message_of(review)
    done = confirm(planner, review)
    assert done.status_code == 302, message_of(done)
    return review


def test_geojson_preview_writes_nothing_then_import_adds_an_area(planner, planner_app, client, tmp_path):
    before = snapshot(planner_app)
    review = upload(planner, geojson(), "stadsdelar.geojson", municipality="0581", dataset="Testdata")
    html = review.get_data(as_text=True)
    assert review.status_code == 200 and "lundby" in html and "nytt område" in html
    assert snapshot(planner_app) == before, "the preview writes nothing"
    assert _area(client, "lundby") is None
    assert len(list((tmp_path / "held").iterdir())) == 2, "the checked file waits for confirmation"
    assert confirm(planner, review).status_code == 302
    assert not list((tmp_path / "held").iterdir()), "and is removed once imported"
    feature = _area(client, "lundby")
    assert feature["properties"]["name"] == "Lundby"
    assert feature["properties"]["municipality"] == {"code": "0581", "name": "Norrköping"}
    assert same(feature["geometry"], LUNDBY)
    after = snapshot(planner_app)
    assert after["counts"]["area"] == before["counts"]["area"] + 1 and after["version"] > before["version"]
    with planner_app.app_context(), session_factory(planner_app)() as s:
        entry = audit_store.latest_for(s, "area", "lundby")
    assert entry["username"] == "planner" and entry["action"] == "import" and entry["before"] is None
    provenance = entry["after"]["provenance"]
    assert provenance["uploaded_by"] == "planner" and provenance["licence"] == "CC0 1.0"
    assert provenance["file"] == "stadsdelar.geojson" and provenance["dataset"] == "Testdata"
    assert provenance["feature_field"] == "slug" and provenance["feature_ids"] == ["lundby"]
    page = client.get("/area/lundby").get_data(as_text=True)
    assert "Testdata" in page and "CC0 1.0" in page


def test_geopackage_in_sweref99_is_reprojected(planner, planner_app, client):
    data = gpkg(frame([{"namn": "Lundby", "kod": "lundby"}], [LUNDBY], to_crs="EPSG:3006"))
    review = _import(planner, data, "lundby.gpkg", slug_field="kod", municipality="0581")
    assert "Omräknad från EPSG:3006" in review.get_data(as_text=True)
    assert same(_area(client, "lundby")["geometry"], LUNDBY), "back in lon/lat, where it started"


def test_zipped_shapefile_with_prj_and_latin1_text(planner, planner_app, client):
    rows = [{"NAMN": "Skäggetorp väst", "SLUG": "skaggetorp-vast"}]
    data = shapefile_zip(frame(rows, [LUNDBY], to_crs="EPSG:3006"), keep=("shp", "shx", "dbf", "prj"),
                         encoding="latin1", folder="export/")
    review = _import(planner, data, "omraden.zip", municipality="0580")
    assert "ISO-8859-1" in review.get_data(as_text=True), "the review says how the text was decoded"
    feature = _area(client, "skaggetorp-vast")
    assert feature["properties"]["name"] == "Skäggetorp väst"
    assert same(feature["geometry"], LUNDBY)


def test_replacing_an_existing_area_keeps_its_facts_and_audits_the_old_geometry(planner, planner_app, client):
    old = _area(client, "hageby")
    before = snapshot(planner_app)
    review = _import(planner, geojson([({"name": "Hageby", "slug": "hageby"}, HAGEBY)]), "hageby.geojson")
    assert "ersätter gränsen för Hageby" in review.get_data(as_text=True)
    new = _area(client, "hageby")
    assert same(new["geometry"], HAGEBY)
    assert new["properties"]["promises"] == old["properties"]["promises"], "only the geometry changed"
    after = snapshot(planner_app)
    assert after["counts"]["area"] == before["counts"]["area"] and after["areas"]["hageby"] != before["areas"]["hageby"]
    with planner_app.app_context(), session_factory(planner_app)() as s:
        entry = audit_store.latest_for(s, "area", "hageby")
    assert entry["action"] == "replace-geometry"
    assert entry["before"]["geometry_sha256"] == before["areas"]["hageby"]
    assert entry["after"]["geometry_sha256"] == after["areas"]["hageby"]


def test_imported_text_is_stored_as_text_and_shown_escaped(planner, planner_app, client):
    name = '<script>alert("x")</script> {{ 7*7 }} <img src=x onerror=alert(1)>'
    _import(planner, geojson([({"name": name, "slug": "xss"}, LUNDBY)]), "x.geojson", municipality="0581",
            dataset="<b>data</b>", licence="<i>lic</i>")
    assert _area(client, "xss")["properties"]["name"] == name, "the API gives the text back as it was"
    for path in ("/area/xss", "/", "/?kommun=0581", "/search?q=script"):
        html = client.get(path).get_data(as_text=True)
        assert '<script>alert("x")' not in html and "<img src=x" not in html and "<b>data</b>" not in html, path
    page = client.get("/area/xss").get_data(as_text=True)
    assert "&lt;script&gt;" in page and "{{ 7*7 }}" in page, "escaped, and never evaluated as a template"


def test_cli_dry_run_writes_nothing_and_import_writes(planner_app, tmp_path):
    runner = planner_app.test_cli_runner()
    path = tmp_path / "lundby.gpkg"
    path.write_bytes(gpkg(frame([{"name": "Lundby"}], [LUNDBY], to_crs="EPSG:3006")))
    before = snapshot(planner_app)
    dry = runner.invoke(args=["import-areas", str(path), "--municipality", "0581", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "lundby" in dry.output and "dry run: nothing written" in dry.output and "EPSG:3006" in dry.output
    assert snapshot(planner_app) == before
    done = runner.invoke(args=["import-areas", str(path), "--municipality", "0581", "--licence", "CC0 1.0",
                               "--user", "anna"])
    assert done.exit_code == 0, done.output
    assert "1 new area" in done.output
    with planner_app.app_context(), session_factory(planner_app)() as s:
        entry = audit_store.latest_for(s, "area", "lundby")
    assert entry["username"] == "anna" and entry["after"]["provenance"]["licence"] == "CC0 1.0"


def test_a_preview_is_imported_once_and_only_by_its_planner(planner, planner_app, admin):
    review = upload(planner, geojson(), "a.geojson", municipality="0581")
    stolen = confirm(admin, review)
    assert stolen.status_code == 404
    assert confirm(planner, review).status_code == 302
    again = confirm(planner, review)
    assert again.status_code == 404 and "Ladda upp filen igen" in message_of(again)


def test_new_areas_need_a_municipality(planner, planner_app):
    before = snapshot(planner_app)
    response = upload(planner, geojson(), "a.geojson")
    assert response.status_code == 422 and "Välj kommun" in message_of(response)
    assert snapshot(planner_app) == before


def test_only_planners_may_import(client, planner_app):
    before = snapshot(planner_app)
    assert client.get(URL).status_code == 302
    # Without a form token the request is refused before anything else reads it …
    response = client.post(URL, data={"file": (io.BytesIO(geojson()), "a.geojson")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    # … and with a valid token (from the sign-in form) an anonymous caller is still not a planner.
    token = csrf_token(client)
    response = client.post(URL, data={"csrf_token": token, "file": (io.BytesIO(geojson()), "a.geojson")},
                           content_type="multipart/form-data")
    assert response.status_code == 401
    assert snapshot(planner_app) == before


def test_the_planner_menu_links_the_import(planner):
    html = planner.get("/planner").get_data(as_text=True)
    assert URL in html
