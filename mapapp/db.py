"""Database engine and per-request session; SQLite in the instance folder by default."""
import click
from flask import current_app, g
from flask.cli import with_appcontext
from sqlalchemy import create_engine, event, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from .errors import DataError, MapappError
from .models import Area, Base


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    # WAL keeps readers going during a write and survives a killed process whole.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str):
    """An engine for the configured URL, with SQLite tuned for concurrent readers."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


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


def create_tables(app=None):
    Base.metadata.create_all(get_engine(app))


def is_seeded(app=None) -> bool:
    engine = get_engine(app)
    if not inspect(engine).has_table("area"):
        return False
    with Session(engine) as session:
        return session.scalar(select(Area.id).limit(1)) is not None


def init_app(app):
    """Create the engine, the tables and, on first start, the seeded data."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["mapapp_engine"] = engine
    app.extensions["mapapp_sessions"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(close_session)
    app.cli.add_command(seed_command)
    create_tables(app)
    if app.config["AUTO_SEED"] and not is_seeded(app):
        from .store.seed import seed_from_dir
        try:
            seed_from_dir(app, app.config["GEODATA_DIR"])
        except DataError as err:
            raise SystemExit(f"Löfteskartan could not load its data: {err.message}") from None


@click.command("seed")
@click.option("--data", "data_dir", type=click.Path(file_okay=False), default=None,
              help="Folder with the data files (default: the app's geodata/).")
@click.option("--dry-run", is_flag=True, help="Check the data files and report; write nothing.")
@click.option("--force", is_flag=True, help="Replace follow-ups that planners recorded in the app.")
@with_appcontext
def seed_command(data_dir, dry_run, force):
    """Rebuild the database from the data files in geodata/.

    Example: flask --app mapapp seed --dry-run
    """
    from .store.seed import seed_from_dir, check_dir
    data_dir = data_dir or current_app.config["GEODATA_DIR"]
    try:
        summary = check_dir(data_dir) if dry_run else seed_from_dir(current_app, data_dir, force=force)
    except MapappError as err:
        raise click.ClickException(err.message) from None
    prefix = "checked (dry run, nothing written)" if dry_run else "seeded"
    click.echo(f"{prefix}: " + ", ".join(f"{n} {k}" for k, n in summary.items()))
