"""XSS suite: a corpus of hostile texts through every text a user or an import can set, checked in
headless Chromium wherever the text is shown, and over HTTP in feeds and JSON twins.

Channels: the data files (areas and their names, lägesbild and EST facts, promises with their
commitments, dialogue groups, sources and reports, follow-ups, camera sites, places), the planner
forms (follow-ups with evidence titles and an upload, camera sites, promise metadata, presentation
names), and imported documents (the planner upload at /planner/import and the importer's own store,
one draft published through the review page). A payload "executes" if it opens a dialog, sets the
`window.__xss` canary, or leaves an event-handler attribute, an unvouched inline script, a
`javascript:`/`data:` link or another injected element in the DOM; the CSP must report nothing.
Where a text is shown, it must be shown literally (whitespace aside).
"""
import html
import io
import json
import re
import shutil
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from sqlalchemy import select

from browser import ARTIFACTS, chromium, when_bound
from conftest import GEODATA, LiveServer, make_app
from mapapp.store.db import session_factory
from mapapp.importer import draft_document
from mapapp.store.areas import known_areas
from mapapp.store.drafts import store_drafts
from mapapp.store.models import Promise
from planner_support import PASSWORD, add_user, csrf_token, login
from xss_corpus import PAYLOADS, URL_PAYLOADS

pytestmark = pytest.mark.browser
pytest_plugins = ["suite_report"]

P, N = PAYLOADS, len(PAYLOADS)
PROMISE = "xss-2023-2024"
REAL_PROMISE, REAL_COMMITMENT = "norrkoping-2023-2024", "uppsokande-ungdomar"
SEP = " ¶ "
ALL = SEP.join(P)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# Seen by every page before its own scripts: the canary records each assignment, and CSP reports are kept.
INIT = """
(() => {
  const hits = [];
  Object.defineProperty(window, "__xss", {configurable: false,
    get() { return hits.length ? hits[hits.length - 1] : undefined; },
    set(v) { hits.push(String(v)); }});
  window.__xssHits = hits;
  window.__csp = [];
  document.addEventListener("securitypolicyviolation",
    e => window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || "")));
})();
"""

# What the page shows (script and style text left out, hidden slides included), and what was injected.
STATE = """() => {
  const clone = document.documentElement.cloneNode(true);
  clone.querySelectorAll("script, style").forEach(e => e.remove());
  let handlers = 0;
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) { if (/^on/i.test(a.name)) { handlers += 1; } }
  }
  const injected = [...document.querySelectorAll(
      "iframe, object, embed, base, marquee, xss, math, template, video, audio, details:not([class]), isindex, " +
      "meta[http-equiv=refresh i], link[rel=import], img[src='x'], body style, svg a, input[autofocus], " +
      "a[href^='javascript:' i], a[href^='data:' i], a[href*='javascript:' i], [src^='javascript:' i], " +
      "form[action^='javascript:' i]")].map(e => e.outerHTML.slice(0, 120));
  const unvouched = [...document.scripts].filter(s => !s.src && !/json/i.test(s.type) && !s.hasAttribute("data-csp"))
      .map(s => s.textContent.slice(0, 120));
  return {text: clone.textContent + " " + document.title,
          values: [...document.querySelectorAll("input, textarea, select")].map(e => e.value),
          handlers, injected, unvouched, hits: [...(window.__xssHits || [])], csp: [...(window.__csp || [])]};
}"""

# Every tooltip and popup the map can show, opened from code; the panel filled for every area.
MAP_STATE = """() => {
  const map = window.lofteskartanMap, out = {tooltips: [], popups: [], panels: [], links: []};
  map.eachLayer(layer => {
    if (layer.getTooltip && layer.getTooltip()) {
      layer.openTooltip();
      const el = layer.getTooltip().getElement();
      if (el) { out.tooltips.push(el.textContent); }
    }
  });
  map.eachLayer(layer => {
    if (layer.getPopup && layer.getPopup() && layer.openPopup) {
      layer.openPopup();
      const el = layer.getPopup().getElement();
      if (el) {
        out.popups.push(el.textContent);
        el.querySelectorAll(".leaflet-popup-content a").forEach(a => out.links.push(a.getAttribute("href")));
      }
      layer.closePopup();
    }
  });
  const layers = (window.Lofteskartan || {}).layers || {};
  for (const slug of Object.keys(layers)) {
    layers[slug].fire("click");
    out.panels.push(document.getElementById("area-panel").textContent);
  }
  out.labels = [...document.querySelectorAll(".area-label, .present-label")].map(e => e.textContent);
  return out;
}"""


