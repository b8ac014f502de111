"""The seed command: dry run, rebuild, and first start without any manual step."""
import os
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import _free_port
from mapapp.core.paths import PROJECT_ROOT


def test_seed_dry_run_writes_nothing(runner):
    result = runner.invoke(args=["seed", "--dry-run"])
    assert result.exit_code == 0
    assert result.output.strip() == ("checked (dry run, nothing written): 7 areas, 10 promises, 42 commitments, "
                                     "18 follow-ups, 6 camera sites, 5 places")


def test_seed_rebuilds(runner, client):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "seeded: 7 areas" in result.output
    assert len(client.get("/api/promises").get_json()["promises"]) == 10


@pytest.mark.skipif(bool(os.environ.get("MAPAPP_TEST_DATABASE_URL")), reason="first start is about the SQLite default")
def test_first_start_creates_and_seeds_the_database(tmp_path):
    """README command (a) in miniature: flask run on an empty instance serves the seeded data."""
    port = _free_port()
    env = {**os.environ, "MAPAPP_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite'}",
           "MAPAPP_SECRET_KEY": "a-key-only-this-test-knows"}
    server = subprocess.Popen([sys.executable, "-m", "flask", "--app", "mapapp", "run", "--port", str(port)],
                              cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        body = ""
        for _ in range(300):  # up to a minute: a first start seeds the database, and CI machines are shared
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert "Hageby" in body and "Medborgarlöfte Norrköping 2023–2024" in body
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.parametrize("key", [None, "", "   ", "dev-only-change-me", " change-me\n"])
def test_refuses_to_start_without_a_secret_key(tmp_path, key):
    """Outside debug and testing a missing, empty or public default key stops the app with a clear line."""
    env = {k: v for k, v in os.environ.items() if k != "MAPAPP_SECRET_KEY"}
    env["MAPAPP_DATABASE_URL"] = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    if key is not None:
        env["MAPAPP_SECRET_KEY"] = key
    done = subprocess.run([sys.executable, "-c", "from mapapp import create_app; create_app()"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "no secret key is set" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("command", [["gunicorn", "-c", str(PROJECT_ROOT / "gunicorn.conf.py"), "mapapp:create_app()"],
                                     ["flask", "--app", "mapapp", "routes"]])
@pytest.mark.parametrize("key", [None, " "])
def test_gunicorn_and_the_cli_refuse_without_a_secret_key(tmp_path, command, key):
    """The production server and the commands stop before serving anything: one clear line, exit 1."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAPAPP_", "GUNICORN_"))}
    env.update(MAPAPP_DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite'}", GUNICORN_BIND=f"127.0.0.1:{_free_port()}")
    if key is not None:
        env["MAPAPP_SECRET_KEY"] = key
    done = subprocess.run([sys.executable, "-m", *command], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1, (done.returncode, done.stderr[-500:])
    assert "no secret key is set" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("url, said", [
    ("postgresql+psycopg://someone:hunter2@127.0.0.1:1/mapapp", "could not use its database at postgresql+psycopg://someone:***@127.0.0.1:1/mapapp"),
    ("sqlite:////no/such/folder/mapapp.sqlite", "could not use its database at sqlite:////no/such/folder/mapapp.sqlite"),
    ("not a url :hunter2", "cannot use MAPAPP_DATABASE_URL: it is not a database URL"),
    ("postgresql+psycopg://someone:hunter2@db.example:notaport/mapapp", "cannot use MAPAPP_DATABASE_URL: it is not a database URL"),
    ("postgresql+nosuchdriver://someone:hunter2@db.example/mapapp", "Can't load plugin: sqlalchemy.dialects:postgresql.nosuchdriver"),
])
def test_a_database_that_cannot_be_used_stops_the_commands_with_one_line(tmp_path, url, said):
    """A server that is down, a folder that is not there or a URL that does not parse: exit 1, no traceback,
    no password."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAPAPP_")}
    env.update(MAPAPP_DATABASE_URL=url, MAPAPP_SECRET_KEY="a-key-only-this-test-knows")
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "mapapp", "routes"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, (done.returncode, done.stderr[-500:])
    assert said in done.stderr and "Traceback" not in done.stderr and "hunter2" not in done.stderr


def test_a_migration_that_fails_on_a_reachable_database_keeps_its_own_error(tmp_path, monkeypatch):
    """Only reaching the database is reported as 'could not use its database'; a failing step after it
    (a migration, a seed) is a different fault and keeps its own error and traceback."""
    from sqlalchemy.exc import OperationalError

    from mapapp import create_app
    from mapapp.store import migrations

    def broken(_engine):
        raise OperationalError("ALTER TABLE area ADD COLUMN x", {}, Exception("duplicate column name: x"))
    monkeypatch.setattr(migrations, "upgrade", broken)
    with pytest.raises(OperationalError, match="duplicate column name"):
        create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"})
