"""Database engine and per-request session (flaskr's db.py); SQLite in the instance folder by default."""
import contextlib

import orjson
from flask import g
from flask import current_app
from sqlalchemy import create_engine, event, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..core.errors import DataError
from . import migrations
from .models import Area


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    # WAL keeps readers going during a write and survives a killed process whole.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _dumps(value) -> str:
    return orjson.dumps(value).decode()


def _loads(value):
    # SQLite's JSON columns have numeric affinity: a stored "2" comes back as the integer 2.
    return orjson.loads(value) if isinstance(value, (str, bytes)) else value


def make_engine(url: str):
    """An engine for the configured URL, with SQLite tuned for concurrent readers; JSON columns through orjson
    (the published data is read in one pass per data version, and JSON decoding was most of its cost)."""
    json_options = {"json_serializer": _dumps, "json_deserializer": _loads}
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10}, **json_options)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **json_options)


def describe_url(url: str) -> str:
    """The database URL with its password hidden, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def get_engine(app=None):
    return (app or current_app).extensions["mapapp_engine"]


def session_factory(app=None) -> sessionmaker:
    return (app or current_app).extensions["mapapp_sessions"]


def get_session() -> Session:
    """One session per request, closed at teardown."""
    if "db_session" not in g:
        g.db_session = session_factory()()
    return g.db_session


def close_session(_exc=None):
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def is_seeded(engine) -> bool:
    if not inspect(engine).has_table("area"):
        return False
    with Session(engine) as session:
        return session.scalar(select(Area.id).limit(1)) is not None


# Any fixed number: the PostgreSQL advisory lock that one-off start-up work (migrate, seed, national load) takes.
STARTUP_LOCK = 0x4C6F6674  # "Loft"


@contextlib.contextmanager
def startup_lock(engine):
    """On PostgreSQL, one server at a time does the first start's work; the others wait, then find it done."""
    if engine.dialect.name != "postgresql":
        yield  # SQLite serves one machine, where gunicorn's master does this work once before forking
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": STARTUP_LOCK})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": STARTUP_LOCK})
            conn.commit()


def init_app(app):
    """The engine, the schema at its newest revision and, on first start, the seeded data."""
    url = app.config["DATABASE_URL"]
    try:
        engine = make_engine(url)
    except (ArgumentError, ImportError, ValueError) as err:
        # A URL that does not parse is not echoed: it may hold a password. (NoSuchModuleError is an
        # ArgumentError that names the missing driver, which is worth saying.)
        why = str(err) if isinstance(err, (NoSuchModuleError, ImportError)) else "it is not a database URL"
        raise SystemExit(f"Löfteskartan cannot use MAPAPP_DATABASE_URL: {why}. It takes a URL such as "
                         "sqlite:///path/to/file.sqlite or postgresql+psycopg://user:password@host/name.") from None
    app.extensions["mapapp_engine"] = engine
    app.extensions["mapapp_sessions"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(close_session)
    try:  # only reaching the database: a failing migration or seed step below keeps its own traceback
        with engine.connect():
            pass
    except OperationalError as err:  # a server that is down, a wrong password, a folder that cannot be written
        reason = (str(err.orig or err).strip().splitlines() or [type(err.orig or err).__name__])[0]
        raise SystemExit(f"Löfteskartan could not use its database at {describe_url(url)}: {reason}") from None
    with startup_lock(engine):  # two servers started at once on an empty database: one migrates and seeds
        if app.config["AUTO_MIGRATE"]:
            migrations.upgrade(engine)
        if app.config["AUTO_SEED"] and not is_seeded(engine):
            from .seed import seed_from_dir
            try:
                seed_from_dir(engine, app.config["GEODATA_DIR"])
            except DataError as err:
                raise SystemExit(f"Löfteskartan could not load its data: {err.message}") from None
