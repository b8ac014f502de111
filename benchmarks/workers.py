"""What two gunicorn workers do together: 304 on reloads from either worker, and memory after many URLs."""
import gzip
import json
import math
import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import create_engine, text

from .common import AREA, children, fetch, memory, say

RELOAD_PATHS = ("/", f"/area/{AREA}", f"/area/{AREA}.json")
YEARS = range(2018, 2027)


def reloads(base: str, n: int = 40, threads: int = 4) -> dict:
    """Per path: the first answer's ETag sent back n times, each on a new connection, several at a time so
    both workers answer (the one that did not give the first answer renders the page itself)."""
    out = {}
    for path in RELOAD_PATHS:
        status, headers, _body = fetch(base + path)
        etag, first = headers.get("ETag"), headers.get("X-Bench-Worker")

        def again(_i, path=path, etag=etag):
            code, h, body = fetch(base + path, {"If-None-Match": etag})
            return code, h.get("X-Bench-Worker"), len(body)
        with ThreadPoolExecutor(threads) as pool:
            answers = list(pool.map(again, range(n)))
        by_worker = Counter(w for _c, w, _b in answers)
        out[path] = {"first_status": status, "etag": etag, "first_worker": first,
                     "not_modified": sum(c == 304 for c, _w, _b in answers), "n": n,
                     "statuses": dict(Counter(c for c, _w, _b in answers)),
                     "workers": dict(by_worker), "bytes": sum(b for _c, _w, b in answers)}
    return out


def _snap(value: float, cell: float, up: bool) -> float:
    return round((math.ceil if up else math.floor)(value / cell) * cell, 4)


def _view_query(lon: float, lat: float, zoom: int) -> str:
    """The query lofteskartan.js sends for a 390×844 phone view centred here (its grid: 1°, 0.25°, 0.05°)."""
    half_lon = 390 * 360 / (256 * 2 ** zoom) / 2
    half_lat = 844 * 360 / (256 * 2 ** zoom) / 2 * math.cos(math.radians(lat))
    cell = 0.05 if zoom >= 13 else 0.25 if zoom >= 11 else 1
    box = [_snap(lon - half_lon, cell, False), _snap(lat - half_lat, cell, False),
           _snap(lon + half_lon, cell, True), _snap(lat + half_lat, cell, True)]
    return "bbox=" + ",".join(f"{v:g}" for v in box) + f"&zoom={zoom}"


def distinct_urls(database_url: str, n: int = 2000, seed: int = 14) -> list[str]:
    """n different URLs a crawler or many visitors would ask for: area pages and their JSON, promise
    pages, municipality views, year views, and map views (bbox + zoom) all over the country."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        areas = [(s, json.loads(p) if isinstance(p, str) else p)
                 for s, p in conn.execute(text("SELECT slug, label_point FROM area ORDER BY slug"))]
        promises = [r[0] for r in conn.execute(text("SELECT slug FROM promise WHERE published ORDER BY slug"))]
        codes = [r[0] for r in conn.execute(text("SELECT DISTINCT municipality_code FROM area ORDER BY 1"))]
    engine.dispose()
    rng = random.Random(seed)
    rng.shuffle(areas)
    years = [f"/?year={y}" for y in YEARS] + [f"/index.json?year={y}" for y in YEARS]
    views = list(dict.fromkeys(f"/api/areas.geojson?{_view_query(p[0], p[1], (9, 11, 12, 13)[i % 4])}"
                               for i, (_s, p) in enumerate(areas) if p))
    kinds = [years, [f"/?kommun={c}" for c in codes], [f"/area/{s}" for s, _p in areas[0::2]],
             [f"/area/{s}.json" for s, _p in areas[1::2]], [f"/promise/{s}" for s in promises], views]
    # Take from each kind in turn until n are chosen (year views first: they are the fewest).
    urls, pools = [], [list(k) for k in kinds]
    while len(urls) < n and any(pools):
        for pool in pools:
            if pool and len(urls) < n:
                urls.append(pool.pop(0))
    rng.shuffle(urls)
    return urls


def _caches(base: str, workers: list[int]) -> dict:
    """Each worker's caches (GET /bench/caches on new connections until every worker has answered)."""
    seen = {}
    for _ in range(200):
        _s, headers, body = fetch(base + "/bench/caches")
        # Compressed like any answer of the app once it is large enough (every worker's caches listed).
        answer = json.loads(gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body)
        seen[answer["pid"]] = answer
        if set(workers) <= set(seen):
            break
    return seen


def memory_after(base: str, master: int, urls: list[str], threads: int = 8) -> dict:
    """Every worker's memory before and after the URLs, and what each cache holds against its bound."""
    workers = children(master)
    before = {pid: memory(pid) for pid in workers}

    def one(url):
        status, headers, _body = fetch(base + url)
        return status, headers.get("X-Bench-Worker"), url
    say(f"  {len(urls)} distinct requests, {threads} at a time …")
    with ThreadPoolExecutor(threads) as pool:
        answers = list(pool.map(one, urls))
    after = {pid: memory(pid) for pid in workers}
    return {"n": len(urls), "statuses": dict(Counter(s for s, _w, _u in answers)),
            "failed": [u for s, _w, u in answers if s != 200][:10],
            "per_worker": dict(Counter(w for _s, w, _u in answers)), "before": before, "after": after,
            "caches": _caches(base, workers), "kinds": dict(Counter(_kind(u) for u in urls))}


def _kind(url: str) -> str:
    if url.startswith("/api/"):
        return "map views (bbox+zoom)"
    if url.startswith("/area/"):
        return "area JSON" if url.endswith(".json") else "area pages"
    if url.startswith("/promise/"):
        return "promise pages"
    return "year views" if "year=" in url else "municipality views"
