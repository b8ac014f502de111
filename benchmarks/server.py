"""gunicorn (the repository's gunicorn.conf.py) serving the app plus what the benchmark compares it with.

    gunicorn -c gunicorn.conf.py 'benchmarks.server:bench_app()'

bench_app() is create_app() with three additions that live here, never in the app: static files of a
chosen size (the throughput ceiling), plain Folium pages (the browser row's baseline) and, on every
answer, the pid of the worker that gave it (X-Bench-Worker), plus /bench/caches to read each worker's caches.
"""
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import click
from flask import Blueprint, abort, jsonify
from markupsafe import Markup

from mapapp.core.paths import PROJECT_ROOT

from .common import children, fetch, free_port, memory
from .sizes import env as app_env

# Which setting bounds each of the app's caches (core/settings.py).
CACHE_SETTINGS = {"worlds": "WORLD_CACHE_BYTES", "maps": "MAP_CACHE_BYTES", "shapes": "SHAPE_CACHE_BYTES",
                  "pages": "PAGE_CACHE_BYTES", "background": "BACKGROUND_CACHE_BYTES"}


def bench_app():
    from mapapp import create_app
    from mapapp.http.conditional import etag_of
    from mapapp.http.security import policy, trust
    app = create_app()
    bp = Blueprint("bench", __name__, static_folder=os.environ["MAPAPP_BENCH_DIR"] + "/static",
                   static_url_path="/bench-static")
    plain_dir, plain_pages = Path(os.environ["MAPAPP_BENCH_DIR"]) / "plain", {}

    @bp.route("/bench/plain/<name>")
    def plain(name):
        """A plain Folium page sent as the app sends its own pages: compressed once, with an ETag and a CSP
        that allows its inline scripts (vouched for and hashed once, so it pays no per-request cost the app's
        reused pages do not)."""
        if name not in plain_pages:
            path = plain_dir / f"{name}.html"
            if not name.isidentifier() or not path.is_file():
                abort(404)
            html = str(trust(Markup(path.read_text(encoding="utf-8")), expected=1000))
            plain_pages[name] = (html.encode("utf-8"), etag_of(html.encode("utf-8")), policy(html))
        body, etag, csp = plain_pages[name]
        response = app.response_class(body, mimetype="text/html")
        response.set_etag(etag)
        response.headers["Content-Security-Policy"] = csp
        return response

    @bp.route("/bench/caches")
    def caches():
        caches = app.extensions.get("mapapp_caches", {})
        out = {name: {"entries": len(c), "size": c.currsize, "setting": CACHE_SETTINGS.get(name),
                      "bound": app.config.get(CACHE_SETTINGS.get(name, ""), None)} for name, c in caches.items()}
        compress = app.extensions["mapapp_compress"].cache
        out["compressed"] = {"entries": len(compress), "size": compress.currsize, "setting": "COMPRESS_CACHE_BYTES",
                             "bound": app.config["COMPRESS_CACHE_BYTES"]}
        return jsonify({"pid": os.getpid(), "caches": out, "memory": memory()})

    app.register_blueprint(bp)

    @app.after_request
    def worker(response):
        response.headers["X-Bench-Worker"] = str(os.getpid())  # at request time: the app is built before the fork
        return response
    return app


@contextlib.contextmanager
def gunicorn(database_url: str, bench_dir: Path, workers: int, log: Path):
    """A gunicorn master on a free loopback port; yields (process, base URL) once every worker is up."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAPAPP_", "GUNICORN_"))}
    env.update(app_env(database_url), MAPAPP_BENCH_DIR=str(bench_dir), GUNICORN_BIND=f"127.0.0.1:{port}",
               GUNICORN_WORKERS=str(workers), GUNICORN_LOGLEVEL="warning")
    with log.open("ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(PROJECT_ROOT / "gunicorn.conf.py"),
                                 "benchmarks.server:bench_app()"], cwd=PROJECT_ROOT, env=env, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                fetch(base + "/bench/caches", timeout=5)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise click.ClickException(f"gunicorn did not start; see {log}") from None
                time.sleep(0.2)
        while len(children(proc.pid)) < workers and time.monotonic() < deadline:
            time.sleep(0.1)
        yield proc, base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
