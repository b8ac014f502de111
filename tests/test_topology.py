"""Beyond one machine: nginx (TLS) → two gunicorn app servers → one PostgreSQL and one Redis, all on loopback.

What must be shared is shared: a write through server A is never followed by a stale answer from server B
(map, area page, JSON, feeds, OGC: every cache is keyed by the data version in the database); the login
limit is counted in Redis, so it holds across both servers; a session made on A works on B (signed
cookies, one key); evidence uploaded through A downloads through B (EVIDENCE_DIR on storage both
servers mount: here one folder, in production a shared mount, see README "Production"). Then 200
clients mix reads and planners' writes for TOPOLOGY_SECONDS (default 60) through the proxy: no errors,
and every acknowledged write is stored exactly once. Both servers start at the same moment on the empty
database, as two hosts booting would: one migrates and seeds, the other waits (store/db.startup_lock).

Runs once, in the first pass of scripts/test.sh, on its own PostgreSQL (the second pass is PostgreSQL too).
"""
import os
import random
import re
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import create_engine, text

from live_gunicorn import PDF, USERNAME, Gunicorn, app_env, create_planner, follow_up_targets, run_clients
from topology import Browser, Nginx, Postgres, Redis, missing_programs, scratch

pytest_plugins = ["suite_report"]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(os.environ.get("MAPAPP_TEST_DATABASE_URL")),
                       reason="runs once, in the first pass, on its own PostgreSQL, Redis and nginx"),
]

CLIENTS = 200
WRITERS = 12  # of the 200: planners, each signed in from its own address, recording follow-ups
SECONDS = float(os.environ.get("TOPOLOGY_SECONDS", "60"))
LOGIN_LIMIT = 10  # per client address, as in production, but an hour: a slow CI machine never leaves the window
PROMISE, COMMITMENT, AREA, DAY = "norrkoping-2023-2024", "est", "marielund", "2024-11-15"
SHOWS_NOTES = [f"/area/{AREA}", f"/area/{AREA}.json", f"/area/{AREA}/feed.atom", f"/promise/{PROMISE}/feed.atom",
               f"/promise/{PROMISE}/commitment/{COMMITMENT}", f"/api/promises/{PROMISE}/follow-ups"]
SHOWS_STATUS = ["/", "/index.json", "/ogc/collections/commitments/items?limit=1000", "/api/areas.geojson"]
STATUSES = ["delvis_genomford", "genomford", "pagar", "ej_genomford"]
_SAVED = re.compile(r"[?&]saved=(\d+)")


def report(line: str):
    from suite_report import report as add  # imported once pytest has registered it as a plugin
    add(line)


