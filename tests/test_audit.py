"""Every write lands in the audit log in its own transaction; camera sites and promises are edited safely."""
import io

import pytest

from planner_support import counts, csrf_token

pytest_plugins = ["planner_fixtures"]  # its fixtures: planner_app, planner, admin, fresh_accounts
pytestmark = pytest.mark.usefixtures("fresh_accounts")

SITE = "sergels-torg-2018"


def site_form(client, slug=SITE, **changes) -> dict:
    site = client.get(f"/planner/camera-sites/{slug}.json").get_json()
    data = {k: ("" if v is None else v) for k, v in site.items() if k not in ("slug", "areas", "sensitive")}
    data.update({"csrf_token": csrf_token(client, f"/planner/camera-sites/{slug}"),
                 "lon": "" if site["lon"] is None else repr(site["lon"]),
                 "lat": "" if site["lat"] is None else repr(site["lat"])})
    if site["sensitive"]:
        data["sensitive"] = "y"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def latest_audit(admin_client) -> dict:
    return admin_client.get("/admin/audit.json").get_json()["entries"][0]


def test_every_write_has_an_audit_entry(planner, admin, planner_app):
    total = admin.get("/admin/audit.json").get_json()["total"]  # the two accounts made by the fixture
    assert total == 2

    follow_up = "/planner/commitment/norrkoping-2023-2024/sspf/follow-up"
    data = {"csrf_token": csrf_token(planner, follow_up), "seen_latest": "0", "date": "2024-06-30",
            "status": "pagar", "note": "SSPF-team arbetar.", "evidence_file": (io.BytesIO(b"%PDF-1.7\n"), "a.pdf")}
    assert planner.post(follow_up, data=data, content_type="multipart/form-data").status_code == 302
    entry = latest_audit(admin)
    assert (entry["username"], entry["action"], entry["entity_type"]) == ("planner", "append", "follow_up")
    assert entry["entity_key"].startswith("norrkoping-2023-2024/sspf#") and entry["before"] is None
    assert entry["after"]["status"] == "pagar" and entry["after"]["evidence"]["file"].endswith(".pdf")
    first_id = entry["after"]["id"]

    correction = {**data, "evidence_file": None, "supersedes": str(first_id), "seen_latest": str(first_id),
                  "evidence_title": "SSPF-rapport", "status": "delvis_genomford"}
    correction = {k: v for k, v in correction.items() if v is not None}
    assert planner.post(follow_up, data=correction).status_code == 302
    entry = latest_audit(admin)
    assert entry["action"] == "correct" and entry["before"]["id"] == first_id
    assert entry["after"]["supersedes"] == first_id

    assert planner.post(f"/planner/camera-sites/{SITE}", data=site_form(planner, status="ended")).status_code == 302
    entry = latest_audit(admin)
    assert (entry["action"], entry["entity_type"], entry["entity_key"]) == ("update", "camera_site", SITE)
    assert (entry["before"]["status"], entry["after"]["status"]) == ("temporary", "ended")
    assert (entry["before"]["version"], entry["after"]["version"]) == (1, 2)

    new = {"csrf_token": csrf_token(planner, "/planner/camera-sites/new"), "slug": "ny-kamera", "name": "Ny kamera",
           "municipality_code": "0580", "precision": "area", "areas": ["skaggetorp"], "status": "planned",
           "description": "Planerad.", "source_url": "https://polisen.se/x", "source_title": "Polisen"}
    assert planner.post("/planner/camera-sites/new", data=new).status_code == 302
    entry = latest_audit(admin)
    assert (entry["action"], entry["entity_key"], entry["after"]["areas"]) == ("create", "ny-kamera", ["skaggetorp"])

    meta = planner.get("/planner/promise/norrmalm-2018.json").get_json()
    form = {"csrf_token": csrf_token(planner, "/planner/promise/norrmalm-2018"), "title": meta["title"],
            "parties": "Polisen\nStockholms stad", "signed": "2018-03-01", "problem_picture": "Ny problembild.",
            "follow_up_text": meta["follow_up_text"], "version": meta["version"]}
    assert planner.post("/planner/promise/norrmalm-2018", data=form).status_code == 302
    entry = latest_audit(admin)
    assert (entry["entity_type"], entry["after"]["parties"], entry["after"]["signed"]) == (
        "promise", ["Polisen", "Stockholms stad"], "2018-03-01")
    assert admin.get("/admin/audit.json").get_json()["total"] == total + 5


def test_an_unchanged_save_writes_nothing(planner, planner_app):
    before = counts(planner_app)
    assert planner.post(f"/planner/camera-sites/{SITE}", data=site_form(planner)).status_code == 302
    assert counts(planner_app) == before


def test_create_user_is_audited_without_the_password(app, runner):
    runner.invoke(args=["create-user", "eva", "--role", "admin", "--password-stdin"], input="ett långt lösenord\n")
    from mapapp.store.db import session_factory
    from mapapp.store.audit import entries_for
    with app.app_context(), session_factory(app)() as s:
        [entry] = entries_for(s, "user", "eva")
    assert entry["after"] == {"username": "eva", "role": "admin"} and entry["username"] == "cli"