CLICK_POINT = """([lat, lon]) => {
  const map = window.lofteskartanMap;
  map.setView([lat, lon], 16, {animate: false});
  const p = map.latLngToContainerPoint([lat, lon]), box = map.getContainer().getBoundingClientRect();
  return [box.left + p.x, box.top + p.y];
}"""


MOVING = """() => { const map = window.lofteskartanMap;
  return !!(map._animatingZoom || map._flyToFrame || (map._panAnim && map._panAnim._inProgress)); }"""


def map_at_rest(page, timeout: float = 15):
    """Poll from Python (the page's CSP forbids the eval wait_for_function uses) until no zoom or pan runs."""
    import time
    deadline = time.monotonic() + timeout
    while page.evaluate(MOVING):
        assert time.monotonic() < deadline, "the map never came to rest"
        time.sleep(0.05)


def norm(text) -> str:
    return " ".join(str(text).split())


def _areas_yaml_entry(i: int) -> dict:
    url = URL_PAYLOADS[i % len(URL_PAYLOADS)]
    return {"lagesbild": [{"year": 2023, "status": "listed", "category": "utsatt", "note": P[(i + 1) % N],
                           "source": url}],
            "lagesbild_note": P[(i + 2) % N],
            "est": {"member": True, "groups": [P[(i + 3) % N]], "note": P[(i + 4) % N], "source": url}}


