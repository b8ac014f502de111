"""`python -m benchmarks`: one run, one table, every comparison measured side by side.

It builds its own database in a temporary folder (the seeded promise data plus all 3,363 SCB RegSO
areas), so it never touches instance/, then measures:

1. the map page warm (the whole answer reused) and cold (a fresh Folium render), in-process;
2. point look-ups over the 3,363 areas with the spatial index (STRtree) and with a plain loop;
3. the bytes of the national map view (compressed) and of a naive Folium page inlining every polygon;
4. load on loopback: gunicorn (gunicorn.conf.py, 2 workers) driven by wrk with 50 connections for
   30 s per endpoint: the map page, an area page, the API, and static files of the map page's size;
5. the peak memory (VmHWM) of each gunicorn worker after serving the national layer at every zoom.

Goals are checked here and reported, never by timed tests. Only 127.0.0.1 is contacted.
"""
import contextlib
import gzip
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click
import numpy as np
import shapely
from flask import Blueprint

from mapapp.core.paths import PROJECT_ROOT

SWEDEN_BBOX = (10.5, 55.0, 24.5, 69.5)
# What background.js asks for when the whole of Sweden is in view (band "national", 16° grid):
NATIONAL_VIEW_QUERY = "bbox=0,48,32,80&zoom=0"
AREA_PAGE = "/area/hageby"
BACKGROUND_API = "/api/background.geojson?bbox=12,56,20,60&zoom=7"  # the home page's own request
POINT_API = "/api/background/point/18.0686,59.3293"
GOALS = {"warm": 50, "lookup": 100, "lookup_p99_ms": 1.0, "bytes": 0.25, "throughput": 0.5}


def bench_app():
    """The app as gunicorn serves it, plus the benchmark's static folder (the throughput ceiling).

    gunicorn -c gunicorn.conf.py 'benchmarks.benchmark:bench_app()'
    """
    from mapapp import create_app
    app = create_app()
    folder = os.environ.get("MAPAPP_BENCH_STATIC_DIR")
    if folder:
        app.register_blueprint(Blueprint("bench_static", __name__, static_folder=folder,
                                         static_url_path="/bench-static"))
    return app


# --- helpers --------------------------------------------------------------------------------------

def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms" if seconds >= 0.001 else f"{seconds * 1e6:.0f} µs"


def _pct(values, q) -> float:
    return float(np.percentile(np.asarray(values), q))


def _kb(n: int) -> str:
    return f"{n / 1024:,.1f} kB" if n < 1 << 20 else f"{n / (1 << 20):,.2f} MB"


def _met(ok) -> str:
    return "n/a" if ok is None else ("**met**" if ok else "**not met**")


