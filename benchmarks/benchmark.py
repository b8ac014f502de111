"""`python -m benchmarks`: one run, one table, every comparison measured side by side (issue 14).

1. The scale axis (sizes.py, scale.py): a database per size (1×, 10×, 100×, national), each measured
   in-process in a fresh subprocess (inprocess.py): cold and warm `/`, `/index.json`, an area page, the
   areas GeoJSON, bytes, memory.
2. At the largest size, gunicorn (gunicorn.conf.py, 2 workers; server.py): 304 on reloads across both
   workers and the phone row (browser.py) first, then throughput against static twins (load.py) and the
   workers' memory after 2,000 distinct requests (workers.py).
3. The phone row at 1× on its own server.

Only 127.0.0.1 is contacted. See README ("Benchmark") and BENCHMARKS.md.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click

from mapapp.core.paths import PROJECT_ROOT

from . import browser, load, report, server, sizes, workers
from .common import CITY_QUERY, children, fetch, machine, memory, say


def measure_size(size, db: dict, rounds: int) -> dict:
    """One size in a subprocess of its own (its memory is then its own)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-m", "benchmarks.inprocess", db["url"], "--rounds", str(rounds)],
                            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        raise click.ClickException(f"{size.name}: {result.stderr[-2000:]}")
    return {**json.loads(result.stdout), "build_s": db["build_s"]}


def _warm(base: str, paths: list[str], times: int = 8):
    """Every worker gets each path (several at once, on new connections) before anything is timed."""
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda p: fetch(base + p), paths * times))


def serve_and_measure(size, db: dict, work: Path, opts: dict, main: bool) -> dict:
    """The gunicorn part at one size: reloads, phone, load and memory (main), or the phone row alone."""
    from mapapp import create_app
    bench = work / f"serve-{size.name.replace('×', 'x')}"
    (bench / "static").mkdir(parents=True)
    out = {}
    plain_path = tiles_path = None
    if not opts["no_browser"]:
        say(f"plain Folium page of every area, {size.name} …")
        app = create_app(sizes.app_config(db["url"]))
        plain_path, out["plain_bytes"] = browser.write_plain(app, bench / "plain", "p" + size.name.replace("×", "x"))
        if size.name != "national":  # like for like: a plain page with Folium's default tile layer, as the app has one
            tiles_path, _ = browser.write_plain(app, bench / "plain", "t" + size.name.replace("×", "x"), "OpenStreetMap")
        app.extensions["mapapp_engine"].dispose()
    with server.gunicorn(db["url"], bench, opts["workers"], work / "gunicorn.log") as (proc, base):
        if main:
            say("304 on reloads, across the workers (fresh server) …")
            out["reloads"] = workers.reloads(base)
        if plain_path:
            pages = browser.pages_for(size.name, plain_path, tiles_path)
            _warm(base, sorted({p[1] for p in pages} | {"/api/areas.geojson?" + CITY_QUERY}))
            runs = browser_runs(opts, size)
            say(f"phone row, {size.name}: {runs} runs of {len(pages)} pages …")
            out["browser"] = browser.measure(base, pages, runs)
        if main and not opts["no_load"]:
            say("throughput, A/B against static twins …")
            out["load"] = load.measure(base, bench / "static", opts["connections"], opts["duration"],
                                       opts["load_rounds"])
            urls = workers.distinct_urls(db["url"], opts["distinct"])
            out["memory"] = workers.memory_after(base, proc.pid, urls)
        if main:
            out["master"] = memory(proc.pid)
            out["workers"] = len(children(proc.pid))
    return out


def browser_runs(opts: dict, size) -> int:
    """Visits per page: below national size a visit takes about a second, so more of them cost little."""
    small = opts["small_browser_runs"] or 0
    return opts["browser_runs"] if size.name == "national" else max(opts["browser_runs"], small)


def run(opts: dict, chosen: list) -> dict:
    results = {"started": time.time(), "load_before": os.getloadavg(), "sizes": {}, "browser": {}}
    with tempfile.TemporaryDirectory(prefix="lofteskartan-bench-") as tmp:
        work = Path(tmp)
        from . import scale
        frame = scale.regso_frame()
        dbs = {}
        for size in chosen:
            say(f"building the {size.name} database …")
            dbs[size.name] = sizes.build(size, work, frame)
        for size in chosen:
            say(f"in-process, {size.name} ({dbs[size.name]['areas']:,} areas) …")
            results["sizes"][size.name] = measure_size(size, dbs[size.name], opts["rounds"])
        largest = chosen[-1]
        if not (opts["no_load"] and opts["no_browser"]):
            served = serve_and_measure(largest, dbs[largest.name], work, opts, main=True)
            results["browser"].update({largest.name: served.pop("browser")} if "browser" in served else {})
            results.update(served)
        small = next((s for s in chosen if s.name == "1×"), None)
        if small and small is not largest and not opts["no_browser"]:
            served = serve_and_measure(small, dbs[small.name], work, opts, main=False)
            results["browser"] = {small.name: served["browser"], **results["browser"]}
    results["finished"], results["load_after"] = time.time(), os.getloadavg()
    return results


