"""The phone row: Chromium at 390×844, CPU slowed 4×, a 150 ms / 1.6 Mbps network, empty cache each run.

It times when the map's polygons are drawn on the app's `/` and on a plain Folium page of the same
polygons (folium.Map + folium.GeoJson with a name tooltip, Leaflet from the app's own static files) served
by the same server. "Drawn": see DRAWN below and BENCHMARKS.md. Nothing leaves 127.0.0.1: other hosts
do not resolve, and every request tried elsewhere is counted per host.
"""
import json
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from .common import CITY_VIEW, median, say

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]
VIEWPORT = {"width": 390, "height": 844}
CPU_SLOWDOWN = 4
# Lighthouse's "slow 4G": 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up (bytes per second here).
NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
# Two times (ms after navigation start), each taken once the frame that first showed what it looks for is
# rendered: a message posted from the animation-frame callback that found it runs as the next task after that
# frame's rendering step (style, layout, paint, commit: the page's side of the paint; raster and display after it
# are the browser's and alike for both pages). The earlier rule, the next animation frame's callback, is kept
# beside it ("_next_frame"): it is later whenever the page's main thread has other work just after that paint.
# - "drawn", the polygons on screen: a path with geometry (a `d` attribute) of the selector's class in the map's
#   overlay pane, or the picture of the areas the app's server draws into a page that carries them
#   (svg.map-first-frame, render/first_frame.py) once every area it holds (its data-areas) is parsed: the
#   HTML parser can show a picture half made, Leaflet cannot;
# - "interactive", Leaflet's own layer drawn (the selector alone): the polygons answer taps from then on.
# Each page adds its polygons to Leaflet in one synchronous step (Folium's inline layer, or the app's one answer
# by bbox), so the frame found showed all of them. The plain Folium page has no picture: its two times are one.
DRAWN = """(selector, view) => {
  const bench = window.__bench = {};
  const picture = () => {  // the server's picture counts once every area it holds is parsed (data-areas)
    const svg = document.querySelector("svg.map-first-frame");
    return !!svg && svg.querySelectorAll("path[d]").length >= Number(svg.getAttribute("data-areas"));
  };
  let last = null, still = 0;
  const mark = (key) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => { bench[key] = performance.now(); };
    channel.port2.postMessage(null);
    requestAnimationFrame(() => { bench[key + "_next_frame"] = performance.now(); });
  };
  const poll = () => {
    const map = window.lofteskartanMap;
    if (view && !bench.moved && map) {
      // As a tap would: once the map has stood still for three frames (its opening zoom has ended), go there.
      const now = [map.getZoom(), map.getCenter().lat, map.getCenter().lng, !!map._animatingZoom].join();
      still = now === last && !map._animatingZoom ? still + 1 : 0;
      last = now;
      if (still >= 3) {
        bench.moved = performance.now();
        map.setView([view[1], view[2]], view[0], {animate: false});
      }
    }
    if (!bench.shown && (!view || bench.moved) && (document.querySelector(selector) || (!view && picture()))) {
      bench.shown = performance.now();
      mark("drawn");
    }
    if (bench.shown && document.querySelector(selector)) {
      mark("interactive");
    } else {
      requestAnimationFrame(poll);
    }
  };
  requestAnimationFrame(poll);
}"""
DONE = ("() => ['drawn', 'drawn_next_frame', 'interactive', 'interactive_next_frame']"
        ".every(k => (window.__bench || {})[k])")
POLYGONS = ".leaflet-overlay-pane path.area-shape[d]"
DOTS = ".leaflet-overlay-pane path.municipality-dot[d]"
TIMINGS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const res = performance.getEntriesByType("resource");
  return {drawn: window.__bench.drawn, drawn_next_frame: window.__bench.drawn_next_frame,
          interactive: window.__bench.interactive,
          load: nav.loadEventEnd, dom: nav.domContentLoadedEventEnd,
          html: nav.responseEnd, network: Math.max(nav.responseEnd, ...res.map(r => r.responseEnd)),
          bytes: nav.transferSize + res.reduce((s, r) => s + r.transferSize, 0),
          polygons: document.querySelectorAll("path.area-shape").length,
          fetched: res.filter(r => r.initiatorType === "fetch").map(r => r.name)};
}"""


PLAIN = "plain Folium page"
PLAIN_TILES = "plain Folium page with its default tile layer"


def plain_page(app, tiles=None) -> str:
    """Every area's polygon as plain Folium draws it: one GeoJson layer with a name tooltip, inline; no tile
    layer (the strict baseline), or Folium's default one (tiles="OpenStreetMap", as the app has one)."""
    import folium

    from mapapp.render.assets import asset_url
    from mapapp.render.maps import bounds_of
    from mapapp.store import areas as area_store
    from mapapp.store.db import get_session
    with app.test_request_context("/"):
        session = get_session()
        names = area_store.area_names(session)
        boxes = area_store.area_boxes(session)
        features = [{"type": "Feature", "id": slug, "geometry": json.loads(text),
                     "properties": {"slug": slug, "name": names[slug]["name"], "bbox": boxes[slug]}}
                    for slug, text in area_store.geometry_texts(session).items()]
        m = folium.Map(location=[59.0, 16.0], zoom_start=6, tiles=tiles)
        m.default_js = [("leaflet", asset_url("/static/vendor/leaflet/leaflet.js"))]
        m.default_css = [("leaflet_css", asset_url("/static/vendor/leaflet/leaflet.css"))]
        folium.GeoJson({"type": "FeatureCollection", "features": features}, name="areas",
                       style_function=lambda _f: {"color": "#1f2933", "weight": 2, "fillColor": "#7b8794",
                                                  "fillOpacity": 0.55, "className": "area-shape"},
                       tooltip=folium.GeoJsonTooltip(["name"])).add_to(m)
        m.fit_bounds(bounds_of(features))
        return m.get_root().render()


