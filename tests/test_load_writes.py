"""Load with writes: 50 concurrent clients on gunicorn (2 workers, gunicorn.conf.py) on 127.0.0.1, mixing
reads (map page, area pages, API) with planners' follow-ups through the real form (sign-in, CSRF,
the conflict rule), for MAPAPP_LOAD_SECONDS (default 60) → no 5xx, no connection error, and every
write the server acknowledged is in the database afterwards.

Each client reads as a citizen does (not signed in: public pages come from the page cache until a
write moves the data version on) and writes as a signed-in planner (its own session; signed-in
requests never use the page cache). Client i records follow-ups on commitment i mod 24 (the seeded
data has 24), so two or three clients share each one: when another's entry came between opening the
form and saving it, the app refuses with 409 (counted as refused, not an error) and the client saves
again with "I have seen the newer entry" ticked, as a planner would. Clients close connections they
left idle for 3.5 s, before gunicorn's 5 s keep-alive does (tests/live_gunicorn.py).
"""
import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import create_engine, text

from live_gunicorn import Gunicorn, Planner, USERNAME, app_env, create_planner, follow_up_targets, run_clients

pytest_plugins = ["suite_report"]

CLIENTS = 50
SECONDS = float(os.environ.get("MAPAPP_LOAD_SECONDS", "60"))
WRITE_SHARE = 0.25  # of the clients' steps; a write step is two requests (open the form, save)
MAX_STEPS = 20_000  # per client: bounded in count as well as in time


def report(line: str):
    from suite_report import report as add  # imported once pytest has registered it as a plugin
    add(line)


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = self.refused = 0
        self.errors: list[str] = []
        self.acked: dict[str, int] = {}
        self.unconfirmed: list[tuple[str, int, int]] = []  # (commitment, seen, saved id) of saves not confirmed
        self.latency = {"read": [], "write": []}

    def record(self, kind: str, started: float, answer=None, error: str | None = None, expected=(200,)):
        elapsed = time.perf_counter() - started
        with self.lock:
            self.requests += 1
            self.latency[kind].append(elapsed)
            if error:
                self.errors.append(error)
            elif answer.status_code not in expected:
                self.errors.append(f"{answer.request.method} {answer.url} → {answer.status_code}")


def client(index: int, citizen: Planner, planner: Planner, target: tuple[str, str], reads: list[str],
           deadline: float, tally: Tally):
    rng = random.Random(index)
    commitment, day = target
    for step in range(MAX_STEPS):
        if time.monotonic() >= deadline:
            return
        if rng.random() >= WRITE_SHARE:
            path, started = rng.choice(reads), time.perf_counter()
            try:
                answer = citizen.get(path)
            except requests.RequestException as exc:
                tally.record("read", started, error=f"GET {path}: {type(exc).__name__}: {exc}")
                continue
            tally.record("read", started, answer)
            continue
        started = time.perf_counter()
        try:
            page, seen = planner.open_form(commitment)
        except requests.RequestException as exc:
            tally.record("write", started, error=f"GET form {commitment}: {type(exc).__name__}: {exc}")
            continue
        tally.record("write", started, page)
        if page.status_code != 200:
            continue
        note = f"load-c{index}-s{step}"
        confirm = False
        for _attempt in range(3):
            started = time.perf_counter()
            try:
                answer, saved = planner.post_follow_up(commitment, note, day, seen, confirm,
                                                       evidence="url" if step % 2 else None)
            except requests.RequestException as exc:
                tally.record("write", started, error=f"POST {commitment}: {type(exc).__name__}: {exc}")
                break
            tally.record("write", started, answer, expected=(302, 409))
            if answer.status_code == 409:  # another planner's entry came first: look, then confirm
                with tally.lock:
                    tally.refused += 1
                confirm = True
                continue
            if saved:
                with tally.lock:
                    tally.acked[note] = saved
                    if not confirm:
                        tally.unconfirmed.append((commitment, seen, saved))
            break


def _ms(values: list[float], q: float) -> str:
    if not values:
        return "–"
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000:.0f}"