def header(results: dict, opts: dict) -> str:
    started = time.strftime("%Y-%m-%d %H:%M", time.localtime(results["started"]))
    lines = [f"Löfteskartan benchmark, {started}, {results['finished'] - results['started']:.0f} s. "
             f"Machine: {machine()}.",
             "Load average (1, 5, 15 min) before: " + ", ".join(f"{x:.2f}" for x in results["load_before"])
             + "; after: " + ", ".join(f"{x:.2f}" for x in results["load_after"]) + "."]
    builds = ", ".join(f"{n} {s['areas']:,} areas in {s['build_s']:.0f} s" for n, s in results["sizes"].items())
    lines.append(f"Databases (SQLite, built by benchmarks/scale.py): {builds}.")
    if "load" in results and "command" in results["load"]:
        lines.append(f"Load: gunicorn -c gunicorn.conf.py ({opts['workers']} workers), "
                     f"`{results['load']['command']}`, {opts['load_rounds']} rounds A/B per endpoint, on 127.0.0.1.")
    if results.get("browser"):
        runs = ", ".join(f"{next(iter(pages.values()))['runs']} runs at {name}"
                         for name, pages in results["browser"].items())
        lines.append(f"Phone: Chromium at 390×844, CPU ÷{browser.CPU_SLOWDOWN}, 150 ms / 1.6 Mbit/s, empty cache, "
                     f"each page once per run, in turn ({runs}); {browser.outside_line(results['browser'])}.")
    return "\n".join(lines)


def render(results: dict, opts: dict) -> str:
    parts = [header(results, opts), report.main_table(results), "Per size (in-process, medians):",
             report.size_table(results["sizes"])]
    caches = report.caches_table(results.get("memory"))
    if caches:
        parts += [f"Each worker's caches after the {results['memory']['n']:,} distinct requests "
                  f"({', '.join(f'{n} {k}' for k, n in results['memory']['kinds'].items())}):", caches]
    return "\n\n".join(parts)


@click.command("benchmark")
@click.option("--sizes", "sizes_", default="1x,10x,100x,national", show_default=True,
              help="Sizes to measure, smallest first; the last one is served under load.")
@click.option("--rounds", default=5, show_default=True, help="Cold answers per endpoint and size (medians).")
@click.option("--duration", default=10, show_default=True, help="Seconds of each wrk run.")
@click.option("--load-rounds", default=2, show_default=True, help="A/B rounds (endpoint, static twin) per endpoint.")
@click.option("--connections", default=50, show_default=True, help="Concurrent wrk connections.")
@click.option("--workers", "workers_", default=2, show_default=True, help="gunicorn workers.")
@click.option("--distinct", default=2000, show_default=True, help="Distinct requests before reading worker memory.")
@click.option("--browser-runs", default=3, show_default=True, help="Chromium runs per page (medians).")
@click.option("--small-browser-runs", type=click.IntRange(min=1), default=None,
              help="Chromium runs per page below national size, if more than --browser-runs.")
@click.option("--no-load", is_flag=True, help="Skip wrk and the 2,000 distinct requests.")
@click.option("--no-browser", is_flag=True, help="Skip the Chromium row.")
@click.option("--output", type=click.Path(dir_okay=False), default=None, help="Also write the tables (Markdown) here.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False), default=None, help="Also write every figure here.")
def benchmark_command(sizes_, rounds, duration, load_rounds, connections, workers_, distinct, browser_runs,
                      small_browser_runs, no_load, no_browser, output, json_out):
    """Measure Löfteskartan from 1× to national size and print one table (about 15 minutes).

    Example: python -m benchmarks --sizes 1x,10x --no-load --no-browser   (a quick check)
    """
    opts = {"sizes": sizes_, "rounds": rounds, "duration": duration, "load_rounds": load_rounds,
            "connections": connections, "workers": workers_, "distinct": distinct, "browser_runs": browser_runs,
            "small_browser_runs": small_browser_runs,
            "no_load": no_load, "no_browser": no_browser}
    try:
        chosen = sizes.parse_sizes(sizes_)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--sizes") from None
    results = run(opts, chosen)
    text = render(results, opts)
    click.echo(text)
    if output:
        Path(output).write_text(text + "\n", encoding="utf-8")
    if json_out:
        Path(json_out).write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
