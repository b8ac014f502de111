"""The real server for the durability and load tests: gunicorn (gunicorn.conf.py) on 127.0.0.1, the flask
CLI as a subprocess, and planners that sign in and record follow-ups through the real form with CSRF.

Only loopback is contacted. The server runs in its own process group, so a test can SIGKILL the
master and its workers at once, as a crash or a power cut of the app server would.
"""
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from mapapp.core.paths import PROJECT_ROOT

TODAY = "2026-11-23"  # the date the app reasons with, as in conftest
PASSWORD = "korrekt-häst-batteri"
USERNAME = "planner"
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_SEEN = re.compile(r'name="seen_latest"[^>]*value="(\d*)"')
_SAVED = re.compile(r"[?&]saved=(\d+)")
PDF = b"%PDF-1.4\n% evidence uploaded by the durability test\n%%EOF\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(database_url: str, evidence_dir: Path, **extra) -> dict:
    """The environment for the server and the CLI: MAPAPP_* settings only, nothing from instance/."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAPAPP_", "GUNICORN_"))}
    env.update({
        "MAPAPP_DATABASE_URL": database_url, "MAPAPP_SECRET_KEY": "durability-and-load",
        "MAPAPP_TODAY": TODAY, "MAPAPP_EVIDENCE_DIR": str(evidence_dir),
        "MAPAPP_NATIONAL_AUTOLOAD": "0", "MAPAPP_NATIONAL_PRELOAD": "0",
        # 50 clients sign in from one address; the production limit (10 a minute) would refuse most.
        "MAPAPP_LOGIN_RATE_LIMIT": "100000 per minute",
        "GUNICORN_LOGLEVEL": "warning",
        # tests/ on the path for slow_app() below; the app itself is imported from the project.
        "PYTHONPATH": os.pathsep.join([str(PROJECT_ROOT / "tests"), str(PROJECT_ROOT)]),
    })
    env.update(extra)
    return env


def flask_cli(env: dict, *args: str, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """`flask --app mapapp ARGS` in a subprocess, as an operator would run it."""
    return subprocess.run([sys.executable, "-m", "flask", "--app", "mapapp", *args], env=env, cwd=PROJECT_ROOT,
                          input=stdin, capture_output=True, text=True, timeout=timeout)


def create_planner(env: dict):
    """The planner account, made with `create-user --password-stdin` (also seeds a new database)."""
    done = flask_cli(env, "create-user", USERNAME, "--role", "planner", "--password-stdin", stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stdout + done.stderr


def slow_app():
    """The production app with every write statement delayed (test-only, never in mapapp/).

    Served as Gunicorn(app="live_gunicorn:slow_app()"): each write transaction stays open for tens of
    milliseconds, so a SIGKILL at a random moment of a write-heavy load lands inside one almost surely.
    """
    from mapapp import create_app
    app = create_app()
    slow_statements(app.extensions["mapapp_engine"], float(os.environ.get("DURABILITY_STATEMENT_DELAY", "0.03")))
    return app


def slow_statements(engine, delay: float, announce=None):
    """Sleep before every INSERT/UPDATE/DELETE on engine; announce() once, before the first one."""
    from sqlalchemy import event
    state = {"announced": False}

    @event.listens_for(engine, "before_cursor_execute")
    def _slow(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            if announce and not state["announced"]:
                state["announced"] = True
                announce()
            time.sleep(delay)


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(stat.parent.name))
    return out


class Gunicorn:
    """gunicorn -c gunicorn.conf.py APP on 127.0.0.1:<free port>, in its own process group."""

    def __init__(self, env: dict, log: Path, workers: int = 2, threads: int = 4, app: str = "mapapp:create_app()",
                 port: int | None = None):
        self.port = port or free_port()
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_WORKERS": str(workers),
                    "GUNICORN_THREADS": str(threads)}
        self.env.pop("GUNICORN_ACCESSLOG", None)
        self.log, self.workers, self.app = log, workers, app
        self.proc = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90) -> "Gunicorn":
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(PROJECT_ROOT / "gunicorn.conf.py"), self.app],
                cwd=PROJECT_ROOT, env=self.env, stdout=out, stderr=out, start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            try:
                if requests.get(self.url + "/login", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"gunicorn did not start:\n{self.log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.1)
        while len(_children(self.proc.pid)) < self.workers and time.monotonic() < deadline:
            time.sleep(0.05)
        return self

    def kill(self):
        """SIGKILL the master and every worker at the same instant (the whole process group)."""
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        self._reap()

    def stop(self):
        """A graceful stop (SIGTERM), as a deploy would do."""
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.kill()
        self._reap()

    def _reap(self):
        if self.proc is not None:
            self.proc.wait()
            # The workers are gone with the group; wait until none is left holding the database.
            deadline = time.monotonic() + 10
            while _group_alive(self.proc.pid) and time.monotonic() < deadline:
                time.sleep(0.05)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # Zombies still count for killpg; only living members matter.
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                return True
    return False


# gunicorn.conf.py keeps an idle connection open for 5 s. A client that reuses one just as the server
# closes it gets a reset (browsers then resend the request silently, RFC 9112 section 9.3.1); a
# client closes its own idle connections sooner, as HTTP client libraries' idle timeouts do.
CLIENT_IDLE_LIMIT = 3.5


class Planner:
    """One browser (a citizen's, or a planner's once signed in): a cookie jar, a CSRF token, the forms."""

    def __init__(self, base: str, timeout: float = 60):
        self.base, self.timeout = base, timeout
        self.http = requests.Session()
        self.token = None
        self.last_used = 0.0

    def _request(self, method: str, path: str, **kwargs) -> requests.Response:
        if time.monotonic() - self.last_used > CLIENT_IDLE_LIMIT:
            self.http.close()  # drops the pooled connections; the session and its cookies stay
        try:
            return self.http.request(method, self.base + path, timeout=self.timeout, allow_redirects=False,
                                     **kwargs)
        finally:
            self.last_used = time.monotonic()

    def get(self, path: str) -> requests.Response:
        return self._request("GET", path)

    def post(self, path: str, data) -> requests.Response:
        return self._request("POST", path, data=data)

    def login(self, username: str = USERNAME, password: str = PASSWORD):
        page = self.get("/login")
        assert page.status_code == 200, page.status_code
        token = _TOKEN.search(page.text).group(1)
        answer = self._request("POST", "/login",
                               data={"csrf_token": token, "username": username, "password": password})
        assert answer.status_code == 302, (answer.status_code, answer.text[:500])
        return self

    def open_form(self, commitment: str) -> tuple[requests.Response, int | None]:
        """GET the follow-up form: keeps its CSRF token, returns the id of the newest entry it shows."""
        page = self.get(f"/planner/commitment/{commitment}/follow-up")
        if page.status_code == 200:
            self.token = _TOKEN.search(page.text).group(1)
            seen = _SEEN.search(page.text)
            return page, int(seen.group(1) or 0) if seen else 0
        return page, None

    def post_follow_up(self, commitment: str, note: str, day: str, seen: int, confirm: bool,
                       evidence: str | None = None) -> tuple[requests.Response, int | None]:
        """POST the form; returns the answer and the new entry's id when it was saved (302 ?saved=ID)."""
        data = {"csrf_token": self.token, "date": day, "status": "ej_bedomd", "note": note,
                "seen_latest": str(seen)}
        files = None
        if confirm:
            data["confirm"] = "y"
        if evidence == "url":
            data.update(status="pagar", evidence_url="https://example.se/lagesbild.pdf",
                        evidence_title="Lägesbild")
        elif evidence == "file":
            data.update(status="pagar")
            files = {"evidence_file": ("lagesbild.pdf", PDF, "application/pdf")}
        answer = self._request("POST", f"/planner/commitment/{commitment}/follow-up", data=data, files=files)
        saved = _SAVED.search(answer.headers.get("Location", "")) if answer.status_code == 302 else None
        return answer, int(saved.group(1)) if saved else None


def run_clients(threads: list, seconds: float) -> float:
    """Start the client threads and wait for them all (a hung one fails the test); returns the seconds taken."""
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 180)
    assert not any(t.is_alive() for t in threads), "a client hung"
    return time.monotonic() - started


def follow_up_targets(engine) -> list[tuple[str, str]]:
    """(promise/commitment, a valid date) for every commitment of a published promise."""
    import datetime as dt

    from sqlalchemy import select

    from mapapp.web.forms import final_follow_up_limit
    from mapapp.store.models import Commitment, Promise
    today = dt.date.fromisoformat(TODAY)
    with engine.connect() as conn:
        rows = conn.execute(select(Promise.slug, Commitment.slug, Promise.period_start, Promise.period_end)
                            .join(Commitment, Commitment.promise_id == Promise.id)
                            .where(Promise.published.is_(True)).order_by(Commitment.id)).all()
    out = []
    for promise, commitment, start, end in rows:
        day = min(today, final_follow_up_limit(end), end)
        assert start <= day
        out.append((f"{promise}/{commitment}", day.isoformat()))
    return out