@pytest.fixture
def database_url(tmp_path):
    # On the PostgreSQL run (scripts/test.sh) the server uses the test database, emptied per test by conftest.
    return os.environ.get("MAPAPP_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'load.sqlite'}"


def test_fifty_clients_reading_and_writing_for_a_minute(tmp_path, database_url):
    env = app_env(database_url, tmp_path / "evidence")
    create_planner(env)  # first start: creates and seeds the database
    engine = create_engine(database_url)
    targets = follow_up_targets(engine)
    with engine.connect() as conn:
        areas = conn.execute(text("SELECT slug FROM area ORDER BY slug")).scalars().all()
        promises = conn.execute(text("SELECT slug FROM promise WHERE published ORDER BY slug")).scalars().all()
    reads = (["/"] * 3 + [f"/area/{a}" for a in areas] + ["/api/promises", "/api/areas.geojson"]
             + [f"/api/areas/{a}" for a in areas[:3]] + [f"/api/promises/{p}" for p in promises[:3]])
    tally = Tally()
    with Gunicorn(env, tmp_path / "gunicorn.log", workers=2) as server:
        with ThreadPoolExecutor(8) as pool:
            planners = list(pool.map(lambda _i: Planner(server.url).login(), range(CLIENTS)))
        assert planners[0].get("/").status_code == 200
        citizens = [Planner(server.url) for _ in range(CLIENTS)]
        deadline = time.monotonic() + SECONDS
        threads = [threading.Thread(target=client, daemon=True,
                                    args=(i, citizens[i], p, targets[i % len(targets)], reads, deadline, tally))
                   for i, p in enumerate(planners)]
        elapsed = run_clients(threads, SECONDS)
        log = (tmp_path / "gunicorn.log").read_text(errors="replace")

    with engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT note, id FROM follow_up WHERE recorded_by = :u AND note LIKE 'load-%'"),
                                   {"u": USERNAME}).all())
        audited = conn.execute(text("SELECT count(*) FROM audit_entry a WHERE a.entity_type = 'follow_up' "
                                    "AND a.username = :u"), {"u": USERNAME}).scalar_one()
        ids = {}  # commitment → its follow-up ids
        for key, fid in conn.execute(text(
                "SELECT p.slug || '/' || c.slug, f.id FROM follow_up f JOIN commitment c ON c.id = f.commitment_id "
                "JOIN promise p ON p.id = c.promise_id")):
            ids.setdefault(key, set()).add(fid)
    engine.dispose()
    # The conflict rule: a save that was not confirmed must have been the first entry after the one its
    # form showed. An entry between the two means two saves raced past the check (the check runs inside
    # the write, after the commitment row is locked, so there must be none).
    raced = sum(1 for key, seen, fid in tally.unconfirmed if any(seen < other < fid for other in ids[key]))
    reads_n, writes_n = len(tally.latency["read"]), len(tally.latency["write"])
    report(f"load with writes: {CLIENTS} clients, {SECONDS:g} s, {tally.requests} requests, "
           f"{len(tally.errors)} errors, {len(tally.acked)} writes acknowledged, {len(stored)} stored")
    report(f"load detail: {tally.requests / elapsed:.0f} requests/s over {elapsed:.0f} s; {reads_n} reads "
           f"(p50 {_ms(tally.latency['read'], .5)} ms, p99 {_ms(tally.latency['read'], .99)} ms), {writes_n} form "
           f"requests (p50 {_ms(tally.latency['write'], .5)} ms, p99 {_ms(tally.latency['write'], .99)} ms); "
           f"{tally.refused} saves refused with 409 and then confirmed; {raced} of {len(tally.unconfirmed)} "
           f"unconfirmed saves raced past the conflict check; database {database_url.split(':', 1)[0]}")
    assert not tally.errors, f"{len(tally.errors)} errors, e.g. {tally.errors[:5]}\n{log[-3000:]}"
    assert "Traceback" not in log and "database is locked" not in log, log[-3000:]
    assert tally.requests >= CLIENTS * 2 and tally.acked, "the load did not happen"
    missing = {note: fid for note, fid in tally.acked.items() if stored.get(note) != fid}
    assert not missing, f"{len(missing)} acknowledged writes missing, e.g. {list(missing.items())[:5]}"
    assert len(stored) == len(tally.acked), "a write was stored that the server never acknowledged"
    assert audited == len(stored), "every follow-up has its audit entry"
    assert tally.unconfirmed, "no save went through the conflict check unconfirmed"
    assert raced == 0, f"{raced} of {len(tally.unconfirmed)} unconfirmed saves raced past the conflict check"
