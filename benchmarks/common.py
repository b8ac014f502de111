"""Small helpers every part of the benchmark shares: units, medians, processes, the machine."""
import contextlib
import os
import platform
import re
import socket
import statistics
import time
import urllib.request
from pathlib import Path

import click

TODAY = "2026-11-23"  # the date the app reasons with in every measurement (as the tests), so runs repeat
SECRET = "benchmark"  # a throwaway key: the benchmark's databases and servers live in a temporary folder
AREA = "hageby"  # a real area with promises, follow-ups and a camera site, present at every size
# A city view a phone opens (central Stockholm at zoom 12, 390 px wide) and the query its map then sends
# (lofteskartan.js snaps the view outwards to a 0.25° grid at zooms 11–12).
CITY_VIEW = (12, 59.33, 18.07)
CITY_QUERY = "bbox=18,59.25,18.25,59.5&zoom=12"


def say(message: str):
    click.echo(message, err=True)


def median(values) -> float:
    return statistics.median(values) if values else float("nan")


def ms(seconds) -> str:
    if seconds is None or seconds != seconds:
        return "–"
    if seconds >= 10:
        return f"{seconds:.1f} s"
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.1 else f"{seconds * 1000:.2f} ms"


def kb(n) -> str:
    if n is None:
        return "–"
    return f"{n / 1024:,.1f} kB" if n < 1 << 20 else f"{n / (1 << 20):,.2f} MB"


def mb(n) -> str:
    return "–" if n is None else f"{n / (1 << 20):,.0f} MB"


def met(ok) -> str:
    return "n/a" if ok is None else ("**met**" if ok else "**not met**")


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory(pid: int | str = "self") -> dict:
    """Resident set now (VmRSS) and at its peak (VmHWM), in bytes, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    return {k: int(re.search(rf"{k}:\s+(\d+) kB", status).group(1)) * 1024 for k in ("VmRSS", "VmHWM")}


def children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(stat.parent.name))
    return sorted(out)


def fetch(url: str, headers: dict | None = None, timeout: float = 120) -> tuple[int, dict, bytes]:
    """Status, headers and body of one GET on a new connection (urllib opens one per request)."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (loopback only)
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:  # 304 and errors arrive as exceptions
        return err.code, dict(err.headers), err.read()


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "unknown CPU")
    total = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) / (1 << 20)
    return (f"{os.cpu_count()} cores ({cpu}), {total:.0f} GB RAM, {platform.platform()}, "
            f"Python {platform.python_version()}")