def _time(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _say(message: str):
    click.echo(message, err=True)


# --- 1. warm vs cold ------------------------------------------------------------------------------

def measure_map_page(app) -> dict:
    """Cold: no reused map, page or compressed bytes; warm: as a repeat visitor gets it; rendered: only the
    map reused (the page cache emptied), to show what each layer of reuse buys."""
    from mapapp.core.cache import app_cache
    client = app.test_client()
    headers = {"Accept-Encoding": "gzip"}

    def clear(*names):
        for name in names:
            cache = app.extensions.get("mapapp_caches", {}).get(name)
            if cache is not None:
                cache.clear()

    def get():
        response = client.get("/", headers=headers)
        assert response.status_code == 200 and response.headers.get("Content-Encoding") == "gzip"
        return response

    def cold():
        app_cache(app, "maps", "MAP_CACHE_SIZE").clear()
        clear("pages")
        app.extensions["mapapp_compress"].cache.clear()
        get()

    def rendered():
        clear("pages")
        app.extensions["mapapp_compress"].cache.clear()
        get()

    get()  # imports and first connections out of the way
    cold_times, warm_times, rendered_times = [], [], []
    for _ in range(15):  # in rounds, so the machine's busy moments fall on every variant alike
        cold_times += _time(cold, 1)
        rendered_times += _time(rendered, 2)
        get()
        warm_times += _time(get, 20)
    cold_s, warm_s, rendered_s = (statistics.median(t) for t in (cold_times, warm_times, rendered_times))
    return {"cold": cold_s, "warm": warm_s, "rendered": rendered_s, "ratio": cold_s / warm_s,
            "rendered_ratio": cold_s / rendered_s}


# --- 2. point look-ups ----------------------------------------------------------------------------

def _sample_points(index, n: int, seed: int = 20250101) -> list[tuple[float, float]]:
    """Half uniform over Sweden's bbox (sea and neighbours included), half inside random areas."""
    rng = np.random.default_rng(seed)
    points = [(float(rng.uniform(SWEDEN_BBOX[0], SWEDEN_BBOX[2])), float(rng.uniform(SWEDEN_BBOX[1], SWEDEN_BBOX[3])))
              for _ in range(n // 2)]
    while len(points) < n:
        geom = index.geoms[int(rng.integers(len(index.geoms)))]
        minx, miny, maxx, maxy = geom.bounds
        for _ in range(50):
            x, y = float(rng.uniform(minx, maxx)), float(rng.uniform(miny, maxy))
            if geom.contains(shapely.Point(x, y)):
                points.append((x, y))
                break
    return points


def _timed_each(fn, points) -> list[float]:
    for lon, lat in points[:50]:
        fn(lon, lat)  # warm caches and prepared geometries
    out = []
    for lon, lat in points:
        t = time.perf_counter()
        fn(lon, lat)
        out.append(time.perf_counter() - t)
    return out


def measure_lookup(app) -> dict:
    """The API's look-up (grid over STRtree candidates), the STRtree alone, and plain loops, on the same points.

    Ten rounds, each timing 20 points by the loops then 200 points by each index: the methods share the
    machine's busy and quiet moments, and each runs as it would (the loop is not timed in between index calls).
    """
    from mapapp.render.background import get_layer
    layer = get_layer(app)
    start = time.perf_counter()
    grid = layer.point_index()  # builds the STRtree (geo.AreaIndex) first, then the grid from it
    build = time.perf_counter() - start
    tree = layer.index()
    points = _sample_points(tree, 2000)
    keys = tree.keys
    # The plain loop gets its own, unprepared copies: the indexes prepare the geometries they hold
    # (GEOS prepared geometry is part of what an index buys), and the loop must not borrow that.
    plain_geoms = list(shapely.from_wkb(shapely.to_wkb(np.asarray(tree.geoms, dtype=object))))
    prepared = list(tree.geoms)

    def loop(geoms, lon, lat):
        point = shapely.Point(lon, lat)
        return [k for k, g in zip(keys, geoms) if g.intersects(point)]

    _timed_each(grid.containing, points[:100])
    _timed_each(tree.containing, points[:100])
    indexed, strtree, looped, looped_prepared = [], [], [], []
    for r in range(10):
        block = points[r * 200:(r + 1) * 200]
        looped += _timed_each(lambda x, y: loop(plain_geoms, x, y), block[::10])
        looped_prepared += _timed_each(lambda x, y: loop(prepared, x, y), block[::10])
        indexed += _timed_each(grid.containing, block)
        strtree += _timed_each(tree.containing, block)
    sample = points[::10]
    mismatches = sum(loop(plain_geoms, x, y) != grid.containing(x, y) or tree.containing(x, y) != grid.containing(x, y)
                     for x, y in sample)
    p50 = _pct(indexed, 50)
    return {"areas": len(keys), "points": len(points), "loop_points": len(looped), "build": build,
            "index_p50": p50, "index_p99": _pct(indexed, 99),
            "strtree_p50": _pct(strtree, 50), "strtree_p99": _pct(strtree, 99),
            "loop_p50": _pct(looped, 50), "loop_p99": _pct(looped, 99), "ratio": _pct(looped, 50) / p50,
            "strtree_ratio": _pct(looped, 50) / _pct(strtree, 50),
            "prepared_p50": _pct(looped_prepared, 50), "prepared_p99": _pct(looped_prepared, 99),
            "prepared_ratio": _pct(looped_prepared, 50) / p50, "mismatches": mismatches}


# --- 3. bytes -------------------------------------------------------------------------------------

def _naive_page(app, page_html: bytes) -> bytes:
    """The map page as plain Folium would make it: the same page with the national polygons inlined
    (a folium.GeoJson layer with name tooltips, as Folium renders it) instead of fetched by bbox."""
    import json

    import folium
    from sqlalchemy import select

    from mapapp.render import maps
    from mapapp.store.db import get_engine
    from mapapp.store.models import BackgroundArea
    with get_engine(app).connect() as conn:
        rows = conn.execute(select(BackgroundArea.code, BackgroundArea.name, BackgroundArea.geometry)).all()
    national = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": r.code, "properties": {"code": r.code, "name": r.name},
         "geometry": json.loads(r.geometry)} for r in rows]}
    m = maps.new_map(None, "")
    folium.GeoJson(national, name="RegSO", style_function=lambda _f: {"color": "#52606d", "weight": 1, "fill": False},
                   tooltip=folium.GeoJsonTooltip(["name", "code"])).add_to(m)
    layer_script = maps.render_parts(m)["script"].encode("utf-8")
    return page_html.replace(b"</body>", layer_script + b"\n</body>", 1)


