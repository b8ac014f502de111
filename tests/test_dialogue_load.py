"""Load: 200 phones answer a dialogue within one minute, on gunicorn with the default configuration
(gunicorn.conf.py: gthread, one worker per core, 4 threads each; the app's default rate limits), while the
presenter's page asks for the results every second → no error, and every answer counted exactly once.

Each phone is its own client (a cookie jar, no sign-in): it opens the phone page, chooses its area,
sends its answers, and every tenth changes its mind and sends again (the second answer must replace the
first). All phones share 127.0.0.1, as a room behind one network address does. The phones start spread
over 40 seconds; the presenter's poll revalidates with its ETag, as a browser does.
"""
import json
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from shapely.geometry import shape
from sqlalchemy import create_engine, func, select

from dialogue_support import EST, PROMISE, save_presentation
from live_gunicorn import Gunicorn, Planner, app_env, create_planner
from mapapp import create_app
from mapapp.store.dialogue_models import DialogueAnswer, DialogueSession
from mapapp.store.models import Area

pytestmark = pytest.mark.slow

PHONES = 200
SPREAD = 40.0  # seconds over which the phones start
SANDVIK = f"{PROMISE}/uppsokande-ungdomar"
THEMES = ["narkotika", "unga", "alkohol", "kriminella nätverk"]
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _plan(n: int, spot) -> dict:
    """Phone n's answers; every tenth phone sends a second EST answer that must replace its first."""
    return {"area": "hageby" if n % 3 else "navestad", EST: n % 5, SANDVIK: n % 4 + 1,
            "themes": [THEMES[n % 4], THEMES[(n + 1) % 4]], "place": spot if n % 3 and n % 2 else None,
            "second": (n + 2) % 5 if n % 10 == 0 else None}


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.errors, self.latency, self.requests, self.done = [], {}, 0, {}

    def check(self, kind, answer, started, expected):
        with self.lock:
            self.requests += 1
            self.latency.setdefault(kind, []).append(time.perf_counter() - started)
            if answer.status_code not in expected:
                self.errors.append(f"{answer.request.method} {answer.url} → {answer.status_code}")


def _phone(base: str, code: str, n: int, plan: dict, start_at: float, tally: Tally):
    time.sleep(max(0.0, start_at - time.monotonic()))
    phone = Planner(base)
    url = f"/d/{code}"

    def step(kind, method, data=None, expected=(200,)):
        started = time.perf_counter()
        try:
            answer = phone.get(url) if method == "GET" else phone.post(url, data)
        except requests.RequestException as exc:
            with tally.lock:
                tally.errors.append(f"{method} phone {n}: {type(exc).__name__}: {exc}")
            return None
        tally.check(kind, answer, started, expected)
        return answer

    page = step("page", "GET")
    if page is None or page.status_code != 200:
        return
    token = _TOKEN.search(page.text).group(1)
    if step("area", "POST", {"csrf_token": token, "step": "area", "area": plan["area"]}, (302,)) is None:
        return
    form = [("csrf_token", token), ("area", plan["area"]), (f"rate:{EST}", str(plan[EST])),
            (f"rate:{SANDVIK}", str(plan[SANDVIK]))] + [("themes", t) for t in plan["themes"]]
    if plan["place"]:
        form += [("lon", str(plan["place"][0])), ("lat", str(plan["place"][1]))]
    if step("answers", "POST", form, (302,)) is None:
        return
    if plan["second"] is not None:
        if step("answers", "POST", [("csrf_token", token), ("area", plan["area"]), (f"rate:{EST}", str(plan["second"]))],
                (302,)) is None:
            return
    with tally.lock:
        tally.done[n] = time.monotonic()


def _poll(base: str, code: str, stop: threading.Event, counts: dict):
    """The presenter's page: the results' JSON twin every second, revalidated with its ETag."""
    http, etag = requests.Session(), None
    while not stop.is_set():
        try:
            answer = http.get(f"{base}/dialog/{code}/results.json", timeout=10,
                              headers={"If-None-Match": etag} if etag else {})
            counts[answer.status_code] = counts.get(answer.status_code, 0) + 1
            etag = answer.headers.get("ETag", etag)
        except requests.RequestException as exc:
            counts[type(exc).__name__] = counts.get(type(exc).__name__, 0) + 1
        stop.wait(1.0)


def _ms(values, q):
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000:.0f}"