def write_plain(app, folder: Path, name: str, tiles=None) -> tuple[str, int]:
    html = plain_page(app, tiles)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.html").write_text(html, encoding="utf-8")
    return f"/bench/plain/{name}", len(html.encode("utf-8"))


def _visit(browser, url: str, selector: str, view, timeout_s: float) -> dict:
    context = browser.new_context(viewport=VIEWPORT)  # a new context: an empty cache
    page = context.new_page()
    outside = []
    page.on("request", lambda r: None if r.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))
            else outside.append(r.url))
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    page.add_init_script(script=f"({DRAWN})({json.dumps(selector)}, {json.dumps(view)})")
    try:
        page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        page.wait_for_function(DONE, timeout=timeout_s * 1000, polling=500)
        page.wait_for_load_state("load", timeout=timeout_s * 1000)
        out = page.evaluate(TIMINGS)
    except Exception as exc:  # a page that never draws is a result, not a crash of the benchmark
        out = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"}
    finally:
        context.close()
    out["outside"] = outside
    return out


def measure(base: str, pages: list[tuple], runs: int, timeout_s: float = 240) -> dict:
    """pages: (label, path, selector, view or None); visited in turn, runs times, so each run meets the
    machine alike."""
    from playwright.sync_api import sync_playwright
    results = {page[0]: [] for page in pages}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            for r in range(runs):
                for label, path, selector, view in pages:
                    say(f"  Chromium run {r + 1}/{runs}: {label}")
                    results[label].append(_visit(browser, base + path, selector, view, timeout_s))
        finally:
            browser.close()
    return {label: summarise(visits) for label, visits in results.items()}


def summarise(visits: list[dict]) -> dict:
    ok = [v for v in visits if "error" not in v]
    keys = ("drawn", "drawn_next_frame", "interactive", "load", "dom", "html", "network", "bytes", "polygons")
    out = {k: median([v[k] / 1000 if k not in ("bytes", "polygons") else v[k] for v in ok]) if ok else None
           for k in keys}
    out.update(runs=len(visits), failed=[v["error"] for v in visits if "error" in v],
               outside=dict(Counter(urlsplit(u).hostname or u for v in visits for u in v["outside"])),
               fetched=ok[0]["fetched"] if ok else [],
               all_drawn=[v["drawn"] / 1000 for v in ok],
               by_run={k: [v[k] / 1000 if "error" not in v else None for v in visits]
                       for k in ("drawn", "drawn_next_frame", "interactive")})
    return out


def paired(page: dict, baseline: dict, key: str = "drawn") -> dict | None:
    """Run by run, the page minus the baseline visited just after it (both drawn): the median difference and
    in how many runs the page came first. Pairs share the machine's moment, so this sees through slow spells."""
    pairs = [(a, b) for a, b in zip(page.get("by_run", {}).get(key, []), baseline.get("by_run", {}).get(key, []))
             if a is not None and b is not None]
    if not pairs:
        return None
    return {"median_ms": median([(a - b) * 1000 for a, b in pairs]), "first": sum(a <= b for a, b in pairs),
            "runs": len(pairs)}


def tile_host() -> str:
    """The host of the app's default TILE_URL: the benchmark's server runs without MAPAPP_ variables."""
    from mapapp.core.settings import SETTINGS
    return urlsplit(next(s.default for s in SETTINGS if s.key == "TILE_URL")).hostname or ""


def outside_line(browser_results: dict) -> str:
    """Requests Chromium tried to hosts other than 127.0.0.1, per host, saying which is the tile host."""
    hosts = Counter()
    for pages in browser_results.values():
        for r in pages.values():
            hosts.update(r["outside"])
    if not hosts:
        return "requests to hosts other than 127.0.0.1: 0"
    tiles = tile_host()
    per_host = ", ".join(f"{host} {n}" + (" (the configured tile host, TILE_URL)" if host == tiles else
                                          " (NOT the tile host)")
                         for host, n in hosts.most_common())
    return (f"requests to hosts other than 127.0.0.1: {sum(hosts.values())}, all refused by Chromium's resolver rule "
            f"(none left the machine): {per_host}")


def pages_for(size_name: str, plain_path: str, tiles_path: str | None = None) -> list[tuple]:
    """What the phone opens: `/` as it comes, and the plain page (and the plain page with a tile layer); at
    national size also a municipality's view (its areas inline) and a city view reached from `/` (its areas
    fetched by bbox)."""
    if size_name != "national":
        return [("`/`", "/", POLYGONS, None), (PLAIN, plain_path, POLYGONS, None)] + \
            ([(PLAIN_TILES, tiles_path, POLYGONS, None)] if tiles_path else [])
    zoom, lat, lon = CITY_VIEW
    return [("`/`, first view: municipality dots", "/", DOTS, None),
            (f"`/?kommun={STOCKHOLM}` (Stockholm, its areas inline)", f"/?kommun={STOCKHOLM}", POLYGONS, None),
            (f"`/`, city view {zoom}/{lat}/{lon} (areas by bbox)", "/", POLYGONS, list(CITY_VIEW)),
            (PLAIN, plain_path, POLYGONS, None)]


STOCKHOLM = "0180"