def _square(i: int) -> tuple[dict, list[float]]:
    """Area i of the hostile grid, south-west of Norrköping's areas (none of which it overlaps)."""
    lon, lat = 15.95 + (i % 10) * 0.009, 58.50 + (i // 10) * 0.005
    ring = [[lon, lat], [lon + 0.007, lat], [lon + 0.007, lat + 0.0035], [lon, lat + 0.0035], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}, [round(lon + 0.0035, 6), round(lat + 0.00175, 6)]


def hostile_geodata(target: Path) -> dict:
    """A copy of geodata/ with every text field a payload; returns the centre of each hostile area."""
    shutil.copytree(GEODATA, target, ignore=shutil.ignore_patterns("national"))
    areas = json.loads((target / "areas.geojson").read_text(encoding="utf-8"))
    extra = yaml.safe_load((target / "areas.yaml").read_text(encoding="utf-8")) or {}
    centres = {}
    for i in range(N):
        geometry, centres[i] = _square(i)
        areas["features"].append({"type": "Feature", "geometry": geometry, "properties": {
            "slug": f"xss-area-{i}", "name": P[i], "municipality_code": "0581", "municipality_name": "Norrköping",
            "provenance": {"dataset": P[(i + 10) % N], "licence": P[(i + 11) % N], "attribution": P[(i + 12) % N],
                           "caveat": P[(i + 13) % N], "approximation": False, "file": P[(i + 14) % N],
                           "feature_field": P[(i + 15) % N], "feature_ids": [P[(i + 16) % N]]}}})
        extra[f"xss-area-{i}"] = _areas_yaml_entry(i)
    (target / "areas.geojson").write_text(json.dumps(areas, ensure_ascii=False), encoding="utf-8")
    (target / "areas.yaml").write_text(yaml.safe_dump(extra, allow_unicode=True), encoding="utf-8")

    promise = {
        "slug": PROMISE, "title": P[37], "municipality": {"code": "0581", "name": "Norrköping"},
        "parties": [P[40], P[41]], "period": {"start": "2023-01-01", "end": "2024-12-31"}, "signed": "2023-01-15",
        "problem_picture": ALL, "dialogue": {"summary": ALL, "groups": list(P)},
        "follow_up_rule": {"cadence": "semiannual", "months": [5, 11], "text": P[38], "reporter": P[42],
                           "note": P[43]},
        "sources": [{"url": u, "title": P[k]} for k, u in enumerate(URL_PAYLOADS)]
                   + [{"seed": P[52], "url": "https://example.org/xss", "title": P[53]}],
        "related_reports": [{"date_label": P[k], "title": P[k + 1], "summary": P[k + 2], "url": URL_PAYLOADS[0]}
                            for k in range(0, N - 2, 3)],
        "commitments": [{"slug": f"c{i}", "title": P[i], "text": P[(i + 1) % N], "note": P[(i + 2) % N],
                         "text_note": P[(i + 3) % N], "responsible": "both", "themes": [P[(i + 4) % N]],
                         "target": {"count": 1, "unit": "st", "text": P[(i + 5) % N]}, "areas": [f"xss-area-{i}"]}
                        for i in range(N)],
    }
    (target / "promises" / f"{PROMISE}.yaml").write_text(yaml.safe_dump(promise, allow_unicode=True), encoding="utf-8")

    follow_ups = yaml.safe_load((target / "follow_ups.yaml").read_text(encoding="utf-8")) or []
    for i in range(N):
        label = P[(i + 6) % N]
        follow_ups.append({"commitment": f"{PROMISE}/c{i}", "date": "2023-05-31",
                           "date_label": label if len(label) <= 100 else None, "status": "pagar",
                           "note": P[(i + 7) % N], "basis": P[(i + 8) % N],
                           "evidence": {"kind": "parties", "url": URL_PAYLOADS[i % len(URL_PAYLOADS)],
                                        "title": P[(i + 9) % N]}})
    (target / "follow_ups.yaml").write_text(yaml.safe_dump(follow_ups, allow_unicode=True), encoding="utf-8")

    sites = yaml.safe_load((target / "camera_sites.yaml").read_text(encoding="utf-8")) or []
    for i in range(N):
        sites.append({"slug": f"xss-cam-{i}", "name": P[(i + 5) % N], "municipality": "0581", "precision": "site",
                      "point": {"lon": centres[i][0], "lat": centres[i][1]}, "areas": [f"xss-area-{i}"],
                      "status": "active", "decided": "2023-02-01", "status_as_of": "2023-02-01", "count": i,
                      "description": P[(i + 6) % N],
                      "location_note": P[(i + 7) % N], "sensitive": i % 10 == 0,
                      "source": {"url": URL_PAYLOADS[i % len(URL_PAYLOADS)], "title": P[(i + 8) % N]}})
    (target / "camera_sites.yaml").write_text(yaml.safe_dump(sites, allow_unicode=True), encoding="utf-8")

    places = yaml.safe_load((target / "places.yaml").read_text(encoding="utf-8")) or []
    for i in range(0, N, 6):
        places.append({"slug": f"xss-place-{i}", "name": P[i], "aliases": [P[(i + 1) % N]], "area": f"xss-area-{i}",
                       "note": P[(i + 2) % N], "source": {"url": URL_PAYLOADS[0], "title": P[(i + 3) % N]}})
    (target / "places.yaml").write_text(yaml.safe_dump(places, allow_unicode=True), encoding="utf-8")
    return centres


def import_text() -> str:
    """A promise document whose every line carries payloads (for /planner/import and the importer)."""
    bullets = "\n".join(f"  • arbeta förebyggande i Hageby {p}" for p in P[:20])
    return (f"Norrköping – medborgarlöften {P[0]}\n\nMedborgarlöfte 2023-2024 {P[1]}\n\n"
            f"Problembild och åtaganden\n\nKartläggningen visar otrygghet i Hageby {P[2]} {P[3]}.\n\n"
            f"Polismyndigheten lovar att i samverkan med Norrköpings kommun:\n\n{bullets}\n\n"
            f"Uppföljning\n\nUppföljning ska ske årligen i maj och november {P[4]}.\n")


def import_html() -> bytes:
    """The same document as HTML, each line a paragraph; the payloads are its text, not its markup."""
    lines = "".join(f"<p>{html.escape(line)}</p>\n" for line in import_text().split("\n") if line.strip())
    return f"<!doctype html><html><head><title>{html.escape(P[0])}</title></head><body>{lines}</body></html>".encode()


# The area import refuses names with control or direction-override characters; those go in the data files only.
PLAIN = [not any(unicodedata.category(c)[0] == "C" or unicodedata.category(c) in ("Zl", "Zp") for c in p) for p in P]


def boundary_geojson() -> bytes:
    """Boundaries for the planner's area import: one more grid of areas, named by the payloads."""
    features = []
    for i in range(N):
        lon, lat = 15.95 + (i % 10) * 0.009, 58.44 + (i // 10) * 0.005
        ring = [[lon, lat], [lon + 0.007, lat], [lon + 0.007, lat + 0.0035], [lon, lat + 0.0035], [lon, lat]]
        if not PLAIN[i]:
            continue
        features.append({"type": "Feature", "properties": {"slug": f"xss-b-{i}", "name": P[i]},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()


class Outcome:
    """Everything the suite saw: executions, violations, texts not shown literally, other failures."""

    def __init__(self):
        self.executed: set[str] = set()
        self.problems: list[str] = []
        self.pages = 0
        self.http = 0
        self.tried = 0

    def fail(self, where: str, what: str):
        self.problems.append(f"{where}: {what}")

    def literal(self, where: str, shown: str, expected):
        shown = norm(shown)
        missing = [e for e in expected if norm(e) and norm(e) not in shown]
        if missing:
            self.fail(where, f"{len(missing)} text(s) not shown literally, e.g. {missing[0]!r}")


def _post(client, path, data, token_page=None, **kw):
    data = {"csrf_token": csrf_token(client, token_page or path), **data}
    return client.post(path, data=data, **kw)


def _checked(html_text: str, name: str) -> list[str]:
    return [html.unescape(v) for v in re.findall(rf'name="{name}" value="([^"]+)" id="[^"]+" checked', html_text)]


def planner_writes(app, client, out: Outcome) -> dict:
    """Everything a planner can type, through the forms (with CSRF); returns what was made."""
    made = {"camera_sites": [], "presentations": [], "drafts": [], "published_draft": None}
    base = f"/planner/commitment/{REAL_PROMISE}/{REAL_COMMITMENT}/follow-up"
    for i in range(N):  # follow-ups: note, basis, evidence title and the date label
        label = P[(i + 3) % N]
        data = {"date": "2024-05-31", "status": "pagar", "note": P[i], "basis": P[(i + 1) % N],
                "evidence_title": P[(i + 2) % N], "date_label": label if len(label) <= 100 else "",
                "seen_latest": "0", "confirm": "y"}
        if i == 0:
            data["evidence_file"] = (io.BytesIO(PNG), f"{P[1][:40]}.png")
        token = csrf_token(client, base) if i == 0 else made["token"]
        made["token"] = token
        response = client.post(base, data={"csrf_token": token, **data}, content_type="multipart/form-data")
        out.tried += 4
        if response.status_code != 302:
            out.fail("planner follow-up form", f"payload {i + 1} refused with {response.status_code}")
    for url in URL_PAYLOADS:  # a link must be http(s): refused, nothing stored
        response = client.post(base, data={"csrf_token": made["token"], "date": "2024-05-31", "status": "pagar",
                                            "note": "länk", "evidence_url": url, "seen_latest": "0", "confirm": "y"})
        out.tried += 1
        if response.status_code != 400:
            out.fail("planner follow-up form", f"evidence link {url!r} accepted ({response.status_code})")

    for k, i in enumerate(range(0, N, 7)):  # camera sites: name, description, notes, date label, source title
        slug = f"form-cam-{k}"
        data = {"slug": slug, "name": P[i], "municipality_code": "0581", "status": "active",
                "precision": "area", "areas": "hageby", "description": P[(i + 1) % N],
                "location_note": P[(i + 2) % N], "date_label": P[(i + 3) % N], "source_title": P[(i + 4) % N],
                "source_url": "https://example.org/kamera", "version": "0"}
        if k == 1:
            data.update(precision="site", areas="", lon="16.2001", lat="58.5701", sensitive="y")
        response = _post(client, "/planner/camera-sites/new", data)
        out.tried += 5
        if response.status_code == 302:
            made["camera_sites"].append(slug)
        else:
            out.fail("planner camera form", f"site {slug} refused with {response.status_code}")
    response = _post(client, "/planner/camera-sites/new", {
        "slug": "form-cam-js", "name": "x", "municipality_code": "0581", "status": "active", "precision": "area",
        "areas": "hageby", "description": "x", "source_title": "x", "source_url": URL_PAYLOADS[0], "version": "0"})
    if response.status_code != 400:
        out.fail("planner camera form", f"a javascript: source link was accepted ({response.status_code})")

    page = client.get(f"/planner/promise/{REAL_PROMISE}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = _post(client, f"/planner/promise/{REAL_PROMISE}", {
        "title": P[38], "parties": f"{P[39]}\n{P[40]}", "signed": "", "problem_picture": ALL,
        "follow_up_text": P[36], "version": version})
    out.tried += 4 + N
    if response.status_code != 302:
        out.fail("planner promise form", f"refused with {response.status_code}")

    new = f"/planner/presentations/new?promise={PROMISE}"
    form = client.get(new).get_data(as_text=True)
    for k, i in enumerate(range(2, N, 12)):
        slug = f"xss-p-{k}"
        response = _post(client, new, {"name": P[i], "slug": slug, "version": "0",
                                       "areas": _checked(form, "areas")[:6],
                                       "commitments": _checked(form, "commitments")[:12]}, token_page=new)
        out.tried += 1
        if response.status_code == 302:
            made["presentations"].append((slug, P[i]))
        else:
            out.fail("presentation form", f"{slug} refused with {response.status_code}")

    # Imported documents: the planner upload (if the app has one) and the importer's own store.
    rules = {r.rule for r in app.url_map.iter_rules()}
    doc = import_html()
    if "/planner/import" in rules:
        response = _post(client, "/planner/import", {"document": (io.BytesIO(doc), "hostile.html"),
                                                      "source_url": "https://example.org/dokument"},
                         content_type="multipart/form-data")
        out.tried += 25
        if response.status_code != 200:
            out.fail("/planner/import", f"upload answered {response.status_code}")
    with session_factory(app)() as session, session.begin():
        result = draft_document(doc, "hostile.html", known_areas(session), app.config["GEODATA_DIR"])
        made["cli_drafts"] = store_drafts(session, result.drafts)
        out.tried += 25
    with session_factory(app)() as session:
        drafts = [p.slug for p in session.scalars(select(Promise).where(Promise.published.is_(False)))]
    published = next((d for d in drafts if d not in made["cli_drafts"]), None)
    made["drafts"] = [d for d in drafts if d != published]
    if published and "/planner/drafts/<slug:slug>/publish" in rules:
        page = client.get(f"/planner/drafts/{published}").get_data(as_text=True)
        version = re.search(r'name="version" value="(\d+)"', page).group(1)
        response = _post(client, f"/planner/drafts/{published}/publish", {"version": version},
                         token_page=f"/planner/drafts/{published}")
        if response.status_code == 302:
            made["published_draft"] = published
        else:
            out.fail("publish a draft", f"answered {response.status_code}")

    # Area boundaries through the planner's upload (if the app has one): names, dataset, licence, credit.
    made["boundary_names"] = []
    if "/planner/areas/import" in rules:
        response = _post(client, "/planner/areas/import", {
            "file": (io.BytesIO(boundary_geojson()), "hostile.geojson"), "municipality": "0581",
            "dataset": P[44], "licence": P[45], "attribution": P[46]}, content_type="multipart/form-data")
        token = re.search(r'name="token" type="hidden" value="([0-9a-f]{32})"', response.get_data(as_text=True))
        out.tried += N + 3
        if response.status_code != 200 or not token:
            out.fail("/planner/areas/import", f"upload answered {response.status_code}")
        else:
            response = _post(client, "/planner/areas/import/confirm", {"token": token.group(1)},
                             token_page="/planner/areas/import")
            if response.status_code != 302:
                out.fail("/planner/areas/import/confirm", f"answered {response.status_code}")
        names = {f["id"]: f["properties"]["name"] for f in app.test_client().get("/api/areas.geojson").get_json()["features"]}
        made["boundary_names"] = [names[s] for s in sorted(names) if s.startswith("xss-b-")]
        if len(made["boundary_names"]) != sum(PLAIN):
            out.fail("/planner/areas/import", f"{len(made['boundary_names'])} of {sum(PLAIN)} areas imported")
    return made


class Browser:
    """One Chromium tab that checks each page it opens."""

    def __init__(self, tab, server, out: Outcome):
        self.tab, self.server, self.out = tab, server, out
        tab.page.add_init_script(INIT)

    def open(self, path: str, expected=(), wait=None, where=None, status_ok=True):
        tab, where = self.tab, where or path
        tab.dialogs.clear(); tab.page_errors.clear(); tab.console_errors.clear()
        response = tab.page.goto(self.server.url + path)
        tab.page.wait_for_load_state("load")
        if not when_bound(tab.page):  # the page script's labels and tooltips are checked too
            self.out.fail(where, "the page script never bound the map (blocked or failed)")
        if wait:
            tab.page.wait_for_selector(wait, state="attached")
        if status_ok and response and response.status >= 400:
            self.out.fail(where, f"answered {response.status}")
        self.out.pages += 1
        return self.check(where, expected)

    def check(self, where: str, expected=()):
        tab, out = self.tab, self.out
        state = tab.page.evaluate(STATE)
        for message in tab.dialogs:
            out.executed.add(message)
            out.fail(where, f"a dialog opened: {message!r}")
        for hit in state["hits"]:
            out.executed.add(hit)
            out.fail(where, f"the canary was set to {hit!r}")
        for key in ("injected", "unvouched", "csp"):
            if state[key]:
                out.fail(where, f"{key}: {state[key][:3]}")
        if state["handlers"]:
            out.fail(where, f"{state['handlers']} event-handler attribute(s) in the DOM")
        if tab.page_errors:
            out.fail(where, f"script errors: {tab.page_errors[:2]}")
        if tab.external:
            out.fail(where, f"requests left the machine: {tab.external[:2]}")
        out.literal(where, state["text"] + " " + " ".join(state["values"]), expected)
        tab.dialogs.clear()
        return state


def check_map(browser: Browser, path: str, names, cameras, out: Outcome):
    browser.open(path, names, wait="path.area-shape[data-slug=xss-area-0]")
    shown = browser.tab.page.evaluate(MAP_STATE)
    tooltips, panels, popups = " ".join(shown["tooltips"]), " ".join(shown["panels"]), " ".join(shown["popups"])
    out.literal(f"{path} tooltips", tooltips, names)
    if "kommun" in path:
        out.literal(f"{path} labels", " ".join(shown["labels"]), names)
        out.literal(f"{path} panels", panels, names + [P[37]])
        out.literal(f"{path} camera tooltips and popups", tooltips + popups, cameras)
        if len(shown["popups"]) < N:
            out.fail(path, f"only {len(shown['popups'])} camera popups opened")
        bad = [h for h in shown["links"] if not re.match(r"https?://", h or "")]
        if bad:
            out.fail(f"{path} popups", f"links that are not http(s): {bad[:3]}")
        # One real click, as a person would, zoomed in beside the area's camera marker: the area it lands in
        # opens in the panel (or, where an overlay takes the click, the point look-up names the area). First the
        # map comes to rest: the panels opened above zoom to each area, and a zoom still under way when the view
        # is set would end afterwards, moving the map away from under the click.
        map_at_rest(browser.tab.page)
        x, y = browser.tab.page.evaluate(CLICK_POINT, [58.5006, 15.9512])
        browser.tab.page.mouse.click(x, y)
        try:
            browser.tab.page.locator("#area-panel h2, #area-panel a.lookup-link").first.wait_for()
        except Exception:
            browser.tab.page.screenshot(path=str(ARTIFACTS / "xss-map-click.png"))
            raise
        out.literal(f"{path} point look-up", browser.tab.page.inner_text("#area-panel"), [P[0]])
    browser.check(f"{path} after opening every tooltip, popup and panel")
    if "layers" in path:  # and the area itself, clicked where only the area is drawn
        browser.open("/?kommun=0581", names, wait="path.area-shape[data-slug=xss-area-0]")
        x, y = browser.tab.page.evaluate(CLICK_POINT, [58.5006, 15.9512])
        browser.tab.page.mouse.click(x, y)
        browser.tab.page.locator("#area-panel h2").wait_for()
        if norm(browser.tab.page.inner_text("#area-panel h2")) != norm(P[0]):
            out.fail("/?kommun=0581 panel", "the clicked area's name is not shown literally")
        browser.check("/?kommun=0581 after a click on an area")


def check_http(app, made, out: Outcome):
    """Feeds are well-formed XML with the texts intact; JSON twins are JSON, never HTML, with the texts intact."""
    client = app.test_client()
    feeds = {f"/promise/{PROMISE}/feed.atom": [P[37]] + [f"Uppföljning: {P[i]}" for i in range(N)],
             "/area/xss-area-0/feed.atom": [P[0]],
             f"/promise/{REAL_PROMISE}/feed.atom": [P[38]] + P,
             "/area/hageby/feed.atom": P}
    for path, texts in feeds.items():
        response = client.get(path)
        out.http += 1
        if response.status_code != 200 or response.mimetype != "application/atom+xml":
            out.fail(path, f"{response.status_code} {response.mimetype}")
            continue
        try:
            root = ET.fromstring(response.data)
        except ET.ParseError as err:
            out.fail(path, f"not well-formed XML: {err}")
            continue
        words = " ".join(t for t in root.itertext())
        out.literal(path, words, texts)
        if response.headers.get("X-Content-Type-Options") != "nosniff":
            out.fail(path, "no nosniff")
    twins = [("/index.json", P), (f"/promise/{PROMISE}.json", P), (f"/promise/{PROMISE}/commitment/c0.json", P[:10]),
             ("/area/xss-area-8.json", P[8:17]), (f"/present/{PROMISE}.json", P), ("/search.json?q=alert", []),
             (f"/api/promises/{PROMISE}", P), ("/api/areas.geojson", P), ("/api/camera-sites.geojson", P),
             ("/api/areas/xss-area-3.geojson", [P[3]]), ("/ogc/collections/camera-sites/items?limit=1000", P),
             ("/api/export/follow-ups.json", P), (f"/promise/{REAL_PROMISE}.json", P)]
    for path, texts in twins:
        response = client.get(path)
        out.http += 1
        if response.status_code != 200 or not response.mimetype.endswith("json"):
            out.fail(path, f"{response.status_code} {response.mimetype}")
            continue
        if response.headers.get("X-Content-Type-Options") != "nosniff" or "html" in response.content_type:
            out.fail(path, f"served as {response.content_type} without nosniff")
        strings = []

        def walk(value):
            if isinstance(value, dict):
                for v in value.values():
                    walk(v)
            elif isinstance(value, list):
                for v in value:
                    walk(v)
            elif isinstance(value, str):
                strings.append(value)
        walk(json.loads(response.data))
        missing = [t for t in texts if not any(t in s for s in strings)]
        if missing:
            out.fail(path, f"{len(missing)} text(s) changed in JSON, e.g. {missing[0]!r}")
    response = client.get(f"/promise/{PROMISE}/follow-ups.ics")
    out.http += 1
    if response.mimetype != "text/calendar" or response.headers.get("X-Content-Type-Options") != "nosniff":
        out.fail("calendar", f"{response.mimetype}")


def test_xss_corpus_never_executes_and_shows_literally(tmp_path):
    from suite_report import report  # here, not at the top: pytest_plugins loads (and rewrites) it first
    out = Outcome()
    hostile_geodata(tmp_path / "geodata")
    (tmp_path / "db").mkdir()
    app = make_app(tmp_path / "db", geodata=tmp_path / "geodata", EVIDENCE_DIR=str(tmp_path / "evidence"))
    # Texts through the data files: areas (name, provenance, lägesbild, EST: 10 each), promise, commitments (6 each),
    # follow-ups (5 each), camera sites (5 each), places (4 each).
    out.tried += N * 10 + 3 * N + 12 + N * 6 + N * 5 + N * 5 + 4 * len(range(0, N, 6))
    add_user(app, "xss-admin", "admin")
    planner = app.test_client()
    assert login(planner, "xss-admin").status_code == 302
    made = planner_writes(app, planner, out)
    names, cameras = list(P) + made["boundary_names"], [P[(i + 5) % N] for i in range(N)]

    with LiveServer(app) as server, chromium() as new_tab:
        b = Browser(new_tab(), server, out)
        check_map(b, "/", names, cameras, out)
        if made["boundary_names"]:
            b.open("/area/xss-b-7", [P[7], P[44], P[45], P[46]])
        check_map(b, "/?kommun=0581&layers=areas,camera,est,lagesbild", names, cameras, out)
        b.open(f"/promise/{PROMISE}", P + [norm(ALL)])
        for i in (0, 1, 2):
            b.open(f"/promise/{PROMISE}/commitment/c{i}", [P[i], P[(i + 1) % N], P[(i + 2) % N], P[(i + 7) % N]])
        for i in range(0, N, 8):
            b.open(f"/area/xss-area-{i}", [P[(i + k) % N] for k in range(0, 17)])
        b.open(f"/promise/{REAL_PROMISE}", [P[38], P[39], P[40], P[36], norm(ALL)] + P)
        b.open(f"/promise/{REAL_PROMISE}/commitment/{REAL_COMMITMENT}", P)
        b.open("/area/hageby", [P[i] for i in range(0, N, 7)] + P)
        b.open(f"/present/{PROMISE}", [P[37], P[40], P[41], P[38]] + P)
        page = b.tab.page
        page.keyboard.press("End"); page.keyboard.press("Home"); page.keyboard.press("ArrowRight")
        labels = page.evaluate("() => [...document.querySelectorAll('.present-label')].map(e => e.textContent)")
        out.literal("presenter map labels", " ".join(labels), P)
        b.check("presenter after moving through the slides")
        for slug, name in made["presentations"][:2]:
            b.open(f"/present/{PROMISE}?p={slug}", [name])
        b.open(f"/present/{REAL_PROMISE}", [P[38]])
        for q in ("alert", "window"):
            expected = [r["name"] for r in app.test_client().get(f"/search.json?q={q}").get_json()["results"]]
            b.open(f"/search?q={q}&list=1", expected)
        for k in (0, 30, 34, 44, 51):  # the query is shown back
            b.open("/search?list=1&q=" + quote(P[k], safe=""), [P[k]])
        b.open("/login?next=" + quote(P[30], safe=""))
        b.open("/area/%3Cscript%3Ealert(1)%3C%2Fscript%3E", status_ok=False)
        if made["published_draft"]:
            b.open(f"/promise/{made['published_draft']}", [P[k] for k in range(5, 20)])
        b.open(f"/promise/{PROMISE}/feed.atom")
        b.open(f"/promise/{PROMISE}.json")

        page.goto(server.url + "/login")  # signed in, as an admin: every planner page
        page.fill("#username", "xss-admin"); page.fill("#password", PASSWORD)
        page.click("button.primary"); page.wait_for_load_state("load")
        b.open("/planner", P)
        b.open("/planner/overdue")
        b.open("/planner/est", P)
        b.open("/planner/camera-sites", cameras + [P[i] for i in range(0, N, 7)])
        b.open("/planner/camera-sites/xss-cam-3", [P[8], P[9], P[10], P[11]])
        for slug in made["camera_sites"][:2]:
            b.open(f"/planner/camera-sites/{slug}")
        b.open(f"/planner/commitment/{REAL_PROMISE}/{REAL_COMMITMENT}/follow-up", P)
        b.open(f"/planner/commitment/{PROMISE}/c0/follow-up", [P[0], P[7], P[9]])
        b.open(f"/planner/promise/{PROMISE}", [P[37], P[40], P[41], P[38], norm(ALL)])
        b.open(f"/planner/promise/{REAL_PROMISE}", [P[38], P[39], P[40], P[36], norm(ALL)])
        b.open("/planner/presentations", [name for _slug, name in made["presentations"]])
        if made["presentations"]:
            b.open(f"/planner/presentations/{made['presentations'][0][0]}", [made["presentations"][0][1]])
        b.open(f"/planner/presentations/new?promise={PROMISE}", P)
        b.open("/admin/audit")
        b.open("/admin/audit?page=2")
        rules = {r.rule for r in app.url_map.iter_rules()}
        if "/planner/drafts" in rules:
            b.open("/planner/drafts")
            for slug in made["drafts"][:2]:
                b.open(f"/planner/drafts/{slug}", P[:20])
        if "/planner/import" in rules:  # the upload, in the browser: its account of the document echoes its text
            b.open("/planner/import")
            page.set_input_files("input[name=document]", files=[
                {"name": "hostile.html", "mimeType": "text/html", "buffer": import_html()}])
            page.fill("input[name=source_url]", "https://example.org/dokument")
            page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
            page.wait_for_load_state("load")
            out.pages += 1
            b.check("/planner/import (result)", [P[1]])
        if "/planner/areas/import" in rules:  # the boundary upload's review page names every area
            b.open("/planner/areas/import")
            page.set_input_files("input[name=file]", files=[
                {"name": "hostile.geojson", "mimeType": "application/geo+json", "buffer": boundary_geojson()}])
            page.fill("input[name=licence]", P[45])
            page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
            page.wait_for_load_state("load")
            out.pages += 1
            b.check("/planner/areas/import (review)", made["boundary_names"])

    check_http(app, made, out)
    executed = len(out.executed)
    report(f"xss suite: {N} payloads tried, {executed} executed")
    report(f"xss suite: {out.tried} placements through data files, planner forms and imports; "
           f"{out.pages} page loads in Chromium and {out.http} feeds/JSON twins checked; "
           f"{len(out.problems)} problem(s)")
    assert not out.problems, "\n".join(out.problems[:40])