def test_two_hundred_phones_answer_within_a_minute(tmp_path):
    database_url = os.environ.get("MAPAPP_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'dialogue.sqlite'}"
    env = app_env(database_url, tmp_path / "evidence", MAPAPP_PUBLIC_URL="http://rummet.example")
    create_planner(env)  # first start: creates and seeds the database
    setup = create_app({"SECRET_KEY": "setup", "DATABASE_URL": database_url, "TODAY": "2026-11-23",
                        "AUTO_SEED": False, "TESTING": True})
    save_presentation(setup)
    engine = setup.extensions["mapapp_engine"]
    with engine.connect() as conn:
        hageby = shape(json.loads(conn.scalar(select(Area.geometry).where(Area.slug == "hageby"))))
    spot = (round(hageby.representative_point().x, 6), round(hageby.representative_point().y, 6))
    plans = [_plan(n, spot) for n in range(PHONES)]
    tally, polls, stop = Tally(), {}, threading.Event()

    # The default configuration: as many workers as cores (gunicorn.conf.py), 4 threads each.
    with Gunicorn(env, tmp_path / "gunicorn.log", workers=os.cpu_count() or 2, threads=4) as server:
        planner = Planner(server.url).login()
        page = planner.get("/planner/dialogues/new?presentation=dialog-hageby-navestad")
        token = _TOKEN.search(page.text).group(1)
        opened = planner.post("/planner/dialogues/new", {
            "csrf_token": token, "presentation": "dialog-hageby-navestad", "held_on": "2026-11-23",
            "place": "Navestads bibliotek"})
        assert opened.status_code == 302, opened.text[:500]
        code = opened.headers["Location"].rstrip("/").rsplit("/", 1)[1]
        console = planner.get(f"/planner/dialogues/{code}")
        token = _TOKEN.search(console.text).group(1)
        shown = planner.post(f"/planner/dialogues/{code}/visibility", {"csrf_token": token, "visible": "1"})
        assert shown.status_code == 302

        poller = threading.Thread(target=_poll, args=(server.url, code, stop, polls), daemon=True)
        poller.start()
        started = time.monotonic()
        with ThreadPoolExecutor(64) as pool:
            for n, plan in enumerate(plans):
                pool.submit(_phone, server.url, code, n, plan, started + SPREAD * n / PHONES, tally)
        elapsed = max(tally.done.values(), default=started) - started
        stop.set()
        poller.join(timeout=15)
        first = requests.get(f"{server.url}/dialog/{code}/results.json", timeout=10)
        live = first.json()
        # Nothing changed since: the presenter's next poll is a 304 without a body.
        unchanged = requests.get(f"{server.url}/dialog/{code}/results.json", timeout=10,
                                 headers={"If-None-Match": first.headers["ETag"]}).status_code
        log = (tmp_path / "gunicorn.log").read_text(errors="replace")

    latency = "; ".join(f"{kind} p50 {_ms(v, .5)} ms, p95 {_ms(v, .95)} ms, max {_ms(v, 1.0)} ms"
                        for kind, v in tally.latency.items())
    print(f"\n{PHONES} phones: {len(tally.done)} finished in {elapsed:.1f} s; {tally.requests} requests ({latency}); "
          f"presenter polls {polls}; a repeated poll {unchanged}; errors {len(tally.errors)}")
    assert tally.errors == [], tally.errors[:20]
    assert "Traceback" not in log, log[-3000:]
    assert len(tally.done) == PHONES and elapsed <= 60.0
    assert set(polls) <= {200, 304} and unchanged == 304, (polls, unchanged)

    # Every answer counted once: the room's results and the table agree with what the phones sent last.
    final = {n: {**p, EST: p["second"] if p["second"] is not None else p[EST]} for n, p in enumerate(plans)}
    assert live["participants"] == PHONES
    for key in (EST, SANDVIK):
        values = [p[key] for p in final.values()]
        rating = next(r for r in live["ratings"] if r["key"] == key)
        assert rating["counts"] == [values.count(level) for level in (1, 2, 3, 4)], key
        assert rating["unknown"] == values.count(0) and rating["answers"] == PHONES
    picked = [t for p in final.values() for t in p["themes"]]
    assert {t["theme"]: t["count"] for t in live["themes"]} == {t: picked.count(t) for t in set(picked)}
    marked = sum(1 for p in final.values() if p["place"])
    assert live["places"]["answers"] == marked and live["places"]["cells"][0]["count"] == marked
    with engine.connect() as conn:
        session_id = conn.scalar(select(DialogueSession.id).where(DialogueSession.code == code))
        rows = dict(conn.execute(select(DialogueAnswer.question, func.count()).where(
            DialogueAnswer.session_id == session_id).group_by(DialogueAnswer.question)).all())
        phones = conn.scalar(select(func.count(func.distinct(DialogueAnswer.phone))).where(
            DialogueAnswer.session_id == session_id))
    assert rows == {"area": PHONES, f"rate:{EST}": PHONES, f"rate:{SANDVIK}": PHONES, "themes": PHONES,
                    "place": marked}
    assert phones == PHONES
    engine.dispose()
