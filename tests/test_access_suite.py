"""Access suite: every write route (read from the url_map) refused to anyone not allowed, with nothing
written; drafts, their evidence and the exact place of sensitive camera sites never reachable by the
public, whatever id or slug is guessed, through every public GET route.

Callers tried on every write route: anonymous without and with a CSRF token, a planner without a CSRF
token, an account of a role that is neither planner nor admin, and a planner on admin-only routes.
"Nothing written" compares the row count and a digest of every table, and the files of the evidence and
upload folders, before and after each attempt. Each write route is then sent the same request by an
admin with a token, which must succeed, so the refusals are about who asked, not what was sent.
"""
import io
import json
import math
import re
import sqlite3
import tempfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from mapapp.store.db import session_factory
from mapapp.store.models import Commitment, FollowUp, Promise, User
from dialogue_support import Phone
from planner_support import PASSWORD, csrf_token, login
from security_support import WRITE_METHODS, admin_only, build, changed, flat, folders_of, post_forms, rules, \
    snapshot, urls

pytest_plugins = ["planner_fixtures", "suite_report"]

SEED = Path(__file__).parent / "data" / "seeds" / "004_551f9de1e0a2196d.txt"  # Norrmalm 2018
PUBLISHED, PUBLISHED_C = "norrkoping-2023-2024", "uppsokande-ungdomar"
MARK = "hemlig7f3a"
MARKERS = {f"UTKAST-TITEL-{MARK}", f"UTKAST-PROBLEM-{MARK}", f"UTKAST-ÅTAGANDE-{MARK}", f"UTKAST-UPPF-{MARK}",
           f"UTKAST-UNDERLAG-{MARK}", f"KÄNSLIG-PLATS-{MARK}"}
LON, LAT = 18.0712347, 59.3301239  # inside Norrmalm
REPORT = {"text": "Fältgruppen har arbetat uppsökande mot ungdomar för att fånga upp individer i behov av stöd.",
          "source_url": "https://example.org/uppfoljning", "title": "Uppföljning 2024", "report_date": "2024-05-31"}
SECRET_PNG = b"\x89PNG\r\n\x1a\n" + b"UTKAST-BILD-" + MARK.encode() + b"\x00" * 32
PUBLIC_PNG = b"\x89PNG\r\n\x1a\n" + b"publicerad" + b"\x00" * 32