def test_audit_page_is_for_admins_and_escapes(planner, admin):
    evil = "<img src=x onerror=alert(1)>"
    assert planner.post(f"/planner/camera-sites/{SITE}", data=site_form(planner, name=evil)).status_code == 302
    assert planner.get("/admin/audit").status_code == 403
    html = admin.get("/admin/audit").get_data(as_text=True)
    assert evil not in html and ("&lt;img" in html or "\\u003cimg" in html)
    assert admin.get("/admin/audit?type=nonsense").status_code == 400
    assert admin.get("/admin/audit?page=0").status_code == 400
    assert admin.get("/admin/audit.json?type=camera_site").get_json()["total"] == 1


# --- camera sites -----------------------------------------------------------------------------

def public_site(client, slug=SITE):
    data = client.get("/api/camera-sites.geojson").get_json()
    return next(f for f in data["features"] if f["id"] == slug)


def test_move_a_site(planner, planner_app):
    moved = site_form(planner, lon="18.0700", lat="59.3340")
    assert planner.post(f"/planner/camera-sites/{SITE}", data=moved).status_code == 302
    assert public_site(planner_app.test_client())["geometry"]["coordinates"] == [18.07, 59.334]


@pytest.mark.parametrize("lon, lat, message", [
    ("181", "59.3", "lon must be between -180 and 180"),
    ("18.07", "", "både longitud och latitud"),
    ("abc", "59.3", "must be numbers"),
    ("", "", "behöver longitud och latitud"),
])
def test_a_bad_position_is_refused(planner, planner_app, lon, lat, message):
    before = counts(planner_app)
    response = planner.post(f"/planner/camera-sites/{SITE}", data=site_form(planner, lon=lon, lat=lat))
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert counts(planner_app) == before


def test_a_sensitive_site_is_generalised_to_its_area_in_public(planner, planner_app):
    assert planner.post(f"/planner/camera-sites/{SITE}", data=site_form(planner, sensitive="y")).status_code == 302
    public = planner_app.test_client()
    feature = public_site(public)
    assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert feature["properties"]["point"] is None and feature["properties"]["precision"] == "area"
    assert "59.3325" not in public.get("/api/camera-sites.geojson").get_data(as_text=True)
    assert "Platsen är generaliserad till området." in public.get("/area/norrmalm").get_data(as_text=True)
    # The planner still sees the exact point.
    assert planner.get(f"/planner/camera-sites/{SITE}.json").get_json()["lat"] == 59.3325


def test_a_status_change_shows_on_the_area_page(planner, planner_app):
    assert planner.post(f"/planner/camera-sites/{SITE}", data=site_form(planner, status="ended")).status_code == 302
    sites = planner_app.test_client().get("/area/norrmalm.json").get_json()["camera_sites"]
    assert next(s for s in sites if s["slug"] == SITE)["status"] == "ended"


def test_a_new_site_with_a_point_gets_the_areas_that_contain_it(planner):
    new = {"csrf_token": csrf_token(planner, "/planner/camera-sites/new"), "slug": "hageby-centrum",
           "name": "Hageby centrum", "municipality_code": "0581", "precision": "approximate", "status": "planned",
           "description": "Test.", "source_url": "https://polisen.se/x", "source_title": "Polisen"}
    features = planner.get("/api/areas.geojson").get_json()["features"]
    lon, lat = next(f for f in features if f["id"] == "hageby")["properties"]["label_point"]
    new.update(lon=str(lon), lat=str(lat))
    assert planner.post("/planner/camera-sites/new", data=new).status_code == 302
    stored = planner.get("/planner/camera-sites/hageby-centrum.json").get_json()
    assert stored["areas"] == ["hageby"]
    assert "hageby-centrum" in {f["id"] for f in planner.get("/api/camera-sites.geojson").get_json()["features"]}
    again = planner.post("/planner/camera-sites/new", data=new)
    assert again.status_code == 400 and "finns redan" in again.get_data(as_text=True)


def test_promise_metadata_edit_is_checked(planner, planner_app):
    meta = planner.get("/planner/promise/norrmalm-2018.json").get_json()
    form = {"csrf_token": csrf_token(planner, "/planner/promise/norrmalm-2018"), "title": "",
            "parties": "", "signed": "2030-01-01", "follow_up_text": "x", "version": meta["version"]}
    before = counts(planner_app)
    response = planner.post("/planner/promise/norrmalm-2018", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Fyll i fältet" in html and "i framtiden" in html
    assert counts(planner_app) == before


def test_the_write_and_its_audit_entry_are_one_transaction(planner, planner_app, monkeypatch):
    from mapapp.store import audit

    def broken(*args, **kwargs):
        raise RuntimeError("audit log unavailable")
    monkeypatch.setattr(audit, "record", broken)
    before = counts(planner_app)
    path = "/planner/commitment/norrmalm-2018/trafikinsatser/follow-up"
    data = {"csrf_token": csrf_token(planner, path), "seen_latest": "0", "date": "2018-11-30", "status": "pagar",
            "note": "x", "evidence_title": "y"}
    assert planner.post(path, data=data).status_code == 500
    assert planner.post(f"/planner/camera-sites/{SITE}", data=site_form(planner, status="ended")).status_code == 500
    assert counts(planner_app) == before