class Figures:
    """What the phases count, printed in the suite report at the end."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.errors: list[str] = []
        self.acked: dict[str, int] = {}
        self.latency: dict[str, list[float]] = {"read": [], "write": []}

    def took(self, kind: str, started: float):
        with self.lock:
            self.latency[kind].append(time.perf_counter() - started)

    def ms(self, kind: str, q: float) -> str:
        ordered = sorted(self.latency[kind])
        return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000:.0f}" if ordered else "–"

    def count(self, n: int = 1):
        with self.lock:
            self.requests += n


@pytest.fixture(scope="module")
def topology(tmp_path_factory):
    missing = missing_programs()
    if missing:
        pytest.fail(f"not installed: {', '.join(missing)} (scripts/test.sh installs them with apt-get)")
    root = tmp_path_factory.mktemp("topology")
    services = scratch("lofteskartan-topology-")  # postgres and nginx's workers must be able to enter it
    pg, redis = Postgres(services / "pg").start(), None
    servers, nginx = [], None
    try:
        redis = Redis(services / "redis").start()
        shared = root / "shared"  # what both servers mount: evidence files and boundary previews
        env = app_env(pg.url, shared / "evidence", MAPAPP_PROXY_FIX_HOPS="1", MAPAPP_PREFERRED_URL_SCHEME="https",
                      MAPAPP_RATELIMIT_STORAGE_URI=redis.url, MAPAPP_LOGIN_RATE_LIMIT=f"{LOGIN_LIMIT} per hour",
                      MAPAPP_BOUNDARY_UPLOAD_DIR=str(shared / "boundary-uploads"))
        servers = [Gunicorn(env, root / f"gunicorn-{name}.log", workers=2, threads=8) for name in "ab"]
        # Two hosts booting at once on an empty database: each migrates and seeds unless the other has.
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda s: s.start(timeout=180), servers))
        create_planner(env)
        nginx = Nginx(services / "nginx", servers[0].port, servers[1].port).start()
        yield {"env": env, "pg": pg, "redis": redis, "servers": servers, "nginx": nginx, "figures": Figures(),
               "root": root}
    finally:
        if nginx:
            nginx.stop()
        for server in servers:
            server.stop()
        if redis:
            redis.stop()
        pg.stop()
        import shutil
        shutil.rmtree(services, ignore_errors=True)


def _browser(topology, which="both", source=None) -> Browser:
    nginx = topology["nginx"]
    return Browser(nginx.url(which), nginx.cert, source=source)


def _post_status(planner: Browser, note: str, status: str, figures: Figures) -> int:
    """Record a follow-up on the target commitment through the form; returns the new entry's id."""
    page, seen = planner.open_form(f"{PROMISE}/{COMMITMENT}")
    assert page.status_code == 200, page.status_code
    answer = planner._request("POST", f"/planner/commitment/{PROMISE}/{COMMITMENT}/follow-up", data={
        "csrf_token": planner.token, "date": DAY, "status": status, "note": note, "seen_latest": str(seen),
        "confirm": "y", "evidence_url": "https://example.se/lagesbild.pdf", "evidence_title": "Lägesbild"})
    figures.count(2)
    saved = _SAVED.search(answer.headers.get("Location", ""))
    assert answer.status_code == 302 and saved, (answer.status_code, answer.text[:300])
    return int(saved.group(1))


