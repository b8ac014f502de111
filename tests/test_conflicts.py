"""No lost updates: a save based on an old version is refused with 409, and both values stay in the history."""
import re

from planner_support import add_user, counts, csrf_token, login

pytest_plugins = ["planner_fixtures"]  # its fixtures: planner_app, planner, admin

SITE = "/planner/camera-sites/sergels-torg-2018"
PROMISE = "/planner/promise/norrmalm-2018"
FOLLOW_UP = "/planner/commitment/norrmalm-2018/trafikinsatser/follow-up"


def site_form(client) -> dict:
    """The camera site's edit form as loaded now: stored values, version and CSRF token."""
    site = client.get(SITE + ".json").get_json()
    data = {k: ("" if v is None else v) for k, v in site.items() if k not in ("slug", "areas", "sensitive")}
    data.update({"csrf_token": csrf_token(client, SITE), "lon": repr(site["lon"]), "lat": repr(site["lat"])})
    if site["sensitive"]:
        data["sensitive"] = "y"
    return data


def promise_form(client) -> dict:
    meta = client.get(PROMISE + ".json").get_json()
    return {"csrf_token": csrf_token(client, PROMISE), "title": meta["title"], "parties": "\n".join(meta["parties"]),
            "signed": meta["signed"] or "", "problem_picture": meta["problem_picture"] or "",
            "follow_up_text": meta["follow_up_text"], "version": meta["version"]}


def second_planner(app):
    add_user(app, "planner2")
    client = app.test_client()
    assert login(client, "planner2").status_code == 302
    return client


def audit_values(admin_client, entity_type, field):
    entries = admin_client.get(f"/admin/audit.json?type={entity_type}").get_json()["entries"]
    return [(e["username"], e["before"][field], e["after"][field]) for e in reversed(entries)]


def test_camera_site_concurrent_edit(planner, planner_app, admin):
    other = second_planner(planner_app)
    mine, theirs = site_form(planner), site_form(other)  # both load version 1
    assert other.post(SITE, data={**theirs, "status": "ended"}).status_code == 302

    before = counts(planner_app)
    refused = planner.post(SITE, data={**mine, "status": "planned"})
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    assert "har ändrats av någon annan" in html and "Senast ändrat av planner2" in html
    assert re.search(r"<th scope=\"row\">Status</th><td>ended</td>", html)  # the newer value is shown
    assert 'name="version" type="hidden" value="2"' in html  # a resubmit is a deliberate overwrite
    assert counts(planner_app) == before  # nothing written
    assert planner.get(SITE + ".json").get_json()["status"] == "ended"

    assert planner.post(SITE, data={**mine, "status": "planned", "version": "2"}).status_code == 302
    assert planner.get(SITE + ".json").get_json()["version"] == 3
    assert audit_values(admin, "camera_site", "status") == [("planner2", mine["status"], "ended"),
                                                            ("planner", "ended", "planned")]


def test_promise_concurrent_edit(planner, planner_app, admin):
    other = second_planner(planner_app)
    mine, theirs = promise_form(planner), promise_form(other)
    assert other.post(PROMISE, data={**theirs, "title": "Titel enligt planner2"}).status_code == 302
    before = counts(planner_app)
    refused = planner.post(PROMISE, data={**mine, "title": "Titel enligt planner"})
    assert refused.status_code == 409 and "Titel enligt planner2" in refused.get_data(as_text=True)
    assert counts(planner_app) == before
    assert planner.post(PROMISE, data={**mine, "title": "Titel enligt planner", "version": "2"}).status_code == 302
    original = mine["title"]
    assert audit_values(admin, "promise", "title") == [("planner2", original, "Titel enligt planner2"),
                                                       ("planner", "Titel enligt planner2",
                                                        "Titel enligt planner")]
    public = planner_app.test_client().get("/promise/norrmalm-2018.json").get_json()
    assert public["title"] == "Titel enligt planner"


def test_stale_version_refused_even_without_the_form(planner, planner_app):
    """The version check is in the UPDATE itself: a stale version never writes."""
    data = site_form(planner)
    before = counts(planner_app)
    assert planner.post(SITE, data={**data, "name": "X", "version": "0"}).status_code == 409
    assert counts(planner_app) == before


def follow_up_form(client, **fields) -> dict:
    html = client.get(FOLLOW_UP).get_data(as_text=True)
    seen = re.search(r'name="seen_latest" type="hidden" value="(\d+)"', html).group(1)
    return {"csrf_token": csrf_token(client, FOLLOW_UP), "seen_latest": seen, "date": "2018-11-30",
            "status": "genomford", "note": "Trafikinsatser genomförda.", "evidence_title": "Polisens rapport", **fields}


def test_follow_up_appended_meanwhile(planner, planner_app):
    other = second_planner(planner_app)
    mine = follow_up_form(planner, status="delvis_genomford", note="Bara hälften av insatserna.")
    theirs = follow_up_form(other)
    assert other.post(FOLLOW_UP, data=theirs).status_code == 302

    before = counts(planner_app)
    refused = planner.post(FOLLOW_UP, data=mine)
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    assert "En nyare uppföljning har sparats" in html and "Trafikinsatser genomförda." in html
    assert "Registrerad av planner2" in html and 'name="confirm"' in html
    assert counts(planner_app) == before

    assert planner.post(FOLLOW_UP, data=mine).status_code == 409  # still not confirmed
    assert planner.post(FOLLOW_UP, data={**mine, "confirm": "y"}).status_code == 302
    history = planner_app.test_client().get("/api/promises/norrmalm-2018/commitments/trafikinsatser").get_json()
    assert [(f["recorded_by"], f["status"]) for f in history["follow_ups"]] == [
        ("planner2", "genomford"), ("planner", "delvis_genomford")]


def test_a_save_racing_another_is_refused_by_the_update_itself(planner_app, monkeypatch):
    """Another save lands between the version check and the UPDATE: the UPDATE matches nothing, 409."""
    from mapapp.store.db import session_factory
    from mapapp.core.errors import MapappError
    from mapapp.store.models import CameraSite
    from mapapp.store import camera_sites

    real_areas_for = camera_sites._areas_for

    def racing(session, fields, chosen):
        with session_factory(planner_app)() as other, other.begin():
            other.query(CameraSite).filter_by(slug="sergels-torg-2018").update({"name": "Racer", "version": 2})
        return real_areas_for(session, fields, chosen)
    monkeypatch.setattr(camera_sites, "_areas_for", racing)

    before = counts(planner_app)
    with planner_app.app_context(), session_factory(planner_app)() as session:
        fields = {k: v for k, v in camera_sites.get_camera_site(session, "sergels-torg-2018").items()
                  if k in camera_sites.EDITABLE}
        try:
            camera_sites.update_camera_site(session, "sergels-torg-2018", {**fields, "name": "Mine"}, [], 1, "planner")
        except MapappError as err:
            assert err.status == 409
        else:
            raise AssertionError("the racing save was not refused")
        stored = camera_sites.get_camera_site(session, "sergels-torg-2018")
    assert (stored["name"], stored["version"]) == ("Racer", 2)
    after = counts(planner_app)
    assert after["audit"] == before["audit"] and after["data_version"] == before["data_version"]
