"""A restore killed with SIGKILL inside its transaction leaves the database exactly as it was (a full dump).

The real `flask restore` runs as a subprocess; RESTORE_HOLD_FILE (a setting honoured only in testing)
makes it wait once every row of the backup is written and before the commit, so the kill lands there
for certain. Runs on SQLite and, in the PostgreSQL pass, on PostgreSQL.
"""
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, func, select

from live_gunicorn import PROJECT_ROOT, app_env, create_planner, flask_cli
from mapapp.store.backup import dump_tables
from mapapp.store.models import User

pytestmark = pytest.mark.slow


def _files(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


def test_a_restore_killed_inside_its_transaction_changes_nothing(tmp_path):
    url = os.environ.get("MAPAPP_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'db.sqlite'}"
    evidence = tmp_path / "evidence"
    env = app_env(url, evidence, MAPAPP_TESTING="true")
    create_planner(env)  # seeds the database and adds one account
    backup = tmp_path / "earlier.zip"
    assert flask_cli(env, "backup", str(backup)).returncode == 0
    # Then the data moves on: another account (and its audit entry), and an evidence file.
    done = flask_cli(env, "create-user", "later", "--role", "admin", "--password-stdin", stdin="ett-långt-lösen\n")
    assert done.returncode == 0, done.stderr
    evidence.mkdir(exist_ok=True)
    (evidence / "kept.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    engine = create_engine(url)
    before, files_before = dump_tables(engine), _files(evidence)
    engine.dispose()

    hold = tmp_path / "held"
    restore = subprocess.Popen([sys.executable, "-m", "flask", "--app", "mapapp", "restore", str(backup), "--yes"],
                               cwd=PROJECT_ROOT, env={**env, "MAPAPP_RESTORE_HOLD_FILE": str(hold)},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not hold.exists() and restore.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert hold.exists(), ("the restore was not held inside its transaction", restore.poll(),
                           restore.stderr.read() if restore.poll() is not None else "")
    # Inside the open transaction every row of the backup is written; another connection still sees the old ones.
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(User)) == 2
    engine.dispose()
    os.kill(restore.pid, signal.SIGKILL)
    restore.wait(timeout=30)
    assert restore.returncode == -signal.SIGKILL

    engine = create_engine(url)
    after = dump_tables(engine)
    engine.dispose()
    assert after == before  # every table, row for row, the data version counter too
    assert _files(evidence) == files_before
    names = after["app_user"]["columns"].index("username")
    assert sorted(row[names] for row in after["app_user"]["rows"]) == ["later", "planner"]  # not the backup's one

    # The database is not left locked: the same restore, not held, goes through.
    hold.unlink()
    done = flask_cli(env, "restore", str(backup), "--yes")
    assert done.returncode == 0 and done.stdout.startswith("restored "), done.stdout + done.stderr
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(User)) == 1
    engine.dispose()