@pytest.fixture
def world(planner_app, planner, admin, tmp_path):
    """The seeded app plus a draft (with a follow-up and its evidence), a sensitive camera site and a
    presentation, all made through the planner's own forms where there is one."""
    app = planner_app
    app.config.update(LOGIN_RATE_LIMIT="1000 per minute", BOUNDARY_UPLOAD_DIR=str(tmp_path / "uploads"))
    with session_factory(app)() as s:
        before = set(s.scalars(select(Promise.slug)))
    response = planner.post("/planner/import", data={
        "csrf_token": csrf_token(planner, "/planner/import"), "document": (io.BytesIO(SEED.read_bytes()), "norrmalm.txt"),
        "source_url": "https://example.org/norrmalm"}, content_type="multipart/form-data")
    assert response.status_code == 200
    with session_factory(app)() as s, s.begin():
        draft = s.scalar(select(Promise).where(Promise.slug.not_in(before)))
        assert draft is not None and draft.published is False
        draft.title, draft.problem_picture = f"UTKAST-TITEL-{MARK}", f"UTKAST-PROBLEM-{MARK}"
        first = draft.commitments[0]
        first.text = first.title = f"UTKAST-ÅTAGANDE-{MARK}"
        names = {"draft": draft.slug, "draft_c": first.slug, "start": draft.period_start.isoformat()}
    follow_up = f"/planner/commitment/{names['draft']}/{names['draft_c']}/follow-up"
    response = planner.post(follow_up, data={
        "csrf_token": csrf_token(planner, follow_up), "date": names["start"], "status": "pagar",
        "note": f"UTKAST-UPPF-{MARK}", "evidence_title": f"UTKAST-UNDERLAG-{MARK}", "seen_latest": "0", "confirm": "y",
        "evidence_file": (io.BytesIO(SECRET_PNG), "bild.png")}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    public_fu = f"/planner/commitment/{PUBLISHED}/{PUBLISHED_C}/follow-up"
    response = planner.post(public_fu, data={
        "csrf_token": csrf_token(planner, public_fu), "date": "2024-05-31", "status": "pagar", "note": "publicerad",
        "evidence_title": "publicerat underlag", "seen_latest": "0", "confirm": "y",
        "evidence_file": (io.BytesIO(PUBLIC_PNG), "bild.png")}, content_type="multipart/form-data")
    assert response.status_code == 302
    with session_factory(app)() as s:
        ids = dict(s.execute(select(FollowUp.note, FollowUp.id).where(FollowUp.evidence_file.is_not(None))).all())
        names["draft_fu"], names["public_fu"] = ids[f"UTKAST-UPPF-{MARK}"], ids["publicerad"]
        names["drafts"] = list(s.scalars(select(Promise.slug).where(Promise.published.is_(False))))
        names["draft_cs"] = list(s.scalars(select(Commitment.slug).join(Promise).where(Promise.published.is_(False))))
    # The sensitive point's digits, as text, that no public answer holds before the site exists.
    coordinates = {f"{v:.{d}f}" for v in (LON, LAT) for d in (7, 6, 5)}
    anonymous = app.test_client()
    for path in ("/", "/api/areas.geojson", "/area/norrmalm.json", "/api/camera-sites.geojson",
                 "/api/export/lofteskartan.gpkg"):
        data = anonymous.get(path).data
        text = _gpkg_text(data) if data.startswith(b"SQLite format 3") else data.decode("utf-8", "replace")
        coordinates = {c for c in coordinates if c not in text}  # digits that occur anyway would prove nothing
    assert {f"{LON:.7f}", f"{LAT:.7f}", f"{LON:.6f}", f"{LAT:.6f}"} <= coordinates
    names["coordinates"] = coordinates
    response = planner.post("/planner/camera-sites/new", data={
        "csrf_token": csrf_token(planner, "/planner/camera-sites/new"), "slug": "hemlig-kamera", "version": "0",
        "name": "Kamerabevakning vid en känslig plats", "municipality_code": "0180", "status": "active",
        "precision": "site", "lon": repr(LON), "lat": repr(LAT), "sensitive": "y",
        "description": "Beslut om kamerabevakning.", "location_note": f"KÄNSLIG-PLATS-{MARK}",
        "source_url": "https://example.org/beslut", "source_title": "Beslut"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    new = f"/planner/presentations/new?promise={PUBLISHED}"
    form = next(f for f in post_forms(planner.get(new).get_data(as_text=True)) if "name" in f["fields"])
    response = planner.post(new, data={**flat(form["fields"]), "name": "Dialog i Hageby", "slug": "dialog-hageby"})
    assert response.status_code == 302
    names.update(sensitive="hemlig-kamera", presentation="dialog-hageby")
    # A medborgardialog of that presentation, with a phone's question held for moderation.
    new_dialogue = f"/planner/dialogues/new?presentation={names['presentation']}"
    response = planner.post("/planner/dialogues/new", data={
        "csrf_token": csrf_token(planner, new_dialogue), "presentation": names["presentation"],
        "held_on": "2026-11-23", "place": "Hageby bibliotek"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    names["dialogue"] = response.location.rstrip("/").rsplit("/", 1)[1]
    phone = Phone(app, names["dialogue"])
    area = phone.state()["areas"][0]["slug"]
    assert phone.choose(area).status_code == 302
    assert phone.answer(area, question="Vad gör ni åt belysningen?").status_code == 302
    names["dialogue_area"] = area
    names["question"] = planner.get(f"/planner/dialogues/{names['dialogue']}.json").get_json()["questions"][0]["id"]
    report = f"/planner/promise/{PUBLISHED}/report"
    response = planner.post(report, data={"csrf_token": csrf_token(planner, report), **REPORT})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    names["report"] = int(response.location.rsplit("/", 1)[1])
    names["proposal"] = planner.get(f"/planner/reports/{names['report']}.json").get_json()["proposals"][0]["id"]
    return app, names


# --- writes ------------------------------------------------------------------------------------

def _valid_request(admin, rule, names) -> tuple[str, dict] | None:
    """A URL and body for the rule that an admin's request would get through; None if none is known."""
    endpoint = rule.endpoint
    if endpoint == "planner.follow_up":
        url = build(rule, {"promise_slug": PUBLISHED, "slug": PUBLISHED_C})
        return url, {"date": "2024-06-01", "status": "pagar", "note": "åtkomsttest", "evidence_title": "källa",
                     "seen_latest": "0", "confirm": "y", "evidence_file": (io.BytesIO(PUBLIC_PNG), "bild.png")}
    if endpoint == "planner.new_camera_site":
        return rule.rule, {"slug": "atkomsttest", "version": "0", "name": "Åtkomsttest", "municipality_code": "0581",
                           "status": "active", "precision": "area", "areas": "hageby", "description": "test",
                           "source_url": "https://example.org/test", "source_title": "test"}
    if endpoint == "presenter.new_presentation":
        url = f"{rule.rule}?promise={PUBLISHED}"
        form = next(f for f in post_forms(admin.get(url).get_data(as_text=True)) if "name" in f["fields"])
        return url, {**flat(form["fields"]), "name": "Åtkomsttest", "slug": "atkomsttest"}
    if endpoint == "review.import_page":
        return rule.rule, {"document": (io.BytesIO(SEED.read_bytes()), "norrmalm.txt"),
                           "source_url": "https://example.org/norrmalm"}
    if endpoint == "boundaries.import_areas":
        feature = {"type": "Feature", "properties": {"slug": "atkomsttest", "name": "Åtkomsttest"},
                   "geometry": {"type": "Polygon", "coordinates": [[[15.9, 58.4], [15.91, 58.4], [15.91, 58.41],
                                                                    [15.9, 58.41], [15.9, 58.4]]]}}
        data = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
        return rule.rule, {"file": (io.BytesIO(data), "a.geojson"), "municipality": "0581", "licence": "CC0 1.0"}
    if endpoint == "boundaries.confirm_import":
        url, body = _valid_request(admin, _rule_of(admin, "boundaries.import_areas"), names)
        page = admin.post(url, data={**body, "csrf_token": csrf_token(admin, url)},
                          content_type="multipart/form-data").get_data(as_text=True)
        token = re.search(r'name="token" type="hidden" value="([0-9a-f]{32})"', page)
        return rule.rule, {"token": token.group(1) if token else ""}
    if endpoint == "review.report_upload":
        return build(rule, {"slug": PUBLISHED}), dict(REPORT)
    if endpoint == "review.decide":
        return build(rule, {"report_id": names["report"], "proposal_id": names["proposal"]}), {"action": "reject"}
    if endpoint == "planner_writes.lineage" or rule.rule.endswith("/lineage"):
        return build(rule, {"promise_slug": PUBLISHED, "slug": PUBLISHED_C}), {"relation": "new", "note": "åtkomsttest"}
    if endpoint == "dialogues.new_session":
        return rule.rule, {"presentation": names["presentation"], "held_on": "2026-11-24", "place": "Åtkomsttest"}
    if endpoint == "dialogue.phone":
        return build(rule, {"code": names["dialogue"]}), {"area": names["dialogue_area"], "themes": "annat"}
    if endpoint.startswith("dialogues.") and "code" in rule.arguments:
        url = build(rule, {"code": names["dialogue"], "question_id": names["question"]})
        return url, {"dialogues.visibility": {"visible": "1"}, "dialogues.decide": {"decision": "approve"},
                     "dialogues.close": {}, "dialogues.attach": {"area": names["dialogue_area"]}}[endpoint]
    if endpoint in ("auth.login", "auth.logout"):
        return rule.rule, {"username": "planner", "password": "fel lösenord"} if endpoint == "auth.login" else {}
    values = {"slug": {"planner.camera_site": "norrkoping-beslut-2022-06-10", "planner.promise": PUBLISHED,
                       "presenter.edit_presentation": names["presentation"]}.get(endpoint, names["draft"])}
    url = build(rule, {k: values.get(k, names["draft"]) for k in rule.arguments})
    page = admin.get(url)
    if page.status_code != 200:  # a POST-only route: its form lives on the page of the same path without the suffix
        page = admin.get(url.rsplit("/", 1)[0])
    forms = [f for f in post_forms(page.get_data(as_text=True)) if f["action"].split("?")[0] == url]
    if not forms:
        return None
    body = flat(forms[0]["fields"])
    for key in ("title", "name", "note"):  # a change, so the admin's request writes something
        if isinstance(body.get(key), str):
            body[key] = body[key] + " (åtkomsttest)"
    return url, body


def _rule_of(client, endpoint):
    return next(r for r in client.application.url_map.iter_rules() if r.endpoint == endpoint)


def _send(client, url, body, token=None):
    data = {k: v for k, v in body.items()}
    for k, v in data.items():  # a file can be read once: each attempt gets its own copy
        if isinstance(v, tuple) and hasattr(v[0], "getvalue"):
            data[k] = (io.BytesIO(v[0].getvalue()), v[1])
    if token:
        data["csrf_token"] = token
    return client.post(url, data=data, content_type="multipart/form-data")


def test_every_write_route_refuses_the_wrong_caller_and_writes_nothing(world, planner, admin):
    from suite_report import report
    app, names = world
    folders = folders_of(app)
    with session_factory(app)() as s, s.begin():  # an account of a role that is neither planner nor admin
        s.add(User(username="medborgare", password_hash=generate_password_hash(PASSWORD), role="citizen"))
    other = app.test_client()
    assert login(other, "medborgare").status_code == 302
    writes = rules(app, WRITE_METHODS)
    assert writes, "no write routes found in the url_map"
    public = {"auth.login", "auth.logout"}  # open to anyone by design: CSRF and nothing written is what counts
    # E-mail alerts: anyone, without CSRF, by design (a signed link or a confirmation mail guards them); a
    # request without a valid token or address is refused with a 4xx and writes nothing.
    # A dialogue's answers: anyone in the room who has its code, by design; CSRF still holds.
    tokened = {"alerts.subscribe", "alerts.confirm", "alerts.unsubscribe", "dialogue.phone"}
    public |= tokened
    admin_routes = [r for r in writes if admin_only(app, r)]
    tried, wrong, unverified, kinds = 0, [], [], set()
    for rule in writes:
        request = _valid_request(admin, rule, names)
        if request is None:
            unverified.append(f"{rule.rule}: no form found to build a request from")
            request = (build(rule, {k: names["draft"] for k in rule.arguments}), {})
        url, body = request
        callers = [("anonymous, no CSRF token", app.test_client(), False, {400, 401, 403}),
                   ("planner, no CSRF token", planner, False, {400})]
        if rule.endpoint not in public:
            anonymous = app.test_client()
            callers += [("anonymous with a CSRF token", anonymous, csrf_token(anonymous, "/login"), {401, 403}),
                        ("account of another role", other, csrf_token(other, "/"), {403})]
            if rule in admin_routes:
                callers.append(("planner on an admin-only route", planner, csrf_token(planner, "/planner"), {403}))
        if rule.endpoint in tokened:
            callers = [(label, client, token, set(range(400, 500))) for label, client, token, _ in callers]
        for label, client, token, refused in callers:
            before = snapshot(app, folders)
            response = _send(client, url, body, token)
            after = snapshot(app, folders)
            tried += 1
            kinds.add(label)
            if response.status_code not in refused or changed(before, after):
                wrong.append(f"{rule.rule} [{label}]: {response.status_code}, changed {changed(before, after)}")
        if rule.endpoint in public:
            continue
        before = snapshot(app, folders)  # the control: the same request, from an admin with a token
        response = _send(admin, url, body, csrf_token(admin, "/planner"))
        if response.status_code >= 400 or not changed(before, snapshot(app, folders)):
            unverified.append(f"{rule.rule}: the admin's request answered {response.status_code} and wrote "
                              f"{'something' if changed(before, snapshot(app, folders)) else 'nothing'}")
    report(f"access suite: {len(writes)} routes × {len(kinds)} roles tried, {len(wrong)} wrongly allowed")
    report(f"access suite: {tried} refused-write attempts; admin-only write routes: "
           f"{', '.join(r.rule for r in admin_routes) or 'none exist (the audit log is admin-only but read-only)'}; "
           f"{len(writes) - len(public & {r.endpoint for r in writes}) - len(unverified)} routes confirmed writable "
           f"by an admin with the same request")
    for line in unverified:
        report(f"access suite: not confirmed: {line}")
    assert not wrong, "\n".join(wrong)


def test_planner_pages_refuse_anonymous_readers_and_the_audit_log_refuses_planners(world, planner):
    app, names = world
    anonymous = app.test_client()
    private = [r for r in rules(app, {"GET"})
               if r.rule.startswith(("/planner", "/admin")) and "GET" in r.methods]
    assert private
    leaks = []
    for rule in private:
        for url in urls(rule, {"slug": [names["draft"]], "promise_slug": [names["draft"]], "*": [names["draft"]]},
                        limit=4):
            response = anonymous.get(url)
            if response.status_code not in (302, 401, 403, 404) or (
                    response.status_code == 302 and "/login" not in response.location):
                leaks.append(f"{url}: {response.status_code}")
            if response.status_code == 200 or any(m in response.get_data(as_text=True) for m in MARKERS):
                leaks.append(f"{url}: content for an anonymous reader")
    for rule in private:
        if admin_only(app, rule):
            for url in urls(rule, {"*": [names["draft"]]}, limit=2):
                if planner.get(url).status_code != 403:
                    leaks.append(f"{url}: a planner reads an admin-only page")
    assert not leaks, "\n".join(leaks)


# --- reads -------------------------------------------------------------------------------------

def _near(value, tolerance=1e-5) -> bool:
    """Whether any coordinate pair in a JSON value lies within ~1 m of the sensitive point."""
    if isinstance(value, dict):
        if isinstance(value.get("lon"), (int, float)) and isinstance(value.get("lat"), (int, float)):
            return _near([value["lon"], value["lat"]], tolerance)
        return any(_near(v, tolerance) for v in value.values())
    if isinstance(value, list):
        if len(value) >= 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value[:2]):
            return math.hypot(value[0] - LON, value[1] - LAT) < tolerance
        return any(_near(v, tolerance) for v in value)
    return False


def _gpkg_text(data: bytes) -> str:
    """Every text and the point coordinates of every layer of a GeoPackage, as one text."""
    import pyogrio
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.gpkg"
        path.write_bytes(data)
        parts = []
        for name, _kind in pyogrio.list_layers(path):
            frame = pyogrio.read_dataframe(path, layer=name)
            parts.append(frame.to_json() if hasattr(frame, "to_json") else frame.to_csv())
        with sqlite3.connect(path) as db:  # tables that are not layers (attributes only)
            for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'"):
                parts.append(repr(db.execute(f'SELECT * FROM "{table}"').fetchall()))
        return "\n".join(parts)


def test_drafts_and_sensitive_places_never_reach_the_public(world):
    from suite_report import report
    app, names = world
    anonymous = app.test_client()
    public_rules = [r for r in rules(app, {"GET"}) if not r.rule.startswith(("/planner", "/admin"))]
    draft, draft_c = names["draft"], names["draft_c"]
    pools = {
        "slug": [*names["drafts"], PUBLISHED, "hageby", "norrmalm", names["sensitive"], names["presentation"],
                 *names["draft_cs"][:3], "camera-sites", "commitments", "follow-ups", "promises", "new"],
        "promise_slug": [*names["drafts"], PUBLISHED],
        "commitment": [*names["draft_cs"][:3], PUBLISHED_C],
        "follow_up_id": [names["draft_fu"], names["public_fu"], names["draft_fu"] + 1, 1],
        "collection_id": ["areas", "camera-sites", "commitments", "follow-ups", "promises", "drafts"],
        "feature_id": [names["sensitive"], f"{draft}/{draft_c}", draft, f"{PUBLISHED}/{PUBLISHED_C}"],
        "_rest": [f"collections/commitments/items/{draft}/{draft_c}", "drafts", f"collections/drafts/items/{draft}"],
        "lon": [repr(LON)], "lat": [repr(LAT)],
        "name": ["areas", "camera-sites", "commitments", "follow-ups", "promises", "drafts"],
        "*": [draft, names["sensitive"]],
    }
    box = f"{LON - 0.0002},{LAT - 0.0002},{LON + 0.0002},{LAT + 0.0002}"
    queries = ["", f"?q=UTKAST&p={names['presentation']}&published={draft}",
               "?drafts=1&include_drafts=1&all=1&preview=1&status=draft",
               f"?bbox={box}&limit=1000", f"?lon={LON}&lat={LAT}", f"?p={draft}"]
    coordinates = names["coordinates"]
    leaks, requests, ok = [], 0, 0
    for rule in public_rules:
        for n, url in enumerate(urls(rule, pools, limit=60)):
            for query in queries if (n == 0 or not rule.arguments) else queries[:3]:
                response = anonymous.get(url + query)
                requests += 1
                ok += response.status_code == 200
                data = response.data
                body = _gpkg_text(data) if data.startswith(b"SQLite format 3") else data.decode("utf-8", "replace")
                asked = unquote(url + query)  # what the request itself said may be said back (a point look-up)
                found = [m for m in MARKERS | coordinates if m in body and m not in asked]
                if MARK.encode() in data or found:
                    leaks.append(f"{url + query}: {response.status_code}, shows {found or 'the draft evidence'}")
                if response.mimetype and response.mimetype.endswith("json") and repr(LON) not in asked:
                    try:
                        if _near(json.loads(data)):
                            leaks.append(f"{url + query}: a coordinate within 1 m of the sensitive site")
                    except ValueError:
                        pass
    evidence = anonymous.get(f"/evidence/{names['draft_fu']}")
    assert evidence.status_code == 404 and SECRET_PNG not in evidence.data
    assert anonymous.get(f"/evidence/{names['public_fu']}").data == PUBLIC_PNG  # the route works for published ones
    report(f"access suite: {requests} public GET requests over {len(public_rules)} routes with guessed draft, "
           f"commitment, evidence, OGC and sensitive-site ids ({ok} answered 200): {len(leaks)} leaks")
    assert not leaks, "\n".join(leaks[:30])
