"""The deployment files agree with the app: settings that exist, commands that exist, the proxy's body caps."""
import re
from pathlib import Path

from mapapp.core.settings import DEFAULTS
from mapapp.core.paths import PROJECT_ROOT
from mapapp.web.bodies import FORM_ROOM

DEPLOY = PROJECT_ROOT / "deploy"


def test_the_environment_template_names_only_real_settings():
    text = (DEPLOY / "lofteskartan.env.example").read_text(encoding="utf-8")
    keys = re.findall(r"^#?\s*MAPAPP_([A-Z_]+)=", text, re.M)
    assert keys and set(keys) <= set(DEFAULTS), sorted(set(keys) - set(DEFAULTS))
    for needed in ("SECRET_KEY", "DATABASE_URL", "RATELIMIT_STORAGE_URI", "PROXY_FIX_HOPS", "EVIDENCE_DIR",
                   "BOUNDARY_UPLOAD_DIR"):
        assert needed in keys


def test_units_run_commands_the_app_has(app):
    commands = set(app.cli.list_commands(None)) if hasattr(app.cli, "list_commands") else set()
    commands |= set(app.cli.commands)
    units = sorted((DEPLOY / "systemd").glob("*.service"))
    assert {u.name for u in units} >= {"lofteskartan.service", "lofteskartan-backup.service",
                                      "lofteskartan-send-alerts.service"}
    for unit in units:
        text = unit.read_text(encoding="utf-8")
        assert "EnvironmentFile=/etc/lofteskartan/lofteskartan.env" in text, unit.name
        for command in re.findall(r"flask --app mapapp ([a-z-]+)", text):
            assert command in commands, (unit.name, command)
        timer = unit.with_suffix(".timer")
        assert unit.name == "lofteskartan.service" or timer.exists(), f"{unit.name} has no timer"
    assert '"mapapp:create_app()"' in (DEPLOY / "systemd" / "lofteskartan.service").read_text(encoding="utf-8")


def _mb(value: str) -> int:
    return int(value.rstrip("m")) * 1024 * 1024


def test_the_proxy_caps_bodies_as_the_app_does(app):
    """nginx refuses no body the app would take, and takes large ones only on the app's upload routes."""
    site = (DEPLOY / "nginx" / "lofteskartan.conf").read_text(encoding="utf-8")
    default = _mb(re.search(r"^    client_max_body_size (\d+m);", site, re.M).group(1))
    block = re.search(r"location ~ (\S+) \{\s*client_max_body_size (\d+m);", site)
    uploads, upload_cap = re.compile(block.group(1)), _mb(block.group(2))
    assert default == app.config["MAX_CONTENT_LENGTH"]
    largest = max(app.config[k] for k in ("MAX_EVIDENCE_BYTES", "MAX_IMPORT_BYTES", "MAX_BOUNDARY_BYTES"))
    assert upload_cap >= 2 * largest + FORM_ROOM
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        path = re.sub(r"<[^>]+>", "x", rule.rule)
        marked = getattr(app.view_functions[rule.endpoint], "upload_limit", None) is not None
        assert bool(uploads.match(path)) == marked, (rule.rule, marked)
