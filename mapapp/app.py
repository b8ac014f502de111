"""The application factory: settings, then the layers wired together from the top floor."""
import datetime as dt
import os

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from .core.paths import resource_dir
from .core.settings import DEFAULTS, PUBLIC_DEFAULT_KEYS


class _JSONProvider(DefaultJSONProvider):
    """ISO 8601 dates in every JSON answer."""

    ensure_ascii = False
    sort_keys = False

    @staticmethod
    def default(o):
        if isinstance(o, (dt.date, dt.datetime)):
            return o.isoformat()
        return DefaultJSONProvider.default(o)


class ConfigurationError(SystemExit):
    """A setting the app cannot run with: a clear message and a non-zero exit, never a traceback."""

    def __init__(self, message: str):
        super().__init__(f"Löfteskartan: {message}")


def load_config(app, test_config=None):
    """Defaults from the settings table, then instance/config.py, then MAPAPP_* variables, then test_config."""
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("MAPAPP")
    else:
        app.config.from_mapping(test_config)
    cfg = app.config
    cfg["DATABASE_URL"] = cfg["DATABASE_URL"] or "sqlite:///" + os.path.join(app.instance_path, "mapapp.sqlite")
    cfg["GEODATA_DIR"] = str(cfg["GEODATA_DIR"] or resource_dir("geodata"))
    key = cfg["SECRET_KEY"].strip() if isinstance(cfg["SECRET_KEY"], str) else cfg["SECRET_KEY"]
    if (not key or key in PUBLIC_DEFAULT_KEYS) and not (app.debug or app.testing or cfg.get("TESTING")):
        raise ConfigurationError(
            "no secret key is set (or only a blank or public default one). Set MAPAPP_SECRET_KEY to a long random value (for example the output of "
            "`python3 -c 'import secrets; print(secrets.token_hex(32))'`); the app refuses to run on a "
            "public default key outside debug and testing.")


def create_app(test_config=None):
    """Build the app from its settings (see core/settings.py) and register every part."""
    app = Flask("mapapp", instance_relative_config=True, template_folder=str(resource_dir("templates")))
    app.json = _JSONProvider(app)
    os.makedirs(app.instance_path, exist_ok=True)
    load_config(app, test_config)

    from . import cli
    from .http import assets, conditional, i18n, security
    from .store import db
    from .web import register
    i18n.init_app(app)
    db.init_app(app)
    register(app)
    cli.init_app(app)
    assets.init_app(app)
    conditional.init_app(app)
    security.init_app(app)  # after conditional: its headers hook runs before compression
    return app
