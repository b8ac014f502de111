"""gunicorn settings for Löfteskartan in production.

    .venv/bin/gunicorn -c gunicorn.conf.py 'mapapp:create_app()'

Every setting can be changed from the environment: GUNICORN_BIND (default 127.0.0.1:8000; put a
reverse proxy with TLS in front), GUNICORN_WORKERS (default: the number of CPU cores),
GUNICORN_WORKER_CLASS (default gthread) and GUNICORN_THREADS (default 4), GUNICORN_TIMEOUT.
The database comes from MAPAPP_DATABASE_URL as for the app (SQLite by default; PostgreSQL with
postgresql+psycopg://user:password@host/db).

The app is loaded once in the master before the workers fork (preload_app): the workers share the
imported libraries' memory, and the first start's one-off work (seeding, and loading the national
background layer unless MAPAPP_NATIONAL_AUTOLOAD=0) happens once, before any request is served. The
master also builds the background layer's in-memory form once (MAPAPP_NATIONAL_PRELOAD=0 leaves
that to each worker's first request).
"""
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", os.cpu_count() or 2))
# gthread keeps connections alive between requests (sync workers close each one), and a slow client
# then ties up one thread, not a whole worker.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))  # a worker silent this long is restarted
graceful_timeout = 30
keepalive = 5
backlog = 2048
preload_app = True
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 0))  # 0 = never recycle workers
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESSLOG")  # e.g. "-" for stdout; off by default
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
proc_name = "lofteskartan"
# gunicorn ≥ 27 opens a control socket in $HOME by default; one fixed path clashes when several
# servers run on one machine (the benchmark, tests), and nothing here uses it.
control_socket_disable = os.environ.get("GUNICORN_CONTROL_SOCKET", "0") != "1"


def _app(server):
    return server.app.wsgi()


def on_starting(server):
    """Once, in the master: load the national background layer if the database has none yet, then
    build its in-memory form (every zoom band and the look-up index, ~3 s), and compress the static files
    (~0.8 s), all of which the workers inherit."""
    from mapapp.cli.national import load
    from mapapp.render.background import get_layer
    from mapapp.store.db import get_engine, startup_lock
    from mapapp.store.national import is_loaded
    app = _app(server)
    engine = get_engine(app)
    with startup_lock(engine):  # several app servers on one PostgreSQL: one loads it, the others find it loaded
        if app.config["NATIONAL_AUTOLOAD"] and not is_loaded(engine):
            server.log.info("loading the national background layer (once; MAPAPP_NATIONAL_AUTOLOAD=0 skips it)")
            try:
                summary = load(app)
                server.log.info("loaded %s background areas", summary["areas"])
            except Exception as exc:  # the promise map works without the background layer
                server.log.error("the national background layer was not loaded: %s", exc)
    if server.cfg.preload_app and app.config["NATIONAL_PRELOAD"]:
        get_layer(app).warm()
    if server.cfg.preload_app:
        from mapapp.http.assets import warm
        warm(app)  # the static files compressed once here, not once per worker on its first visitor
    engine.dispose()


def post_fork(server, worker):
    """Each worker opens its own database connections (never ones inherited from the master)."""
    _app(server).extensions["mapapp_engine"].dispose(close=False)
