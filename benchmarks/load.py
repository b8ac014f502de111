"""Throughput under load: each endpoint against a static file of the same size on the wire, A/B/A/B.

The static-file ceiling of this shared machine moves a lot between runs, so each endpoint is run back to
back with its own static twin (endpoint, twin, endpoint, twin, …) and the ratio is of their medians.
"""
import random
import re
import shutil
import subprocess
from pathlib import Path

from .common import AREA, CITY_QUERY, fetch, median, say

ENDPOINTS = [("map page `/`", "/"), (f"area page `/area/{AREA}`", f"/area/{AREA}"),
             (f"its JSON `/area/{AREA}.json`", f"/area/{AREA}.json"),
             ("`/api/areas.geojson`, city view", "/api/areas.geojson?" + CITY_QUERY)]

_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0}


def parse_wrk(text: str) -> dict:
    """Requests/s, p50/p99 latency (s) and errors (socket errors + non-2xx/3xx) from `wrk --latency`."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    latency = {q: float(v) * _UNITS[u] for q, v, u in _LATENCY.findall(text)}
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = sum(int(x) for x in socket_errors.groups()) if socket_errors else 0
    errors += int(non_2xx.group(1)) if non_2xx else 0
    total = int(re.search(r"(\d+) requests in", text).group(1))
    return {"rps": rps, "p50": latency.get("50"), "p99": latency.get("99"), "errors": errors, "requests": total}


def wrk_command(connections: int, duration: int, threads: int = 2) -> list[str]:
    return ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "5s", "--latency",
            "-H", "Accept-Encoding: gzip"]


def run_wrk(url: str, connections: int, duration: int) -> dict:
    result = subprocess.run(wrk_command(connections, duration) + [url], capture_output=True, text=True,
                            timeout=duration + 60, check=True)
    return parse_wrk(result.stdout)


def wire_size(base: str, path: str) -> int:
    """The body's size as sent to a gzip client (what the static twin must match)."""
    status, headers, body = fetch(base + path)
    if status != 200 or headers.get("Content-Encoding") != "gzip":
        raise RuntimeError(f"{path}: HTTP {status}, {headers.get('Content-Encoding')}")
    return len(body)


def twin(static_dir: Path, size: int) -> str:
    """A static file of exactly size bytes that nothing compresses (random bytes, application/octet-stream)."""
    name = f"twin-{size}.bin"
    (static_dir / name).write_bytes(random.Random(size).randbytes(size))
    return "/bench-static/" + name


def measure(base: str, static_dir: Path, connections: int, duration: int, rounds: int) -> dict:
    if not shutil.which("wrk"):
        return {"skipped": "wrk is not installed (Debian: apt-get install wrk)"}
    out = {}
    for label, path in ENDPOINTS:
        size = wire_size(base, path)
        static = twin(static_dir, size)
        for url in (base + path, base + static):  # warm every worker's caches and connections
            subprocess.run(["wrk", "-t2", "-c8", "-d2s", url], capture_output=True, check=False)
        app_runs, static_runs = [], []
        for r in range(rounds):
            say(f"  wrk {connections} connections, {duration} s, round {r + 1}/{rounds}: {path} and its twin")
            app_runs.append(run_wrk(base + path, connections, duration))
            static_runs.append(run_wrk(base + static, connections, duration))
        app_rps, static_rps = median([x["rps"] for x in app_runs]), median([x["rps"] for x in static_runs])
        # Each round's pair ran back to back, so a pair mostly meets the shared machine in one state; the median
        # of the pairs' ratios is not swung by how many disturbed rounds fell on either side.
        pairs = [a["rps"] / b["rps"] for a, b in zip(app_runs, static_runs)]
        out[label] = {"path": path, "bytes": size, "app": app_runs, "static": static_runs, "app_rps": app_rps,
                      "static_rps": static_rps, "ratio": median(pairs), "ratio_of_medians": app_rps / static_rps,
                      "pairs": pairs,
                      "errors": sum(x["errors"] for x in app_runs + static_runs),
                      "app_p50": median([x["p50"] for x in app_runs]), "app_p99": median([x["p99"] for x in app_runs])}
    return {"endpoints": out, "command": " ".join(wrk_command(connections, duration)) + " URL"}