def test_both_servers_started_together_on_one_database_and_tls_headers_hold(topology):
    nginx, figures = topology["nginx"], topology["figures"]
    engine = create_engine(topology["pg"].url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM area")).scalar_one() == 7  # seeded once, not twice
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
    engine.dispose()
    answer = requests.get(nginx.url() + "/login", verify=str(nginx.cert), timeout=30)
    figures.count()
    assert answer.status_code == 200
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "; Secure" in answer.headers["Set-Cookie"] and "HttpOnly" in answer.headers["Set-Cookie"]
    logs = [s.log.read_text(errors="replace") for s in topology["servers"]]
    assert not any("Traceback" in log for log in logs), logs


def test_a_write_through_a_is_never_followed_by_a_stale_answer_from_b(topology):
    figures = topology["figures"]
    planner = _browser(topology, "a", source="127.0.2.1").login()
    citizen_b = _browser(topology, "b")
    stale, checked = [], 0
    for round_, status in enumerate(STATUSES * 2):
        # B has every answer cached (page cache, compressed bytes, rendered maps, the published world) …
        before = {}
        for path in SHOWS_NOTES + SHOWS_STATUS:
            answer = citizen_b.get(path)
            assert answer.status_code == 200, (path, answer.status_code)
            before[path] = (answer.content, answer.headers.get("ETag"))
        figures.count(len(before))
        # … then a planner records a follow-up through A, and the very next requests go to B.
        note = f"topology-{round_}-{uuid.uuid4().hex[:12]}"
        _post_status(planner, note, status, figures)
        for path in SHOWS_NOTES + SHOWS_STATUS:
            fresh = citizen_b.get(path)
            revalidated = citizen_b.http.get(citizen_b.base + path, headers={"If-None-Match": before[path][1]},
                                             timeout=60)
            figures.count(2)
            checked += 1
            old = fresh.content == before[path][0] or revalidated.status_code == 304
            if fresh.status_code != 200 or old or (path in SHOWS_NOTES and note not in fresh.text):
                stale.append((round_, path, fresh.status_code, revalidated.status_code))
    report(f"topology: {checked} answers from server B right after a write through server A, "
           f"{len(stale)} stale (map, area page, JSON, feeds, OGC)")
    assert not stale, stale


def test_a_session_made_on_a_works_on_b_and_files_uploaded_through_a_are_found_by_b(topology):
    figures = topology["figures"]
    planner = _browser(topology, "a", source="127.0.2.2").login()
    answer = planner.on(topology["nginx"].url("b")).get("/planner")
    assert answer.status_code == 200, answer.status_code  # not a redirect to the sign-in form
    planner.on(topology["nginx"].url("a"))
    page, seen = planner.open_form(f"{PROMISE}/{COMMITMENT}")
    answer, saved = planner.post_follow_up(f"{PROMISE}/{COMMITMENT}", "evidence through A", DAY, seen, True,
                                           evidence="file")
    assert answer.status_code == 302 and saved, answer.status_code
    download = _browser(topology, "b").get(f"/evidence/{saved}")  # anonymous, through B
    figures.count(5)
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    # A boundary file checked through A waits as a preview; the planner confirms it through B.
    from boundary_files import geojson
    planner.on(topology["nginx"].url("a"))
    page = planner.get("/planner/areas/import")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    review = planner._request("POST", "/planner/areas/import",
                              data={"csrf_token": token, "licence": "CC0 1.0", "municipality": "0581"},
                              files={"file": ("lundby.geojson", geojson(), "application/geo+json")})
    assert review.status_code == 200, review.status_code
    preview = re.search(r'name="token"[^>]*value="([0-9a-f]{32})"', review.text).group(1)
    done = planner.on(topology["nginx"].url("b"))._request(
        "POST", "/planner/areas/import/confirm", data={"csrf_token": token, "token": preview})
    assert done.status_code == 302 and "created=1" in done.headers["Location"], (done.status_code, done.text[:300])
    assert _browser(topology, "b").get("/area/lundby").status_code == 200
    figures.count(5)
    report(f"topology: session made on A accepted by B; evidence #{saved} uploaded through A, "
           f"downloaded through B byte for byte ({len(PDF)} bytes); boundary preview made on A, confirmed on B")


def test_the_login_limit_holds_across_both_servers(topology):
    """One address, 3 × the limit in wrong passwords through the round-robin proxy: exactly the limit answered."""
    figures, nginx = topology["figures"], topology["nginx"]
    before = len(nginx.log())
    guesser = _browser(topology, "both", source="127.0.3.1")
    page = guesser.get("/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    codes = [guesser._request("POST", "/login", data={"csrf_token": token, "username": USERNAME,
                                                      "password": f"fel-{i}"}).status_code
             for i in range(3 * LOGIN_LIMIT)]
    figures.count(1 + len(codes))
    posts = [(status, upstream) for status, upstream, method, path in nginx.log()[before:]
             if method == "POST" and path == "/login"]
    by_server = Counter(upstream for status, upstream in posts if status == 429)
    servers = {f"127.0.0.1:{s.port}": name for s, name in zip(topology["servers"], "AB")}
    report(f"topology: {len(codes)} wrong passwords from one address through the proxy: {codes.count(401)} "
           f"answered, {codes.count(429)} refused by the shared limit ({LOGIN_LIMIT}/hour), refused by server "
           + ", ".join(f"{servers.get(u, u)} {n}" for u, n in sorted(by_server.items())))
    assert codes.count(401) == LOGIN_LIMIT and codes.count(429) == 2 * LOGIN_LIMIT, codes
    assert len(by_server) == 2, by_server  # both servers refused: they count in the same place