def measure_bytes(app) -> dict:
    client = app.test_client()
    headers = {"Accept-Encoding": "gzip"}
    page = client.get("/", headers=headers)
    data = client.get("/api/background.geojson?" + NATIONAL_VIEW_QUERY, headers=headers)
    assert page.headers.get("Content-Encoding") == "gzip" and data.headers.get("Content-Encoding") == "gzip"
    raw_page = client.get("/").get_data()
    assets = 0
    for url in re.findall(r'(?:src|href)="(/static/[^"]+)"', raw_page.decode("utf-8")):
        response = client.get(url)
        assets += len(gzip.compress(response.get_data(), 6)) if url.endswith((".js", ".css")) else len(response.get_data())
        response.close()
    reload_ = client.get("/", headers={**headers, "If-None-Match": page.headers["ETag"]})
    naive = _naive_page(app, raw_page)
    naive_gz = len(gzip.compress(naive, 6))
    view = len(page.get_data()) + len(data.get_data())
    return {"page_gz": len(page.get_data()), "page_raw": len(raw_page), "data_gz": len(data.get_data()),
            "view": view, "naive_raw": len(naive),
            "naive_gz": naive_gz, "ratio": view / naive_gz, "ratio_raw": view / len(naive), "assets_gz": assets,
            "reload_status": reload_.status_code, "reload_bytes": len(reload_.get_data())}


# --- 4. load --------------------------------------------------------------------------------------

_WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0}


