"""Settings: one table of keys, defaults and help; code reads only those, through the app config."""
import re
from pathlib import Path

from mapapp import create_app
from mapapp.core.settings import DEFAULTS, SETTINGS

PACKAGE = Path(__file__).resolve().parent.parent / "mapapp"
# Keys that belong to Flask or an extension and are set by the app itself, not by an operator.
OWNED_ELSEWHERE = {"TESTING", "COMPRESS_CACHE_KEY", "COMPRESS_CACHE_BACKEND", "COMPRESS_ALGORITHM", "COMPRESS_BR_LEVEL",
                   "COMPRESS_MIN_SIZE",
                   "WTF_CSRF_ENABLED"}


def test_every_setting_read_in_the_code_is_in_the_table():
    used = set()
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"config\[\"([A-Z_]+)\"\]", text))
        used |= set(re.findall(r"config\.(?:get|setdefault)\(\"([A-Z_]+)\"", text))
    assert used - OWNED_ELSEWHERE <= set(DEFAULTS), sorted(used - OWNED_ELSEWHERE - set(DEFAULTS))


def test_no_setting_is_read_with_a_default_of_its_own():
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"config\.get\(\"[A-Z_]+\"", text), path


def test_every_setting_has_help_and_a_unique_key():
    keys = [s.key for s in SETTINGS]
    assert len(keys) == len(set(keys))
    assert all(s.help.strip() for s in SETTINGS)


def test_environment_overrides_a_default(monkeypatch, tmp_path):
    monkeypatch.setenv("MAPAPP_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("MAPAPP_MAX_EVIDENCE_BYTES", "1024")
    monkeypatch.setenv("MAPAPP_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
    app = create_app()
    assert app.config["MAX_EVIDENCE_BYTES"] == 1024 and app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["TILE_ATTRIBUTION"] == DEFAULTS["TILE_ATTRIBUTION"]
    app.extensions["mapapp_engine"].dispose()


def test_flask_settings_never_prints_a_password(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
                      "RATELIMIT_STORAGE_URI": "redis://:s3cret@127.0.0.1:6379/0", "AUTO_SEED": False})
    out = app.test_cli_runner().invoke(args=["settings"]).output
    assert "RATELIMIT_STORAGE_URI = 'redis://:***@127.0.0.1:6379/0'" in out
    assert "s3cret" not in out and "SECRET_KEY = (set)" in out
    app.extensions["mapapp_engine"].dispose()