def _client(index, browser, writer, deadline, figures, reads, targets):
    rng = random.Random(index)
    step = 0
    while time.monotonic() < deadline:
        step += 1
        time.sleep(rng.uniform(0.05, 0.6))  # a person reading, not a benchmark
        try:
            if writer is None or rng.random() < 0.6:
                path, started = rng.choice(reads), time.perf_counter()
                answer = browser.get(path)
                figures.count()
                figures.took("read", started)
                if answer.status_code != 200:
                    figures.errors.append(f"GET {path} → {answer.status_code}")
                continue
            commitment, day = targets[(index + step) % len(targets)]
            started = time.perf_counter()
            page, seen = writer.open_form(commitment)
            figures.count()
            if page.status_code != 200:
                figures.errors.append(f"GET form {commitment} → {page.status_code}")
                continue
            note = f"load-{index}-{step}-{uuid.uuid4().hex[:8]}"
            answer, saved = writer.post_follow_up(commitment, note, day, seen, True,
                                                  evidence="url" if step % 2 else None)
            figures.count()
            figures.took("write", started)
            if answer.status_code != 302 or not saved:
                figures.errors.append(f"POST {commitment} → {answer.status_code}")
            else:
                with figures.lock:
                    figures.acked[note] = saved
        except requests.RequestException as exc:
            with figures.lock:
                figures.errors.append(f"{type(exc).__name__}: {exc}")


def test_two_hundred_clients_for_a_minute_over_both_servers(topology):
    figures, nginx = topology["figures"], topology["nginx"]
    engine = create_engine(topology["pg"].url)
    targets = follow_up_targets(engine)
    reads = (["/", "/", f"/area/{AREA}", "/area/hageby", "/area/skaggetorp.json", "/api/promises",
              f"/api/promises/{PROMISE}/follow-ups", f"/area/{AREA}/feed.atom", "/ogc/collections/areas/items",
              "/search?q=torg", "/static/css/app.css", "/api/export/follow-ups.csv"])
    with ThreadPoolExecutor(WRITERS) as pool:  # each planner signs in from its own machine (address)
        writers = list(pool.map(lambda i: _browser(topology, source=f"127.0.4.{i + 1}").login(), range(WRITERS)))
    figures.count(2 * WRITERS)
    before, started = len(nginx.log()), time.monotonic()
    deadline = started + SECONDS
    threads = [threading.Thread(target=_client, daemon=True, args=(
        i, _browser(topology), writers[i] if i < WRITERS else None, deadline, figures, reads, targets))
        for i in range(CLIENTS)]
    elapsed = run_clients(threads, SECONDS)
    during = nginx.log()[before:]
    by_server = Counter(upstream for _status, upstream, _method, _path in during)
    with engine.connect() as conn:
        stored = Counter(conn.execute(text("SELECT note FROM follow_up WHERE recorded_by = :u AND note LIKE 'load-%'"),
                                      {"u": USERNAME}).scalars().all())
    engine.dispose()
    acked = figures.acked
    lost = [n for n in acked if stored[n] != 1]
    servers = {f"127.0.0.1:{s.port}": name for s, name in zip(topology["servers"], "AB")}
    total = len(nginx.log())
    report(f"topology: {CLIENTS} clients ({WRITERS} planners) for {elapsed:.0f} s through nginx (TLS): "
           f"{len(during)} requests, served by " + ", ".join(f"{servers.get(u, u)} {n}" for u, n in
                                                             sorted(by_server.items())) +
           f"; {len(figures.errors)} errors; writes acknowledged {len(acked)} / stored once {len(acked) - len(lost)}"
           f" (stored in all {sum(stored.values())})")
    report(f"topology: {total} requests through the proxy in all phases, {figures.requests} sent by the clients; "
           f"load latency: reads p50 {figures.ms('read', .5)} ms, p99 {figures.ms('read', .99)} ms; writes (form + "
           f"save) p50 {figures.ms('write', .5)} ms, p99 {figures.ms('write', .99)} ms")
    logs = [s.log.read_text(errors="replace") for s in topology["servers"]]
    assert not figures.errors, f"{len(figures.errors)} errors, e.g. {figures.errors[:5]}"
    assert acked and not lost, lost[:5]
    assert sum(stored.values()) == len(acked), "a write was stored that no client saw acknowledged"
    assert len(by_server) == 2 and min(by_server.values()) > len(during) / 4, by_server
    assert not any("Traceback" in log for log in logs), [log[-2000:] for log in logs]