def parse_wrk(text: str) -> dict:
    """Requests/s, p50/p99 latency (s) and errors (socket errors + non-2xx/3xx) from `wrk --latency`."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    latency = {q: float(v) * _UNITS[u] for q, v, u in _WRK_LATENCY.findall(text)}
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = sum(int(x) for x in socket_errors.groups()) if socket_errors else 0
    errors += int(non_2xx.group(1)) if non_2xx else 0
    total = int(re.search(r"(\d+) requests in", text).group(1))
    return {"rps": rps, "p50": latency.get("50"), "p99": latency.get("99"), "errors": errors, "requests": total}


def _rss(pid: int) -> dict:
    status = Path(f"/proc/{pid}/status").read_text()
    return {k: int(re.search(rf"{k}:\s+(\d+) kB", status).group(1)) * 1024 for k in ("VmHWM", "VmRSS")}


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                out.append(int(stat.parent.name))
    return sorted(out)


def _fetch(url: str, headers=None) -> bytes:
    request = urllib.request.Request(url, headers=headers or {"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback only)
        return response.read()


@contextlib.contextmanager
def gunicorn_server(database_url: str, static_dir: Path, workers: int, log: Path):
    port = _free_port()
    env = {**os.environ, "MAPAPP_DATABASE_URL": database_url, "MAPAPP_SECRET_KEY": "benchmark",
           "MAPAPP_BENCH_STATIC_DIR": str(static_dir), "GUNICORN_BIND": f"127.0.0.1:{port}",
           "GUNICORN_WORKERS": str(workers), "MAPAPP_NATIONAL_AUTOLOAD": "0", "GUNICORN_LOGLEVEL": "warning"}
    env.pop("GUNICORN_ACCESSLOG", None)
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(PROJECT_ROOT / "gunicorn.conf.py"),
                                 "benchmarks.benchmark:bench_app()"], cwd=PROJECT_ROOT, env=env, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _fetch(base + "/")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise click.ClickException(f"gunicorn did not start; see {log}") from None
                time.sleep(0.2)
        while len(_children(proc.pid)) < workers and time.monotonic() < deadline:
            time.sleep(0.1)
        yield proc, base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_wrk(url: str, connections: int, duration: int, threads: int = 2) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "5s", "--latency",
               "-H", "Accept-Encoding: gzip", url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=True)
    return {**parse_wrk(result.stdout), "command": " ".join(command[:-1]) + " URL"}


def measure_load(database_url: str, workdir: Path, page: dict, connections: int, duration: int, workers: int) -> dict:
    if not shutil.which("wrk"):
        return {"skipped": "wrk is not installed (Debian: apt-get install wrk)"}
    static_dir = workdir / "static"
    static_dir.mkdir()
    sample = (page["raw_body"] * (page["page_raw"] // max(len(page["raw_body"]), 1) + 1))
    (static_dir / "page-wire-size.html").write_bytes(sample[:page["page_gz"]])
    (static_dir / "page-full-size.html").write_bytes(sample[:page["page_raw"]])
    endpoints = [("map page `/`", "/"), ("area page `" + AREA_PAGE + "`", AREA_PAGE),
                 ("API: background layer, home view", BACKGROUND_API), ("API: point look-up (RegSO)", POINT_API),
                 (f"static file, map page's wire size ({_kb(page['page_gz'])})", "/bench-static/page-wire-size.html"),
                 (f"static file, map page's full size ({_kb(page['page_raw'])})", "/bench-static/page-full-size.html")]
    results = {}
    with gunicorn_server(database_url, static_dir, workers, workdir / "gunicorn.log") as (proc, base):
        # Every worker gets the national layer at every zoom band and the look-up index (the "national scale").
        warm = ["/", AREA_PAGE, BACKGROUND_API, POINT_API] + [
            f"/api/background.geojson?bbox={b}&zoom={z}" for b, z in
            (("0,48,32,80", 0), ("12,56,20,60", 7), ("17,59,19,60", 9), ("17.75,59.25,18.25,59.5", 11))]
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda u: _fetch(base + u), warm * 12))
        for label, path in endpoints:
            _say(f"  wrk {connections} connections, {duration} s: {path}")
            subprocess.run(["wrk", "-t1", "-c4", "-d2s", base + path], capture_output=True, check=False)
            results[label] = {**run_wrk(base + path, connections, duration), "path": path}
        workers_rss = [(pid, _rss(pid)) for pid in _children(proc.pid)]
        master_rss = _rss(proc.pid)
    return {"endpoints": results, "workers": workers_rss, "master": master_rss}


# --- the run --------------------------------------------------------------------------------------

def build_database(workdir: Path, database_url: str | None):
    from mapapp import create_app
    from mapapp.cli.national import load
    url = database_url or f"sqlite:///{workdir / 'benchmark.sqlite'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "benchmark", "TESTING": False,
                      "GEODATA_DIR": str(PROJECT_ROOT / "geodata")})
    start = time.perf_counter()
    summary = load(app)
    return app, url, summary, time.perf_counter() - start


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "unknown CPU")
    mem = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) / (1 << 20)
    import platform
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GB RAM, {platform.platform()}, Python {platform.python_version()}"


def table(r: dict) -> str:
    """The one table: measurement, result, compared with, ratio, goal, met."""
    rows = [("measurement", "result", "compared with", "ratio", "goal", "met")]
    m = r["map"]
    rows.append(("map page `/`, warm: page and map reused (median of 300)", _ms(m["warm"]),
                 f"cold, fresh Folium render (median of 15): {_ms(m['cold'])}", f"{m['ratio']:.0f}×",
                 f"≥ {GOALS['warm']}×", _met(m["ratio"] >= GOALS["warm"])))
    rows.append(("map page `/`, map reused but page re-rendered (median of 30)", _ms(m["rendered"]),
                 f"cold: {_ms(m['cold'])}", f"{m['rendered_ratio']:.1f}×", "(for comparison)", "n/a"))
    lk = r["lookup"]
    rows.append((f"point look-up over {lk['areas']:,} areas: grid of STRtree candidates, as the API "
                 f"({lk['points']:,} points)", f"p50 {_ms(lk['index_p50'])}, p99 {_ms(lk['index_p99'])}",
                 f"plain loop, unprepared geometries ({lk['loop_points']} points): p50 {_ms(lk['loop_p50'])}, "
                 f"p99 {_ms(lk['loop_p99'])}", f"{lk['ratio']:.0f}×", f"≥ {GOALS['lookup']}×, p99 ≤ 1 ms",
                 _met(lk["ratio"] >= GOALS["lookup"] and lk["index_p99"] <= GOALS["lookup_p99_ms"] / 1000
                      and lk["mismatches"] == 0)))
    rows.append(("point look-up, STRtree alone (geo.AreaIndex.containing)",
                 f"p50 {_ms(lk['strtree_p50'])}, p99 {_ms(lk['strtree_p99'])}",
                 f"plain loop, unprepared: p50 {_ms(lk['loop_p50'])}", f"{lk['strtree_ratio']:.0f}×",
                 "(for comparison)", "n/a"))
    rows.append(("point look-up, grid (as above)", f"p50 {_ms(lk['index_p50'])}",
                 f"plain loop over prepared geometries: p50 {_ms(lk['prepared_p50'])}, p99 {_ms(lk['prepared_p99'])}",
                 f"{lk['prepared_ratio']:.0f}×", "(for comparison)", "n/a"))
    b = r["bytes"]
    rows.append(("bytes, national map view (page + background layer, gzip)",
                 f"{_kb(b['view'])} ({_kb(b['page_gz'])} + {_kb(b['data_gz'])})",
                 f"naive Folium page inlining all polygons: {_kb(b['naive_gz'])} gzip ({_kb(b['naive_raw'])} raw)",
                 f"{b['ratio'] * 100:.1f} % ({b['ratio_raw'] * 100:.1f} % of raw)", "≤ 25 %",
                 _met(b["ratio"] <= GOALS["bytes"])))
    rows.append(("bytes, reload of the map page (conditional GET)", f"HTTP {b['reload_status']}, {b['reload_bytes']} B body",
                 f"first load: {_kb(b['page_gz'])}", "", "(for comparison)", "n/a"))
    load = r["load"]
    if "skipped" in load:
        rows.append(("load (gunicorn + wrk)", "not run", load["skipped"], "", "", _met(None)))
    else:
        eps = load["endpoints"]
        static = [v for k, v in eps.items() if k.startswith("static file")]
        ceiling = max(static, key=lambda v: v["rps"])
        for label, v in eps.items():
            result = f"{v['rps']:,.0f} req/s, p50 {_ms(v['p50'])}, p99 {_ms(v['p99'])}, {v['errors']} errors"
            if label.startswith("map page"):
                ratio = v["rps"] / ceiling["rps"]
                rows.append((f"load: {label}", result, f"static-file ceiling: {ceiling['rps']:,.0f} req/s",
                             f"{ratio * 100:.0f} %", "≥ 50 % of ceiling, 0 errors",
                             _met(ratio >= GOALS["throughput"] and v["errors"] == 0)))
            else:
                rows.append((f"load: {label}", result, "", "", "0 errors", _met(v["errors"] == 0)))
        for i, (pid, rss) in enumerate(load["workers"], start=1):
            rows.append((f"peak memory, gunicorn worker {i} (national layer at every zoom + index loaded)",
                         f"{rss['VmHWM'] / (1 << 20):.0f} MB (VmHWM)", f"now {rss['VmRSS'] / (1 << 20):.0f} MB (VmRSS); "
                         f"master {load['master']['VmHWM'] / (1 << 20):.0f} MB", "", "(reported)", "n/a"))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


@click.command("benchmark")
@click.option("--duration", default=30, show_default=True, help="Seconds of wrk load per endpoint.")
@click.option("--connections", default=50, show_default=True, help="Concurrent wrk connections.")
@click.option("--workers", default=2, show_default=True, help="gunicorn workers.")
@click.option("--database-url", default=None, help="Benchmark on this (empty, throwaway) database instead of a temporary SQLite file.")
@click.option("--no-load", is_flag=True, help="Skip the gunicorn/wrk part (quick check).")
@click.option("--output", type=click.Path(dir_okay=False), default=None, help="Also write the table (Markdown) here.")
def benchmark_command(duration, connections, workers, database_url, no_load, output):
    """Measure Löfteskartan at national scale and print one table (takes about 5 minutes).

    Example: .venv/bin/python -m benchmarks --no-load
    """
    started, load_before = time.time(), os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="lofteskartan-bench-") as tmp:
        workdir = Path(tmp)
        _say("building the benchmark database (seed + load-national) …")
        app, url, summary, load_seconds = build_database(workdir, database_url)
        _say(f"  {summary['areas']} background areas loaded in {load_seconds:.1f} s")
        _say("map page warm vs cold …")
        results = {"map": measure_map_page(app)}
        _say("point look-ups …")
        results["lookup"] = measure_lookup(app)
        _say("bytes …")
        results["bytes"] = measure_bytes(app)
        page = {"page_gz": results["bytes"]["page_gz"], "page_raw": results["bytes"]["page_raw"],
                "raw_body": app.test_client().get("/").get_data()}
        app.extensions["mapapp_engine"].dispose()
        if no_load:
            results["load"] = {"skipped": "--no-load"}
        else:
            _say("load on loopback (gunicorn + wrk) …")
            results["load"] = measure_load(url, workdir, page, connections, duration, workers)
    text = table(results)
    header = (f"Löfteskartan benchmark, {time.strftime('%Y-%m-%d %H:%M', time.localtime(started))}, "
              f"{time.time() - started:.0f} s. Machine: {machine()}.\n"
              f"Load average (1 min) before: {load_before[0]:.2f}, after: {os.getloadavg()[0]:.2f}.\n"
              f"load-national: {summary['areas']} areas in {load_seconds:.1f} s; "
              f"look-up index (STRtree + grid) built in {results['lookup']['build'] * 1000:.0f} ms; "
              f"look-up mismatches index vs loop: {results['lookup']['mismatches']}; "
              f"static assets of the page (gzip, cached by the browser): {_kb(results['bytes']['assets_gz'])}.")
    if "endpoints" in results["load"]:
        any_ep = next(iter(results["load"]["endpoints"].values()))
        header += (f"\nLoad: gunicorn -c gunicorn.conf.py ({workers} workers), `{any_ep['command']}` "
                   f"per endpoint, on 127.0.0.1.")
    click.echo(header + "\n\n" + text)
    if output:
        Path(output).write_text(header + "\n\n" + text + "\n", encoding="utf-8")

