"""Fixtures: an app on a temporary SQLite database (flaskr style), and a live server for browsers."""
import datetime as dt
import os
import shutil
import socket
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from mapapp.core.paths import PROJECT_ROOT
from mapapp import create_app

GEODATA = PROJECT_ROOT / "geodata"
TODAY = dt.date(2026, 11, 23)


SLOW_FILES = {"test_durability.py", "test_load_writes.py", "test_upload_suite.py", "test_access_suite.py",
              "test_xss_suite.py", "test_wheel.py"}


def pytest_configure(config):
    """Under pytest-xdist each worker gets its own PostgreSQL database, as each SQLite test gets its own file:
    the tests empty the public schema, which two workers must not share."""
    url, worker = os.environ.get("MAPAPP_TEST_DATABASE_URL"), os.environ.get("PYTEST_XDIST_WORKER")
    if not (url and worker):
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool
    own = make_url(url).set(database=f"{make_url(url).database}_{worker}")
    engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": own.database}).first():
            conn.execute(text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    os.environ["MAPAPP_TEST_DATABASE_URL"] = own.render_as_string(hide_password=False)


def pytest_collection_modifyitems(config, items):
    """Browser journeys, servers, load and the probe suites are slow; `-m "not slow"` is the daily lane."""
    for item in items:
        if item.get_closest_marker("browser") or item.path.name in SLOW_FILES:
            item.add_marker(pytest.mark.slow)


def _database_url(tmp_path: Path) -> str:
    # CI runs the suite a second time against PostgreSQL by setting this variable.
    url = os.environ.get("MAPAPP_TEST_DATABASE_URL")
    return url or f"sqlite:///{tmp_path / 'test.sqlite'}"


def make_app(tmp_path: Path, geodata: Path = GEODATA, **config):
    """An app on its own database, seeded from geodata (or a broken copy of it)."""
    settings = {"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": _database_url(tmp_path),
                "GEODATA_DIR": str(geodata), "TODAY": TODAY, "WTF_CSRF_ENABLED": True}
    settings.update(config)
    app = create_app(settings)
    if settings["DATABASE_URL"] == os.environ.get("MAPAPP_TEST_DATABASE_URL"):
        # On an empty schema create_app has just seeded from geodata (AUTO_SEED); seed again only when
        # it did not, e.g. for a second app in the same test.
        if not (_POSTGRES.pop("fresh", False) and settings.get("AUTO_SEED", True)):
            from mapapp.store.seed import seed_from_dir
            seed_from_dir(app.extensions["mapapp_engine"], geodata, force=True)
    return app


_POSTGRES = {}


@pytest.fixture(autouse=True)
def _postgres_schema():
    """On PostgreSQL all tests share one database: each gets an empty schema, as each SQLite test gets
    its own file. Leftover connections of earlier tests are closed first, so nothing holds a lock."""
    url = os.environ.get("MAPAPP_TEST_DATABASE_URL")
    if url:
        from sqlalchemy import create_engine, text
        from sqlalchemy.pool import NullPool
        engine = create_engine(url, poolclass=NullPool)
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        _POSTGRES["fresh"] = True
    yield


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory):
    """Seed one SQLite file per test session; each test gets a copy of it."""
    folder = tmp_path_factory.mktemp("template")
    # Always a SQLite file, also in the PostgreSQL run: some tests copy it before making their app.
    app = make_app(folder, DATABASE_URL=f"sqlite:///{folder / 'test.sqlite'}")
    app.extensions["mapapp_engine"].dispose()
    return folder / "test.sqlite"


@pytest.fixture
def app(tmp_path, seeded_template):
    if not os.environ.get("MAPAPP_TEST_DATABASE_URL"):
        shutil.copy(seeded_template, tmp_path / "test.sqlite")
    app = make_app(tmp_path)
    yield app
    app.extensions["mapapp_engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def geodata_copy(tmp_path):
    """A writable copy of geodata/ that a test may break."""
    target = tmp_path / "geodata"
    shutil.copytree(GEODATA, target)
    return target


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The app served on loopback from a thread, for the browser tests."""

    def __init__(self, app):
        self.app, self.port = app, _free_port()
        self.server = make_server("127.0.0.1", self.port, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()


@pytest.fixture
def live_server(app):
    with LiveServer(app) as server:
        yield server
