"""Löfteskartan: what police and municipality promised a neighbourhood, where, and whether it was kept."""
import datetime as dt
import os
from pathlib import Path

from flask import Flask
from flask.json.provider import DefaultJSONProvider

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class _JSONProvider(DefaultJSONProvider):
    """ISO 8601 dates in every JSON answer."""

    ensure_ascii = False
    sort_keys = False

    @staticmethod
    def default(o):
        if isinstance(o, (dt.date, dt.datetime)):
            return o.isoformat()
        return DefaultJSONProvider.default(o)


def create_app(test_config=None):
    """Build the app: defaults, then instance/config.py, then MAPAPP_* environment, then test_config."""
    app = Flask(__name__, instance_relative_config=True,
                template_folder=str(PROJECT_ROOT / "templates"))
    app.json = _JSONProvider(app)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(
        SECRET_KEY="dev-only-change-me",
        DATABASE_URL="sqlite:///" + os.path.join(app.instance_path, "mapapp.sqlite"),
        GEODATA_DIR=str(PROJECT_ROOT / "geodata"),
        AUTO_SEED=True,
        TODAY=None,  # a fixed date for tests and demos; None means the real date
        TILE_URL=None,  # e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png; None = plain background
        TILE_ATTRIBUTION="",
        PUBLIC_URL=None,  # e.g. https://lofteskartan.example.se — used in QR codes shown at presentations
        GEOCODER_URL=None,  # e.g. a Nominatim search URL with {q}; off by default, the app never needs it
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",  # Secure too when PREFERRED_URL_SCHEME is "https" (auth.init_app)
        LOGIN_RATE_LIMIT="10 per minute",  # sign-in attempts per client address
        RATELIMIT_STORAGE_URI="memory://",  # e.g. redis://host:6379 when several app servers run
        MAX_EVIDENCE_BYTES=5 * 1024 * 1024,
        EVIDENCE_DIR=None,  # uploaded evidence; None means instance/evidence
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("MAPAPP")
    else:
        app.config.from_mapping(test_config)

    from . import db, errors, views, api, i18n, auth, planner, planner_views  # noqa: F401 (routes)
    i18n.init_app(app)
    from .converters import SlugConverter
    app.url_map.converters["slug"] = SlugConverter
    errors.init_app(app)
    db.init_app(app)
    from .importer import cli as importer_cli
    importer_cli.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    from . import citizen
    app.register_blueprint(citizen.bp)
    from . import backup, exports, ogc
    app.register_blueprint(exports.bp)
    app.register_blueprint(ogc.bp)
    backup.init_app(app)
    auth.init_app(app)
    app.register_blueprint(planner.bp)
    app.register_blueprint(planner.files)
    from . import presenter; app.register_blueprint(presenter.bp)  # noqa: E702 (presenter mode, one line)
    from . import review; app.register_blueprint(review.bp)  # noqa: E702 (import and review of promise documents)
    from . import background, benchmark, httpcache  # national layer, `flask benchmark`, compression + caching
    background.init_app(app); benchmark.init_app(app); httpcache.init_app(app)  # noqa: E702
    from . import boundary_views; boundary_views.init_app(app)  # noqa: E702 (area boundary import, import-areas)
    from . import security; security.init_app(app)  # noqa: E702 (after httpcache: its headers hook runs before compression)
    return app


def today(app=None) -> dt.date:
    """The date the app reasons with (configurable so tests and demos are repeatable)."""
    from flask import current_app
    value = (app or current_app).config.get("TODAY")
    if value:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return dt.date.today()
